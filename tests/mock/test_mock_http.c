/* test_mock_http.c - quo-mock driven over real HTTP (libcurl): every step of
 * the semantics, Prefer, 405, the certification record and header.
 *
 * Each test runs in its own forked process (libcheck's default) with a mock
 * started in-process on an ephemeral port, so what the mock records is
 * visible to the test through quo_mock_server_core().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "quo/array.h"
#include "quo_check.h"
#include "mock_http.h"
#include "../../mock/report.h" /* mock_report_render: the views of a report text */

#define PN1_BODY "{\"title\":\"Call back\",\"description\":\"About pricing\",\"phoneNumberId\":\"PN1\"}"
#define GOOD_CT "Content-Type: application/json"
#define KEY "Authorization: test-key"

static void setup(void)
{
    th_start(NULL);
}

static void teardown(void)
{
    th_stop();
}

static quo_mock_core *core(void)
{
    return quo_mock_server_core(TM.server);
}

/* The Quo-Mock-Violations header, parsed (caller deletes). */
static cJSON *violations(const http_res *r)
{
    char *h = http_header(r, "Quo-Mock-Violations");
    ck_assert_msg(h != NULL, "no Quo-Mock-Violations header");
    cJSON *v = cJSON_Parse(h);
    ck_assert_msg(cJSON_IsArray(v), "Quo-Mock-Violations is not a JSON array: %s", h);
    free(h);
    return v;
}

/* True when some violation has this rule and its message (or hint, when
 * in_hint) contains text. */
static bool has_violation(const http_res *r, const char *rule, const char *text, bool in_hint)
{
    cJSON *arr = violations(r);
    bool found = false;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        const cJSON *ru = cJSON_GetObjectItemCaseSensitive(v, "rule");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, in_hint ? "hint" : "message");
        if (cJSON_IsString(ru) && strcmp(ru->valuestring, rule) == 0 &&
            (!text || (cJSON_IsString(m) && strstr(m->valuestring, text))))
            found = true;
    }
    cJSON_Delete(arr);
    return found;
}

static void assert_verdict(const http_res *r, const char *verdict)
{
    char *v = http_header(r, "Quo-Mock-Verdict");
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, verdict);
    free(v);
}

static const char *message(const http_res *r)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(r->json, "message");
    return cJSON_IsString(m) ? m->valuestring : "";
}

/* ---- 201 ----------------------------------------------------------------- */

START_TEST(t_create_by_phone)
{
    http_res *r = http_create("test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 201);
    th_assert_conforms(r);
    const char *id = th_task_id(r);
    ck_assert_ptr_nonnull(id);
    ck_assert(strncmp(id, "TK", 2) == 0);
    ck_assert_str_eq(th_data(r, "revision"), "1");
    ck_assert_str_eq(th_data(r, "phoneNumberId"), "PN1");
    ck_assert_ptr_null(th_data(r, "conversationId"));
    ck_assert_ptr_null(th_data(r, "activityId"));
    assert_verdict(r, "conforming");
    char *h = http_header(r, "Quo-Mock-Violations");
    ck_assert_str_eq(h, "[]");
    free(h);
    quo_mock_task t;
    ck_assert(quo_mock_core_find_task(core(), id, &t));
    ck_assert_str_eq(t.phone_number_id, "PN1");
    ck_assert_ptr_null(t.conversation_id);
    http_res_free(r);
}
END_TEST

START_TEST(t_create_by_conversation)
{
    http_res *r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\","
                                          "\"conversationId\":\"CN2\"}");
    ck_assert_int_eq(r->status, 201);
    th_assert_conforms(r);
    ck_assert_str_eq(th_data(r, "phoneNumberId"), "PN2");
    ck_assert_str_eq(th_data(r, "conversationId"), "CN2");
    ck_assert_ptr_null(th_data(r, "activityId"));
    quo_mock_task t;
    ck_assert(quo_mock_core_find_task(core(), th_task_id(r), &t));
    ck_assert_str_eq(t.conversation_id, "CN2");
    http_res_free(r);
}
END_TEST

START_TEST(t_create_by_activity)
{
    http_res *r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\","
                                          "\"activityId\":\"AC1\"}");
    ck_assert_int_eq(r->status, 201);
    th_assert_conforms(r);
    ck_assert_str_eq(th_data(r, "phoneNumberId"), "PN1");
    ck_assert_str_eq(th_data(r, "conversationId"), "CN1");
    ck_assert_str_eq(th_data(r, "activityId"), "AC1");
    http_res_free(r);
}
END_TEST

START_TEST(t_create_with_optional_members)
{
    http_res *r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\","
                                          "\"phoneNumberId\":\"PN2\",\"assignedTo\":\"US2\","
                                          "\"dueDate\":\"2025-06-01T09:00:00Z\"}");
    ck_assert_int_eq(r->status, 201);
    th_assert_conforms(r);
    quo_mock_task t;
    ck_assert(quo_mock_core_find_task(core(), th_task_id(r), &t));
    ck_assert_str_eq(t.assigned_to, "US2");
    ck_assert_str_eq(t.phone_number_id, "PN2");
    http_res_free(r);
}
END_TEST

START_TEST(t_tasks_kept_in_memory)
{
    char *ids[3];
    for (size_t i = 0; i < QUO_ARRAY_SIZE(ids); i++) {
        http_res *r = http_create("test-key", PN1_BODY);
        ck_assert_int_eq(r->status, 201);
        ids[i] = strdup(th_task_id(r));
        http_res_free(r);
    }
    ck_assert_uint_eq(quo_mock_core_task_count(core()), 3);
    ck_assert_str_ne(ids[0], ids[1]);
    ck_assert_str_ne(ids[1], ids[2]);
    for (size_t i = 0; i < QUO_ARRAY_SIZE(ids); i++) {
        ck_assert(quo_mock_core_find_task(core(), ids[i], NULL));
        free(ids[i]);
    }
    ck_assert(!quo_mock_core_find_task(core(), "TKnope", NULL));
}
END_TEST

/* ---- Prefer --------------------------------------------------------------- */

START_TEST(t_prefer_each_documented_status)
{
    for (size_t i = 0; i < quo_spec_status_count(TM.spec); i++) {
        int s = quo_spec_status_at(TM.spec, i);
        char pref[32], applied[32];
        snprintf(pref, sizeof pref, "Prefer: code=%d", s);
        snprintf(applied, sizeof applied, "code=%d", s);
        http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, GOOD_CT, pref, (char *)NULL);
        ck_assert_int_eq(r->status, s);
        th_assert_conforms(r);
        char *h = http_header(r, "Preference-Applied");
        ck_assert_ptr_nonnull(h);
        ck_assert_str_eq(h, applied);
        free(h);
        assert_verdict(r, "conforming");
        http_res_free(r);
    }
    /* Only the natural 201 above created a task. */
    ck_assert_uint_eq(quo_mock_core_task_count(core()), 1);
}
END_TEST

START_TEST(t_prefer_201_on_a_bad_request)
{
    http_res *real = http_create("test-key", PN1_BODY);
    http_res *r = http_do("POST", "/v1/tasks", "{}", "Prefer: code=201", (char *)NULL);
    ck_assert_int_eq(r->status, 201);
    th_assert_conforms(r);
    /* A forced 201 shows a fresh, unique id but creates nothing. */
    ck_assert_str_ne(th_task_id(r), th_task_id(real));
    ck_assert(!quo_mock_core_find_task(core(), th_task_id(r), NULL));
    ck_assert(quo_mock_core_find_task(core(), th_task_id(real), NULL));
    /* What the client got wrong is still reported. */
    assert_verdict(r, "non-conforming");
    ck_assert(has_violation(r, "auth", "missing", false));
    ck_assert(has_violation(r, "media-type", NULL, false));
    http_res_free(r);
    http_res_free(real);
}
END_TEST

START_TEST(t_prefer_undocumented_code)
{
    static const struct {
        const char *pref;
        const char *text;
    } cases[] = {
        {"Prefer: code=418", "code=418 asks for a status"},
        {"Prefer: code=202", "documented: 201, 400, 401, 403, 404, 500"},
        {"Prefer: code=abc", "not an HTTP status code"},
        {"Prefer: code=999", "not an HTTP status code"},
        {"Prefer: code=4040", "not an HTTP status code"},
        {"Prefer: code", "needs a status"},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, GOOD_CT, cases[i].pref,
                              (char *)NULL);
        ck_assert_msg(r->status == 400, "%s: %ld", cases[i].pref, r->status);
        th_assert_conforms(r);
        ck_assert_msg(strstr(message(r), cases[i].text), "%s: message %s", cases[i].pref,
                      message(r));
        ck_assert(has_violation(r, "prefer", cases[i].text, false));
        http_res_free(r);
    }
    ck_assert_uint_eq(quo_mock_core_task_count(core()), 0);
}
END_TEST

START_TEST(t_prefer_other_preferences)
{
    static const struct {
        const char *pref1, *pref2;
        long status;
    } cases[] = {
        {"Prefer: return=minimal", NULL, 201},
        {"Prefer: respond-async, wait=5", NULL, 201},
        {"Prefer: return=minimal; foo=\"a,code=500\", code=404", NULL, 404},
        {"Prefer: code=\"403\"", NULL, 403},
        {"PREFER: CODE=401", NULL, 401},
        {"Prefer: code=404, code=500", NULL, 404},
        {"Prefer: return=representation", "Prefer: code=500", 500},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, GOOD_CT, cases[i].pref1,
                              cases[i].pref2, (char *)NULL);
        ck_assert_msg(r->status == cases[i].status, "%s: got %ld", cases[i].pref1, r->status);
        th_assert_conforms(r);
        if (cases[i].status == 201) {
            /* return=minimal is ignored: the full representation comes back. */
            ck_assert_ptr_nonnull(th_task_id(r));
            char *h = http_header(r, "Preference-Applied");
            ck_assert_ptr_null(h);
        }
        assert_verdict(r, "conforming");
        http_res_free(r);
    }
}
END_TEST

/* ---- routes ---------------------------------------------------------------- */

START_TEST(t_other_paths_404)
{
    static const struct {
        const char *path, *hint;
    } cases[] = {
        {"/v1/tasks/", "trailing slash"},
        {"/V1/TASKS", "case-sensitive"},
        {"/tasks", "version prefix"},
        {"/v1/tasks/TK1", NULL},
        {"/", NULL},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        http_res *r = http_do("POST", cases[i].path, PN1_BODY, KEY, GOOD_CT, (char *)NULL);
        ck_assert_msg(r->status == 404, "%s: %ld", cases[i].path, r->status);
        th_assert_conforms(r);
        ck_assert(has_violation(r, "path", NULL, false));
        if (cases[i].hint)
            ck_assert_msg(has_violation(r, "path", cases[i].hint, true), "%s: no hint %s",
                          cases[i].path, cases[i].hint);
        assert_verdict(r, "non-conforming");
        http_res_free(r);
    }
}
END_TEST

START_TEST(t_other_methods_405)
{
    static const char *const methods[] = {"GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD",
                                          "post"};
    for (int i = 0; i < (int)QUO_ARRAY_SIZE(methods); i++) {
        http_res *r = http_do(methods[i], "/v1/tasks", NULL, KEY, (char *)NULL);
        ck_assert_msg(r->status == 405, "%s: %ld", methods[i], r->status);
        char *allow = http_header(r, "Allow");
        ck_assert_ptr_nonnull(allow);
        ck_assert_str_eq(allow, "POST");
        free(allow);
        ck_assert(has_violation(r, "method", NULL, false));
        if (strcmp(methods[i], "HEAD") != 0)
            th_assert_conforms(r);
        http_res_free(r);
    }
    http_res *r = http_do("post", "/v1/tasks", NULL, KEY, (char *)NULL);
    ck_assert(has_violation(r, "method", "case-sensitive", true));
    http_res_free(r);
}
END_TEST

/* ---- Authorization ---------------------------------------------------------- */

START_TEST(t_auth_missing)
{
    http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, GOOD_CT, (char *)NULL);
    ck_assert_int_eq(r->status, 401);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "auth", "missing", false));
    assert_verdict(r, "non-conforming");
    http_res_free(r);
}
END_TEST

START_TEST(t_auth_empty)
{
    /* curl sends "Authorization:" with no value for "Authorization;". */
    http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, "Authorization;", GOOD_CT, (char *)NULL);
    ck_assert_int_eq(r->status, 401);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "auth", "empty", false));
    http_res_free(r);
}
END_TEST

START_TEST(t_auth_unknown_key)
{
    http_res *r = http_create("no-such-key", PN1_BODY);
    ck_assert_int_eq(r->status, 401);
    th_assert_conforms(r);
    /* A wrong key is not a malformed request: a note, not a violation. */
    assert_verdict(r, "conforming");
    http_res_free(r);
    char *rep = quo_mock_core_report(core(), QUO_MOCK_REPORT_JSON, NULL);
    ck_assert_ptr_nonnull(strstr(rep, "not one of the mock's fixtures"));
    ck_assert_ptr_null(strstr(rep, "no-such-key"));
    free(rep);
}
END_TEST

START_TEST(t_auth_bearer)
{
    http_res *r = http_create("Bearer test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 401);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "auth", "Bearer", false));
    ck_assert(has_violation(r, "auth", "raw API key", true));
    assert_verdict(r, "non-conforming");
    http_res_free(r);
    r = http_create("bearer test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 401);
    ck_assert(has_violation(r, "auth", "Bearer", false));
    http_res_free(r);
}
END_TEST

START_TEST(t_auth_header_name_case)
{
    static const char *const names[] = {"authorization: test-key", "AUTHORIZATION: test-key",
                                        "AuThOrIzAtIoN: test-key"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names); i++) {
        http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, names[i], GOOD_CT, (char *)NULL);
        ck_assert_msg(r->status == 201, "%s: %ld", names[i], r->status);
        http_res_free(r);
    }
}
END_TEST

/* ---- media type --------------------------------------------------------------- */

START_TEST(t_media_type_parameters_allowed)
{
    static const char *const cts[] = {"Content-Type: application/json; charset=utf-8",
                                      "Content-Type: Application/JSON",
                                      "Content-Type: application/json;charset=UTF-8"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cts); i++) {
        http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, cts[i], (char *)NULL);
        ck_assert_msg(r->status == 201, "%s: %ld", cts[i], r->status);
        http_res_free(r);
    }
}
END_TEST

START_TEST(t_media_type_wrong)
{
    http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, "Content-Type: text/plain",
                          (char *)NULL);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "media-type", "text/plain", false));
    http_res_free(r);
    /* "Content-Type:" with no value makes curl drop the header. */
    r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, "Content-Type:", (char *)NULL);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "media-type", "missing", false));
    http_res_free(r);
    r = http_do("POST", "/v1/tasks", PN1_BODY, KEY,
                "Content-Type: application/x-www-form-urlencoded", (char *)NULL);
    ck_assert_int_eq(r->status, 400);
    ck_assert(has_violation(r, "media-type", "curl -d", true));
    http_res_free(r);
}
END_TEST

/* ---- body validation ------------------------------------------------------------ */

START_TEST(t_validation_errors_listed)
{
    http_res *r = http_create("test-key", "{\"title\":1,\"description\":\"d\","
                                          "\"phoneNumberId\":\"XX1\",\"colour\":\"red\"}");
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(r->json, "errors");
    ck_assert_int_eq(cJSON_GetArraySize(errs), 3);
    const char *paths = th_error_paths(r);
    ck_assert_msg(strstr(paths, "/title") && strstr(paths, "/phoneNumberId") &&
                      strstr(paths, "/colour"),
                  "paths: %s", paths);
    const cJSON *e;
    cJSON_ArrayForEach(e, errs)
    {
        const char *p = cJSON_GetObjectItemCaseSensitive(e, "path")->valuestring;
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(e, "schema"), "type");
        ck_assert(cJSON_IsString(msg) && strlen(msg->valuestring) > 10);
        ck_assert(cJSON_IsString(type));
        if (strcmp(p, "/title") == 0) {
            ck_assert_str_eq(type->valuestring, "string");
            ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "value")));
        }
        if (strcmp(p, "/phoneNumberId") == 0)
            ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "value")->valuestring, "XX1");
        ck_assert(has_violation(r, "body", NULL, false));
    }
    ck_assert_ptr_nonnull(strstr(message(r), "3 problems"));
    assert_verdict(r, "non-conforming");
    ck_assert_uint_eq(quo_mock_core_task_count(core()), 0);
    http_res_free(r);
}
END_TEST

START_TEST(t_validation_links)
{
    static const char *const bodies[] = {
        "{\"title\":\"t\",\"description\":\"d\"}",
        "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"activityId\":\"AC1\"}",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bodies); i++) {
        http_res *r = http_create("test-key", bodies[i]);
        ck_assert_int_eq(r->status, 400);
        th_assert_conforms(r);
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "errors")), 1);
        ck_assert_str_eq(th_error_paths(r), "");
        ck_assert(has_violation(r, "body", "exactly one of", false));
        ck_assert(has_violation(r, "body", "exactly one of", true));
        http_res_free(r);
    }
}
END_TEST

START_TEST(t_validation_not_json)
{
    static const char *const bodies[] = {
        "{\"title\":", "", "{\"title\":\"a\",\"title\":\"b\"}", "{\"title\":\"\xff\"}",
        "[1,2]", "01",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bodies); i++) {
        http_res *r = http_create("test-key", bodies[i]);
        ck_assert_msg(r->status == 400, "body %zu: %ld", i, r->status);
        th_assert_conforms(r);
        ck_assert(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "errors")) >= 1);
        http_res_free(r);
    }
}
END_TEST

START_TEST(t_validation_hints)
{
    http_res *r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\","
                                          "\"phoneNumberId\":\"PN1\",\"dueDate\":\"tomorrow\","
                                          "\"AssignedTo\":\"US1\"}");
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "body", "did you mean \"assignedTo\"", true));
    ck_assert(has_violation(r, "body", "RFC 3339", true));
    http_res_free(r);
}
END_TEST

START_TEST(t_validation_echoes_are_faithful)
{
    /* Shallow values come back as sent... */
    http_res *r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\","
                                          "\"phoneNumberId\":\"PN1\",\"x\":{\"a\":[1,2]}}");
    ck_assert_int_eq(r->status, 400);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "errors"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "path")->valuestring, "/x");
    char *val = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(e, "value"));
    ck_assert_str_eq(val, "{\"a\":[1,2]}");
    free(val);
    http_res_free(r);
    /* ... and a value whose names hold \u0000 (which a plain cJSON copy would
     * cut, even into duplicates) comes back with each NUL written \u0000. */
    r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\","
                                "\"x\":{\"a\\u0000x\":1,\"a\\u0000y\":2}}");
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "errors"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "path")->valuestring, "/x");
    val = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(e, "value"));
    ck_assert_str_eq(val, "{\"a\\\\u0000x\":1,\"a\\\\u0000y\":2}");
    free(val);
    http_res_free(r);
}
END_TEST

/* ---- linked resources and access ------------------------------------------------ */

START_TEST(t_unknown_linked_resources_404)
{
    static const struct {
        const char *body, *path, *value;
    } cases[] = {
        {"{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN9\"}", "/phoneNumberId", "PN9"},
        {"{\"title\":\"t\",\"description\":\"d\",\"conversationId\":\"CN9\"}", "/conversationId", "CN9"},
        {"{\"title\":\"t\",\"description\":\"d\",\"activityId\":\"AC9\"}", "/activityId", "AC9"},
        {"{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\",\"assignedTo\":\"US9\"}",
         "/assignedTo", "US9"},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        http_res *r = http_create("test-key", cases[i].body);
        ck_assert_msg(r->status == 404, "%s: %ld", cases[i].path, r->status);
        th_assert_conforms(r);
        ck_assert_str_eq(th_error_paths(r), cases[i].path);
        const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "errors"), 0);
        ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "value")->valuestring, cases[i].value);
        ck_assert_ptr_nonnull(strstr(message(r), cases[i].value));
        assert_verdict(r, "conforming");
        http_res_free(r);
    }
    ck_assert_uint_eq(quo_mock_core_task_count(core()), 0);
}
END_TEST

START_TEST(t_forbidden_403)
{
    static const struct {
        const char *key, *body;
        long status;
    } cases[] = {
        {"no-access-key", PN1_BODY, 403},
        {"test-key", "{\"title\":\"t\",\"description\":\"d\",\"conversationId\":\"CN3\"}", 403},
        {"other-key", "{\"title\":\"t\",\"description\":\"d\",\"activityId\":\"AC1\"}", 403},
        {"other-key", "{\"title\":\"t\",\"description\":\"d\",\"activityId\":\"AC3\"}", 201},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        http_res *r = http_create(cases[i].key, cases[i].body);
        ck_assert_msg(r->status == cases[i].status, "case %zu: %ld", i, r->status);
        th_assert_conforms(r);
        if (r->status == 403)
            ck_assert_ptr_nonnull(strstr(message(r), "no access"));
        http_res_free(r);
    }
}
END_TEST

/* ---- the order of the steps ------------------------------------------------------ */

START_TEST(t_semantics_order)
{
    static const struct {
        const char *method, *path, *body, *h1, *h2, *h3;
        long status;
        const char *rule; /* a violation expected, or NULL */
    } cases[] = {
        /* Prefer comes first, even before routing. */
        {"GET", "/nope", NULL, "Prefer: code=500", NULL, NULL, 500, "path"},
        /* path before method and auth */
        {"GET", "/nope", NULL, NULL, NULL, NULL, 404, "path"},
        /* method before auth */
        {"GET", "/v1/tasks", NULL, NULL, NULL, NULL, 405, "method"},
        /* auth before media type and body */
        {"POST", "/v1/tasks", "{", "Content-Type: text/plain", NULL, NULL, 401, "auth"},
        /* media type before body */
        {"POST", "/v1/tasks", "{", KEY, "Content-Type: text/plain", NULL, 400, "media-type"},
        /* body before linked resources */
        {"POST", "/v1/tasks", "{\"title\":1,\"description\":\"d\",\"phoneNumberId\":\"PN9\"}",
         KEY, GOOD_CT, NULL, 400, "body"},
        /* linked resources before access */
        {"POST", "/v1/tasks", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN9\"}",
         "Authorization: no-access-key", GOOD_CT, NULL, 404, NULL},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        http_res *r = http_do(cases[i].method, cases[i].path, cases[i].body, cases[i].h1,
                              cases[i].h2, cases[i].h3, (char *)NULL);
        ck_assert_msg(r->status == cases[i].status, "case %zu: %ld", i, r->status);
        th_assert_conforms(r);
        if (cases[i].rule)
            ck_assert_msg(has_violation(r, cases[i].rule, NULL, false), "case %zu: no %s", i,
                          cases[i].rule);
        http_res_free(r);
    }
}
END_TEST

START_TEST(t_every_violation_reported)
{
    /* The first failing step decides the status; the report and header
     * still list what is wrong in the later steps. */
    http_res *r = http_do("POST", "/v1/tasks", "{\"title\":1}", "Content-Type: text/plain",
                          (char *)NULL);
    ck_assert_int_eq(r->status, 401);
    th_assert_conforms(r);
    ck_assert(has_violation(r, "auth", "missing", false));
    ck_assert(has_violation(r, "media-type", "text/plain", false));
    ck_assert(has_violation(r, "body", NULL, false));
    http_res_free(r);
    /* A wrong path ends the analysis: there is no operation to check. */
    r = http_do("POST", "/v2/tasks", "{", (char *)NULL);
    cJSON *v = violations(r);
    ck_assert_int_eq(cJSON_GetArraySize(v), 1);
    cJSON_Delete(v);
    http_res_free(r);
}
END_TEST

/* ---- certification --------------------------------------------------------------- */

/* Six requests: 2 conforming (a 201, an unknown key), 4 not. */
static void certification_traffic(void)
{
    http_res *r[6];
    r[0] = http_create("test-key", PN1_BODY);
    r[1] = http_create("Bearer very-secret-key-43", PN1_BODY);
    r[2] = http_do("GET", "/v1/tasks", NULL, KEY, (char *)NULL);
    r[3] = http_do("POST", "/v1/tasks", PN1_BODY, KEY, "Content-Type: text/plain", (char *)NULL);
    r[4] = http_create("very-secret-key-42", PN1_BODY);
    r[5] = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"XX\"}");
    long want[6] = {201, 401, 405, 400, 401, 400};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(want); i++) {
        ck_assert_int_eq(r[i]->status, want[i]);
        http_res_free(r[i]);
    }
}

static const cJSON *req_at(const cJSON *rep, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rep, "requests"), i);
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    ck_assert_msg(cJSON_IsNumber(v), "no number %s", name);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    ck_assert_msg(cJSON_IsString(v), "no string %s", name);
    return v->valuestring;
}

static void assert_json_report(const char *text)
{
    ck_assert_ptr_null(strstr(text, "very-secret-key"));
    ck_assert_ptr_null(strstr(text, "test-key"));
    cJSON *rep = cJSON_Parse(text);
    ck_assert_msg(rep != NULL, "report is not JSON: %s", text);
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(rep, "summary");
    ck_assert_int_eq((int)num(sum, "requests"), 6);
    ck_assert_int_eq((int)num(sum, "conforming"), 2);
    ck_assert_int_eq((int)num(sum, "nonConforming"), 4);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rep, "requests")), 6);
    static const char *const methods[] = {"POST", "POST", "GET", "POST", "POST", "POST"};
    static const int statuses[] = {201, 401, 405, 400, 401, 400};
    static const int nviol[] = {0, 1, 1, 1, 0, 1};
    static const char *const rules[] = {NULL, "auth", "method", "media-type", NULL, "body"};
    for (int i = 0; i < (int)QUO_ARRAY_SIZE(methods); i++) {
        const cJSON *q = req_at(rep, i);
        ck_assert_str_eq(str(q, "method"), methods[i]);
        ck_assert_str_eq(str(q, "path"), "/v1/tasks");
        ck_assert_int_eq((int)num(q, "status"), statuses[i]);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "violations");
        ck_assert_msg(cJSON_GetArraySize(v) == nviol[i], "request %d: %d violations", i,
                      cJSON_GetArraySize(v));
        if (rules[i])
            ck_assert_str_eq(str(cJSON_GetArrayItem(v, 0), "rule"), rules[i]);
    }
    ck_assert_ptr_nonnull(strstr(str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                                         req_at(rep, 1), "violations"), 0), "hint"),
                                 "Bearer"));
    ck_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(req_at(rep, 5),
                                                                             "violations"), 0),
                         "path"),
                     "/phoneNumberId");
    const cJSON *hints = cJSON_GetObjectItemCaseSensitive(req_at(rep, 4), "hints");
    ck_assert_ptr_nonnull(strstr(cJSON_GetArrayItem(hints, 0)->valuestring, "fixtures"));
    cJSON_Delete(rep);
}

static void assert_md_report(const char *md)
{
    ck_assert_ptr_null(strstr(md, "very-secret-key"));
    ck_assert_ptr_null(strstr(md, "test-key"));
    ck_assert_ptr_nonnull(strstr(md, "# quo-mock certification report"));
    ck_assert_ptr_nonnull(strstr(md, "Verdict: not conforming."));
    ck_assert_ptr_nonnull(strstr(md, "| 6 | 2 | 4 |"));
    ck_assert_ptr_nonnull(strstr(md, "### 2. POST /v1/tasks → 401"));
    ck_assert_ptr_nonnull(strstr(md, "### 3. GET /v1/tasks → 405"));
    ck_assert_ptr_nonnull(strstr(md, "_Hint:_ drop the \"Bearer \" prefix"));
    ck_assert_ptr_nonnull(strstr(md, "**body** at `/phoneNumberId`"));
    ck_assert_ptr_nonnull(strstr(md, "## Notes on conforming requests"));
    ck_assert_ptr_nonnull(strstr(md, "| 1 | POST | /v1/tasks | 201 | conforming |"));
}

START_TEST(t_report_json)
{
    certification_traffic();
    quo_mock_summary s;
    quo_mock_core_summary(core(), &s);
    ck_assert_uint_eq(s.requests, 6);
    ck_assert_uint_eq(s.conforming, 2);
    ck_assert_uint_eq(s.non_conforming, 4);
    char *text = quo_mock_core_report(core(), QUO_MOCK_REPORT_JSON, NULL);
    ck_assert_ptr_nonnull(text);
    assert_json_report(text);
    free(text);
}
END_TEST

START_TEST(t_report_markdown)
{
    certification_traffic();
    char *md = quo_mock_core_report(core(), QUO_MOCK_REPORT_MARKDOWN, NULL);
    ck_assert_ptr_nonnull(md);
    assert_md_report(md);
    free(md);
}
END_TEST

/* The views re-read the JSON report through the gate: a client text
 * holding \u0000 is shown in full, and "conforming\u0000x" is no verdict. */
START_TEST(t_report_views_read_by_full_length)
{
    static const char json[] =
        "{\"summary\":{\"requests\":1,\"clients\":1},\"clients\":[{\"id\":\"c1\\u0000x\","
        "\"verdict\":\"conforming\\u0000x\",\"requests\":1}],\"requests\":[]}";
    size_t n = 0;
    char *md = mock_report_render(json, strlen(json), QUO_MOCK_REPORT_MARKDOWN, &n);
    ck_assert_ptr_nonnull(md);
    ck_assert_msg(strstr(md, "u0000x: not judged"), "id cut or verdict misread:\n%s", md);
    free(md);
    static const char dup[] = "{\"summary\":{},\"summary\":{}}";
    ck_assert_ptr_null(mock_report_render(dup, strlen(dup), QUO_MOCK_REPORT_MARKDOWN, &n));
}
END_TEST

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

START_TEST(t_report_written_on_finish)
{
    static const quo_mock_report_format fmts[] = {QUO_MOCK_REPORT_JSON, QUO_MOCK_REPORT_MARKDOWN};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(fmts); i++) {
        char dir[] = "/tmp/quo-mock-report-XXXXXX";
        ck_assert_ptr_nonnull(mkdtemp(dir));
        char path[128];
        snprintf(path, sizeof path, "%s/report.out", dir);
        quo_mock_options o;
        th_options(&o);
        o.report_path = path;
        o.report_format = fmts[i];
        th_start(&o);
        certification_traffic();
        quo_error err;
        ck_assert_int_eq(quo_mock_server_finish(TM.server, &err), QUO_OK);
        char *text = read_file(path);
        if (fmts[i] == QUO_MOCK_REPORT_JSON)
            assert_json_report(text);
        else
            assert_md_report(text);
        free(text);
        th_stop();
        /* Written atomically: nothing but the report is left beside it. */
        char cmd[256];
        snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = report.out", dir);
        ck_assert_int_eq(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        ck_assert_int_eq(system(cmd), 0);
    }
}
END_TEST

START_TEST(t_report_unwritable)
{
    quo_mock_options o;
    th_options(&o);
    o.report_path = "/nonexistent-dir/report.json";
    th_start(&o);
    quo_error err = {0};
    ck_assert_int_eq(quo_mock_server_finish(TM.server, &err), QUO_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent-dir/report.json"));
    th_stop();
}
END_TEST

START_TEST(t_violations_header)
{
    /* One problem: the header names it exactly. */
    http_res *r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":7}");
    cJSON *v = violations(r);
    ck_assert_int_eq(cJSON_GetArraySize(v), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(v, 0), "rule"), "body");
    ck_assert_str_eq(str(cJSON_GetArrayItem(v, 0), "path"), "/phoneNumberId");
    ck_assert_ptr_nonnull(strstr(str(cJSON_GetArrayItem(v, 0), "hint"), "quote the value"));
    cJSON_Delete(v);
    http_res_free(r);

    /* Hundreds of problems: the header stays bounded and says so. */
    char body[20000];
    size_t n = (size_t)snprintf(body, sizeof body,
                                "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, ",\"extra%d\":%d", i, i);
    snprintf(body + n, sizeof body - n, "}");
    r = http_create("test-key", body);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    /* errors[] is capped (first 100) and the message counts the rest, so an
     * answer is never much larger than its request. */
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "errors")), 100);
    ck_assert_ptr_nonnull(strstr(str(r->json, "message"), "200 more"));
    char *h = http_header(r, "Quo-Mock-Violations");
    ck_assert_uint_le(strlen(h), QUO_MOCK_VIOLATIONS_HEADER_MAX);
    v = cJSON_Parse(h);
    free(h);
    int count = cJSON_GetArraySize(v);
    ck_assert_int_gt(count, 5);
    ck_assert_int_lt(count, 300);
    ck_assert_str_eq(str(cJSON_GetArrayItem(v, count - 1), "rule"), "truncated");
    ck_assert_str_eq(str(cJSON_GetArrayItem(v, 0), "rule"), "body");
    cJSON_Delete(v);
    http_res_free(r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mock_http");
    TCase *tc = tcase_create("semantics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_create_by_phone);
    tcase_add_test(tc, t_create_by_conversation);
    tcase_add_test(tc, t_create_by_activity);
    tcase_add_test(tc, t_create_with_optional_members);
    tcase_add_test(tc, t_tasks_kept_in_memory);
    tcase_add_test(tc, t_prefer_each_documented_status);
    tcase_add_test(tc, t_prefer_201_on_a_bad_request);
    tcase_add_test(tc, t_prefer_undocumented_code);
    tcase_add_test(tc, t_prefer_other_preferences);
    tcase_add_test(tc, t_other_paths_404);
    tcase_add_test(tc, t_other_methods_405);
    tcase_add_test(tc, t_auth_missing);
    tcase_add_test(tc, t_auth_empty);
    tcase_add_test(tc, t_auth_unknown_key);
    tcase_add_test(tc, t_auth_bearer);
    tcase_add_test(tc, t_auth_header_name_case);
    tcase_add_test(tc, t_media_type_parameters_allowed);
    tcase_add_test(tc, t_media_type_wrong);
    tcase_add_test(tc, t_validation_errors_listed);
    tcase_add_test(tc, t_validation_links);
    tcase_add_test(tc, t_validation_not_json);
    tcase_add_test(tc, t_validation_hints);
    tcase_add_test(tc, t_validation_echoes_are_faithful);
    tcase_add_test(tc, t_unknown_linked_resources_404);
    tcase_add_test(tc, t_forbidden_403);
    tcase_add_test(tc, t_semantics_order);
    tcase_add_test(tc, t_every_violation_reported);
    tcase_add_test(tc, t_report_json);
    tcase_add_test(tc, t_report_markdown);
    tcase_add_test(tc, t_report_views_read_by_full_length);
    tcase_add_test(tc, t_violations_header);
    suite_add_tcase(s, tc);

    TCase *own = tcase_create("own_server");
    tcase_set_timeout(own, 60);
    tcase_add_test(own, t_report_written_on_finish);
    tcase_add_test(own, t_report_unwritable);
    suite_add_tcase(s, own);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = quo_check_run(suite());
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
