/* Unit tests of schema.c: every keyword, the violations it reports (path,
 * message, value, keyword, schema type), compile errors, $ref, and the
 * create-task request schema of the spec. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/json.h"
#include "quo/schema.h"

static quo_json_doc *parse(const char *text)
{
    quo_json_doc *doc = NULL;
    quo_error err;
    ck_assert_msg(quo_json_parse(text, strlen(text), 0, &doc, &err) == QUO_OK,
                  "test JSON does not parse: %s (%s)", text, err.message);
    return doc;
}

/* Compiles schema text; the document is freed before use, which the
 * header allows. */
static quo_schema *compile(const char *schema_text)
{
    quo_json_doc *doc = parse(schema_text);
    quo_schema *s = NULL;
    quo_error err;
    quo_status st = quo_schema_compile(quo_json_root(doc), doc, "", &s, &err);
    quo_json_free(doc);
    ck_assert_msg(st == QUO_OK, "schema does not compile: %s (%s)", schema_text, err.message);
    return s;
}

static quo_error compile_error(const char *schema_text)
{
    quo_json_doc *doc = parse(schema_text);
    quo_schema *s = NULL;
    quo_error err = {QUO_OK, 0, ""};
    quo_status st = quo_schema_compile(quo_json_root(doc), doc, "", &s, &err);
    quo_json_free(doc);
    ck_assert_msg(st == QUO_ESCHEMA, "schema should not compile: %s (status %d)", schema_text,
                  st);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(err.status, QUO_ESCHEMA);
    return err;
}

#define ASSERT_COMPILE_ERROR(schema, ...)                                                   \
    do {                                                                                  \
        quo_error e_ = compile_error(schema);                                             \
        const char *parts_[] = {__VA_ARGS__};                                             \
        for (size_t i_ = 0; i_ < sizeof parts_ / sizeof *parts_; i_++)                    \
            ck_assert_msg(strstr(e_.message, parts_[i_]), "\"%s\" not in \"%s\"",       \
                          parts_[i_], e_.message);                                        \
    } while (0)

/* Validates in collect-all mode and with is_valid; both verdicts agree. */
static quo_violations run_on(const quo_schema *s, const char *instance_text)
{
    quo_json_doc *doc = parse(instance_text);
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_OK);
    bool quick = quo_schema_is_valid(s, quo_json_root(doc), doc);
    ck_assert_msg(quick == (v.count == 0), "is_valid %d but %zu violations for %s", quick,
                  v.count, instance_text);
    quo_json_free(doc);
    return v;
}

static quo_violations run(const char *schema_text, const char *instance_text)
{
    quo_schema *s = compile(schema_text);
    quo_violations v = run_on(s, instance_text);
    quo_schema_free(s);
    return v;
}

static bool valid(const char *schema_text, const char *instance_text)
{
    quo_violations v = run(schema_text, instance_text);
    size_t n = v.count;
    quo_violations_free(&v);
    return n == 0;
}

#define VALID(s, i) ck_assert_msg(valid(s, i), "%s should accept %s", s, i)
#define INVALID(s, i) ck_assert_msg(!valid(s, i), "%s should reject %s", s, i)

/* Checks item k of v field by field; value_json NULL means no value. */
static void assert_item(const quo_violations *v, size_t k, const char *path,
                        const char *keyword, const char *schema_type, const char *message,
                        const char *value_json)
{
    ck_assert_msg(k < v->count, "only %zu violations", v->count);
    const quo_violation *it = &v->items[k];
    ck_assert_str_eq(it->path, path);
    ck_assert_str_eq(it->keyword, keyword);
    ck_assert_str_eq(it->schema_type, schema_type);
    ck_assert_str_eq(it->message, message);
    if (!value_json) {
        ck_assert_ptr_null(it->value);
    } else {
        ck_assert_ptr_nonnull(it->value);
        char *text = cJSON_PrintUnformatted(it->value);
        ck_assert_str_eq(text, value_json);
        free(text);
    }
}

/* ---------------------------------------------------------------- type */

START_TEST(type_keyword)
{
    VALID("{\"type\":\"string\"}", "\"x\"");
    INVALID("{\"type\":\"string\"}", "1");
    VALID("{\"type\":\"integer\"}", "1");
    VALID("{\"type\":\"integer\"}", "1.0");
    VALID("{\"type\":\"integer\"}", "-2e3");
    INVALID("{\"type\":\"integer\"}", "1.5");
    VALID("{\"type\":\"number\"}", "1.5");
    INVALID("{\"type\":\"number\"}", "\"1\"");
    VALID("{\"type\":\"boolean\"}", "false");
    INVALID("{\"type\":\"boolean\"}", "0");
    VALID("{\"type\":\"null\"}", "null");
    INVALID("{\"type\":\"null\"}", "false");
    VALID("{\"type\":\"object\"}", "{}");
    INVALID("{\"type\":\"object\"}", "[]");
    VALID("{\"type\":\"array\"}", "[]");
    INVALID("{\"type\":\"array\"}", "{}");
    VALID("{\"type\":[\"string\",\"null\"]}", "null");
    INVALID("{\"type\":[\"string\",\"null\"]}", "{}");

    quo_violations v = run("{\"type\":\"string\"}", "12");
    ck_assert_uint_eq(v.count, 1);
    assert_item(&v, 0, "", "type", "string", "must be a string, not a number", "12");
    quo_violations_free(&v);

    v = run("{\"type\":[\"string\",\"integer\",\"null\"]}", "[1]");
    assert_item(&v, 0, "", "type", "null|string|integer",
                "must be null, a string or an integer, not an array", "[1]");
    quo_violations_free(&v);

    v = run("{\"type\":\"integer\"}", "2.5");
    assert_item(&v, 0, "", "type", "integer", "must be an integer, not a number", "2.5");
    quo_violations_free(&v);
}
END_TEST

/* ------------------------------------------------------------ objects */

static const char task_like[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"title\",\"description\",\"phoneNumberId\"],"
    "\"properties\":{\"title\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"},"
    "\"dueDate\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"assignedTo\":{\"type\":\"string\",\"pattern\":\"^US(.*)$\"},"
    "\"phoneNumberId\":{\"type\":\"string\",\"pattern\":\"^PN(.*)$\"}}}";

START_TEST(object_keywords_and_messages)
{
    VALID(task_like, "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}");
    quo_violations v = run(task_like,
                           "{\"description\":5,\"phoneNumberId\":\"XX1\",\"extra\":true,"
                           "\"dueDate\":\"2026-02-30T10:00:00Z\",\"assignedTo\":\"US\\n\"}");
    ck_assert_uint_eq(v.count, 6);
    assert_item(&v, 0, "/description", "type", "string", "must be a string, not a number", "5");
    assert_item(&v, 1, "/phoneNumberId", "pattern", "string", "must match the pattern ^PN(.*)$",
                "\"XX1\"");
    assert_item(&v, 2, "/extra", "additionalProperties", "object",
                "is not an allowed member (allowed: title, description, dueDate, assignedTo, "
                "phoneNumberId)",
                "true");
    assert_item(&v, 3, "/dueDate", "format", "string",
                "must be an RFC 3339 date-time such as 2026-11-28T17:00:00Z",
                "\"2026-02-30T10:00:00Z\"");
    assert_item(&v, 4, "/assignedTo", "pattern", "string", "must match the pattern ^US(.*)$",
                "\"US\\n\"");
    assert_item(&v, 5, "/title", "required", "string", "is required", NULL);
    quo_violations_free(&v);

    /* A required name with no declared type reports "any". */
    v = run("{\"required\":[\"a\",\"b\"],\"properties\":{\"b\":{\"type\":\"array\"}}}", "{}");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 0, "/a", "required", "any", "is required", NULL);
    assert_item(&v, 1, "/b", "required", "array", "is required", NULL);
    quo_violations_free(&v);

    /* Non-objects are not constrained by object keywords. */
    VALID("{\"required\":[\"a\"],\"additionalProperties\":false}", "[1]");
    VALID("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":1,\"b\":2}");
    v = run("{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"integer\"}}",
            "{\"a\":\"x\",\"b\":\"y\"}");
    ck_assert_uint_eq(v.count, 1);
    assert_item(&v, 0, "/b", "type", "integer", "must be an integer, not a string", "\"y\"");
    quo_violations_free(&v);

    v = run("{\"additionalProperties\":false}", "{\"a\":1}");
    assert_item(&v, 0, "/a", "additionalProperties", "any",
                "is not an allowed member (no members are allowed here)", "1");
    quo_violations_free(&v);
}
END_TEST

START_TEST(member_names_compare_by_full_length)
{
    /* "title\u0000x" is not "title": title stays missing and the longer
     * name is an extra member. */
    quo_violations v = run("{\"required\":[\"title\"],\"properties\":{\"title\":{}},"
                           "\"additionalProperties\":false}",
                           "{\"title\\u0000x\":\"t\"}");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 0, "/title\\u0000x", "additionalProperties", "any",
                "is not an allowed member (allowed: title)", "\"t\"");
    assert_item(&v, 1, "/title", "required", "any", "is required", NULL);
    quo_violations_free(&v);
    /* and a declared name with a NUL matches only itself */
    VALID("{\"required\":[\"a\\u0000b\"],\"additionalProperties\":false,"
          "\"properties\":{\"a\\u0000b\":{\"const\":1}}}",
          "{\"a\\u0000b\":1}");
    INVALID("{\"required\":[\"a\\u0000b\"]}", "{\"a\":1}");
}
END_TEST

START_TEST(pointer_escaping_in_paths)
{
    quo_violations v = run("{\"properties\":{\"a/b\":{\"properties\":{\"c~d\":{\"items\":"
                           "{\"type\":\"string\"}}}}}}",
                           "{\"a/b\":{\"c~d\":[\"x\",\"y\",3]}}");
    ck_assert_uint_eq(v.count, 1);
    assert_item(&v, 0, "/a~1b/c~0d/2", "type", "string", "must be a string, not a number", "3");
    quo_violations_free(&v);
}
END_TEST

START_TEST(many_properties_use_the_index)
{
    /* 80 properties (past the 64-bit required mask and the linear scan). */
    char schema[8192], inst[4096];
    size_t n = (size_t)sprintf(schema, "{\"additionalProperties\":false,\"properties\":{");
    for (int i = 0; i < 80; i++)
        n += (size_t)sprintf(schema + n, "%s\"p%d\":{\"type\":\"integer\"}", i ? "," : "", i);
    n += (size_t)sprintf(schema + n, "},\"required\":[");
    for (int i = 0; i < 80; i += 2)
        n += (size_t)sprintf(schema + n, "%s\"p%d\"", i ? "," : "", i);
    sprintf(schema + n, "]}");
    n = (size_t)sprintf(inst, "{");
    for (int i = 79; i >= 0; i--)
        if (i != 78 && i != 77)
            n += (size_t)sprintf(inst + n, "\"p%d\":%d,", i, i);
    sprintf(inst + n, "\"zz\":1,\"p77\":\"x\"}");
    quo_violations v = run(schema, inst);
    ck_assert_uint_eq(v.count, 3);
    assert_item(&v, 0, "/zz", "additionalProperties", "any",
                v.items[0].message, "1");
    ck_assert_ptr_nonnull(strstr(v.items[0].message, "(allowed: p0, p1, p2,"));
    ck_assert_ptr_nonnull(strstr(v.items[0].message, "more)"));
    assert_item(&v, 1, "/p77", "type", "integer", "must be an integer, not a string", "\"x\"");
    assert_item(&v, 2, "/p78", "required", "integer", "is required", NULL);
    quo_violations_free(&v);
}
END_TEST

/* -------------------------------------------------------- applicators */

START_TEST(anyof_oneof_allof)
{
    const char *any = "{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":2}]}";
    VALID(any, "\"x\"");
    VALID(any, "3");
    quo_violations v = run(any, "1");
    ck_assert_uint_eq(v.count, 1);
    assert_item(&v, 0, "", "anyOf", "any", "must match at least one of the 2 allowed alternatives",
                "1");
    quo_violations_free(&v);

    const char *one = "{\"type\":\"number\",\"oneOf\":[{\"minimum\":2},{\"maximum\":5}]}";
    VALID(one, "1");
    VALID(one, "6");
    v = run(one, "3");
    assert_item(&v, 0, "", "oneOf", "number",
                "must match exactly one of the 2 allowed alternatives, but matches more than one",
                "3");
    quo_violations_free(&v);
    v = run("{\"oneOf\":[{\"type\":\"null\"},{\"type\":\"array\"}]}", "true");
    assert_item(&v, 0, "", "oneOf", "any",
                "must match exactly one of the 2 allowed alternatives, but matches none", "true");
    quo_violations_free(&v);

    /* allOf reports every failing branch, typed by the parent's type. */
    v = run("{\"type\":\"string\",\"allOf\":[{\"minLength\":3},{\"pattern\":\"^a\"}]}", "\"b\"");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 0, "", "minLength", "string", "must be at least 3 characters long", "\"b\"");
    assert_item(&v, 1, "", "pattern", "string", "must match the pattern ^a", "\"b\"");
    quo_violations_free(&v);

    quo_schema *s = compile(any);
    ck_assert_uint_eq(quo_schema_branch_count(s), 2);
    quo_violations w0 = run_on(quo_schema_branch(s, 0), "1");
    assert_item(&w0, 0, "", "type", "string", "must be a string, not a number", "1");
    quo_violations_free(&w0);
    ck_assert_ptr_null(quo_schema_branch(s, 2));
    quo_violations w = run_on(quo_schema_branch(s, 1), "1");
    assert_item(&w, 0, "", "minimum", "any", "must be greater than or equal to 2", "1");
    quo_violations_free(&w);
    quo_schema_free(s);
    s = compile("{\"type\":\"string\"}");
    ck_assert_uint_eq(quo_schema_branch_count(s), 0);
    ck_assert_ptr_null(quo_schema_branch(s, 0));
    quo_schema_free(s);
}
END_TEST

START_TEST(boolean_schemas)
{
    VALID("true", "{\"a\":[1]}");
    INVALID("false", "null");
    VALID("{\"items\":true}", "[1,\"a\"]");
    quo_violations v = run("{\"properties\":{\"a\":false}}", "{\"a\":1,\"b\":2}");
    ck_assert_uint_eq(v.count, 1);
    assert_item(&v, 0, "/a", "false", "any", "is not allowed here (the schema is false)", "1");
    quo_violations_free(&v);
    v = run("{\"type\":\"array\",\"items\":false}", "[0,1]");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 1, "/1", "false", "any", "is not allowed here (the schema is false)", "1");
    quo_violations_free(&v);
    VALID("{\"type\":\"array\",\"items\":false}", "[]");
}
END_TEST

/* ---------------------------------------------------------- values */

START_TEST(const_and_enum)
{
    VALID("{\"const\":1}", "1.0");
    INVALID("{\"const\":1}", "\"1\"");
    VALID("{\"const\":{\"a\":[1,{\"b\":null}],\"c\":\"x\"}}",
          "{\"c\":\"x\",\"a\":[1.0,{\"b\":null}]}");
    INVALID("{\"const\":{\"a\":1}}", "{\"a\":1,\"b\":1}");
    INVALID("{\"const\":{\"a\":1,\"b\":1}}", "{\"a\":1}");
    INVALID("{\"const\":[1,2]}", "[2,1]");
    INVALID("{\"const\":[1,2]}", "[1]");
    INVALID("{\"const\":false}", "0");
    INVALID("{\"const\":null}", "false");
    VALID("{\"const\":\"a\\u0000b\"}", "\"a\\u0000b\"");
    INVALID("{\"const\":\"a\\u0000b\"}", "\"a\"");
    INVALID("{\"const\":\"a\"}", "\"a\\u0000b\"");
    VALID("{\"const\":{\"k\\u0000\":1}}", "{\"k\\u0000\":1}");
    INVALID("{\"const\":{\"k\\u0000\":1}}", "{\"k\":1}");

    quo_violations v = run("{\"type\":\"string\",\"const\":\"0600400\"}", "\"0600401\"");
    assert_item(&v, 0, "", "const", "string", "must be exactly \"0600400\"", "\"0600401\"");
    quo_violations_free(&v);
    v = run("{\"const\":400}", "400.5");
    assert_item(&v, 0, "", "const", "any", "must be exactly 400", "400.5");
    quo_violations_free(&v);

    VALID("{\"enum\":[\"a\",2,null,[1]]}", "2.0");
    VALID("{\"enum\":[\"a\",2,null,[1]]}", "[1]");
    INVALID("{\"enum\":[\"a\",2,null,[1]]}", "false");
    v = run("{\"enum\":[\"a\",2,null,{\"x\":\"\\u0000\"}]}", "3");
    assert_item(&v, 0, "", "enum", "any",
                "must be one of: \"a\", 2, null, {\"x\":\"\\u0000\"}", "3");
    quo_violations_free(&v);
    INVALID("{\"enum\":[]}", "1");
}
END_TEST

START_TEST(string_lengths_in_code_points)
{
    VALID("{\"maxLength\":1}", "\"\\u00e9\"");
    VALID("{\"maxLength\":1}", "\"\\ud83d\\ude00\"");
    INVALID("{\"maxLength\":1}", "\"ab\"");
    VALID("{\"minLength\":2}", "\"\\u00e9\\u00e9\"");
    INVALID("{\"minLength\":3}", "\"\\u00e9\\u00e9\"");
    VALID("{\"minLength\":3,\"maxLength\":3}", "\"a\\u0000b\"");
    INVALID("{\"maxLength\":2}", "\"a\\u0000b\"");
    VALID("{\"minLength\":2.0}", "\"ab\"");
    VALID("{\"maxLength\":0}", "\"\"");
    VALID("{\"minLength\":5}", "5"); /* non-strings are not constrained */
    quo_violations v = run("{\"maxLength\":1,\"minLength\":3}", "\"ab\"");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 0, "", "minLength", "any", "must be at least 3 characters long", "\"ab\"");
    assert_item(&v, 1, "", "maxLength", "any", "must be at most 1 character long", "\"ab\"");
    quo_violations_free(&v);
}
END_TEST

START_TEST(numeric_bounds)
{
    VALID("{\"minimum\":1.5,\"maximum\":3}", "1.5");
    VALID("{\"minimum\":1.5,\"maximum\":3}", "3");
    INVALID("{\"minimum\":1.5}", "1.4");
    INVALID("{\"maximum\":-1}", "0");
    VALID("{\"maximum\":-1}", "\"big\"");
    quo_violations v = run("{\"type\":\"number\",\"minimum\":0.1,\"maximum\":-2e300}", "-1");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 0, "", "minimum", "number", "must be greater than or equal to 0.1", "-1");
    assert_item(&v, 1, "", "maximum", "number", "must be less than or equal to -2e+300", "-1");
    quo_violations_free(&v);
}
END_TEST

START_TEST(pattern_and_format)
{
    VALID("{\"pattern\":\"^PN(.*)$\"}", "\"PN123\"");
    INVALID("{\"pattern\":\"^PN(.*)$\"}", "\"PN1\\n\"");
    VALID("{\"pattern\":\"^PN(.*)$\"}", "12");
    VALID("{\"pattern\":\"b\"}", "\"abc\"");
    VALID("{\"pattern\":\"^a\\\\u0000b$\"}", "\"a\\u0000b\"");
    INVALID("{\"pattern\":\"^a$\"}", "\"a\\u0000\"");
    VALID("{\"format\":\"date-time\"}", "\"1998-12-31T15:59:60.123-08:00\"");
    INVALID("{\"format\":\"date-time\"}", "\"1998-12-31T15:59:60.123-07:00\"");
    VALID("{\"format\":\"date-time\"}", "7");
    INVALID("{\"format\":\"date-time\"}", "\"2026-11-28T17:00:00Z\\u0000\"");
}
END_TEST

/* --------------------------------------------------------------- $ref */

START_TEST(local_refs)
{
    const char *tree = "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},"
                       "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}},"
                       "\"additionalProperties\":false}";
    VALID(tree, "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[]},{\"kids\":[{\"v\":3}]}]}");
    quo_violations v = run(tree, "{\"kids\":[{\"kids\":[{\"v\":\"3\",\"x\":0}]}]}");
    ck_assert_uint_eq(v.count, 2);
    assert_item(&v, 0, "/kids/0/kids/0/v", "type", "integer",
                "must be an integer, not a string", "\"3\"");
    assert_item(&v, 1, "/kids/0/kids/0/x", "additionalProperties", "object",
                "is not an allowed member (allowed: v, kids)", "0");
    quo_violations_free(&v);

    const char *esc = "{\"$defs\":{\"a~b\":{\"type\":\"integer\"},\"c/d\":{\"type\":\"string\"},"
                      "\"e%f\":{\"type\":\"null\"},\"g\\\"h\":{\"const\":1}},"
                      "\"properties\":{\"1\":{\"$ref\":\"#/$defs/a~0b\"},"
                      "\"2\":{\"$ref\":\"#/$defs/c~1d\"},\"3\":{\"$ref\":\"#/$defs/e%25f\"},"
                      "\"4\":{\"$ref\":\"#/$defs/g%22h\"},\"5\":{\"$ref\":\"#/properties/1\"}}}";
    VALID(esc, "{\"1\":1,\"2\":\"s\",\"3\":null,\"4\":1,\"5\":5}");
    INVALID(esc, "{\"1\":\"x\"}");
    INVALID(esc, "{\"2\":1}");
    INVALID(esc, "{\"3\":1}");
    INVALID(esc, "{\"4\":2}");
    INVALID(esc, "{\"5\":1.5}");
    /* the type reported for a violation inside a $ref target */
    v = run(esc, "{\"5\":\"no\"}");
    assert_item(&v, 0, "/5", "type", "integer", "must be an integer, not a string", "\"no\"");
    quo_violations_free(&v);
    /* a ref to an array element, and a required member typed through a $ref */
    VALID("{\"allOf\":[{\"$ref\":\"#/$defs/x/1\"}],\"$defs\":{\"x\":[{},{\"type\":\"null\"}]}}",
          "null");
    v = run("{\"required\":[\"a\"],\"properties\":{\"a\":{\"$ref\":\"#/$defs/s\"}},"
            "\"$defs\":{\"s\":{\"type\":\"string\"}}}", "{}");
    assert_item(&v, 0, "/a", "required", "string", "is required", NULL);
    quo_violations_free(&v);
    /* mutual recursion through properties is fine */
    VALID("{\"$defs\":{\"a\":{\"properties\":{\"b\":{\"$ref\":\"#/$defs/b\"}}},"
          "\"b\":{\"properties\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"type\":\"object\"}},"
          "\"$ref\":\"#/$defs/a\"}",
          "{\"b\":{\"a\":{\"b\":{}}}}");
}
END_TEST

START_TEST(ref_cycles_rejected)
{
    ASSERT_COMPILE_ERROR("{\"$ref\":\"#\"}", "endless recursion");
    ASSERT_COMPILE_ERROR("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"allOf\":"
                         "[{\"$ref\":\"#/$defs/a\"}]}},\"properties\":{\"x\":{\"$ref\":"
                         "\"#/$defs/a\"}}}",
                         "endless recursion", "/$defs/");
    ASSERT_COMPILE_ERROR("{\"anyOf\":[{\"type\":\"string\"},{\"$ref\":\"#\"}]}",
                         "endless recursion");
}
END_TEST

START_TEST(unsupported_things_are_compile_errors)
{
    ASSERT_COMPILE_ERROR("{\"properties\":{\"a\":{\"minItem\":1}}}",
                         "unknown keyword \"minItem\"", "\"/properties/a\"");
    ASSERT_COMPILE_ERROR("{\"anyOf\":[{},{\"$dynamicRef\":\"#x\"}]}",
                         "\"$dynamicRef\"", "\"/anyOf/1\"");
    ASSERT_COMPILE_ERROR("{\"typ\\u0000e\":\"string\"}", "unknown keyword \"typ\\u0000e\"");
    ASSERT_COMPILE_ERROR("{\"format\":\"idn-email\"}", "format \"idn-email\" is not supported");
    ASSERT_COMPILE_ERROR("{\"items\":[{}]}", "prefixItems");
    ASSERT_COMPILE_ERROR("{\"properties\":{\"a\":{\"type\":\"string\",\"nullable\":true}}}",
                         "\"nullable\" is the OpenAPI 3.0 spelling",
                         "type: [T, \"null\"]", "\"/properties/a\"");
    ASSERT_COMPILE_ERROR("{\"multipleOf\":0}", "greater than 0");
    ASSERT_COMPILE_ERROR("{\"minItems\":-1}", "\"minItems\" must be a non-negative integer");
    ASSERT_COMPILE_ERROR("{\"uniqueItems\":1}", "\"uniqueItems\" must be a boolean");
    ASSERT_COMPILE_ERROR("{\"dependentRequired\":{\"a\":[1]}}", "\"dependentRequired\"");
    ASSERT_COMPILE_ERROR("{\"patternProperties\":{\"a{\":{}}}", "\"patternProperties\" \"a{\"");
    ASSERT_COMPILE_ERROR("{\"if\":{\"not\":{\"$ref\":\"#\"}}}", "endless recursion");
    ASSERT_COMPILE_ERROR("{\"$ref\":\"http://example.com/s.json\"}", "only references");
    ASSERT_COMPILE_ERROR("{\"$ref\":\"#foo\"}", "anchors");
    ASSERT_COMPILE_ERROR("{\"$ref\":\"#/nowhere\"}", "does not resolve");
    ASSERT_COMPILE_ERROR("{\"$ref\":\"#/a%2\"}", "malformed");
    ASSERT_COMPILE_ERROR("{\"$ref\":\"#/a~2\",\"a~2\":{}}", "unknown keyword");
    ASSERT_COMPILE_ERROR("{\"$defs\":{\"a~2\":{}},\"$ref\":\"#/$defs/a~2\"}", "does not resolve");
    ASSERT_COMPILE_ERROR("{\"properties\":{\"a\":{\"$id\":\"x.json\"}}}", "$id");
    ASSERT_COMPILE_ERROR("{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}",
                         "$schema");
    ASSERT_COMPILE_ERROR("{\"pattern\":\"a{\"}", "\"pattern\" \"a{\"", "lone '{'");
    ASSERT_COMPILE_ERROR("{\"type\":\"text\"}", "unknown type \"text\"");
    ASSERT_COMPILE_ERROR("{\"type\":[]}", "\"type\"");
    ASSERT_COMPILE_ERROR("{\"type\":[\"null\",\"null\"]}", "twice");
    ASSERT_COMPILE_ERROR("{\"required\":[\"a\",\"a\"]}", "twice");
    ASSERT_COMPILE_ERROR("{\"required\":\"a\"}", "\"required\"");
    ASSERT_COMPILE_ERROR("{\"minLength\":-1}", "non-negative integer");
    ASSERT_COMPILE_ERROR("{\"maxLength\":1.5}", "non-negative integer");
    ASSERT_COMPILE_ERROR("{\"minimum\":\"1\"}", "\"minimum\" must be a number");
    ASSERT_COMPILE_ERROR("{\"anyOf\":[]}", "non-empty array");
    ASSERT_COMPILE_ERROR("{\"allOf\":{}}", "non-empty array");
    ASSERT_COMPILE_ERROR("{\"properties\":[]}", "\"properties\" must be an object");
    ASSERT_COMPILE_ERROR("{\"properties\":{\"a\":3}}", "object or a boolean", "/properties/a");
    ASSERT_COMPILE_ERROR("[]", "object or a boolean");
    ASSERT_COMPILE_ERROR("{\"enum\":3}", "\"enum\" must be an array");

    /* annotations are ignored, including where they hold anything */
    VALID("{\"title\":1,\"description\":[],\"examples\":{},\"example\":null,\"default\":{\"x\":1},"
          "\"$comment\":\"c\",\"deprecated\":true,\"readOnly\":1,\"writeOnly\":0,"
          "\"$defs\":{\"unused\":{\"minItems\":1}},\"definitions\":3,"
          "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"urn:x\","
          "\"contentMediaType\":\"text/plain\",\"contentEncoding\":\"base64\","
          "\"x-internal\":{\"minItem\":1},\"externalDocs\":{},\"xml\":{},\"discriminator\":{}}",
          "1");
}
END_TEST

START_TEST(compile_at_a_pointer)
{
    quo_json_doc *doc = parse("{\"components\":{\"a/b\":{\"s\":{\"type\":\"string\"},"
                              "\"r\":{\"$ref\":\"#/components/a~1b/s\"}}}}");
    quo_schema *s = NULL;
    quo_error err;
    ck_assert_int_eq(quo_schema_compile(quo_json_root(doc), doc, "/components/a~1b/r", &s, &err),
                     QUO_OK);
    quo_json_free(doc);
    quo_violations v = run_on(s, "1");
    assert_item(&v, 0, "", "type", "string", "must be a string, not a number", "1");
    quo_violations_free(&v);
    quo_schema_free(s);

    doc = parse("{\"a\":{}}");
    ck_assert_int_eq(quo_schema_compile(quo_json_root(doc), doc, "/b", &s, &err), QUO_ESCHEMA);
    ck_assert_ptr_nonnull(strstr(err.message, "\"/b\""));
    ck_assert_int_eq(quo_schema_compile(quo_json_root(doc), doc, "a", &s, &err), QUO_ESCHEMA);
    ck_assert_int_eq(quo_schema_compile(NULL, doc, "", &s, &err), QUO_EUSAGE);
    quo_json_free(doc);
}
END_TEST

/* A tree not built by the JSON gate (doc NULL): lengths come from strlen. */
START_TEST(trees_without_a_doc)
{
    quo_schema *s = compile(task_like);
    cJSON *body = cJSON_Parse("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}");
    ck_assert(quo_schema_is_valid(s, body, NULL));
    cJSON_ReplaceItemInObject(body, "phoneNumberId", cJSON_CreateString("PN\xff"));
    ck_assert(!quo_schema_is_valid(s, body, NULL)); /* invalid UTF-8 never matches */
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, body, NULL, &v), QUO_OK);
    ck_assert_uint_eq(v.count, 1);
    ck_assert_str_eq(v.items[0].keyword, "pattern");
    quo_violations_free(&v);
    ck_assert_int_eq(quo_schema_validate(s, NULL, NULL, &v), QUO_EUSAGE);
    ck_assert(!quo_schema_is_valid(s, NULL, NULL));
    cJSON_Delete(body);
    quo_schema_free(s);
}
END_TEST

START_TEST(deep_instances_stop_cleanly)
{
    quo_schema *s = compile("{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}");
    cJSON *root = cJSON_CreateArray(), *cur = root;
    for (int i = 0; i < 5000; i++) {
        cJSON *next = cJSON_CreateArray();
        cJSON_AddItemToArray(cur, next);
        cur = next;
    }
    /* Deeper than the validator follows a recursive schema: not judged
     * (QUO_ELIMIT, no violation), never "invalid". */
    ck_assert(!quo_schema_is_valid(s, root, NULL));
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, root, NULL, &v), QUO_ELIMIT);
    ck_assert_uint_eq(v.count, 0);
    quo_violations_free(&v);
    cJSON_Delete(root);
    quo_schema_free(s);
}
END_TEST

/* --------------------------------------------------- the spec's schema */

static quo_schema *spec_request_schema(void)
{
    const char *dir = getenv("QUO_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/spec/create-task.openapi.json", dir ? dir : ".");
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    quo_json_doc *doc = NULL;
    quo_error err;
    ck_assert_int_eq(quo_json_parse(buf, n, 0, &doc, &err), QUO_OK);
    quo_schema *s = NULL;
    ck_assert_msg(quo_schema_compile(quo_json_root(doc), doc,
                                     "/paths/~1v1~1tasks/post/requestBody/content/"
                                     "application~1json/schema",
                                     &s, &err) == QUO_OK,
                  "%s", err.message);
    quo_json_free(doc);
    return s;
}

START_TEST(create_task_request_schema)
{
    quo_schema *s = spec_request_schema();
    ck_assert_uint_eq(quo_schema_branch_count(s), 3);
    const char *ok[] = {
        "{\"title\":\"Follow up\",\"description\":\"Pricing\",\"phoneNumberId\":\"PN123\"}",
        ("{\"title\":\"t\",\"description\":\"d\",\"conversationId\":\"CN1\","
         "\"dueDate\":\"2026-11-28T17:00:00Z\",\"assignedTo\":\"US9\"}"),
        "{\"title\":\"\",\"description\":\"\",\"activityId\":\"AC\"}",
    };
    for (size_t i = 0; i < 3; i++) {
        quo_violations v = run_on(s, ok[i]);
        ck_assert_msg(v.count == 0, "%s: %s", ok[i], v.count ? v.items[0].message : "");
        quo_violations_free(&v);
    }
    quo_violations v = run_on(s, "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                                 "\"activityId\":\"AC1\"}");
    ck_assert_uint_eq(v.count, 1);
    assert_item(&v, 0, "", "anyOf", "any", "must match at least one of the 3 allowed alternatives",
                "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                "\"activityId\":\"AC1\"}");
    quo_violations_free(&v);

    v = run_on(quo_schema_branch(s, 0), "{\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                                        "\"dueDate\":\"2026-11-28T17:00:00\",\"foo\":1}");
    ck_assert_uint_eq(v.count, 3);
    assert_item(&v, 0, "/dueDate", "format", "string",
                "must be an RFC 3339 date-time such as 2026-11-28T17:00:00Z",
                "\"2026-11-28T17:00:00\"");
    assert_item(&v, 1, "/foo", "additionalProperties", "object",
                "is not an allowed member (allowed: title, description, dueDate, assignedTo, "
                "phoneNumberId)", "1");
    assert_item(&v, 2, "/title", "required", "string", "is required", NULL);
    quo_violations_free(&v);
    quo_schema_free(s);
}
END_TEST

typedef struct job {
    const quo_schema *s;
    int wrong;
} job;

static void *validate_many(void *arg)
{
    job *j = arg;
    for (int i = 0; i < 3000; i++) {
        char body[256];
        bool good = i % 3 != 0;
        int n = snprintf(body, sizeof body,
                         "{\"title\":\"t%d\",\"description\":\"d\",\"conversationId\":\"%s%d\","
                         "\"dueDate\":\"2026-11-28T17:00:%02dZ\"}",
                         i, good ? "CN" : "XN", i, i % 60);
        quo_json_doc *doc = NULL;
        quo_error err;
        if (quo_json_parse(body, (size_t)n, 0, &doc, &err) != QUO_OK) {
            j->wrong++;
            continue;
        }
        quo_violations v;
        quo_violations_init(&v);
        quo_schema_validate(quo_schema_branch(j->s, 1), quo_json_root(doc), doc, &v);
        if ((v.count == 0) != good || quo_schema_is_valid(j->s, quo_json_root(doc), doc) != good)
            j->wrong++;
        quo_violations_free(&v);
        quo_json_free(doc);
    }
    return NULL;
}

START_TEST(shared_between_threads)
{
    quo_schema *s = spec_request_schema();
    pthread_t th[4];
    job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job){s, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, validate_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].wrong, 0);
    }
    quo_schema_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schema");
    TCase *tk = tcase_create("keywords");
    tcase_add_test(tk, type_keyword);
    tcase_add_test(tk, object_keywords_and_messages);
    tcase_add_test(tk, member_names_compare_by_full_length);
    tcase_add_test(tk, pointer_escaping_in_paths);
    tcase_add_test(tk, many_properties_use_the_index);
    tcase_add_test(tk, anyof_oneof_allof);
    tcase_add_test(tk, boolean_schemas);
    tcase_add_test(tk, const_and_enum);
    tcase_add_test(tk, string_lengths_in_code_points);
    tcase_add_test(tk, numeric_bounds);
    tcase_add_test(tk, pattern_and_format);
    suite_add_tcase(s, tk);
    TCase *tr = tcase_create("refs and errors");
    tcase_add_test(tr, local_refs);
    tcase_add_test(tr, ref_cycles_rejected);
    tcase_add_test(tr, unsupported_things_are_compile_errors);
    tcase_add_test(tr, compile_at_a_pointer);
    tcase_add_test(tr, trees_without_a_doc);
    tcase_add_test(tr, deep_instances_stop_cleanly);
    suite_add_tcase(s, tr);
    TCase *ts = tcase_create("spec");
    tcase_add_test(ts, create_task_request_schema);
    tcase_add_test(ts, shared_between_threads);
    suite_add_tcase(s, ts);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
