/* quo-validate - validates create-task request bodies, responses, or plain
 * JSON from files, printing one NDJSON verdict line per input. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/io.h"
#include "quo/quo.h"

enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };
#define DEFAULT_MAX_SIZE (16u * 1024u * 1024u)
#define MAX_DEPTH_CEILING 1000

typedef enum { MODE_REQUEST, MODE_RESPONSE, MODE_JSON } mode;

typedef struct options {
    mode mode;
    const char *spec_path;
    const char *operation;
    const char *content_type;
    int status;
    unsigned max_depth;
    size_t max_size;
} options;

static const char usage_text[] =
    "Usage: quo-validate [OPTIONS] request [FILE...]\n"
    "       quo-validate [OPTIONS] response STATUS [FILE...]\n"
    "       quo-validate [OPTIONS] json [FILE...]\n"
    "\n"
    "Validates against the contract of one operation of an OpenAPI document\n"
    "(default: the Quo API's create-task operation, compiled in):\n"
    "  request    a request body (strict JSON + the request schema)\n"
    "  response   a response body for HTTP status STATUS (documented status,\n"
    "             media type, strict JSON, the status's schema and constants)\n"
    "  json       strict RFC 8259 syntax, valid UTF-8, no duplicate names (I-JSON)\n"
    "With no FILE, or FILE '-', reads standard input.\n"
    "\n"
    "Prints one line of JSON per input:\n"
    "  {\"file\":\"...\",\"valid\":true|false,\"errors\":[{path,message,value,schema:{type}}]}\n"
    "\n"
    "Options:\n"
    "  --spec FILE          use another OpenAPI document\n"
    "  --operation OP       the operation to judge: an operationId or 'METHOD PATH'\n"
    "                       (default: the document's only operation, else\n"
    "                       createTask_v1)\n"
    "  --content-type TYPE  response mode: the Content-Type to judge\n"
    "                       (default application/json)\n"
    "  --max-depth N        JSON nesting limit, 1-1000 (default 128)\n"
    "  --max-size BYTES     largest input accepted (default 16777216)\n"
    "  -h, --help           show this help\n"
    "  --version            show the version\n"
    "\n"
    "Exit status: 0 every input valid, 1 some input invalid,\n"
    "             2 usage error, unreadable input or spec (message on stderr).\n";

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "quo-validate: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'quo-validate --help'.\n");
    return EXIT_USAGE;
}

static bool parse_unsigned(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* Parses argv; returns -1 to go on, or an exit status. *first is the
 * index of the first FILE. */
static int parse_args(int argc, char **argv, options *o, int *first)
{
    static const struct option longopts[] = {
        {"spec", required_argument, NULL, 's'},
        {"operation", required_argument, NULL, 'o'},
        {"content-type", required_argument, NULL, 'c'},
        {"max-depth", required_argument, NULL, 'd'},
        {"max-size", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    unsigned long long v;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o->spec_path = optarg; break;
        case 'o': o->operation = optarg; break;
        case 'c': o->content_type = optarg; break;
        case 'd':
            /* cJSON's printer and copier recurse: beyond this the stack is at risk. */
            if (!parse_unsigned(optarg, MAX_DEPTH_CEILING, &v) || v == 0)
                return usage_error("--max-depth takes a number from 1 to %d, not '%s'",
                                   MAX_DEPTH_CEILING, optarg);
            o->max_depth = (unsigned)v;
            break;
        case 'm':
            if (!parse_unsigned(optarg, (unsigned long long)1 << 40, &v))
                return usage_error("--max-size takes a number of bytes, not '%s'", optarg);
            o->max_size = (size_t)v;
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_VALID;
        case 'V': printf("quo-validate %s\n", QUO_VERSION); return EXIT_VALID;
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("%s", "missing mode: request, response or json");
    const char *m = argv[optind++];
    if (strcmp(m, "request") == 0) {
        o->mode = MODE_REQUEST;
    } else if (strcmp(m, "json") == 0) {
        o->mode = MODE_JSON;
    } else if (strcmp(m, "response") == 0) {
        o->mode = MODE_RESPONSE;
        if (optind >= argc || !parse_unsigned(argv[optind], 999, &v) || v < 100)
            return usage_error("response mode needs an HTTP status (100-999), got '%s'",
                               optind < argc ? argv[optind] : "nothing");
        o->status = (int)v;
        optind++;
    } else {
        return usage_error("unknown mode '%s' (request, response or json)", m);
    }
    *first = optind;
    return -1;
}

/* One input's verdict into `out`. Returns QUO_OK or QUO_ENOMEM. */
static quo_status judge(const options *o, const quo_spec *spec, const char *buf,
                        size_t len, quo_violations *out)
{
    if (o->mode == MODE_REQUEST)
        return quo_request_validate(spec, buf, len, o->max_depth, out, NULL);
    if (o->mode == MODE_RESPONSE) {
        quo_response r;
        quo_status st = quo_response_parse(spec, o->status, o->content_type, buf, len, &r);
        /* Hand the violations over instead of copying them. */
        quo_violations_free(out);
        *out = r.violations;
        quo_violations_init(&r.violations);
        quo_response_free(&r);
        return st;
    }
    quo_error err;
    quo_status st = quo_json_check(buf, len, o->max_depth, &err);
    if (st == QUO_OK || st == QUO_ENOMEM)
        return st;
    return quo_violations_add(out, "", NULL, "json", "any", "%s", err.message);
}

static bool print_verdict(const char *file, const quo_violations *v)
{
    cJSON *line = cJSON_CreateObject();
    cJSON *errors = quo_violations_to_json(v);
    bool ok = line && errors && cJSON_AddStringToObject(line, "file", file) &&
              cJSON_AddBoolToObject(line, "valid", v->count == 0) &&
              cJSON_AddItemToObject(line, "errors", errors);
    if (!ok)
        cJSON_Delete(errors);
    char *text = ok ? cJSON_PrintUnformatted(line) : NULL;
    cJSON_Delete(line);
    if (!text)
        return false;
    fputs(text, stdout);
    putchar('\n');
    cJSON_free(text);
    return true;
}

static int run(const options *o, const quo_spec *spec, char **files, int nfiles)
{
    static char *stdin_only[] = {"-"};
    int status = EXIT_VALID;
    quo_violations v;
    quo_violations_init(&v);
    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    for (int i = 0; i < nfiles; i++) {
        char *buf;
        size_t len;
        quo_error err;
        if (quo_io_read_file(files[i], o->max_size, &buf, &len, &err) != QUO_OK) {
            fprintf(stderr, "quo-validate: %s\n", err.message);
            status = EXIT_USAGE;
            continue;
        }
        quo_violations_clear(&v);
        quo_status st = judge(o, spec, buf, len, &v);
        free(buf);
        if (st != QUO_OK || !print_verdict(files[i], &v)) {
            fprintf(stderr, "quo-validate: %s: out of memory\n", files[i]);
            status = EXIT_USAGE;
            break;
        }
        if (v.count && status == EXIT_VALID)
            status = EXIT_INVALID;
    }
    quo_violations_free(&v);
    return status;
}

int main(int argc, char **argv)
{
    options o = {.mode = MODE_REQUEST, .content_type = "application/json",
                 .max_size = DEFAULT_MAX_SIZE};
    int first = 0;
    int rc = parse_args(argc, argv, &o, &first);
    if (rc >= 0)
        return rc;

    quo_spec *spec = NULL;
    quo_error err;
    size_t dlen;
    const char *dflt = quo_spec_default_text(&dlen);
    quo_status st = o.spec_path ? quo_spec_load_file_op(o.spec_path, o.operation, &spec, &err)
                                : quo_spec_load_buffer_op(dflt, dlen, o.operation, &spec, &err);
    if (st != QUO_OK) {
        fprintf(stderr, "quo-validate: cannot load the spec: %s\n", err.message);
        return EXIT_USAGE;
    }
    rc = run(&o, spec, argv + first, argc - first);
    quo_spec_free(spec);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "quo-validate: writing the output failed: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return rc;
}
