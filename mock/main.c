/* main.c - the quo-mock program: options, start, wait for a signal,
 * graceful shutdown, report. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quo/json.h"
#include "quo-mock/mock.h"
#include "quo/spec.h"

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
"  --report FILE          on shutdown, write the certification report here\n"
"  --report-format FMT    json (default) or md\n"
"  --max-body BYTES       largest request body (default %u; suffix k or m);\n"
"                         larger: 413\n"
"  --max-header BYTES     largest request header block (default %u); larger: 431\n"
"  --max-connections N    open connections served (default %u); more: 503\n"
"  --timeout SECONDS      idle connection timeout (default %u); then closed\n"
"  --max-depth N          JSON nesting limit of a body (default %u); deeper: 400\n"
"  --threads N            epoll worker threads (default: one per CPU, at most 8)\n"
"  --thread-per-connection  a thread per connection instead of epoll workers\n"
"  --quiet                no per-request log lines on stderr\n"
"  --help                 this text\n"
"\n"
"The first line on stdout is `listening on http://HOST:PORT`. Each request is\n"
"logged on stderr (method, path, status, duration; never the API key).\n"
"SIGINT or SIGTERM: stop accepting, finish requests in flight, write the\n"
"report, exit.\n"
"\n"
"Exit status:\n"
"  0  clean shutdown after SIGINT/SIGTERM (report written, if asked for)\n"
"  1  runtime failure: the report could not be written, or out of memory\n"
"  2  usage error, or bad fixtures, spec, or address (nothing was served)\n",
            QUO_MOCK_DEFAULT_PORT, QUO_MOCK_DEFAULT_MAX_BODY, QUO_MOCK_DEFAULT_MAX_HEADER,
            QUO_MOCK_DEFAULT_MAX_CONNECTIONS, QUO_MOCK_DEFAULT_TIMEOUT,
            QUO_JSON_DEFAULT_MAX_DEPTH);
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
    OPT_THREADS, OPT_TPC, OPT_QUIET, OPT_HELP
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
    {NULL, 0, NULL, 0},
};

typedef struct cli {
    quo_mock_options opts;
    const char *spec_path;
    bool help, print_fixtures;
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
        case OPT_REPORT: o->report_path = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                o->report_format = QUO_MOCK_REPORT_JSON;
            else if (strcmp(optarg, "md") == 0)
                o->report_format = QUO_MOCK_REPORT_MARKDOWN;
            else
                return bad_usage("--report-format: \"%s\" is neither json nor md", optarg);
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
        default:
            if (optopt)
                return bad_usage("option %s needs a value", argv[optind - 1]);
            return bad_usage("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad_usage("unexpected argument \"%s\"", argv[optind]);
    return -1;
}

static int serve(cli *c, const quo_spec *spec, const sigset_t *signals)
{
    quo_error err = {0};
    quo_mock_server *srv;
    quo_status st = quo_mock_server_start(spec, &c->opts, &srv, &err);
    if (st != QUO_OK) {
        fprintf(stderr, "quo-mock: %s\n", err.message);
        return st == QUO_ENOMEM ? EXIT_RUNTIME : EXIT_START;
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
    st = quo_mock_server_finish(srv, &err);
    quo_mock_summary sum;
    quo_mock_core_summary(quo_mock_server_core(srv), &sum);
    int rc = EXIT_CLEAN;
    if (st != QUO_OK) {
        fprintf(stderr, "quo-mock: %s\n", err.message);
        rc = EXIT_RUNTIME;
    }
    if (!c->opts.quiet || rc != EXIT_CLEAN)
        fprintf(stderr, "quo-mock: %zu request(s): %zu conforming, %zu not conforming%s%s\n",
                sum.requests, sum.conforming, sum.non_conforming,
                c->opts.report_path && st == QUO_OK ? "; report written to " : "",
                c->opts.report_path && st == QUO_OK ? c->opts.report_path : "");
    quo_mock_server_stop(srv);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {0};
    quo_mock_options_init(&c.opts);
    int rc = parse_args(argc, argv, &c);
    if (rc >= 0)
        return rc;
    if (c.help) {
        usage(stdout);
        return EXIT_CLEAN;
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
