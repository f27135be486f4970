/* mock/http_rules.h (internal to quo-mock) - the HTTP/1.1 message rules a
 * client can break below the API contract, checked on the bytes as they
 * arrived (lengths, never NUL-terminated views), each recorded as a
 * violation of rule "http" that names the RFC 9110 / 9112 clause:
 *
 *   Host missing in HTTP/1.1, or repeated            RFC 9112 3.2
 *   Transfer-Encoding together with Content-Length   RFC 9112 6.1
 *   a transfer coding other than chunked             RFC 9112 6.1 (501)
 *   NUL, CR, LF or another control byte in a field   RFC 9110 5.5
 *   a byte not allowed in the request target         RFC 9112 3.2
 *   a repeated singleton field (Authorization,
 *   Content-Type, Content-Length)                    RFC 9110 5.3
 *
 * and the path to route on: absolute-form targets are accepted as RFC 9112
 * 3.2.2 says (the path of the URI; Host is then ignored), the query is
 * dropped, and percent-encoded unreserved characters are decoded (RFC 3986
 * 6.2.2.2); every other %XX stays encoded, so /v1/tasks%00.json is routed
 * as itself, never cut to /v1/tasks.
 *
 * No allocation beyond the findings; nothing to free.
 */
#ifndef QUO_MOCK_HTTP_RULES_H
#define QUO_MOCK_HTTP_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

typedef struct mock_raw_header {
    const char *name, *value;
    size_t name_len, value_len;
} mock_raw_header;

/* What framing the message has: the HTTP layer answers 400 (and closes the
 * connection) for MOCK_FRAMING_CONFLICT and 501 for MOCK_FRAMING_UNKNOWN
 * before reading a body. */
typedef enum mock_framing {
    MOCK_FRAMING_OK = 0,
    MOCK_FRAMING_CONFLICT, /* Transfer-Encoding with Content-Length, or two lengths */
    MOCK_FRAMING_UNKNOWN   /* a transfer coding other than chunked */
} mock_framing;

/* Checks the request line's target (target[0..tlen), as received: NULL
 * when unknown), version and headers; adds violations to f. */
mock_framing mock_http_check(const char *target, size_t tlen, const char *version,
                             const mock_raw_header *h, size_t n, mock_findings *f);

/* The path to route on (see above) into out; false when it does not fit. */
bool mock_http_route_path(const char *target, size_t tlen, char *out, size_t outsz);

#endif
