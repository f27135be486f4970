/* suite/http.h - sends the conformance requests (libcurl).
 *
 * A qc_http client is one worker: one reused curl easy handle, so
 * requests share a keep-alive connection. It paces itself (`rate`
 * requests per second; 0 = no pacing) and, on 429 Too Many Requests,
 * waits (Retry-After, else exponential backoff) and retries.
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
    char *error;         /* transport error, or NULL */
} qc_exchange;

typedef struct qc_http_request {
    const char *method;        /* "POST", "GET", ... */
    const char *url;
    const qc_strlist *headers; /* "Name: value" or "Name;" (empty value) */
    const char *body;          /* NULL: no body */
    size_t body_len;
} qc_http_request;

typedef struct qc_http_options {
    double timeout;            /* seconds per attempt */
    double rate;               /* requests per second, 0 = unpaced */
    unsigned max_retries;      /* on 429 */
    double max_backoff;        /* seconds; caps Retry-After too */
} qc_http_options;

typedef struct qc_http qc_http;

/* curl_global_init is the caller's (once per process). */
quo_status qc_http_open(const qc_http_options *opts, qc_http **out, quo_error *err);
void qc_http_close(qc_http *h);

/* Sends the request and fills *out (which the caller qc_exchange_init'ed).
 * Returns QUO_OK whatever the server did (transport errors land in
 * out->error), or QUO_ENOMEM. */
quo_status qc_http_send(qc_http *h, const qc_http_request *req, qc_exchange *out);

/* Opens a connection to the URL's host and closes it: QUO_OK, or QUO_EIO
 * with a message naming the problem (refused, DNS, TLS, timeout). */
quo_status qc_http_probe(const char *url, double timeout, quo_error *err);

void qc_exchange_init(qc_exchange *x);
void qc_exchange_free(qc_exchange *x);
/* The first header named `name` (case-insensitive), or NULL. */
const char *qc_exchange_header(const qc_exchange *x, const char *name);

/* Parses a Retry-After value (delta-seconds only); -1 when absent/other. */
double qc_http_retry_after(const char *value);

#endif
