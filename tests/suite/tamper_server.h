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
    TS_DROP_ALLOW,      /* 405 without Allow (a SHOULD) */
    TS_WRONG_400_CODE,  /* 400 bodies carry another code (a MUST) */
    TS_ECHO_KEY,        /* error messages repeat the Authorization value */
    TS_RATE_LIMIT_FIRST,/* the first request gets 429 Retry-After: 0 */
    TS_ALWAYS_201       /* every request "creates" the same task */
} ts_mode;

typedef struct ts_server ts_server;

ts_server *ts_start(const quo_spec *spec, ts_mode mode);
unsigned ts_port(const ts_server *s);
/* Requests answered so far. */
unsigned ts_requests(ts_server *s);
void ts_stop(ts_server *s);

#endif
