/* mock/core.h (internal to quo-mock) - what the HTTP layer needs from the
 * core beyond the public quo_mock_core_* functions.
 */
#ifndef QUO_MOCK_CORE_H
#define QUO_MOCK_CORE_H

#include <stddef.h>

#include "quo-mock/mock.h"

#include "record.h"

/* quo_mock_core_handle(), also telling how many violations the request had
 * (for the log line). */
quo_status mock_core_handle(quo_mock_core *core, const quo_mock_request *req,
                            quo_mock_response *out, size_t *violations);

/* The same with findings the HTTP layer made first (rule "http", from
 * http_rules.h), recorded with the request's own; pre may be NULL. */
quo_status mock_core_handle_http(quo_mock_core *core, const quo_mock_request *req,
                                 const mock_findings *pre, const char *fault,
                                 quo_mock_response *out, size_t *violations);
/* `fault`: the faults the HTTP layer applies to this answer ("delay=100"),
 * recorded as forced; NULL = none. */

/* The record, for the HTTP layer's counts (unanswered requests) and the
 * /__quo/ endpoints. */
mock_record *mock_core_record(quo_mock_core *core);

/* An answer the HTTP layer decides on before the core could look at the
 * request: 413 (body too large), 431 (header too large), 503 (too many
 * connections). `client_fault` records it as a violation of rule "limit";
 * otherwise as a note. The body has the API's error shape. */
quo_status mock_core_reject(quo_mock_core *core, const quo_mock_request *req, int status,
                            int client_fault, const char *message, quo_mock_response *out,
                            size_t *violations);

/* mock_core_reject() with the HTTP layer's findings first. client_fault:
 * 0 the mock's own limit (not judged), 1 the client's (a "limit"
 * violation), 2 the client's and already among pre. */
quo_status mock_core_reject_http(quo_mock_core *core, const quo_mock_request *req, int status,
                                 int client_fault, const char *message,
                                 const mock_findings *pre, quo_mock_response *out,
                                 size_t *violations);

/* A conformant 500 body built at start-up, for when memory runs out while
 * answering. Owned by the core. */
const char *mock_core_oom_body(const quo_mock_core *core, size_t *len);
const char *mock_core_media_type(const quo_mock_core *core);

#endif
