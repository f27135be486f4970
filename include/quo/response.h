/* quo/response.h - parses an HTTP response of POST /v1/tasks.
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
    QUO_RESPONSE_TASK,     /* a conforming 201: `task` is filled */
    QUO_RESPONSE_ERROR     /* a conforming documented error: `error` is filled */
} quo_response_kind;

/* The 201 body's `data`. Optional members are NULL when absent. The
 * strings point into `body` (a value may hold \u0000: its full length is
 * quo_json_strlen(doc, node)). */
typedef struct quo_task {
    const char *task_id;
    const char *revision;
    const char *phone_number_id;
    const char *conversation_id;
    const char *activity_id;
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

void quo_response_free(quo_response *r);

/* True when `content_type` names `media` (case-insensitive type/subtype,
 * parameters such as charset allowed, e.g. "application/json; charset=utf-8"). */
bool quo_media_type_is(const char *content_type, const char *media);

#ifdef __cplusplus
}
#endif
#endif
