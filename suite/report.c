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
        case QC_OUT_NOT_RUN: out->not_run++; break;
        }
    }
}

/* Text from the server or the run, made safe for any report: secrets
 * replaced, valid UTF-8, cut at max bytes (0 = whole). */
static char *clean(const qc_report *r, const char *s, size_t n, size_t max)
{
    quo_buf u;
    quo_buf_init(&u);
    qc_buf_utf8(&u, s ? s : "", s ? n : 0, max);
    if (!u.data)
        quo_buf_append(&u, "", 0);
    char *out = u.failed ? NULL : qc_scrub(r->scrub, u.data, u.len);
    quo_buf_free(&u);
    return out;
}

static char *clean_str(const qc_report *r, const char *s)
{
    return clean(r, s, s ? strlen(s) : 0, 0);
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
    quo_buf_printf(&d, "\nspec: %s\naccepts:", cr->c->spec_pointer);
    for (size_t i = 0; i < cr->c->accept_count; i++)
        quo_buf_printf(&d, " %d", cr->c->accepts[i]);
    if (cr->x && cr->x->done && !cr->x->error) {
        size_t n;
        const char *body = exchange_body_excerpt_src(cr->x, &n);
        char *ex = clean(r, body, n, EXCERPT_MAX);
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
    quo_buf_printf(&b,
                  "<testsuites name=\"quo-conformance\" tests=\"%zu\" failures=\"%zu\" "
                  "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
                  n.selected, n.failed - crashed, crashed, n.skipped + n.not_run, r->seconds);
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
                      "time=\"%.6f\">\n",
                      tests, failures, errors, skipped, t);
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

/* ---- report.json ------------------------------------------------------ */

static bool add_str(cJSON *obj, const char *name, const qc_report *r, const char *s, size_t n,
                    size_t max)
{
    char *c = clean(r, s, n, max);
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
             cJSON_AddStringToObject(o, "result", outcome_name(cr->outcome)) &&
             add_cstr(o, "reason", r, cr->reason);
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
        !add_cstr(o, "spec", r, cfg->spec_path ? cfg->spec_path : "(compiled in)")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

char *qc_report_json(const qc_report *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *cases = cJSON_CreateArray();
    bool ok = root && cases && cJSON_AddStringToObject(root, "tool", "quo-conformance") &&
              cJSON_AddStringToObject(root, "verdict", r->passed ? "passed" : "failed") &&
              cJSON_AddBoolToObject(root, "strict", r->cfg->strict) &&
              add_cstr(root, "filter", r, r->cfg->filter) &&
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

static void md_status(quo_buf *b, const qc_case_result *cr)
{
    if (!cr->x || !cr->x->done)
        quo_buf_puts(b, "-");
    else if (cr->x->error)
        quo_buf_puts(b, "no response");
    else
        quo_buf_printf(b, "%d", cr->x->status);
}

static void md_failure(quo_buf *b, const qc_report *r, const qc_case_result *cr)
{
    const qc_case *c = cr->c;
    quo_buf_puts(b, "### `");
    md_cell(b, r, c->id, 0);
    quo_buf_printf(b, "` (%s, %s)\n\n", qc_level_name(c->level),
                  cr->outcome == QC_OUT_CRASHED ? "crashed" : "failed");
    md_cell(b, r, c->summary, 0);
    quo_buf_puts(b, ". Spec: `");
    md_cell(b, r, c->spec_pointer, 0);
    quo_buf_puts(b, "`. Accepts:");
    for (size_t i = 0; i < c->accept_count; i++)
        quo_buf_printf(b, " %d", c->accepts[i]);
    quo_buf_puts(b, "; got ");
    md_status(b, cr);
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
        char *ex = clean(r, body, n, 600);
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
    char *s = curl.failed ? NULL : clean(r, curl.data, curl.len, 0);
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
    md_status(b, cr);
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
    quo_buf_printf(b, "# quo-conformance: %s\n\n", r->passed ? "PASSED" : "FAILED");
    quo_buf_puts(b, "Target: `");
    md_cell(b, r, r->target, 0);
    quo_buf_printf(b, "`%s. %zu cases generated from the spec, %zu selected%s%s%s, run in %.2f s%s.\n\n",
                  r->cfg->embedded ? " (the embedded mock)" : "", n->generated, n->selected,
                  r->cfg->filter ? " by `" : "", r->cfg->filter ? r->cfg->filter : "",
                  r->cfg->filter ? "`" : "", r->seconds, r->cfg->strict ? " (strict)" : "");
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
        quo_buf_printf(&b, "\nlibcheck's TAP log: `%s`.\n", r->tap_file);
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

quo_status qc_commit_file(const char *dir, const char *from, const char *to, quo_error *err)
{
    char *src = join_path(dir, from);
    char *dst = join_path(dir, to);
    quo_status st = QUO_OK;
    if (!src || !dst) {
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    } else {
        int fd = open(src, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0)
            st = quo_error_set(err, QUO_EIO, 0, "cannot sync %s: %s", src, quo_errno_text(errno).text);
        if (fd >= 0)
            close(fd);
        if (st == QUO_OK && rename(src, dst) != 0)
            st = quo_error_set(err, QUO_EIO, 0, "cannot rename %s to %s: %s", src, dst,
                               quo_errno_text(errno).text);
        if (st == QUO_OK)
            quo_io_sync_dir(dir);
    }
    free(src);
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

quo_status qc_report_write(const qc_report *r, const char *dir, quo_error *err)
{
    static const char *const names[] = {"junit.xml", "report.json", "report.md", "report.html"};
    char *(*const render[])(const qc_report *) = {qc_report_junit, qc_report_json,
                                                  qc_report_markdown, qc_report_html};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names); i++) {
        char *text = render[i](r);
        if (!text)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory rendering %s", names[i]);
        quo_status st = qc_write_atomic(dir, names[i], text, strlen(text), err);
        free(text);
        if (st != QUO_OK)
            return st;
    }
    return QUO_OK;
}
