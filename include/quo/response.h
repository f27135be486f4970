/* quo/response.h - parses an HTTP response of the contract's operation.
 *
 * From the status code, the Content-Type header and the body bytes it
 * produces a typed result and every way the response departs from the
 * spec: an undocumented status, a wrong media type, text that is not strict
 * JSON, schema violations (the error constants code/status/docs/title
 * included). Unknown extra members are allowed where the spec allows them.
 *
 * The typed fields are filled exactly when the response conforms
 * (violations.count == 0); otherwise they are all NULL.
 *
 * Ownership: quo_response_parse() fills a caller-provided quo_response that
 * owns the parsed body and the violations; every typed field points into
 * the body. Release with quo_response_free().
 */
#ifndef QUO_RESPONSE_H
#define QUO_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/json.h"
#include "quo/spec.h"
#include "quo/violation.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum quo_response_kind {
    QUO_RESPONSE_NONE = 0, /* not conforming: no typed fields */
    QUO_RESPONSE_TASK,     /* a conforming 2xx: `task` is filled */
    QUO_RESPONSE_ERROR     /* a conforming documented error: `error` is filled */
} quo_response_kind;

/* The success body's resource object: `data` in this API, or whatever the
 * contract's success schema wraps it in (quo_contract_success_object()).
 * Member names are the spec's: ask quo_response_task_member() for them.
 * task_id is the value of the member that identifies the task
 * (quo_contract_success_id(): taskId here), with its full length (a value
 * may hold \u0000). */
typedef struct quo_task {
    const cJSON *object;     /* the resource object, or NULL */
    const char *id_member;   /* the identifying member's name, or NULL */
    const char *task_id;     /* its value, or NULL */
    size_t task_id_len;
} quo_task;

/* A documented error body. trace and errors are NULL when absent. */
typedef struct quo_api_error {
    const char *message;
    const char *code;
    const char *docs;
    const char *title;
    const char *trace;
    double status;
    const cJSON *errors; /* the errors[] array, or NULL */
} quo_api_error;

typedef struct quo_response {
    int status;
    bool documented;          /* the spec documents this status */
    quo_response_kind kind;
    quo_task task;            /* filled when kind == QUO_RESPONSE_TASK */
    quo_api_error error;      /* filled when kind == QUO_RESPONSE_ERROR */
    const cJSON *body;        /* the parsed body, or NULL when not strict JSON */
    quo_json_doc *doc;        /* owns body */
    quo_violations violations;
} quo_response;

/* content_type may be NULL (header absent). Returns QUO_OK (a verdict was
 * taken: read out->violations) or QUO_ENOMEM. Always leaves *out safe to
 * pass to quo_response_free(). */
quo_status quo_response_parse(const quo_spec *spec, int status,
                              const char *content_type, const char *body,
                              size_t len, quo_response *out);

static inline bool quo_response_conforms(const quo_response *r)
{
    return r->violations.count == 0;
}

/* A member of a conforming success body's resource object by its spec
 * name, or NULL (absent, or not a success). Length-aware. */
const cJSON *quo_response_task_member(const quo_response *r, const char *name);
/* The same when it is a string, else NULL. */
const char *quo_response_task_string(const quo_response *r, const char *name);

void quo_response_free(quo_response *r);

/* True when `content_type` names `media` (case-insensitive type/subtype,
 * parameters such as charset allowed, e.g. "application/json; charset=utf-8"). */
bool quo_media_type_is(const char *content_type, const char *media);

#ifdef __cplusplus
}
#endif
#endif
