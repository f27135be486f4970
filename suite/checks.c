/* suite/checks.c - see checks.h. */
#include "checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "quo/buf.h"
#include "quo/json.h"
#include "quo/response.h"
#include "registry.h"

#define QC_VALUE_EXCERPT 80

const char *qc_verdict_name(qc_verdict v)
{
    return v == QC_PASS ? "PASS" : v == QC_FAIL ? "FAIL" : "SKIP";
}

void qc_check_result_init(qc_check_result *r)
{
    r->verdict = QC_PASS;
    qc_strlist_init(&r->failures);
    r->note = NULL;
    r->task_id = NULL;
}

void qc_check_result_free(qc_check_result *r)
{
    qc_strlist_free(&r->failures);
    free(r->note);
    free(r->task_id);
    qc_check_result_init(r);
}

/* A server-sent string made printable and short for a message. */
static void excerpt(char *out, size_t outsz, const char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 8 < outsz; i++) {
        if (i >= QC_VALUE_EXCERPT) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7F || ch == '"' || ch == '\\')
            o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", ch);
        else
            out[o++] = (char)ch;
    }
    out[o] = '\0';
}

/* One check run's state, handed to the judge (registry.h's qc_judge_fn). */
struct qc_judge {
    const qc_check_input *in;
    qc_check_result *r;
    bool oom;
};
typedef struct qc_judge ctx;

static void fail(ctx *k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void fail(ctx *k, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!qc_strlist_add(&k->r->failures, msg))
        k->oom = true;
}

static void note(ctx *k, const char *text)
{
    free(k->r->note);
    k->r->note = qc_strdup(text);
    if (!k->r->note)
        k->oom = true;
}

static void accepted_list(const qc_case *c, char *out, size_t outsz)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->accept_count && o < outsz; i++)
        o += (size_t)snprintf(out + o, outsz - o, "%s%d", i ? " or " : "", c->accepts[i]);
}

static void check_status(ctx *k)
{
    const qc_case *c = k->in->c;
    int status = k->in->x->status;
    if (qc_case_accepts(c, status))
        return;
    char acc[64];
    accepted_list(c, acc, sizeof acc);
    fail(k, "status %d, expected %s", status, acc);
}

/* The spec's verdict on the response: documented status, media type,
 * strict JSON, schema and constants. */
static void check_conformance(ctx *k, const quo_response *resp)
{
    for (size_t i = 0; i < resp->violations.count; i++) {
        const quo_violation *v = &resp->violations.items[i];
        fail(k, "%s%s%s: %s", v->keyword, v->path[0] ? " at " : "", v->path, v->message);
    }
}

/* s[0..len) (a server string, which may hold \u0000) equals want. */
static bool same_text(const char *s, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(s, want, len) == 0;
}

/* A task id as recorded for the run (the report, and the duplicates check
 * of later cases, which see NUL-terminated text): "\\" for a backslash
 * and "\\u0000" for a NUL, an injective spelling, so "TK1\u0000b" stays
 * distinct from "TK1". NULL on ENOMEM. */
static char *recorded_id(const char *s, size_t len)
{
    quo_buf b;
    quo_buf_init(&b);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\0')
            quo_buf_puts(&b, "\\u0000");
        else if (s[i] == '\\')
            quo_buf_puts(&b, "\\\\");
        else
            quo_buf_putc(&b, s[i]);
    }
    return quo_buf_take(&b, NULL);
}

static const cJSON *task_object(const qc_check_input *in, const quo_response *resp)
{
    if (!resp->body || !in->list->task_member)
        return NULL;
    return quo_json_member(resp->doc, resp->body, in->list->task_member);
}

static void check_fields(ctx *k, const quo_response *resp, bool echo)
{
    const qc_case *c = k->in->c;
    const cJSON *task = task_object(k->in, resp);
    const char *wrap = k->in->list->task_member ? k->in->list->task_member : "";
    for (size_t i = 0; i < c->field_count; i++) {
        const qc_field *f = &c->fields[i];
        if ((f->mode == QC_FIELD_EQUAL) == echo)
            continue;
        const cJSON *v = quo_json_member(resp->doc, task, f->name);
        if (!v) {
            if (f->mode != QC_FIELD_IF_PRESENT)
                fail(k, "%s.%s is missing; expected \"%s\"", wrap, f->name, f->value);
            continue;
        }
        if (!cJSON_IsString(v)) {
            fail(k, "%s.%s is not a string; expected \"%s\"", wrap, f->name, f->value);
            continue;
        }
        if (!same_text(v->valuestring, quo_json_strlen(resp->doc, v), f->value)) {
            char got[QC_VALUE_EXCERPT * 4 + 8];
            excerpt(got, sizeof got, v->valuestring);
            fail(k, "%s.%s is \"%s\", expected \"%s\"%s", wrap, f->name, got, f->value,
                 f->mode == QC_FIELD_EQUAL ? " (the linked or owning resource)" : "");
        }
    }
}

static void check_task(ctx *k, const quo_response *resp)
{
    const qc_check_input *in = k->in;
    if (resp->kind != QUO_RESPONSE_TASK || !resp->task.task_id)
        return; /* status / conformance failures already said why */
    char *mine = recorded_id(resp->task.task_id, resp->task.task_id_len);
    if (!mine) {
        k->oom = true;
        return;
    }
    for (size_t i = 0; i < in->seen_count; i++) {
        if (in->seen_task_ids[i] && strcmp(in->seen_task_ids[i], mine) == 0) {
            char id[QC_VALUE_EXCERPT * 4 + 8];
            excerpt(id, sizeof id, resp->task.task_id);
            fail(k, "task id \"%s\" was already returned to another request of this run", id);
            break;
        }
    }
    free(mine);
    check_fields(k, resp, false);
}

static void check_errors_path(ctx *k, const quo_response *resp)
{
    const qc_case *c = k->in->c;
    const cJSON *errors = resp->error.errors;
    if (!errors) {
        note(k, "the 400 has no errors[] (allowed)");
        return;
    }
    const cJSON *item;
    quo_buf named;
    quo_buf_init(&named);
    bool hit = false;
    cJSON_ArrayForEach(item, errors)
    {
        const cJSON *path = quo_json_member(resp->doc, item, "path");
        if (!cJSON_IsString(path))
            continue;
        for (size_t i = 0; i < c->paths.count; i++)
            if (same_text(path->valuestring, quo_json_strlen(resp->doc, path), c->paths.items[i]))
                hit = true;
        char ex[QC_VALUE_EXCERPT * 4 + 8];
        excerpt(ex, sizeof ex, path->valuestring);
        quo_buf_printf(&named, "%s\"%s\"", named.len ? ", " : "", ex);
    }
    if (!hit) {
        quo_buf want;
        quo_buf_init(&want);
        for (size_t i = 0; i < c->paths.count; i++)
            quo_buf_printf(&want, "%s\"%s\"", i ? ", " : "", c->paths.items[i]);
        fail(k, "errors[] names none of the offending paths (%s); it names: %s",
             want.data ? want.data : "", named.data ? named.data : "nothing");
        if (want.failed)
            k->oom = true;
        quo_buf_free(&want);
    }
    if (named.failed)
        k->oom = true;
    quo_buf_free(&named);
}

/* Does an Allow value list `method` (comma-separated, case-sensitive per
 * RFC 9110, but servers vary in case: compare case-insensitively)? */
static bool allow_names(const char *allow, const char *method)
{
    size_t ml = strlen(method);
    const char *p = allow;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ", \t");
        if (n == ml && strncasecmp(p, method, ml) == 0)
            return true;
        p += n;
    }
    return false;
}

static void check_allow(ctx *k)
{
    const qc_exchange *x = k->in->x;
    if (x->status != 405) {
        char text[96];
        snprintf(text, sizeof text, "the server answers %d, not 405: nothing to check", x->status);
        note(k, text);
        k->r->verdict = QC_SKIP; /* judged nothing: not a pass */
        return;
    }
    const char *method = k->in->list->method ? k->in->list->method : "POST";
    const char *allow = qc_exchange_header(x, "Allow");
    if (!allow)
        fail(k, "405 without an Allow header");
    else if (!allow_names(allow, method)) {
        char ex[QC_VALUE_EXCERPT * 4 + 8];
        excerpt(ex, sizeof ex, allow);
        fail(k, "Allow: \"%s\" does not name %s", ex, method);
    }
}

/* The primary response a companion judges must be the one it can judge. */
static bool companion_ready(ctx *k, const quo_response *resp)
{
    const qc_case *c = k->in->c;
    bool ok = qc_case_accepts(c, k->in->x->status) && quo_response_conforms(resp);
    if (!ok) {
        char text[160];
        snprintf(text, sizeof text,
                 "no conforming %d to judge (the case it shares a request with failed)",
                 c->accept_count ? c->accepts[0] : 0);
        note(k, text);
        k->r->verdict = QC_SKIP;
    }
    return ok;
}

/* ---- the judges the registry's rows name (checks.h) ------------------- */

/* A primary's verdict: the status it accepts and the spec's verdict on the
 * response; a created task is a side effect the report lists, whatever
 * the case expected. */
void qc_judge_error(ctx *k, const quo_response *resp)
{
    check_status(k);
    check_conformance(k, resp);
    if (resp->kind == QUO_RESPONSE_TASK && resp->task.task_id &&
        !(k->r->task_id = recorded_id(resp->task.task_id, resp->task.task_id_len)))
        k->oom = true;
}

void qc_judge_task(ctx *k, const quo_response *resp)
{
    qc_judge_error(k, resp);
    check_task(k, resp);
}

void qc_judge_echo(ctx *k, const quo_response *resp)
{
    if (companion_ready(k, resp))
        check_fields(k, resp, true);
}

void qc_judge_errors_path(ctx *k, const quo_response *resp)
{
    if (companion_ready(k, resp))
        check_errors_path(k, resp);
}

void qc_judge_allow(ctx *k, const quo_response *resp)
{
    (void)resp; /* the headers decide */
    check_allow(k);
}

quo_status qc_check_run(const qc_check_input *in, qc_check_result *r)
{
    ctx k = {.in = in, .r = r};
    const qc_case *c = in->c;
    const qc_exchange *x = in->x;
    const qc_check *row = c->check ? c->check : qc_registry_match(c, NULL);
    r->verdict = QC_PASS;
    if (!x->done) {
        fail(&k, "the request was not sent");
    } else if (x->error) {
        fail(&k, "no response: %s", x->error);
    } else if (!row) {
        fail(&k, "no row of the check registry judges case %s", c->id);
    } else {
        quo_response resp;
        if (quo_response_parse(in->spec, x->status, x->content_type, x->body ? x->body : "",
                               x->body_len, &resp) != QUO_OK) {
            quo_response_free(&resp);
            return QUO_ENOMEM;
        }
        row->judge(&k, &resp);
        quo_response_free(&resp);
    }
    if (k.oom)
        return QUO_ENOMEM;
    if (r->failures.count)
        r->verdict = QC_FAIL;
    return QUO_OK;
}
