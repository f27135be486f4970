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
 *   QUO_FUZZ_STRICT=1       also fail when a 2xx answers a body the spec
 *                           forbids (always on for the in-process mock).
 * A 429 is retried (Retry-After, else 1 s doubling, 5 tries) rather than
 * reported: it is the server pacing us, not its parser failing.
 *
 * Properties (abort, so libFuzzer keeps the input): the server answered;
 * its status is documented; its answer conforms (application/json, strict
 * JSON, schema and constants) by quo_response_parse(); under the strict
 * rule above a 2xx only answers a valid body. The API key is never printed.
 */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"
#include "quo-mock/mock.h"
#include "quo/request.h"
#include "quo/response.h"

/* The in-process mock keeps every task and request it saw; restarting it
 * now and then keeps a long session's memory bounded. */
#define MOCK_RESTART_EVERY 20000
#define MAX_ANSWER (8u << 20)
#define MOCK_DEFAULT_KEY "test-key"

typedef struct endpoint {
    CURL *curl;
    struct curl_slist *headers;
    char *url;
    quo_mock_server *mock;
    unsigned long sent_to_mock;
    double min_interval; /* seconds between requests; 0 = unpaced */
    struct timespec last;
    bool strict;
    long timeout;
} endpoint;

static endpoint ep;

typedef struct answer {
    char *data;
    size_t len;
    bool too_big;
} answer;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    answer *a = userdata;
    size_t n = size * nmemb;
    if (a->len + n > MAX_ANSWER) {
        a->too_big = true;
        return 0;
    }
    char *grown = realloc(a->data, a->len + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + a->len, ptr, n);
    a->len += n;
    grown[a->len] = '\0';
    a->data = grown;
    return n;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && v[0] ? v : fallback;
}

static bool host_is_loopback(const char *base)
{
    CURLU *u = curl_url();
    char *host = NULL;
    bool loopback = false;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        loopback = strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
                   strcmp(host, "[::1]") == 0;
    curl_free(host);
    curl_url_cleanup(u);
    return loopback;
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
    curl_easy_setopt(ep.curl, CURLOPT_URL, ep.url);
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
    curl_slist_free_all(ep.headers);
    curl_easy_cleanup(ep.curl);
    free(ep.url);
    curl_global_cleanup();
    memset(&ep, 0, sizeof ep);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(ep.curl = curl_easy_init()))
        die("cannot initialise libcurl");
    const char *base = env_or("QUO_BASE_URL", NULL);
    bool loopback = !base || host_is_loopback(base);
    if (!loopback && strcmp(env_or("QUO_FUZZ_ALLOW_REMOTE", "0"), "1") != 0)
        die("QUO_BASE_URL %s is not loopback: set QUO_FUZZ_ALLOW_REMOTE=1 to fuzz it "
            "(every input may create a real task there)", base);
    const char *key = env_or("QUO_API_KEY", base ? NULL : MOCK_DEFAULT_KEY);
    if (!key)
        die("QUO_API_KEY is not set");

    size_t hlen = strlen(key) + sizeof "Authorization: ";
    char *auth = malloc(hlen);
    if (!auth)
        die("out of memory");
    snprintf(auth, hlen, "Authorization: %s", key);
    ep.headers = curl_slist_append(NULL, "Content-Type: application/json");
    struct curl_slist *more = ep.headers ? curl_slist_append(ep.headers, auth) : NULL;
    free(auth);
    if (!more)
        die("out of memory");
    ep.headers = curl_slist_append(more, "Expect:"); /* no 100-continue round trip */
    if (!ep.headers)
        die("out of memory");

    double rate = atof(env_or("QUO_FUZZ_RATE", loopback ? "0" : "5"));
    ep.min_interval = rate > 0 ? 1.0 / rate : 0;
    ep.timeout = atol(env_or("QUO_FUZZ_TIMEOUT", "10"));
    ep.strict = !base || strcmp(env_or("QUO_FUZZ_STRICT", "0"), "1") == 0;

    curl_easy_setopt(ep.curl, CURLOPT_HTTPHEADER, ep.headers);
    curl_easy_setopt(ep.curl, CURLOPT_POST, 1L);
    curl_easy_setopt(ep.curl, CURLOPT_TIMEOUT, ep.timeout > 0 ? ep.timeout : 10L);
    curl_easy_setopt(ep.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(ep.curl, CURLOPT_WRITEFUNCTION, on_body);
    if (base)
        set_url(base);
    else
        start_mock();
    atexit(shutdown_endpoint);
    return 0;
}

static void pace(void)
{
    if (ep.min_interval <= 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - ep.last.tv_sec) +
                   (double)(now.tv_nsec - ep.last.tv_nsec) / 1e9;
    if (ep.last.tv_sec != 0 && since < ep.min_interval) {
        double wait = ep.min_interval - since;
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &ep.last);
}

/* Sends one body; retries on 429. Fills *a, *status, *ctype (owned by curl
 * until the next request). */
static void post(const uint8_t *data, size_t size, answer *a, long *status, char **ctype)
{
    long backoff = 1;
    for (int attempt = 0;; attempt++) {
        pace();
        free(a->data);
        memset(a, 0, sizeof *a);
        curl_easy_setopt(ep.curl, CURLOPT_POSTFIELDS, size ? (const char *)data : "");
        curl_easy_setopt(ep.curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
        curl_easy_setopt(ep.curl, CURLOPT_WRITEDATA, a);
        CURLcode rc = curl_easy_perform(ep.curl);
        FUZZ_CHECK(!a->too_big, "the answer is larger than %u bytes", MAX_ANSWER);
        FUZZ_CHECK(rc == CURLE_OK, "no answer from the server: %s", curl_easy_strerror(rc));
        curl_easy_getinfo(ep.curl, CURLINFO_RESPONSE_CODE, status);
        *ctype = NULL;
        curl_easy_getinfo(ep.curl, CURLINFO_CONTENT_TYPE, ctype);
        if (*status != 429 || attempt == 4)
            return;
        curl_off_t after = 0;
        curl_easy_getinfo(ep.curl, CURLINFO_RETRY_AFTER, &after);
        struct timespec ts = {after > 0 && after < 60 ? (time_t)after : (time_t)backoff, 0};
        nanosleep(&ts, NULL);
        backoff *= 2;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const quo_spec *spec = fuzz_spec();
    if (!ep.curl)
        LLVMFuzzerInitialize(NULL, NULL);
    if (ep.mock && ep.sent_to_mock >= MOCK_RESTART_EVERY) {
        quo_mock_server_stop(ep.mock);
        ep.mock = NULL;
        start_mock();
    }
    answer a = {NULL, 0, false};
    long status = 0;
    char *ctype = NULL;
    post(data, size, &a, &status, &ctype);
    ep.sent_to_mock++;
    FUZZ_CHECK(status != 429, "the server still answers 429 after 5 tries: lower QUO_FUZZ_RATE");

    quo_response r;
    FUZZ_CHECK(quo_response_parse(spec, (int)status, ctype, a.data ? a.data : "", a.len, &r) ==
                   QUO_OK,
               "out of memory");
    if (!quo_response_conforms(&r)) {
        fprintf(stderr, "status %ld, Content-Type %s\n", status, ctype ? ctype : "(none)");
        fuzz_dump("answer body", a.data ? a.data : "", a.len, 1024);
        fuzz_dump_violations("response parser", &r.violations);
    }
    FUZZ_CHECK(r.documented, "the server answered undocumented status %ld", status);
    FUZZ_CHECK(quo_response_conforms(&r), "the server's %ld does not conform to the spec",
               status);
    if (ep.strict && status >= 200 && status < 300) {
        quo_violations v;
        quo_violations_init(&v);
        FUZZ_CHECK(quo_request_validate(spec, (const char *)data, size, 0, &v, NULL) == QUO_OK,
                   "out of memory");
        if (v.count)
            fuzz_dump_violations("request body", &v);
        FUZZ_CHECK(v.count == 0, "the server answered %ld to a body the spec forbids", status);
        quo_violations_free(&v);
    }
    quo_response_free(&r);
    free(a.data);
    return 0;
}
