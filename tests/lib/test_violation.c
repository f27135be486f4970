/* Unit tests of violation.c and error.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/quo.h"

START_TEST(add_clear_and_reuse)
{
    quo_violations v;
    quo_violations_init(&v);
    cJSON *val = cJSON_CreateString("XX1");
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(quo_violations_add(&v, "/a~1b", val, "pattern", "string",
                                            "must match %s #%d", "^PN", i), QUO_OK);
    cJSON_Delete(val); /* the list holds its own copy */
    ck_assert_uint_eq(v.count, 100);
    ck_assert_uint_ge(v.cap, 100);
    ck_assert_str_eq(v.items[99].message, "must match ^PN #99");
    ck_assert_str_eq(v.items[0].value->valuestring, "XX1");
    size_t cap = v.cap;
    quo_violations_clear(&v);
    ck_assert_uint_eq(v.count, 0);
    ck_assert_uint_eq(v.cap, cap);
    ck_assert_int_eq(quo_violations_add(&v, NULL, NULL, NULL, NULL, "x"), QUO_OK);
    ck_assert_str_eq(v.items[0].path, "");
    ck_assert_str_eq(v.items[0].keyword, "");
    ck_assert_str_eq(v.items[0].schema_type, "any");
    quo_violations_free(&v);
    ck_assert_ptr_null(v.items);
    ck_assert_uint_eq(v.cap, 0);
}
END_TEST

START_TEST(json_shape)
{
    quo_violations v;
    quo_violations_init(&v);
    cJSON *five = cJSON_CreateNumber(5);
    quo_violations_add(&v, "/title", five, "type", "string", "must be a string, not a number");
    quo_violations_add(&v, "/description", NULL, "required", "string", "is required");
    cJSON_Delete(five);
    cJSON *arr = quo_violations_to_json(&v);
    char *text = cJSON_PrintUnformatted(arr);
    ck_assert_str_eq(text,
                     "[{\"path\":\"/title\",\"message\":\"must be a string, not a number\",\"value\":5,"
                     "\"schema\":{\"type\":\"string\"}},{\"path\":\"/description\",\"message\":"
                     "\"is required\",\"schema\":{\"type\":\"string\"}}]");
    cJSON_free(text);
    cJSON_Delete(arr);
    quo_violations_free(&v);
}
END_TEST

START_TEST(errors_are_values)
{
    quo_error err;
    ck_assert_int_eq(quo_error_set(&err, QUO_ESYNTAX, 7, "line %d", 3), QUO_ESYNTAX);
    ck_assert_int_eq(err.status, QUO_ESYNTAX);
    ck_assert_uint_eq(err.offset, 7);
    ck_assert_str_eq(err.message, "line 3");
    ck_assert_int_eq(quo_error_set(NULL, QUO_EIO, 0, "ignored"), QUO_EIO);
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    quo_error_set(&err, QUO_EIO, 0, "%s", big);
    ck_assert_uint_eq(strlen(err.message), QUO_ERROR_MESSAGE_MAX - 1);
    ck_assert_str_eq(quo_status_name(QUO_EDUPLICATE), "eduplicate");
    ck_assert_str_eq(quo_status_name((quo_status)999), "unknown");
    ck_assert_str_eq(quo_json_type_name(NULL), "null");
}
END_TEST

START_TEST(messages_are_always_utf8)
{
    quo_error err;
    quo_error_set(&err, QUO_EIO, 0, "%s", "cut \xE2\x82");
    ck_assert_str_eq(err.message, "cut ");
    quo_error_set(&err, QUO_EIO, 0, "%s", "bad \xFF byte, good \xC3\xA9");
    ck_assert_str_eq(err.message, "bad ? byte, good \xC3\xA9");
    /* A printf precision that cuts a character in half. */
    quo_error_set(&err, QUO_EIO, 0, "%.5s", "\xC3\xA9\xC3\xA9\xC3\xA9");
    ck_assert_str_eq(err.message, "\xC3\xA9\xC3\xA9");
    quo_violations v;
    quo_violations_init(&v);
    quo_violations_add(&v, "", NULL, "content-type", "string", "header \"%s\"", "\x80x");
    ck_assert_str_eq(v.items[0].message, "header \"?x\"");
    quo_violations_free(&v);
}
END_TEST

/* Values whose strings or names hold \u0000 must survive the copy. */
static char *copied(const char *json)
{
    quo_json_doc *doc = NULL;
    ck_assert_int_eq(quo_json_parse(json, strlen(json), 0, &doc, NULL), QUO_OK);
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_violations_add_doc(&v, doc, "", quo_json_root(doc), "type", "object",
                                            "x"), QUO_OK);
    quo_json_free(doc);
    char *text = v.items[0].value ? cJSON_PrintUnformatted(v.items[0].value) : NULL;
    quo_violations_free(&v);
    return text;
}

START_TEST(values_keep_nul_escaped)
{
    char *t = copied("{\"a\\u0000x\":1,\"a\\u0000y\":[\"p\\u0000q\",true,null,2.5]}");
    ck_assert_str_eq(t, "{\"a\\\\u0000x\":1,\"a\\\\u0000y\":[\"p\\\\u0000q\",true,null,2.5]}");
    cJSON_free(t);
    /* Once escaped, these two names would be one: the value is not shown. */
    ck_assert_ptr_null(copied("{\"a\\u0000\":1,\"a\\\\u0000\":2}"));
    t = copied("{\"plain\":\"no nul\",\"n\":\"\\u0000\"}");
    ck_assert_str_eq(t, "{\"plain\":\"no nul\",\"n\":\"\\\\u0000\"}");
    cJSON_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("violation");
    TCase *tc = tcase_create("list");
    tcase_add_test(tc, add_clear_and_reuse);
    tcase_add_test(tc, json_shape);
    tcase_add_test(tc, errors_are_values);
    tcase_add_test(tc, messages_are_always_utf8);
    tcase_add_test(tc, values_keep_nul_escaped);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
