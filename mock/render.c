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
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Server Error" : "Client Error";
    }
}

/* A constant of the base response (400 or 500) turned into the one for a
 * status the mock adds (405, 413, 431, 503), judged by value, not name:
 * the base status number becomes the status, a string ending in the base
 * status digits gets the status's ("0600400" -> "0600405"), the base's
 * reason phrase the status's; anything else (a docs URL) stays. */
static cJSON *derived_const(const quo_json_doc *sd, const cJSON *v, int base, int status)
{
    if (cJSON_IsNumber(v) && v->valuedouble == base)
        return cJSON_CreateNumber(status);
    if (!cJSON_IsString(v))
        return cJSON_Duplicate(v, true);
    const char *t = v->valuestring;
    size_t n = quo_json_strlen(sd, v), rn = strlen(reason(base));
    if (memchr(t, '\0', n)) /* not text a status could be swapped into */
        return cJSON_Duplicate(v, true);
    char bs[8], code[64];
    snprintf(bs, sizeof bs, "%d", base);
    if (n >= 3 && n < sizeof code && memcmp(t + n - 3, bs, 3) == 0) {
        snprintf(code, sizeof code, "%.*s%d", (int)(n - 3), t, status);
        return cJSON_CreateString(code);
    }
    return cJSON_CreateString(n == rn && memcmp(t, reason(base), n) == 0 ? reason(status) : t);
}

static bool has_type(const quo_json_doc *sd, const cJSON *schema, const char *type)
{
    const cJSON *t = quo_json_member(sd, schema, "type");
    size_t n = strlen(type);
    return cJSON_IsString(t) && quo_json_strlen(sd, t) == n && memcmp(t->valuestring, type, n) == 0;
}

static bool schema_value(const quo_contract *k, const quo_json_doc *sd, const cJSON *schema,
                         quo_buf *b);

/* v, noting in *oom when making it failed. */
static cJSON *made(cJSON *v, bool *oom)
{
    if (!v)
        *oom = true;
    return v;
}

/* The value of error member p (its schema, resolved): the response's
 * constant, the message (the first required string the schema does not
 * pin), the trace id (the first optional one), the violations (an array
 * member), else a schema-made value when required. NULL: leave it out,
 * or *oom / *espec (a required member whose schema asks for more than
 * schema_value() makes) say why not. */
static cJSON *error_member(quo_mock_core *c, const outcome *o, const quo_contract_response *r,
                           int derive_from, const cJSON *p, bool required, bool *message_done,
                           bool *trace_done, const char *trace, bool *oom, bool *espec)
{
    const quo_contract *k = quo_spec_contract(c->spec);
    const quo_json_doc *sd = quo_spec_doc(c->spec);
    const cJSON *sch = quo_contract_resolve(k, p);
    const cJSON *pinned = quo_contract_response_const(r, p->string);
    if (pinned)
        return made(derive_from ? derived_const(sd, pinned, derive_from, o->status)
                                : cJSON_Duplicate(pinned, true), oom);
    if (has_type(sd, sch, "string") && required && !*message_done) {
        *message_done = true;
        return made(cJSON_CreateString(o->message), oom);
    }
    if (has_type(sd, sch, "string") && !required && !*trace_done) {
        *trace_done = true;
        return made(cJSON_CreateString(trace), oom);
    }
    if (has_type(sd, sch, "array") && o->errors.count)
        return made(quo_violations_to_json(&o->errors), oom);
    if (!required)
        return NULL;
    quo_buf b;
    quo_buf_init(&b);
    cJSON *v = NULL;
    if (!schema_value(k, sd, p, &b) && !b.failed)
        *espec = true;
    else
        v = made(!b.failed && b.data ? cJSON_ParseWithLength(b.data, b.len) : NULL, oom);
    quo_buf_free(&b);
    return v;
}

static bool listed(const quo_json_doc *sd, const cJSON *req, const cJSON *p)
{
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next)
        if (cJSON_IsString(r) && quo_json_strlen(sd, r) == quo_json_keylen(sd, p) &&
            memcmp(r->valuestring, p->string, quo_json_keylen(sd, p)) == 0)
            return true;
    return false;
}

/* The error body, member by member from the schema of the response that
 * documents the status (for a status the mock adds, the 400 or 500 one,
 * with its constants derived by derived_const()). */
static quo_status error_body(quo_mock_core *c, const outcome *o, char **body, size_t *len)
{
    const quo_contract *k = quo_spec_contract(c->spec);
    const quo_json_doc *sd = quo_spec_doc(c->spec);
    const quo_contract_response *r = quo_contract_response_for(k, o->status);
    int derive_from = 0;
    if (!r || !r->schema_json) {
        derive_from = o->status >= 500 ? 500 : 400;
        r = quo_contract_response_for(k, derive_from);
    }
    char trace[48];
    snprintf(trace, sizeof trace, "mock-%s-%llx", mock_store_prefix(c->store),
             (unsigned long long)atomic_fetch_add(&c->next_trace, 1) + 1);
    const cJSON *sch = r && r->schema_json ? quo_contract_resolve(k, r->schema_json) : NULL;
    const cJSON *props = quo_json_member(sd, sch, "properties");
    const cJSON *req = quo_json_member(sd, sch, "required");
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL, message_done = false, trace_done = false, oom = false, espec = false;
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p && ok; p = p->next) {
        cJSON *v = error_member(c, o, r, derive_from, p, listed(sd, req, p), &message_done,
                                &trace_done, trace, &oom, &espec);
        if (espec || oom) {
            cJSON_Delete(obj);
            return espec ? QUO_ESPEC : QUO_ENOMEM;
        }
        if (v && !(ok = cJSON_AddItemToObject(obj, p->string, v)))
            cJSON_Delete(v);
    }
    *body = ok ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (!*body)
        return QUO_ENOMEM;
    *len = strlen(*body);
    return QUO_OK;
}

/* A value for a required member the mock has no data for, from its
 * schema: const, first enum member, or a plain value of its type and
 * format. False when the schema asks for more than that. */
static bool schema_value(const quo_contract *k, const quo_json_doc *sd, const cJSON *schema,
                         quo_buf *b)
{
    const cJSON *s = quo_contract_resolve(k, schema);
    const cJSON *x = quo_json_member(sd, s, "const");
    if (!x) {
        const cJSON *e = quo_json_member(sd, s, "enum");
        x = cJSON_IsArray(e) ? e->child : NULL;
    }
    if (x) {
        char *t = cJSON_PrintUnformatted(x);
        if (t)
            quo_buf_puts(b, t);
        cJSON_free(t);
        return t != NULL;
    }
    const cJSON *type = quo_json_member(sd, s, "type");
    const char *t = cJSON_IsString(type) ? type->valuestring
                    : cJSON_IsArray(type) && cJSON_IsString(type->child) ? type->child->valuestring
                                                                         : "string";
    const cJSON *fmt = quo_json_member(sd, s, "format");
    const char *f = cJSON_IsString(fmt) ? fmt->valuestring : "";
    const cJSON *min = quo_json_member(sd, s, "minimum");
    if (strcmp(t, "string") == 0)
        quo_buf_puts(b, strcmp(f, "date-time") == 0 ? "\"2026-01-01T00:00:00Z\""
                        : strcmp(f, "date") == 0    ? "\"2026-01-01\""
                                                    : "\"1\"");
    else if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0)
        quo_buf_printf(b, "%d", cJSON_IsNumber(min) && min->valuedouble > 1 ? (int)min->valuedouble
                                                                           : 1);
    else if (strcmp(t, "boolean") == 0)
        quo_buf_puts(b, "true");
    else if (strcmp(t, "null") == 0)
        quo_buf_puts(b, "null");
    else if (strcmp(t, "array") == 0)
        quo_buf_puts(b, "[]");
    else
        quo_buf_puts(b, "{}");
    return true;
}

/* Member node p of the spec's tree is named exactly `name`. */
static bool key_is(const quo_json_doc *sd, const cJSON *p, const char *name)
{
    size_t n = quo_json_keylen(sd, p);
    return n == strlen(name) && memcmp(p->string, name, n) == 0;
}

/* The success body, shaped by the spec's success schema: its wrapper
 * member (e.g. "data"), the identifying member (the task id), the link
 * members the fixtures resolved, and a schema-made value for each other
 * required member (e.g. revision, createdAt). Worked out once here, as
 * all but the id and the links is the same for every task; self_check()
 * proves at start-up that the result conforms. */
quo_status mock_render_plan(quo_mock_core *c, quo_error *err)
{
    const quo_contract *k = quo_spec_contract(c->spec);
    const quo_json_doc *sd = quo_spec_doc(c->spec);
    const char *wrapper, *idm = quo_contract_success_id(k);
    const cJSON *obj = quo_contract_success_object(k, &wrapper);
    const cJSON *props = quo_json_member(sd, obj, "properties");
    const cJSON *req = quo_json_member(sd, obj, "required");
    size_t n = 0;
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next)
        n++;
    c->plan = calloc(n ? n : 1, sizeof *c->plan);
    if (!c->plan)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    quo_buf w;
    quo_buf_init(&w);
    quo_buf_putc(&w, '{');
    if (wrapper) {
        mock_buf_json_string(&w, wrapper, strlen(wrapper));
        quo_buf_puts(&w, ":{");
    }
    c->plan_close = wrapper ? "}}" : "}";
    if (!(c->plan_open = quo_buf_take(&w, NULL)))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next) {
        mock_plan_member m = {MOCK_PLAN_CONST, MOCK_FIX_NONE, NULL, 0};
        size_t kind = mock_fixtures_kind(c->fx, p->string, quo_json_keylen(sd, p));
        if (idm && key_is(sd, p, idm))
            m.what = MOCK_PLAN_ID;
        else if (kind != MOCK_FIX_NONE && kind != MOCK_KIND_USER) {
            m.what = MOCK_PLAN_LINK;
            m.kind = kind;
        } else if (!listed(sd, req, p))
            continue; /* optional, and the mock has nothing for it */
        quo_buf b;
        quo_buf_init(&b);
        mock_buf_json_string(&b, p->string, strlen(p->string));
        quo_buf_putc(&b, ':');
        if (m.what == MOCK_PLAN_CONST && !schema_value(k, sd, p, &b) && !b.failed) {
            quo_buf_free(&b);
            return quo_error_set(err, QUO_ESPEC, 0, "quo-mock cannot make a value for the "
                                 "success body's required member \"%s\" from its schema",
                                 p->string);
        }
        m.text = quo_buf_take(&b, &m.len);
        if (!m.text)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        c->plan[c->plan_n++] = m;
    }
    return QUO_OK;
}

void mock_render_plan_free(quo_mock_core *c)
{
    for (size_t i = 0; i < c->plan_n; i++)
        free(c->plan[i].text);
    free(c->plan);
    free(c->plan_open);
    c->plan = NULL;
    c->plan_open = NULL;
    c->plan_n = 0;
}

/* The task of sequence number seq, by c->plan. */
static quo_status task_body(quo_mock_core *c, const outcome *o, uint64_t seq, char **body,
                            size_t *len)
{
    /* The link members: every fixtures kind but the assignee's, with the
     * entry the request's chain of owners reached (none: left out). */
    const size_t slots[] = {o->refs.phone, o->refs.conv, o->refs.act};
    char small[128];
    size_t idmax = mock_store_id_max(c->store);
    char *id = idmax <= sizeof small ? small : malloc(idmax);
    if (!id)
        return QUO_ENOMEM;
    mock_store_task_id(c->store, seq, id, idmax);
    if (!id[0] && idmax > 1) { /* out of memory making it */
        if (id != small)
            free(id);
        return QUO_ENOMEM;
    }
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_reserve(&b, 256);
    quo_buf_puts(&b, c->plan_open);
    bool first = true;
    for (size_t i = 0; i < c->plan_n; i++) {
        const mock_plan_member *m = &c->plan[i];
        const mock_id *link = NULL;
        if (m->what == MOCK_PLAN_LINK) {
            size_t at = m->kind < MOCK_KIND_LEGACY ? slots[m->kind]
                        : m->kind == o->other_kind ? o->other : MOCK_FIX_NONE;
            if (!(link = mock_fixtures_id(c->fx, m->kind, at)))
                continue;
        }
        if (!first)
            quo_buf_putc(&b, ',');
        first = false;
        quo_buf_append(&b, m->text, m->len);
        if (m->what == MOCK_PLAN_ID)
            mock_buf_json_string(&b, id, strlen(id));
        else if (link)
            quo_buf_append(&b, link->json, link->json_len);
    }
    quo_buf_puts(&b, c->plan_close);
    if (id != small)
        free(id);
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
