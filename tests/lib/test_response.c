/* Unit tests of response.c: verdicts on responses and the typed result. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/array.h"
#include "quo/quo.h"

static quo_spec *spec;
static quo_response r;

static const int error_statuses[] = {400, 401, 403, 404, 500};

static void setup(void)
{
    quo_error err;
    ck_assert_msg(quo_spec_load_default(&spec, &err) == QUO_OK, "%s", err.message);
    memset(&r, 0, sizeof r);
}

static void teardown(void)
{
    quo_response_free(&r);
    quo_spec_free(spec);
}

static size_t parse(int status, const char *ctype, const char *body)
{
    quo_response_free(&r);
    ck_assert_int_eq(quo_response_parse(spec, status, ctype, body, strlen(body), &r), QUO_OK);
    ck_assert_int_eq(r.status, status);
    /* Typed fields exist exactly when the response conforms. */
    ck_assert_int_eq(r.kind != QUO_RESPONSE_NONE, r.violations.count == 0);
    return r.violations.count;
}

static bool has_keyword(const char *kw, const char *path)
{
    for (size_t i = 0; i < r.violations.count; i++)
        if (strcmp(r.violations.items[i].keyword, kw) == 0 &&
            strcmp(r.violations.items[i].path, path) == 0)
            return true;
    return false;
}

/* An error body built from the spec's constants, with one member replaced. */
static void error_body(int status, const char *override, char *buf, size_t size)
{
    quo_spec_error_consts c;
    ck_assert_int_eq(quo_spec_error_constants(spec, status, &c), QUO_OK);
    snprintf(buf, size,
             "{\"message\":\"m\",\"code\":\"%s\",\"status\":%d,\"docs\":\"%s\",\"title\":\"%s\","
             "\"trace\":\"t1\",\"errors\":[{\"path\":\"/x\",\"message\":\"m\",\"value\":1,"
             "\"schema\":{\"type\":\"string\"}}]%s}",
             c.code, (int)c.status, c.docs, c.title, override ? override : "");
}

START_TEST(created_task_is_typed)
{
    ck_assert_uint_eq(parse(201, "application/json",
                            "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\","
                            "\"conversationId\":\"CN1\",\"activityId\":\"AC1\",\"future\":true},\"x\":1}"), 0);
    ck_assert(r.documented);
    ck_assert_int_eq(r.kind, QUO_RESPONSE_TASK);
    ck_assert_str_eq(r.task.task_id, "TK1");
    ck_assert_str_eq(quo_response_task_string(&r, "revision"), "1");
    ck_assert_str_eq(quo_response_task_string(&r, "phoneNumberId"), "PN1");
    ck_assert_str_eq(quo_response_task_string(&r, "conversationId"), "CN1");
    ck_assert_str_eq(quo_response_task_string(&r, "activityId"), "AC1");
    ck_assert_uint_eq(parse(201, "application/json",
                            "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}}"), 0);
    ck_assert_ptr_null(quo_response_task_member(&r, "conversationId"));
    ck_assert_ptr_null(quo_response_task_member(&r, "activityId"));
}
END_TEST

START_TEST(created_task_violations)
{
    ck_assert_uint_gt(parse(201, "application/json", "{}"), 0);
    ck_assert(has_keyword("required", "/data"));
    ck_assert_ptr_null(r.task.task_id);
    parse(201, "application/json",
          "{\"data\":{\"taskId\":\"XK1\",\"revision\":1,\"phoneNumberId\":\"PN1\"}}");
    ck_assert(has_keyword("pattern", "/data/taskId"));
    ck_assert(has_keyword("type", "/data/revision"));
    ck_assert_uint_eq(parse(201, "application/json",
                            "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\"}}"), 1);
    ck_assert(has_keyword("required", "/data/phoneNumberId"));
}
END_TEST

START_TEST(every_error_status_conforms_with_spec_constants)
{
    char body[512];
    for (size_t i = 0; i < QUO_ARRAY_SIZE(error_statuses); i++) {
        error_body(error_statuses[i], NULL, body, sizeof body);
        ck_assert_msg(parse(error_statuses[i], "application/json", body) == 0, "%d: %s",
                      error_statuses[i], r.violations.count ? r.violations.items[0].message : "");
        ck_assert_int_eq(r.kind, QUO_RESPONSE_ERROR);
        ck_assert_double_eq(r.error.status, error_statuses[i]);
        ck_assert_str_eq(r.error.trace, "t1");
        ck_assert_int_eq(cJSON_GetArraySize(r.error.errors), 1);
    }
}
END_TEST

START_TEST(constants_are_enforced)
{
    char body[512];
    /* A 404 body answered with status 400: code, status and title are wrong. */
    error_body(404, NULL, body, sizeof body);
    ck_assert_uint_eq(parse(400, "application/json", body), 3);
    ck_assert(has_keyword("const", "/code"));
    ck_assert(has_keyword("const", "/status"));
    ck_assert(has_keyword("const", "/title"));
    ck_assert_ptr_null(r.error.code);
    ck_assert_uint_eq(parse(500, "application/json",
                            "{\"message\":\"m\",\"code\":\"0600500\",\"status\":500,"
                            "\"docs\":\"https://quo.com/docs\",\"title\":\"Unknown\"}"), 1);
    ck_assert(has_keyword("const", "/code"));
    ck_assert_uint_eq(parse(401, "application/json", "{\"message\":\"m\"}"), 4);
    ck_assert(has_keyword("required", "/docs"));
}
END_TEST

START_TEST(errors_items_are_checked)
{
    char body[512];
    error_body(400, NULL, body, sizeof body);
    char *items = strstr(body, "\"errors\"");
    ck_assert_ptr_nonnull(items);
    strcpy(items, "\"errors\":[{\"message\":\"m\",\"schema\":{}}]}");
    ck_assert_uint_eq(parse(400, "application/json", body), 2);
    ck_assert(has_keyword("required", "/errors/0/path"));
    ck_assert(has_keyword("required", "/errors/0/schema/type"));
}
END_TEST

START_TEST(undocumented_status)
{
    ck_assert_uint_eq(parse(418, "application/json", "{}"), 1);
    ck_assert(!r.documented);
    ck_assert(has_keyword("status", ""));
    ck_assert_ptr_nonnull(strstr(r.violations.items[0].message, "201, 400, 401, 403, 404, 500"));
    ck_assert_ptr_nonnull(r.body);
    ck_assert_uint_eq(parse(200, "text/html", "<html>"), 3);
}
END_TEST

START_TEST(media_types)
{
    const char *ok_body = "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}}";
    const char *good[] = {"application/json", "Application/JSON", "application/json; charset=utf-8",
                          "application/json;charset=\"UTF-8\"", " application/json"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(good); i++)
        ck_assert_msg(parse(201, good[i], ok_body) == 0, "%s rejected", good[i]);
    const char *bad[] = {"text/plain", "application/jsonx", "application/problem+json",
                         "application/json; charset=latin1", ""};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++) {
        ck_assert_msg(parse(201, bad[i], ok_body) == 1, "%s accepted", bad[i]);
        ck_assert(has_keyword("content-type", ""));
    }
    ck_assert_uint_eq(parse(201, NULL, ok_body), 1);
    ck_assert_ptr_nonnull(strstr(r.violations.items[0].message, "missing"));
}
END_TEST

START_TEST(bodies_that_are_not_strict_json)
{
    const char *bad[] = {"", "{\"data\":1,\"data\":2}", "{'a':1}", "{\"a\":01}", "\xff"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++) {
        ck_assert_uint_eq(parse(404, "application/json", bad[i]), 1);
        ck_assert(has_keyword("json", ""));
        ck_assert_ptr_null(r.body);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("response");
    TCase *tc = tcase_create("verdicts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, created_task_is_typed);
    tcase_add_test(tc, created_task_violations);
    tcase_add_test(tc, every_error_status_conforms_with_spec_constants);
    tcase_add_test(tc, constants_are_enforced);
    tcase_add_test(tc, errors_items_are_checked);
    tcase_add_test(tc, undocumented_status);
    tcase_add_test(tc, media_types);
    tcase_add_test(tc, bodies_that_are_not_strict_json);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
