/* fuzz_response.c - the response parser.
 *
 * Input: the first byte b picks the status and the Content-Type; the rest
 * is the body.
 *   status       = documented[b % (n + 1)], where n is the number of
 *                  documented statuses and index n is one undocumented
 *                  status (the first of 200, 418, 422, 502 the spec does
 *                  not document);
 *   content type = content_types[(b / (n + 1)) % 8] (table below; entry 2
 *                  is "header absent").
 * An empty input is status documented[0] with an empty body.
 *
 * Properties (abort on violation; leaks are LeakSanitizer's job):
 *  1. quo_response_parse() takes a verdict (QUO_OK) and is deterministic.
 *  2. `documented` is true exactly for documented statuses; an
 *     undocumented status never conforms.
 *  3. Typed fields are present exactly when the verdict is "conforming":
 *     a conforming 2xx fills `task` (required members non-NULL, optional
 *     ones exactly when the body has them) and no error field; a
 *     conforming error fills `error` with the spec's constants; a
 *     non-conforming response fills no typed field.
 *  4. `body` is set exactly when the gate accepts the body.
 *  5. With a documented status, an acceptable media type and strict JSON,
 *     the verdict equals the schema engine's own (quo_schema_is_valid),
 *     and the engine's fast and collecting modes agree.
 *  6. Every violation is well formed (UTF-8 path and message, named
 *     keyword and type, an RFC 6901 path that resolves into the body as
 *     fuzz_request checks it).
 */
#include <string.h>

#include "fuzz_common.h"
#include "quo/array.h"
#include "quo/response.h"

static const char *const content_types[8] = {
    "application/json",
    "application/json; charset=utf-8",
    NULL,
    "text/plain",
    "application/problem+json",
    "Application/JSON;charset=\"UTF-8\"",
    "application/json; charset=iso-8859-1",
    "application/jsonx",
};

static int undocumented_status(const quo_spec *spec)
{
    static const int candidates[] = {200, 418, 422, 502};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(candidates); i++)
        if (!quo_spec_response_schema(spec, candidates[i]))
            return candidates[i];
    return 299;
}

/* The member `name` of obj, names compared over their full length. */
static const cJSON *member(const quo_json_doc *doc, const cJSON *obj, const char *name)
{
    size_t n = strlen(name);
    if (!cJSON_IsObject(obj))
        return NULL;
    for (const cJSON *m = obj->child; m; m = m->next)
        if (quo_json_keylen(doc, m) == n && memcmp(m->string, name, n) == 0)
            return m;
    return NULL;
}

static bool task_empty(const quo_response *r)
{
    return !r->task.task_id && !r->task.object && !r->task.id_member;
}

static bool error_empty(const quo_response *r)
{
    return !r->error.message && !r->error.code && !r->error.docs && !r->error.title &&
           !r->error.trace && !r->error.errors;
}

static void check_task(const quo_response *r, const quo_json_doc *doc, const cJSON *root)
{
    const cJSON *data = member(doc, root, "data");
    FUZZ_CHECK(r->kind == QUO_RESPONSE_TASK, "a conforming %d is not a task", r->status);
    FUZZ_CHECK(r->task.task_id && r->task.object && r->task.id_member,
               "a conforming %d lacks its task id or object", r->status);
    const cJSON *id = member(doc, data, r->task.id_member);
    FUZZ_CHECK(cJSON_IsString(id) && quo_json_strlen(doc, id) == r->task.task_id_len &&
                   memcmp(id->valuestring, r->task.task_id, r->task.task_id_len) == 0,
               "task_id is not the body's %s", r->task.id_member);
    FUZZ_CHECK((quo_response_task_member(r, "conversationId") != NULL) ==
                   (member(doc, data, "conversationId") != NULL),
               "conversationId lookup does not match the body");
    FUZZ_CHECK(error_empty(r), "a conforming task response has error fields");
}

static void check_error(const quo_spec *spec, const quo_response *r, const quo_json_doc *doc,
                        const cJSON *root)
{
    quo_spec_error_consts want;
    FUZZ_CHECK(quo_spec_error_constants(spec, r->status, &want) == QUO_OK,
               "no constants for documented error status %d", r->status);
    FUZZ_CHECK(r->kind == QUO_RESPONSE_ERROR, "a conforming %d is not an error", r->status);
    FUZZ_CHECK(r->error.message && r->error.code && r->error.docs && r->error.title,
               "a conforming %d lacks a required typed field", r->status);
    FUZZ_CHECK(strcmp(r->error.code, want.code) == 0 && strcmp(r->error.docs, want.docs) == 0 &&
                   strcmp(r->error.title, want.title) == 0 && r->error.status == want.status,
               "a conforming %d does not carry the spec's constants", r->status);
    FUZZ_CHECK((r->error.trace != NULL) == (member(doc, root, "trace") != NULL),
               "trace does not match the body");
    FUZZ_CHECK((r->error.errors != NULL) == (member(doc, root, "errors") != NULL),
               "errors does not match the body");
    FUZZ_CHECK(task_empty(r), "a conforming error response has task fields");
}

static void check_schema_agrees(const quo_spec *spec, const quo_response *r,
                                const quo_json_doc *doc, const cJSON *root)
{
    const quo_schema *schema = quo_spec_response_schema(spec, r->status);
    bool fast = quo_schema_is_valid(schema, root, doc);
    quo_violations all;
    quo_violations_init(&all);
    FUZZ_CHECK(quo_schema_validate(schema, root, doc, &all) == QUO_OK, "out of memory");
    if (fast != (all.count == 0))
        fuzz_dump_violations("collecting mode", &all);
    FUZZ_CHECK(fast == (all.count == 0), "quo_schema_is_valid says %d, validate found %zu",
               fast, all.count);
    FUZZ_CHECK(fast == quo_response_conforms(r),
               "schema says %s, the response parser says %s", fast ? "valid" : "invalid",
               quo_response_conforms(r) ? "conforming" : "not conforming");
    quo_violations_free(&all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const quo_spec *spec = fuzz_spec();
    size_t n = quo_spec_status_count(spec);
    unsigned b = size ? data[0] : 0;
    size_t pick = b % (n + 1);
    int status = pick < n ? quo_spec_status_at(spec, pick) : undocumented_status(spec);
    const char *ctype = content_types[(b / (n + 1)) % 8];
    const char *body = size ? (const char *)data + 1 : "";
    size_t len = size ? size - 1 : 0;

    quo_response r, again;
    FUZZ_CHECK(quo_response_parse(spec, status, ctype, body, len, &r) == QUO_OK &&
                   quo_response_parse(spec, status, ctype, body, len, &again) == QUO_OK,
               "out of memory");
    const char *why = "";
    FUZZ_CHECK(fuzz_violations_equal(&r.violations, &again.violations, &why),
               "not deterministic: %s", why);
    quo_response_free(&again);

    bool documented = quo_spec_response_schema(spec, status) != NULL;
    bool conforms = quo_response_conforms(&r);
    FUZZ_CHECK(r.status == status, "status %d became %d", status, r.status);
    FUZZ_CHECK(r.documented == documented, "documented=%d for status %d", r.documented, status);
    FUZZ_CHECK(documented || !conforms, "undocumented status %d conforms", status);

    quo_json_doc *doc = NULL;
    quo_error err;
    bool is_json = quo_json_parse(body, len, 0, &doc, &err) == QUO_OK;
    const cJSON *root = is_json ? quo_json_root(doc) : NULL;
    FUZZ_CHECK((r.body != NULL) == is_json, "body set %d, gate verdict %d", r.body != NULL,
               is_json);

    if (!conforms) {
        FUZZ_CHECK(r.kind == QUO_RESPONSE_NONE && task_empty(&r) && error_empty(&r),
                   "a non-conforming %d has typed fields", status);
    } else if (status >= 200 && status < 300) {
        check_task(&r, doc, root);
    } else {
        check_error(spec, &r, doc, root);
    }
    for (size_t i = 0; i < r.violations.count; i++)
        fuzz_check_violation(&r.violations.items[i], root, doc, "body");
    const char *media = quo_spec_response_media_type(spec, status);
    if (documented && is_json && quo_media_type_is(ctype, media ? media : "application/json"))
        check_schema_agrees(spec, &r, doc, root);

    quo_json_free(doc);
    quo_response_free(&r);
    return 0;
}
