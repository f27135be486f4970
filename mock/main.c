/* main.c - the quo-mock program: options, start, wait for a signal,
 * graceful shutdown, report. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quo/json.h"
#include "quo-mock/mock.h"
#include "quo/spec.h"
#include "quo/version.h"

#include "fixtures.h"

enum { EXIT_CLEAN = 0, EXIT_RUNTIME = 1, EXIT_START = 2 };

static void usage(FILE *to)
{
    fprintf(to,
"usage: quo-mock [OPTION]...\n"
"A faithful, stateful mock of the operation an OpenAPI document describes\n"
"(default: the Quo API's create-task operation, compiled in) that also\n"
"certifies the clients talking to it (docs/mock.md).\n"
"\n"
"  --host ADDRESS         numeric IPv4/IPv6 address or localhost to listen on\n"
"                         (default 127.0.0.1)\n"
"  --port PORT            TCP port (default %u; 0 = any free port)\n"
"  --fixtures FILE        API keys, phone numbers, conversations, activities and\n"
"                         users (JSON); default: the compiled-in set\n"
"  --print-fixtures       print the compiled-in fixtures and exit\n"
"  --spec FILE            serve another OpenAPI document of the same API\n"
"  --report FILE          write the certification report here: rewritten while\n"
"                         serving and on shutdown; repeatable (up to %u); the\n"
"                         format from the extension: .json, .md, .xml (JUnit),\n"
"                         .html\n"
"  --report-format FMT    json, md, xml or html for every --report, whatever\n"
"                         its extension\n"
"  --report-interval MS   rewrite the reports this often (default %u)\n"
"  --fail-on-nonconforming  exit 1 when a client is not conforming\n"
"  --require-coverage LIST  exit 1 (with --fail-on-nonconforming) unless some\n"
"                         client exercised each item, e.g.\n"
"                         shape:activityId,member:dueDate,status:404\n"
"  --record-max N         requests whose details the report keeps (default %u;\n"
"                         non-conforming ones are kept first)\n"
"  --rate-limit N/s       answer 429 with Retry-After past N requests a second\n"
"                         per API key\n"
"  --faults FILE          a fault plan (JSON, docs/mock.md), checked at start\n"
"  --cors                 answer CORS preflights and allow any origin\n"
"  --drain SECONDS        on shutdown, wait this long for requests (default %u)\n"
"  --header-deadline S    a header block must be complete in S seconds\n"
"                         (default %u); then the connection is closed\n"
"  --body-deadline S      a body must be complete in S seconds (default %u)\n"
"  --body-budget BYTES    request bodies held at once (default %u); past it: 503\n"
"  --max-body BYTES       largest request body (default %u; suffix k or m);\n"
"                         larger: 413\n"
"  --max-header BYTES     largest request header block (default %u); larger: 431\n"
"  --max-connections N    open connections served (default %u); more: 503\n"
"  --timeout SECONDS      idle connection timeout (default %u); then closed\n"
"  --max-depth N          JSON nesting limit of a body (default %u); deeper: 400\n"
"  --threads N            epoll worker threads (default: one per CPU but one, 1 to 8)\n"
"  --thread-per-connection  a thread per connection instead of epoll workers\n"
"  --quiet                no per-request log lines on stderr\n"
"  --help                 this text\n"
"  --version              the version (the same for every program of the project)\n"
"\n"
"The first line on stdout is `listening on http://HOST:PORT`. Each request is\n"
"logged on stderr (method, path, status, duration; never the API key).\n"
"SIGINT or SIGTERM: stop accepting, finish requests in flight (at most\n"
"--drain seconds; a second signal: at once), write the reports, exit.\n"
"\n"
"Exit status:\n"
"  0  clean shutdown after SIGINT/SIGTERM (reports written, if asked for)\n"
"  1  runtime failure: a report could not be written, or out of memory; or,\n"
"     with --fail-on-nonconforming, a client was not conforming, a\n"
"     connection sent bytes that are not an HTTP request, or a\n"
"     --require-coverage item was never exercised\n"
"  2  usage error, or bad fixtures, spec, fault plan, address or report path\n"
"     (nothing was served)\n",
            QUO_MOCK_DEFAULT_PORT, QUO_MOCK_REPORT_MAX, QUO_MOCK_DEFAULT_REPORT_INTERVAL,
            QUO_MOCK_DEFAULT_RECORD_MAX, QUO_MOCK_DEFAULT_DRAIN,
            QUO_MOCK_DEFAULT_HEADER_DEADLINE, QUO_MOCK_DEFAULT_BODY_DEADLINE,
            QUO_MOCK_DEFAULT_BODY_BUDGET, QUO_MOCK_DEFAULT_MAX_BODY,
            QUO_MOCK_DEFAULT_MAX_HEADER, QUO_MOCK_DEFAULT_MAX_CONNECTIONS,
            QUO_MOCK_DEFAULT_TIMEOUT, QUO_JSON_DEFAULT_MAX_DEPTH);
}

static int bad_usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "quo-mock: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'quo-mock --help'.\n");
    va_end(ap);
    return EXIT_START;
}

/* A positive number, with an optional k/m (KiB/MiB) suffix when `sizes`. */
static bool parse_number(const char *s, bool sizes, unsigned long long min,
                         unsigned long long max, unsigned long long *out)
{
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    if (sizes && (*end == 'k' || *end == 'K') && !end[1]) {
        if (v > ULLONG_MAX / 1024)
            return false;
        v *= 1024, end++;
    } else if (sizes && (*end == 'm' || *end == 'M') && !end[1]) {
        if (v > ULLONG_MAX / (1024 * 1024))
            return false;
        v *= 1024 * 1024, end++;
    }
    if (*end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

enum {
    OPT_HOST = 256, OPT_PORT, OPT_FIXTURES, OPT_PRINT_FIXTURES, OPT_SPEC, OPT_REPORT,
    OPT_FORMAT, OPT_MAX_BODY, OPT_MAX_HEADER, OPT_MAX_CONN, OPT_TIMEOUT, OPT_MAX_DEPTH,
    OPT_THREADS, OPT_TPC, OPT_QUIET, OPT_HELP, OPT_INTERVAL, OPT_FAIL, OPT_REQUIRE,
    OPT_RECORD_MAX, OPT_RATE, OPT_FAULTS, OPT_CORS, OPT_DRAIN, OPT_HEADER_DL, OPT_BODY_DL,
    OPT_BUDGET, OPT_VERSION
};

static const struct option long_opts[] = {
    {"host", required_argument, NULL, OPT_HOST},
    {"port", required_argument, NULL, OPT_PORT},
    {"fixtures", required_argument, NULL, OPT_FIXTURES},
    {"print-fixtures", no_argument, NULL, OPT_PRINT_FIXTURES},
    {"spec", required_argument, NULL, OPT_SPEC},
    {"report", required_argument, NULL, OPT_REPORT},
    {"report-format", required_argument, NULL, OPT_FORMAT},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"max-header", required_argument, NULL, OPT_MAX_HEADER},
    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"thread-per-connection", no_argument, NULL, OPT_TPC},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"report-interval", required_argument, NULL, OPT_INTERVAL},
    {"fail-on-nonconforming", no_argument, NULL, OPT_FAIL},
    {"require-coverage", required_argument, NULL, OPT_REQUIRE},
    {"record-max", required_argument, NULL, OPT_RECORD_MAX},
    {"rate-limit", required_argument, NULL, OPT_RATE},
    {"faults", required_argument, NULL, OPT_FAULTS},
    {"cors", no_argument, NULL, OPT_CORS},
    {"drain", required_argument, NULL, OPT_DRAIN},
    {"header-deadline", required_argument, NULL, OPT_HEADER_DL},
    {"body-deadline", required_argument, NULL, OPT_BODY_DL},
    {"body-budget", required_argument, NULL, OPT_BUDGET},
    {NULL, 0, NULL, 0},
};

typedef struct cli {
    quo_mock_options opts;
    const char *spec_path;
    const char *reports[QUO_MOCK_REPORT_MAX];
    size_t n_reports;
    int format;          /* --report-format, or -1 */
    const char *require; /* --require-coverage */
    bool help, version, print_fixtures, fail_on_non;
    char command_line[1024];
} cli;

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, cli *c)
{
    quo_mock_options *o = &c->opts;
    int ch;
    unsigned long long v;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        switch (ch) {
        case OPT_HOST: o->host = optarg; break;
        case OPT_PORT:
            if (!parse_number(optarg, false, 0, 65535, &v))
                return bad_usage("--port: \"%s\" is not a port number (0-65535)", optarg);
            o->port = (unsigned)v;
            break;
        case OPT_FIXTURES: o->fixtures_path = optarg; break;
        case OPT_PRINT_FIXTURES: c->print_fixtures = true; break;
        case OPT_SPEC: c->spec_path = optarg; break;
        case OPT_REPORT:
            if (c->n_reports == QUO_MOCK_REPORT_MAX)
                return bad_usage("--report: at most %u report files", QUO_MOCK_REPORT_MAX);
            c->reports[c->n_reports++] = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                c->format = QUO_MOCK_REPORT_JSON;
            else if (strcmp(optarg, "md") == 0)
                c->format = QUO_MOCK_REPORT_MARKDOWN;
            else if (strcmp(optarg, "xml") == 0 || strcmp(optarg, "junit") == 0)
                c->format = QUO_MOCK_REPORT_JUNIT;
            else if (strcmp(optarg, "html") == 0)
                c->format = QUO_MOCK_REPORT_HTML;
            else
                return bad_usage("--report-format: \"%s\" is not json, md, xml or html",
                                 optarg);
            break;
        case OPT_INTERVAL:
            if (!parse_number(optarg, false, 50, 3600000, &v))
                return bad_usage("--report-interval: \"%s\" is not milliseconds from 50 to "
                                 "3600000", optarg);
            o->report_interval_ms = (unsigned)v;
            break;
        case OPT_FAIL: c->fail_on_non = true; break;
        case OPT_REQUIRE: c->require = optarg; break;
        case OPT_RECORD_MAX:
            if (!parse_number(optarg, false, 1, 100000000, &v))
                return bad_usage("--record-max: \"%s\" is not a number from 1 to 100000000",
                                 optarg);
            o->record_max = (size_t)v;
            break;
        case OPT_RATE: {
            size_t n = strlen(optarg);
            char num[32];
            if (n > 2 && strcmp(optarg + n - 2, "/s") == 0 && n - 2 < sizeof num) {
                memcpy(num, optarg, n - 2);
                num[n - 2] = '\0';
            } else {
                snprintf(num, sizeof num, "%s", n < sizeof num ? optarg : "x");
            }
            if (!parse_number(num, false, 1, 1000000, &v))
                return bad_usage("--rate-limit: \"%s\" is not N/s with N from 1 to 1000000",
                                 optarg);
            o->rate_limit = (unsigned)v;
            break;
        }
        case OPT_FAULTS: o->faults_path = optarg; break;
        case OPT_CORS: o->cors = true; break;
        case OPT_DRAIN:
            if (!parse_number(optarg, false, 1, 3600, &v))
                return bad_usage("--drain: \"%s\" is not seconds from 1 to 3600", optarg);
            o->drain_seconds = (unsigned)v;
            break;
        case OPT_HEADER_DL:
        case OPT_BODY_DL:
            if (!parse_number(optarg, false, 1, 86400, &v))
                return bad_usage("%s: \"%s\" is not seconds from 1 to 86400",
                                 ch == OPT_HEADER_DL ? "--header-deadline" : "--body-deadline",
                                 optarg);
            if (ch == OPT_HEADER_DL)
                o->header_deadline = (unsigned)v;
            else
                o->body_deadline = (unsigned)v;
            break;
        case OPT_BUDGET:
            if (!parse_number(optarg, true, 1024, 1ull << 40, &v))
                return bad_usage("--body-budget: \"%s\" is not a size from 1k to 1024g", optarg);
            o->body_budget = (size_t)v;
            break;
        case OPT_MAX_BODY:
            if (!parse_number(optarg, true, 1, 1ull << 30, &v))
                return bad_usage("--max-body: \"%s\" is not a size from 1 to 1g", optarg);
            o->max_body = (size_t)v;
            break;
        case OPT_MAX_HEADER:
            if (!parse_number(optarg, true, 256, 1u << 20, &v))
                return bad_usage("--max-header: \"%s\" is not a size from 256 to 1m", optarg);
            o->max_header = (size_t)v;
            break;
        case OPT_MAX_CONN:
            if (!parse_number(optarg, false, 1, 100000, &v))
                return bad_usage("--max-connections: \"%s\" is not a number from 1 to 100000",
                                 optarg);
            o->max_connections = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            if (!parse_number(optarg, false, 1, 86400, &v))
                return bad_usage("--timeout: \"%s\" is not a number of seconds from 1 to 86400",
                                 optarg);
            o->timeout_seconds = (unsigned)v;
            break;
        case OPT_MAX_DEPTH:
            if (!parse_number(optarg, false, 1, 1000, &v))
                return bad_usage("--max-depth: \"%s\" is not a number from 1 to 1000", optarg);
            o->max_depth = (unsigned)v;
            break;
        case OPT_THREADS:
            if (!parse_number(optarg, false, 1, 256, &v))
                return bad_usage("--threads: \"%s\" is not a number from 1 to 256", optarg);
            o->threads = (unsigned)v;
            break;
        case OPT_TPC: o->thread_per_connection = true; break;
        case OPT_QUIET: o->quiet = true; break;
        case OPT_HELP: c->help = true; break;
        case OPT_VERSION: c->version = true; break;
        default:
            if (optopt)
                return bad_usage("option %s needs a value", argv[optind - 1]);
            return bad_usage("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad_usage("unexpected argument \"%s\"", argv[optind]);
    for (size_t i = 0; i < c->n_reports; i++) {
        int fmt = c->format >= 0 ? c->format : quo_mock_report_format_for(c->reports[i]);
        if (fmt < 0)
            return bad_usage("--report %s: the extension names no format (.json, .md, .xml, "
                             ".html); or give --report-format", c->reports[i]);
        if (i == 0) {
            o->report_path = c->reports[0];
            o->report_format = (quo_mock_report_format)fmt;
        } else if (c->format >= 0) {
            return bad_usage("--report-format applies to one --report; name the others' "
                             "formats by their extensions");
        } else {
            o->report_paths[i - 1] = c->reports[i];
        }
    }
    if (c->require && !c->fail_on_non)
        return bad_usage("--require-coverage needs --fail-on-nonconforming");
    return -1;
}

typedef struct finisher {
    quo_mock_server *srv;
    quo_error err;
    quo_status st;
    atomic_bool done;
} finisher;

static void *finish_thread(void *arg)
{
    finisher *f = arg;
    f->st = quo_mock_server_finish(f->srv, &f->err);
    atomic_store(&f->done, true);
    return NULL;
}

/* Finishes (drain, reports) while a second signal may still hurry it. */
static quo_status finish(quo_mock_server *srv, const sigset_t *signals, quo_error *err)
{
    finisher f = {srv, {0}, QUO_OK, false};
    pthread_t t;
    if (pthread_create(&t, NULL, finish_thread, &f) != 0)
        return quo_mock_server_finish(srv, err);
    bool hurried = false;
    while (!atomic_load(&f.done)) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        if (sigtimedwait(signals, NULL, &ts) > 0 && !hurried) {
            fprintf(stderr, "quo-mock: second signal: stopping now\n");
            quo_mock_server_hurry(srv);
            hurried = true;
        }
    }
    pthread_join(t, NULL);
    if (f.st != QUO_OK)
        *err = f.err;
    return f.st;
}

/* The verdict's share of the exit status (--fail-on-nonconforming). */
static int verdict_status(const cli *c, quo_mock_server *srv, const quo_mock_summary *sum)
{
    if (!c->fail_on_non)
        return EXIT_CLEAN;
    int rc = EXIT_CLEAN;
    if (sum->clients_non_conforming) {
        fprintf(stderr, "quo-mock: %zu of %zu client(s) not conforming\n",
                sum->clients_non_conforming, sum->clients);
        rc = EXIT_RUNTIME;
    }
    /* Bytes that were no HTTP request came from some client even when the
     * report cannot say which (its "connections" name the peer address). */
    if (sum->malformed_connections) {
        fprintf(stderr, "quo-mock: %zu connection(s) sent bytes that are not an HTTP/1.1 "
                "request (the report's \"connections\" list them by peer address)\n",
                sum->malformed_connections);
        rc = EXIT_RUNTIME;
    }
    if (c->require) {
        char missing[512];
        int n = quo_mock_core_require(quo_mock_server_core(srv), c->require, missing,
                                      sizeof missing);
        if (n != 0) {
            fprintf(stderr, "quo-mock: --require-coverage: no client exercised %s\n", missing);
            rc = EXIT_RUNTIME;
        }
    }
    return rc;
}

static int serve(cli *c, const quo_spec *spec, const sigset_t *signals)
{
    quo_error err = {0};
    quo_status st = quo_mock_reports_prepare(&c->opts, &err);
    if (st != QUO_OK) {
        fprintf(stderr, "quo-mock: %s\n", err.message);
        return EXIT_START;
    }
    quo_mock_server *srv;
    st = quo_mock_server_start(spec, &c->opts, &srv, &err);
    if (st != QUO_OK) {
        fprintf(stderr, "quo-mock: %s\n", err.message);
        return st == QUO_ENOMEM ? EXIT_RUNTIME : EXIT_START;
    }
    if (c->require) {
        char bad[512];
        if (quo_mock_core_require(quo_mock_server_core(srv), c->require, bad, sizeof bad) < 0) {
            fprintf(stderr, "quo-mock: --require-coverage: the spec defines no item %s (items "
                    "are shape:NAME, member:NAME, status:CODE)\n", bad);
            quo_mock_server_stop(srv);
            return EXIT_START;
        }
    }
    const char *host = c->opts.host;
    bool v6 = strchr(host, ':') != NULL;
    printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "",
           quo_mock_server_port(srv));
    fflush(stdout);

    int sig = 0;
    while (sigwait(signals, &sig) != 0)
        ;
    if (!c->opts.quiet)
        fprintf(stderr, "quo-mock: %s received: finishing requests in flight\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    st = finish(srv, signals, &err);
    quo_mock_summary sum;
    quo_mock_core_summary(quo_mock_server_core(srv), &sum);
    int rc = EXIT_CLEAN;
    if (st != QUO_OK) {
        fprintf(stderr, "quo-mock: %s\n", err.message);
        rc = EXIT_RUNTIME;
    }
    if (!c->opts.quiet || rc != EXIT_CLEAN)
        fprintf(stderr, "quo-mock: %zu request(s): %zu conforming, %zu not conforming, %zu not "
                "judged, %zu unanswered; %zu client(s)%s%s\n",
                sum.requests, sum.conforming, sum.non_conforming, sum.not_judged,
                sum.unanswered, sum.clients,
                c->opts.report_path && st == QUO_OK ? "; report written to " : "",
                c->opts.report_path && st == QUO_OK ? c->opts.report_path : "");
    int vrc = verdict_status(c, srv, &sum);
    if (rc == EXIT_CLEAN)
        rc = vrc;
    quo_mock_server_stop(srv);
    return rc;
}

/* The command line for the report's provenance, with nothing secret in
 * it (quo-mock takes no key on its command line). */
static void keep_command_line(cli *c, int argc, char **argv)
{
    size_t used = 0;
    for (int i = 0; i < argc && used + 1 < sizeof c->command_line; i++) {
        int w = snprintf(c->command_line + used, sizeof c->command_line - used, "%s%s",
                         i ? " " : "", argv[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    c->opts.command_line = c->command_line;
}

int main(int argc, char **argv)
{
    cli c = {0};
    c.format = -1;
    quo_mock_options_init(&c.opts);
    keep_command_line(&c, argc, argv);
    int rc = parse_args(argc, argv, &c);
    if (rc >= 0)
        return rc;
    if (c.help) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (c.version) {
        printf("quo-mock %s\n", QUO_VERSION);
        return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_RUNTIME;
    }
    if (c.print_fixtures) {
        size_t len;
        const char *text = quo_mock_default_fixtures(&len);
        fwrite(text, 1, len, stdout);
        return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_RUNTIME;
    }

    /* Signals are taken by sigwait() in this thread only: block them
     * before any server thread exists, so every thread inherits the mask. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    quo_error err = {0};
    quo_spec *spec = NULL;
    quo_status st = c.spec_path ? quo_spec_load_file(c.spec_path, &spec, &err)
                                : quo_spec_load_default(&spec, &err);
    if (st != QUO_OK) {
        fprintf(stderr, "quo-mock: %s%s%s\n", c.spec_path ? c.spec_path : "",
                c.spec_path ? ": " : "", err.message);
        return st == QUO_ENOMEM ? EXIT_RUNTIME : EXIT_START;
    }
    rc = serve(&c, spec, &signals);
    quo_spec_free(spec);
    return rc;
}
