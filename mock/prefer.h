/* mock/prefer.h (internal to quo-mock) - the Prefer request header
 * (RFC 7240) as quo-mock reads it: which response a client asks for.
 *
 * Parsing only: what a preference does to an answer is the core's rule.
 * No allocation; nothing to free.
 */
#ifndef QUO_MOCK_PREFER_H
#define QUO_MOCK_PREFER_H

#include <stddef.h>

#include "quo-mock/mock.h"

/* The first `code` preference over every Prefer header of req. Returns 0
 * when there is none, 1 with *code set, -1 with `bad` (badsz bytes, always
 * NUL-terminated) naming the problem. */
int mock_prefer_parse(const quo_mock_request *req, int *code, char *bad, size_t badsz);

#endif
