/* suite/http.h - sends the conformance requests (libcurl).
 *
 * The one HTTP client of the project (the suite and fuzz/fuzz_endpoint.c
 * link it): one target policy for pacing, retries, body cap, timeouts,
 * TLS and proxies. A qc_http client is one worker: one reused curl easy
 * handle, so requests share a keep-alive connection. It paces itself
 * (`rate` requests per second; 0 = no pacing) and, on 429 Too Many
 * Requests, waits (Retry-After, never less; else exponential backoff)
 * and retries; a Retry-After beyond max_retry_after, or a wait past the
 * deadline, is not waited for: the exchange keeps the 429 and
 * retry_after says how long the server asked for.
 *
 * Ownership: the client owns its handle (qc_http_close). A qc_exchange
 * owns its strings and headers (qc_exchange_free). The request's header
 * lines may hold an API key: the client never prints or keeps them.
 */
#ifndef QC_HTTP_H
#define QC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"
#include "text.h"

/* The most response body bytes kept; beyond it the exchange fails. A
 * create-task response is well under 1 KiB; the cap bounds the memory a
 * hostile server can make the run hold (every exchange is kept for the
 * reports: about 100 x 256 KiB at worst). */
#define QC_HTTP_MAX_BODY (256u * 1024u)
#define QC_HTTP_MAX_HEADERS 64

typedef struct qc_header {
    char *name;
    char *value;
} qc_header;

/* One request and what came back. status 0 = no response (error says why). */
typedef struct qc_exchange {
    bool done;           /* the request was attempted */
    int status;
    char *content_type;  /* NULL when absent */
    qc_header headers[QC_HTTP_MAX_HEADERS];
    size_t header_count;
    char *body;          /* NUL-terminated; body_len may be shorter than strlen if NULs */
    size_t body_len;
    double seconds;      /* of the last attempt */
    unsigned attempts;   /* > 1 after 429 retries */
    char *error;         /* transport error (libcurl's detailed text and the
                            option that would fix it), or NULL */
    bool sent;           /* request bytes left this machine: on a transport
                            error the server may still have acted on it */
    bool timed_out;      /* the attempt hit --timeout */
    bool stopped;        /* not sent / not retried: the stop callback fired */
    double retry_after;  /* the last 429's Retry-After beyond the cap, else 0 */
} qc_exchange;

typedef struct qc_http_request {
    const char *method;        /* "POST", "GET", ... */
    const char *url;
    const qc_strlist *headers; /* "Name: value" or "Name;" (empty value) */
    const char *body;          /* NULL: no body */
    size_t body_len;
} qc_http_request;

/* How to reach the target: TLS trust, client certificate, proxy, extra
 * headers, name overrides. The config fills it from flags, the config
 * file and the usual environment (config.h); the client applies it to
 * every request. Owned strings (qc_transport_free). */
typedef struct qc_transport {
    char *cacert;       /* --cacert FILE: CA bundle to trust (PEM) */
    char *capath;       /* --capath DIR: hashed CA directory */
    char *cert;         /* --cert FILE: client certificate (PEM) */
    char *key;          /* --key FILE: its private key */
    bool insecure;      /* --insecure: no certificate or host check (loud) */
    char *proxy;        /* --proxy URL; NULL: libcurl's *_proxy environment */
    char *noproxy;      /* --noproxy HOSTS ("*" = never a proxy) */
    qc_strlist headers; /* --header "Name: value", sent with every request */
    qc_strlist resolve; /* --resolve HOST:PORT:ADDR */
} qc_transport;

void qc_transport_init(qc_transport *t);
void qc_transport_free(qc_transport *t);
/* Deep copy; false on ENOMEM. */
bool qc_transport_copy(qc_transport *dst, const qc_transport *src);

/* Called while the client waits (pacing is silent; back-offs are not):
 * `what` says why and for how long. */
typedef void (*qc_http_progress_fn)(void *user, const char *what);
/* Polled while waiting and before each attempt: non-zero stops the send
 * (the exchange then says "not sent" and qc_exchange.stopped is set). */
typedef int (*qc_http_stop_fn)(void *user);

typedef struct qc_http_options {
    double timeout;            /* seconds per attempt (QC_HTTP_MIN/MAX_TIMEOUT) */
    double rate;               /* requests per second, 0 = unpaced */
    unsigned max_retries;      /* on 429 */
    double max_retry_after;    /* seconds: a longer Retry-After is not waited for */
    const qc_transport *transport; /* may be NULL */
    bool no_proxy;             /* never a proxy (the embedded mock) */
    double deadline;           /* monotonic seconds (qc_http_now) no wait may pass; 0 = none */
    qc_http_progress_fn progress;
    qc_http_stop_fn stop;
    void *user;
} qc_http_options;

/* The one target policy (suite and fuzz_endpoint). */
#define QC_HTTP_DEFAULT_TIMEOUT 10.0
#define QC_HTTP_MIN_TIMEOUT 0.1
#define QC_HTTP_MAX_TIMEOUT 600.0
#define QC_HTTP_DEFAULT_REMOTE_RATE 5.0 /* the API allows 10 per key */
#define QC_HTTP_MIN_RATE 0.1            /* below: one request per 10 s */
#define QC_HTTP_MAX_RATE 1000.0
#define QC_HTTP_MAX_RETRIES 5
#define QC_HTTP_MAX_RETRY_AFTER 60.0

/* The default pacing for a target: unpaced when every address its host
 * resolves to (through transport->resolve first, then the system
 * resolver) is a loopback address (127.0.0.0/8, ::1), else
 * QC_HTTP_DEFAULT_REMOTE_RATE. Decided by address, never by the name:
 * "https://127.example.com" is not loopback unless it resolves there. A
 * name that does not resolve counts as remote (paced). */
bool qc_http_is_loopback(const char *url, const qc_transport *transport);
double qc_http_default_rate(bool loopback);

/* Monotonic seconds. */
double qc_http_now(void);

typedef struct qc_http qc_http;

/* curl_global_init is the caller's (once per process). */
quo_status qc_http_open(const qc_http_options *opts, qc_http **out, quo_error *err);
void qc_http_close(qc_http *h);

/* Sends the request and fills *out (which the caller qc_exchange_init'ed).
 * Returns QUO_OK whatever the server did (transport errors land in
 * out->error), or QUO_ENOMEM. */
quo_status qc_http_send(qc_http *h, const qc_http_request *req, qc_exchange *out);

/* Opens a connection (TCP and TLS) to the URL's host with the client's
 * transport and closes it: QUO_OK, or QUO_EIO with a message naming the
 * problem (refused, DNS, TLS, timeout) and the option that would fix it. */
quo_status qc_http_probe(qc_http *h, const char *url, quo_error *err);

void qc_exchange_init(qc_exchange *x);
void qc_exchange_free(qc_exchange *x);
/* The first header named `name` (case-insensitive), or NULL. */
const char *qc_exchange_header(const qc_exchange *x, const char *name);

/* Parses a Retry-After value (delta-seconds only); -1 when absent/other. */
double qc_http_retry_after(const char *value);

#endif
