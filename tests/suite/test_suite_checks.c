/* Unit tests of suite/checks.c: every check is fed non-conforming canned
 * responses and must fail on them (and pass the conforming one). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo_check.h"
#include "helpers.h"

static qc_check_result r;

static void setup(void)
{
    th_setup();
    qc_check_result_init(&r);
}

static void teardown(void)
{
    qc_check_result_free(&r);
    th_teardown();
}

/* A 201 body for the given ids (NULL members are left out). */
static void task_body(char *buf, size_t size, const char *task, const char *phone,
                      const char *conv, const char *act)
{
    size_t o = (size_t)snprintf(buf, size, "{\"data\":{\"taskId\":\"%s\",\"revision\":\"1\"", task);
    if (phone)
        o += (size_t)snprintf(buf + o, size - o, ",\"phoneNumberId\":\"%s\"", phone);
    if (conv)
        o += (size_t)snprintf(buf + o, size - o, ",\"conversationId\":\"%s\"", conv);
    if (act)
        o += (size_t)snprintf(buf + o, size - o, ",\"activityId\":\"%s\"", act);
    snprintf(buf + o, size - o, "}}");
}

static qc_verdict judge201(const char *id, int status, const char *ct, const char *body)
{
    qc_check_result_free(&r);
    qc_exchange x = th_exchange(status, ct, body);
    return th_judge(id, &x, NULL, 0, &r);
}

/* ---- 201 ----------------------------------------------------------- */

START_TEST(task_conforming_passes)
{
    char body[256];
    const qc_fixtures *f = &th_cfg.fixtures;
    task_body(body, sizeof body, "TK1", f->phone_number_id, NULL, NULL);
    ck_assert_int_eq(judge201("201.phoneNumberId", 201, "application/json", body), QC_PASS);
    ck_assert_str_eq(r.task_id, "TK1");
    /* The owning phone number for a task linked by activity. */
    task_body(body, sizeof body, "TK2", f->phone_number_id, f->conversation_id, f->activity_id);
    ck_assert_int_eq(judge201("201.activityId+dueDate", 201, "application/json; charset=utf-8",
                              body),
                     QC_PASS);
}
END_TEST

START_TEST(task_wrong_status_fails)
{
    char body[256];
    task_body(body, sizeof body, "TK1", th_cfg.fixtures.phone_number_id, NULL, NULL);
    ck_assert_int_eq(judge201("201.phoneNumberId", 200, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "status 200, expected 201"));
}
END_TEST

START_TEST(task_wrong_media_type_fails)
{
    char body[256];
    task_body(body, sizeof body, "TK1", th_cfg.fixtures.phone_number_id, NULL, NULL);
    ck_assert_int_eq(judge201("201.phoneNumberId", 201, "text/plain", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "content-type"));
    ck_assert_int_eq(judge201("201.phoneNumberId", 201, NULL, body), QC_FAIL);
    ck_assert(th_failed_with(&r, "content-type"));
    ck_assert_ptr_null(r.task_id); /* no verdict taken on a non-conforming body */
}
END_TEST

START_TEST(task_not_strict_json_fails)
{
    static const char *const bodies[] = {
        "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"},\"data\":{}}",
        "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}} x",
        "{\"data\":{\"taskId\":\"TK1\",\"revision\":01,\"phoneNumberId\":\"PN1\"}}",
        "{\"data\":{\"taskId\":\"TK\xff\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}}",
        "",
        "<html>created</html>",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bodies); i++) {
        ck_assert_msg(judge201("201.phoneNumberId", 201, "application/json", bodies[i]) == QC_FAIL,
                      "body %zu passed", i);
        ck_assert_msg(th_failed_with(&r, "json"), "body %zu: no json violation", i);
    }
}
END_TEST

START_TEST(task_schema_violation_fails)
{
    char body[256];
    task_body(body, sizeof body, "XX1", th_cfg.fixtures.phone_number_id, NULL, NULL);
    ck_assert_int_eq(judge201("201.phoneNumberId", 201, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "/data/taskId"));
    ck_assert_int_eq(judge201("201.phoneNumberId", 201, "application/json",
                              "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\"}}"),
                     QC_FAIL);
    ck_assert(th_failed_with(&r, "phoneNumberId"));
}
END_TEST

START_TEST(task_owner_mismatch_fails)
{
    char body[256];
    const qc_fixtures *f = &th_cfg.fixtures;
    task_body(body, sizeof body, "TK1", "PN999", f->conversation_id, NULL);
    ck_assert_int_eq(judge201("201.conversationId", 201, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "data.phoneNumberId is \"PN999\""));
}
END_TEST

START_TEST(task_duplicate_id_fails)
{
    char body[256];
    task_body(body, sizeof body, "TK7", th_cfg.fixtures.phone_number_id, NULL, NULL);
    qc_exchange x = th_exchange(201, "application/json", body);
    const char *seen[] = {"TK1", "TK7"};
    ck_assert_int_eq(th_judge("201.phoneNumberId", &x, seen, 2, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "already returned"));
    qc_check_result_free(&r);
    ck_assert_int_eq(th_judge("201.phoneNumberId", &x, seen, 1, &r), QC_PASS);
}
END_TEST

/* Strings from the server are compared by their full length: an embedded
 * \u0000 never makes two different values equal. */
START_TEST(task_nul_in_link_id_fails)
{
    char body[256];
    task_body(body, sizeof body, "TK1", "PN1\\u0000-not-the-fixture", NULL, NULL);
    ck_assert_str_eq(th_cfg.fixtures.phone_number_id, "PN1");
    ck_assert_int_eq(judge201("201.phoneNumberId", 201, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "data.phoneNumberId is \"PN1"));
}
END_TEST

START_TEST(task_nul_in_id_is_not_a_duplicate)
{
    char body[256];
    task_body(body, sizeof body, "TK1\\u0000b", th_cfg.fixtures.phone_number_id, NULL, NULL);
    qc_exchange x = th_exchange(201, "application/json", body);
    const char *seen[] = {"TK1"};
    ck_assert_int_eq(th_judge("201.phoneNumberId", &x, seen, 1, &r), QC_PASS);
    /* Recorded so that it stays distinct from "TK1" for later cases. */
    ck_assert_str_ne(r.task_id, "TK1");
    const char *seen2[] = {"TK1", r.task_id};
    char *again = strdup(r.task_id);
    qc_check_result_free(&r);
    seen2[1] = again;
    ck_assert_int_eq(th_judge("201.phoneNumberId", &x, seen2, 2, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "already returned"));
    free(again);
}
END_TEST

START_TEST(transport_failures_fail)
{
    qc_exchange x = th_exchange(0, NULL, NULL);
    x.error = (char *)"Couldn't connect to server";
    ck_assert_int_eq(th_judge("400.body.empty", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "no response: Couldn't connect"));
    qc_check_result_free(&r);
    qc_exchange_init(&x);
    ck_assert_int_eq(th_judge("400.body.empty", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "not sent"));
}
END_TEST

/* ---- documented errors ------------------------------------------------ */

static const struct { const char *id; int status; } error_cases[] = {
    {"400.required.title", 400}, {"401.no-header", 401}, {"403.activityId", 403},
    {"404.conversationId", 404}, {"500.prefer", 500}};

START_TEST(error_conforming_passes)
{
    char body[512];
    th_error_body(error_cases[_i].status, NULL, NULL, ",\"trace\":\"t1\"", body, sizeof body);
    qc_exchange x = th_exchange(error_cases[_i].status, "application/json", body);
    ck_assert_msg(th_judge(error_cases[_i].id, &x, NULL, 0, &r) == QC_PASS, "%s: %s",
                  error_cases[_i].id, r.failures.count ? r.failures.items[0] : "");
}
END_TEST

START_TEST(error_wrong_constants_fail)
{
    static const struct { const char *member, *with, *needle; } bad[] = {
        {"code", "\"0600999\"", "/code"},
        {"title", "\"Oops\"", "/title"},
        {"docs", "\"https://example.com\"", "/docs"},
        {"status", "599", "/status"},
        {"message", NULL, "message"},
        {"message", "42", "/message"},
    };
    int status = error_cases[_i].status;
    for (size_t k = 0; k < QUO_ARRAY_SIZE(bad); k++) {
        char body[512];
        th_error_body(status, bad[k].member, bad[k].with, "", body, sizeof body);
        qc_exchange x = th_exchange(status, "application/json", body);
        qc_check_result_free(&r);
        ck_assert_msg(th_judge(error_cases[_i].id, &x, NULL, 0, &r) == QC_FAIL, "%s %s passed",
                      error_cases[_i].id, bad[k].member);
        ck_assert_msg(th_failed_with(&r, bad[k].needle), "%s: no %s", error_cases[_i].id,
                      bad[k].needle);
    }
}
END_TEST

START_TEST(error_of_another_status_fails)
{
    char body[512];
    th_error_body(401, NULL, NULL, "", body, sizeof body);
    qc_exchange x = th_exchange(401, "application/json", body);
    ck_assert_int_eq(th_judge("400.type.title.number", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "status 401, expected 400"));
}
END_TEST

START_TEST(undocumented_status_fails)
{
    qc_exchange x = th_exchange(418, "application/json", "{\"message\":\"teapot\"}");
    ck_assert_int_eq(th_judge("400.body.not-json", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "status 418, expected 400"));
    ck_assert(th_failed_with(&r, "status:")); /* the library's own "undocumented" verdict */
}
END_TEST

START_TEST(negative_answered_201_fails)
{
    char body[256];
    task_body(body, sizeof body, "TK1", th_cfg.fixtures.phone_number_id, NULL, NULL);
    qc_exchange x = th_exchange(201, "application/json", body);
    ck_assert_int_eq(th_judge("400.pattern.phoneNumberId.u2028", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "status 201, expected 400"));
    ck_assert_str_eq(r.task_id, "TK1"); /* a side effect the report must list */
}
END_TEST

/* ---- SHOULD companions ------------------------------------------------- */

START_TEST(echo_checks_link_ids)
{
    char body[256];
    const qc_fixtures *f = &th_cfg.fixtures;
    task_body(body, sizeof body, "TK1", f->phone_number_id, f->conversation_id, NULL);
    ck_assert_int_eq(judge201("201.conversationId.echo", 201, "application/json", body), QC_PASS);
    task_body(body, sizeof body, "TK1", f->phone_number_id, NULL, NULL);
    ck_assert_int_eq(judge201("201.conversationId.echo", 201, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "data.conversationId is missing"));
    task_body(body, sizeof body, "TK1", f->phone_number_id, "CN999", f->activity_id);
    ck_assert_int_eq(judge201("201.activityId.echo", 201, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "data.conversationId is \"CN999\""));
    task_body(body, sizeof body, "TK1", f->phone_number_id, NULL, "AC999");
    ck_assert_int_eq(judge201("201.activityId.echo", 201, "application/json", body), QC_FAIL);
    ck_assert(th_failed_with(&r, "data.activityId is \"AC999\""));
    /* The owning conversation may be left out; the activity may not. */
    task_body(body, sizeof body, "TK1", f->phone_number_id, NULL, f->activity_id);
    ck_assert_int_eq(judge201("201.activityId.echo", 201, "application/json", body), QC_PASS);
}
END_TEST

START_TEST(echo_skips_without_a_201)
{
    char body[512];
    th_error_body(400, NULL, NULL, "", body, sizeof body);
    ck_assert_int_eq(judge201("201.conversationId.echo", 400, "application/json", body), QC_SKIP);
    ck_assert_ptr_nonnull(r.note);
}
END_TEST

START_TEST(errors_path_names_the_offence)
{
    static const struct { const char *errors; qc_verdict want; } rows[] = {
        {",\"errors\":[{\"path\":\"/title\",\"message\":\"m\",\"schema\":{\"type\":\"string\"}}]",
         QC_PASS},
        {",\"errors\":[{\"path\":\"/description\",\"message\":\"m\",\"schema\":{\"type\":\"string\"}}]",
         QC_FAIL},
        {",\"errors\":[]", QC_FAIL},
        {"", QC_PASS},
    };
    for (size_t k = 0; k < QUO_ARRAY_SIZE(rows); k++) {
        char body[768];
        th_error_body(400, NULL, NULL, rows[k].errors, body, sizeof body);
        qc_check_result_free(&r);
        qc_exchange x = th_exchange(400, "application/json", body);
        ck_assert_msg(th_judge("400.type.title.number.errors-path", &x, NULL, 0, &r) ==
                          rows[k].want,
                      "row %zu", k);
        if (rows[k].want == QC_FAIL)
            ck_assert(th_failed_with(&r, "names none of the offending paths"));
    }
}
END_TEST

START_TEST(errors_path_skips_without_a_400)
{
    char body[512];
    th_error_body(401, NULL, NULL, "", body, sizeof body);
    qc_exchange x = th_exchange(401, "application/json", body);
    ck_assert_int_eq(th_judge("400.required.title.errors-path", &x, NULL, 0, &r), QC_SKIP);
}
END_TEST

START_TEST(allow_on_405)
{
    qc_exchange x = th_exchange(405, "application/json", "{}");
    ck_assert_int_eq(th_judge("http.405-allow", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "without an Allow header"));
    qc_check_result_free(&r);
    th_add_header(&x, "allow", "GET, HEAD");
    ck_assert_int_eq(th_judge("http.405-allow", &x, NULL, 0, &r), QC_FAIL);
    ck_assert(th_failed_with(&r, "does not name POST"));
    qc_check_result_free(&r);
    x.headers[0].value = (char *)"GET, POST";
    ck_assert_int_eq(th_judge("http.405-allow", &x, NULL, 0, &r), QC_PASS);
    qc_check_result_free(&r);
    qc_exchange y = th_exchange(404, "application/json", "{}");
    ck_assert_int_eq(th_judge("http.405-allow", &y, NULL, 0, &r), QC_SKIP);
    ck_assert_ptr_nonnull(r.note); /* the server does not use 405: nothing to check */
}
END_TEST

static Suite *checks_suite(void)
{
    Suite *s = suite_create("checks");
    TCase *tc = tcase_create("201");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, task_conforming_passes);
    tcase_add_test(tc, task_wrong_status_fails);
    tcase_add_test(tc, task_wrong_media_type_fails);
    tcase_add_test(tc, task_not_strict_json_fails);
    tcase_add_test(tc, task_schema_violation_fails);
    tcase_add_test(tc, task_owner_mismatch_fails);
    tcase_add_test(tc, task_duplicate_id_fails);
    tcase_add_test(tc, task_nul_in_link_id_fails);
    tcase_add_test(tc, task_nul_in_id_is_not_a_duplicate);
    tcase_add_test(tc, transport_failures_fail);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    int n = (int)(QUO_ARRAY_SIZE(error_cases));
    tcase_add_loop_test(tc, error_conforming_passes, 0, n);
    tcase_add_loop_test(tc, error_wrong_constants_fail, 0, n);
    tcase_add_test(tc, error_of_another_status_fails);
    tcase_add_test(tc, undocumented_status_fails);
    tcase_add_test(tc, negative_answered_201_fails);
    suite_add_tcase(s, tc);
    tc = tcase_create("should");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, echo_checks_link_ids);
    tcase_add_test(tc, echo_skips_without_a_201);
    tcase_add_test(tc, errors_path_names_the_offence);
    tcase_add_test(tc, errors_path_skips_without_a_400);
    tcase_add_test(tc, allow_on_405);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(checks_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
