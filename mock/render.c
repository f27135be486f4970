/* render.c - turns an outcome into bytes: the API's error body (with the
 * spec's constants, or constants derived from them for the statuses the
 * mock adds), the 2xx task body, and the response headers. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "quo/buf.h"
#include "quo/violation.h"

#include "core_state.h"
#include "names.h"
#include "text.h"

static const char *reason(int status)
{
    switch (status) {
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Server Error" : "Client Error";
    }
}

/* The error constants of `status`: the spec's own for a documented error;
 * for the few statuses the mock adds (405, 413, 431, 503) the documented
 * 400 (or 500) constants with the status swapped into the code, so e.g.
 * 405 is "0600405" when 400 is "0600400". */
static void error_consts(const quo_mock_core *c, int status, quo_spec_error_consts *k,
                         char *code, size_t codesz)
{
    if (quo_spec_error_constants(c->spec, status, k) == QUO_OK)
        return;
    int base = status >= 500 ? 500 : 400;
    quo_spec_error_consts b = {0};
    if (quo_spec_error_constants(c->spec, base, &b) != QUO_OK)
        b.code = b.docs = "";
    size_t n = strlen(b.code);
    char bs[8];
    snprintf(bs, sizeof bs, "%d", base);
    if (n >= 3 && strcmp(b.code + n - 3, bs) == 0)
        snprintf(code, codesz, "%.*s%d", (int)(n - 3), b.code, status);
    else
        snprintf(code, codesz, "%s", b.code);
    k->code = code;
    k->docs = b.docs ? b.docs : "";
    k->title = reason(status);
    k->status = status;
}

static quo_status error_body(quo_mock_core *c, const outcome *o, char **body, size_t *len)
{
    quo_spec_error_consts k;
    char code[32];
    error_consts(c, o->status, &k, code, sizeof code);
    char trace[48];
    snprintf(trace, sizeof trace, "mock-%s-%llx", mock_store_prefix(c->store),
             (unsigned long long)atomic_fetch_add(&c->next_trace, 1) + 1);
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj && cJSON_AddStringToObject(obj, "message", o->message) &&
              cJSON_AddStringToObject(obj, "code", k.code) &&
              cJSON_AddNumberToObject(obj, "status", o->status) &&
              cJSON_AddStringToObject(obj, "docs", k.docs) &&
              cJSON_AddStringToObject(obj, "title", k.title) &&
              cJSON_AddStringToObject(obj, "trace", trace);
    if (ok && o->errors.count) {
        cJSON *errs = quo_violations_to_json(&o->errors);
        ok = errs && cJSON_AddItemToObject(obj, "errors", errs);
        if (!ok)
            cJSON_Delete(errs);
    }
    *body = ok ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (!*body)
        return QUO_ENOMEM;
    *len = strlen(*body);
    return QUO_OK;
}

static quo_status task_body(quo_mock_core *c, const outcome *o, uint64_t seq, char **body,
                            size_t *len)
{
    char id[48];
    mock_store_task_id(c->store, seq, id, sizeof id);
    const mock_id *pn = mock_fixtures_phone_id(c->fx, o->refs.phone);
    const mock_id *cn = mock_fixtures_conversation_id(c->fx, o->refs.conv);
    const mock_id *ac = mock_fixtures_activity_id(c->fx, o->refs.act);
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_printf(&b, "{\"" MOCK_DATA "\":{\"" MOCK_TASK_ID "\":\"%s\",\"" MOCK_REVISION
                        "\":\"1\",\"" MOCK_PHONE_ID "\":",
                    id);
    quo_buf_append(&b, pn ? pn->json : "\"\"", pn ? pn->json_len : 2);
    if (cn) {
        quo_buf_puts(&b, ",\"" MOCK_CONVERSATION_ID "\":");
        quo_buf_append(&b, cn->json, cn->json_len);
    }
    if (ac) {
        quo_buf_puts(&b, ",\"" MOCK_ACTIVITY_ID "\":");
        quo_buf_append(&b, ac->json, ac->json_len);
    }
    quo_buf_puts(&b, "}}");
    *body = quo_buf_take(&b, len);
    return *body ? QUO_OK : QUO_ENOMEM;
}

/* Response headers live in one block with their strings: one malloc. */
static quo_status set_headers(quo_mock_response *out, const quo_mock_header *h, size_t n)
{
    size_t bytes = n * sizeof *h;
    for (size_t i = 0; i < n; i++)
        bytes += strlen(h[i].name) + strlen(h[i].value) + 2;
    quo_mock_header *dst = malloc(bytes);
    if (!dst)
        return QUO_ENOMEM;
    char *s = (char *)(dst + n);
    for (size_t i = 0; i < n; i++) {
        size_t a = strlen(h[i].name) + 1, b = strlen(h[i].value) + 1;
        memcpy(s, h[i].name, a);
        dst[i].name = s;
        s += a;
        memcpy(s, h[i].value, b);
        dst[i].value = s;
        s += b;
    }
    out->headers = dst;
    out->header_count = n;
    return QUO_OK;
}

quo_status mock_render_body(quo_mock_core *c, const outcome *o, uint64_t seq, char **body,
                            size_t *len)
{
    if (o->status >= 200 && o->status < 300)
        return task_body(c, o, seq, body, len);
    return error_body(c, o, body, len);
}

quo_status mock_render(quo_mock_core *c, const outcome *o, uint64_t seq,
                       const mock_findings *f, quo_mock_response *out)
{
    quo_status st = mock_render_body(c, o, seq, &out->body, &out->body_len);
    if (st != QUO_OK)
        return st;
    out->status = o->status;
    char *viol = mock_findings_json(f, QUO_MOCK_VIOLATIONS_HEADER_MAX, NULL);
    if (!viol)
        return QUO_ENOMEM;
    const char *media = quo_spec_response_media_type(c->spec, o->status);
    if (!media)
        media = quo_spec_response_media_type(c->spec, o->status >= 500 ? 500 : 400);
    quo_mock_header h[5];
    size_t n = 0;
    char applied[32];
    h[n++] = (quo_mock_header){"Content-Type", media ? media : c->req_media};
    h[n++] = (quo_mock_header){"Quo-Mock-Violations", viol};
    h[n++] = (quo_mock_header){"Quo-Mock-Verdict", f->count ? "non-conforming" : "conforming"};
    if (o->allow)
        h[n++] = (quo_mock_header){"Allow", c->allow};
    if (o->forced) {
        snprintf(applied, sizeof applied, "code=%d", o->forced);
        h[n++] = (quo_mock_header){"Preference-Applied", applied};
    }
    st = set_headers(out, h, n);
    free(viol);
    return st;
}

void quo_mock_response_free(quo_mock_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    free(resp->headers);
    memset(resp, 0, sizeof *resp);
}

const char *quo_mock_response_header(const quo_mock_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->header_count; i++)
        if (mock_text_ieq(resp->headers[i].name, strlen(resp->headers[i].name), name))
            return resp->headers[i].value;
    return NULL;
}
