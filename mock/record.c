/* record.c - findings, the certification record and its reports. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "quo/io.h"
#include "quo/spec.h"

#include "record.h"
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
    if (i < f->count)
        quo_buf_printf(b, "%s{\"rule\":\"truncated\",\"path\":\"\",\"message\":\"%zu more "
                           "violation(s) left out; the report lists up to %d\"}",
                        i ? "," : "", f->count - i, REC_VIOLATIONS_MAX);
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
    const char *method; /* static literal or owned copy */
    const char *path;
    char *violations;   /* JSON array text, NULL = [] */
    char *notes;        /* JSON array of strings, NULL = none */
    int status;
    bool own_method, own_path, conforming;
} rec_entry;

struct mock_record {
    pthread_mutex_t lock;
    rec_entry **chunks;
    size_t n_chunks, chunks_cap;
    size_t n_entries;
    size_t max_entries, max_bytes, bytes;
    size_t requests, conforming, omitted;
};

mock_record *mock_record_new(size_t max_entries, size_t max_bytes)
{
    mock_record *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return NULL;
    }
    r->max_entries = max_entries;
    r->max_bytes = max_bytes;
    return r;
}

static void entry_free(rec_entry *e)
{
    if (e->own_method)
        free((char *)e->method);
    if (e->own_path)
        free((char *)e->path);
    free(e->violations);
    free(e->notes);
}

void mock_record_free(mock_record *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_entries; i++)
        entry_free(&r->chunks[i / REC_CHUNK][i % REC_CHUNK]);
    for (size_t i = 0; i < r->n_chunks; i++)
        free(r->chunks[i]);
    free(r->chunks);
    pthread_mutex_destroy(&r->lock);
    free(r);
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

/* Builds the entry outside the lock; false on ENOMEM. */
static bool entry_make(rec_entry *e, const char *method, const char *path, int status,
                       const mock_findings *f, size_t *bytes)
{
    memset(e, 0, sizeof *e);
    e->status = status;
    e->conforming = f->count == 0;
    e->method = field(method, "POST", &e->own_method, bytes);
    e->path = field(path, "", &e->own_path, bytes);
    if (!e->method || !e->path)
        return false;
    if (f->count) {
        quo_buf b;
        quo_buf_init(&b);
        findings_json_into(&b, f, 0, REC_VIOLATIONS_MAX);
        e->violations = quo_buf_take(&b, NULL);
        if (!e->violations)
            return false;
        *bytes += strlen(e->violations) + 1;
    }
    if (f->n_notes) {
        e->notes = notes_json(f);
        if (!e->notes)
            return false;
        *bytes += strlen(e->notes) + 1;
    }
    return true;
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

void mock_record_add(mock_record *r, const char *method, const char *path, int status,
                     const mock_findings *f)
{
    rec_entry e;
    size_t bytes = sizeof e;
    bool made = entry_make(&e, method, path, status, f, &bytes);
    bool kept = false;
    pthread_mutex_lock(&r->lock);
    r->requests++;
    if (f->count == 0)
        r->conforming++;
    if (made && r->n_entries < r->max_entries && r->bytes + bytes <= r->max_bytes) {
        rec_entry *s = slot(r);
        if (s) {
            *s = e;
            r->n_entries++;
            r->bytes += bytes;
            kept = true;
        }
    }
    if (!kept)
        r->omitted++;
    pthread_mutex_unlock(&r->lock);
    if (!kept)
        entry_free(&e);
}

void mock_record_summary(mock_record *r, quo_mock_summary *out)
{
    pthread_mutex_lock(&r->lock);
    out->requests = r->requests;
    out->conforming = r->conforming;
    out->non_conforming = r->requests - r->conforming;
    out->omitted = r->omitted;
    pthread_mutex_unlock(&r->lock);
}

/* ---- rendering ----------------------------------------------------------- */

static void render_json(mock_record *r, quo_buf *b)
{
    quo_buf_printf(b, "{\"summary\":{\"requests\":%zu,\"conforming\":%zu,\"nonConforming\":%zu",
                    r->requests, r->conforming, r->requests - r->conforming);
    if (r->omitted)
        quo_buf_printf(b, ",\"omitted\":%zu", r->omitted);
    quo_buf_puts(b, "},\n\"requests\":[");
    for (size_t i = 0; i < r->n_entries && !b->failed; i++) {
        const rec_entry *e = &r->chunks[i / REC_CHUNK][i % REC_CHUNK];
        quo_buf_puts(b, i ? ",\n{\"method\":" : "\n{\"method\":");
        mock_buf_json_string(b, e->method, strlen(e->method));
        quo_buf_puts(b, ",\"path\":");
        mock_buf_json_string(b, e->path, strlen(e->path));
        quo_buf_printf(b, ",\"status\":%d,\"conforming\":%s,\"violations\":%s", e->status,
                        e->conforming ? "true" : "false", e->violations ? e->violations : "[]");
        if (e->notes)
            quo_buf_printf(b, ",\"hints\":%s", e->notes);
        quo_buf_puts(b, "}");
    }
    quo_buf_puts(b, "\n]}\n");
}

/* Text safe inside a Markdown table cell or list item. */
static void md_text(quo_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7F)
            quo_buf_puts(b, " ");
        else if (strchr("|`*_[]<>\\#", c))
            quo_buf_printf(b, "\\%c", c);
        else
            quo_buf_append(b, s, 1);
    }
}

static const char *json_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void md_violations(quo_buf *b, const rec_entry *e)
{
    cJSON *arr = e->violations ? cJSON_Parse(e->violations) : NULL;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr)
    {
        const char *rule = json_str(v, "rule"), *path = json_str(v, "path");
        const char *msg = json_str(v, "message"), *hint = json_str(v, "hint");
        quo_buf_puts(b, "- **");
        md_text(b, rule ? rule : "?");
        quo_buf_puts(b, "**");
        if (path && *path) {
            quo_buf_puts(b, " at `");
            for (const char *p = path; *p; p++)
                quo_buf_append(b, (*p == '`' || (unsigned char)*p < 0x20) ? "'" : p, 1);
            quo_buf_puts(b, "`");
        }
        quo_buf_puts(b, ": ");
        md_text(b, msg ? msg : "");
        if (hint) {
            quo_buf_puts(b, "  \n  _Hint:_ ");
            md_text(b, hint);
        }
        quo_buf_puts(b, "\n");
    }
    if (e->violations && !arr)
        b->failed = true;
    cJSON_Delete(arr);
    cJSON *notes = e->notes ? cJSON_Parse(e->notes) : NULL;
    cJSON_ArrayForEach(v, notes)
    {
        if (!cJSON_IsString(v))
            continue;
        quo_buf_puts(b, "- _Note:_ ");
        md_text(b, v->valuestring);
        quo_buf_puts(b, "\n");
    }
    if (e->notes && !notes)
        b->failed = true;
    cJSON_Delete(notes);
}

static void md_request_line(quo_buf *b, size_t i, const rec_entry *e)
{
    quo_buf_printf(b, "### %zu. ", i + 1);
    md_text(b, e->method);
    quo_buf_puts(b, " ");
    md_text(b, e->path);
    quo_buf_printf(b, " → %d\n\n", e->status);
}

static void render_md(mock_record *r, quo_buf *b)
{
    size_t non = r->requests - r->conforming;
    quo_buf_puts(b, "# quo-mock certification report\n\n");
    if (r->requests == 0)
        quo_buf_puts(b, "**No requests were received.**\n\n");
    else if (non == 0)
        quo_buf_printf(b, "**Verdict: conforming.** All %zu request(s) followed the "
                           "contract of the spec's operation.\n\n", r->requests);
    else
        quo_buf_printf(b, "**Verdict: not conforming.** %zu of %zu request(s) broke the "
                           "contract of the spec's operation.\n\n", non, r->requests);
    quo_buf_puts(b, "| requests | conforming | non-conforming |\n|---:|---:|---:|\n");
    quo_buf_printf(b, "| %zu | %zu | %zu |\n\n", r->requests, r->conforming, non);
    if (r->omitted)
        quo_buf_printf(b, "The details of %zu request(s) were omitted (record limit); "
                           "they are counted above.\n\n", r->omitted);

    quo_buf_puts(b, "## Non-conforming requests\n\n");
    size_t shown = 0;
    for (size_t i = 0; i < r->n_entries && !b->failed; i++) {
        const rec_entry *e = &r->chunks[i / REC_CHUNK][i % REC_CHUNK];
        if (e->conforming)
            continue;
        md_request_line(b, i, e);
        md_violations(b, e);
        quo_buf_puts(b, "\n");
        shown++;
    }
    if (!shown)
        quo_buf_puts(b, "None.\n\n");

    quo_buf_puts(b, "## Notes on conforming requests\n\n");
    shown = 0;
    for (size_t i = 0; i < r->n_entries && !b->failed; i++) {
        const rec_entry *e = &r->chunks[i / REC_CHUNK][i % REC_CHUNK];
        if (!e->conforming || !e->notes)
            continue;
        md_request_line(b, i, e);
        md_violations(b, e);
        quo_buf_puts(b, "\n");
        shown++;
    }
    if (!shown)
        quo_buf_puts(b, "None.\n\n");

    quo_buf_puts(b, "## All requests\n\n| # | method | path | status | verdict |\n"
                     "|---:|---|---|---:|---|\n");
    for (size_t i = 0; i < r->n_entries && !b->failed; i++) {
        const rec_entry *e = &r->chunks[i / REC_CHUNK][i % REC_CHUNK];
        quo_buf_printf(b, "| %zu | ", i + 1);
        md_text(b, e->method);
        quo_buf_puts(b, " | ");
        md_text(b, e->path);
        quo_buf_printf(b, " | %d | %s |\n", e->status,
                        e->conforming ? "conforming" : "**not conforming**");
    }
}

char *mock_record_render(mock_record *r, quo_mock_report_format fmt, size_t *len)
{
    quo_buf b;
    quo_buf_init(&b);
    pthread_mutex_lock(&r->lock);
    if (fmt == QUO_MOCK_REPORT_MARKDOWN)
        render_md(r, &b);
    else
        render_json(r, &b);
    pthread_mutex_unlock(&r->lock);
    return quo_buf_take(&b, len);
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
