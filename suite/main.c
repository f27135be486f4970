/* suite/main.c - quo-conformance: certifies a server's POST /v1/tasks.
 *
 * Order of work: settings (flags > env > file) -> spec -> target (the
 * embedded mock when no base URL is given) -> cases derived from the spec
 * -> --filter / --exclude -> --max-requests (budget.h) -> (--list stops
 * here) -> the budget line -> report dir and reachability
 * -> the runner (preflight: exit 2 before any case runs when the key, the
 * gateway, the fixtures or the target are not right; then the libcheck
 * run, which may stop early) -> reports, committed as a set -> exit 0
 * (every MUST passed), 1 (a check failed; SHOULD too with --strict), 2
 * (no verdict: usage, config, preflight, inconclusive, rate-limited,
 * interrupted, out of time, reports unwritable).
 */
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "quo/array.h"
#include "quo/quo.h"
#include "budget.h"
#include "cases.h"
#include "config.h"
#include "embedded.h"
#include "explore.h" /* explore hook */
#include "http.h"
#include "report.h"
#include "ledger.h"
#include "registry.h"
#include "runner.h"
#include "scrub.h"
#include "text.h"

enum { EXIT_PASS = 0, EXIT_CHECK_FAILED = 1, EXIT_USAGE = 2 };

typedef struct app {
    qc_cli cli;
    qc_layer flags, env, file;
    char *env_config;
    qc_config cfg;
    quo_spec *spec;
    qc_embedded *mock;
    char *base_url; /* the target actually used */
    qc_case_list cases;
    bool *selected;
    size_t nselected;
    bool *cut;          /* over --max-requests */
    size_t requests;    /* the requests the run sends */
    size_t left_out;    /* requests over --max-requests */
    qc_scrubber scrub;
    time_t started;
} app;

static int fail_usage(const app *a, const quo_error *err)
{
    char *msg = qc_scrub(&a->scrub, err->message, strlen(err->message));
    fprintf(stderr, "quo-conformance: %s\n", msg ? msg : err->message);
    free(msg);
    return EXIT_USAGE;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *getenv_fn(const char *name)
{
    return getenv(name);
}

/* A header whose value is a credential (its name says so). */
static bool credential_header(const char *line)
{
    static const char *const words[] = {"auth", "token", "key", "secret", "cookie",
                                        "session", "password", "signature"};
    size_t n = strcspn(line, ":");
    for (size_t w = 0; w < QUO_ARRAY_SIZE(words); w++)
        for (size_t i = 0; i + strlen(words[w]) <= n; i++)
            if (strncasecmp(line + i, words[w], strlen(words[w])) == 0)
                return true;
    return false;
}

static void add_header_secrets(qc_scrubber *s, const qc_strlist *headers)
{
    for (size_t i = 0; i < headers->count; i++) {
        const char *line = headers->items[i];
        if (!credential_header(line))
            continue;
        const char *v = line + strcspn(line, ":");
        v += *v == ':';
        while (*v == ' ' || *v == '\t')
            v++;
        qc_scrubber_add(s, v, "***");
    }
}

/* Every secret of every source, used or not, goes into the scrubber. */
static void add_secrets(app *a)
{
    const qc_layer *layers[] = {&a->flags, &a->env, &a->file};
    qc_scrubber_add(&a->scrub, a->cfg.api_key, "$QUO_API_KEY");
    qc_scrubber_add(&a->scrub, a->cfg.forbidden_key, "$QUO_FORBIDDEN_API_KEY");
    for (size_t i = 0; i < QUO_ARRAY_SIZE(layers); i++) {
        qc_scrubber_add(&a->scrub, layers[i]->api_key, "$QUO_API_KEY");
        qc_scrubber_add(&a->scrub, layers[i]->forbidden_key, "$QUO_FORBIDDEN_API_KEY");
        qc_scrubber_add_url(&a->scrub, layers[i]->base_url);
        qc_scrubber_add_url(&a->scrub, layers[i]->transport.proxy);
        add_header_secrets(&a->scrub, &layers[i]->transport.headers);
    }
    qc_scrubber_add_url(&a->scrub, getenv("https_proxy"));
    qc_scrubber_add_url(&a->scrub, getenv("HTTPS_PROXY"));
    qc_scrubber_add_url(&a->scrub, getenv("http_proxy"));
    qc_scrubber_add_url(&a->scrub, getenv("all_proxy"));
    qc_scrubber_add_url(&a->scrub, getenv("ALL_PROXY"));
}

/* Flags > environment > file. */
static quo_status load_settings(app *a, int argc, char **argv, quo_error *err)
{
    quo_status st = qc_config_parse_args(argc, argv, &a->cli, &a->flags, err);
    if (st != QUO_OK || a->cli.help || a->cli.version)
        return st;
    st = qc_config_from_env(getenv_fn, &a->env, &a->env_config, err);
    const char *path = a->cli.config_path ? a->cli.config_path : a->env_config;
    if (st == QUO_OK && path)
        st = qc_config_load_file(path, &a->file, err);
    if (st == QUO_OK)
        st = qc_config_resolve(&a->cli, &a->flags, &a->env, &a->file, path, &a->cfg, err);
    if (st == QUO_OK && a->cfg.embedded) {
        if (a->cfg.api_key || a->flags.api_key || a->env.api_key || a->file.api_key ||
            a->file.fixtures.phone_number_id || a->file.forbidden_key)
            fprintf(stderr, "quo-conformance: note: no base URL, so the embedded mock is the "
                            "target; the API key and fixtures given are not used\n");
    }
    add_secrets(a);
    return st;
}

/* The embedded mock's key and fixtures depend on the spec it serves (ids
 * made from its patterns), so they are picked once the spec is known. */
static quo_status load_spec(app *a, quo_error *err)
{
    quo_status st = a->cfg.spec_path ? quo_spec_load_file(a->cfg.spec_path, &a->spec, err)
                                     : quo_spec_load_default(&a->spec, err);
    if (st == QUO_OK && a->cfg.embedded) {
        st = qc_embedded_configure(a->spec, &a->cfg, err);
        qc_scrubber_add(&a->scrub, a->cfg.api_key, "$QUO_API_KEY");
        qc_scrubber_add(&a->scrub, a->cfg.forbidden_key, "$QUO_FORBIDDEN_API_KEY");
    }
    return st;
}

static quo_status derive(app *a, quo_error *err)
{
    qc_derive_input in = {.fixtures = &a->cfg.fixtures,
                          .have_forbidden = a->cfg.forbidden_key != NULL,
                          .faults_prefer = a->cfg.faults == QC_FAULTS_PREFER_HEADER};
    quo_status st = qc_cases_derive(a->spec, &in, &a->cases, err);
    if (st != QUO_OK)
        return st;
    size_t nc = a->cases.count ? a->cases.count : 1;
    a->selected = calloc(nc, sizeof *a->selected);
    a->cut = calloc(nc, sizeof *a->cut);
    if (!a->selected || !a->cut)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    const qc_selection *sel = &a->cfg.select;
    for (size_t i = 0; i < a->cases.count; i++) {
        a->selected[i] = qc_selection_matches(sel, a->cases.items[i].id);
        a->nselected += a->selected[i];
    }
    for (size_t i = 0; i < a->cases.discarded.count; i++)
        fprintf(stderr, "quo-conformance: note: not used: %s\n", a->cases.discarded.items[i]);
    if (a->nselected == 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "no case id matches --filter and --exclude "
                             "(%zu filter and %zu exclude patterns; see --list)",
                             sel->filters.count, sel->excludes.count);
    if (!qc_budget_cut(&a->cases, a->selected, sel->max_requests, a->cut, &a->requests,
                       &a->left_out))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    return QUO_OK;
}

/* The budget line: what the run will send and how long the pacing takes,
 * printed before anything is sent (and by --list). */
static void print_budget(const app *a, FILE *f)
{
    const qc_config *c = &a->cfg;
    char pace[96];
    if (c->rate > 0)
        snprintf(pace, sizeof pace, "about %.0f s at %g requests/s", (double)a->requests / c->rate,
                 c->rate);
    else
        snprintf(pace, sizeof pace, "unpaced (%s)", c->embedded ? "embedded" : "loopback");
    fprintf(f, "quo-conformance: budget: %zu requests, %s", a->requests, pace);
    if (a->left_out)
        fprintf(f, "; --max-requests %zu leaves out %zu more (reported as not run)",
                c->select.max_requests, a->left_out);
    fputc('\n', f);
    fflush(f);
}

static void print_list(const app *a)
{
    size_t n = 0;
    size_t *order = qc_run_order(&a->cases, a->selected, &n);
    size_t requests = 0;
    for (size_t k = 0; order && k < n; k++) {
        const qc_case *c = &a->cases.items[order[k]];
        printf("%-56s %-6s %s/%s accepts", c->id, qc_level_name(c->level), c->suite, c->tcase);
        for (size_t i = 0; i < c->accept_count; i++)
            printf(" %d", c->accepts[i]);
        if (c->exchange != order[k])
            printf(" (judges %s's response)", a->cases.items[c->exchange].id);
        else
            requests++;
        if (c->skip)
            printf(" [skipped: %s]", c->skip);
        else if (a->cut[order[k]])
            printf(" [not run: over --max-requests]");
        printf("\n    source: %s\n", c->source ? c->source : "");
    }
    printf("%zu cases (%zu requests) of %zu generated\n", n, requests, a->cases.count);
    print_budget(a, stdout);
    free(order);
}

/* --list-checks: the check registry as Markdown (docs/conformance.md). */
static int print_checks(void)
{
    quo_buf b;
    quo_buf_init(&b);
    qc_registry_markdown(&b);
    if (b.failed || !b.data) {
        quo_buf_free(&b);
        fprintf(stderr, "quo-conformance: out of memory\n");
        return EXIT_USAGE;
    }
    fputs(b.data, stdout);
    quo_buf_free(&b);
    return EXIT_PASS;
}

/* Prints a line through the scrubber. */
static void say(const app *a, FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void say(const app *a, FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = quo_vformat(fmt, ap);
    va_end(ap);
    char *s = text ? qc_scrub(&a->scrub, text, strlen(text)) : NULL;
    fputs(s ? s : "(out of memory)\n", f);
    fflush(f);
    free(s);
    free(text);
}

static void print_start(const app *a, const char *shown_url)
{
    const qc_config *c = &a->cfg;
    say(a, stdout,
        "quo-conformance: %zu cases against %s%s, --timeout %g s, --max-run-time %g s\n",
        a->nselected, shown_url, c->embedded ? " (embedded mock)" : "", c->timeout,
        c->max_run_time);
    print_budget(a, stdout);
    if (c->transport.insecure)
        say(a, stdout, "quo-conformance: WARNING: --insecure: TLS certificates and host names "
                       "are NOT verified; the reports say so\n");
    if (c->transport.proxy)
        say(a, stdout, "quo-conformance: through proxy %s\n", c->transport.proxy);
    for (size_t i = 0; i < c->transport.headers.count; i++)
        say(a, stdout, "quo-conformance: extra header on every request: %s\n",
            c->transport.headers.items[i]);
}

static int write_reports(app *a, const qc_run_result *res, double seconds, const char *shown)
{
    char host[256] = "localhost";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    qc_report rep = {.cfg = &a->cfg, .target = shown, .cases = &a->cases,
                     .results = res->results, .count = res->count, .created = &res->created,
                     .scrub = &a->scrub, .seconds = seconds, .tap_file = QC_TAP_FILE,
                     .end = res->end, .end_reason = res->end_reason,
                     .started = (long long)a->started, .hostname = host,
                     .ledger_file = QC_LEDGER_FILE};
    qc_counts n;
    qc_report_count(&rep, &n);
    rep.verdict = qc_report_verdict(&rep);
    rep.passed = rep.verdict == QC_RUN_PASSED;
    quo_error err = {0};
    quo_status st = qc_report_write(&rep, a->cfg.report_dir, &err);
    const char *word = rep.verdict == QC_RUN_PASSED ? "PASSED"
                       : rep.verdict == QC_RUN_FAILED ? "FAILED" : "INCONCLUSIVE";
    if (res->end == QC_END_INTERRUPTED || res->end == QC_END_TIME_LIMIT)
        word = "INTERRUPTED";
    say(a, stdout,
        "quo-conformance: %s: %zu passed, %zu failed (%zu MUST, %zu SHOULD), %zu skipped, "
        "%zu not run%s in %.2f s; %zu tasks created%s%s; reports in %s/\n",
        word, n.passed, n.failed, n.must_failed, n.should_failed, n.skipped, n.not_run,
        n.not_run_environment ? " (some answered by the environment)" : "", seconds,
        res->created.count, res->created_unknown ? ", more of unknown id" : "",
        ", listed in " QC_LEDGER_FILE, a->cfg.report_dir);
    if (res->end != QC_END_COMPLETE)
        say(a, stderr, "quo-conformance: no verdict (%s): %s\n", qc_run_end_name(res->end),
            res->end_reason ? res->end_reason : "");
    else if (rep.verdict == QC_RUN_INCONCLUSIVE)
        say(a, stderr, "quo-conformance: no verdict: %zu case(s) were answered by the "
                       "environment, not the API (see report.md)\n", n.not_run_environment);
    if (res->ledger_error)
        say(a, stderr, "quo-conformance: warning: %s\n", res->ledger_error);
    if (st != QUO_OK) {
        /* The last line says it: CI logs are read from the end. */
        say(a, stdout, "quo-conformance: the reports were NOT written (%s); %s/ still holds "
                       "the previous set, whole\n", err.message, a->cfg.report_dir);
        return EXIT_USAGE;
    }
    return (int)rep.verdict;
}

/* A run that stops before any case (bad flags, config, spec, a target that
 * cannot be started) exits 2 and still leaves a junit.xml with one error
 * case saying why (and the rest of the report set), where the reports go,
 * so a CI test view shows the cause. --list writes nothing. */
static int fail_setup(app *a, const quo_error *err)
{
    int code = fail_usage(a, err);
    if (a->cli.list || a->cfg.list)
        return code;
    const char *dir = a->cfg.report_dir   ? a->cfg.report_dir
                      : a->cli.report_dir ? a->cli.report_dir
                                          : QC_DEFAULT_REPORT_DIR;
    quo_error e2 = {0};
    if (!a->cfg.report_dir && !(a->cfg.report_dir = qc_strdup(dir)))
        return code;
    if (qc_ensure_dir(a->cfg.report_dir, &e2) != QUO_OK) {
        fail_usage(a, &e2);
        return code;
    }
    qc_run_result res;
    memset(&res, 0, sizeof res);
    qc_strlist_init(&res.created);
    res.end = QC_END_SETUP;
    res.end_reason = qc_strdup(err->message);
    if (res.end_reason) {
        char *shown = a->base_url ? qc_redact_url(a->base_url)
                      : a->cfg.base_url ? qc_redact_url(a->cfg.base_url)
                                        : NULL;
        write_reports(a, &res, 0, shown ? shown : "(no target)");
        free(shown);
    }
    qc_run_result_free(&res);
    return code;
}

static int run(app *a)
{
    quo_error err = {0};
    qc_runner_catch_signals();
    if (qc_ensure_dir(a->cfg.report_dir, &err) != QUO_OK)
        return fail_usage(a, &err); /* nowhere to write a report */
    if (a->cfg.embedded) {
        if (qc_embedded_start(a->spec, &a->mock, &a->base_url, &err) != QUO_OK)
            return fail_setup(a, &err);
    } else if (!(a->base_url = qc_strdup(a->cfg.base_url))) {
        quo_error_set(&err, QUO_ENOMEM, 0, "out of memory");
        return fail_setup(a, &err);
    } else {
        /* Pacing is decided by the addresses the host resolves to. */
        a->cfg.loopback = qc_http_is_loopback(a->base_url, &a->cfg.transport);
        if (!a->cfg.rate_set)
            a->cfg.rate = qc_http_default_rate(a->cfg.loopback);
    }
    char *shown = qc_redact_url(a->base_url);
    if (!shown) {
        quo_error_set(&err, QUO_ENOMEM, 0, "out of memory");
        return fail_setup(a, &err);
    }
    print_start(a, shown);
    a->started = time(NULL);
    /* explore hook: --replay FILE sends one saved request instead of the run */
    qe_setup xs = {.spec = a->spec, .cfg = &a->cfg, .base_url = a->base_url, .scrub = &a->scrub};
    if (a->cfg.explore.replay) {
        free(shown);
        return qe_replay(&xs, &a->cases, a->cfg.explore.replay);
    }
    /* end explore hook */
    double t0 = now_seconds();
    qc_runner_setup setup = {.spec = a->spec, .cfg = &a->cfg, .cases = &a->cases,
                             .selected = a->selected, .cut = a->cut,
                             .base_url = a->base_url,
                             .scrub = &a->scrub, .report_dir = a->cfg.report_dir,
                             .deadline = qc_http_now() + a->cfg.max_run_time,
                             .no_proxy = a->cfg.embedded};
    qc_run_result res;
    quo_status st = qc_run(&setup, &res, &err);
    /* explore hook: after the cases, --explore SECONDS; findings join the results */
    qe_findings ex;
    qe_findings_init(&ex);
    if (st == QUO_OK && a->cfg.explore.on && res.end == QC_END_COMPLETE)
        st = qe_explore(&xs, &a->cases, res.results, res.count, &res.created, &ex, &err);
    /* end explore hook */
    double seconds = now_seconds() - t0;
    qc_embedded_stop(a->mock);
    a->mock = NULL;
    int code;
    if (st == QUO_OK) {
        if (ex.results) { /* explore hook: the findings join the results */
            qc_run_result with = res;
            with.results = ex.results;
            with.count = ex.count;
            code = write_reports(a, &with, seconds, shown);
        } else {
            code = write_reports(a, &res, seconds, shown);
        }
    } else {
        /* An exit-2 run still leaves a junit.xml (one error case) for CI. */
        qc_run_result_free(&res);
        res.end = QC_END_SETUP;
        res.end_reason = qc_strdup(err.message);
        qc_strlist_init(&res.created);
        code = fail_usage(a, &err);
        if (res.end_reason)
            write_reports(a, &res, seconds, shown);
    }
    qe_findings_free(&ex); /* explore hook */
    qc_run_result_free(&res);
    free(shown);
    return code;
}

/* explore hook: --explore sends thousands of malformed requests, never to
 * a remote target unless asked for by name. Loopback is decided by the
 * addresses the host resolves to, as for pacing. */
static quo_status explore_allowed(const app *a, quo_error *err)
{
    if (!a->cfg.explore.on || a->cfg.embedded || a->cfg.explore.remote ||
        qc_http_is_loopback(a->cfg.base_url, &a->cfg.transport))
        return QUO_OK;
    return quo_error_set(err, QUO_EUSAGE, 0,
                         "--explore sends thousands of malformed requests: against a "
                         "non-loopback target it needs --explore-remote too");
}

static void app_free(app *a)
{
    qc_embedded_stop(a->mock);
    qc_cases_free(&a->cases);
    free(a->selected);
    free(a->cut);
    quo_spec_free(a->spec);
    free(a->base_url);
    qc_config_free(&a->cfg);
    qc_layer_free(&a->flags);
    qc_layer_free(&a->env);
    qc_layer_free(&a->file);
    free(a->env_config);
    qc_cli_free(&a->cli);
    qc_scrubber_free(&a->scrub);
}

int main(int argc, char **argv)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "quo-conformance: cannot initialise libcurl\n");
        return EXIT_USAGE;
    }
    app a;
    memset(&a, 0, sizeof a);
    qc_cases_init(&a.cases);
    qc_scrubber_init(&a.scrub);
    quo_error err = {0};
    int code;
    quo_status st = load_settings(&a, argc, argv, &err);
    if (st == QUO_OK && a.cli.help) {
        fputs(qc_config_usage(), stdout);
        code = EXIT_PASS;
    } else if (st == QUO_OK && a.cli.list_checks) {
        code = print_checks();
    } else if (st == QUO_OK && a.cli.version) {
        printf("quo-conformance %s\n", QUO_VERSION);
        code = EXIT_PASS;
    } else if (st != QUO_OK || explore_allowed(&a, &err) != QUO_OK ||
               load_spec(&a, &err) != QUO_OK || derive(&a, &err) != QUO_OK) {
        code = fail_setup(&a, &err);
    } else if (a.cfg.list) {
        print_list(&a);
        code = EXIT_PASS;
    } else {
        code = run(&a);
    }
    app_free(&a);
    curl_global_cleanup();
    return code;
}
