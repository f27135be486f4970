/* tests/suite/tamper_server.h - a test target for quo-conformance: the
 * mock's core behind libmicrohttpd, with one way of breaking the contract
 * switched on, so the end-to-end tests see the suite catch it.
 *
 * Ownership: ts_start() returns a server the caller ts_stop()s.
 */
#ifndef QC_TAMPER_SERVER_H
#define QC_TAMPER_SERVER_H

#include <stddef.h>

#include "quo/spec.h"

typedef enum ts_mode {
    TS_FAITHFUL = 0,    /* the mock as it is */
    TS_DROP_ALLOW,      /* 405 without Allow (a MUST: RFC 9110 section 15.5.6) */
    TS_WRONG_400_CODE,  /* 400 bodies carry another code (a MUST) */
    TS_ECHO_KEY,        /* error messages repeat the Authorization value */
    TS_RATE_LIMIT_FIRST,/* the first request gets 429 Retry-After: 0 */
    TS_ALWAYS_201,      /* every request "creates" the same task */
    /* Staging environments (issue 11): */
    TS_ECHO_SPELLINGS,  /* error messages repeat the Authorization value raw,
                           \u-escaped, URL-encoded and upper-cased */
    TS_RATE_LIMIT_LONG, /* every request: 429 Retry-After: 3600 */
    TS_RATE_LIMIT_EVERY,/* every 40th request: 429 Retry-After: 1 (ts_early
                           counts requests that came back sooner) */
    TS_UNAVAILABLE,     /* every request: 503 text/html (a load balancer) */
    TS_UNAVAILABLE_AFTER, /* the mock for 20 requests, then 503 text/html */
    TS_GATEWAY,         /* a non-JSON 403 unless the request has X-Env: staging */
    TS_KEY_REVOKED,     /* a JSON 401 for every request */
    TS_201_NOT_JSON,    /* every request: 201 text/plain "created" */
    TS_LONG_TASK_ID,    /* every request: a 201 whose taskId is 600 characters */
    TS_SILENT,          /* accepts connections, reads, never answers */
    TS_CHARSET_REFUSED  /* a Content-Type with a charset parameter gets 415 (a SHOULD) */
} ts_mode;

typedef struct ts_server ts_server;

ts_server *ts_start(const quo_spec *spec, ts_mode mode);
unsigned ts_port(const ts_server *s);
/* Requests answered so far. */
unsigned ts_requests(ts_server *s);
/* Requests that arrived before the last 429's Retry-After had passed. */
unsigned ts_early(ts_server *s);
void ts_stop(ts_server *s);

#endif
