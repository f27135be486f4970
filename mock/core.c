/* core.c - the mock's semantics, without sockets.
 *
 * A request goes through the steps of docs/mock.md in order. The natural
 * outcome (what the real service would answer) is always worked out, with
 * every finding about the request, and has no side effect; only then is a
 * Prefer: code=NNN applied, a task created for a natural 201, the response
 * rendered and the request recorded.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "quo/json.h"
#include "quo/request.h"
#include "quo/response.h"
#include "quo/violation.h"

#include "core.h"
#include "fixtures.h"
#include "names.h"
#include "record.h"
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

enum link_kind { LINK_PHONE, LINK_CONV, LINK_ACT, LINK_UNKNOWN };

typedef struct task_slot {
    uint32_t phone, conv, act, user; /* fixture indices; UINT32_MAX = none */
    bool stored;                     /* false: an id shown by a forced 201 */
} task_slot;

struct quo_mock_core {
    const quo_spec *spec;
    mock_fixtures *fx;
    mock_record *record;
    unsigned max_depth;
    enum link_kind link_kind[QUO_SPEC_MAX_LINKS];
    char allow[16];          /* the method, upper case: the Allow header */
    const char *req_media;   /* the request body's media type, from the spec */
    char **props;            /* every request member name, for hints */
    size_t n_props;
    char link_names[160];    /* "phoneNumberId, conversationId, activityId" */
    char statuses[96];       /* "201, 400, ..." */
    char prefix[9];          /* process-unique part of task ids and traces */
    atomic_uint_fast64_t next_trace;
    pthread_mutex_t task_lock;
    task_slot *tasks;
    size_t task_cap, task_max;
    uint64_t task_seq;     /* ids handed out so far */
    size_t tasks_created;  /* of which real creations */
    char *oom_body;
    size_t oom_len;
};

/* What a request leads to, before rendering. */
typedef struct outcome {
    int status;
    char message[320];
    quo_violations errors; /* errors[] of the body; may be empty */
    bool allow;            /* send Allow (405) */
    size_t key;            /* the fixtures key, when known */
    size_t phone, conv, act, user;
    int forced;            /* Prefer code applied, or 0 */
    bool synthetic;        /* the natural outcome was replaced by Prefer */
} outcome;

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

/* Collects the member names of the request schema and its branches. */
static quo_status collect_props(quo_mock_core *c, quo_error *err)
{
    const cJSON *req = quo_spec_request_schema_json(c->spec);
    const cJSON *lists[1 + 3 * 16];
    size_t n = 0;
    lists[n++] = cJSON_GetObjectItemCaseSensitive(req, "properties");
    static const char *const comb[] = {"anyOf", "oneOf", "allOf"};
    for (size_t k = 0; k < 3; k++) {
        const cJSON *br;
        cJSON_ArrayForEach(br, cJSON_GetObjectItemCaseSensitive(req, comb[k]))
        {
            if (n < sizeof lists / sizeof lists[0])
                lists[n++] = cJSON_GetObjectItemCaseSensitive(br, "properties");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, lists[i])
        {
            if (p->string && !add_prop(c, p->string))
                return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        }
    }
    return QUO_OK;
}

static quo_status map_links(quo_mock_core *c, quo_error *err)
{
    size_t n = quo_spec_link_count(c->spec);
    size_t used = 0;
    c->link_names[0] = '\0';
    for (size_t i = 0; i < n && i < QUO_SPEC_MAX_LINKS; i++) {
        const char *name = quo_spec_link_name(c->spec, i);
        if (strcmp(name, MOCK_PHONE_ID) == 0)
            c->link_kind[i] = LINK_PHONE;
        else if (strcmp(name, MOCK_CONVERSATION_ID) == 0)
            c->link_kind[i] = LINK_CONV;
        else if (strcmp(name, MOCK_ACTIVITY_ID) == 0)
            c->link_kind[i] = LINK_ACT;
        else
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
    const cJSON *doc = quo_spec_document(c->spec);
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "paths"),
                                         QUO_SPEC_PATH),
        QUO_SPEC_METHOD);
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(op, "requestBody"), "content");
    if (!cJSON_IsObject(content) || !content->child || !content->child->string)
        return quo_error_set(err, QUO_ESPEC, 0,
                             "the spec states no media type for the request body");
    c->req_media = content->child->string;
    return QUO_OK;
}

static void make_prefix(quo_mock_core *c)
{
    uint32_t r = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, &r, sizeof r) != (ssize_t)sizeof r)
            r = 0;
        close(fd);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* Mixed with time and pid so two processes differ even without urandom. */
    r ^= (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7) ^ ((uint32_t)getpid() << 16);
    snprintf(c->prefix, sizeof c->prefix, "%08x", (unsigned)r);
}

static quo_status build_body(quo_mock_core *c, outcome *o, char **body, size_t *len);
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
            if (mock_fixtures_phone_count(c->fx) == 0)
                continue;
            o.phone = 0;
        }
        char *body;
        size_t len;
        quo_status s = build_body(c, &o, &body, &len);
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
    if (pthread_mutex_init(&c->task_lock, NULL) != 0) {
        free(c);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a mutex");
    }
    c->spec = spec;
    c->max_depth = opts->max_depth ? opts->max_depth : QUO_JSON_DEFAULT_MAX_DEPTH;
    if (c->max_depth > CORE_MAX_DEPTH)
        c->max_depth = CORE_MAX_DEPTH;
    c->task_max = opts->max_tasks ? opts->max_tasks : QUO_MOCK_DEFAULT_MAX_TASKS;
    atomic_init(&c->next_trace, 0);
    make_prefix(c);
    size_t i = 0;
    for (; QUO_SPEC_METHOD[i] && i + 1 < sizeof c->allow; i++)
        c->allow[i] = (char)(QUO_SPEC_METHOD[i] >= 'a' && QUO_SPEC_METHOD[i] <= 'z'
                                 ? QUO_SPEC_METHOD[i] - 32
                                 : QUO_SPEC_METHOD[i]);
    c->allow[i] = '\0';
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
    if (st == QUO_OK && !(c->record = mock_record_new(
                              opts->record_max ? opts->record_max : QUO_MOCK_DEFAULT_RECORD_MAX,
                              CORE_RECORD_BYTES)))
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st == QUO_OK)
        st = map_links(c, err);
    if (st == QUO_OK)
        st = read_media_type(c, err);
    if (st == QUO_OK)
        st = collect_props(c, err);
    if (st == QUO_OK)
        st = self_check(c, err);
    if (st == QUO_OK) {
        outcome o;
        outcome_init(&o);
        o.status = 500;
        snprintf(o.message, sizeof o.message, "The mock ran out of memory answering this request");
        if (build_body(c, &o, &c->oom_body, &c->oom_len) != QUO_OK)
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
    free(core->tasks);
    free(core->oom_body);
    pthread_mutex_destroy(&core->task_lock);
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

/* ---- Prefer (RFC 7240) ------------------------------------------------------- */

static bool tchar(char ch)
{
    unsigned char c = (unsigned char)ch;
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Reads a token or quoted-string at p into out; returns the end. */
static const char *read_word(const char *p, char *out, size_t outsz, bool *ok)
{
    size_t n = 0;
    *ok = true;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < outsz)
                out[n++] = *p;
        }
        if (*p == '"')
            p++;
        else
            *ok = false;
    } else {
        for (; tchar(*p); p++)
            if (n + 1 < outsz)
                out[n++] = *p;
    }
    out[n] = '\0';
    return p;
}

/* Skips parameters and anything malformed up to the next ',' outside quotes. */
static const char *skip_rest(const char *p)
{
    bool quoted = false;
    for (; *p; p++) {
        if (quoted && *p == '\\' && p[1])
            p++;
        else if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == ',')
            break;
    }
    return p;
}

/* The first `code` preference over every Prefer header. Returns 0 when
 * there is none, 1 with *code set, -1 with `bad` naming the problem. */
static int parse_prefer(const quo_mock_request *req, int *code, char *bad, size_t badsz)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const quo_mock_header *h = &req->headers[i];
        if (!h->name || !h->value || !mock_text_ieq(h->name, strlen(h->name), "Prefer"))
            continue;
        const char *p = h->value;
        while (*p) {
            p = skip_ows(p);
            if (*p == ',') {
                p++;
                continue;
            }
            const char *name = p;
            while (tchar(*p))
                p++;
            size_t nlen = (size_t)(p - name);
            char value[64];
            bool has_value = false, ok = true;
            const char *q = skip_ows(p);
            if (nlen && *q == '=') {
                q = read_word(skip_ows(q + 1), value, sizeof value, &ok);
                has_value = true;
                p = q;
            }
            if (nlen && mock_text_ieq(name, nlen, "code")) {
                char shown[80];
                if (!has_value) {
                    snprintf(bad, badsz, "Prefer: code needs a status, e.g. code=404");
                    return -1;
                }
                mock_text_excerpt(shown, sizeof shown, value, strlen(value), 16);
                bool digits = ok && strlen(value) == 3;
                for (size_t k = 0; digits && k < 3; k++)
                    digits = value[k] >= '0' && value[k] <= '9';
                if (!digits || value[0] < '1' || value[0] > '5') {
                    snprintf(bad, badsz, "Prefer: code=%s is not an HTTP status code", shown);
                    return -1;
                }
                *code = atoi(value);
                return 1;
            }
            p = skip_rest(p);
        }
    }
    return 0;
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
    o->key = o->phone = o->conv = o->act = o->user = MOCK_FIX_NONE;
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
    if (strcmp(path, QUO_SPEC_PATH) != 0) {
        mock_text_excerpt(shown, sizeof shown, path, strlen(path), 100);
        const char *hint = NULL;
        size_t n = strlen(path), want = strlen(QUO_SPEC_PATH);
        if (n == want + 1 && path[n - 1] == '/' && strncmp(path, QUO_SPEC_PATH, want) == 0)
            hint = "drop the trailing slash: the path is " QUO_SPEC_PATH;
        else if (mock_text_ieq(path, n, QUO_SPEC_PATH))
            hint = "paths are case-sensitive: the path is " QUO_SPEC_PATH;
        else if (strstr(QUO_SPEC_PATH, path) && n > 1)
            hint = "the path needs its version prefix: " QUO_SPEC_PATH;
        mock_findings_add(f, "path", "", hint, "%s is not a path of this API (only %s %s)",
                          shown, c->allow, QUO_SPEC_PATH);
        say(o, 404, "No route matches %s; this API serves %s %s", shown, c->allow,
            QUO_SPEC_PATH);
        return true;
    }
    if (strcmp(method, c->allow) != 0) {
        mock_text_excerpt(shown, sizeof shown, method, strlen(method), 32);
        mock_findings_add(f, "method", "",
                          mock_text_ieq(method, strlen(method), c->allow)
                              ? "HTTP methods are case-sensitive"
                              : "tasks are created by POST " QUO_SPEC_PATH,
                          "method %s is not allowed on %s (only %s)", shown, QUO_SPEC_PATH,
                          c->allow);
        say(o, 405, "Method %s is not allowed on %s; use %s", shown, QUO_SPEC_PATH, c->allow);
        o->allow = true;
        return true;
    }
    return false;
}

static bool step_auth(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                      mock_findings *f)
{
    const char *v = header_value(req, "Authorization");
    if (!v) {
        mock_findings_add(f, "auth", "", "send the API key as the Authorization header's whole "
                          "value: Authorization: <key>",
                          "the Authorization header is missing");
        say(o, 401, "The Authorization header is missing; send your API key in it");
        return true;
    }
    const char *s = skip_ows(v);
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        mock_findings_add(f, "auth", "", "send the API key as the Authorization header's whole "
                          "value: Authorization: <key>",
                          "the Authorization header is empty");
        say(o, 401, "The Authorization header is empty; send your API key in it");
        return true;
    }
    /* The service takes the raw key; "Bearer <key>" is simply not a key. */
    if (n > 7 && mock_text_ieq(s, 6, "Bearer") && (s[6] == ' ' || s[6] == '\t')) {
        mock_findings_add(f, "auth", "", "drop the \"Bearer \" prefix: this API takes the raw "
                          "API key as the Authorization value (securitySchemes apiKey)",
                          "the Authorization header uses the Bearer scheme");
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

/* Looks up one member's id; an unknown id adds an errors[] item. */
static size_t resolve_member(quo_mock_core *c, const cJSON *root, const quo_json_doc *doc,
                             const char *name, int kind, outcome *o, mock_findings *f,
                             size_t *owner)
{
    const cJSON *node = quo_json_member(doc, root, name);
    if (!cJSON_IsString(node))
        return MOCK_FIX_NONE;
    size_t len = quo_json_strlen(doc, node);
    size_t idx;
    switch (kind) {
    case LINK_PHONE: idx = mock_fixtures_phone(c->fx, node->valuestring, len); break;
    case LINK_CONV: idx = mock_fixtures_conversation(c->fx, node->valuestring, len, owner); break;
    case LINK_ACT: idx = mock_fixtures_activity(c->fx, node->valuestring, len, owner); break;
    default: idx = mock_fixtures_user(c->fx, node->valuestring, len); break;
    }
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

/* Looks the body's linked resource and assignee up in the fixtures;
 * true when one is unknown (404). */
static bool resolve_links(quo_mock_core *c, const quo_json_doc *doc, size_t link,
                          outcome *o, mock_findings *f)
{
    const cJSON *root = quo_json_root(doc);
    const char *lname = quo_spec_link_name(c->spec, link);
    size_t owner = MOCK_FIX_NONE;
    switch (c->link_kind[link]) {
    case LINK_PHONE:
        o->phone = resolve_member(c, root, doc, lname, LINK_PHONE, o, f, NULL);
        break;
    case LINK_CONV:
        o->conv = resolve_member(c, root, doc, lname, LINK_CONV, o, f, &owner);
        if (o->conv != MOCK_FIX_NONE)
            o->phone = owner;
        break;
    default:
        o->act = resolve_member(c, root, doc, lname, LINK_ACT, o, f, &owner);
        if (o->act != MOCK_FIX_NONE) {
            o->conv = owner;
            o->phone = mock_fixtures_conversation_phone(c->fx, owner);
        }
        break;
    }
    if (cJSON_GetObjectItemCaseSensitive(root, MOCK_ASSIGNED_TO))
        o->user = resolve_member(c, root, doc, MOCK_ASSIGNED_TO, LINK_UNKNOWN, o, f, NULL);
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
 * the linked resources up in the fixtures. True when the step decided the
 * answer (or *st is not QUO_OK). */
static bool step_body(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                      mock_findings *f, bool resolve, quo_status *st)
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
    if (s != QUO_OK)
        s = quo_request_validate(c->spec, body, req->body_len, c->max_depth, &o->errors, NULL);
    else
        s = quo_request_validate_tree(c->spec, quo_json_root(doc), doc, &o->errors, &link);
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
    if (mock_fixtures_key_allows(c->fx, o->key, o->phone))
        return false;
    const mock_id *pn = mock_fixtures_phone_id(c->fx, o->phone);
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
                          mock_findings *f)
{
    quo_status st = QUO_OK;
    if (step_route(c, req, o, f))
        return QUO_OK;
    outcome scratch;
    outcome_init(&scratch);
    bool decided = step_auth(c, req, o, f);
    if (step_media(c, req, decided ? &scratch : o, f))
        decided = true;
    if (step_body(c, req, decided ? &scratch : o, f, !decided, &st) || st != QUO_OK)
        decided = true;
    quo_violations_free(&scratch.errors);
    if (decided || st != QUO_OK || step_access(c, o, f))
        return st;
    o->status = 201;
    return QUO_OK;
}

/* ---- tasks --------------------------------------------------------------------- */

static uint32_t idx32(size_t i)
{
    return i == MOCK_FIX_NONE || i > UINT32_MAX ? UINT32_MAX : (uint32_t)i;
}

/* Issues a task id and keeps the task (or, for an id shown by a forced
 * 201, a slot that find_task will not report). Returns the id's sequence
 * number, or 0 on ENOMEM. */
static uint64_t task_issue(quo_mock_core *c, const outcome *o, bool stored)
{
    task_slot t = {idx32(o->phone), idx32(o->conv), idx32(o->act), idx32(o->user), stored};
    uint64_t seq = 0;
    pthread_mutex_lock(&c->task_lock);
    size_t at = (size_t)(c->task_seq % c->task_max);
    if (at >= c->task_cap) {
        size_t cap = c->task_cap ? c->task_cap * 2 : 1024;
        if (cap > c->task_max)
            cap = c->task_max;
        task_slot *p = realloc(c->tasks, cap * sizeof *p);
        if (p) {
            c->tasks = p;
            c->task_cap = cap;
        }
    }
    if (at < c->task_cap) {
        c->tasks[at] = t;
        seq = ++c->task_seq;
        if (stored)
            c->tasks_created++;
    }
    pthread_mutex_unlock(&c->task_lock);
    return seq;
}

static void task_id(const quo_mock_core *c, uint64_t seq, char *out, size_t outsz)
{
    snprintf(out, outsz, MOCK_TASK_PREFIX "%s%012llx", c->prefix, (unsigned long long)seq);
}

size_t quo_mock_core_task_count(quo_mock_core *core)
{
    pthread_mutex_lock(&core->task_lock);
    size_t n = core->tasks_created;
    pthread_mutex_unlock(&core->task_lock);
    return n;
}

static const char *fix_str(const mock_id *id)
{
    return id ? id->bytes : NULL;
}

bool quo_mock_core_find_task(quo_mock_core *core, const char *id, quo_mock_task *out)
{
    size_t plen = strlen(MOCK_TASK_PREFIX) + strlen(core->prefix);
    if (!id || strlen(id) != plen + 12 || strncmp(id, MOCK_TASK_PREFIX, 2) != 0 ||
        strncmp(id + 2, core->prefix, strlen(core->prefix)) != 0)
        return false;
    char *end;
    unsigned long long seq = strtoull(id + plen, &end, 16);
    if (*end || seq == 0)
        return false;
    bool found = false;
    task_slot t;
    pthread_mutex_lock(&core->task_lock);
    uint64_t kept = core->task_seq < core->task_max ? core->task_seq : core->task_max;
    if (seq <= core->task_seq && seq > core->task_seq - kept) {
        t = core->tasks[(seq - 1) % core->task_max];
        found = t.stored;
    }
    pthread_mutex_unlock(&core->task_lock);
    if (found && out) {
        out->phone_number_id = fix_str(mock_fixtures_phone_id(core->fx, t.phone));
        out->conversation_id = fix_str(mock_fixtures_conversation_id(core->fx, t.conv));
        out->activity_id = fix_str(mock_fixtures_activity_id(core->fx, t.act));
        out->assigned_to = fix_str(mock_fixtures_user_id(core->fx, t.user));
    }
    return found;
}

/* ---- rendering ------------------------------------------------------------------- */

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
    snprintf(trace, sizeof trace, "mock-%s-%llx", c->prefix,
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
    task_id(c, seq, id, sizeof id);
    const mock_id *pn = mock_fixtures_phone_id(c->fx, o->phone);
    const mock_id *cn = mock_fixtures_conversation_id(c->fx, o->conv);
    const mock_id *ac = mock_fixtures_activity_id(c->fx, o->act);
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

/* The body of o; a 2xx uses o's resolution and a fresh id that is not
 * stored (a stored task renders through task_body directly). */
static quo_status build_body(quo_mock_core *c, outcome *o, char **body, size_t *len)
{
    if (o->status >= 200 && o->status < 300)
        return task_body(c, o, 0, body, len);
    return error_body(c, o, body, len);
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

static quo_status render(quo_mock_core *c, outcome *o, uint64_t seq, const mock_findings *f,
                         quo_mock_response *out)
{
    quo_status st = (o->status >= 200 && o->status < 300)
                        ? task_body(c, o, seq, &out->body, &out->body_len)
                        : error_body(c, o, &out->body, &out->body_len);
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

/* ---- handling ---------------------------------------------------------------------- */

/* Applies Prefer to the natural outcome o. */
static void apply_prefer(quo_mock_core *c, int kind, int code, const char *bad, outcome *o,
                         mock_findings *f)
{
    if (kind < 0 || (kind > 0 && !documented(c->spec, code))) {
        char msg[200];
        if (kind > 0)
            snprintf(msg, sizeof msg, "Prefer: code=%d asks for a status %s %s does not "
                     "document (documented: %s)", code, c->allow, QUO_SPEC_PATH, c->statuses);
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
        if (mock_fixtures_phone_count(c->fx) == 0) {
            o->forced = 0;
            mock_findings_note(f, "Prefer: code=%d needs a phone number in the fixtures", code);
            say(o, 400, "Prefer: code=%d needs at least one phone number in the fixtures", code);
            return;
        }
        o->phone = 0;
        o->conv = o->act = MOCK_FIX_NONE;
        o->status = code;
        return;
    }
    say(o, code, "Response forced by Prefer: code=%d", code);
}

static quo_status respond(quo_mock_core *c, const quo_mock_request *req, outcome *o,
                          mock_findings *f, quo_mock_response *out)
{
    uint64_t seq = 0;
    /* A natural 201 creates the task; one forced by Prefer only shows a
     * fresh id (unique all the same) and changes nothing. */
    if (o->status >= 200 && o->status < 300) {
        seq = task_issue(c, o, !o->synthetic);
        if (!seq)
            return QUO_ENOMEM;
    }
    quo_status st = render(c, o, seq, f, out);
    if (st != QUO_OK) {
        quo_mock_response_free(out);
        return st;
    }
    mock_record_add(c->record, req->method, req->path, out->status, f);
    return QUO_OK;
}

quo_status mock_core_handle(quo_mock_core *core, const quo_mock_request *req,
                            quo_mock_response *out, size_t *violations)
{
    memset(out, 0, sizeof *out);
    outcome o;
    outcome_init(&o);
    mock_findings f;
    mock_findings_init(&f);
    int code = 0;
    char bad[200] = "";
    int kind = parse_prefer(req, &code, bad, sizeof bad);
    quo_status st = natural(core, req, &o, &f);
    if (st == QUO_OK) {
        apply_prefer(core, kind, code, bad, &o, &f);
        st = f.failed ? QUO_ENOMEM : respond(core, req, &o, &f, out);
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
    memset(out, 0, sizeof *out);
    outcome o;
    outcome_init(&o);
    mock_findings f;
    mock_findings_init(&f);
    say(&o, status, "%s", message);
    if (client_fault)
        mock_findings_add(&f, "limit", "", NULL, "%s", message);
    else
        mock_findings_note(&f, "%s", message);
    quo_status st = f.failed ? QUO_ENOMEM : respond(core, req, &o, &f, out);
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
