/* quo/request.h - validates a create-task request body against the spec.
 *
 * The body goes through the strict JSON gate first; a gate failure is one
 * violation with keyword "json" at path "". Then the verdict is the request
 * schema's, exactly: no rule of this module overrides it. When the schema
 * rejects the body, the violations say why the way a user needs it: when
 * the link ids (the contract's link members, e.g. phoneNumberId /
 * conversationId / activityId) are the cause (none was sent, or several
 * while the chosen alternative forbids the others) a single violation
 * "provide exactly one of ..."; otherwise the errors of the alternative the
 * body chose; otherwise the schema's own.
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

/* Which alternative a body chose: index into quo_spec_link_name() of the
 * first link id present whose alternative accepts the body (else the first
 * present), or QUO_REQUEST_NO_LINK when none was present. */
#define QUO_REQUEST_NO_LINK QUO_CONTRACT_NONE

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
