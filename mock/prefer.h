/* mock/prefer.h (internal to quo-mock) - the Prefer request header
 * (RFC 7240) as quo-mock reads it: which response a client asks for.
 *
 * Two families of preference (docs/mock.md, "Testing how your client
 * handles failures"):
 *   code=NNN       the status to answer with (the core applies it): any
 *                  status the spec documents, and 429 / 503 for fault tests
 *   delay=MS, drop, reset, truncate, extra-members, chunked
 *                  what the HTTP layer does to the answer (server.c)
 * The same text may come in the query parameter __quo_prefer=; the HTTP
 * layer passes it on as one more Prefer header. Unknown preferences are
 * ignored, as RFC 7240 says.
 *
 * Parsing only. No allocation; nothing to free.
 */
#ifndef QUO_MOCK_PREFER_H
#define QUO_MOCK_PREFER_H

#include <stdbool.h>
#include <stddef.h>

#include "quo-mock/mock.h"

/* The first `code` preference over every Prefer header of req. Returns 0
 * when there is none, 1 with *code set, -1 with `bad` (badsz bytes, always
 * NUL-terminated) naming the problem. */
int mock_prefer_parse(const quo_mock_request *req, int *code, char *bad, size_t badsz);

/* Statuses Prefer: code= may force beyond the documented ones (the real
 * service's rate limit and overload answers). */
bool mock_prefer_fault_status(int code);

#define MOCK_FAULT_MAX_DELAY_MS 30000u

typedef struct mock_fault {
    unsigned delay_ms;    /* answer this much later */
    bool drop;            /* close without answering */
    bool reset;           /* close with a TCP reset, without answering */
    bool truncate;        /* announce the whole body, send half, close */
    bool extra_members;   /* unknown members in the body, where the schema allows */
    bool chunked;         /* send the body with chunked transfer coding */
    bool any;
} mock_fault;

/* The fault preferences of req into *out: 1 when there are any, 0 when
 * none, -1 when one is malformed (bad names it). */
int mock_prefer_faults(const quo_mock_request *req, mock_fault *out, char *bad, size_t badsz);

/* "code=503,delay=100,drop" (code 0 = none) into out. */
void mock_fault_describe(const mock_fault *f, int code, char *out, size_t outsz);

#endif
