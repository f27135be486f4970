/* report.c - Markdown, JUnit XML and HTML views of the JSON report, and
 * the report files' preparation. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "quo/array.h"
#include "quo/io.h"
#include "quo/buf.h"
#include "quo/json.h"

#include "report.h"

/* The renderers read a copy of the report with each NUL shown as \u0000
 * (mock_report_render), so its strings and names are C strings, exact
 * with strcmp and quo_json_member(NULL, ...). */
static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = quo_json_member(NULL, o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Two string nodes of that copy are equal: no NUL inside, so strcmp is exact. */
static bool same_text(const cJSON *a, const cJSON *b)
{
    return strcmp(a->valuestring, b->valuestring) == 0; /* lint-gate-strings: NUL-free copy */
}

static const char *str0(const cJSON *o, const char *name)
{
    const char *s = str(o, name);
    return s ? s : "";
}

static long num(const cJSON *o, const char *name)
{
    const cJSON *v = quo_json_member(NULL, o, name);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

static const cJSON *arr(const cJSON *o, const char *name)
{
    return quo_json_member(NULL, o, name);
}

/* ---- Markdown --------------------------------------------------------- */

/* Text safe inside a Markdown table cell or list item. */
static void md(quo_buf *b, const char *s)
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

static void md_code(quo_buf *b, const char *s)
{
    quo_buf_puts(b, "`");
    for (const char *p = s; *p; p++)
        quo_buf_append(b, (*p == '`' || (unsigned char)*p < 0x20) ? "'" : p, 1);
    quo_buf_puts(b, "`");
}

static const char *verdict_text(const char *v)
{
    if (strcmp(v, "conforming") == 0)
        return "conforming";
    if (strcmp(v, "nonConforming") == 0)
        return "not conforming";
    return "not judged";
}

static void md_list(quo_buf *b, const cJSON *items)
{
    const cJSON *v;
    bool first = true;
    cJSON_ArrayForEach(v, items)
    {
        if (!first)
            quo_buf_puts(b, ", ");
        first = false;
        if (cJSON_IsString(v))
            md_code(b, v->valuestring);
    }
    if (first)
        quo_buf_puts(b, "none");
}

static void md_client(quo_buf *b, const cJSON *c)
{
    quo_buf_puts(b, "### Client ");
    md(b, str0(c, "id"));
    quo_buf_printf(b, ": %s\n\n", verdict_text(str0(c, "verdict")));
    quo_buf_printf(b, "%ld request(s): %ld conforming, %ld not conforming, %ld not judged, "
                   "%ld forced; told apart by %s; from %s to %s.\n\n",
                   num(c, "requests"), num(c, "conforming"), num(c, "nonConforming"),
                   num(c, "notJudged"), num(c, "forced"), str0(c, "idFrom"),
                   str0(c, "firstSeen"), str0(c, "lastSeen"));
    quo_buf_puts(b, "| coverage | exercised | never exercised |\n|---|---|---|\n");
    static const char *const kinds[] = {"shapes", "members", "statuses"};
    const cJSON *cov = arr(c, "coverage");
    for (size_t k = 0; k < QUO_ARRAY_SIZE(kinds); k++) {
        const cJSON *kc = arr(cov, kinds[k]);
        quo_buf_printf(b, "| %s | ", kinds[k]);
        md_list(b, arr(kc, "exercised"));
        quo_buf_puts(b, " | ");
        md_list(b, arr(kc, "missing"));
        quo_buf_puts(b, " |\n");
    }
    quo_buf_puts(b, "\n");
    const cJSON *p;
    size_t n = 0;
    cJSON_ArrayForEach(p, arr(c, "problems"))
    {
        if (!n++)
            quo_buf_puts(b, "Distinct problems:\n\n");
        quo_buf_puts(b, "- **");
        md(b, str0(p, "rule"));
        quo_buf_puts(b, "**");
        if (*str0(p, "path")) {
            quo_buf_puts(b, " at ");
            md_code(b, str0(p, "path"));
        }
        quo_buf_puts(b, ": ");
        md(b, str0(p, "message"));
        quo_buf_printf(b, " (%ld time(s), first %s in request %ld, last %s)", num(p, "count"),
                       str0(p, "firstSeen"), num(p, "firstRequest"), str0(p, "lastSeen"));
        if (str(p, "value")) {
            quo_buf_puts(b, "  \n  _Value:_ ");
            md_code(b, str(p, "value"));
        }
        if (str(p, "hint")) {
            quo_buf_puts(b, "  \n  _Fix:_ ");
            md(b, str(p, "hint"));
        }
        quo_buf_puts(b, "\n");
    }
    quo_buf_puts(b, n ? "\n" : "No problems.\n\n");
}

static void md_violations(quo_buf *b, const cJSON *e)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr(e, "violations"))
    {
        quo_buf_puts(b, "- **");
        md(b, str0(v, "rule"));
        quo_buf_puts(b, "**");
        if (*str0(v, "path")) {
            quo_buf_puts(b, " at ");
            md_code(b, str0(v, "path"));
        }
        quo_buf_puts(b, ": ");
        md(b, str0(v, "message"));
        if (str(v, "hint")) {
            quo_buf_puts(b, "  \n  _Hint:_ ");
            md(b, str(v, "hint"));
        }
        quo_buf_puts(b, "\n");
    }
    cJSON_ArrayForEach(v, arr(e, "hints"))
    {
        if (cJSON_IsString(v)) {
            quo_buf_puts(b, "- _Note:_ ");
            md(b, v->valuestring);
            quo_buf_puts(b, "\n");
        }
    }
}

static void md_request_line(quo_buf *b, const cJSON *e)
{
    quo_buf_printf(b, "### %ld. ", num(e, "n"));
    md(b, str0(e, "method"));
    quo_buf_puts(b, " ");
    md(b, str0(e, "path"));
    quo_buf_printf(b, " → %ld\n\n", num(e, "status"));
    quo_buf_printf(b, "%s, client ", str0(e, "time"));
    md(b, str0(e, "client"));
    if (str(e, "trace")) {
        quo_buf_puts(b, ", trace ");
        md_code(b, str(e, "trace"));
    }
    if (str(e, "taskId")) {
        quo_buf_puts(b, ", task ");
        md_code(b, str(e, "taskId"));
    }
    if (str(e, "forced")) {
        quo_buf_puts(b, ", forced ");
        md_code(b, str(e, "forced"));
    }
    quo_buf_puts(b, "\n\n");
}

/* One peer's connections that made no request the mock saw, as text put
 * through `put` (the format's escape): "127.0.0.1, attributed to X: 2
 * connection(s), no-request-line 1, libmicrohttpd answered 505 x1". */
static void conn_text(quo_buf *b, const cJSON *e, void (*put)(quo_buf *, const char *))
{
    put(b, str0(e, "peer"));
    quo_buf_puts(b, ", attributed to ");
    put(b, str0(e, "attributedTo"));
    quo_buf_printf(b, ": %ld connection(s)", num(e, "connections"));
    const cJSON *u;
    cJSON_ArrayForEach(u, arr(e, "unanswered"))
    {
        quo_buf_puts(b, ", ");
        put(b, u->string ? u->string : "?");
        quo_buf_printf(b, " %ld", (long)u->valuedouble);
    }
    cJSON_ArrayForEach(u, arr(e, "libmicrohttpdStatuses"))
    {
        quo_buf_puts(b, ", libmicrohttpd answered ");
        put(b, u->string ? u->string : "?");
        quo_buf_printf(b, " x%ld", (long)u->valuedouble);
    }
}

/* The JUnit testsuite of connections no client can be named for (not a
 * client id: those have no spaces but for a User-Agent's, never this). */
#define CONN_SUITE "connections without a request"
#define CONN_INTRO "Connections without a request the mock saw (libmicrohttpd closed or " \
                   "answered them, or the door turned them away), by peer address"

/* The connections that made no request the mock saw, by address. */
static void md_connections(quo_buf *b, const cJSON *conns)
{
    if (!cJSON_GetArraySize(conns))
        return;
    quo_buf_puts(b, CONN_INTRO ":\n\n");
    const cJSON *e;
    cJSON_ArrayForEach(e, conns)
    {
        quo_buf_puts(b, "- ");
        conn_text(b, e, md);
        quo_buf_puts(b, "\n");
    }
    quo_buf_puts(b, "\n");
}

static void render_md(const cJSON *doc, quo_buf *b)
{
    const cJSON *s = arr(doc, "summary");
    long req = num(s, "requests"), non = num(s, "nonConforming"), ok = num(s, "conforming");
    long cnon = num(s, "clientsNonConforming"), nc = num(s, "clients");
    quo_buf_puts(b, "# quo-mock certification report\n\n");
    if (req == 0)
        quo_buf_puts(b, "**No requests were received.**\n\n");
    else if (cnon)
        quo_buf_printf(b, "**Verdict: not conforming.** %ld of %ld client(s) broke the "
                       "contract of POST /v1/tasks (%ld of %ld request(s)).\n\n",
                       cnon, nc, non, req);
    else if (ok == 0)
        quo_buf_printf(b, "**Verdict: not judged.** None of the %ld request(s) could be "
                       "judged (the mock's own limits answered them).\n\n", req);
    else
        quo_buf_printf(b, "**Verdict: conforming.** All %ld judged request(s) of %ld "
                       "client(s) followed the contract of POST /v1/tasks.\n\n", ok, nc);
    quo_buf_puts(b, "| requests | conforming | non-conforming | not judged | forced | "
                    "unanswered |\n|---:|---:|---:|---:|---:|---|\n");
    quo_buf_printf(b, "| %ld | %ld | %ld | %ld | %ld | ", req, ok, non, num(s, "notJudged"),
                   num(s, "forced"));
    const cJSON *u;
    bool any = false;
    cJSON_ArrayForEach(u, arr(s, "unanswered"))
    {
        quo_buf_printf(b, "%s%s %ld", any ? ", " : "", u->string, (long)u->valuedouble);
        any = true;
    }
    quo_buf_puts(b, any ? " |\n\n" : "0 |\n\n");
    md_connections(b, arr(doc, "connections"));
    if (num(s, "omitted"))
        quo_buf_printf(b, "The details of %ld request(s) were omitted (record limit; %ld of "
                       "them non-conforming); they are counted above.\n\n",
                       num(s, "omitted"), num(s, "omittedNonConforming"));
    const cJSON *pv = arr(doc, "provenance");
    quo_buf_printf(b, "quo-mock %s, spec ", str0(pv, "version"));
    md(b, str0(arr(pv, "spec"), "title"));
    quo_buf_printf(b, " %s (%s), fixtures ", str0(arr(pv, "spec"), "version"),
                   str0(arr(pv, "spec"), "hash"));
    md(b, str0(pv, "fixtures"));
    quo_buf_printf(b, ", from %s to %s.\n\n", str0(arr(pv, "timeSpan"), "start"),
                   str0(arr(pv, "timeSpan"), "rendered"));

    quo_buf_puts(b, "## Clients\n\n");
    const cJSON *c;
    cJSON_ArrayForEach(c, arr(doc, "clients"))
        md_client(b, c);
    if (!nc)
        quo_buf_puts(b, "None.\n\n");

    for (int pass = 0; pass < 2; pass++) {
        quo_buf_puts(b, pass ? "## Notes on conforming requests\n\n"
                             : "## Non-conforming requests\n\n");
        size_t shown = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, arr(doc, "requests"))
        {
            bool conf = cJSON_IsTrue(arr(e, "conforming"));
            if (pass == 0 ? conf || cJSON_IsTrue(arr(e, "notJudged")) : !conf || !arr(e, "hints"))
                continue;
            md_request_line(b, e);
            md_violations(b, e);
            quo_buf_puts(b, "\n");
            shown++;
        }
        if (!shown)
            quo_buf_puts(b, "None.\n\n");
    }
    quo_buf_puts(b, "## All requests\n\n| # | method | path | status | verdict | client |\n"
                    "|---:|---|---|---:|---|---|\n");
    const cJSON *e;
    cJSON_ArrayForEach(e, arr(doc, "requests"))
    {
        quo_buf_printf(b, "| %ld | ", num(e, "n"));
        md(b, str0(e, "method"));
        quo_buf_puts(b, " | ");
        md(b, str0(e, "path"));
        quo_buf_printf(b, " | %ld | %s | ", num(e, "status"),
                       cJSON_IsTrue(arr(e, "notJudged")) ? "not judged"
                       : cJSON_IsTrue(arr(e, "conforming")) ? "conforming"
                                                             : "**not conforming**");
        md(b, str0(e, "client"));
        quo_buf_puts(b, " |\n");
    }
}

/* ---- XML and HTML ------------------------------------------------------- */

/* Text for XML 1.0 / HTML character data and attribute values. */
/* XML and HTML text (also safe in a quoted attribute): the project's one
 * escape, which also turns control bytes and invalid UTF-8 into U+FFFD, so
 * what a client sent never breaks the XML 1.0 of the JUnit file. */
static void esc(quo_buf *b, const char *s)
{
    quo_buf_put_html(b, s, strlen(s));
}

static void coverage_items(const cJSON *c, void (*each)(quo_buf *, const char *, const char *,
                                                        bool, void *),
                           quo_buf *b, void *ctx)
{
    static const char *const kinds[] = {"shapes", "members", "statuses"};
    static const char *const prefix[] = {"shape", "member", "status"};
    const cJSON *cov = arr(c, "coverage");
    for (size_t k = 0; k < QUO_ARRAY_SIZE(prefix); k++) {
        for (int hit = 1; hit >= 0; hit--) {
            const cJSON *v;
            cJSON_ArrayForEach(v, arr(arr(cov, kinds[k]), hit ? "exercised" : "missing"))
            {
                if (cJSON_IsString(v))
                    each(b, prefix[k], v->valuestring, hit, ctx);
            }
        }
    }
}

static void junit_cov(quo_buf *b, const char *kind, const char *name, bool hit, void *ctx)
{
    const char *client = ctx;
    quo_buf_puts(b, "    <testcase classname=\"quo-mock.coverage.");
    esc(b, client);
    quo_buf_printf(b, "\" name=\"%s:", kind);
    esc(b, name);
    quo_buf_puts(b, hit ? "\"/>\n" : "\"><skipped message=\"never exercised\"/></testcase>\n");
}

static void junit_client(quo_buf *b, const cJSON *c)
{
    const char *id = str0(c, "id");
    long problems = cJSON_GetArraySize(arr(c, "problems"));
    long cov = 0, missing = 0;
    static const char *const kinds[] = {"shapes", "members", "statuses"};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(kinds); k++) {
        cov += cJSON_GetArraySize(arr(arr(arr(c, "coverage"), kinds[k]), "exercised"));
        missing += cJSON_GetArraySize(arr(arr(arr(c, "coverage"), kinds[k]), "missing"));
    }
    bool judged = strcmp(str0(c, "verdict"), "notJudged") != 0;
    quo_buf_puts(b, "  <testsuite name=\"");
    esc(b, id);
    quo_buf_printf(b, "\" tests=\"%ld\" failures=\"%ld\" errors=\"0\" skipped=\"%ld\" "
                   "timestamp=\"%s\">\n", problems + cov + missing + 1, problems,
                   missing + !judged, str0(c, "firstSeen"));
    quo_buf_printf(b, "    <properties><property name=\"verdict\" value=\"%s\"/>"
                   "<property name=\"requests\" value=\"%ld\"/><property name=\"idFrom\" "
                   "value=\"%s\"/></properties>\n",
                   str0(c, "verdict"), num(c, "requests"), str0(c, "idFrom"));
    quo_buf_puts(b, "    <testcase classname=\"quo-mock.verdict.");
    esc(b, id);
    quo_buf_puts(b, "\" name=\"conformance\">");
    if (!judged)
        quo_buf_puts(b, "<skipped message=\"no request could be judged\"/>");
    quo_buf_puts(b, "</testcase>\n");
    const cJSON *p;
    cJSON_ArrayForEach(p, arr(c, "problems"))
    {
        quo_buf_puts(b, "    <testcase classname=\"quo-mock.problem.");
        esc(b, id);
        quo_buf_puts(b, "\" name=\"");
        esc(b, str0(p, "rule"));
        if (*str0(p, "path")) {
            quo_buf_puts(b, " ");
            esc(b, str0(p, "path"));
        }
        quo_buf_puts(b, ": ");
        esc(b, str0(p, "message"));
        quo_buf_puts(b, "\"><failure type=\"");
        esc(b, str0(p, "rule"));
        quo_buf_puts(b, "\" message=\"");
        esc(b, str0(p, "message"));
        quo_buf_printf(b, "\">%ld time(s), first %s (request %ld), last %s", num(p, "count"),
                       str0(p, "firstSeen"), num(p, "firstRequest"), str0(p, "lastSeen"));
        if (str(p, "value")) {
            quo_buf_puts(b, "\nvalue: ");
            esc(b, str(p, "value"));
        }
        if (str(p, "hint")) {
            quo_buf_puts(b, "\nfix: ");
            esc(b, str(p, "hint"));
        }
        quo_buf_puts(b, "</failure></testcase>\n");
    }
    coverage_items(c, junit_cov, b, (void *)id);
    quo_buf_puts(b, "  </testsuite>\n");
}

/* The connections no client can be named for: one testcase, failing when
 * some of them sent bytes that are no HTTP request (malformedConnections),
 * with every peer's counts in its text. */
static void junit_connections(quo_buf *b, const cJSON *doc)
{
    const cJSON *conns = arr(doc, "connections");
    long bad = num(arr(doc, "summary"), "malformedConnections");
    if (!cJSON_GetArraySize(conns) && !bad)
        return;
    quo_buf_printf(b, "<testsuite name=\"" CONN_SUITE "\" tests=\"1\" failures=\"%d\">\n"
                   "<testcase classname=\"" CONN_SUITE "\" name=\"every connection made an HTTP "
                   "request\">", bad ? 1 : 0);
    if (bad)
        quo_buf_printf(b, "<failure message=\"%ld connection(s) sent bytes that are not an "
                       "HTTP/1.1 request\">", bad);
    else
        quo_buf_puts(b, "<system-out>");
    esc(b, CONN_INTRO ":\n");
    const cJSON *e;
    cJSON_ArrayForEach(e, conns)
    {
        conn_text(b, e, esc);
        quo_buf_puts(b, "\n");
    }
    quo_buf_puts(b, bad ? "</failure>" : "</system-out>");
    quo_buf_puts(b, "</testcase>\n</testsuite>\n");
}

static void render_junit(const cJSON *doc, quo_buf *b)
{
    const cJSON *s = arr(doc, "summary");
    quo_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
                   "name=\"quo-mock certification\" failures=\"%ld\">\n",
                   num(s, "clientsNonConforming") + (num(s, "malformedConnections") > 0));
    const cJSON *c;
    cJSON_ArrayForEach(c, arr(doc, "clients"))
        junit_client(b, c);
    junit_connections(b, doc);
    quo_buf_puts(b, "</testsuites>\n");
}

/* ---- HTML ---------------------------------------------------------------- */

/* Filters are radio buttons and :checked selectors: no script, and the
 * page reads the same without CSS. */
static const char HTML_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width\">\n"
    "<title>quo-mock certification report</title>\n<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
    "padding:.2em .5em;text-align:left}\n"
    ".ok{background:#dfd}.bad{background:#fdd}.nj{background:#eee}.miss{color:#999}\n"
    ".verdict{font-size:1.4em;font-weight:bold}\n"
    "#f-bad:checked~main .pass{display:none}\n"
    "#f-ok:checked~main .fail{display:none}\n"
    "code{background:#f4f4f4;padding:0 .2em}\n</style></head><body>\n";

static void html_cell(quo_buf *b, const char *kind, const char *name, bool hit, void *ctx)
{
    (void)kind, (void)name, (void)ctx;
    quo_buf_puts(b, hit ? "<td class=\"ok\">&#10003;</td>" : "<td class=\"miss\">&ndash;</td>");
}

static void html_head_cell(quo_buf *b, const char *kind, const char *name, bool hit, void *ctx)
{
    (void)hit, (void)ctx;
    quo_buf_printf(b, "<th>%s:", kind);
    esc(b, name);
    quo_buf_puts(b, "</th>");
}

/* The matrix columns in one fixed order: every item of the first client,
 * exercised or not (all clients share the spec's items). */
static void html_matrix(const cJSON *doc, quo_buf *b)
{
    static const char *const kinds[] = {"shapes", "members", "statuses"};
    static const char *const prefix[] = {"shape", "member", "status"};
    const cJSON *clients = arr(doc, "clients");
    const cJSON *first = cJSON_GetArrayItem(clients, 0);
    if (!first)
        return;
    quo_buf_puts(b, "<h2>Coverage: client &times; what the spec defines</h2>\n<table><tr>"
                    "<th>client</th><th>verdict</th>");
    /* Header: the union of exercised and missing, in the spec's order is
     * not kept by the JSON; sorted by kind, then exercised-first of the
     * first client. Each row then looks each name up. */
    const cJSON *names[3][64];
    size_t nn[3] = {0};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(nn); k++) {
        for (int hit = 1; hit >= 0; hit--) {
            const cJSON *v;
            cJSON_ArrayForEach(v, arr(arr(arr(first, "coverage"), kinds[k]),
                                      hit ? "exercised" : "missing"))
            {
                if (cJSON_IsString(v) && nn[k] < 64)
                    names[k][nn[k]++] = v;
            }
        }
        for (size_t i = 0; i < nn[k]; i++)
            html_head_cell(b, prefix[k], names[k][i]->valuestring, true, NULL);
    }
    quo_buf_puts(b, "</tr>\n");
    const cJSON *c;
    cJSON_ArrayForEach(c, clients)
    {
        const char *v = str0(c, "verdict");
        bool bad = strcmp(v, "nonConforming") == 0;
        quo_buf_printf(b, "<tr class=\"%s\"><td>", bad ? "fail" : "pass");
        esc(b, str0(c, "id"));
        quo_buf_printf(b, "</td><td class=\"%s\">%s</td>",
                       bad ? "bad" : strcmp(v, "conforming") == 0 ? "ok" : "nj",
                       verdict_text(v));
        for (size_t k = 0; k < QUO_ARRAY_SIZE(nn); k++) {
            for (size_t i = 0; i < nn[k]; i++) {
                bool hit = false;
                const cJSON *x;
                cJSON_ArrayForEach(x, arr(arr(arr(c, "coverage"), kinds[k]), "exercised"))
                {
                    hit = hit || (cJSON_IsString(x) && same_text(x, names[k][i]));
                }
                html_cell(b, prefix[k], names[k][i]->valuestring, hit, NULL);
            }
        }
        quo_buf_puts(b, "</tr>\n");
    }
    quo_buf_puts(b, "</table>\n");
}

static void html_client(quo_buf *b, const cJSON *c)
{
    const char *v = str0(c, "verdict");
    bool bad = strcmp(v, "nonConforming") == 0;
    quo_buf_printf(b, "<section class=\"%s\"><h3>", bad ? "fail" : "pass");
    esc(b, str0(c, "id"));
    quo_buf_printf(b, ": <span class=\"%s\">%s</span></h3>\n<p>%ld request(s): %ld conforming, "
                   "%ld not conforming, %ld not judged, %ld forced; from %s to %s.</p>\n",
                   bad ? "bad" : strcmp(v, "conforming") == 0 ? "ok" : "nj", verdict_text(v),
                   num(c, "requests"), num(c, "conforming"), num(c, "nonConforming"),
                   num(c, "notJudged"), num(c, "forced"), str0(c, "firstSeen"),
                   str0(c, "lastSeen"));
    const cJSON *p;
    cJSON_ArrayForEach(p, arr(c, "problems"))
    {
        quo_buf_puts(b, "<details open><summary><b>");
        esc(b, str0(p, "rule"));
        quo_buf_puts(b, "</b> ");
        if (*str0(p, "path")) {
            quo_buf_puts(b, "at <code>");
            esc(b, str0(p, "path"));
            quo_buf_puts(b, "</code> ");
        }
        esc(b, str0(p, "message"));
        quo_buf_printf(b, " &times;%ld</summary>\n<ul><li>first %s (request %ld), last %s</li>",
                       num(p, "count"), str0(p, "firstSeen"), num(p, "firstRequest"),
                       str0(p, "lastSeen"));
        if (str(p, "value")) {
            quo_buf_puts(b, "<li>value: <code>");
            esc(b, str(p, "value"));
            quo_buf_puts(b, "</code></li>");
        }
        if (str(p, "hint")) {
            quo_buf_puts(b, "<li>fix: ");
            esc(b, str(p, "hint"));
            quo_buf_puts(b, "</li>");
        }
        quo_buf_puts(b, "</ul></details>\n");
    }
    quo_buf_puts(b, "</section>\n");
}

static void render_html(const cJSON *doc, quo_buf *b)
{
    const cJSON *s = arr(doc, "summary");
    long cnon = num(s, "clientsNonConforming"), nc = num(s, "clients");
    quo_buf_puts(b, HTML_HEAD);
    const char *cls = cnon ? "bad" : num(s, "conforming") ? "ok" : "nj";
    quo_buf_printf(b, "<h1>quo-mock certification report</h1>\n<p class=\"verdict %s\">Verdict: "
                   "%s</p>\n<p>%ld client(s), %ld not conforming; %ld request(s): %ld "
                   "conforming, %ld not conforming, %ld not judged, %ld forced.</p>\n",
                   cls, cnon ? "not conforming" : num(s, "conforming") ? "conforming" : "not judged",
                   nc, cnon, num(s, "requests"), num(s, "conforming"), num(s, "nonConforming"),
                   num(s, "notJudged"), num(s, "forced"));
    /* The radios are siblings of <main>, for the ~ selectors. */
    quo_buf_puts(b, "Show: <input type=\"radio\" name=\"f\" id=\"f-all\" checked>"
                    "<label for=\"f-all\">all clients</label>\n"
                    "<input type=\"radio\" name=\"f\" id=\"f-bad\"><label for=\"f-bad\">"
                    "failing clients</label>\n<input type=\"radio\" name=\"f\" id=\"f-ok\">"
                    "<label for=\"f-ok\">passing clients</label>\n<main>\n");
    html_matrix(doc, b);
    quo_buf_puts(b, "<h2>Clients</h2>\n");
    const cJSON *c;
    cJSON_ArrayForEach(c, arr(doc, "clients"))
        html_client(b, c);
    const cJSON *conn = arr(doc, "connections");
    if (cJSON_GetArraySize(conn)) {
        quo_buf_printf(b, "<h2>Connections</h2>\n<p>%ld sent bytes that are not an HTTP/1.1 "
                       "request. ", num(s, "malformedConnections"));
        esc(b, CONN_INTRO ":");
        quo_buf_puts(b, "</p>\n<ul>\n");
        const cJSON *e;
        cJSON_ArrayForEach(e, conn)
        {
            quo_buf_puts(b, "<li>");
            conn_text(b, e, esc);
            quo_buf_puts(b, "</li>\n");
        }
        quo_buf_puts(b, "</ul>\n");
    }
    const cJSON *pv = arr(doc, "provenance");
    quo_buf_puts(b, "<h2>Provenance</h2>\n<p>quo-mock ");
    esc(b, str0(pv, "version"));
    quo_buf_puts(b, ", spec ");
    esc(b, str0(arr(pv, "spec"), "title"));
    quo_buf_puts(b, " ");
    esc(b, str0(arr(pv, "spec"), "version"));
    quo_buf_puts(b, " (");
    esc(b, str0(arr(pv, "spec"), "hash"));
    quo_buf_puts(b, "), fixtures ");
    esc(b, str0(pv, "fixtures"));
    quo_buf_puts(b, ", from ");
    esc(b, str0(arr(pv, "timeSpan"), "start"));
    quo_buf_puts(b, " to ");
    esc(b, str0(arr(pv, "timeSpan"), "rendered"));
    quo_buf_puts(b, ".</p>\n</main></body></html>\n");
}

char *mock_report_render(const char *json, size_t len, quo_mock_report_format fmt,
                         size_t *out_len)
{
    /* The report is the mock's own text, but it carries client text
     * (User-Agent, values) that may hold \u0000: read it through the gate,
     * then render from a copy where each NUL is shown as \u0000, so a value
     * is never cut short and no name passes for a shorter one. NULL when
     * that copy cannot be made (two names equal once rewritten, ENOMEM). */
    quo_json_doc *parsed = NULL;
    quo_error jerr = {0};
    if (quo_json_parse(json, len, QUO_JSON_NO_DEPTH_LIMIT, &parsed, &jerr) != QUO_OK)
        return NULL;
    cJSON *doc = NULL;
    quo_status st = quo_json_copy(parsed, quo_json_root(parsed), &doc);
    quo_json_free(parsed);
    if (st != QUO_OK || !doc)
        return NULL;
    quo_buf b;
    quo_buf_init(&b);
    if (fmt == QUO_MOCK_REPORT_MARKDOWN)
        render_md(doc, &b);
    else if (fmt == QUO_MOCK_REPORT_JUNIT)
        render_junit(doc, &b);
    else
        render_html(doc, &b);
    quo_json_delete(doc);
    return quo_buf_take(&b, out_len);
}

/* ---- report files ---------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++) {
        char c = s[n - m + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != suffix[i])
            return false;
    }
    return true;
}

int quo_mock_report_format_for(const char *path)
{
    if (ends_with(path, ".json"))
        return QUO_MOCK_REPORT_JSON;
    if (ends_with(path, ".md"))
        return QUO_MOCK_REPORT_MARKDOWN;
    if (ends_with(path, ".xml"))
        return QUO_MOCK_REPORT_JUNIT;
    if (ends_with(path, ".html") || ends_with(path, ".htm"))
        return QUO_MOCK_REPORT_HTML;
    return -1;
}

/* Splits path into its folder (into dir) and base name. */
static const char *split(const char *path, char *dir, size_t dirsz)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dirsz, ".");
        return path;
    }
    snprintf(dir, dirsz, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return slash + 1;
}

/* Removes base.tmp.XXXXXX files (quo_io_write_atomic's temp names) that a
 * killed run left in dir. */
static void remove_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t n = strlen(base);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0 ||
            strlen(name + n + 5) != 6)
            continue;
        char full[4096];
        int w = snprintf(full, sizeof full, "%s/%s", dir, name);
        if (w > 0 && (size_t)w < sizeof full)
            unlink(full);
    }
    closedir(d);
}

static quo_status prepare_one(const char *path, quo_error *err)
{
    char dir[4096];
    if (strlen(path) >= sizeof dir)
        return quo_error_set(err, QUO_EUSAGE, 0, "--report %s: the path is too long", path);
    const char *base = split(path, dir, sizeof dir);
    if (!*base)
        return quo_error_set(err, QUO_EUSAGE, 0, "--report %s names a folder, not a file", path);
    if (access(dir, W_OK | X_OK) != 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "--report %s: cannot write in %s: %s", path,
                             dir, quo_errno_text(errno).text);
    if (access(path, F_OK) == 0 && access(path, W_OK) != 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "--report %s: %s", path, quo_errno_text(errno).text);
    remove_stale(dir, base);
    return QUO_OK;
}

quo_status quo_mock_reports_prepare(const quo_mock_options *opts, quo_error *err)
{
    if (opts->report_path) {
        quo_status st = prepare_one(opts->report_path, err);
        if (st != QUO_OK)
            return st;
    }
    for (size_t i = 0; i < QUO_MOCK_REPORT_MAX && opts->report_paths[i]; i++) {
        quo_status st = prepare_one(opts->report_paths[i], err);
        if (st != QUO_OK)
            return st;
        if (quo_mock_report_format_for(opts->report_paths[i]) < 0)
            return quo_error_set(err, QUO_EUSAGE, 0, "--report %s: the extension names no "
                                 "format (.json, .md, .xml, .html)", opts->report_paths[i]);
    }
    return QUO_OK;
}
