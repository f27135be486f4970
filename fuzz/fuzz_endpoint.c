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
 * A 429 is retried (Retry-After, else 1 s doubling, 5 tries) rather than
 * reported: it is the server pacing us, not its parser failing.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"
#include "fuzz_endpoint_oracle.h" /* explore hook */
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
    fe_shutdown(); /* explore hook */
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
    const char *file_key = fe_init(fuzz_spec()); /* explore hook: QUO_CONFIG */
    const char *key = env_or("QUO_API_KEY", file_key ? file_key : base ? NULL : MOCK_DEFAULT_KEY);
    if (!key)
        die("QUO_API_KEY is not set");

    size_t hlen = strlen(key) + sizeof "Authorization: ";
    char *auth = malloc(hlen);
    if (!auth)
        die("out of memory");
    snprintf(auth, hlen, "Authorization: %s", key);
    /* Content-Type and framing are per input (post()). */
    ep.headers = curl_slist_append(NULL, auth);
    free(auth);
    if (!ep.headers)
        die("out of memory");

    double rate = atof(env_or("QUO_FUZZ_RATE", loopback ? "0" : "5"));
    ep.min_interval = rate > 0 ? 1.0 / rate : 0;
    ep.timeout = atol(env_or("QUO_FUZZ_TIMEOUT", "10"));

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

/* The auth line plus the input's Content-Type and framing lines. */
static struct curl_slist *input_headers(const fe_input *in)
{
    struct curl_slist *h = NULL, *n;
    for (struct curl_slist *p = ep.headers; p; p = p->next)
        if (!(n = curl_slist_append(h, p->data)))
            goto oom;
        else
            h = n;
    bool has_ct = false, has_expect = false;
    for (size_t i = 0; i < in->headers.count; i++) {
        has_ct = has_ct || strncmp(in->headers.items[i], "Content-Type", 12) == 0;
        has_expect = has_expect || strncmp(in->headers.items[i], "Expect", 6) == 0;
        if (!(n = curl_slist_append(h, in->headers.items[i])))
            goto oom;
        h = n;
    }
    if (!has_expect && !(h = curl_slist_append(h, "Expect:")))
        goto oom;
    if (!has_ct && !(h = curl_slist_append(h, "Content-Type:")))
        goto oom;
    return h;
oom:
    curl_slist_free_all(h);
    die("out of memory");
}

/* Sends one input; retries on 429. Fills *a, *status, *ctype (owned by curl
 * until the next request); *error is NULL or why no answer came. */
static void post(const fe_input *in, answer *a, long *status, char **ctype, const char **error)
{
    long backoff = 1;
    struct curl_slist *hdrs = input_headers(in);
    curl_easy_setopt(ep.curl, CURLOPT_HTTPHEADER, hdrs);
    for (int attempt = 0;; attempt++) {
        pace();
        free(a->data);
        memset(a, 0, sizeof *a);
        curl_easy_setopt(ep.curl, CURLOPT_POSTFIELDS, in->body_len ? in->body : "");
        curl_easy_setopt(ep.curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)in->body_len);
        curl_easy_setopt(ep.curl, CURLOPT_WRITEDATA, a);
        CURLcode rc = curl_easy_perform(ep.curl);
        FUZZ_CHECK(!a->too_big, "the answer is larger than %u bytes", MAX_ANSWER);
        *error = rc == CURLE_OK ? NULL : curl_easy_strerror(rc);
        *status = 0;
        *ctype = NULL;
        if (*error)
            break;
        curl_easy_getinfo(ep.curl, CURLINFO_RESPONSE_CODE, status);
        *ctype = NULL;
        curl_easy_getinfo(ep.curl, CURLINFO_CONTENT_TYPE, ctype);
        if (*status != 429 || attempt == 4)
            break;
        curl_off_t after = 0;
        curl_easy_getinfo(ep.curl, CURLINFO_RETRY_AFTER, &after);
        struct timespec ts = {after > 0 && after < 60 ? (time_t)after : (time_t)backoff, 0};
        nanosleep(&ts, NULL);
        backoff *= 2;
    }
    curl_easy_setopt(ep.curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
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
    const char *error = NULL;
    fe_input in;
    FUZZ_CHECK(fe_prepare(data, size, &in), "out of memory");
    post(&in, &a, &status, &ctype, &error);
    ep.sent_to_mock++;
    FUZZ_CHECK(status != 429, "the server still answers 429 after 5 tries: lower QUO_FUZZ_RATE");
    /* explore hook: the oracle of quo-conformance --explore */
    char sig[160], detail[512];
    if (fe_judge(spec, &in, (int)status, ctype, a.data ? a.data : "", a.len, error, sig,
                 sizeof sig, detail, sizeof detail)) {
        fprintf(stderr, "status %ld, Content-Type %s, framing %u/%u\n", status,
                ctype ? ctype : "(none)", in.req.framing, in.req.ctype);
        fuzz_dump("answer body", a.data ? a.data : "", a.len, 1024);
        FUZZ_CHECK(false, "%s: %s", sig, detail);
    }
    fe_input_free(&in);
    free(a.data);
    return 0;
}
