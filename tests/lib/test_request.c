/* Unit tests of request.c: verdicts and messages on create-task bodies. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/array.h"
#include "quo/quo.h"

#define NO_LINK_BODY "{\"title\":\"t\",\"description\":\"d\"}"

static quo_spec *spec;
static quo_violations v;

static void setup(void)
{
    quo_error err;
    ck_assert_msg(quo_spec_load_default(&spec, &err) == QUO_OK, "%s", err.message);
    quo_violations_init(&v);
}

static void teardown(void)
{
    quo_violations_free(&v);
    quo_spec_free(spec);
}

/* Validates a body given with its length (bodies may hold NUL bytes). */
static size_t check_n(const char *body, size_t len, size_t *link)
{
    quo_violations_clear(&v);
    ck_assert_int_eq(quo_request_validate(spec, body, len, 0, &v, link), QUO_OK);
    return v.count;
}

static size_t check(const char *body)
{
    return check_n(body, strlen(body), NULL);
}

/* The single violation's field, for compact assertions. */
static const quo_violation *only(void)
{
    ck_assert_uint_eq(v.count, 1);
    return &v.items[0];
}

START_TEST(all_twelve_variants_are_valid)
{
    const char *links[] = {"\"phoneNumberId\":\"PN1\"", "\"conversationId\":\"CN1\"",
                           "\"activityId\":\"AC1\""};
    for (size_t l = 0; l < QUO_ARRAY_SIZE(links); l++)
        for (int due = 0; due < 2; due++)
            for (int who = 0; who < 2; who++) {
                char body[256];
                size_t link = 99;
                snprintf(body, sizeof body, "{\"title\":\"t\",\"description\":\"d\",%s%s%s}",
                         links[l], due ? ",\"dueDate\":\"2026-11-28T17:00:00Z\"" : "",
                         who ? ",\"assignedTo\":\"US1\"" : "");
                ck_assert_msg(check_n(body, strlen(body), &link) == 0, "%s: %s", body,
                              v.count ? v.items[0].message : "");
                ck_assert_uint_eq(link, l);
            }
}
END_TEST

START_TEST(zero_links_asks_for_exactly_one)
{
    size_t link = 0;
    ck_assert_uint_eq(check_n(NO_LINK_BODY, strlen(NO_LINK_BODY), &link), 1);
    ck_assert_uint_eq(link, QUO_REQUEST_NO_LINK);
    ck_assert_str_eq(only()->path, "");
    ck_assert_str_eq(only()->keyword, "anyOf");
    ck_assert_str_eq(only()->schema_type, "object");
    ck_assert_ptr_nonnull(
        strstr(only()->message, "provide exactly one of phoneNumberId, conversationId, activityId"));
    ck_assert_ptr_nonnull(strstr(only()->message, "none"));
}
END_TEST

START_TEST(several_links_are_named)
{
    ck_assert_uint_eq(
        check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"activityId\":\"AC1\"}"), 1);
    ck_assert_ptr_nonnull(strstr(only()->message, "provide exactly one of"));
    ck_assert_ptr_nonnull(strstr(only()->message, "2 were given: phoneNumberId, activityId"));
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                            "\"conversationId\":\"CN1\",\"activityId\":\"AC1\"}"), 1);
    ck_assert_ptr_nonnull(strstr(only()->message, "3 were given"));
}
END_TEST

START_TEST(chosen_branch_errors_are_all_reported)
{
    ck_assert_uint_eq(check("{\"conversationId\":\"XX1\",\"title\":5,\"extra\":true}"), 4);
    int seen = 0;
    for (size_t i = 0; i < v.count; i++) {
        const quo_violation *x = &v.items[i];
        if (strcmp(x->path, "/conversationId") == 0) {
            ck_assert_str_eq(x->keyword, "pattern");
            ck_assert_str_eq(x->schema_type, "string");
            ck_assert_str_eq(x->value->valuestring, "XX1");
            seen |= 1;
        } else if (strcmp(x->path, "/title") == 0) {
            ck_assert_str_eq(x->keyword, "type");
            ck_assert_str_eq(x->schema_type, "string");
            ck_assert_double_eq(x->value->valuedouble, 5);
            seen |= 2;
        } else if (strcmp(x->path, "/description") == 0) {
            ck_assert_str_eq(x->keyword, "required");
            ck_assert_ptr_null(x->value);
            seen |= 4;
        } else if (strcmp(x->path, "/extra") == 0) {
            ck_assert_str_eq(x->keyword, "additionalProperties");
            seen |= 8;
        }
    }
    ck_assert_int_eq(seen, 15);
}
END_TEST

START_TEST(patterns_follow_ecmascript_line_terminators)
{
    const char *bad[] = {"PN1\\n", "PN1\\r", "PN1\\u2028", "PN1\\u2029", "pn1", "XPN1", "P"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"%s\"}",
                 bad[i]);
        ck_assert_msg(check(body) == 1, "%s accepted", bad[i]);
        ck_assert_str_eq(only()->path, "/phoneNumberId");
    }
    /* . matches everything else, \u0085 and a vertical tab included. */
    ck_assert_uint_eq(
        check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN\\u0085\\u000b\"}"), 0);
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN\"}"), 0);
}
END_TEST

START_TEST(due_date_is_rfc3339)
{
    const char *bad[] = {"2026-11-28T17:00:00", "2026-02-30T00:00:00Z", "tomorrow",
                         "2026-11-28 17:00:00Z", "2026-11-28T24:00:00Z"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++) {
        char body[160];
        snprintf(body, sizeof body,
                 "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"dueDate\":\"%s\"}",
                 bad[i]);
        ck_assert_msg(check(body) == 1, "%s accepted", bad[i]);
        ck_assert_str_eq(only()->path, "/dueDate");
        ck_assert_str_eq(only()->keyword, "format");
    }
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                            "\"dueDate\":12}"), 1);
    ck_assert_str_eq(only()->keyword, "type");
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                            "\"dueDate\":\"2024-02-29T22:59:60Z\"}"), 1);
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                            "\"dueDate\":\"2024-02-29T15:59:60.5-08:00\"}"), 0);
}
END_TEST

START_TEST(not_json_and_not_object)
{
    const char *bad[] = {"", "{", "{\"title\":01}", "\xef\xbb\xbf{}", "{\"a\":1,\"a\":2}", "[1]x"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++) {
        ck_assert_msg(check(bad[i]) == 1, "%s accepted", bad[i]);
        ck_assert_str_eq(only()->keyword, "json");
        ck_assert_str_eq(only()->path, "");
        ck_assert_ptr_nonnull(strstr(only()->message, "not valid JSON"));
    }
    const char *not_object[] = {"[]", "null", "\"PN1\"", "3"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(not_object); i++) {
        ck_assert_uint_eq(check(not_object[i]), 1);
        ck_assert_str_eq(only()->keyword, "type");
        ck_assert_ptr_nonnull(strstr(only()->message, "must be a JSON object"));
    }
}
END_TEST

START_TEST(names_with_nul_never_pass_for_declared_names)
{
    /* cJSON would cut "phoneNumberId\u0000" to "phoneNumberId". */
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\\u0000\":\"PN1\"}"), 1);
    ck_assert_str_eq(only()->keyword, "anyOf");
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\\u0000x\":\"d\",\"phoneNumberId\":\"PN1\"}"), 2);
    /* A value holding NUL is still a string: ^PN(.*)$ accepts it. */
    ck_assert_uint_eq(check("{\"title\":\"t\\u0000\",\"description\":\"d\",\"phoneNumberId\":\"PN\\u0000\"}"), 0);
}
END_TEST

START_TEST(errors_serialise_in_the_api_shape)
{
    ck_assert_uint_eq(check("{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":7}"), 1);
    cJSON *arr = quo_violations_to_json(&v);
    char *text = cJSON_PrintUnformatted(arr);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "\"path\":\"/phoneNumberId\""));
    ck_assert_ptr_nonnull(strstr(text, "\"value\":7"));
    ck_assert_ptr_nonnull(strstr(text, "\"schema\":{\"type\":\"string\"}"));
    cJSON_free(text);
    cJSON_Delete(arr);
}
END_TEST

/* Threads share one spec; each must see exactly its own verdicts. */
static void *hammer(void *arg)
{
    const char *body = arg;
    quo_violations mine;
    quo_violations_init(&mine);
    size_t bad = 0;
    for (int i = 0; i < 2000; i++) {
        quo_violations_clear(&mine);
        quo_request_validate(spec, body, strlen(body), 0, &mine, NULL);
        bad += mine.count != (strstr(body, "XX") ? 1u : 0u);
    }
    quo_violations_free(&mine);
    return (void *)bad;
}

START_TEST(validation_is_thread_safe)
{
    const char *bodies[] = {
        "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}",
        "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"XX1\"}",
        "{\"title\":\"t\",\"description\":\"d\",\"activityId\":\"AC1\",\"dueDate\":\"2026-01-01T00:00:00Z\"}",
        "{\"title\":\"t\",\"description\":\"d\",\"conversationId\":\"XX\"}"};
    pthread_t th[4];
    for (size_t i = 0; i < QUO_ARRAY_SIZE(th); i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, hammer, (void *)bodies[i]), 0);
    for (size_t i = 0; i < QUO_ARRAY_SIZE(th); i++) {
        void *bad;
        pthread_join(th[i], &bad);
        ck_assert_ptr_null(bad);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("request");
    TCase *tc = tcase_create("verdicts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, all_twelve_variants_are_valid);
    tcase_add_test(tc, zero_links_asks_for_exactly_one);
    tcase_add_test(tc, several_links_are_named);
    tcase_add_test(tc, chosen_branch_errors_are_all_reported);
    tcase_add_test(tc, patterns_follow_ecmascript_line_terminators);
    tcase_add_test(tc, due_date_is_rfc3339);
    tcase_add_test(tc, not_json_and_not_object);
    tcase_add_test(tc, names_with_nul_never_pass_for_declared_names);
    tcase_add_test(tc, errors_serialise_in_the_api_shape);
    tcase_add_test(tc, validation_is_thread_safe);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
