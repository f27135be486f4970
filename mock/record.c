/* record.c - findings, the certification record and its reports. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "quo/io.h"
#include "quo/json.h"
#include "quo/quo.h"
#include "quo/spec.h"

#include "clients.h"
#include "coverage.h"
#include "peers.h"
#include "record.h"
#include "report.h"
#include "text.h"

/* Method and path are cut to this many bytes in the record. */
#define REC_FIELD_MAX 1024
/* A request keeps at most this many violations in the record. */
#define REC_VIOLATIONS_MAX 32
#define REC_CHUNK 1024

/* ---- findings ---------------------------------------------------------- */

void mock_findings_init(mock_findings *f)
{
    memset(f, 0, sizeof *f);
}

void mock_findings_free(mock_findings *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->items[i].path);
        free(f->items[i].message);
        free(f->items[i].hint);
        free(f->items[i].value);
    }
    free(f->items);
    for (size_t i = 0; i < f->n_notes; i++)
        free(f->notes[i]);
    free(f->notes);
    mock_findings_init(f);
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void mock_findings_add(mock_findings *f, const char *rule, const char *path,
                       const char *hint, const char *fmt, ...)
{
    if (f->count == MOCK_FINDINGS_MAX) {
        f->more++;
        return;
    }
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4;
        mock_finding *items = realloc(f->items, cap * sizeof *items);
        if (!items) {
            f->failed = true;
            return;
        }
        f->items = items;
        f->cap = cap;
    }
    mock_finding it = {.rule = rule};
    va_list ap;
    va_start(ap, fmt);
    it.message = quo_vformat(fmt, ap);
    va_end(ap);
    it.path = dup_or_null(path ? path : "");
    it.hint = dup_or_null(hint);
    if (!it.message || !it.path || (hint && !it.hint)) {
        free(it.message);
        free(it.path);
        free(it.hint);
        f->failed = true;
        return;
    }
    f->items[f->count++] = it;
}

void mock_findings_copy(mock_findings *to, const mock_findings *from)
{
    if (!from)
        return;
    for (size_t i = 0; i < from->count; i++) {
        const mock_finding *it = &from->items[i];
        mock_findings_add(to, it->rule, it->path, it->hint, "%s", it->message);
        if (it->value && to->count && !to->items[to->count - 1].value &&
            !(to->items[to->count - 1].value = dup_or_null(it->value)))
            to->failed = true;
    }
    for (size_t i = 0; i < from->n_notes; i++)
        mock_findings_note(to, "%s", from->notes[i]);
    to->more += from->more;
    if (from->failed)
        to->failed = true;
}

void mock_findings_value(mock_findings *f, const char *s, size_t n)
{
    if (!f->count || !s)
        return;
    mock_finding *it = &f->items[f->count - 1];
    char shown[160];
    mock_text_excerpt(shown, sizeof shown, s, n, 120);
    free(it->value);
    if (!(it->value = dup_or_null(shown)))
        f->failed = true;
}

void mock_findings_note(mock_findings *f, const char *fmt, ...)
{
    if (f->n_notes == f->notes_cap) {
        size_t cap = f->notes_cap ? f->notes_cap * 2 : 2;
        char **notes = realloc(f->notes, cap * sizeof *notes);
        if (!notes) {
            f->failed = true;
            return;
        }
        f->notes = notes;
        f->notes_cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = quo_vformat(fmt, ap);
    va_end(ap);
    if (!s) {
        f->failed = true;
        return;
    }
    f->notes[f->n_notes++] = s;
}

static void finding_json(quo_buf *b, const mock_finding *it)
{
    quo_buf_puts(b, "{\"rule\":");
    mock_buf_json_string(b, it->rule, strlen(it->rule));
    quo_buf_puts(b, ",\"path\":");
    mock_buf_json_string(b, it->path, strlen(it->path));
    quo_buf_puts(b, ",\"message\":");
    mock_buf_json_string(b, it->message, strlen(it->message));
    if (it->hint) {
        quo_buf_puts(b, ",\"hint\":");
        mock_buf_json_string(b, it->hint, strlen(it->hint));
    }
    if (it->value) {
        quo_buf_puts(b, ",\"value\":");
        mock_buf_json_string(b, it->value, strlen(it->value));
    }
    quo_buf_puts(b, "}");
}

/* Room kept for the closing "truncated" item. */
#define TRUNC_RESERVE 96

static void findings_json_into(quo_buf *b, const mock_findings *f, size_t max_bytes,
                               size_t max_items)
{
    size_t start = b->len;
    quo_buf_puts(b, "[");
    size_t i = 0;
    for (; i < f->count && i < max_items; i++) {
        size_t mark = b->len;
        if (i)
            quo_buf_puts(b, ",");
        finding_json(b, &f->items[i]);
        if (max_bytes && b->len - start + 1 > max_bytes - TRUNC_RESERVE && !b->failed) {
            b->len = mark;
            b->data[mark] = '\0';
            break;
        }
    }
    if (i < f->count || f->more)
        quo_buf_printf(b, "%s{\"rule\":\"truncated\",\"path\":\"\",\"message\":\"%zu more "
                           "violation(s) left out; the report lists up to %d\"}",
                        i ? "," : "", f->count - i + f->more, REC_VIOLATIONS_MAX);
    quo_buf_puts(b, "]");
}

char *mock_findings_json(const mock_findings *f, size_t max_bytes, size_t *len)
{
    quo_buf b;
    quo_buf_init(&b);
    if (max_bytes && max_bytes < 2 * TRUNC_RESERVE)
        max_bytes = 2 * TRUNC_RESERVE;
    findings_json_into(&b, f, max_bytes, (size_t)-1);
    return quo_buf_take(&b, len);
}

/* ---- the record -------------------------------------------------------- */

typedef struct rec_entry {
    uint64_t n;         /* request number, from 1 */
    int64_t ms;         /* wall clock when recorded */
    const char *method; /* static literal or owned copy */
    const char *path;
    char *ua;           /* NULL = no User-Agent */
    char *violations;   /* JSON array text, NULL = [] */
    char *notes;        /* JSON array of strings, NULL = none */
    char trace[48], task[48], forced[32];
    uint32_t client;
    uint32_t bytes;     /* what it costs the record's byte budget */
    int status;
    bool own_method, own_path, conforming, not_judged;
} rec_entry;

#define REC_REASONS 16

struct mock_record {
    pthread_mutex_t lock;
    mock_coverage *cov;
    const char *path;   /* the operation's path (the spec's, lives as long as it) */
    char *provenance;   /* JSON members, without braces */
    rec_entry **chunks;
    size_t n_chunks, chunks_cap;
    size_t n_entries;
    size_t max_entries, max_bytes, bytes;
    size_t evict;       /* next entry to look at when a conforming one must go */
    bool unsorted;      /* an evicted slot was reused: sort by n to render */
    uint64_t requests;
    size_t conforming, non_conforming, not_judged, forced, omitted, omitted_non;
    int64_t start_ms, first_ms, last_ms;
    const char *reasons[REC_REASONS];
    size_t reason_count[REC_REASONS];
    size_t malformed;  /* connections mock_record_reason_malformed() names */
    mock_clients clients;
    mock_peers peers;   /* connections without a judged request, by address */
    uint64_t generation;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* RFC 3339 UTC with milliseconds. */
static void put_time(quo_buf *b, int64_t ms)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char t[40];
    strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
    quo_buf_printf(b, "\"%s.%03dZ\"", t, (int)(ms % 1000));
}

static uint64_t fnv64(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void put_str(quo_buf *b, const char *s)
{
    mock_buf_json_string(b, s, strlen(s));
}

/* A string node of a gate tree in full (an embedded NUL is escaped, not
 * cut), or "" when node is not a string. */
static void put_json_str(quo_buf *b, const quo_json_doc *lengths, const cJSON *node)
{
    if (cJSON_IsString(node))
        mock_buf_json_string(b, node->valuestring, quo_json_strlen(lengths, node));
    else
        put_str(b, "");
}

/* What a report needs to say where its verdicts come from. */
static char *provenance(const quo_spec *spec, const quo_mock_options *o)
{
    quo_buf b;
    quo_buf_init(&b);
    const cJSON *doc = quo_spec_document(spec);
    const quo_json_doc *lengths = quo_spec_doc(spec);
    const cJSON *info = quo_json_member(lengths, doc, "info");
    const cJSON *title = quo_json_member(lengths, info, "title");
    const cJSON *ver = quo_json_member(lengths, info, "version");
    char *text = cJSON_PrintUnformatted(doc);
    quo_buf_puts(&b, "\"tool\":\"quo-mock\",\"version\":\"" QUO_VERSION "\",\"spec\":{\"title\":");
    put_json_str(&b, lengths, title);
    quo_buf_puts(&b, ",\"version\":");
    put_json_str(&b, lengths, ver);
    quo_buf_printf(&b, ",\"hash\":\"fnv1a64:%016llx\"},\"fixtures\":",
                   (unsigned long long)(text ? fnv64(text, strlen(text)) : 0));
    put_str(&b, o->fixtures_path ? o->fixtures_path : "compiled-in");
    quo_buf_printf(&b, ",\"options\":{\"maxBody\":%zu,\"maxHeader\":%zu,\"maxConnections\":%u,"
                   "\"timeout\":%u,\"maxDepth\":%u,\"recordMax\":%zu,\"rateLimit\":%u,"
                   "\"cors\":%s,\"faults\":",
                   o->max_body, o->max_header, o->max_connections, o->timeout_seconds,
                   o->max_depth, o->record_max ? o->record_max : QUO_MOCK_DEFAULT_RECORD_MAX,
                   o->rate_limit, o->cors ? "true" : "false");
    if (o->faults_path)
        put_str(&b, o->faults_path);
    else
        quo_buf_puts(&b, "null");
    quo_buf_puts(&b, "}");
    if (o->command_line) {
        quo_buf_puts(&b, ",\"commandLine\":");
        put_str(&b, o->command_line);
    }
    free(text);
    if (!text)
        b.failed = true;
    return quo_buf_take(&b, NULL);
}

mock_record *mock_record_new(const quo_spec *spec, const quo_mock_options *opts,
                             size_t max_bytes)
{
    mock_record *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return NULL;
    }
    quo_error err;
    r->max_entries = opts->record_max ? opts->record_max : QUO_MOCK_DEFAULT_RECORD_MAX;
    r->max_bytes = max_bytes;
    r->start_ms = now_ms();
    r->path = quo_spec_path(spec);
    if (mock_coverage_new(spec, &r->cov, &err) != QUO_OK || !(r->provenance = provenance(spec, opts))) {
        mock_record_free(r);
        return NULL;
    }
    return r;
}

static void entry_free(rec_entry *e)
{
    if (e->own_method)
        free((char *)e->method);
    if (e->own_path)
        free((char *)e->path);
    free(e->ua);
    free(e->violations);
    free(e->notes);
}

static void entries_clear(mock_record *r)
{
    for (size_t i = 0; i < r->n_entries; i++)
        entry_free(&r->chunks[i / REC_CHUNK][i % REC_CHUNK]);
    for (size_t i = 0; i < r->n_chunks; i++)
        free(r->chunks[i]);
    free(r->chunks);
    r->chunks = NULL;
    r->n_chunks = r->chunks_cap = r->n_entries = r->bytes = r->evict = 0;
    r->unsorted = false;
}

void mock_record_free(mock_record *r)
{
    if (!r)
        return;
    entries_clear(r);
    mock_clients_clear(&r->clients);
    mock_coverage_free(r->cov);
    free(r->provenance);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

const mock_coverage *mock_record_coverage(const mock_record *r)
{
    return r->cov;
}

void mock_record_reset(mock_record *r)
{
    pthread_mutex_lock(&r->lock);
    entries_clear(r);
    mock_clients_clear(&r->clients);
    mock_peers_clear(&r->peers);
    r->requests = 0;
    r->conforming = r->non_conforming = r->not_judged = r->forced = 0;
    r->omitted = r->omitted_non = 0;
    memset(r->reason_count, 0, sizeof r->reason_count);
    r->malformed = 0;
    r->start_ms = now_ms();
    r->first_ms = r->last_ms = 0;
    r->generation++;
    pthread_mutex_unlock(&r->lock);
}

/* Under the lock. */
static void count_reason(mock_record *r, const char *reason)
{
    r->generation++;
    for (size_t i = 0; i < REC_REASONS; i++) {
        if (!r->reasons[i])
            r->reasons[i] = reason;
        if (r->reasons[i] == reason || strcmp(r->reasons[i], reason) == 0) {
            r->reason_count[i]++;
            break;
        }
    }
}

void mock_record_unanswered(mock_record *r, const char *reason)
{
    pthread_mutex_lock(&r->lock);
    count_reason(r, reason);
    pthread_mutex_unlock(&r->lock);
}

bool mock_record_reason_malformed(const char *reason, int status)
{
    if (strcmp(reason, "answered-by-libmicrohttpd") == 0)
        return status == 400 || status == 505;
    return strcmp(reason, "no-request-line") == 0 || strcmp(reason, "tls-to-plain-port") == 0;
}

void mock_record_connection(mock_record *r, const char *reason, const char *peer, int status)
{
    int64_t now = now_ms();
    pthread_mutex_lock(&r->lock);
    count_reason(r, reason);
    if (mock_record_reason_malformed(reason, status))
        r->malformed++;
    mock_peer *p = mock_peers_get(&r->peers, peer ? peer : "?");
    if (p)
        mock_peer_event(p, reason, status, now);
    else
        r->peers.other++;
    pthread_mutex_unlock(&r->lock);
}

void mock_record_peer_seen(mock_record *r, const char *peer, const quo_mock_request *req)
{
    char id[MOCK_CLIENT_ID_MAX + 16];
    const char *source;
    mock_client_identify(req, id, sizeof id, &source);
    pthread_mutex_lock(&r->lock);
    mock_client *c = mock_clients_get(&r->clients, id, source, now_ms());
    mock_peer *p = c ? mock_peers_get(&r->peers, peer ? peer : "?") : NULL;
    if (p)
        mock_peer_client(p, (uint32_t)(c - r->clients.items));
    pthread_mutex_unlock(&r->lock);
}

/* A copy of s cut to REC_FIELD_MAX bytes, unless it is the usual value. */
static const char *field(const char *s, const char *usual, bool *owned, size_t *bytes)
{
    *owned = false;
    if (!s)
        return "";
    if (strcmp(s, usual) == 0)
        return usual;
    size_t n = strnlen(s, REC_FIELD_MAX);
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    *owned = true;
    *bytes += n + 1;
    return p;
}

static char *notes_json(const mock_findings *f)
{
    if (!f->n_notes)
        return NULL;
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_puts(&b, "[");
    for (size_t i = 0; i < f->n_notes; i++) {
        if (i)
            quo_buf_puts(&b, ",");
        mock_buf_json_string(&b, f->notes[i], strlen(f->notes[i]));
    }
    quo_buf_puts(&b, "]");
    return quo_buf_take(&b, NULL);
}

/* The string value of "name":"..." in a body the mock rendered itself
 * (ids and traces hold no quotes or escapes). */
static void body_string(const quo_mock_response *resp, const char *name, char *out,
                        size_t outsz)
{
    out[0] = '\0';
    if (!resp || !resp->body)
        return;
    /* Built by hand: this runs twice for every request recorded. */
    char pat[40];
    size_t nl = strlen(name);
    if (nl + 4 >= sizeof pat)
        return;
    pat[0] = '"';
    memcpy(pat + 1, name, nl);
    memcpy(pat + 1 + nl, "\":\"", 4); /* with the terminating NUL */
    const char *p = strstr(resp->body, pat);
    if (!p)
        return;
    p += nl + 4; /* past "name":" */
    size_t n = strcspn(p, "\"\\");
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static const char *req_header(const quo_mock_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const quo_mock_header *h = &req->headers[i];
        if (h->name && h->value && mock_text_ieq(h->name, strlen(h->name), name))
            return h->value;
    }
    return NULL;
}

/* The JSON text of v, a node of doc, in full: a string by its length (each
 * NUL written as \u0000), anything else from a copy that shows NULs so.
 * The caller frees it; NULL on ENOMEM or when no faithful copy exists. */
static char *value_text(const quo_json_doc *doc, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        quo_buf b;
        quo_buf_init(&b);
        mock_buf_json_string(&b, v->valuestring, quo_json_strlen(doc, v));
        return quo_buf_take(&b, NULL);
    }
    cJSON *copy = NULL;
    char *printed = NULL, *text = NULL;
    if (quo_json_copy(doc, v, &copy) == QUO_OK && copy)
        printed = quo_json_print(copy);
    quo_json_delete(copy);
    if (printed)
        text = strdup(printed);
    cJSON_free(printed);
    return text;
}

/* The findings with each body violation's offending value taken from the
 * answer's errors[] (the value the API echoes): a shallow copy whose
 * values[] the caller frees. */
static void attach_values(const mock_findings *f, const quo_mock_response *resp,
                          mock_findings *copy, char **values)
{
    *copy = *f;
    size_t n = f->count < REC_VIOLATIONS_MAX ? f->count : REC_VIOLATIONS_MAX;
    memset(values, 0, n * sizeof *values);
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any = any || (!f->items[i].value && strcmp(f->items[i].rule, "body") == 0);
    if (!any || !resp || !resp->body)
        return;
    /* The answer body is the mock's own, but it echoes client text that
     * may hold \u0000: read it through the gate and by full lengths. */
    quo_json_doc *doc = NULL;
    quo_error jerr = {0};
    if (quo_json_parse(resp->body, resp->body_len, QUO_JSON_NO_DEPTH_LIMIT, &doc, &jerr) != QUO_OK)
        return;
    const cJSON *errs = quo_json_member(doc, quo_json_root(doc), "errors");
    for (size_t i = 0; i < n && errs; i++) {
        if (f->items[i].value || strcmp(f->items[i].rule, "body") != 0)
            continue;
        const cJSON *e;
        cJSON_ArrayForEach(e, errs)
        {
            const cJSON *p = quo_json_member(doc, e, "path");
            const cJSON *v = quo_json_member(doc, e, "value");
            size_t plen = strlen(f->items[i].path);
            if (v && cJSON_IsString(p) && quo_json_strlen(doc, p) == plen &&
                memcmp(p->valuestring, f->items[i].path, plen) == 0) {
                char *text = value_text(doc, v);
                if (text) {
                    char shown[160];
                    mock_text_excerpt(shown, sizeof shown, text, strlen(text), 120);
                    values[i] = strdup(shown);
                    free(text);
                }
                break;
            }
        }
    }
    quo_json_free(doc);
}

typedef struct rec_pending {
    rec_entry e;
    size_t bytes;
    bool made;
    mock_findings f;  /* with values attached */
    mock_finding items[REC_VIOLATIONS_MAX];
    char *values[REC_VIOLATIONS_MAX];
    char client[MOCK_CLIENT_ID_MAX + 8];
    const char *source;
    mock_cov_bits cov;
} rec_pending;

/* Builds the entry outside the lock; e->made false on ENOMEM. */
static void entry_make(mock_record *r, const mock_record_info *in, rec_pending *p)
{
    const quo_mock_request *req = in->req;
    rec_entry *e = &p->e;
    memset(e, 0, sizeof *e);
    p->bytes = sizeof *e;
    e->status = in->resp ? in->resp->status : 0;
    e->not_judged = in->not_judged;
    e->conforming = in->f->count == 0 && !in->not_judged;
    if (in->forced)
        snprintf(e->forced, sizeof e->forced, "%s", in->forced);
    body_string(in->resp, "trace", e->trace, sizeof e->trace);
    body_string(in->resp, "taskId", e->task, sizeof e->task);
    mock_client_identify(req, p->client, sizeof p->client, &p->source);

    attach_values(in->f, in->resp, &p->f, p->values);
    size_t n = in->f->count < REC_VIOLATIONS_MAX ? in->f->count : REC_VIOLATIONS_MAX;
    for (size_t i = 0; i < n; i++) {
        p->items[i] = in->f->items[i];
        if (p->values[i])
            p->items[i].value = p->values[i];
    }
    p->f.items = p->items;
    p->f.count = in->f->count;
    if (p->f.count > REC_VIOLATIONS_MAX)
        p->f.items = in->f->items; /* the record shows 32 anyway; values skipped */

    bool post = req->method && strcmp(req->method, "POST") == 0 && req->path &&
                strcmp(req->path, r->path) == 0;
    memset(&p->cov, 0, sizeof p->cov);
    if (!in->not_judged) {
        if (post && e->conforming && in->body_cov)
            p->cov = *in->body_cov;
        mock_coverage_observe_status(r->cov, e->status, &p->cov);
    }

    p->made = false;
    e->method = field(req->method, "POST", &e->own_method, &p->bytes);
    e->path = field(req->path, "", &e->own_path, &p->bytes);
    if (!e->method || !e->path)
        return;
    const char *ua = req_header(req, "User-Agent");
    if (ua) {
        char shown[300];
        mock_text_excerpt(shown, sizeof shown, ua, strlen(ua), 256);
        if (!(e->ua = strdup(shown)))
            return;
        p->bytes += strlen(shown) + 1;
    }
    if (p->f.count) {
        quo_buf b;
        quo_buf_init(&b);
        findings_json_into(&b, &p->f, 0, REC_VIOLATIONS_MAX);
        e->violations = quo_buf_take(&b, NULL);
        if (!e->violations)
            return;
        p->bytes += strlen(e->violations) + 1;
    }
    if (in->f->n_notes) {
        e->notes = notes_json(in->f);
        if (!e->notes)
            return;
        p->bytes += strlen(e->notes) + 1;
    }
    p->made = true;
}

static rec_entry *slot(mock_record *r)
{
    size_t c = r->n_entries / REC_CHUNK;
    if (c == r->n_chunks) {
        if (r->n_chunks == r->chunks_cap) {
            size_t cap = r->chunks_cap ? r->chunks_cap * 2 : 8;
            rec_entry **chunks = realloc(r->chunks, cap * sizeof *chunks);
            if (!chunks)
                return NULL;
            r->chunks = chunks;
            r->chunks_cap = cap;
        }
        r->chunks[r->n_chunks] = malloc(REC_CHUNK * sizeof(rec_entry));
        if (!r->chunks[r->n_chunks])
            return NULL;
        r->n_chunks++;
    }
    return &r->chunks[c][r->n_entries % REC_CHUNK];
}

static rec_entry *entry_at(mock_record *r, size_t i)
{
    return &r->chunks[i / REC_CHUNK][i % REC_CHUNK];
}

/* The oldest kept conforming entry, to make room for a non-conforming one
 * (a certification needs every failure; passes are only counted). */
static rec_entry *evictable(mock_record *r)
{
    for (; r->evict < r->n_entries; r->evict++) {
        rec_entry *e = entry_at(r, r->evict);
        if (e->conforming)
            return e;
    }
    return NULL;
}

static bool keep(mock_record *r, rec_pending *p)
{
    if (!p->made)
        return false;
    p->e.bytes = p->bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)p->bytes;
    if (r->n_entries < r->max_entries && r->bytes + p->bytes <= r->max_bytes) {
        rec_entry *s = slot(r);
        if (!s)
            return false;
        *s = p->e;
        r->n_entries++;
        r->bytes += p->bytes;
        return true;
    }
    if (p->e.conforming || p->bytes > r->max_bytes)
        return false;
    rec_entry *old = evictable(r);
    /* One entry for another; failures may take a quarter more than the
     * byte budget, never more. */
    if (!old || r->bytes - old->bytes + p->bytes > r->max_bytes + r->max_bytes / 4)
        return false;
    r->bytes = r->bytes - old->bytes + p->bytes;
    entry_free(old);
    *old = p->e;
    r->evict++;
    r->unsorted = true;
    r->omitted++; /* the conforming one it replaced */
    return true;
}

void mock_record_add(mock_record *r, const mock_record_info *in)
{
    /* On the stack (about 2 KiB): this runs for every request. */
    rec_pending pending;
    rec_pending *p = &pending;
    entry_make(r, in, p);
    int64_t now = now_ms();
    pthread_mutex_lock(&r->lock);
    uint64_t n = ++r->requests;
    r->generation++;
    p->e.n = n;
    p->e.ms = now;
    if (!r->first_ms)
        r->first_ms = now;
    r->last_ms = now;
    bool non = in->f->count > 0;
    if (non)
        r->non_conforming++;
    else if (in->not_judged)
        r->not_judged++;
    else
        r->conforming++;
    if (in->forced)
        r->forced++;
    mock_client *c = mock_clients_get(&r->clients, p->client, p->source, now);
    if (c) {
        p->e.client = (uint32_t)(c - r->clients.items);
        c->requests++;
        c->last_ms = now;
        if (non)
            c->non_conforming++;
        else if (in->not_judged)
            c->not_judged++;
        else
            c->conforming++;
        if (in->forced)
            c->forced++;
        for (int k = 0; k < MOCK_COV_KINDS; k++)
            c->cov.bits[k] |= p->cov.bits[k];
        for (size_t i = 0; i < p->f.count && i < REC_VIOLATIONS_MAX; i++)
            mock_client_problem(c, &p->f.items[i], now, n);
    } else {
        p->e.client = UINT32_MAX;
    }
    bool kept = keep(r, p);
    if (!kept) {
        r->omitted++;
        if (non)
            r->omitted_non++;
    }
    pthread_mutex_unlock(&r->lock);
    if (!kept)
        entry_free(&p->e);
    for (size_t i = 0; i < REC_VIOLATIONS_MAX && i < in->f->count; i++)
        free(p->values[i]);
}

static const char *client_verdict(const mock_client *c)
{
    if (c->non_conforming)
        return "nonConforming";
    return c->conforming ? "conforming" : "notJudged";
}

uint64_t mock_record_generation(mock_record *r)
{
    pthread_mutex_lock(&r->lock);
    uint64_t g = r->generation;
    pthread_mutex_unlock(&r->lock);
    return g;
}

void mock_record_summary(mock_record *r, quo_mock_summary *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&r->lock);
    out->requests = (size_t)r->requests;
    out->conforming = r->conforming;
    out->non_conforming = r->non_conforming;
    out->omitted = r->omitted;
    out->omitted_non_conforming = r->omitted_non;
    out->not_judged = r->not_judged;
    out->forced = r->forced;
    for (size_t i = 0; i < REC_REASONS; i++)
        out->unanswered += r->reason_count[i];
    out->malformed_connections = r->malformed;
    out->clients = r->clients.count;
    for (size_t i = 0; i < r->clients.count; i++)
        if (r->clients.items[i].non_conforming)
            out->clients_non_conforming++;
    pthread_mutex_unlock(&r->lock);
}

int mock_record_require(mock_record *r, const char *items, char *missing, size_t missingsz)
{
    int n_missing = 0;
    size_t used = 0;
    missing[0] = '\0';
    pthread_mutex_lock(&r->lock);
    mock_cov_bits all = {{0}};
    for (size_t i = 0; i < r->clients.count; i++)
        for (int k = 0; k < MOCK_COV_KINDS; k++)
            all.bits[k] |= r->clients.items[i].cov.bits[k];
    const char *p = items;
    while (*p) {
        size_t len = strcspn(p, ",");
        mock_cov_kind kind;
        size_t at;
        int found = mock_coverage_find(r->cov, p, len, &kind, &at);
        if (len && (found < 0 || !(all.bits[kind] & (1u << at)))) {
            int w = snprintf(missing + used, missingsz - used, "%s%.*s", used ? ", " : "",
                             (int)len, p);
            if (w > 0 && (size_t)w < missingsz - used)
                used += (size_t)w;
            if (found < 0) {
                snprintf(missing, missingsz, "%.*s", (int)len, p);
                n_missing = -1;
                break;
            }
            n_missing++;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    pthread_mutex_unlock(&r->lock);
    return n_missing;
}

/* ---- the JSON report: the model every format is rendered from ---------- */

static void put_cov(quo_buf *b, const mock_coverage *m, const mock_cov_bits *bits)
{
    static const char *const names[] = {"shapes", "members", "statuses"};
    quo_buf_puts(b, "{");
    for (int k = 0; k < MOCK_COV_KINDS; k++) {
        quo_buf_printf(b, "%s\"%s\":{\"exercised\":[", k ? "," : "", names[k]);
        for (int pass = 0; pass < 2; pass++) {
            bool first = true;
            for (size_t i = 0; i < mock_coverage_count(m, (mock_cov_kind)k); i++) {
                bool hit = bits->bits[k] & (1u << i);
                if (hit != (pass == 0))
                    continue;
                if (!first)
                    quo_buf_puts(b, ",");
                first = false;
                put_str(b, mock_coverage_name(m, (mock_cov_kind)k, i));
            }
            quo_buf_puts(b, pass == 0 ? "],\"missing\":[" : "]}");
        }
    }
    quo_buf_puts(b, "}");
}

static void put_problem(quo_buf *b, const mock_problem *p)
{
    quo_buf_puts(b, "{\"rule\":");
    put_str(b, p->rule);
    quo_buf_puts(b, ",\"path\":");
    put_str(b, p->path);
    quo_buf_puts(b, ",\"message\":");
    put_str(b, p->message);
    if (p->hint) {
        quo_buf_puts(b, ",\"hint\":");
        put_str(b, p->hint);
    }
    if (p->value) {
        quo_buf_puts(b, ",\"value\":");
        put_str(b, p->value);
    }
    quo_buf_printf(b, ",\"count\":%zu,\"firstSeen\":", p->count);
    put_time(b, p->first_ms);
    quo_buf_puts(b, ",\"lastSeen\":");
    put_time(b, p->last_ms);
    quo_buf_printf(b, ",\"firstRequest\":%llu}", (unsigned long long)p->first_request);
}

/* {"reason":count,...} of one peer. */
static void put_peer_reasons(quo_buf *b, const mock_peer *p)
{
    quo_buf_puts(b, "{");
    for (size_t i = 0; i < MOCK_PEER_REASONS && p->reasons[i]; i++)
        quo_buf_printf(b, "%s\"%s\":%zu", i ? "," : "", p->reasons[i], p->reason_count[i]);
    quo_buf_puts(b, "}");
}

/* The connections attributed to client `index` (the only client seen from
 * their address), summed over its addresses; nothing when there are none. */
static void put_client_connections(quo_buf *b, const mock_record *r, long index)
{
    bool any = false;
    for (size_t i = 0; i < r->peers.count; i++) {
        const mock_peer *p = &r->peers.items[i];
        if (!p->events || mock_peer_sole_client(p) != index)
            continue;
        quo_buf_puts(b, any ? "," : ",\"connections\":[");
        quo_buf_puts(b, "{\"peer\":");
        put_str(b, p->addr);
        quo_buf_puts(b, ",\"unanswered\":");
        put_peer_reasons(b, p);
        quo_buf_puts(b, "}");
        any = true;
    }
    if (any)
        quo_buf_puts(b, "]");
}

/* "connections": what came from each address without a judged request. */
static void put_connections(quo_buf *b, const mock_record *r)
{
    quo_buf_puts(b, "],\n\"connections\":[");
    bool first = true;
    for (size_t i = 0; i < r->peers.count; i++) {
        const mock_peer *p = &r->peers.items[i];
        if (!p->events)
            continue;
        quo_buf_puts(b, first ? "\n" : ",\n");
        first = false;
        quo_buf_puts(b, "{\"peer\":");
        put_str(b, p->addr);
        long sole = mock_peer_sole_client(p);
        quo_buf_puts(b, ",\"attributedTo\":");
        if (sole >= 0 && (size_t)sole < r->clients.count) {
            put_str(b, r->clients.items[sole].id);
            quo_buf_puts(b, ",\"attributedBy\":\"the only client seen from this address\"");
        } else {
            char who[MOCK_PEER_TEXT + 32];
            snprintf(who, sizeof who, "unidentified peer %s", p->addr);
            put_str(b, who);
        }
        quo_buf_printf(b, ",\"clientsSeen\":%zu%s,\"connections\":%zu,\"unanswered\":",
                       p->n_clients, p->more_clients ? ",\"moreClients\":true" : "", p->events);
        put_peer_reasons(b, p);
        quo_buf_puts(b, ",\"libmicrohttpdStatuses\":{");
        for (size_t k = 0; k < MOCK_PEER_STATUSES && p->statuses[k]; k++)
            quo_buf_printf(b, "%s\"%d\":%zu", k ? "," : "", p->statuses[k], p->status_count[k]);
        quo_buf_puts(b, "},\"firstSeen\":");
        put_time(b, p->first_ms);
        quo_buf_puts(b, ",\"lastSeen\":");
        put_time(b, p->last_ms);
        quo_buf_puts(b, "}");
    }
    if (r->peers.other)
        quo_buf_printf(b, "%s{\"peer\":\"(other addresses)\",\"connections\":%zu}",
                       first ? "\n" : ",\n", r->peers.other);
}

static void put_client(quo_buf *b, const mock_record *r, const mock_client *c)
{
    quo_buf_puts(b, "{\"id\":");
    put_str(b, c->id);
    quo_buf_printf(b, ",\"idFrom\":\"%s\",\"verdict\":\"%s\",\"requests\":%zu,\"conforming\":%zu,"
                   "\"nonConforming\":%zu,\"notJudged\":%zu,\"forced\":%zu,\"firstSeen\":",
                   c->source, client_verdict(c), c->requests, c->conforming, c->non_conforming,
                   c->not_judged, c->forced);
    put_time(b, c->first_ms);
    quo_buf_puts(b, ",\"lastSeen\":");
    put_time(b, c->last_ms);
    quo_buf_puts(b, ",\"coverage\":");
    put_cov(b, r->cov, &c->cov);
    quo_buf_puts(b, ",\"problems\":[");
    for (size_t i = 0; i < c->n_problems; i++) {
        quo_buf_puts(b, i ? ",\n  " : "\n  ");
        put_problem(b, &c->problems[i]);
    }
    quo_buf_puts(b, "]");
    if (c->problems_dropped)
        quo_buf_printf(b, ",\"problemsOmitted\":%zu", c->problems_dropped);
    put_client_connections(b, r, (long)(c - r->clients.items));
    quo_buf_puts(b, "}");
}

static void put_entry(quo_buf *b, const mock_record *r, const rec_entry *e)
{
    quo_buf_printf(b, "{\"n\":%llu,\"time\":", (unsigned long long)e->n);
    put_time(b, e->ms);
    quo_buf_puts(b, ",\"client\":");
    put_str(b, e->client < r->clients.count ? r->clients.items[e->client].id : "");
    if (e->ua) {
        quo_buf_puts(b, ",\"userAgent\":");
        put_str(b, e->ua);
    }
    quo_buf_puts(b, ",\"method\":");
    put_str(b, e->method);
    quo_buf_puts(b, ",\"path\":");
    put_str(b, e->path);
    quo_buf_printf(b, ",\"status\":%d,\"conforming\":%s", e->status,
                   e->conforming ? "true" : "false");
    if (e->not_judged)
        quo_buf_puts(b, ",\"notJudged\":true");
    if (e->forced[0]) {
        quo_buf_puts(b, ",\"forced\":");
        put_str(b, e->forced);
    }
    if (e->trace[0]) {
        quo_buf_puts(b, ",\"trace\":");
        put_str(b, e->trace);
    }
    if (e->task[0]) {
        quo_buf_puts(b, ",\"taskId\":");
        put_str(b, e->task);
    }
    quo_buf_printf(b, ",\"violations\":%s", e->violations ? e->violations : "[]");
    if (e->notes)
        quo_buf_printf(b, ",\"hints\":%s", e->notes);
    quo_buf_puts(b, "}");
}

static int by_number(const void *a, const void *b)
{
    const rec_entry *x = *(const rec_entry *const *)a, *y = *(const rec_entry *const *)b;
    return x->n < y->n ? -1 : x->n > y->n;
}

static void render_json(mock_record *r, quo_buf *b)
{
    size_t clients_non = 0;
    for (size_t i = 0; i < r->clients.count; i++)
        clients_non += r->clients.items[i].non_conforming > 0;
    quo_buf_printf(b, "{\"summary\":{\"requests\":%llu,\"conforming\":%zu,\"nonConforming\":%zu",
                   (unsigned long long)r->requests, r->conforming, r->non_conforming);
    quo_buf_printf(b, ",\"notJudged\":%zu,\"forced\":%zu,\"omitted\":%zu,"
                   "\"omittedNonConforming\":%zu,\"clients\":%zu,\"clientsNonConforming\":%zu,"
                   "\"malformedConnections\":%zu,\"unanswered\":{",
                   r->not_judged, r->forced, r->omitted, r->omitted_non, r->clients.count,
                   clients_non, r->malformed);
    bool first = true;
    for (size_t i = 0; i < REC_REASONS && r->reasons[i]; i++) {
        if (!r->reason_count[i])
            continue;
        quo_buf_printf(b, "%s\"%s\":%zu", first ? "" : ",", r->reasons[i], r->reason_count[i]);
        first = false;
    }
    quo_buf_puts(b, "}},\n\"provenance\":{");
    quo_buf_puts(b, r->provenance);
    quo_buf_puts(b, ",\"timeSpan\":{\"start\":");
    put_time(b, r->start_ms);
    if (r->first_ms) {
        quo_buf_puts(b, ",\"firstRequest\":");
        put_time(b, r->first_ms);
        quo_buf_puts(b, ",\"lastRequest\":");
        put_time(b, r->last_ms);
    }
    quo_buf_puts(b, ",\"rendered\":");
    put_time(b, now_ms());
    quo_buf_puts(b, "}},\n\"clients\":[");
    for (size_t i = 0; i < r->clients.count && !b->failed; i++) {
        quo_buf_puts(b, i ? ",\n" : "\n");
        put_client(b, r, &r->clients.items[i]);
    }
    put_connections(b, r);
    quo_buf_puts(b, "],\n\"requests\":[");
    const rec_entry **order = NULL;
    if (r->unsorted && r->n_entries) {
        order = malloc(r->n_entries * sizeof *order);
        if (!order) {
            b->failed = true;
            return;
        }
        for (size_t i = 0; i < r->n_entries; i++)
            order[i] = entry_at(r, i);
        qsort(order, r->n_entries, sizeof *order, by_number);
    }
    for (size_t i = 0; i < r->n_entries && !b->failed; i++) {
        quo_buf_puts(b, i ? ",\n" : "\n");
        put_entry(b, r, order ? order[i] : entry_at(r, i));
    }
    free(order);
    quo_buf_puts(b, "\n]}\n");
}

char *mock_record_render(mock_record *r, quo_mock_report_format fmt, size_t *len)
{
    quo_buf b;
    quo_buf_init(&b);
    pthread_mutex_lock(&r->lock);
    render_json(r, &b);
    pthread_mutex_unlock(&r->lock);
    size_t n;
    char *json = quo_buf_take(&b, &n);
    if (!json || fmt == QUO_MOCK_REPORT_JSON) {
        if (len)
            *len = n;
        return json;
    }
    char *text = mock_report_render(json, n, fmt, len);
    free(json);
    return text;
}

quo_status mock_record_write(mock_record *r, const char *path, quo_mock_report_format fmt,
                             quo_error *err)
{
    size_t len;
    char *text = mock_record_render(r, fmt, &len);
    if (!text)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory rendering the report");
    quo_status st = quo_io_write_atomic(path, text, len, err);
    free(text);
    return st;
}
