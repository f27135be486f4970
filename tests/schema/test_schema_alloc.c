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
    struct { quo_json_doc *doc; const char *ptr; } cases[] = {{sd, ""}, {spec, request_ptr}};
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
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed_tests = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed_tests ? EXIT_FAILURE : EXIT_SUCCESS;
}
