/* mock/core.h (internal to quo-mock) - what the HTTP layer needs from the
 * core beyond the public quo_mock_core_* functions.
 */
#ifndef QUO_MOCK_CORE_H
#define QUO_MOCK_CORE_H

#include <stddef.h>

#include "quo-mock/mock.h"

/* quo_mock_core_handle(), also telling how many violations the request had
 * (for the log line). */
quo_status mock_core_handle(quo_mock_core *core, const quo_mock_request *req,
                            quo_mock_response *out, size_t *violations);

/* An answer the HTTP layer decides on before the core could look at the
 * request: 413 (body too large), 431 (header too large), 503 (too many
 * connections). `client_fault` records it as a violation of rule "limit";
 * otherwise as a note. The body has the API's error shape. */
quo_status mock_core_reject(quo_mock_core *core, const quo_mock_request *req, int status,
                            int client_fault, const char *message, quo_mock_response *out,
                            size_t *violations);

/* A conformant 500 body built at start-up, for when memory runs out while
 * answering. Owned by the core. */
const char *mock_core_oom_body(const quo_mock_core *core, size_t *len);
const char *mock_core_media_type(const quo_mock_core *core);

#endif
