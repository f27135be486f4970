/* quo/request.h - validates a create-task request body against the spec.
 *
 * The body goes through the strict JSON gate first; a gate failure is one
 * violation with keyword "json" at path "". Then the anyOf of the request
 * schema is judged the way a user needs it: when zero or several link ids
 * (phoneNumberId / conversationId / activityId) are present the result is a
 * single violation "provide exactly one of ..."; otherwise the errors of the
 * branch the body chose.
 *
 * Thread-safe: all state lives in the caller's quo_violations.
 */
#ifndef QUO_REQUEST_H
#define QUO_REQUEST_H

#include <stddef.h>

#include "quo/json.h"
#include "quo/spec.h"
#include "quo/violation.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which anyOf branch a body chose: index into quo_spec_link_name(), or
 * QUO_REQUEST_NO_LINK when zero or several link ids were present. */
#define QUO_REQUEST_NO_LINK ((size_t)-1)

/* Validates body[0..len). Appends every violation to `out` (the body is
 * valid iff none was appended). max_depth 0 = QUO_JSON_DEFAULT_MAX_DEPTH.
 * *link (may be NULL) receives the chosen branch. Returns QUO_OK or
 * QUO_ENOMEM; invalid input is a verdict, not an error. */
quo_status quo_request_validate(const quo_spec *spec, const char *body,
                                size_t len, unsigned max_depth,
                                quo_violations *out, size_t *link);

/* The same on a tree already parsed (doc may be NULL). */
quo_status quo_request_validate_tree(const quo_spec *spec, const cJSON *root,
                                     const quo_json_doc *doc,
                                     quo_violations *out, size_t *link);

#ifdef __cplusplus
}
#endif
#endif
