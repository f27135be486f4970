/* suite/main.c - quo-conformance: certifies a server's POST /v1/tasks.
 *
 * Order of work: settings (flags > env > file) -> spec -> target (the
 * embedded mock when no base URL is given) -> cases derived from the spec
 * -> --filter -> (--list stops here) -> report dir and reachability
 * checks (exit 2 before any case runs) -> the libcheck run -> reports ->
 * exit 0 (every MUST passed), 1 (a check failed; SHOULD too with
 * --strict), 2 (usage, config, target unreachable, reports unwritable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "quo/quo.h"
#include "cases.h"
#include "config.h"
#include "embedded.h"
#include "explore.h" /* explore hook */
#include "http.h"
#include "report.h"
#include "runner.h"
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
    qc_scrubber scrub;
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
        st = qc_embedded_configure(&a->cfg, err);
    }
    qc_scrubber_add(&a->scrub, a->cfg.api_key, "$QUO_API_KEY");
    qc_scrubber_add(&a->scrub, a->cfg.forbidden_key, "$QUO_FORBIDDEN_API_KEY");
    /* Keys given but not used must not leak either. */
    qc_scrubber_add(&a->scrub, a->flags.api_key, "$QUO_API_KEY");
    qc_scrubber_add(&a->scrub, a->env.api_key, "$QUO_API_KEY");
    return st;
}

static quo_status load_spec(app *a, quo_error *err)
{
    if (a->cfg.spec_path)
        return quo_spec_load_file(a->cfg.spec_path, &a->spec, err);
    return quo_spec_load_default(&a->spec, err);
}

static quo_status derive(app *a, quo_error *err)
{
    qc_derive_input in = {.fixtures = &a->cfg.fixtures,
                          .have_forbidden = a->cfg.forbidden_key != NULL,
                          .faults_prefer = a->cfg.faults == QC_FAULTS_PREFER_HEADER};
    quo_status st = qc_cases_derive(a->spec, &in, &a->cases, err);
    if (st != QUO_OK)
        return st;
    a->selected = calloc(a->cases.count ? a->cases.count : 1, sizeof *a->selected);
    if (!a->selected)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    for (size_t i = 0; i < a->cases.count; i++) {
        a->selected[i] = !a->cfg.filter || qc_glob_match(a->cfg.filter, a->cases.items[i].id);
        a->nselected += a->selected[i];
    }
    for (size_t i = 0; i < a->cases.discarded.count; i++)
        fprintf(stderr, "quo-conformance: note: not used: %s\n", a->cases.discarded.items[i]);
    if (a->nselected == 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "no case id matches --filter \"%s\" (see --list)",
                             a->cfg.filter);
    return QUO_OK;
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
        putchar('\n');
    }
    printf("%zu cases (%zu requests) of %zu generated\n", n, requests, a->cases.count);
    free(order);
}

static int run(app *a)
{
    quo_error err = {0};
    if (qc_ensure_dir(a->cfg.report_dir, &err) != QUO_OK)
        return fail_usage(a, &err);
    if (a->cfg.embedded) {
        if (qc_embedded_start(a->spec, &a->mock, &a->base_url, &err) != QUO_OK)
            return fail_usage(a, &err);
    } else if (!(a->base_url = qc_strdup(a->cfg.base_url))) {
        quo_error_set(&err, QUO_ENOMEM, 0, "out of memory");
        return fail_usage(a, &err);
    }
    if (qc_http_probe(a->base_url, a->cfg.timeout, &err) != QUO_OK)
        return fail_usage(a, &err);
    /* explore hook: --replay FILE sends one saved request instead of the run */
    qe_setup xs = {.spec = a->spec, .cfg = &a->cfg, .base_url = a->base_url, .scrub = &a->scrub};
    if (a->cfg.explore.replay)
        return qe_replay(&xs, &a->cases, a->cfg.explore.replay);
    /* end explore hook */
    size_t requests = 0;
    for (size_t i = 0; i < a->cases.count; i++)
        requests += a->selected[i] && a->cases.items[i].exchange == i && !a->cases.items[i].skip;
    char rate[32];
    if (a->cfg.rate > 0)
        snprintf(rate, sizeof rate, "%g requests/s", a->cfg.rate);
    else
        snprintf(rate, sizeof rate, "unpaced");
    printf("quo-conformance: %zu cases (%zu requests) against %s%s, %s\n", a->nselected,
           requests, a->base_url, a->cfg.embedded ? " (embedded mock)" : "", rate);
    fflush(stdout);

    double t0 = now_seconds();
    qc_runner_setup setup = {.spec = a->spec, .cfg = &a->cfg, .cases = &a->cases,
                             .selected = a->selected, .base_url = a->base_url,
                             .scrub = &a->scrub, .report_dir = a->cfg.report_dir};
    qc_run_result res;
    quo_status st = qc_run(&setup, &res, &err);
    /* explore hook: after the cases, --explore SECONDS; findings join the results */
    qe_findings ex;
    qe_findings_init(&ex);
    if (st == QUO_OK && a->cfg.explore.on)
        st = qe_explore(&xs, &a->cases, res.results, res.count, &res.created, &ex, &err);
    /* end explore hook */
    double seconds = now_seconds() - t0;
    qc_embedded_stop(a->mock);
    a->mock = NULL;
    int code = EXIT_USAGE;
    if (st == QUO_OK) {
        qc_report rep = {.cfg = &a->cfg, .target = a->base_url, .cases = &a->cases,
                         .results = ex.results ? ex.results : res.results, /* explore hook */
                         .count = ex.results ? ex.count : res.count, .created = &res.created,
                         .scrub = &a->scrub, .seconds = seconds, .tap_file = QC_TAP_FILE};
        qc_counts n;
        qc_report_count(&rep, &n);
        rep.passed = n.must_failed == 0 && (!a->cfg.strict || n.should_failed == 0);
        st = qc_report_write(&rep, a->cfg.report_dir, &err);
        printf("quo-conformance: %s: %zu passed, %zu failed (%zu MUST, %zu SHOULD), %zu skipped"
               "%s in %.2f s; %zu tasks created; reports in %s/\n",
               rep.passed ? "PASSED" : "FAILED", n.passed, n.failed, n.must_failed,
               n.should_failed, n.skipped, n.not_run ? " (some not run: CK_* filters)" : "",
               seconds, res.created.count, a->cfg.report_dir);
        code = st != QUO_OK ? fail_usage(a, &err) : rep.passed ? EXIT_PASS : EXIT_CHECK_FAILED;
    } else {
        code = fail_usage(a, &err);
    }
    qe_findings_free(&ex); /* explore hook */
    qc_run_result_free(&res);
    return code;
}

static void app_free(app *a)
{
    qc_embedded_stop(a->mock);
    qc_cases_free(&a->cases);
    free(a->selected);
    quo_spec_free(a->spec);
    free(a->base_url);
    qc_config_free(&a->cfg);
    qc_layer_free(&a->flags);
    qc_layer_free(&a->env);
    qc_layer_free(&a->file);
    free(a->env_config);
    qc_cli_free(&a->cli);
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
    } else if (st == QUO_OK && a.cli.version) {
        printf("quo-conformance %s\n", QUO_VERSION);
        code = EXIT_PASS;
    } else if (st != QUO_OK || load_spec(&a, &err) != QUO_OK || derive(&a, &err) != QUO_OK) {
        code = fail_usage(&a, &err);
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
