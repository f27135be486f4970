/* Unit tests of spec.c: what the product reads out of the OpenAPI document. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/array.h"
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
    for (size_t i = 0; i < QUO_ARRAY_SIZE(want); i++) {
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

/* ---- the contract (quo/contract.h) ----------------------------------- */

START_TEST(contract_reads_the_operation)
{
    const quo_contract *c = quo_spec_contract(spec);
    ck_assert_str_eq(quo_contract_method(c), "post");
    ck_assert_str_eq(quo_contract_method_upper(c), "POST");
    ck_assert_str_eq(quo_contract_path(c), "/v1/tasks");
    ck_assert_str_eq(quo_contract_operation_id(c), "createTask_v1");
    ck_assert_str_eq(quo_contract_operation_pointer(c), "/paths/~1v1~1tasks/post");
    ck_assert_uint_eq(quo_contract_security_count(c), 1);
    const quo_contract_security *s = quo_contract_security_at(c, 0);
    ck_assert_int_eq(s->kind, QUO_AUTH_APIKEY);
    ck_assert_int_eq(s->in, QUO_IN_HEADER);
    ck_assert_str_eq(s->name, "Authorization");
    ck_assert_ptr_null(s->scheme);
    ck_assert_uint_eq(quo_contract_param_count(c), 0);
    ck_assert(quo_contract_body_required(c));
    ck_assert_str_eq(quo_contract_body_media(c), "application/json");
    ck_assert_int_eq(quo_contract_success_status(c), 201);
    const char *wrapper;
    ck_assert_ptr_nonnull(quo_contract_success_object(c, &wrapper));
    ck_assert_str_eq(wrapper, "data");
    ck_assert_str_eq(quo_contract_success_id(c), "taskId");
    const quo_contract_response *r = quo_contract_response_for(c, 400);
    ck_assert_str_eq(r->key, "400");
    ck_assert_str_eq(quo_contract_response_const(r, "code")->valuestring, "0600400");
    ck_assert_ptr_null(quo_contract_response_for(c, 418));
}
END_TEST

START_TEST(contract_analyses_the_alternatives)
{
    const quo_contract *c = quo_spec_contract(spec);
    ck_assert_uint_eq(quo_contract_alt_count(c), 3);
    static const char *const links[] = {"phoneNumberId", "conversationId", "activityId"};
    for (size_t i = 0; i < 3; i++) {
        const quo_contract_alt *a = quo_contract_alt_at(c, i);
        ck_assert(a->closed);
        ck_assert_uint_eq(a->member_count, 5);
        ck_assert_uint_eq(a->link, i);
        ck_assert_uint_eq(a->part_count, 1);
        const quo_contract_link *l = quo_contract_link_at(c, i);
        ck_assert_str_eq(l->name, links[i]);
        ck_assert_uint_eq(l->alt, i);
        ck_assert(l->member->required);
        ck_assert_str_eq(l->member->type, "string");
        ck_assert_ptr_nonnull(l->member->schema);
        const quo_contract_member *t = quo_contract_alt_member(a, "title");
        ck_assert(t && t->required);
        const quo_contract_member *due = quo_contract_alt_member(a, "dueDate");
        ck_assert(due && !due->required);
        ck_assert_str_eq(due->format, "date-time");
    }
    ck_assert_str_eq(quo_contract_alt_member(quo_contract_alt_at(c, 0), "phoneNumberId")->pattern,
                     "^PN(.*)$");
    ck_assert_uint_eq(quo_contract_link_find(c, "activityId", 10), 2);
    ck_assert_uint_eq(quo_contract_link_find(c, "activityId\0x", 12), QUO_CONTRACT_NONE);
}
END_TEST

static const quo_contract *load_op(const char *json, const char *op, quo_spec **out,
                                   quo_error *err)
{
    quo_status st = quo_spec_load_buffer_op(json, strlen(json), op, out, err);
    return st == QUO_OK ? quo_spec_contract(*out) : NULL;
}

START_TEST(contract_follows_refs_and_compositions)
{
    /* Two operations; a $ref'd request body whose schema is allOf of a
     * $ref'd base (pointer with ~1 and %20) and a oneOf; a Bearer scheme;
     * a $ref'd required header parameter; 2XX and default responses. */
    const char *doc =
        "{\"paths\":{\"/v2/tasks\":{\"get\":{\"responses\":{\"200\":{}}},"
        "\"post\":{\"operationId\":\"createTask_v2\",\"security\":[{\"b\":[]}],"
        "\"parameters\":[{\"$ref\":\"#/components/parameters/Idem\"}],"
        "\"requestBody\":{\"$ref\":\"#/components/requestBodies/T\"},"
        "\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":"
        "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\","
        "\"format\":\"uuid\"}}}}},\"headers\":{\"Location\":{\"required\":true,"
        "\"schema\":{\"type\":\"string\"}}}},"
        "\"default\":{\"$ref\":\"#/components/responses/E\"}}}}},"
        "\"components\":{\"securitySchemes\":{\"b\":{\"type\":\"http\",\"scheme\":\"bearer\"}},"
        "\"parameters\":{\"Idem\":{\"name\":\"Idempotency-Key\",\"in\":\"header\","
        "\"required\":true,\"schema\":{\"type\":\"string\"}}},"
        "\"responses\":{\"E\":{\"content\":{\"application/json\":{\"schema\":{\"properties\":"
        "{\"code\":{\"const\":\"E1\"}}}}}}},"
        "\"requestBodies\":{\"T\":{\"required\":true,\"content\":{\"application/json\":"
        "{\"schema\":{\"allOf\":[{\"$ref\":\"#/components/schemas/a~1b%20c\"},"
        "{\"oneOf\":[{\"required\":[\"x\"],\"properties\":{\"x\":{\"type\":\"integer\"}}},"
        "{\"required\":[\"y\"],\"properties\":{\"y\":{\"type\":[\"string\",\"null\"]}}}]}]}}}}},"
        "\"schemas\":{\"a/b c\":{\"required\":[\"t\"],\"properties\":{\"t\":{\"type\":\"string\"}}}}}}";
    quo_spec *s = NULL;
    quo_error err;
    /* Several operations and no createTask_v1: the default is refused by name. */
    ck_assert_ptr_null(load_op(doc, NULL, &s, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "no operation createTask_v1 (the default"));
    const quo_contract *c = load_op(doc, "createTask_v2", &s, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    ck_assert_str_eq(quo_contract_path(c), "/v2/tasks");
    ck_assert_str_eq(quo_contract_operation_id(c), "createTask_v2");
    ck_assert_int_eq(quo_contract_security_at(c, 0)->kind, QUO_AUTH_BEARER);
    ck_assert_str_eq(quo_contract_security_at(c, 0)->scheme, "Bearer");
    ck_assert_str_eq(quo_contract_security_at(c, 0)->name, "Authorization");
    ck_assert_uint_eq(quo_contract_param_count(c), 1);
    ck_assert_str_eq(quo_contract_param_at(c, 0)->name, "Idempotency-Key");
    ck_assert(quo_contract_param_at(c, 0)->required);
    ck_assert_ptr_nonnull(quo_contract_param_at(c, 0)->schema);
    ck_assert_uint_eq(quo_contract_alt_count(c), 2);
    ck_assert_uint_eq(quo_contract_link_count(c), 2);
    ck_assert_str_eq(quo_contract_link_at(c, 0)->name, "x");
    ck_assert_str_eq(quo_contract_link_at(c, 1)->name, "y");
    const quo_contract_alt *a1 = quo_contract_alt_at(c, 1);
    ck_assert(!a1->closed);
    ck_assert_uint_eq(a1->part_count, 2);
    ck_assert(quo_contract_alt_member(a1, "t")->required);
    ck_assert_str_eq(quo_contract_alt_member(a1, "y")->type, "string");
    ck_assert_int_eq(quo_contract_success_status(c), 200);
    ck_assert_str_eq(quo_contract_success_id(c), "id");
    const quo_contract_response *ok = quo_contract_response_for(c, 204);
    ck_assert_str_eq(ok->key, "2XX");
    ck_assert_uint_eq(ok->header_count, 1);
    ck_assert(ok->headers[0].required);
    const quo_contract_response *e = quo_contract_response_for(c, 503);
    ck_assert_str_eq(e->key, "default");
    ck_assert_str_eq(quo_contract_response_const(e, "code")->valuestring, "E1");
    quo_spec_free(s);
    /* By 'METHOD PATH' and by id; an unknown one is named. */
    ck_assert_ptr_nonnull(load_op(doc, "POST /v2/tasks", &s, &err));
    quo_spec_free(s);
    ck_assert_ptr_nonnull(load_op(doc, "createTask_v2", &s, &err));
    quo_spec_free(s);
    ck_assert_ptr_null(load_op(doc, "createTask_v1", &s, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "no operation createTask_v1"));
    ck_assert_ptr_nonnull(strstr(err.message, "get /v2/tasks, post /v2/tasks"));
    ck_assert_ptr_null(load_op(doc, "get /v2/tasks", &s, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "no request body"));
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
    tcase_add_test(tc, contract_reads_the_operation);
    tcase_add_test(tc, contract_analyses_the_alternatives);
    tcase_add_test(tc, contract_follows_refs_and_compositions);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
