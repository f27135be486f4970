/* test_suite_valgen.c - the coverage phase's value generator (valgen.h):
 * for every schema of tests/suite/data/valgen-schemas.json, every value is
 * re-judged here (a positive validates, a negative fails with its keyword
 * and only that keyword), labels are unique and well-formed, and the labels
 * each constraint kind promises are there; patterns of
 * tests/suite/data/valgen-patterns.json (the shipped spec's among them)
 * yield generated matches and breakers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo_check.h"

#include "quo/io.h"
#include "quo/json.h"
#include "quo/quo.h"
#include "quo/schema.h"
#include "quo/utf8.h"
#include "valgen.h"

#ifndef QV_TEST_DATA
#error "QV_TEST_DATA must name tests/suite/data"
#endif

/* One schema compiled from JSON text, with its generated values. */
typedef struct gen_run {
    quo_json_doc *doc;
    quo_schema *schema;
    qv_list values;
    quo_status st;
    quo_error err;
} gen_run;

static void run_free(gen_run *r)
{
    qv_list_free(&r->values);
    quo_schema_free(r->schema);
    quo_json_free(r->doc);
}

/* Compiles `node` (copied into its own document) and generates. */
static void run_node(gen_run *r, const cJSON *node)
{
    memset(r, 0, sizeof *r);
    qv_list_init(&r->values);
    char *text = cJSON_PrintUnformatted(node);
    ck_assert_ptr_nonnull(text);
    quo_error err;
    ck_assert_int_eq(quo_json_parse(text, strlen(text), 0, &r->doc, &err), QUO_OK);
    cJSON_free(text);
    const cJSON *root = quo_json_root(r->doc);
    ck_assert_msg(quo_schema_compile(root, r->doc, "", &r->schema, &err) == QUO_OK,
                  "compile: %s", err.message);
    r->st = qv_generate(NULL, root, "", r->schema, &r->values, &r->err);
}

static void run_text(gen_run *r, const char *json)
{
    cJSON *n = cJSON_Parse(json);
    ck_assert_msg(n != NULL, "bad test schema %s", json);
    run_node(r, n);
    cJSON_Delete(n);
}

/* A value as JSON text for messages: at most 120 bytes, cut on a
 * character boundary (test output stays valid UTF-8). */
static void shown(const cJSON *v, char *out, size_t n)
{
    char *t = cJSON_PrintUnformatted(v);
    snprintf(out, n < 121 ? n : 121, "%s", t ? t : "?");
    cJSON_free(t);
    quo_utf8_scrub(out);
}

static bool label_ok(const char *l)
{
    if (!*l)
        return false;
    for (; *l; l++)
        if (!((*l >= 'a' && *l <= 'z') || (*l >= '0' && *l <= '9') || *l == '.' ||
              *l == '+' || *l == '-'))
            return false;
    return true;
}

/* The invariants every generated list keeps, judged afresh. */
static void check_list(const quo_schema *schema, const qv_list *values, const char *what);

static void check_invariants(const gen_run *r, const char *what)
{
    check_list(r->schema, &r->values, what);
}

static void check_list(const quo_schema *schema, const qv_list *values, const char *what)
{
    quo_violations v;
    quo_violations_init(&v);
    for (size_t i = 0; i < values->count; i++) {
        const qv_value *x = &values->items[i];
        ck_assert_msg(label_ok(x->label), "%s: bad label \"%s\"", what, x->label);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcmp(x->label, values->items[j].label) != 0,
                          "%s: label %s twice", what, x->label);
        ck_assert_msg(x->keyword && x->pointer && x->summary && x->value, "%s: %s incomplete",
                      what, x->label);
        quo_violations_clear(&v);
        ck_assert_int_eq(quo_schema_validate(schema, x->value, NULL, &v), QUO_OK);
        char text[128];
        shown(x->value, text, sizeof text);
        if (x->polarity == QV_POSITIVE) {
            ck_assert_msg(v.count == 0, "%s: positive %s = %s rejected (%s)", what, x->label,
                          text, v.count ? v.items[0].keyword : "");
        } else {
            ck_assert_msg(v.count > 0, "%s: negative %s = %s accepted", what, x->label, text);
            bool named = false;
            for (size_t k = 0; k < v.count; k++)
                named = named || strcmp(v.items[k].keyword, x->keyword) == 0;
            ck_assert_msg(named, "%s: negative %s does not fail %s", what, x->label, x->keyword);
            for (size_t k = 0; k < v.count; k++)
                ck_assert_msg(strcmp(v.items[k].keyword, x->keyword) == 0 ||
                                  qv_also_implied(x->keyword, v.items[k].keyword),
                              "%s: negative %s aimed at %s fails %s", what, x->label,
                              x->keyword, v.items[k].keyword);
        }
    }
    quo_violations_free(&v);
}

static const qv_value *find_label(const gen_run *r, const char *label)
{
    for (size_t i = 0; i < r->values.count; i++)
        if (strcmp(r->values.items[i].label, label) == 0)
            return &r->values.items[i];
    return NULL;
}

static void dump_list(const qv_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        char text[128];
        shown(l->items[i].value, text, sizeof text);
        fprintf(stderr, "  %c %-28s %-18s %s\n", l->items[i].polarity == QV_POSITIVE ? '+' : '-',
                l->items[i].label, l->items[i].keyword, text);
    }
    for (size_t i = 0; i < l->dropped.count; i++)
        fprintf(stderr, "  dropped %s\n", l->dropped.items[i]);
}

static void dump(const gen_run *r)
{
    dump_list(&r->values);
}


/* ------------------------------------------------------------ the schemas */

static cJSON *schemas;

static void load_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", QV_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    schemas = cJSON_Parse(buf);
    ck_assert_msg(schemas != NULL, "%s is not JSON", path);
}

static void load_schemas(void)
{
    load_file("valgen-schemas.json");
}

static void unload_schemas(void)
{
    cJSON_Delete(schemas);
    schemas = NULL;
}

/* Every row: {"name", "schema", "expect": [labels...], "absent": [...]} */
START_TEST(test_every_row_keeps_polarity_and_labels)
{
    load_schemas();
    const cJSON *row;
    cJSON_ArrayForEach(row, schemas) {
        const char *name = cJSON_GetObjectItem(row, "name")->valuestring;
        gen_run r;
        run_node(&r, cJSON_GetObjectItem(row, "schema"));
        ck_assert_msg(r.st == QUO_OK, "%s: %s", name, r.err.message);
        if (getenv("QV_DUMP")) {
            fprintf(stderr, "%s:\n", name);
            dump(&r);
        }
        check_invariants(&r, name);
        const cJSON *l;
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(row, "expect")) {
            if (!find_label(&r, l->valuestring)) {
                dump(&r);
                ck_abort_msg("%s: no value labelled %s", name, l->valuestring);
            }
        }
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(row, "absent"))
            ck_assert_msg(!find_label(&r, l->valuestring), "%s: unexpected %s", name,
                          l->valuestring);
        run_free(&r);
    }
    unload_schemas();
}
END_TEST

/* {"type": "string", "pattern": p} */
static void run_pattern(gen_run *r, const char *p)
{
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "type", "string");
    cJSON_AddStringToObject(n, "pattern", p);
    run_node(r, n);
    cJSON_Delete(n);
}

static size_t count_kw(const gen_run *r, const char *kw, qv_polarity pol)
{
    size_t n = 0;
    for (size_t i = 0; i < r->values.count; i++)
        n += r->values.items[i].polarity == pol && strcmp(r->values.items[i].keyword, kw) == 0;
    return n;
}

START_TEST(test_patterns_generate_matches_and_breakers)
{
    load_file("valgen-patterns.json");
    const cJSON *row;
    size_t rows = 0;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(schemas, "generated")) {
        const char *p = cJSON_GetObjectItem(row, "p")->valuestring;
        gen_run r;
        run_pattern(&r, p);
        ck_assert_msg(r.st == QUO_OK, "%s: %s", p, r.err.message);
        if (getenv("QV_DUMP")) {
            fprintf(stderr, "%s:\n", p);
            dump(&r);
        }
        check_invariants(&r, p);
        ck_assert_msg(count_kw(&r, "pattern", QV_POSITIVE) > 0, "%s: no match generated", p);
        const cJSON *l;
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(row, "expect")) {
            if (!find_label(&r, l->valuestring)) {
                dump(&r);
                ck_abort_msg("%s: no value labelled %s", p, l->valuestring);
            }
        }
        run_free(&r);
        rows++;
    }
    ck_assert_uint_ge(rows, 30);
    unload_schemas();
}
END_TEST

/* Lookaround, backreferences, \b, \p: no pattern values, and why. */
START_TEST(test_patterns_not_understood_are_said)
{
    load_file("valgen-patterns.json");
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(schemas, "refused")) {
        const char *p = cJSON_GetObjectItem(row, "p")->valuestring;
        const char *why = cJSON_GetObjectItem(row, "why")->valuestring;
        gen_run r;
        run_pattern(&r, p);
        ck_assert_msg(r.st == QUO_OK, "%s: %s", p, r.err.message);
        check_invariants(&r, p);
        ck_assert_msg(count_kw(&r, "pattern", QV_POSITIVE) == 0, "%s: faked a match", p);
        bool said = false;
        for (size_t i = 0; i < r.values.dropped.count; i++)
            said = said || (strstr(r.values.dropped.items[i], "pattern:") &&
                            strstr(r.values.dropped.items[i], why));
        if (!said)
            dump(&r);
        ck_assert_msg(said, "%s: dropped does not say \"%s\"", p, why);
        run_free(&r);
    }
    unload_schemas();
}
END_TEST

static bool has_label(const qv_list *l, const char *label)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].label, label) == 0)
            return true;
    return false;
}

/* Every member of every alternative and every parameter of the shipped
 * contract: values generated, polarity kept, pointers under the member's;
 * the pattern members get generated matches and breakers, the date-time
 * member its edges. */
START_TEST(test_shipped_spec_members)
{
    quo_spec *spec = NULL;
    quo_error err;
    ck_assert_int_eq(quo_spec_load_default(&spec, &err), QUO_OK);
    const quo_contract *c = quo_spec_contract(spec);
    size_t members = 0, patterns = 0, values = 0;
    for (size_t a = 0; a < quo_contract_alt_count(c); a++) {
        const quo_contract_alt *alt = quo_contract_alt_at(c, a);
        for (size_t m = 0; m < alt->member_count; m++) {
            const quo_contract_member *mb = &alt->members[m];
            qv_list l;
            qv_list_init(&l);
            ck_assert_msg(qv_generate(c, mb->schema_json, mb->pointer, mb->schema, &l, &err) ==
                              QUO_OK,
                          "%s: %s", mb->name, err.message);
            if (getenv("QV_DUMP")) {
                fprintf(stderr, "%s (%s):\n", mb->name, mb->pointer);
                dump_list(&l);
            }
            check_list(mb->schema, &l, mb->name);
            ck_assert_msg(l.count > 0, "%s: no values", mb->name);
            for (size_t i = 0; i < l.count; i++)
                ck_assert_msg(strncmp(l.items[i].pointer, mb->pointer, strlen(mb->pointer)) == 0,
                              "%s: pointer %s outside %s", mb->name, l.items[i].pointer,
                              mb->pointer);
            if (mb->pattern) {
                patterns++;
                ck_assert_msg(has_label(&l, "pattern-shortest") &&
                                  has_label(&l, "pattern-longest") &&
                                  has_label(&l, "pattern-prefix") && has_label(&l, "pattern-lf") &&
                                  has_label(&l, "pattern-class"),
                              "%s: pattern values missing", mb->name);
            }
            if (mb->format && strcmp(mb->format, "date-time") == 0)
                ck_assert_msg(has_label(&l, "format-leap-second") &&
                                  has_label(&l, "format-no-offset"),
                              "%s: date-time edges missing", mb->name);
            values += l.count;
            members++;
            qv_list_free(&l);
        }
    }
    for (size_t i = 0; i < quo_contract_param_count(c); i++) {
        const quo_contract_param *p = quo_contract_param_at(c, i);
        if (!p->schema_json)
            continue;
        qv_list l;
        qv_list_init(&l);
        ck_assert_int_eq(qv_generate(c, p->schema_json, p->pointer, p->schema, &l, &err), QUO_OK);
        check_list(p->schema, &l, p->name);
        values += l.count;
        qv_list_free(&l);
    }
    ck_assert_uint_ge(members, 10);
    ck_assert_uint_ge(patterns, 6);
    printf("shipped spec: %zu members (%zu with a pattern), %zu values\n", members, patterns,
           values);
    quo_spec_free(spec);
}
END_TEST

/* $ref followed through the contract: a member whose schema is a $ref to
 * components gets values, with pointers into the component. */
START_TEST(test_ref_through_contract)
{
    static const char doc[] =
        "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},"
        "\"paths\":{\"/v1/tasks\":{\"post\":{\"operationId\":\"createTask_v1\","
        "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":"
        "{\"type\":\"object\",\"required\":[\"code\"],\"properties\":{\"code\":"
        "{\"$ref\":\"#/components/schemas/Code\"},\"tags\":{\"type\":\"array\","
        "\"items\":{\"$ref\":\"#/components/schemas/Code\"},\"maxItems\":2}}}}}},"
        "\"responses\":{\"201\":{\"description\":\"ok\"}}}}},"
        "\"components\":{\"schemas\":{\"Code\":{\"type\":\"string\","
        "\"pattern\":\"^[A-Z]{3}$\"}}}}";
    quo_spec *spec = NULL;
    quo_error err;
    ck_assert_msg(quo_spec_load_buffer(doc, sizeof doc - 1, &spec, &err) == QUO_OK, "%s",
                  err.message);
    const quo_contract *c = quo_spec_contract(spec);
    const quo_contract_member *code = quo_contract_member_find(c, "code");
    const quo_contract_member *tags = quo_contract_member_find(c, "tags");
    ck_assert_ptr_nonnull(code);
    ck_assert_ptr_nonnull(tags);
    qv_list l;
    qv_list_init(&l);
    ck_assert_int_eq(qv_generate(c, code->schema_json, code->pointer, code->schema, &l, &err),
                     QUO_OK);
    check_list(code->schema, &l, "code");
    ck_assert(has_label(&l, "pattern-shortest") && has_label(&l, "pattern-q1-few"));
    /* The contract hands the member's schema with its $ref resolved and
     * the member's own pointer: the keywords are named through it. */
    char want[512];
    snprintf(want, sizeof want, "%s/pattern", code->pointer);
    for (size_t i = 0; i < l.count; i++)
        if (strcmp(l.items[i].keyword, "pattern") == 0)
            ck_assert_str_eq(l.items[i].pointer, want);
    qv_list_free(&l);
    qv_list_init(&l);
    ck_assert_int_eq(qv_generate(c, tags->schema_json, tags->pointer, tags->schema, &l, &err),
                     QUO_OK);
    check_list(tags->schema, &l, "tags");
    ck_assert(has_label(&l, "items.pattern-class") && has_label(&l, "max-items+1"));
    /* A $ref read by valgen itself: the keyword's place in the component. */
    for (size_t i = 0; i < l.count; i++)
        if (strcmp(l.items[i].keyword, "pattern") == 0)
            ck_assert_str_eq(l.items[i].pointer, "/components/schemas/Code/pattern");
    qv_list_free(&l);
    quo_spec_free(spec);
}
END_TEST

START_TEST(test_deterministic)
{
    const char *s = "{\"type\":[\"string\",\"null\"],\"minLength\":2,\"maxLength\":5}";
    gen_run a, b;
    run_text(&a, s);
    run_text(&b, s);
    ck_assert_uint_eq(a.values.count, b.values.count);
    for (size_t i = 0; i < a.values.count; i++) {
        ck_assert_str_eq(a.values.items[i].label, b.values.items[i].label);
        ck_assert(cJSON_Compare(a.values.items[i].value, b.values.items[i].value, true));
    }
    run_free(&a);
    run_free(&b);
}
END_TEST

/* A maxLength of a million: bounded output, the gap said in dropped. */
START_TEST(test_huge_limit_is_bounded)
{
    gen_run r;
    run_text(&r, "{\"type\":\"string\",\"maxLength\":1000000}");
    ck_assert_int_eq(r.st, QUO_OK);
    ck_assert_ptr_null(find_label(&r, "max"));
    bool said = false;
    for (size_t i = 0; i < r.values.dropped.count; i++)
        said = said || strstr(r.values.dropped.items[i], "max") != NULL;
    ck_assert_msg(said, "the skipped at-limit value is not in dropped");
    check_invariants(&r, "huge");
    run_free(&r);
}
END_TEST

/* Limits far beyond what is generated: bounded output, quickly, and
 * nothing returned that disagrees with the schema. */
START_TEST(test_huge_limits_elsewhere_are_bounded)
{
    static const char *const huge[] = {
        "{\"type\":\"string\",\"minLength\":1000000}",
        "{\"type\":\"string\",\"pattern\":\"^(a{1000}){1000}$\"}",
        "{\"type\":\"string\",\"pattern\":\"^x+$\",\"minLength\":1000000}",
        "{\"type\":\"array\",\"minItems\":1000000}",
        ("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"maxItems\":1000000,"
         "\"uniqueItems\":true}"),
        "{\"type\":\"integer\",\"minimum\":9007199254740993,\"maximum\":1e308}",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(huge); i++) {
        gen_run r;
        run_text(&r, huge[i]);
        ck_assert_msg(r.st == QUO_OK, "%s: %s", huge[i], r.err.message);
        if (getenv("QV_DUMP")) {
            fprintf(stderr, "%s:\n", huge[i]);
            dump(&r);
        }
        check_invariants(&r, huge[i]);
        for (size_t j = 0; j < r.values.count; j++) {
            char *t = cJSON_PrintUnformatted(r.values.items[j].value);
            ck_assert_uint_le(strlen(t), 4u * 65536u + 64u);
            cJSON_free(t);
        }
        ck_assert_msg(r.values.dropped.count > 0, "%s: the skipped values are not said",
                      huge[i]);
        run_free(&r);
    }
}
END_TEST

static Suite *valgen_suite(void)
{
    Suite *s = suite_create("valgen");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, test_every_row_keeps_polarity_and_labels);
    tcase_add_test(tc, test_patterns_generate_matches_and_breakers);
    tcase_add_test(tc, test_patterns_not_understood_are_said);
    tcase_add_test(tc, test_shipped_spec_members);
    tcase_add_test(tc, test_ref_through_contract);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_huge_limit_is_bounded);
    tcase_add_test(tc, test_huge_limits_elsewhere_are_bounded);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return quo_check_run(valgen_suite()) ? 1 : 0;
}
