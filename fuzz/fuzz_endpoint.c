/* fuzz_endpoint.c - each input becomes the body of a POST /v1/tasks to a
 * live server; the answer must be what the spec documents.
 *
 * This is how users fuzz a staging server's parser. By default the target
 * is an in-process quo-mock on an ephemeral loopback port, so tests and CI
 * never leave the machine.
 *
 * Environment:
 *   QUO_BASE_URL            the server (e.g. https://staging.example); unset
 *                           or empty: the in-process mock.
 *   QUO_API_KEY             sent raw in Authorization (the API takes the raw
 *                           key). Default for the in-process mock: the
 *                           compiled-in fixtures' "test-key" (see README).
 *   QUO_FUZZ_ALLOW_REMOTE=1 the opt-in a non-loopback QUO_BASE_URL needs:
 *                           every input may create a real task there.
 *   QUO_FUZZ_RATE           requests per second at most (default 5 for a
 *                           non-loopback server, the real API allows 10 per
 *                           key; 0 = unpaced, the default on loopback).
 *   QUO_FUZZ_TIMEOUT        seconds per request (default 10).
 *   QUO_CONFIG              quo-conformance's config file: the API key (when
 *                           QUO_API_KEY is unset) and the target's fixtures,
 *                           put in place of the corpus's (fuzz_endpoint_oracle.h).
 * The HTTP client is the suite's (suite/http.h, library quo_http): the
 * same target policy for pacing (loopback decided by the addresses the
 * host resolves to, not by its name), 429 retries (Retry-After, never
 * earlier, up to a cap; else 1 s doubling, 5 tries: the server pacing us,
 * not its parser failing), the body cap, timeouts and libcurl's detailed
 * error text. QUO_FUZZ_RATE and QUO_FUZZ_TIMEOUT are bounds-checked like
 * quo-conformance's --rate and --timeout.
 *
 * Properties (abort, so libFuzzer keeps the input): the oracle of
 * quo-conformance --explore (fuzz_endpoint_oracle.h, docs/explore.md): an
 * answer came; no 5xx; the answer conforms (status, media type, strict
 * JSON, schema, constants); a body the library accepts gets the success
 * status (or 403/404), one it rejects gets neither. Each input is sent with
 * a framing (chunked, Expect, Content-Type) picked from its bytes. Inputs
 * have no length cap of our own (the body limit is the server's). The API
 * key is never printed.
 */
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_endpoint_oracle.h" /* explore hook */
#include "http.h"
#include "quo-mock/mock.h"
#include "quo/request.h"
#include "quo/response.h"

/* The in-process mock keeps every task and request it saw; restarting it
 * now and then keeps a long session's memory bounded. */
#define MOCK_RESTART_EVERY 20000
#define MOCK_DEFAULT_KEY "test-key"

typedef struct endpoint {
    qc_http *http;
    const char *key;     /* the environment's or the config file's (static) */
    char *url;
    quo_mock_server *mock;
    unsigned long sent_to_mock;
} endpoint;

static endpoint ep;

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && v[0] ? v : fallback;
}

/* Set-up problems are the user's, not a finding: exit 2 with a message. */
static _Noreturn void die(const char *fmt, ...) FUZZ_PRINTF(1, 2);
static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fuzz_endpoint: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* A number from the environment within the policy's bounds. */
static double env_number(const char *name, const char *fallback, double min, double max,
                         bool allow_zero)
{
    const char *text = env_or(name, fallback);
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) ||
        !((allow_zero && v == 0) || (v >= min && v <= max)))
        die("%s=\"%.40s\" is out of range (%s%g to %g)", name, text, allow_zero ? "0 or " : "",
            min, max);
    return v;
}

static void set_url(const char *base)
{
    size_t blen = strlen(base);
    const char *path = quo_spec_path(fuzz_spec());
    size_t n = blen + strlen(path) + 1;
    free(ep.url);
    ep.url = malloc(n);
    if (!ep.url)
        die("out of memory");
    if (blen > 0 && base[blen - 1] == '/')
        blen--; /* "https://host/" + "/v1/tasks" */
    snprintf(ep.url, n, "%.*s%s", (int)blen, base, path);
}

static void start_mock(void)
{
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.quiet = true;
    quo_error err;
    if (quo_mock_server_start(fuzz_spec(), &opts, &ep.mock, &err) != QUO_OK)
        die("cannot start the in-process mock: %s", err.message);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%u", quo_mock_server_port(ep.mock));
    set_url(base);
    ep.sent_to_mock = 0;
}

static void shutdown_endpoint(void)
{
    if (ep.mock)
        quo_mock_server_stop(ep.mock);
    qc_http_close(ep.http);
    free(ep.url);
    fe_shutdown(); /* explore hook */
    curl_global_cleanup();
    memset(&ep, 0, sizeof ep);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("cannot initialise libcurl");
    const char *base = env_or("QUO_BASE_URL", NULL);
    bool loopback = !base || qc_http_is_loopback(base, NULL);
    if (!loopback && strcmp(env_or("QUO_FUZZ_ALLOW_REMOTE", "0"), "1") != 0)
        die("QUO_BASE_URL %s is not loopback (by the addresses it resolves to): set "
            "QUO_FUZZ_ALLOW_REMOTE=1 to fuzz it (every input may create a real task there)",
            base);
    const char *file_key = fe_init(fuzz_spec()); /* explore hook: QUO_CONFIG */
    const char *key = env_or("QUO_API_KEY", file_key ? file_key : base ? NULL : MOCK_DEFAULT_KEY);
    if (!key)
        die("QUO_API_KEY is not set");
    for (const char *p = key; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            die("QUO_API_KEY holds a control character (a trailing newline?): refused");
    /* Auth, Content-Type and framing lines are per input (input_headers()). */
    ep.key = key;

    char rate_default[16];
    snprintf(rate_default, sizeof rate_default, "%g", qc_http_default_rate(loopback));
    qc_http_options ho = {
        .timeout = env_number("QUO_FUZZ_TIMEOUT", "10", QC_HTTP_MIN_TIMEOUT, QC_HTTP_MAX_TIMEOUT,
                              false),
        .rate = env_number("QUO_FUZZ_RATE", rate_default, QC_HTTP_MIN_RATE, QC_HTTP_MAX_RATE, true),
        .max_retries = QC_HTTP_MAX_RETRIES, .max_retry_after = QC_HTTP_MAX_RETRY_AFTER,
        .no_proxy = !base};
    quo_error err;
    if (qc_http_open(&ho, &ep.http, &err) != QUO_OK)
        die("%s", err.message);
    if (base)
        set_url(base);
    else
        start_mock();
    atexit(shutdown_endpoint);
    return 0;
}

/* The auth line(s) (repeated as the input's framing says) plus its
 * Content-Type and framing lines (an empty "Expect:" / "Content-Type:"
 * stops libcurl adding its own). */
static void input_headers(const fe_input *in, qc_strlist *out)
{
    qc_strlist_init(out);
    bool ok = qe_auth_lines(&in->req, "Authorization", NULL, ep.key, out);
    bool has_ct = false, has_expect = false;
    for (size_t i = 0; ok && i < in->headers.count; i++) {
        has_ct = has_ct || strncmp(in->headers.items[i], "Content-Type", 12) == 0;
        has_expect = has_expect || strncmp(in->headers.items[i], "Expect", 6) == 0;
        ok = qc_strlist_add(out, in->headers.items[i]);
    }
    if (ok && !has_expect)
        ok = qc_strlist_add(out, "Expect:");
    if (ok && !has_ct)
        ok = qc_strlist_add(out, "Content-Type:");
    if (!ok)
        die("out of memory");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const quo_spec *spec = fuzz_spec();
    if (!ep.http)
        LLVMFuzzerInitialize(NULL, NULL);
    if (ep.mock && ep.sent_to_mock >= MOCK_RESTART_EVERY) {
        quo_mock_server_stop(ep.mock);
        ep.mock = NULL;
        start_mock();
    }
    fe_input in;
    FUZZ_CHECK(fe_prepare(data, size, &in), "out of memory");
    qc_strlist lines;
    input_headers(&in, &lines);
    qc_exchange x;
    qc_exchange_init(&x);
    qc_http_request req = {.method = "POST", .url = ep.url, .headers = &lines,
                           .body = in.body_len ? in.body : "", .body_len = in.body_len};
    FUZZ_CHECK(qc_http_send(ep.http, &req, &x) == QUO_OK, "out of memory");
    qc_strlist_free(&lines); /* holds the key */
    ep.sent_to_mock++;
    FUZZ_CHECK(x.status != 429, "the server still answers 429 after every retry: lower "
                                "QUO_FUZZ_RATE");
    /* explore hook: the oracle of quo-conformance --explore */
    char sig[160], detail[512];
    if (fe_judge(spec, &in, x.error ? 0 : x.status, x.content_type, x.body ? x.body : "",
                 x.body_len, x.error, sig, sizeof sig, detail, sizeof detail)) {
        fprintf(stderr, "status %d, Content-Type %s, framing %u/%u\n", x.status,
                x.content_type ? x.content_type : "(none)", in.req.framing, in.req.ctype);
        fuzz_dump("answer body", x.body ? x.body : "", x.body_len, 1024);
        FUZZ_CHECK(false, "%s: %s", sig, detail);
    }
    fe_input_free(&in);
    qc_exchange_free(&x);
    return 0;
}
