/* response.c - judges an HTTP response of the operation against the spec
 * and, when it conforms, exposes its fields with types. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "quo/response.h"

/* Every documented status, for the message about an undocumented one. */
static void status_list(const quo_spec *spec, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < quo_spec_status_count(spec) && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%d", i ? ", " : "",
                         quo_spec_status_at(spec, i));
        used += w > 0 ? (size_t)w : 0;
    }
}

static size_t token_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ';' && s[n] != ' ' && s[n] != '\t')
        n++;
    return n;
}

/* A charset parameter, if present, must name UTF-8: RFC 8259 section 8.1
 * makes UTF-8 the only encoding for JSON exchanged between systems. */
static bool charset_ok(const char *params)
{
    for (const char *p = params; (p = strchr(p, ';')) != NULL;) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "charset=", 8) != 0)
            continue;
        p += 8;
        bool quoted = *p == '"';
        p += quoted;
        if (strncasecmp(p, "utf-8", 5) != 0)
            return false;
        p += 5;
        if (quoted && *p++ != '"')
            return false;
        if (*p && *p != ';' && *p != ' ' && *p != '\t')
            return false;
    }
    return true;
}

bool quo_media_type_is(const char *content_type, const char *media)
{
    if (!content_type || !media)
        return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    size_t n = token_len(content_type);
    return n == strlen(media) && strncasecmp(content_type, media, n) == 0 &&
           charset_ok(content_type + n);
}

static quo_status check_media(const quo_spec *spec, int status, const char *content_type,
                              quo_violations *v)
{
    /* An undocumented status is expected in the media type the spec uses
     * for its class of status (its 400 or 500), else for the request. */
    const char *want = quo_spec_response_media_type(spec, status);
    if (!want)
        want = quo_spec_response_media_type(spec, status >= 500 ? 500 : 400);
    if (!want)
        want = quo_contract_body_media(quo_spec_contract(spec));
    if (!want)
        return QUO_OK; /* the spec names no media type at all: nothing to hold it to */
    if (!content_type)
        return quo_violations_add(v, "", NULL, "content-type", "string",
                                  "the Content-Type header is missing; expected %s", want);
    if (!quo_media_type_is(content_type, want))
        return quo_violations_add(v, "", NULL, "content-type", "string",
                                  "Content-Type is \"%.100s\"; expected %s (charset, if given, utf-8)",
                                  content_type, want);
    return QUO_OK;
}

static const char *string_member(const quo_response *r, const cJSON *obj, const char *name)
{
    const cJSON *m = quo_json_member(r->doc, obj, name);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* Only called on a conforming body, so the schema already vouched for
 * types. The 2xx body's shape (a wrapper member such as "data", the member
 * that identifies the task) is the contract's, read from the success
 * schema. */
static void fill_typed(const quo_spec *spec, quo_response *r)
{
    if (r->status >= 200 && r->status < 300) {
        const char *wrapper;
        const quo_contract *c = quo_spec_contract(spec);
        quo_contract_success_object(c, &wrapper);
        const cJSON *obj = wrapper ? quo_json_member(r->doc, r->body, wrapper) : r->body;
        r->kind = QUO_RESPONSE_TASK;
        r->task.object = cJSON_IsObject(obj) ? obj : NULL;
        r->task.id_member = quo_contract_success_id(c);
        const cJSON *id = r->task.id_member ? quo_json_member(r->doc, obj, r->task.id_member) : NULL;
        if (cJSON_IsString(id)) {
            r->task.task_id = id->valuestring;
            r->task.task_id_len = quo_json_strlen(r->doc, id);
        }
        return;
    }
    const cJSON *status = quo_json_member(r->doc, r->body, "status");
    const cJSON *errors = quo_json_member(r->doc, r->body, "errors");
    r->kind = QUO_RESPONSE_ERROR;
    r->error.message = string_member(r, r->body, "message");
    r->error.code = string_member(r, r->body, "code");
    r->error.docs = string_member(r, r->body, "docs");
    r->error.title = string_member(r, r->body, "title");
    r->error.trace = string_member(r, r->body, "trace");
    r->error.status = cJSON_IsNumber(status) ? status->valuedouble : 0;
    r->error.errors = cJSON_IsArray(errors) ? errors : NULL;
}

static quo_status judge(const quo_spec *spec, int status, const char *content_type,
                        const char *body, size_t len, quo_response *r)
{
    const quo_schema *schema = quo_spec_response_schema(spec, status);
    quo_status st = QUO_OK;
    r->documented = schema != NULL;
    if (!r->documented) {
        char list[128];
        status_list(spec, list, sizeof list);
        st = quo_violations_add(&r->violations, "", NULL, "status", "number",
                                "status %d is not documented for %s %s (documented: %s)",
                                status, quo_contract_method_upper(quo_spec_contract(spec)),
                                quo_spec_path(spec), list);
    }
    if (st == QUO_OK)
        st = check_media(spec, status, content_type, &r->violations);
    if (st != QUO_OK)
        return st;

    quo_error err;
    /* No depth limit: a deep body is valid JSON, and nothing below recurses
     * on its depth; a limit of ours must never read as "invalid". */
    st = quo_json_parse(body, len, QUO_JSON_NO_DEPTH_LIMIT, &r->doc, &err);
    if (st == QUO_ENOMEM)
        return st;
    if (st != QUO_OK)
        return quo_violations_add(&r->violations, "", NULL, "json", "object",
                                  "the body is not valid JSON: %s", err.message);
    r->body = quo_json_root(r->doc);
    return schema ? quo_schema_validate(schema, r->body, r->doc, &r->violations) : QUO_OK;
}

quo_status quo_response_parse(const quo_spec *spec, int status,
                              const char *content_type, const char *body,
                              size_t len, quo_response *out)
{
    memset(out, 0, sizeof *out);
    quo_violations_init(&out->violations);
    out->status = status;
    quo_status st = judge(spec, status, content_type, body ? body : "", body ? len : 0, out);
    if (st == QUO_OK && out->violations.count == 0)
        fill_typed(spec, out);
    return st;
}

const cJSON *quo_response_task_member(const quo_response *r, const char *name)
{
    return r->kind == QUO_RESPONSE_TASK ? quo_json_member(r->doc, r->task.object, name) : NULL;
}

const char *quo_response_task_string(const quo_response *r, const char *name)
{
    const cJSON *m = quo_response_task_member(r, name);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

void quo_response_free(quo_response *r)
{
    if (!r)
        return;
    quo_violations_free(&r->violations);
    quo_json_free(r->doc);
    memset(r, 0, sizeof *r);
}
