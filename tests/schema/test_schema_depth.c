/* test_schema_depth.c - "no wrong verdict from our own limits": documents
 * nested 10,000 and 1,000,000 levels deep (valid JSON, within the size
 * limit) are judged by the response parser and the schema engine, and
 * their values are copied, printed and freed without recursion. Where the
 * engine must stop (a recursive schema followed deeper than it goes), the
 * outcome is QUO_ELIMIT, "not judged", never a violation. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo_check.h"
#include "quo/buf.h"
#include "quo/json.h"
#include "quo/response.h"
#include "quo/schema.h"
#include "quo/spec.h"

/* prefix + depth x open + leaf + depth x close + suffix, in a new buffer. */
static char *nest(const char *prefix, const char *open, const char *leaf, const char *close,
                  size_t depth, const char *suffix)
{
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, prefix);
    for (size_t i = 0; i < depth; i++)
        quo_buf_puts(&b, open);
    quo_buf_puts(&b, leaf);
    for (size_t i = 0; i < depth; i++)
        quo_buf_puts(&b, close);
    quo_buf_puts(&b, suffix);
    ck_assert(!b.failed);
    return quo_buf_take(&b, NULL);
}

static quo_spec *spec;

static void setup(void)
{
    quo_error err;
    ck_assert_msg(quo_spec_load_default(&spec, &err) == QUO_OK, "%s", err.message);
}

static void teardown(void) { quo_spec_free(spec); }

static const char task[] = "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"},";

/* The number of violations quo_response_parse finds (it must judge). */
static size_t response_violations(int status, const char *body, quo_response *r)
{
    ck_assert_int_eq(quo_response_parse(spec, status, "application/json", body, strlen(body), r),
                     QUO_OK);
    for (size_t i = 0; i < r->violations.count && i < 3; i++)
        fprintf(stderr, "  %s: %s\n", r->violations.items[i].path,
                r->violations.items[i].message);
    return r->violations.count;
}

static const size_t depths[] = {10000, 1000000};

START_TEST(deep_extra_member_is_valid)
{
    size_t depth = depths[_i];
    char *arr = nest("", "[", "1", "]", depth, "");
    quo_buf b = QUO_BUF_INIT;
    quo_buf_printf(&b, "%s\"extra\":%s}", task, arr);
    free(arr);
    ck_assert(!b.failed);
    quo_response r;
    ck_assert_uint_eq(response_violations(201, b.data, &r), 0);
    ck_assert_int_eq(r.kind, QUO_RESPONSE_TASK);
    ck_assert_str_eq(r.task.task_id, "TK1");
    quo_response_free(&r);
    free(b.data);
}
END_TEST

START_TEST(deep_error_value_is_valid)
{
    size_t depth = depths[_i];
    quo_spec_error_consts k;
    ck_assert_int_eq(quo_spec_error_constants(spec, 400, &k), QUO_OK);
    char head[512];
    snprintf(head, sizeof head,
             "{\"message\":\"m\",\"code\":\"%s\",\"status\":%d,\"docs\":\"%s\",\"title\":\"%s\","
             "\"trace\":\"t1\",\"errors\":[{\"path\":\"/x\",\"message\":\"m\",\"value\":",
             k.code, (int)k.status, k.docs, k.title);
    char *body = nest(head, "{\"a\":", "null", "}", depth, ",\"schema\":{\"type\":\"string\"}}]}");
    quo_response r;
    ck_assert_uint_eq(response_violations(400, body, &r), 0);
    ck_assert_int_eq(r.kind, QUO_RESPONSE_ERROR);
    quo_response_free(&r);
    free(body);
}
END_TEST

/* An invalid response whose offending value is deep: the violation keeps a
 * copy, renders it, prints it and frees it, all without recursion. */
START_TEST(deep_offending_value_is_reported)
{
    size_t depth = depths[_i];
    char *body = nest("{\"data\":{\"revision\":\"1\",\"phoneNumberId\":\"PN1\",\"taskId\":", "[",
                      "\"x\"", "]", depth, "}}");
    quo_response r;
    ck_assert_uint_eq(response_violations(201, body, &r), 1);
    const quo_violation *v = &r.violations.items[0];
    ck_assert_str_eq(v->path, "/data/taskId");
    ck_assert_str_eq(v->keyword, "type");
    cJSON *errors = quo_violations_to_json(&r.violations);
    ck_assert_ptr_nonnull(errors);
    char *text = quo_json_print(errors);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "\"value\":[[[["));
    char *inner = strstr(text, "\"x\"");
    ck_assert_ptr_nonnull(inner);
    ck_assert_uint_eq((size_t)(inner - strstr(text, "\"value\":") - 8), depth);
    cJSON_free(text);
    quo_json_delete(errors);
    quo_response_free(&r);
    free(body);
}
END_TEST

/* A recursive schema followed deeper than the validator goes: not judged. */
START_TEST(recursive_schema_too_deep_is_not_judged)
{
    const char *schema_text = "{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}";
    quo_json_doc *sd = NULL, *doc = NULL;
    quo_error err;
    ck_assert_int_eq(quo_json_parse(schema_text, strlen(schema_text), 0, &sd, &err), QUO_OK);
    quo_schema *s = NULL;
    ck_assert_int_eq(quo_schema_compile(quo_json_root(sd), sd, "", &s, &err), QUO_OK);
    char *text = nest("", "[", "", "]", depths[_i], "");
    ck_assert_int_eq(quo_json_parse(text, strlen(text), QUO_JSON_NO_DEPTH_LIMIT, &doc, &err),
                     QUO_OK);
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_ELIMIT);
    ck_assert_uint_eq(v.count, 0);
    ck_assert(!quo_schema_is_valid(s, quo_json_root(doc), doc));
    quo_violations_free(&v);
    /* shallow enough: judged */
    quo_json_free(doc);
    free(text);
    text = nest("", "[", "", "]", 500, "");
    ck_assert_int_eq(quo_json_parse(text, strlen(text), 0 + 1000, &doc, &err), QUO_OK);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_OK);
    ck_assert_uint_eq(v.count, 0);
    quo_violations_free(&v);
    quo_json_free(doc);
    free(text);
    quo_schema_free(s);
    quo_json_free(sd);
}
END_TEST

/* uniqueItems and const compare deep values without recursion. */
START_TEST(deep_values_compare)
{
    const char *schema_text = "{\"uniqueItems\":true,\"not\":{\"const\":[[[1]]]}}";
    quo_json_doc *sd = NULL, *doc = NULL;
    quo_error err;
    ck_assert_int_eq(quo_json_parse(schema_text, strlen(schema_text), 0, &sd, &err), QUO_OK);
    quo_schema *s = NULL;
    ck_assert_int_eq(quo_schema_compile(quo_json_root(sd), sd, "", &s, &err), QUO_OK);
    char *one = nest("", "{\"k\":[", "1", "]}", depths[_i], "");
    char *two = nest("", "{\"k\":[", "2", "]}", depths[_i], "");
    quo_buf b = QUO_BUF_INIT;
    quo_buf_printf(&b, "[%s,%s,%s]", one, two, one);
    ck_assert(!b.failed);
    ck_assert_int_eq(quo_json_parse(b.data, b.len, QUO_JSON_NO_DEPTH_LIMIT, &doc, &err), QUO_OK);
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_schema_validate(s, quo_json_root(doc), doc, &v), QUO_OK);
    ck_assert_uint_eq(v.count, 1);
    ck_assert_str_eq(v.items[0].keyword, "uniqueItems");
    ck_assert_str_eq(v.items[0].message, "must not repeat an item (items 0 and 2 are equal)");
    quo_violations_free(&v);
    quo_json_free(doc);
    free(b.data);
    b = (quo_buf)QUO_BUF_INIT;
    quo_buf_printf(&b, "[%s,%s]", one, two);
    ck_assert_int_eq(quo_json_parse(b.data, b.len, QUO_JSON_NO_DEPTH_LIMIT, &doc, &err), QUO_OK);
    ck_assert(quo_schema_is_valid(s, quo_json_root(doc), doc));
    quo_json_free(doc);
    free(b.data);
    free(one);
    free(two);
    quo_schema_free(s);
    quo_json_free(sd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schema-depth");
    TCase *tc = tcase_create("depth");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    size_t n = QUO_ARRAY_SIZE(depths);
    tcase_add_loop_test(tc, deep_extra_member_is_valid, 0, (int)n);
    tcase_add_loop_test(tc, deep_error_value_is_valid, 0, (int)n);
    tcase_add_loop_test(tc, deep_offending_value_is_reported, 0, (int)n);
    tcase_add_loop_test(tc, recursive_schema_too_deep_is_not_judged, 0, (int)n);
    tcase_add_loop_test(tc, deep_values_compare, 0, (int)n);
    suite_add_tcase(s, tc);
    return quo_check_run(s) ? 1 : 0;
}
