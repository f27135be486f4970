/* suite/report.c - see report.h. */
#include "quo/array.h"
#include "quo/io.h"
#include "report.h"
#include "report_html.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define EXCERPT_MAX 2048

const char *qc_run_end_name(qc_run_end e)
{
    static const char *const names[] = {"complete", "interrupted", "time-limit",
                                        "inconclusive", "rate-limited", "preflight-failed",
                                        "setup-error"};
    return (unsigned)e < QUO_ARRAY_SIZE(names) ? names[e] : "unknown";
}

const char *qc_run_verdict_name(qc_run_verdict v)
{
    return v == QC_RUN_PASSED ? "passed" : v == QC_RUN_FAILED ? "failed" : "inconclusive";
}

static const char *not_run_name(qc_not_run n)
{
    static const char *const names[] = {NULL, "ck-filter", "environment", "stopped",
                                        "preflight", "over-max-requests"};
    return (unsigned)n < QUO_ARRAY_SIZE(names) ? names[n] : NULL;
}

static const char *outcome_name(qc_outcome o)
{
    static const char *const names[] = {"passed", "failed", "skipped", "crashed", "not-run"};
    return names[o];
}

static bool is_failure(qc_outcome o)
{
    return o == QC_OUT_FAILED || o == QC_OUT_CRASHED;
}

void qc_report_count(const qc_report *r, qc_counts *out)
{
    memset(out, 0, sizeof *out);
    out->generated = r->cases->count;
    out->selected = r->count;
    for (size_t i = 0; i < r->count; i++) {
        const qc_case_result *cr = &r->results[i];
        switch (cr->outcome) {
        case QC_OUT_PASSED: out->passed++; out->run++; break;
        case QC_OUT_FAILED:
        case QC_OUT_CRASHED:
            out->failed++;
            out->run++;
            if (cr->c->level == QC_MUST)
                out->must_failed++;
            else
                out->should_failed++;
            break;
        case QC_OUT_SKIPPED: out->skipped++; break;
        case QC_OUT_NOT_RUN:
            out->not_run++;
            out->not_run_environment += cr->not_run == QC_NR_ENVIRONMENT;
            out->not_run_stopped += cr->not_run == QC_NR_STOPPED || cr->not_run == QC_NR_PREFLIGHT;
            out->not_run_budget += cr->not_run == QC_NR_BUDGET;
            break;
        }
    }
}

qc_run_verdict qc_report_verdict(const qc_report *r)
{
    qc_counts n;
    qc_report_count(r, &n);
    bool failed = n.must_failed > 0 || (r->cfg->strict && n.should_failed > 0);
    if (r->end != QC_END_COMPLETE)
        return QC_RUN_INCONCLUSIVE;
    if (failed)
        return QC_RUN_FAILED;
    return n.not_run_environment ? QC_RUN_INCONCLUSIVE : QC_RUN_PASSED;
}

/* The run's headline: PASSED, FAILED, INCONCLUSIVE, INTERRUPTED, ... */
static const char *headline(const qc_report *r)
{
    switch (r->end) {
    case QC_END_INTERRUPTED: return "INTERRUPTED";
    case QC_END_TIME_LIMIT: return "INTERRUPTED (run-time limit)";
    case QC_END_RATE_LIMITED: return "INCONCLUSIVE (rate-limited)";
    case QC_END_PREFLIGHT: return "INCONCLUSIVE (preflight failed)";
    case QC_END_SETUP: return "NOT RUN (setup error)";
    case QC_END_INCONCLUSIVE: return "INCONCLUSIVE";
    case QC_END_COMPLETE: break;
    }
    return r->verdict == QC_RUN_PASSED ? "PASSED" : r->verdict == QC_RUN_FAILED ? "FAILED"
                                                                                 : "INCONCLUSIVE";
}

/* Text from the server or the run, made safe for any report: secrets
 * replaced (first, on the whole text, so a cut cannot leave part of a
 * key), then valid UTF-8 cut at max bytes (0 = whole). */
char *qc_report_clean(const qc_report *r, const char *s, size_t n, size_t max)
{
    quo_buf sc; /* may hold NULs: kept with its length */
    quo_buf_init(&sc);
    qc_buf_scrubbed(&sc, r->scrub, s ? s : "", s ? n : 0);
    if (sc.failed)
        return NULL;
    quo_buf u;
    quo_buf_init(&u);
    qc_buf_utf8(&u, sc.data ? sc.data : "", sc.len, max);
    quo_buf_free(&sc);
    if (!u.data)
        quo_buf_append(&u, "", 0);
    char *out = quo_buf_take(&u, NULL);
    return out;
}

static char *clean_str(const qc_report *r, const char *s)
{
    return qc_report_clean(r, s, s ? strlen(s) : 0, 0);
}

static const char *exchange_body_excerpt_src(const qc_exchange *x, size_t *n)
{
    *n = x && x->body ? x->body_len : 0;
    return x && x->body ? x->body : "";
}

/* ---- curl reproducer -------------------------------------------------- */

/* A header line as a shell word: double quotes where a placeholder must
 * expand ($QUO_API_KEY), single quotes otherwise. */
static void shell_header(quo_buf *b, const char *line)
{
    if (!strstr(line, "$QUO_")) {
        qc_buf_shell_word(b, line, strlen(line));
        return;
    }
    quo_buf_putc(b, '"');
    for (const char *p = line; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '`' || (*p == '$' && strncmp(p, "$QUO_", 5) != 0))
            quo_buf_putc(b, '\\');
        quo_buf_putc(b, *p);
    }
    quo_buf_putc(b, '"');
}

void qc_report_curl(quo_buf *b, const qc_report *r, const qc_case *c)
{
    const qc_case_list *l = r->cases;
    const qc_case *req = &l->items[c->exchange];
    quo_buf_printf(b, "curl -sS -i -X %s \"$QUO_BASE_URL%s\"", req->method, l->path);
    qc_strlist lines;
    qc_strlist_init(&lines);
    if (!qc_case_headers(l, req, "$QUO_API_KEY", "$QUO_FORBIDDEN_API_KEY", &lines))
        b->failed = true;
    for (size_t i = 0; i < lines.count; i++) {
        quo_buf_puts(b, " \\\n  -H ");
        shell_header(b, lines.items[i]);
    }
    qc_strlist_free(&lines);
    if (req->body) {
        quo_buf_puts(b, " \\\n  --data-binary ");
        qc_buf_shell_word(b, req->body, req->body_len);
    }
    quo_buf_putc(b, '\n');
}

/* ---- junit.xml -------------------------------------------------------- */

static void xml_escaped(quo_buf *b, const qc_report *r, const char *s, bool attr)
{
    char *c = clean_str(r, s);
    if (!c) {
        b->failed = true;
        return;
    }
    qc_buf_xml(b, c, attr);
    free(c);
}

/* An attribute value. */
static void xml_text(quo_buf *b, const qc_report *r, const char *s)
{
    xml_escaped(b, r, s, true);
}

static void junit_details(quo_buf *b, const qc_report *r, const qc_case_result *cr)
{
    quo_buf d;
    quo_buf_init(&d);
    for (size_t i = 0; cr->failures && i < cr->failures->count; i++)
        quo_buf_printf(&d, "%s\n", cr->failures->items[i]);
    if (cr->reason)
        quo_buf_printf(&d, "%s\n", cr->reason);
    quo_buf_printf(&d, "\n%s because: %s\nspec: %s\naccepts:", qc_level_name(cr->c->level),
                   cr->c->source ? cr->c->source : "", cr->c->spec_pointer);
    for (size_t i = 0; i < cr->c->accept_count; i++)
        quo_buf_printf(&d, " %d", cr->c->accepts[i]);
    if (cr->x && cr->x->done && !cr->x->error) {
        size_t n;
        const char *body = exchange_body_excerpt_src(cr->x, &n);
        char *ex = qc_report_clean(r, body, n, EXCERPT_MAX);
        quo_buf_printf(&d, "\nresponse: %d %s\n%s\n", cr->x->status,
                      cr->x->content_type ? cr->x->content_type : "(no Content-Type)",
                      ex ? ex : "");
        free(ex);
    }
    quo_buf_puts(&d, "\nreproduce:\n");
    qc_report_curl(&d, r, cr->c);
    if (d.failed)
        b->failed = true;
    else
        xml_escaped(b, r, d.data, false);
    quo_buf_free(&d);
}

static void junit_case(quo_buf *b, const qc_report *r, const qc_case_result *cr)
{
    const qc_case *c = cr->c;
    double t = cr->x && c->exchange == (size_t)(c - r->cases->items) ? cr->x->seconds : 0;
    quo_buf_puts(b, "    <testcase classname=\"quo.");
    xml_text(b, r, c->suite);
    quo_buf_putc(b, '.');
    xml_text(b, r, c->tcase);
    quo_buf_puts(b, "\" name=\"");
    xml_text(b, r, c->id);
    quo_buf_printf(b, "\" time=\"%.6f\">\n", t);
    const char *first = cr->failures && cr->failures->count ? cr->failures->items[0] : NULL;
    if (cr->outcome == QC_OUT_FAILED || cr->outcome == QC_OUT_CRASHED) {
        const char *tag = cr->outcome == QC_OUT_FAILED ? "failure" : "error";
        quo_buf_printf(b, "      <%s type=\"%s\" message=\"", tag, qc_level_name(c->level));
        xml_text(b, r, first ? first : cr->reason ? cr->reason : "failed");
        quo_buf_puts(b, "\">");
        junit_details(b, r, cr);
        quo_buf_printf(b, "</%s>\n", tag);
    } else if (cr->outcome == QC_OUT_SKIPPED || cr->outcome == QC_OUT_NOT_RUN) {
        quo_buf_puts(b, "      <skipped message=\"");
        xml_text(b, r, cr->reason ? cr->reason : "not run");
        quo_buf_puts(b, "\"/>\n");
    } else {
        quo_buf_puts(b, "      <system-out>");
        xml_escaped(b, r, c->summary, false);
        if (cr->reason) {
            quo_buf_puts(b, " - ");
            xml_escaped(b, r, cr->reason, false);
        }
        quo_buf_puts(b, "</system-out>\n");
    }
    quo_buf_puts(b, "    </testcase>\n");
}

static void junit_timestamp(quo_buf *b, const qc_report *r)
{
    time_t t = (time_t)r->started;
    struct tm tm;
    char ts[32] = "1970-01-01T00:00:00";
    if (gmtime_r(&t, &tm))
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    quo_buf_printf(b, " timestamp=\"%s\" hostname=\"", ts);
    xml_text(b, r, r->hostname && *r->hostname ? r->hostname : "localhost");
    quo_buf_putc(b, '"');
}

/* The run's settings a reader must see next to the results. */
static void junit_properties(quo_buf *b, const qc_report *r)
{
    quo_buf_puts(b, "    <properties>\n      <property name=\"target\" value=\"");
    xml_text(b, r, r->target);
    quo_buf_printf(b, "\"/>\n      <property name=\"run\" value=\"%s\"/>\n",
                   qc_run_end_name(r->end));
    if (r->cfg->transport.insecure)
        quo_buf_puts(b, "      <property name=\"insecure\" value=\"true: TLS certificates were "
                        "NOT verified (--insecure)\"/>\n");
    quo_buf_puts(b, "    </properties>\n");
}

/* An early end becomes one error case, so a CI test view shows why. */
static void junit_end_suite(quo_buf *b, const qc_report *r)
{
    quo_buf_puts(b, "  <testsuite name=\"quo-conformance\" tests=\"1\" failures=\"0\" "
                    "errors=\"1\" skipped=\"0\" time=\"0\"");
    junit_timestamp(b, r);
    quo_buf_puts(b, ">\n");
    junit_properties(b, r);
    quo_buf_printf(b, "    <testcase classname=\"quo.run\" name=\"%s\" time=\"%.3f\">\n"
                      "      <error type=\"%s\" message=\"",
                   qc_run_end_name(r->end), r->seconds, qc_run_end_name(r->end));
    xml_text(b, r, r->end_reason ? r->end_reason : qc_run_end_name(r->end));
    quo_buf_puts(b, "\">");
    xml_escaped(b, r, "No conformance verdict: the cases not sent are reported as skipped "
                      "(not run), never as failures.", false);
    quo_buf_puts(b, "</error>\n    </testcase>\n  </testsuite>\n");
}

char *qc_report_junit(const qc_report *r)
{
    qc_counts n;
    qc_report_count(r, &n);
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    size_t crashed = 0;
    for (size_t i = 0; i < r->count; i++)
        crashed += r->results[i].outcome == QC_OUT_CRASHED;
    bool early = r->end != QC_END_COMPLETE;
    /* No `skipped` here: the common JUnit schema has none on <testsuites>. */
    quo_buf_printf(&b,
                  "<testsuites name=\"quo-conformance\" tests=\"%zu\" failures=\"%zu\" "
                  "errors=\"%zu\" time=\"%.3f\">\n",
                  n.selected + early, n.failed - crashed, crashed + early, r->seconds);
    if (early)
        junit_end_suite(&b, r);
    for (size_t i = 0; i < r->count;) {
        const char *suite = r->results[i].c->suite;
        size_t j = i, tests = 0, failures = 0, errors = 0, skipped = 0;
        double t = 0;
        for (; j < r->count && strcmp(r->results[j].c->suite, suite) == 0; j++) {
            const qc_case_result *cr = &r->results[j];
            tests++;
            failures += cr->outcome == QC_OUT_FAILED;
            errors += cr->outcome == QC_OUT_CRASHED;
            skipped += cr->outcome == QC_OUT_SKIPPED || cr->outcome == QC_OUT_NOT_RUN;
            if (cr->x && cr->c->exchange == (size_t)(cr->c - r->cases->items))
                t += cr->x->seconds;
        }
        quo_buf_puts(&b, "  <testsuite name=\"");
        xml_text(&b, r, suite);
        quo_buf_printf(&b,
                      "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                      "time=\"%.6f\"",
                      tests, failures, errors, skipped, t);
        junit_timestamp(&b, r);
        quo_buf_puts(&b, ">\n");
        junit_properties(&b, r);
        for (; i < j; i++)
            junit_case(&b, r, &r->results[i]);
        quo_buf_puts(&b, "  </testsuite>\n");
    }
    quo_buf_puts(&b, "</testsuites>\n");
    if (b.failed) {
        quo_buf_free(&b);
        return NULL;
    }
    char *out = qc_scrub(r->scrub, b.data, b.len);
    quo_buf_free(&b);
    return out;
}

/* ---- conformance.tap -------------------------------------------------- */

/* One TAP description: no '#' (it starts a directive) and no line break. */
static void tap_text(quo_buf *b, const qc_report *r, const char *s, size_t max)
{
    char *c = qc_report_clean(r, s, s ? strlen(s) : 0, max);
    if (!c) {
        b->failed = true;
        return;
    }
    for (const char *p = c; *p; p++)
        quo_buf_putc(b, *p == '#' ? '_' : *p == '\n' || *p == '\r' ? ' ' : *p);
    free(c);
}

char *qc_report_tap(const qc_report *r)
{
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_printf(&b, "TAP version 13\n1..%zu\n", r->count);
    for (size_t i = 0; i < r->count; i++) {
        const qc_case_result *cr = &r->results[i];
        const char *first = cr->failures && cr->failures->count ? cr->failures->items[0] : NULL;
        bool bad = is_failure(cr->outcome);
        quo_buf_printf(&b, "%s %zu - ", bad ? "not ok" : "ok", i + 1);
        tap_text(&b, r, cr->c->id, 0);
        quo_buf_printf(&b, " [%s]", qc_level_name(cr->c->level));
        if (cr->outcome == QC_OUT_SKIPPED || cr->outcome == QC_OUT_NOT_RUN) {
            quo_buf_puts(&b, cr->outcome == QC_OUT_NOT_RUN ? " # SKIP not run: " : " # SKIP ");
            tap_text(&b, r, cr->reason ? cr->reason : "skipped", 300);
        } else if (bad) {
            quo_buf_puts(&b, ": ");
            tap_text(&b, r, first ? first : cr->reason ? cr->reason : "failed", 300);
        }
        quo_buf_putc(&b, '\n');
    }
    if (r->end != QC_END_COMPLETE) {
        quo_buf_printf(&b, "# run %s: ", qc_run_end_name(r->end));
        tap_text(&b, r, r->end_reason ? r->end_reason : "", 0);
        quo_buf_putc(&b, '\n');
    }
    if (b.failed) {
        quo_buf_free(&b);
        return NULL;
    }
    char *out = qc_scrub(r->scrub, b.data, b.len);
    quo_buf_free(&b);
    return out;
}

/* ---- report.json ------------------------------------------------------ */

static bool add_str(cJSON *obj, const char *name, const qc_report *r, const char *s, size_t n,
                    size_t max)
{
    char *c = qc_report_clean(r, s, n, max);
    bool ok = c && cJSON_AddStringToObject(obj, name, c);
    free(c);
    return ok;
}

static bool add_cstr(cJSON *obj, const char *name, const qc_report *r, const char *s)
{
    return s ? add_str(obj, name, r, s, strlen(s), 0) : cJSON_AddNullToObject(obj, name) != NULL;
}

static cJSON *json_request(const qc_report *r, const qc_case *c)
{
    const qc_case *req = &r->cases->items[c->exchange];
    cJSON *o = cJSON_CreateObject();
    cJSON *h = cJSON_CreateArray();
    bool ok = o && h && cJSON_AddStringToObject(o, "method", req->method) &&
              add_cstr(o, "path", r, r->cases->path) && cJSON_AddItemToObject(o, "headers", h);
    if (!ok)
        cJSON_Delete(h);
    qc_strlist lines;
    qc_strlist_init(&lines);
    ok = ok && qc_case_headers(r->cases, req, "$QUO_API_KEY", "$QUO_FORBIDDEN_API_KEY", &lines);
    for (size_t i = 0; ok && i < lines.count; i++) {
        char *s = clean_str(r, lines.items[i]);
        cJSON *item = s ? cJSON_CreateString(s) : NULL;
        free(s);
        ok = item && cJSON_AddItemToArray(h, item);
        if (!ok)
            cJSON_Delete(item);
    }
    qc_strlist_free(&lines);
    if (ok && req->body)
        ok = add_str(o, "body", r, req->body, req->body_len, 0);
    else if (ok)
        ok = cJSON_AddNullToObject(o, "body") != NULL;
    if (ok && c->exchange != (size_t)(c - r->cases->items))
        ok = cJSON_AddStringToObject(o, "sharedWith", req->id) != NULL;
    quo_buf curl;
    quo_buf_init(&curl);
    qc_report_curl(&curl, r, c);
    ok = ok && !curl.failed && add_cstr(o, "curl", r, curl.data);
    quo_buf_free(&curl);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *json_response(const qc_report *r, const qc_exchange *x)
{
    if (!x || !x->done)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;
    if (ok && x->error)
        ok = add_cstr(o, "error", r, x->error);
    else if (ok) {
        size_t n;
        const char *body = exchange_body_excerpt_src(x, &n);
        ok = cJSON_AddNumberToObject(o, "status", x->status) &&
             add_cstr(o, "contentType", r, x->content_type) &&
             add_str(o, "bodyExcerpt", r, body, n, EXCERPT_MAX) &&
             cJSON_AddNumberToObject(o, "bodyBytes", (double)x->body_len);
    }
    ok = ok && cJSON_AddNumberToObject(o, "timeMs", x->seconds * 1000.0) &&
         cJSON_AddNumberToObject(o, "attempts", x->attempts);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *json_case(const qc_report *r, const qc_case_result *cr)
{
    const qc_case *c = cr->c;
    cJSON *o = cJSON_CreateObject();
    cJSON *acc = cJSON_CreateArray();
    cJSON *fails = cJSON_CreateArray();
    bool ok = o && acc && fails;
    if (ok) {
        ok = add_cstr(o, "id", r, c->id) &&
             cJSON_AddStringToObject(o, "level", qc_level_name(c->level)) &&
             cJSON_AddStringToObject(o, "suite", c->suite) &&
             cJSON_AddStringToObject(o, "tcase", c->tcase) &&
             add_cstr(o, "summary", r, c->summary) &&
             add_cstr(o, "specLocation", r, c->spec_pointer) &&
             add_cstr(o, "source", r, c->source) &&
             (!c->constraint || cJSON_AddStringToObject(o, "constraint", c->constraint)) &&
             cJSON_AddStringToObject(o, "result", outcome_name(cr->outcome)) &&
             add_cstr(o, "reason", r, cr->reason) &&
             (cr->outcome != QC_OUT_NOT_RUN || !not_run_name(cr->not_run) ||
              cJSON_AddStringToObject(o, "notRun", not_run_name(cr->not_run)));
    }
    for (size_t i = 0; ok && i < c->accept_count; i++) {
        cJSON *n = cJSON_CreateNumber(c->accepts[i]);
        ok = n && cJSON_AddItemToArray(acc, n);
    }
    ok = ok && cJSON_AddItemToObject(o, "accepts", acc);
    if (!ok)
        cJSON_Delete(acc);
    acc = NULL;
    for (size_t i = 0; ok && cr->failures && i < cr->failures->count; i++) {
        char *s = clean_str(r, cr->failures->items[i]);
        cJSON *n = s ? cJSON_CreateString(s) : NULL;
        free(s);
        ok = n && cJSON_AddItemToArray(fails, n);
        if (!ok)
            cJSON_Delete(n);
    }
    ok = ok && cJSON_AddItemToObject(o, "failures", fails);
    if (!ok)
        cJSON_Delete(fails);
    cJSON *req = ok ? json_request(r, c) : NULL;
    ok = req && cJSON_AddItemToObject(o, "request", req);
    if (!ok)
        cJSON_Delete(req);
    cJSON *resp = ok ? json_response(r, cr->x) : NULL;
    ok = resp && cJSON_AddItemToObject(o, "response", resp);
    if (!ok)
        cJSON_Delete(resp);
    ok = ok && add_cstr(o, "taskId", r, cr->task_id);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *json_strings(const qc_report *r, const qc_strlist *l)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && l && i < l->count; i++) {
        char *s = clean_str(r, l->items[i]);
        cJSON *n = s ? cJSON_CreateString(s) : NULL;
        free(s);
        if (!n || !cJSON_AddItemToArray(a, n)) {
            cJSON_Delete(n);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static cJSON *json_counts(const qc_report *r)
{
    qc_counts n;
    qc_report_count(r, &n);
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddNumberToObject(o, "generated", (double)n.generated) ||
        !cJSON_AddNumberToObject(o, "selected", (double)n.selected) ||
        !cJSON_AddNumberToObject(o, "run", (double)n.run) ||
        !cJSON_AddNumberToObject(o, "passed", (double)n.passed) ||
        !cJSON_AddNumberToObject(o, "failed", (double)n.failed) ||
        !cJSON_AddNumberToObject(o, "failedMust", (double)n.must_failed) ||
        !cJSON_AddNumberToObject(o, "failedShould", (double)n.should_failed) ||
        !cJSON_AddNumberToObject(o, "skipped", (double)n.skipped) ||
        !cJSON_AddNumberToObject(o, "notRun", (double)n.not_run) ||
        !cJSON_AddNumberToObject(o, "notRunEnvironment", (double)n.not_run_environment) ||
        !cJSON_AddNumberToObject(o, "notRunStopped", (double)n.not_run_stopped) ||
        !cJSON_AddNumberToObject(o, "discarded", (double)r->cases->discarded.count)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *json_target(const qc_report *r)
{
    const qc_config *cfg = r->cfg;
    cJSON *o = cJSON_CreateObject();
    if (!o || !add_cstr(o, "baseUrl", r, r->target) ||
        !cJSON_AddBoolToObject(o, "embedded", cfg->embedded) ||
        !cJSON_AddStringToObject(o, "faults",
                                 cfg->faults == QC_FAULTS_PREFER_HEADER ? "prefer-header" : "none") ||
        !cJSON_AddBoolToObject(o, "forbiddenKey", cfg->forbidden_key != NULL) ||
        !cJSON_AddNumberToObject(o, "rate", cfg->rate) ||
        !cJSON_AddNumberToObject(o, "timeout", cfg->timeout) ||
        !cJSON_AddNumberToObject(o, "maxRunTime", cfg->max_run_time) ||
        !cJSON_AddBoolToObject(o, "insecure", cfg->transport.insecure) ||
        !add_cstr(o, "cacert", r, cfg->transport.cacert) ||
        !add_cstr(o, "proxy", r, cfg->transport.proxy) ||
        !add_cstr(o, "spec", r, cfg->spec_path ? cfg->spec_path : "(compiled in)")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* "filter" and "exclude" (arrays of globs) and "maxRequests" (or null). */
static bool add_selection(cJSON *root, const qc_report *r)
{
    const qc_selection *sel = &r->cfg->select;
    const qc_strlist *lists[] = {&sel->filters, &sel->excludes};
    const char *names[] = {"filter", "exclude"};
    for (size_t i = 0; i < 2; i++) {
        cJSON *a = json_strings(r, lists[i]);
        if (!a || !cJSON_AddItemToObject(root, names[i], a)) {
            cJSON_Delete(a);
            return false;
        }
    }
    return sel->max_requests ? cJSON_AddNumberToObject(root, "maxRequests",
                                                       (double)sel->max_requests) != NULL
                             : cJSON_AddNullToObject(root, "maxRequests") != NULL;
}

char *qc_report_json(const qc_report *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *cases = cJSON_CreateArray();
    bool ok = root && cases && cJSON_AddStringToObject(root, "tool", "quo-conformance") &&
              cJSON_AddStringToObject(root, "verdict", qc_run_verdict_name(r->verdict)) &&
              cJSON_AddStringToObject(root, "run", qc_run_end_name(r->end)) &&
              cJSON_AddBoolToObject(root, "interrupted", r->end == QC_END_INTERRUPTED ||
                                                             r->end == QC_END_TIME_LIMIT) &&
              add_cstr(root, "runEndReason", r, r->end_reason) &&
              add_cstr(root, "createdTasksLedger", r, r->ledger_file) &&
              cJSON_AddBoolToObject(root, "strict", r->cfg->strict) &&
              add_selection(root, r) &&
              cJSON_AddNumberToObject(root, "seconds", r->seconds);
    cJSON *parts[] = {json_target(r), json_counts(r), json_strings(r, r->created),
                      json_strings(r, &r->cases->discarded)};
    const char *names[] = {"target", "counts", "createdTaskIds", "discarded"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(parts); i++) {
        if (ok && parts[i] && cJSON_AddItemToObject(root, names[i], parts[i]))
            continue;
        ok = false;
        cJSON_Delete(parts[i]);
    }
    if (ok)
        ok = add_cstr(root, "tapLog", r, r->tap_file);
    for (size_t i = 0; ok && i < r->count; i++) {
        cJSON *c = json_case(r, &r->results[i]);
        ok = c && cJSON_AddItemToArray(cases, c);
        if (!ok)
            cJSON_Delete(c);
    }
    ok = ok && cJSON_AddItemToObject(root, "cases", cases);
    if (!ok && cases && !cJSON_GetObjectItem(root, "cases"))
        cJSON_Delete(cases);
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return NULL;
    char *out = qc_scrub(r->scrub, text, strlen(text));
    cJSON_free(text);
    return out;
}

/* ---- report.md -------------------------------------------------------- */

static void md_cell(quo_buf *b, const qc_report *r, const char *s, size_t max)
{
    char *c = clean_str(r, s);
    if (!c) {
        b->failed = true;
        return;
    }
    qc_buf_md_cell(b, c, max);
    free(c);
}

void qc_report_put_got(quo_buf *b, const qc_case_result *cr, const char *none)
{
    if (!cr->x || !cr->x->done)
        quo_buf_puts(b, none);
    else if (cr->x->error)
        quo_buf_puts(b, "no response");
    else
        quo_buf_printf(b, "%d", cr->x->status);
}

/* How the cases were chosen: the --filter / --exclude globs, the cap. */
static void md_globs(quo_buf *b, const qc_report *r, const char *word, const qc_strlist *l)
{
    for (size_t i = 0; i < l->count; i++) {
        quo_buf_printf(b, "%s`", i ? ", " : word);
        md_cell(b, r, l->items[i], 0);
        quo_buf_puts(b, "`");
    }
}

static void md_selection(quo_buf *b, const qc_report *r, const qc_counts *n)
{
    const qc_selection *sel = &r->cfg->select;
    md_globs(b, r, " by ", &sel->filters);
    md_globs(b, r, sel->filters.count ? " excluding " : " (excluding ", &sel->excludes);
    if (!sel->filters.count && sel->excludes.count)
        quo_buf_puts(b, ")");
    if (n->not_run_budget)
        quo_buf_printf(b, "; %zu not run: over --max-requests %zu (listed below)",
                       n->not_run_budget, sel->max_requests);
}

static void md_failure(quo_buf *b, const qc_report *r, const qc_case_result *cr)
{
    const qc_case *c = cr->c;
    quo_buf_puts(b, "### `");
    md_cell(b, r, c->id, 0);
    quo_buf_printf(b, "` (%s, %s)\n\n", qc_level_name(c->level),
                  cr->outcome == QC_OUT_CRASHED ? "crashed" : "failed");
    md_cell(b, r, c->summary, 0);
    quo_buf_printf(b, ". %s because: ", qc_level_name(c->level));
    md_cell(b, r, c->source ? c->source : "", 0);
    quo_buf_puts(b, ". Spec: `");
    md_cell(b, r, c->spec_pointer, 0);
    quo_buf_puts(b, "`. Accepts:");
    for (size_t i = 0; i < c->accept_count; i++)
        quo_buf_printf(b, " %d", c->accepts[i]);
    quo_buf_puts(b, "; got ");
    qc_report_put_got(b, cr, "-");
    quo_buf_puts(b, ".\n\n");
    for (size_t i = 0; cr->failures && i < cr->failures->count; i++) {
        quo_buf_puts(b, "- ");
        md_cell(b, r, cr->failures->items[i], 0);
        quo_buf_putc(b, '\n');
    }
    if (cr->reason) {
        quo_buf_puts(b, "- ");
        md_cell(b, r, cr->reason, 0);
        quo_buf_putc(b, '\n');
    }
    if (cr->x && cr->x->done && !cr->x->error) {
        size_t n;
        const char *body = exchange_body_excerpt_src(cr->x, &n);
        char *ex = qc_report_clean(r, body, n, 600);
        /* A fence longer than any backtick run in the body. */
        quo_buf_puts(b, "\nResponse body:\n\n````text\n");
        for (const char *p = ex ? ex : ""; *p; p++)
            quo_buf_putc(b, *p == '`' ? '\'' : *p);
        quo_buf_puts(b, "\n````\n");
        free(ex);
    }
    quo_buf_puts(b, "\nReproduce:\n\n```sh\n");
    quo_buf curl;
    quo_buf_init(&curl);
    qc_report_curl(&curl, r, c);
    char *s = curl.failed ? NULL : qc_report_clean(r, curl.data, curl.len, 0);
    if (s)
        quo_buf_puts(b, s);
    else
        b->failed = true;
    free(s);
    quo_buf_free(&curl);
    quo_buf_puts(b, "```\n\n");
}

static void md_row(quo_buf *b, const qc_report *r, const qc_case_result *cr)
{
    const qc_case *c = cr->c;
    quo_buf_printf(b, "| %s | `", cr->outcome == QC_OUT_PASSED    ? "pass"
                                 : cr->outcome == QC_OUT_SKIPPED ? "skip"
                                 : cr->outcome == QC_OUT_NOT_RUN ? "not run"
                                                                 : "**FAIL**");
    md_cell(b, r, c->id, 0);
    quo_buf_printf(b, "` | %s | ", qc_level_name(c->level));
    qc_report_put_got(b, cr, "-");
    quo_buf_puts(b, " |");
    for (size_t i = 0; i < c->accept_count; i++)
        quo_buf_printf(b, " %d", c->accepts[i]);
    quo_buf_puts(b, " | ");
    const char *msg = cr->failures && cr->failures->count ? cr->failures->items[0] : cr->reason;
    md_cell(b, r, msg ? msg : c->summary, 160);
    quo_buf_puts(b, " |\n");
}

static void md_header(quo_buf *b, const qc_report *r, const qc_counts *n)
{
    quo_buf_printf(b, "# quo-conformance: %s\n\n", headline(r));
    if (r->end != QC_END_COMPLETE) {
        quo_buf_printf(b, "> **No conformance verdict: the run ended early (%s).** ",
                       qc_run_end_name(r->end));
        md_cell(b, r, r->end_reason ? r->end_reason : "", 0);
        quo_buf_puts(b, "\n> Cases not sent are listed as \"not run\", never as failures.\n\n");
    } else if (r->verdict == QC_RUN_INCONCLUSIVE) {
        quo_buf_printf(b, "> **No conformance verdict:** %zu case(s) got an answer from the "
                          "environment (a gateway, a load balancer, the network), not from "
                          "the API.\n\n", n->not_run_environment);
    }
    if (r->cfg->transport.insecure)
        quo_buf_puts(b, "> **WARNING: --insecure: TLS certificates were NOT verified.**\n\n");
    quo_buf_puts(b, "Target: `");
    md_cell(b, r, r->target, 0);
    quo_buf_printf(b, "`%s. %zu cases generated from the spec, %zu selected",
                   r->cfg->embedded ? " (the embedded mock)" : "", n->generated, n->selected);
    md_selection(b, r, n);
    quo_buf_printf(b, ", run in %.2f s%s.\n\n", r->seconds, r->cfg->strict ? " (strict)" : "");
    quo_buf_puts(b, "| Result | MUST | SHOULD | All |\n|---|---:|---:|---:|\n");
    size_t pm = 0, ps = 0, sm = 0, ss = 0, nm = 0, ns = 0;
    for (size_t i = 0; i < r->count; i++) {
        bool must = r->results[i].c->level == QC_MUST;
        qc_outcome o = r->results[i].outcome;
        if (o == QC_OUT_PASSED)
            must ? pm++ : ps++;
        else if (o == QC_OUT_SKIPPED)
            must ? sm++ : ss++;
        else if (o == QC_OUT_NOT_RUN)
            must ? nm++ : ns++;
    }
    quo_buf_printf(b, "| passed | %zu | %zu | %zu |\n", pm, ps, n->passed);
    quo_buf_printf(b, "| failed | %zu | %zu | %zu |\n", n->must_failed, n->should_failed, n->failed);
    quo_buf_printf(b, "| skipped | %zu | %zu | %zu |\n", sm, ss, n->skipped);
    if (n->not_run)
        quo_buf_printf(b, "| not run | %zu | %zu | %zu |\n", nm, ns, n->not_run);
    quo_buf_putc(b, '\n');
}

char *qc_report_markdown(const qc_report *r)
{
    qc_counts n;
    qc_report_count(r, &n);
    quo_buf b;
    quo_buf_init(&b);
    md_header(&b, r, &n);
    if (n.failed) {
        quo_buf_puts(&b, "## Failures\n\nEach reproducer expects `QUO_BASE_URL` and `QUO_API_KEY` "
                        "(and `QUO_FORBIDDEN_API_KEY` for 403 cases) in the environment");
        if (r->cfg->embedded)
            quo_buf_puts(&b, "; the embedded mock stopped with the run, so start `quo-mock` "
                            "(default fixtures, docs/mock.md) and point `QUO_BASE_URL` at it");
        quo_buf_puts(&b, ". Rerun one case with `quo-conformance --filter ID`.\n\n");
        for (size_t i = 0; i < r->count; i++)
            if (is_failure(r->results[i].outcome))
                md_failure(&b, r, &r->results[i]);
    }
    quo_buf_puts(&b, "## Cases\n\n| Result | Case | Level | Got | Accepts | Detail |\n"
                    "|---|---|---|---|---|---|\n");
    static const qc_outcome order[] = {QC_OUT_CRASHED, QC_OUT_FAILED, QC_OUT_SKIPPED,
                                       QC_OUT_NOT_RUN, QC_OUT_PASSED};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(order); k++)
        for (size_t i = 0; i < r->count; i++)
            if (r->results[i].outcome == order[k])
                md_row(&b, r, &r->results[i]);
    quo_buf_printf(&b, "\n## Tasks created by this run (%zu)\n\n", r->created->count);
    if (!r->created->count)
        quo_buf_puts(&b, "None.\n");
    for (size_t i = 0; i < r->created->count; i++) {
        quo_buf_puts(&b, "- `");
        md_cell(&b, r, r->created->items[i], 0);
        quo_buf_puts(&b, "`\n");
    }
    if (r->cases->discarded.count) {
        quo_buf_puts(&b, "\n## Generated but not used\n\n");
        for (size_t i = 0; i < r->cases->discarded.count; i++) {
            quo_buf_puts(&b, "- ");
            md_cell(&b, r, r->cases->discarded.items[i], 0);
            quo_buf_putc(&b, '\n');
        }
    }
    if (r->tap_file)
        quo_buf_printf(&b, "\nTAP log: `%s`.\n", r->tap_file);
    if (r->ledger_file)
        quo_buf_printf(&b, "Created-task ledger (written as the run went, including tasks "
                           "whose id is unknown): `%s`.\n", r->ledger_file);
    if (b.failed) {
        quo_buf_free(&b);
        return NULL;
    }
    char *out = qc_scrub(r->scrub, b.data, b.len);
    quo_buf_free(&b);
    return out;
}

/* ---- files ----------------------------------------------------------- */

static char *join_path(const char *dir, const char *name)
{
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_printf(&b, "%s/%s", dir, name);
    return quo_buf_take(&b, NULL);
}

quo_status qc_write_atomic(const char *dir, const char *name, const char *text, size_t len,
                           quo_error *err)
{
    char *dst = join_path(dir, name);
    if (!dst)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    quo_status st = quo_io_write_atomic(dst, text, len, err);
    free(dst);
    return st;
}

quo_status qc_ensure_dir(const char *dir, quo_error *err)
{
    char *copy = qc_strdup(dir);
    if (!copy)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            quo_status st = quo_error_set(err, QUO_EIO, 0, "cannot create %s: %s", copy,
                                          quo_errno_text(errno).text);
            free(copy);
            return st;
        }
        *p = '/';
    }
    free(copy);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return quo_error_set(err, QUO_EIO, 0, "cannot create report directory %s: %s", dir,
                             quo_errno_text(errno).text);
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return quo_error_set(err, QUO_EIO, 0, "report directory %s is not a directory", dir);
    if (access(dir, W_OK | X_OK) != 0)
        return quo_error_set(err, QUO_EIO, 0, "report directory %s is not writable: %s", dir,
                             quo_errno_text(errno).text);
    return QUO_OK;
}

/* Writes text to dir/.name.tmp.PID and fsyncs it; *tmp gets the path. */
static quo_status write_temp(const char *dir, const char *name, const char *text, char **tmp,
                             quo_error *err)
{
    quo_buf p;
    quo_buf_init(&p);
    quo_buf_printf(&p, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    *tmp = quo_buf_take(&p, NULL);
    if (!*tmp)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    int fd = open(*tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return quo_error_set(err, QUO_EIO, 0, "cannot create %s: %s", *tmp, quo_errno_text(errno).text);
    size_t len = strlen(text), off = 0;
    int e = 0;
    while (off < len && !e) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            e = w < 0 ? errno : EIO;
        else
            off += (size_t)w;
    }
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e)
        return quo_error_set(err, QUO_EIO, 0, "cannot write %s/%s: %s", dir, name, quo_errno_text(e).text);
    return QUO_OK;
}

quo_status qc_report_write(const qc_report *r, const char *dir, quo_error *err)
{
    enum { N = 5 };
    const char *names[N] = {"junit.xml", "report.json", "report.md", "report.html",
                            r->tap_file ? r->tap_file : "conformance.tap"};
    char *(*const render[N])(const qc_report *) = {qc_report_junit, qc_report_json,
                                                   qc_report_markdown, qc_report_html,
                                                   qc_report_tap};
    char *tmp[N] = {NULL};
    quo_status st = QUO_OK;
    for (size_t i = 0; i < N && st == QUO_OK; i++) {
        char *text = render[i](r);
        st = text ? write_temp(dir, names[i], text, &tmp[i], err)
                  : quo_error_set(err, QUO_ENOMEM, 0, "out of memory rendering %s", names[i]);
        free(text);
    }
    /* All written: rename them all. Otherwise none is renamed. */
    for (size_t i = 0; i < N && st == QUO_OK; i++) {
        char *dst = join_path(dir, names[i]);
        if (!dst || rename(tmp[i], dst) != 0)
            st = quo_error_set(err, QUO_EIO, 0, "cannot rename %s into place: %s", names[i],
                               dst ? quo_errno_text(errno).text : "out of memory");
        free(dst);
        if (st == QUO_OK) {
            free(tmp[i]);
            tmp[i] = NULL;
        }
    }
    for (size_t i = 0; i < N; i++) {
        if (tmp[i])
            unlink(tmp[i]);
        free(tmp[i]);
    }
    if (st == QUO_OK)
        quo_io_sync_dir(dir);
    return st;
}
