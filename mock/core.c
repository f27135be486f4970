/* core.c - the mock's semantics, without sockets.
 *
 * A request goes through the steps of docs/mock.md in order. The natural
 * outcome (what the real service would answer) is always worked out, with
 * every finding about the request, and has no side effect; only then is a
 * Prefer: code=NNN applied, a task created for a natural 201, the response
 * rendered and the request recorded.
 *
 * The core is made of: this file (start-up, the request steps, Prefer's
 * effect, handling), prefer.c (parsing the Prefer header), store.c (the
 * tasks created), render.c (bodies and headers); core_state.h holds what
 * they share.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "quo/array.h"
#include "quo/json.h"
#include "quo/request.h"
#include "quo/response.h"
#include "quo/violation.h"

#include "core.h"
#include "core_state.h"
#include "names.h"
#include "prefer.h"
#include "text.h"

/* errors[].value echoes at most this many nesting levels; a deeper value
 * is left out (the member is optional), so an answer never nests deeper
 * than a client's parser will go. */
#define ECHO_MAX_DEPTH 32
/* cJSON copies and frees trees recursively: a hard ceiling on depth. */
#define CORE_MAX_DEPTH 1000
/* Bytes of text the record may hold before it omits details. */
#define CORE_RECORD_BYTES (64u * 1024u * 1024u)
#define MOCK_TASK_PREFIX "TK"
/* errors[] of an answer lists at most this many items (the message counts the rest). */
#define CORE_ERRORS_MAX 100

/* ---- options ------------------------------------------------------------- */

void quo_mock_options_init(quo_mock_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->host = "127.0.0.1";
    opts->port = QUO_MOCK_DEFAULT_PORT;
    opts->max_body = QUO_MOCK_DEFAULT_MAX_BODY;
    opts->max_header = QUO_MOCK_DEFAULT_MAX_HEADER;
    opts->max_connections = QUO_MOCK_DEFAULT_MAX_CONNECTIONS;
    opts->timeout_seconds = QUO_MOCK_DEFAULT_TIMEOUT;
    opts->max_depth = QUO_JSON_DEFAULT_MAX_DEPTH;
    opts->max_tasks = QUO_MOCK_DEFAULT_MAX_TASKS;
    opts->record_max = QUO_MOCK_DEFAULT_RECORD_MAX;
}

/* ---- start-up ------------------------------------------------------------ */

static const char *header_value(const quo_mock_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const quo_mock_header *h = &req->headers[i];
        if (h->name && h->value && mock_text_ieq(h->name, strlen(h->name), name))
            return h->value;
    }
    return NULL;
}

static bool add_prop(quo_mock_core *c, const char *name)
{
    for (size_t i = 0; i < c->n_props; i++)
        if (strcmp(c->props[i], name) == 0)
            return true;
    char **p = realloc(c->props, (c->n_props + 1) * sizeof *p);
    if (!p)
        return false;
    c->props = p;
    size_t n = strlen(name) + 1;
    if (!(p[c->n_props] = malloc(n)))
        return false;
    memcpy(p[c->n_props++], name, n);
    return true;
}

/* Collects the member names of every request alternative (the
 * contract's analysis), for the "did you mean" hints. */
static quo_status collect_props(quo_mock_core *c, quo_error *err)
{
    const quo_contract *k = quo_spec_contract(c->spec);
    for (size_t i = 0; i < quo_contract_alt_count(k); i++) {
        const quo_contract_alt *alt = quo_contract_alt_at(k, i);
        for (size_t m = 0; m < alt->member_count; m++)
            if (!add_prop(c, alt->members[m].name))
                return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    return QUO_OK;
}

/* The auth scheme, required headers and success status the mock enforces
 * and answers with, from the contract. */
static quo_status read_http_facts(quo_mock_core *c, quo_error *err)
{
    const quo_contract *k = quo_spec_contract(c->spec);
    c->auth = quo_contract_security_at(k, 0);
    for (size_t i = 0; c->auth && i < quo_contract_security_count(k); i++)
        if (quo_contract_security_at(k, i)->in != QUO_IN_HEADER)
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "security scheme \"%s\" sends the key in the %s; quo-mock "
                                 "reads credentials from headers only",
                                 quo_contract_security_at(k, i)->scheme_name,
                                 quo_contract_security_at(k, i)->in == QUO_IN_QUERY ? "query"
                                                                                     : "cookie");
    if (c->auth && c->auth->scheme)
        snprintf(c->auth_how, sizeof c->auth_how, "send the key with the %s scheme: %s: %s <key>",
                 c->auth->scheme, c->auth->name, c->auth->scheme);
    else if (c->auth)
        snprintf(c->auth_how, sizeof c->auth_how,
                 "send the API key as the %s header's whole value: %s: <key>", c->auth->name,
                 c->auth->name);
    c->success = quo_contract_success_status(k);
    if (!c->success)
        return quo_error_set(err, QUO_ESPEC, 0,
                             "the operation documents no 2xx response for quo-mock to answer with");
    return QUO_OK;
}

static quo_status map_links(quo_mock_core *c, quo_error *err)
{
    size_t n = quo_spec_link_count(c->spec);
    size_t used = 0;
    c->link_names[0] = '\0';
    for (size_t i = 0; i < n && i < QUO_SPEC_MAX_LINKS; i++) {
        const char *name = quo_spec_link_name(c->spec, i);
        const quo_contract_link *l = quo_contract_link_at(quo_spec_contract(c->spec), i);
        if (!l->member->pointer &&
            quo_contract_alt_at(quo_spec_contract(c->spec), l->alt)->closed)
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "request alternative %zu requires \"%s\" but does not list it "
                                 "in properties while additionalProperties is false: no body "
                                 "can take that alternative",
                                 l->alt, name);
        c->link_kind[i] = mock_fixtures_kind(c->fx, l->name, l->name_len);
        if (c->link_kind[i] == MOCK_FIX_NONE) /* the loader made one per link */
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "the spec links a task by \"%s\", which quo-mock cannot "
                                 "resolve from its fixtures", name);
        int w = snprintf(c->link_names + used, sizeof c->link_names - used, "%s%s",
                         i ? ", " : "", name);
        if (w > 0 && (size_t)w < sizeof c->link_names - used)
            used += (size_t)w;
    }
    if (n == 0)
        return quo_error_set(err, QUO_ESPEC, 0, "the spec's request schema links to nothing");
    return QUO_OK;
}

static quo_status read_media_type(quo_mock_core *c, quo_error *err)
{
    c->req_media = quo_contract_body_media(quo_spec_contract(c->spec));
    if (!c->req_media)
        return quo_error_set(err, QUO_ESPEC, 0,
                             "the spec states no media type for the request body");
    return QUO_OK;
}

static void outcome_init(outcome *o);

/* Every body shape the mock emits must conform to the spec it serves:
 * checked once here, so a --spec document the mock cannot honour (or a
 * typo in names.h) is refused at start instead of served. */
static quo_status self_check(quo_mock_core *c, quo_error *err)
{
    for (size_t i = 0; i < quo_spec_status_count(c->spec); i++) {
        int st = quo_spec_status_at(c->spec, i);
        outcome o;
        outcome_init(&o);
        o.status = st;
        snprintf(o.message, sizeof o.message, "self-check");
        if (st >= 200 && st < 300) {
            if (mock_fixtures_count(c->fx, MOCK_KIND_PHONE) == 0)
                continue;
            o.refs.phone = 0;
        }
        char *body;
        size_t len;
        quo_status s = mock_render_body(c, &o, 0, &body, &len);
        if (s != QUO_OK)
            return quo_error_set(err, s, 0, "out of memory");
        quo_response r;
        s = quo_response_parse(c->spec, st, quo_spec_response_media_type(c->spec, st), body,
                               len, &r);
        bool ok = s == QUO_OK && quo_response_conforms(&r);
        if (!ok && s == QUO_OK)
            quo_error_set(err, QUO_ESPEC, 0,
                          "quo-mock cannot produce a conforming %d response for this spec: %s",
                          st, r.violations.count ? r.violations.items[0].message : "?");
        quo_response_free(&r);
        free(body);
        if (s != QUO_OK)
            return quo_error_set(err, s, 0, "out of memory");
        if (!ok)
            return QUO_ESPEC;
    }
    return QUO_OK;
}

quo_status quo_mock_core_new(const quo_spec *spec, const quo_mock_options *opts,
                             quo_mock_core **out, quo_error *err)
{
    *out = NULL;
    quo_mock_options defaults;
    quo_mock_options_init(&defaults);
    if (!opts)
        opts = &defaults;
    quo_mock_core *c = calloc(1, sizeof *c);
    if (!c)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    const char *why;
    if (!(c->store = mock_store_new(spec, opts->max_tasks ? opts->max_tasks
                                                          : QUO_MOCK_DEFAULT_MAX_TASKS, &why))) {
        free(c);
        return why ? quo_error_set(err, QUO_ESPEC, 0,
                                   "quo-mock cannot make task ids from the pattern of the "
                                   "success body's id member: %s", why)
                   : quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    c->spec = spec;
    c->max_depth = opts->max_depth ? opts->max_depth : QUO_JSON_DEFAULT_MAX_DEPTH;
    if (c->max_depth > CORE_MAX_DEPTH)
        c->max_depth = CORE_MAX_DEPTH;
    atomic_init(&c->next_trace, 0);
    snprintf(c->allow, sizeof c->allow, "%s", quo_contract_method_upper(quo_spec_contract(spec)));
    c->path = quo_spec_path(spec);
    size_t i;
    size_t used = 0;
    for (i = 0; i < quo_spec_status_count(spec); i++) {
        int w = snprintf(c->statuses + used, sizeof c->statuses - used, "%s%d", i ? ", " : "",
                         quo_spec_status_at(spec, i));
        if (w > 0 && (size_t)w < sizeof c->statuses - used)
            used += (size_t)w;
    }

    quo_status st;
    if (opts->fixtures_path)
        st = mock_fixtures_load_file(spec, opts->fixtures_path, &c->fx, err);
    else
        st = mock_fixtures_load_default(spec, &c->fx, err);
    if (st == QUO_OK && !opts->quiet && mock_fixtures_note(c->fx)[0])
        fprintf(stderr, "%s\n", mock_fixtures_note(c->fx));
    if (st == QUO_OK && !(c->record = mock_record_new(spec, opts, CORE_RECORD_BYTES)))
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st == QUO_OK)
        st = read_http_facts(c, err);
    if (st == QUO_OK)
        st = map_links(c, err);
    if (st == QUO_OK)
        st = read_media_type(c, err);
    if (st == QUO_OK)
        st = collect_props(c, err);
    if (st == QUO_OK)
        st = mock_render_plan(c, err);
    if (st == QUO_OK)
        st = self_check(c, err);
    if (st == QUO_OK) {
        outcome o;
        outcome_init(&o);
        o.status = 500;
        snprintf(o.message, sizeof o.message, "The mock ran out of memory answering this request");
        if (mock_render_body(c, &o, 0, &c->oom_body, &c->oom_len) != QUO_OK)
            st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    if (st != QUO_OK) {
        quo_mock_core_free(c);
        return st;
    }
    *out = c;
    return QUO_OK;
}

void quo_mock_core_free(quo_mock_core *core)
{
    if (!core)
        return;
    mock_fixtures_free(core->fx);
    mock_record_free(core->record);
    for (size_t i = 0; i < core->n_props; i++)
        free(core->props[i]);
    free(core->props);
    mock_store_free(core->store);
    mock_render_plan_free(core);
    free(core->oom_body);
    free(core);
}

const char *mock_core_oom_body(const quo_mock_core *core, size_t *len)
{
    *len = core->oom_len;
    return core->oom_body;
}

const char *mock_core_media_type(const quo_mock_core *core)
{
    return core->req_media;
}

static bool documented(const quo_spec *spec, int status)
{
    for (size_t i = 0; i < quo_spec_status_count(spec); i++)
        if (quo_spec_status_at(spec, i) == status)
            return true;
    return false;
}

/* ---- the natural outcome ------------------------------------------------------ */

static void outcome_init(outcome *o)
{
    memset(o, 0, sizeof *o);
    quo_violations_init(&o->errors);
    o->key = MOCK_FIX_NONE;
    o->refs = (mock_task_refs){MOCK_FIX_NONE, MOCK_FIX_NONE, MOCK_FIX_NONE, MOCK_FIX_NONE};
    o->other_kind = o->other = MOCK_FIX_NONE;
}

static void say(outcome *o, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void say(outcome *o, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->message, sizeof o->message, fmt, ap);
    va_end(ap);
    o->status = status;
}

static bool step_route(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                       mock_findings *f)
{
    const char *path = req->path ? req->path : "";
    const char *method = req->method ? req->method : "";
    char shown[160];
    char hint[200];
    if (strcmp(path, c->path) != 0) {
        mock_text_excerpt(shown, sizeof shown, path, strlen(path), 100);
        const char *why = NULL;
        size_t n = strlen(path), want = strlen(c->path);
        if (n == want + 1 && path[n - 1] == '/' && strncmp(path, c->path, want) == 0)
            why = "drop the trailing slash: the path is";
        else if (mock_text_ieq(path, n, c->path))
            why = "paths are case-sensitive: the path is";
        else if (strstr(c->path, path) && n > 1)
            why = "the path needs its version prefix:";
        if (why)
            snprintf(hint, sizeof hint, "%s %s", why, c->path);
        mock_findings_add(f, "path", "", why ? hint : NULL,
                          "%s is not a path of this API (only %s %s)", shown, c->allow, c->path);
        say(o, 404, "No route matches %s; this API serves %s %s", shown, c->allow, c->path);
        return true;
    }
    if (strcmp(method, c->allow) != 0) {
        mock_text_excerpt(shown, sizeof shown, method, strlen(method), 32);
        snprintf(hint, sizeof hint, "tasks are created by %s %s", c->allow, c->path);
        mock_findings_add(f, "method", "",
                          mock_text_ieq(method, strlen(method), c->allow)
                              ? "HTTP methods are case-sensitive"
                              : hint,
                          "method %s is not allowed on %s (only %s)", shown, c->path, c->allow);
        say(o, 405, "Method %s is not allowed on %s; use %s", shown, c->path, c->allow);
        o->allow = true;
        return true;
    }
    return false;
}

/* The credential where the spec's security scheme puts it: the raw key in
 * an apiKey header (e.g. Authorization, X-API-Key), or "<Scheme> <key>" for
 * http bearer/basic (for basic the key is the base64 credential itself). */
static bool step_auth(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                      mock_findings *f)
{
    if (!c->auth) { /* the operation needs no credentials: the first key's access */
        o->key = 0;
        return false;
    }
    const char *name = c->auth->name, *word = c->auth->scheme, *how = c->auth_how;
    const char *v = header_value(req, name);
    if (!v) {
        mock_findings_add(f, "auth", "", how, "the %s header is missing", name);
        say(o, 401, "The %s header is missing; send your API key in it", name);
        return true;
    }
    const char *s = mock_text_skip_ows(v);
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        mock_findings_add(f, "auth", "", how, "the %s header is empty", name);
        say(o, 401, "The %s header is empty; send your API key in it", name);
        return true;
    }
    if (word) {
        size_t wl = strlen(word);
        if (!(n > wl + 1 && mock_text_ieq(s, wl, word) && (s[wl] == ' ' || s[wl] == '\t'))) {
            mock_findings_add(f, "auth", "", how, "the %s header does not use the %s scheme",
                              name, word);
            say(o, 401, "The API key is not valid");
            return true;
        }
        const char *t = mock_text_skip_ows(s + wl);
        n -= (size_t)(t - s);
        s = t;
    } else if (n > 7 && mock_text_ieq(s, 6, "Bearer") && (s[6] == ' ' || s[6] == '\t')) {
        /* An apiKey scheme takes the raw key; "Bearer <key>" is not a key. */
        char bearer[200];
        snprintf(bearer, sizeof bearer, "drop the \"Bearer \" prefix: this API takes the raw "
                 "API key as the %s value (securitySchemes apiKey)", name);
        mock_findings_add(f, "auth", "", bearer, "the %s header uses the Bearer scheme", name);
        say(o, 401, "The API key is not valid");
        return true;
    }
    o->key = mock_fixtures_key(c->fx, s, n);
    if (o->key == MOCK_FIX_NONE) {
        mock_findings_note(f, "the API key is not one of the mock's fixtures (401)");
        say(o, 401, "The API key is not valid");
        return true;
    }
    return false;
}

/* The header parameters the spec requires, each present and valid for its
 * schema (a header value is judged as a JSON string). */
static bool step_headers(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                         mock_findings *f)
{
    const quo_contract *k = quo_spec_contract(c->spec);
    size_t before = o->errors.count;
    for (size_t i = 0; i < quo_contract_param_count(k); i++) {
        const quo_contract_param *p = quo_contract_param_at(k, i);
        if (p->in != QUO_IN_HEADER)
            continue;
        const char *v = header_value(req, p->name);
        char path[160];
        snprintf(path, sizeof path, "/headers/%s", p->name);
        if (!v && p->required) {
            if (quo_violations_add(&o->errors, path, NULL, "required", "string",
                                   "the %s header is required", p->name) != QUO_OK)
                f->failed = true;
            mock_findings_add(f, "header", path, NULL, "the required %s header is missing",
                              p->name);
            continue;
        }
        cJSON *value = v && p->schema ? cJSON_CreateString(v) : NULL;
        if (v && p->schema && !value) {
            f->failed = true;
            continue;
        }
        size_t n0 = o->errors.count;
        if (value && !quo_schema_is_valid(p->schema, value, NULL) &&
            quo_violations_add(&o->errors, path, value, "schema", "string",
                               "the %s header does not match its schema", p->name) != QUO_OK)
            f->failed = true;
        if (o->errors.count > n0)
            mock_findings_add(f, "header", path, NULL, "the %s header does not match its schema",
                              p->name);
        cJSON_Delete(value);
    }
    if (o->errors.count == before)
        return false;
    say(o, 400, "%s", o->errors.items[before].message);
    return true;
}

static bool step_media(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                       mock_findings *f)
{
    const char *ct = header_value(req, "Content-Type");
    if (ct && quo_media_type_is(ct, c->req_media))
        return false;
    char hint[200];
    snprintf(hint, sizeof hint, "set the header Content-Type: %s", c->req_media);
    if (!ct) {
        mock_findings_add(f, "media-type", "", hint, "the Content-Type header is missing");
        say(o, 400, "The Content-Type header is missing; the body must be %s", c->req_media);
        return true;
    }
    char shown[96];
    mock_text_excerpt(shown, sizeof shown, ct, strlen(ct), 64);
    if (mock_text_ieq(ct, strcspn(ct, ";"), "application/x-www-form-urlencoded"))
        snprintf(hint, sizeof hint, "curl -d sends application/x-www-form-urlencoded; add "
                 "-H 'Content-Type: %s'", c->req_media);
    mock_findings_add(f, "media-type", "", hint, "Content-Type %s is not %s", shown,
                      c->req_media);
    say(o, 400, "Content-Type %s is not supported; the body must be %s", shown, c->req_media);
    return true;
}

/* The usual mistake behind one validation error, or NULL. */
static const char *body_hint(quo_mock_core *c, const quo_violation *v, char *buf, size_t bufsz)
{
    const char *kw = v->keyword ? v->keyword : "";
    if (strcmp(kw, "additionalProperties") == 0) {
        const char *seg = strrchr(v->path, '/');
        seg = seg ? seg + 1 : v->path;
        for (size_t i = 0; i < c->n_props; i++) {
            if (mock_text_ieq(seg, strlen(seg), c->props[i])) {
                snprintf(buf, bufsz, "member names are case-sensitive: did you mean \"%s\"?",
                         c->props[i]);
                return buf;
            }
        }
        return "send only the members the spec lists for a task";
    }
    if (strcmp(kw, "format") == 0)
        return "dates are RFC 3339 date-times with a time zone, e.g. 2025-06-01T09:00:00Z";
    if (strcmp(kw, "anyOf") == 0 || strcmp(kw, "oneOf") == 0 || strcmp(kw, "link") == 0) {
        snprintf(buf, bufsz, "link the task with exactly one of %s", c->link_names);
        return buf;
    }
    if (strcmp(kw, "type") == 0 && v->value && cJSON_IsNumber(v->value) &&
        strcmp(v->schema_type, "string") == 0)
        return "ids and texts are JSON strings: quote the value";
    if (strcmp(kw, "json") == 0)
        return "send the task as one JSON object (RFC 8259, UTF-8)";
    return NULL;
}

/* True when n nests deeper than `levels` arrays/objects. */
static bool deeper_than(const cJSON *n, int levels)
{
    if (!cJSON_IsArray(n) && !cJSON_IsObject(n))
        return false;
    if (levels == 0)
        return true;
    for (const cJSON *c = n->child; c; c = c->next)
        if (deeper_than(c, levels - 1))
            return true;
    return false;
}

/* Drops echoes nested too deep for the answer to stay within what a client
 * parses. (Values holding \u0000 are already escaped by the library.) */
static void trim_echoes(quo_violations *errors)
{
    for (size_t i = 0; i < errors->count; i++) {
        quo_violation *v = &errors->items[i];
        if (v->value && deeper_than(v->value, ECHO_MAX_DEPTH)) {
            cJSON_Delete(v->value);
            v->value = NULL;
        }
    }
}

/* Looks up one member's id in fixtures kind `kind`; an unknown id adds an
 * errors[] item. */
static size_t resolve_member(quo_mock_core *c, const cJSON *root, const quo_json_doc *doc,
                             const char *name, size_t kind, outcome *o, mock_findings *f)
{
    const cJSON *node = quo_json_member(doc, root, name);
    if (!cJSON_IsString(node))
        return MOCK_FIX_NONE;
    size_t len = quo_json_strlen(doc, node);
    size_t idx = mock_fixtures_find(c->fx, kind, node->valuestring, len);
    if (idx == MOCK_FIX_NONE) {
        char shown[96], path[80];
        mock_text_excerpt(shown, sizeof shown, node->valuestring, len, 48);
        snprintf(path, sizeof path, "/%s", name);
        if (quo_violations_add(&o->errors, path, node, "exists", "string",
                               "%s %s was not found", name, shown) != QUO_OK)
            f->failed = true;
        mock_findings_note(f, "%s %s is not in the mock's fixtures (404)", name, shown);
        if (o->status != 404)
            say(o, 404, "%s %s was not found", name, shown);
    }
    return idx;
}

/* Records entry idx of kind in the outcome's slot for that kind. */
static void link_slot(outcome *o, size_t kind, size_t idx)
{
    switch (kind) {
    case MOCK_KIND_PHONE: o->refs.phone = idx; break;
    case MOCK_KIND_CONVERSATION: o->refs.conv = idx; break;
    case MOCK_KIND_ACTIVITY: o->refs.act = idx; break;
    case MOCK_KIND_USER: o->refs.user = idx; break;
    default:
        o->other_kind = kind;
        o->other = idx;
        break;
    }
}

/* Looks the body's linked resource and assignee up in the fixtures and
 * follows the resource's chain of owners (fixtures ownership: each kind
 * at most once, so the walk is bounded); true when one is unknown (404). */
static bool resolve_links(quo_mock_core *c, const quo_json_doc *doc, size_t link,
                          outcome *o, mock_findings *f)
{
    const cJSON *root = quo_json_root(doc);
    size_t kind = c->link_kind[link];
    size_t idx = resolve_member(c, root, doc, quo_spec_link_name(c->spec, link), kind, o, f);
    for (size_t steps = 0; idx != MOCK_FIX_NONE && steps <= mock_fixtures_kind_count(c->fx);
         steps++) {
        link_slot(o, kind, idx);
        size_t owner_kind;
        idx = mock_fixtures_owner(c->fx, kind, idx, &owner_kind);
        kind = owner_kind;
    }
    if (quo_json_member(doc, root, MOCK_ASSIGNED_TO))
        o->refs.user =
            resolve_member(c, root, doc, MOCK_ASSIGNED_TO, MOCK_KIND_USER, o, f);
    trim_echoes(&o->errors);
    return o->status == 404;
}

/* One finding per validation error, and the 400's message. */
static void report_invalid(quo_mock_core *c, outcome *o, mock_findings *f)
{
    char hint[200];
    for (size_t i = 0; i < o->errors.count; i++) {
        const quo_violation *v = &o->errors.items[i];
        mock_findings_add(f, "body", v->path, body_hint(c, v, hint, sizeof hint), "%s",
                          v->message);
    }
    char first[200];
    mock_text_excerpt(first, sizeof first, o->errors.items[0].message,
                      strlen(o->errors.items[0].message), 150);
    say(o, 400, "The request body is invalid (%zu problem%s): %s", o->errors.count,
        o->errors.count == 1 ? "" : "s", first);
}

/* Validates the body (findings and errors[]); when `resolve`, also looks
 * the linked resources up in the fixtures. The shapes and members a body
 * that parses carries go to *cov (*seen true) for the record's coverage.
 * True when the step decided the answer (or *st is not QUO_OK). */
static bool step_body(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                      mock_findings *f, bool resolve, quo_status *st, mock_cov_bits *cov,
                      bool *seen)
{
    const char *body = req->body ? req->body : "";
    quo_json_doc *doc = NULL;
    size_t link = QUO_REQUEST_NO_LINK;
    quo_status s = quo_json_parse(body, req->body_len, c->max_depth, &doc, NULL);
    if (s == QUO_ENOMEM) {
        *st = s;
        return true;
    }
    /* The library's own verdict on text the gate refuses (one "json" item). */
    if (s != QUO_OK) {
        s = quo_request_validate(c->spec, body, req->body_len, c->max_depth, &o->errors, NULL);
    } else {
        mock_coverage_observe_body(mock_record_coverage(c->record), doc, cov);
        *seen = true;
        s = quo_request_validate_tree(c->spec, quo_json_root(doc), doc, &o->errors, &link);
    }
    if (s == QUO_OK)
        trim_echoes(&o->errors);
    bool decided = true;
    if (s != QUO_OK) {
        *st = s;
    } else if (o->errors.count) {
        report_invalid(c, o, f);
    } else if (!resolve) {
        decided = false;
    } else if (link == QUO_REQUEST_NO_LINK || link >= QUO_SPEC_MAX_LINKS) {
        /* The validator accepted a body without one link: the spec allows
         * what the mock cannot resolve. Say so rather than guess. */
        say(o, 500, "The mock cannot tell which resource this task links to");
    } else {
        decided = resolve_links(c, doc, link, o, f);
    }
    quo_json_free(doc);
    return decided;
}

static bool step_access(quo_mock_core *c, outcome *o, mock_findings *f)
{
    /* Keys grant phone numbers; a resource owned by none is open to every key. */
    if (o->refs.phone == MOCK_FIX_NONE ||
        mock_fixtures_key_allows(c->fx, o->key, o->refs.phone))
        return false;
    const mock_id *pn = mock_fixtures_id(c->fx, MOCK_KIND_PHONE, o->refs.phone);
    char shown[96];
    mock_text_excerpt(shown, sizeof shown, pn->bytes, pn->len, 48);
    mock_findings_note(f, "the API key has no access to phone number %s (403)", shown);
    say(o, 403, "This API key has no access to phone number %s", shown);
    return true;
}

/* The first step that fails decides the answer. For certification the
 * request-shape steps after it still run, on a scratch outcome, so one
 * request reports every way it breaks the contract (a wrong path or method
 * ends the analysis: no other operation is there to check against). */
static quo_status natural(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                          mock_findings *f, mock_cov_bits *cov, bool *seen)
{
    quo_status st = QUO_OK;
    if (step_route(c, req, o, f))
        return QUO_OK;
    outcome scratch;
    outcome_init(&scratch);
    bool decided = step_auth(c, req, o, f);
    if (step_headers(c, req, decided ? &scratch : o, f))
        decided = true;
    if (step_media(c, req, decided ? &scratch : o, f))
        decided = true;
    if (step_body(c, req, decided ? &scratch : o, f, !decided, &st, cov, seen) || st != QUO_OK)
        decided = true;
    quo_violations_free(&scratch.errors);
    if (decided || st != QUO_OK || step_access(c, o, f))
        return st;
    o->status = c->success;
    return QUO_OK;
}

/* ---- tasks --------------------------------------------------------------------- */

size_t quo_mock_core_task_count(quo_mock_core *core)
{
    return mock_store_created(core->store);
}

static const char *fix_str(const mock_id *id)
{
    return id ? id->bytes : NULL;
}

bool quo_mock_core_find_task(quo_mock_core *core, const char *id, quo_mock_task *out)
{
    mock_task_refs t;
    if (!mock_store_find(core->store, id, &t))
        return false;
    if (out) {
        out->phone_number_id = fix_str(mock_fixtures_id(core->fx, MOCK_KIND_PHONE, t.phone));
        out->conversation_id =
            fix_str(mock_fixtures_id(core->fx, MOCK_KIND_CONVERSATION, t.conv));
        out->activity_id = fix_str(mock_fixtures_id(core->fx, MOCK_KIND_ACTIVITY, t.act));
        out->assigned_to = fix_str(mock_fixtures_id(core->fx, MOCK_KIND_USER, t.user));
    }
    return true;
}


/* ---- handling ---------------------------------------------------------------------- */

/* Applies Prefer to the natural outcome o. */
static void apply_prefer(quo_mock_core *c, int kind, int code, const char *bad, outcome *o,
                         mock_findings *f)
{
    if (kind < 0 || (kind > 0 && !documented(c->spec, code) && !mock_prefer_fault_status(code))) {
        char msg[256];
        if (kind > 0)
            snprintf(msg, sizeof msg, "Prefer: code=%d asks for a status %s %s does not "
                     "document (documented: %s; for fault tests also 429 and 503)", code, c->allow,
                     c->path, c->statuses);
        else
            snprintf(msg, sizeof msg, "%s", bad);
        mock_findings_add(f, "prefer", "", NULL, "%s", msg);
        quo_violations_clear(&o->errors);
        o->allow = false;
        say(o, 400, "%s", msg);
        return;
    }
    if (kind == 0)
        return;
    o->forced = code;
    if (o->status == code)
        return; /* the natural answer already is the one asked for */
    o->synthetic = true;
    quo_violations_clear(&o->errors);
    o->allow = false;
    if (code >= 200 && code < 300) {
        if (mock_fixtures_count(c->fx, MOCK_KIND_PHONE) == 0) {
            o->forced = 0;
            mock_findings_note(f, "Prefer: code=%d needs a phone number in the fixtures", code);
            say(o, 400, "Prefer: code=%d needs at least one phone number in the fixtures", code);
            return;
        }
        o->refs.phone = 0;
        o->refs.conv = o->refs.act = MOCK_FIX_NONE;
        o->other_kind = o->other = MOCK_FIX_NONE;
        o->status = code;
        return;
    }
    say(o, code, "Response forced by Prefer: code=%d", code);
}

/* errors[] keeps its first CORE_ERRORS_MAX items and the message says how
 * many more there were, so no answer is much larger than its request. */
static void cap_errors(outcome *o)
{
    if (o->errors.count <= CORE_ERRORS_MAX)
        return;
    size_t more = o->errors.count - CORE_ERRORS_MAX;
    quo_violations kept;
    quo_violations_init(&kept);
    for (size_t i = 0; i < CORE_ERRORS_MAX; i++) {
        quo_violation *v = &o->errors.items[i];
        if (quo_violations_add(&kept, v->path, v->value, v->keyword, v->schema_type, "%s",
                               v->message) != QUO_OK)
            break;
    }
    quo_violations_free(&o->errors);
    o->errors = kept;
    size_t n = strlen(o->message);
    snprintf(o->message + n, sizeof o->message - n, " (errors lists the first %d; %zu more)",
             CORE_ERRORS_MAX, more);
}

static quo_status respond(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                          mock_findings *f, bool not_judged, const char *fault,
                          const mock_cov_bits *body_cov, quo_mock_response *out)
{
    uint64_t seq = 0;
    cap_errors(o);
    /* A natural 201 creates the task; one forced by Prefer only shows a
     * fresh id (unique all the same) and changes nothing. */
    if (o->status >= 200 && o->status < 300) {
        seq = mock_store_issue(c->store, &o->refs, !o->synthetic);
        if (!seq)
            return QUO_ENOMEM;
    }
    quo_status st = mock_render(c, o, seq, f, out);
    if (st != QUO_OK) {
        quo_mock_response_free(out);
        return st;
    }
    char forced[160] = "";
    if (o->forced)
        snprintf(forced, sizeof forced, "code=%d%s%s", o->forced, fault ? "," : "",
                 fault ? fault : "");
    else if (fault)
        snprintf(forced, sizeof forced, "%s", fault);
    mock_record_info info = {req, out, f, forced[0] ? forced : NULL, not_judged, body_cov};
    mock_record_add(c->record, &info);
    return QUO_OK;
}

quo_status mock_core_handle(quo_mock_core *core, const quo_mock_request *req,
                            quo_mock_response *out, size_t *violations)
{
    return mock_core_handle_http(core, req, NULL, NULL, out, violations);
}

mock_record *mock_core_record(quo_mock_core *core)
{
    return core->record;
}

quo_status mock_core_handle_http(quo_mock_core *core, const quo_mock_request *req,
                                 const mock_findings *pre, const char *fault,
                                 quo_mock_response *out, size_t *violations)
{
    memset(out, 0, sizeof *out);
    outcome o;
    outcome_init(&o);
    mock_findings f;
    mock_findings_init(&f);
    mock_findings_copy(&f, pre);
    int code = 0;
    char bad[200] = "";
    int kind = mock_prefer_parse(req, &code, bad, sizeof bad);
    mock_cov_bits cov = {{0}};
    bool seen = false;
    quo_status st = natural(core, req, &o, &f, &cov, &seen);
    if (st == QUO_OK) {
        apply_prefer(core, kind, code, bad, &o, &f);
        st = f.failed ? QUO_ENOMEM
                      : respond(core, req, &o, &f, false, fault, seen ? &cov : NULL, out);
    }
    if (violations)
        *violations = f.count;
    quo_violations_free(&o.errors);
    mock_findings_free(&f);
    return st;
}

quo_status quo_mock_core_handle(quo_mock_core *core, const quo_mock_request *req,
                                quo_mock_response *out)
{
    return mock_core_handle(core, req, out, NULL);
}

quo_status mock_core_reject(quo_mock_core *core, const quo_mock_request *req, int status,
                            int client_fault, const char *message, quo_mock_response *out,
                            size_t *violations)
{
    return mock_core_reject_http(core, req, status, client_fault, message, NULL, out,
                                 violations);
}

quo_status mock_core_reject_http(quo_mock_core *core, const quo_mock_request *req, int status,
                                 int client_fault, const char *message,
                                 const mock_findings *pre, quo_mock_response *out,
                                 size_t *violations)
{
    memset(out, 0, sizeof *out);
    outcome o;
    outcome_init(&o);
    mock_findings f;
    mock_findings_init(&f);
    mock_findings_copy(&f, pre);
    say(&o, status, "%s", message);
    /* client_fault 2: the violation is already among pre. */
    if (client_fault == 1)
        mock_findings_add(&f, "limit", "", NULL, "%s", message);
    else if (client_fault == 0)
        mock_findings_note(&f, "%s", message);
    quo_status st =
        f.failed ? QUO_ENOMEM : respond(core, req, &o, &f, !client_fault, NULL, NULL, out);
    if (violations)
        *violations = f.count;
    mock_findings_free(&f);
    return st;
}

/* ---- the record ------------------------------------------------------------------- */

void quo_mock_core_summary(quo_mock_core *core, quo_mock_summary *out)
{
    mock_record_summary(core->record, out);
}

char *quo_mock_core_report(quo_mock_core *core, quo_mock_report_format fmt, size_t *len)
{
    return mock_record_render(core->record, fmt, len);
}

quo_status quo_mock_core_write_report(quo_mock_core *core, const char *path,
                                      quo_mock_report_format fmt, quo_error *err)
{
    return mock_record_write(core->record, path, fmt, err);
}

int quo_mock_core_require(quo_mock_core *core, const char *items, char *missing,
                          size_t missingsz)
{
    return mock_record_require(core->record, items, missing, missingsz);
}
