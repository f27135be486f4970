/* quo/spec.h - the loaded OpenAPI document and its compiled contract.
 *
 * The OpenAPI 3.1 document (spec/create-task.openapi.json) is data: it is
 * embedded in the library at build time and compiled once into a quo_spec,
 * which owns the document and its quo_contract (quo/contract.h: the one
 * module that walks the document). Everything the product knows about the
 * operation (method, path, auth, parameters, schemas, documented statuses,
 * error constants, the link-id properties of the request) is read from
 * here, never typed into other source files. The accessors below are the
 * short forms of the contract's for the common questions.
 *
 * Ownership: a quo_spec owns its document and compiled schemas. It is
 * immutable after loading: share one between threads. Release with
 * quo_spec_free(). Pointers it hands out live as long as the spec.
 */
#ifndef QUO_SPEC_H
#define QUO_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/contract.h"
#include "quo/error.h"
#include "quo/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QUO_SPEC_MAX_STATUSES QUO_CONTRACT_MAX_RESPONSES
#define QUO_SPEC_MAX_LINKS QUO_CONTRACT_MAX_ALTS

typedef struct quo_spec quo_spec;

/* The document compiled into the library. */
quo_status quo_spec_load_default(quo_spec **out, quo_error *err);
/* An OpenAPI JSON document from a file or a buffer (--spec FILE). */
quo_status quo_spec_load_file(const char *path, quo_spec **out, quo_error *err);
quo_status quo_spec_load_buffer(const char *json, size_t len, quo_spec **out,
                                quo_error *err);
/* The same selecting an operation: an operationId or "METHOD PATH"
 * ("post /v2/tasks"); NULL = the document's only operation, else
 * createTask_v1 (see quo_contract_compile()). */
quo_status quo_spec_load_file_op(const char *path, const char *operation,
                                 quo_spec **out, quo_error *err);
quo_status quo_spec_load_buffer_op(const char *json, size_t len,
                                   const char *operation, quo_spec **out,
                                   quo_error *err);
void quo_spec_free(quo_spec *spec);

/* The embedded document's bytes (NUL-terminated). */
const char *quo_spec_default_text(size_t *len);

/* The compiled contract (owned by spec). */
const quo_contract *quo_spec_contract(const quo_spec *spec);

/* The whole OpenAPI document and the gate document it was parsed into (for
 * NUL-safe string lengths). Read it through the contract; this is for
 * reports that quote it. */
const cJSON *quo_spec_document(const quo_spec *spec);
const quo_json_doc *quo_spec_doc(const quo_spec *spec);

/* The operation's path ("/v1/tasks") and lower-case method ("post"). */
const char *quo_spec_path(const quo_spec *spec);
const char *quo_spec_method(const quo_spec *spec);

/* The request body schema: compiled, its source JSON, and its JSON Pointer
 * inside the document (for reports that cite the spec). */
const quo_schema *quo_spec_request_schema(const quo_spec *spec);
const cJSON *quo_spec_request_schema_json(const quo_spec *spec);
const char *quo_spec_request_pointer(const quo_spec *spec);

/* Documented exact response statuses, ascending (e.g. 201 400 401 403 404
 * 500). Ranges ("4XX") and "default" are in the contract's response list;
 * the lookups below by status find them too. */
size_t quo_spec_status_count(const quo_spec *spec);
int quo_spec_status_at(const quo_spec *spec, size_t i);
/* True when a response (exact, range or default) documents status. */
bool quo_spec_documents(const quo_spec *spec, int status);
/* The success status (the documented 2xx), 0 when none. */
int quo_spec_success_status(const quo_spec *spec);
/* NULL when status is not documented. */
const quo_schema *quo_spec_response_schema(const quo_spec *spec, int status);
const cJSON *quo_spec_response_schema_json(const quo_spec *spec, int status);
/* Content types documented for a status ("application/json"), or NULL. */
const char *quo_spec_response_media_type(const quo_spec *spec, int status);
/* JSON Pointer of a response schema inside the document. */
const char *quo_spec_response_pointer(const quo_spec *spec, int status);

/* The `const` values of a documented error status (4xx/5xx), read from its
 * schema: code ("0600400"), docs, title, and the numeric status. */
typedef struct quo_spec_error_consts {
    const char *code;
    const char *docs;
    const char *title;
    double status;
} quo_spec_error_consts;
/* QUO_OK, or QUO_EUSAGE when status is not a documented error status. */
quo_status quo_spec_error_constants(const quo_spec *spec, int status,
                                    quo_spec_error_consts *out);

/* The request's link properties (quo_contract_link_at): the required member
 * of each alternative that no other alternative requires (phoneNumberId,
 * conversationId, activityId), in alternative order. */
size_t quo_spec_link_count(const quo_spec *spec);
const char *quo_spec_link_name(const quo_spec *spec, size_t i);
/* The same with its length in *len (the validator's hot path). */
const char *quo_spec_link_name_len(const quo_spec *spec, size_t i, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
