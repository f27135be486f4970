/* suite/report_html.c - see report_html.h. */
#include "report_html.h"

#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo/buf.h"

/* Bytes of a response body shown (as in report.json). */
#define HTML_EXCERPT_MAX 2048
/* Bytes of the one-line detail in the case table. */
#define HTML_DETAIL_MAX 200

/* The three result classes the filters know; crashed counts as failed and
 * not-run as skipped, as in the verdict and the counts. */
static const char *result_class(qc_outcome o)
{
    switch (o) {
    case QC_OUT_PASSED: return "r-pass";
    case QC_OUT_FAILED:
    case QC_OUT_CRASHED: return "r-fail";
    case QC_OUT_SKIPPED:
    case QC_OUT_NOT_RUN: break;
    }
    return "r-skip";
}

static const char *result_label(qc_outcome o)
{
    static const char *const labels[] = {"pass", "FAIL", "skip", "CRASH", "not run"};
    return labels[o];
}

static bool failed(qc_outcome o)
{
    return o == QC_OUT_FAILED || o == QC_OUT_CRASHED;
}

/* Text from the run or the server as HTML: valid UTF-8 (cut after max
 * source bytes, 0 = whole), secrets replaced, then escaped. */
static void put_text(quo_buf *b, const qc_report *r, const char *s, size_t n, size_t max)
{
    char *clean = qc_report_clean(r, s, n, max);
    if (clean)
        quo_buf_put_html(b, clean, strlen(clean));
    else
        b->failed = true;
    free(clean);
}

static void put_str(quo_buf *b, const qc_report *r, const char *s)
{
    put_text(b, r, s, s ? strlen(s) : 0, 0);
}

/* The classes every filterable element carries: c, level, result. */
static void put_filter_classes(quo_buf *b, const qc_case_result *cr)
{
    quo_buf_printf(b, "c %s %s", cr->c->level == QC_MUST ? "l-must" : "l-should",
                   result_class(cr->outcome));
}

static void put_accepts(quo_buf *b, const qc_case *c)
{
    for (size_t i = 0; i < c->accept_count; i++)
        quo_buf_printf(b, "%s%d", i ? " " : "", c->accepts[i]);
}

/* ---- style ------------------------------------------------------------ */

/* The filters, one radio each: id "<group>-<value>", the label shown, and
 * the class an element needs to stay visible while it is checked (NULL:
 * "all"). A checked radio hides every .c element of <main> without that
 * class; the radios precede <nav> and <main> as siblings for the CSS. */
static const struct filter {
    const char *id, *label, *keeps;
} filters[] = {
    {"fl-all", "all", NULL},      {"fl-must", "MUST", "l-must"}, {"fl-should", "SHOULD", "l-should"},
    {"fr-all", "all", NULL},      {"fr-fail", "fail", "r-fail"}, {"fr-pass", "pass", "r-pass"},
    {"fr-skip", "skip", "r-skip"},
};

static const char css[] =
    ":root{--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--ink:#1f2328;--mute:#59636e;"
    "--line:#d1d9e0;--soft:#f6f8fa}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:var(--ink);background:#fff}"
    "header.verdict{padding:28px 40px;color:#fff}"
    "header.v-pass{background:linear-gradient(135deg,#1a7f37,#2da44e)}"
    "header.v-fail{background:linear-gradient(135deg,#a40e26,#cf222e)}"
    "header h1{margin:0;font-size:44px;letter-spacing:.04em}"
    "header p{margin:6px 0 0;font-size:16px;opacity:.95}"
    "header code{background:rgba(255,255,255,.18);color:#fff}"
    "main,nav,.summary{padding:0 40px}"
    "h2{font-size:20px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}"
    "code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
    "code{background:var(--soft);padding:1px 5px;border-radius:4px}"
    "pre{background:#0d1117;color:#e6edf3;padding:12px 14px;border-radius:6px;overflow:auto;"
    "white-space:pre-wrap;word-break:break-all;margin:6px 0 12px}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);"
    "vertical-align:top}"
    "th{background:var(--soft);font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".summary table{width:auto;margin-top:20px}"
    ".cards{display:flex;gap:14px;flex-wrap:wrap;margin-top:20px}"
    ".card{border:1px solid var(--line);border-radius:8px;padding:10px 18px;min-width:130px}"
    ".card b{display:block;font-size:28px}"
    ".card.k-pass b{color:var(--pass)}.card.k-fail b{color:var(--fail)}"
    ".card.k-skip b{color:var(--skip)}"
    ".f-radio{position:absolute;opacity:0;pointer-events:none}"
    "nav{margin-top:24px;display:flex;gap:28px;flex-wrap:wrap;align-items:center;"
    "position:sticky;top:0;background:#fff;padding-top:10px;padding-bottom:10px;"
    "border-bottom:1px solid var(--line);z-index:1}"
    "nav span{color:var(--mute);margin-right:6px}"
    "nav label{display:inline-block;padding:3px 12px;border:1px solid var(--line);"
    "border-radius:14px;cursor:pointer;margin-right:4px;user-select:none}"
    ".badge{display:inline-block;min-width:52px;text-align:center;padding:0 8px;"
    "border-radius:10px;font-size:12px;font-weight:700;color:#fff}"
    ".b-pass{background:var(--pass)}.b-fail{background:var(--fail)}"
    ".b-skip{background:var(--skip)}"
    ".lvl{font-size:12px;font-weight:600;color:var(--mute)}"
    ".tiles{line-height:0;width:55%}"
    ".t{display:inline-block;width:14px;height:14px;margin:0 3px 3px 0;border-radius:3px;"
    "vertical-align:top}"
    ".t.r-pass{background:var(--pass)}.t.r-fail{background:var(--fail)}"
    ".t.r-skip{background:#d4a72c}"
    ".t.l-should{opacity:.55;border-radius:50%}"
    ".t:hover{outline:2px solid var(--ink)}"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    ".legend{color:var(--mute);font-size:13px}"
    ".legend .t{margin:0 4px 0 10px;vertical-align:middle}"
    "article.failure{border:1px solid var(--line);border-left:5px solid var(--fail);"
    "border-radius:6px;padding:4px 18px 8px;margin:14px 0}"
    "article.failure.l-should{border-left-color:var(--skip)}"
    "article h3{margin:10px 0 4px;font-size:16px}"
    "article ul{margin:6px 0;padding-left:22px}"
    "article li{color:var(--fail)}"
    ".meta{color:var(--mute);font-size:13px}"
    "footer{padding:24px 40px 40px;color:var(--mute);font-size:13px}"
    "td.detail{max-width:560px;overflow-wrap:anywhere}"
    "td.id{white-space:nowrap}";

static void put_filter_css(quo_buf *b)
{
    const char *sep = "";
    for (size_t i = 0; i < QUO_ARRAY_SIZE(filters); i++) {
        if (!filters[i].keeps)
            continue;
        quo_buf_printf(b, "%s#%s:checked~main .c:not(.%s)", sep, filters[i].id, filters[i].keeps);
        sep = ",";
    }
    quo_buf_puts(b, "{display:none}");
    /* The chosen pill, and keyboard focus on the (hidden) radio. */
    static const char *const states[][2] = {
        {"checked", "{background:var(--ink);color:#fff;border-color:var(--ink)}"},
        {"focus-visible", "{outline:2px solid #0969da}"},
    };
    for (size_t k = 0; k < QUO_ARRAY_SIZE(states); k++) {
        for (size_t i = 0; i < QUO_ARRAY_SIZE(filters); i++)
            quo_buf_printf(b, "%s#%s:%s~nav label[for=%s]", i ? "," : "", filters[i].id,
                           states[k][0], filters[i].id);
        quo_buf_puts(b, states[k][1]);
    }
}

/* ---- parts of the page ------------------------------------------------ */

static void put_head(quo_buf *b, const qc_report *r)
{
    quo_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>quo-conformance: ");
    quo_buf_puts(b, r->passed ? "PASSED" : "FAILED");
    quo_buf_puts(b, " &ndash; ");
    put_str(b, r, r->target);
    quo_buf_puts(b, "</title>\n<style>");
    quo_buf_puts(b, css);
    put_filter_css(b);
    quo_buf_puts(b, "</style>\n</head>\n<body>\n");
}

static void put_verdict(quo_buf *b, const qc_report *r, const qc_counts *n)
{
    quo_buf_printf(b, "<header class=\"verdict %s\">\n<h1 id=\"verdict\">%s</h1>\n<p>",
                   r->passed ? "v-pass" : "v-fail", r->passed ? "PASSED" : "FAILED");
    if (r->passed && n->should_failed)
        quo_buf_printf(b, "Every MUST check passed; %zu SHOULD check%s failed (not fatal without "
                          "--strict).",
                       n->should_failed, n->should_failed == 1 ? "" : "s");
    else if (r->passed)
        quo_buf_puts(b, "Every check that ran passed.");
    else
        quo_buf_printf(b, "%zu MUST and %zu SHOULD check%s failed%s.", n->must_failed,
                       n->should_failed, n->failed == 1 ? "" : "s",
                       r->cfg->strict ? " (strict: SHOULD failures count)" : "");
    quo_buf_puts(b, "</p>\n<p>quo-conformance against <code>");
    put_str(b, r, r->target);
    quo_buf_printf(b, "</code>%s &middot; %zu of %zu generated cases selected",
                   r->cfg->embedded ? " (the embedded mock)" : "", n->selected, n->generated);
    const qc_selection *sel = &r->cfg->select;
    for (size_t i = 0; i < sel->filters.count; i++) {
        quo_buf_puts(b, i ? ", <code>" : " by <code>");
        put_str(b, r, sel->filters.items[i]);
        quo_buf_puts(b, "</code>");
    }
    for (size_t i = 0; i < sel->excludes.count; i++) {
        quo_buf_puts(b, i ? ", <code>" : " excluding <code>");
        put_str(b, r, sel->excludes.items[i]);
        quo_buf_puts(b, "</code>");
    }
    if (n->not_run_budget)
        quo_buf_printf(b, " &middot; %zu not run: over --max-requests %zu", n->not_run_budget,
                       sel->max_requests);
    quo_buf_printf(b, " &middot; %.2f s%s</p>\n</header>\n", r->seconds,
                   r->cfg->strict ? " &middot; strict" : "");
}

static void put_summary(quo_buf *b, const qc_report *r, const qc_counts *n)
{
    size_t by[2][3] = {{0}}; /* [level][pass, fail, skip] */
    for (size_t i = 0; i < r->count; i++) {
        qc_outcome o = r->results[i].outcome;
        size_t k = o == QC_OUT_PASSED ? 0 : failed(o) ? 1 : 2;
        by[r->results[i].c->level == QC_MUST ? 0 : 1][k]++;
    }
    quo_buf_printf(b, "<section class=\"summary\">\n<div class=\"cards\">"
                      "<div class=\"card k-fail\"><b>%zu</b>failed</div>"
                      "<div class=\"card k-pass\"><b>%zu</b>passed</div>"
                      "<div class=\"card k-skip\"><b>%zu</b>skipped or not run</div>"
                      "<div class=\"card\"><b>%zu</b>tasks created</div></div>\n",
                   n->failed, n->passed, n->skipped + n->not_run, r->created->count);
    quo_buf_puts(b, "<table>\n<tr><th>Result</th><th class=\"n\">MUST</th>"
                    "<th class=\"n\">SHOULD</th><th class=\"n\">All</th></tr>\n");
    static const char *const rows[] = {"passed", "failed", "skipped / not run"};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(rows); k++)
        quo_buf_printf(b, "<tr><td>%s</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                          "<td class=\"n\">%zu</td></tr>\n",
                       rows[k], by[0][k], by[1][k], by[0][k] + by[1][k]);
    quo_buf_puts(b, "</table>\n</section>\n");
}

static void put_filters(quo_buf *b)
{
    static const char *const groups[][2] = {{"fl", "Level"}, {"fr", "Result"}};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(filters); i++)
        quo_buf_printf(b, "<input class=\"f-radio\" type=\"radio\" name=\"%.2s\" id=\"%s\"%s>\n",
                       filters[i].id, filters[i].id, filters[i].keeps ? "" : " checked");
    quo_buf_puts(b, "<nav aria-label=\"filters\">\n");
    for (size_t g = 0; g < QUO_ARRAY_SIZE(groups); g++) {
        quo_buf_printf(b, "<div><span>%s</span>", groups[g][1]);
        for (size_t i = 0; i < QUO_ARRAY_SIZE(filters); i++)
            if (strncmp(filters[i].id, groups[g][0], 2) == 0)
                quo_buf_printf(b, "<label for=\"%s\">%s</label>", filters[i].id,
                               filters[i].label);
        quo_buf_puts(b, "</div>\n");
    }
    quo_buf_puts(b, "</nav>\n");
}

/* One row per kind: the (suite, test case) pairs in the order they first
 * run; the tiles are that kind's cases in run order. */
static void put_matrix_row(quo_buf *b, const qc_report *r, size_t first)
{
    const qc_case *k = r->results[first].c;
    size_t counts[3] = {0};
    bool must = false, should = false;
    for (size_t i = first; i < r->count; i++) {
        const qc_case *c = r->results[i].c;
        if (strcmp(c->suite, k->suite) != 0 || strcmp(c->tcase, k->tcase) != 0)
            continue;
        qc_outcome o = r->results[i].outcome;
        counts[o == QC_OUT_PASSED ? 0 : failed(o) ? 1 : 2]++;
        must |= c->level == QC_MUST;
        should |= c->level == QC_SHOULD;
    }
    quo_buf_puts(b, "<tr><td>");
    put_str(b, r, k->suite);
    quo_buf_puts(b, "</td><td class=\"id\"><code>");
    put_str(b, r, k->tcase);
    quo_buf_printf(b, "</code></td><td class=\"lvl\">%s</td><td class=\"n\">%zu</td>"
                      "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"tiles\">",
                   must && should ? "MUST+SHOULD" : must ? "MUST" : "SHOULD", counts[0],
                   counts[1], counts[2]);
    for (size_t i = first; i < r->count; i++) {
        const qc_case_result *cr = &r->results[i];
        if (strcmp(cr->c->suite, k->suite) != 0 || strcmp(cr->c->tcase, k->tcase) != 0)
            continue;
        quo_buf_puts(b, "<a class=\"t ");
        put_filter_classes(b, cr);
        quo_buf_printf(b, "\" href=\"#%s%zu\" title=\"", failed(cr->outcome) ? "f" : "c", i);
        put_str(b, r, cr->c->id);
        quo_buf_printf(b, ": %s\"><span class=\"sr\">", result_label(cr->outcome));
        put_str(b, r, cr->c->id);
        quo_buf_puts(b, "</span></a>");
    }
    quo_buf_puts(b, "</td></tr>\n");
}

static void put_matrix(quo_buf *b, const qc_report *r)
{
    quo_buf_puts(b, "<section id=\"matrix\">\n<h2>Cases by kind</h2>\n"
                    "<p class=\"legend\">One row per kind of check (the suite and test case "
                    "the case ids come from), one tile per case: "
                    "<span class=\"t r-pass l-must\"></span>pass "
                    "<span class=\"t r-fail l-must\"></span>fail "
                    "<span class=\"t r-skip l-must\"></span>skipped / not run "
                    "<span class=\"t r-pass l-should\"></span>round: SHOULD. "
                    "A tile links to its case.</p>\n"
                    "<table>\n<tr><th>Suite</th><th>Kind</th><th>Level</th>"
                    "<th class=\"n\">pass</th><th class=\"n\">fail</th><th class=\"n\">skip</th>"
                    "<th>Cases</th></tr>\n");
    for (size_t i = 0; i < r->count; i++) {
        const qc_case *c = r->results[i].c;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(r->results[j].c->suite, c->suite) == 0 &&
                   strcmp(r->results[j].c->tcase, c->tcase) == 0;
        if (!seen)
            put_matrix_row(b, r, i);
    }
    quo_buf_puts(b, "</table>\n</section>\n");
}

static void put_response(quo_buf *b, const qc_report *r, const qc_exchange *x)
{
    if (!x || !x->done) {
        quo_buf_puts(b, "<p class=\"meta\">No request was sent.</p>\n");
        return;
    }
    if (x->error) {
        quo_buf_puts(b, "<p class=\"meta\">No response: ");
        put_str(b, r, x->error);
        quo_buf_puts(b, "</p>\n");
        return;
    }
    quo_buf_printf(b, "<p class=\"meta\">Response: %d, ", x->status);
    if (x->content_type) {
        quo_buf_puts(b, "<code>");
        put_str(b, r, x->content_type);
        quo_buf_puts(b, "</code>");
    } else {
        quo_buf_puts(b, "no Content-Type");
    }
    quo_buf_printf(b, ", %zu bytes%s</p>\n<pre class=\"response\">", x->body_len,
                   x->body_len > HTML_EXCERPT_MAX ? " (excerpt)" : "");
    put_text(b, r, x->body, x->body ? x->body_len : 0, HTML_EXCERPT_MAX);
    quo_buf_puts(b, "</pre>\n");
}

static void put_failure(quo_buf *b, const qc_report *r, size_t i)
{
    const qc_case_result *cr = &r->results[i];
    const qc_case *c = cr->c;
    quo_buf_puts(b, "<article class=\"failure ");
    put_filter_classes(b, cr);
    quo_buf_printf(b, "\" id=\"f%zu\">\n<h3><code>", i);
    put_str(b, r, c->id);
    quo_buf_printf(b, "</code> <span class=\"badge b-fail\">%s</span> "
                      "<span class=\"lvl\">%s</span></h3>\n<p>",
                   result_label(cr->outcome), qc_level_name(c->level));
    put_str(b, r, c->summary);
    quo_buf_puts(b, "</p>\n<p class=\"meta\">Accepts ");
    put_accepts(b, c);
    quo_buf_puts(b, ", got ");
    qc_report_put_got(b, cr, "&ndash;");
    quo_buf_puts(b, " &middot; spec <code>");
    put_str(b, r, c->spec_pointer);
    quo_buf_printf(b, "</code></p>\n<p class=\"source\">%s because: ", qc_level_name(c->level));
    put_str(b, r, c->source ? c->source : "");
    quo_buf_puts(b, "</p>\n<ul>\n");
    for (size_t k = 0; cr->failures && k < cr->failures->count; k++) {
        quo_buf_puts(b, "<li>");
        put_str(b, r, cr->failures->items[k]);
        quo_buf_puts(b, "</li>\n");
    }
    if (cr->reason) {
        quo_buf_puts(b, "<li>");
        put_str(b, r, cr->reason);
        quo_buf_puts(b, "</li>\n");
    }
    quo_buf_puts(b, "</ul>\n");
    put_response(b, r, cr->x);
    quo_buf_puts(b, "<p class=\"meta\">Reproduce:</p>\n<pre class=\"curl\">");
    quo_buf curl = QUO_BUF_INIT;
    qc_report_curl(&curl, r, c);
    if (curl.failed)
        b->failed = true;
    else
        put_text(b, r, curl.data, curl.len, 0);
    quo_buf_free(&curl);
    quo_buf_puts(b, "</pre>\n</article>\n");
}

static void put_failures(quo_buf *b, const qc_report *r, const qc_counts *n)
{
    if (!n->failed)
        return;
    quo_buf_printf(b, "<section id=\"failures\">\n<h2>Failures (%zu)</h2>\n"
                      "<p class=\"meta\">Each reproducer expects <code>QUO_BASE_URL</code> and "
                      "<code>QUO_API_KEY</code> (and <code>QUO_FORBIDDEN_API_KEY</code> for 403 "
                      "cases) in the environment%s. Rerun one case with "
                      "<code>quo-conformance --filter ID</code>.</p>\n",
                   n->failed,
                   r->cfg->embedded ? "; the embedded mock stopped with the run, so start "
                                      "<code>quo-mock</code> and point <code>QUO_BASE_URL</code> "
                                      "at it"
                                    : "");
    for (size_t i = 0; i < r->count; i++)
        if (failed(r->results[i].outcome))
            put_failure(b, r, i);
    quo_buf_puts(b, "</section>\n");
}

static void put_case_row(quo_buf *b, const qc_report *r, size_t i)
{
    const qc_case_result *cr = &r->results[i];
    const char *rc = result_class(cr->outcome);
    quo_buf_puts(b, "<tr class=\"");
    put_filter_classes(b, cr);
    quo_buf_printf(b, "\" id=\"c%zu\"><td><span class=\"badge b-%s\">%s</span></td>"
                      "<td class=\"id\">",
                   i, rc + 2, result_label(cr->outcome));
    if (failed(cr->outcome))
        quo_buf_printf(b, "<a href=\"#f%zu\">", i);
    quo_buf_puts(b, "<code>");
    put_str(b, r, cr->c->id);
    quo_buf_printf(b, "</code>%s</td><td class=\"lvl\">%s</td><td class=\"n\">",
                   failed(cr->outcome) ? "</a>" : "", qc_level_name(cr->c->level));
    qc_report_put_got(b, cr, "&ndash;");
    quo_buf_puts(b, "</td><td>");
    put_accepts(b, cr->c);
    quo_buf_puts(b, "</td><td class=\"detail\">");
    const char *msg =
        cr->failures && cr->failures->count ? cr->failures->items[0] : cr->reason;
    msg = msg ? msg : cr->c->summary;
    put_text(b, r, msg, msg ? strlen(msg) : 0, HTML_DETAIL_MAX);
    quo_buf_puts(b, "</td></tr>\n");
}

static void put_cases(quo_buf *b, const qc_report *r)
{
    quo_buf_puts(b, "<section id=\"cases\">\n<h2>All cases</h2>\n<table>\n<tr><th>Result</th>"
                    "<th>Case</th><th>Level</th><th class=\"n\">Got</th><th>Accepts</th>"
                    "<th>Detail</th></tr>\n");
    static const qc_outcome order[] = {QC_OUT_CRASHED, QC_OUT_FAILED, QC_OUT_SKIPPED,
                                       QC_OUT_NOT_RUN, QC_OUT_PASSED};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(order); k++)
        for (size_t i = 0; i < r->count; i++)
            if (r->results[i].outcome == order[k])
                put_case_row(b, r, i);
    quo_buf_puts(b, "</table>\n</section>\n");
}

static void put_list(quo_buf *b, const qc_report *r, const char *title, const qc_strlist *l,
                     const char *none)
{
    quo_buf_puts(b, "<section>\n<h2>");
    quo_buf_puts(b, title);
    quo_buf_printf(b, " (%zu)</h2>\n", l->count);
    if (!l->count)
        quo_buf_printf(b, "<p class=\"meta\">%s</p>\n", none);
    else
        quo_buf_puts(b, "<ul>\n");
    for (size_t i = 0; i < l->count; i++) {
        quo_buf_puts(b, "<li><code>");
        put_str(b, r, l->items[i]);
        quo_buf_puts(b, "</code></li>\n");
    }
    if (l->count)
        quo_buf_puts(b, "</ul>\n");
    quo_buf_puts(b, "</section>\n");
}

char *qc_report_html(const qc_report *r)
{
    qc_counts n;
    qc_report_count(r, &n);
    quo_buf b = QUO_BUF_INIT;
    put_head(&b, r);
    put_verdict(&b, r, &n);
    put_summary(&b, r, &n);
    put_filters(&b);
    quo_buf_puts(&b, "<main>\n");
    put_matrix(&b, r);
    put_failures(&b, r, &n);
    put_cases(&b, r);
    put_list(&b, r, "Tasks created by this run", r->created,
             "None. (Every positive case creates a real task on the target.)");
    if (r->cases->discarded.count)
        put_list(&b, r, "Generated but not used", &r->cases->discarded, "");
    quo_buf_puts(&b, "</main>\n<footer>");
    if (r->tap_file) {
        quo_buf_puts(&b, "libcheck&rsquo;s TAP log: <code>");
        put_str(&b, r, r->tap_file);
        quo_buf_puts(&b, "</code>. ");
    }
    quo_buf_puts(&b, "The same results are in junit.xml, report.json and report.md beside this "
                     "file. This page loads nothing and runs no script.</footer>\n"
                     "</body>\n</html>\n");
    if (b.failed) {
        quo_buf_free(&b);
        return NULL;
    }
    char *out = qc_scrub(r->scrub, b.data, b.len);
    quo_buf_free(&b);
    return out;
}
