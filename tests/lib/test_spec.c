/* Unit tests of spec.c: what the product reads out of the OpenAPI document. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/quo.h"

static quo_spec *spec;

static void setup(void)
{
    quo_error err;
    ck_assert_msg(quo_spec_load_default(&spec, &err) == QUO_OK, "%s", err.message);
}

static void teardown(void)
{
    quo_spec_free(spec);
}

START_TEST(statuses_are_the_documented_ones_ascending)
{
    const int want[] = {201, 400, 401, 403, 404, 500};
    ck_assert_uint_eq(quo_spec_status_count(spec), 6);
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(quo_spec_status_at(spec, i), want[i]);
        ck_assert_ptr_nonnull(quo_spec_response_schema(spec, want[i]));
        ck_assert_str_eq(quo_spec_response_media_type(spec, want[i]), "application/json");
    }
    ck_assert_int_eq(quo_spec_status_at(spec, 6), -1);
    ck_assert_ptr_null(quo_spec_response_schema(spec, 200));
    ck_assert_ptr_null(quo_spec_response_schema(spec, 418));
}
END_TEST

START_TEST(error_constants_come_from_the_schemas)
{
    quo_spec_error_consts c;
    ck_assert_int_eq(quo_spec_error_constants(spec, 400, &c), QUO_OK);
    ck_assert_str_eq(c.code, "0600400");
    ck_assert_str_eq(c.title, "Bad Request");
    ck_assert_str_eq(c.docs, "https://quo.com/docs");
    ck_assert_double_eq(c.status, 400);
    ck_assert_int_eq(quo_spec_error_constants(spec, 500, &c), QUO_OK);
    ck_assert_str_eq(c.code, "0601500");
    ck_assert_str_eq(c.title, "Unknown");
    ck_assert_int_eq(quo_spec_error_constants(spec, 403, &c), QUO_OK);
    ck_assert_str_eq(c.title, "Forbidden");
    ck_assert_int_eq(quo_spec_error_constants(spec, 201, &c), QUO_EUSAGE);
    ck_assert_int_eq(quo_spec_error_constants(spec, 418, &c), QUO_EUSAGE);
}
END_TEST

START_TEST(links_are_derived_from_the_anyof)
{
    ck_assert_uint_eq(quo_spec_link_count(spec), 3);
    ck_assert_str_eq(quo_spec_link_name(spec, 0), "phoneNumberId");
    ck_assert_str_eq(quo_spec_link_name(spec, 1), "conversationId");
    ck_assert_str_eq(quo_spec_link_name(spec, 2), "activityId");
    ck_assert_ptr_null(quo_spec_link_name(spec, 3));
    ck_assert_uint_eq(quo_schema_branch_count(quo_spec_request_schema(spec)), 3);
}
END_TEST

START_TEST(pointers_resolve_in_the_document)
{
    ck_assert_str_eq(quo_spec_request_pointer(spec),
                     "/paths/~1v1~1tasks/post/requestBody/content/application~1json/schema");
    ck_assert_str_eq(quo_spec_response_pointer(spec, 404),
                     "/paths/~1v1~1tasks/post/responses/404/content/application~1json/schema");
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(quo_spec_document(spec), "paths");
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(paths, "/v1/tasks"), "post");
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(op, "requestBody");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rb, "content"),
                                         "application/json"), "schema");
    ck_assert_ptr_eq(schema, quo_spec_request_schema_json(spec));
}
END_TEST

START_TEST(the_file_loads_like_the_embedded_copy)
{
    const char *src = getenv("QUO_SOURCE_DIR");
    ck_assert_ptr_nonnull(src);
    char path[4096];
    snprintf(path, sizeof path, "%s/spec/create-task.openapi.json", src);
    quo_spec *f = NULL;
    quo_error err;
    ck_assert_msg(quo_spec_load_file(path, &f, &err) == QUO_OK, "%s", err.message);
    size_t len;
    const char *text = quo_spec_default_text(&len);
    ck_assert_uint_gt(len, 1000);
    ck_assert_uint_eq(strlen(text), len);
    ck_assert_uint_eq(quo_spec_status_count(f), quo_spec_status_count(spec));
    quo_spec_free(f);
}
END_TEST

static quo_status load_text(const char *json, quo_error *err)
{
    quo_spec *s = NULL;
    quo_status st = quo_spec_load_buffer(json, strlen(json), &s, err);
    ck_assert(st == QUO_OK ? s != NULL : s == NULL);
    quo_spec_free(s);
    return st;
}

START_TEST(broken_documents_are_refused_with_a_reason)
{
    quo_error err;
    ck_assert_int_eq(load_text("{", &err), QUO_ESYNTAX);
    ck_assert_int_eq(load_text("{\"openapi\":\"3.1.0\"}", &err), QUO_ESPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "no operations under \"paths\""));
    ck_assert_int_eq(load_text("{\"paths\":{\"/v1/tasks\":{\"post\":{\"responses\":{\"201\":{}}}}}}",
                               &err), QUO_ESPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "request body"));
    const char *no_responses =
        "{\"paths\":{\"/v1/tasks\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":"
        "{\"schema\":{\"type\":\"object\"}}}}}}}}";
    ck_assert_int_eq(load_text(no_responses, &err), QUO_ESPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "responses"));
    const char *range =
        "{\"paths\":{\"/v1/tasks\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":"
        "{\"schema\":{}}}},\"responses\":{\"2XX\":{}}}}}}";
    ck_assert_int_eq(load_text(range, &err), QUO_OK); /* ranges are documented statuses */
    const char *bad_key =
        "{\"paths\":{\"/v1/tasks\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":"
        "{\"schema\":{}}}},\"responses\":{\"2YY\":{}}}}}}";
    ck_assert_int_eq(load_text(bad_key, &err), QUO_ESPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "2YY"));
    ck_assert_ptr_nonnull(strstr(err.message, "/paths/~1v1~1tasks/post/responses"));
    const char *unknown_kw =
        "{\"paths\":{\"/v1/tasks\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":"
        "{\"schema\":{\"frobnicate\":1}}}},\"responses\":{}}}}}";
    ck_assert_int_eq(load_text(unknown_kw, &err), QUO_ESCHEMA);
    ck_assert_ptr_nonnull(strstr(err.message, "frobnicate"));
    const char *no_link =
        "{\"paths\":{\"/v1/tasks\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":"
        "{\"schema\":{\"anyOf\":[{\"required\":[\"a\"]},{\"required\":[\"a\"]}]}}}},"
        "\"responses\":{\"204\":{}}}}}}";
    /* Alternatives nothing tells apart have no link ids: the validator
     * still judges by the schema (the mock refuses to serve them). */
    ck_assert_int_eq(load_text(no_link, &err), QUO_OK);
    ck_assert_int_eq(quo_spec_load_file("/nonexistent/spec.json", &(quo_spec *){NULL}, &err),
                     QUO_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/spec.json"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("default");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, statuses_are_the_documented_ones_ascending);
    tcase_add_test(tc, error_constants_come_from_the_schemas);
    tcase_add_test(tc, links_are_derived_from_the_anyof);
    tcase_add_test(tc, pointers_resolve_in_the_document);
    tcase_add_test(tc, the_file_loads_like_the_embedded_copy);
    tcase_add_test(tc, broken_documents_are_refused_with_a_reason);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
