/* Allocation behaviour of the schema engine: the valid path allocates
 * nothing, and every allocation failure during compile or validation is
 * reported as QUO_ENOMEM without a leak or a crash.
 *
 * This program replaces malloc/calloc/realloc/free (forwarding to glibc's
 * __libc_* functions) to count allocations and fail the n-th one on
 * demand, so it is not built with AddressSanitizer (see CMakeLists.txt).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/array.h"
#include "quo/json.h"
#include "quo/schema.h"

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);

static long calls;      /* allocation calls since the last reset */
static long live;       /* blocks currently allocated */
static long fail_after = -1; /* fail the call when calls reaches this; -1 never */
static int failed;      /* how many calls were made to fail */

static int should_fail(void)
{
    calls++;
    if (fail_after >= 0 && calls > fail_after) {
        failed++;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __libc_malloc(n);
    live += p != NULL;
    return p;
}

void *calloc(size_t n, size_t m)
{
    if (should_fail())
        return NULL;
    void *p = __libc_calloc(n, m);
    live += p != NULL;
    return p;
}

void *realloc(void *old, size_t n)
{
    if (!old)
        return malloc(n);
    if (n == 0) {
        free(old);
        return NULL;
    }
    if (should_fail())
        return NULL;
    return __libc_realloc(old, n);
}

void free(void *p)
{
    if (p)
        live--;
    __libc_free(p);
}

static void reset(long fail_at)
{
    calls = 0;
    failed = 0;
    fail_after = fail_at;
}

static char spec_text[1 << 16];
static size_t spec_len;

static void load_spec(void)
{
    const char *dir = getenv("QUO_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/spec/create-task.openapi.json", dir ? dir : ".");
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    spec_len = fread(spec_text, 1, sizeof spec_text, f);
    fclose(f);
}

static const char request_ptr[] =
    "/paths/~1v1~1tasks/post/requestBody/content/application~1json/schema";

static quo_json_doc *parse(const char *text)
{
    quo_json_doc *doc = NULL;
    quo_error err;
    ck_assert_int_eq(quo_json_parse(text, strlen(text), 0, &doc, &err), QUO_OK);
    return doc;
}

static const char *const valid_bodies[] = {
    "{\"title\":\"Follow up\",\"description\":\"Discuss pricing\",\"phoneNumberId\":\"PN123\","
    "\"dueDate\":\"2026-11-28T17:00:00Z\",\"assignedTo\":\"US456\"}",
    "{\"title\":\"t\",\"description\":\"d\",\"conversationId\":\"CN1\"}",
    "{\"description\":\"d\",\"activityId\":\"AC1\",\"title\":\"t\",\"dueDate\":"
    "\"1998-12-31T15:59:60.123-08:00\"}",
};

/* The same for the keywords of draft 2020-12 beyond the first set: every
 * compile allocation site of patternProperties, dependentRequired,
 * dependentSchemas, prefixItems, the bounds' messages, formats, and the
 * applicators that keep annotations. */
static const char rich_schema2[] =
    "{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":400,"
    "\"patternProperties\":{\"^p\":{\"type\":\"integer\",\"exclusiveMinimum\":0,"
    "\"exclusiveMaximum\":9,\"multipleOf\":2}},"
    "\"dependentRequired\":{\"a\":[\"b\",\"c\"]},"
    "\"dependentSchemas\":{\"d\":{\"properties\":{\"e\":{\"not\":{\"type\":\"null\"}}}}},"
    "\"propertyNames\":{\"maxLength\":3},"
    "\"properties\":{\"l\":{\"prefixItems\":[{\"format\":\"uuid\"},{\"format\":\"email\"}],"
    "\"items\":{\"format\":\"ipv4\"},\"contains\":{\"type\":\"integer\"},\"minContains\":2,"
    "\"maxContains\":3,\"uniqueItems\":true,\"minItems\":1,\"maxItems\":99},"
    "\"u\":{\"prefixItems\":[true],\"unevaluatedItems\":false,\"uniqueItems\":true},"
    "\"w\":{\"if\":{\"required\":[\"x\"]},\"then\":{\"required\":[\"y\"]},"
    "\"else\":{\"minProperties\":2}}},"
    "\"anyOf\":[{\"properties\":{\"q\":true}},{\"properties\":{\"r\":true}}],"
    "\"oneOf\":[{\"properties\":{\"s\":true}},{\"required\":[\"zz\"]}],"
    "\"unevaluatedProperties\":{\"type\":\"string\",\"format\":\"date\"}}";

START_TEST(valid_path_allocates_nothing)
{
    load_spec();
    quo_json_doc *spec = NULL;
    quo_error err;
    ck_assert_int_eq(quo_json_parse(spec_text, spec_len, 0, &spec, &err), QUO_OK);
    quo_schema *s = NULL;
    ck_assert_int_eq(quo_schema_compile(quo_json_root(spec), spec, request_ptr, &s, &err), QUO_OK);
    quo_violations v;
    quo_violations_init(&v);
    for (size_t i = 0; i < QUO_ARRAY_SIZE(valid_bodies); i++) {
        quo_json_doc *doc = parse(valid_bodies[i]);
        int wrong = 0;
        reset(-1); /* no ck_assert in here: libcheck allocates for each */
        for (int k = 0; k < 100; k++) {
            wrong += !quo_schema_is_valid(s, quo_json_root(doc), doc);
            wrong += quo_schema_validate(s, quo_json_root(doc), doc, &v) != QUO_OK;
            wrong += quo_schema_validate(quo_schema_branch(s, i), quo_json_root(doc), doc,
                                         &v) != QUO_OK;
        }
        long counted = calls;
        ck_assert_int_eq(wrong, 0);
        ck_assert_uint_eq(v.count, 0);
        ck_assert_msg(counted == 0, "%ld allocations validating a valid body", counted);
        quo_json_free(doc);
    }
    quo_schema_free(s);
    quo_json_free(spec);

    /* A pattern PCRE2 runs: its match block is made once, then reused. */
    quo_json_doc *sd = parse("{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}\\\\d+$\"}");
    ck_assert_int_eq(quo_schema_compile(quo_json_root(sd), sd, "", &s, &err), QUO_OK);
    quo_json_doc *doc = parse("\"PN123\"");
    ck_assert(quo_schema_is_valid(s, quo_json_root(doc), doc)); /* warm-up */
    int wrong = 0;
    reset(-1);
    for (int k = 0; k < 100; k++)
        wrong += !quo_schema_is_valid(s, quo_json_root(doc), doc);
    long counted = calls;
    ck_assert_int_eq(wrong, 0);
    ck_assert_msg(counted == 0, "%ld allocations on a warm PCRE2 pattern", counted);
    quo_json_free(doc);
    quo_schema_free(s);
    quo_json_free(sd);

    /* The newer keywords on a valid value, unevaluatedProperties included
     * (its annotation set fits on the stack below 256 members). */
    sd = parse(rich_schema2);
    ck_assert_int_eq(quo_schema_compile(quo_json_root(sd), sd, "", &s, &err), QUO_OK);
    doc = parse("{\"a\":\"2026-01-01\",\"b\":\"2026-01-02\",\"c\":\"2026-01-03\",\"d\":\"2026-01-04\",\"e\":1,\"p1\":4,\"q\":1,\"s\":0,"
                "\"l\":[\"123e4567-e89b-12d3-a456-426614174000\",\"a@b.example\",7,8,\"192.0.2.1\"],"
                "\"u\":[1],\"w\":{\"x\":1,\"y\":2},\"t\":\"2026-02-28\"}");
    quo_violations_clear(&v);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_OK);
    ck_assert_msg(v.count == 0, "%s: %s", v.count ? v.items[0].path : "",
                  v.count ? v.items[0].message : "");
    wrong = 0;
    reset(-1);
    for (int k = 0; k < 100; k++) {
        wrong += !quo_schema_is_valid(s, quo_json_root(doc), doc);
        wrong += quo_schema_validate(s, quo_json_root(doc), doc, &v) != QUO_OK;
    }
    counted = calls;
    ck_assert_int_eq(wrong, 0);
    ck_assert_msg(counted == 0, "%ld allocations validating with the newer keywords", counted);
    quo_violations_free(&v);
    quo_json_free(doc);
    quo_schema_free(s);
    quo_json_free(sd);
}
END_TEST

/* A schema touching every allocation site of compile. */
static const char rich_schema[] =
    "{\"$defs\":{\"s\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":9}},"
    "\"type\":\"object\",\"required\":[\"a\",\"z\"],\"additionalProperties\":false,"
    "\"properties\":{\"a\":{\"$ref\":\"#/$defs/s\"},"
    "\"b\":{\"enum\":[1,\"x\\u0000\",{\"k\":[null]}]},"
    "\"c\":{\"const\":{\"q\":[true,2.5]}},\"d\":{\"items\":{\"$ref\":\"#\"}},"
    "\"e\":{\"pattern\":\"^[a-z]+\\\\d?$\",\"format\":\"date-time\"},"
    "\"f\":{\"anyOf\":[{\"minimum\":1},{\"maximum\":-1}],\"oneOf\":[true,{\"type\":\"integer\"}],"
    "\"allOf\":[{}]},\"g\":{\"additionalProperties\":{\"type\":\"string\"}}}}";

START_TEST(compile_survives_every_allocation_failure)
{
    quo_json_doc *sd = parse(rich_schema);
    load_spec();
    quo_json_doc *spec = NULL;
    quo_error err;
    ck_assert_int_eq(quo_json_parse(spec_text, spec_len, 0, &spec, &err), QUO_OK);
    quo_json_doc *sd2 = parse(rich_schema2);
    struct { quo_json_doc *doc; const char *ptr; } cases[] = {
        {sd, ""}, {spec, request_ptr}, {sd2, ""}};
    for (size_t c = 0; c < QUO_ARRAY_SIZE(cases); c++) {
        long n = 0;
        for (;; n++) {
            long before = live;
            quo_schema *s = NULL;
            reset(n);
            quo_status st = quo_schema_compile(quo_json_root(cases[c].doc), cases[c].doc,
                                               cases[c].ptr, &s, &err);
            reset(-1);
            if (st == QUO_OK) {
                ck_assert_int_eq(failed, 0); /* success only when nothing failed */
                quo_schema_free(s);
                ck_assert_int_eq(live, before);
                break;
            }
            ck_assert_msg(st == QUO_ENOMEM, "failure #%ld gave %d: %s", n, st, err.message);
            ck_assert_ptr_null(s);
            ck_assert_msg(live == before, "failure #%ld leaked %ld blocks", n, live - before);
        }
        printf("compile case %zu: %ld allocation sites failed one by one, no leak\n", c, n);
        ck_assert_int_gt(n, 20);
    }
    quo_json_free(spec);
    quo_json_free(sd2);
    quo_json_free(sd);
}
END_TEST

/* Fails every allocation of one validation in turn; each must end in
 * QUO_ENOMEM or the full verdict, with no leak. Returns the site count. */
static long validate_failing_each(const quo_schema *s, const quo_json_doc *doc, size_t want)
{
    quo_violations v;
    quo_violations_init(&v);
    long n = 0;
    for (;; n++) {
        long before = live;
        reset(n);
        quo_status st = quo_schema_validate(s, quo_json_root(doc), doc, &v);
        reset(-1);
        ck_assert(st == QUO_OK || st == QUO_ENOMEM);
        if (st == QUO_OK)
            ck_assert_uint_eq(v.count, want);
        quo_violations_free(&v);
        ck_assert_msg(live == before, "failure #%ld leaked %ld blocks", n, live - before);
        if (st == QUO_OK)
            return n;
    }
}

/* Every validation allocation site of the newer keywords: annotation sets
 * past their on-stack room (300 members, a 70-item array), uniqueItems
 * past its on-stack hash table, propertyNames' explanation, the
 * dependentRequired message. */
START_TEST(validate_new_keywords_survive_every_allocation_failure)
{
    quo_json_doc *sd = parse(rich_schema2);
    quo_schema *s = NULL;
    quo_error err;
    ck_assert_int_eq(quo_schema_compile(quo_json_root(sd), sd, "", &s, &err), QUO_OK);
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, "{\"a\":1,\"d\":1,\"e\":null,\"toolong\":\"2026-02-30\",\"p1\":3,"
                     "\"l\":[\"nope\",\"x@xn--bcher-kva.example\",\"1.2.3.4\",7,7,7,7,7],\"w\":{\"x\":1},"
                     "\"u\":[[1,{\"k\":[2]}],[1,{\"k\":[2]}]");
    for (int i = 0; i < 70; i++)
        quo_buf_printf(&b, ",%d", i);
    quo_buf_puts(&b, "]");
    for (int i = 0; i < 300; i++)
        quo_buf_printf(&b, ",\"m%d\":\"2026-01-01\"", i);
    quo_buf_puts(&b, "}");
    ck_assert(!b.failed);
    quo_json_doc *doc = parse(b.data);
    free(b.data);
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_OK);
    size_t want = v.count;
    ck_assert_uint_ge(want, 12);
    quo_violations_free(&v);
    long n = validate_failing_each(s, doc, want);
    printf("validate (new keywords): %ld allocation sites failed one by one, no leak\n", n);
    ck_assert_int_gt(n, (long)want + 3);
    quo_json_free(doc);
    quo_schema_free(s);
    quo_json_free(sd);
}
END_TEST

START_TEST(validate_survives_every_allocation_failure)
{
    quo_json_doc *sd = parse(rich_schema);
    quo_schema *s = NULL;
    quo_error err;
    ck_assert_int_eq(quo_schema_compile(quo_json_root(sd), sd, "", &s, &err), QUO_OK);
    quo_json_doc *doc = parse("{\"a\":\"\",\"b\":2,\"c\":{},\"d\":[{\"a\":5},3],\"e\":\"x\","
                              "\"f\":0.5,\"g\":{\"h\":1},\"extra\":{\"deep\":[1,2,3]}}");
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_OK);
    size_t want = v.count;
    ck_assert_uint_ge(want, 10);
    quo_violations_free(&v);
    long n = 0;
    for (;; n++) {
        long before = live;
        reset(n);
        quo_status st = quo_schema_validate(s, quo_json_root(doc), doc, &v);
        reset(-1);
        ck_assert(st == QUO_OK || st == QUO_ENOMEM);
        if (st == QUO_OK)
            ck_assert_uint_eq(v.count, want);
        quo_violations_free(&v);
        ck_assert_msg(live == before, "failure #%ld leaked %ld blocks", n, live - before);
        if (st == QUO_OK)
            break;
    }
    printf("validate: %ld allocation sites failed one by one, no leak\n", n);
    ck_assert_int_gt(n, (long)want);
    quo_json_free(doc);
    quo_schema_free(s);
    quo_json_free(sd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schema-alloc");
    TCase *tc = tcase_create("alloc");
    tcase_add_test(tc, valid_path_allocates_nothing);
    tcase_add_test(tc, compile_survives_every_allocation_failure);
    tcase_add_test(tc, validate_survives_every_allocation_failure);
    tcase_add_test(tc, validate_new_keywords_survive_every_allocation_failure);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed_tests = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed_tests ? EXIT_FAILURE : EXIT_SUCCESS;
}
