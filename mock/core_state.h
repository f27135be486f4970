/* mock/core_state.h (internal to quo-mock) - the core's state and the
 * outcome of one request, shared by the modules the core is made of:
 * core.c (start-up and the request steps), render.c (bodies and headers).
 *
 * Nothing here is for the HTTP layer: it uses core.h.
 */
#ifndef QUO_MOCK_CORE_STATE_H
#define QUO_MOCK_CORE_STATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "quo/spec.h"
#include "quo/violation.h"
#include "quo-mock/mock.h"

#include "fixtures.h"
#include "record.h"
#include "store.h"

/* One member of the success body, in the schema's order: worked out from
 * the spec once (mock_render_plan()), filled in per request (render.c). */
typedef enum mock_plan_what {
    MOCK_PLAN_ID,    /* "name": and the task id */
    MOCK_PLAN_LINK,  /* "name": and the linked entry of kind, left out when none */
    MOCK_PLAN_CONST  /* "name":value, a schema-made value that never changes */
} mock_plan_what;

typedef struct mock_plan_member {
    mock_plan_what what;
    size_t kind;     /* MOCK_PLAN_LINK: the fixtures kind */
    char *text;      /* JSON text, as above */
    size_t len;
} mock_plan_member;

struct quo_mock_core {
    const quo_spec *spec;
    mock_fixtures *fx;
    mock_record *record;
    mock_store *store;
    unsigned max_depth;
    size_t link_kind[QUO_SPEC_MAX_LINKS]; /* the fixtures kind of each link */
    char allow[16];          /* the method, upper case: the Allow header */
    const char *path;        /* the operation's path, from the spec */
    const quo_contract_security *auth; /* the scheme enforced, NULL: none */
    char auth_how[200];      /* the hint for a missing or malformed credential */
    int success;             /* the documented 2xx answered to a good request */
    const char *req_media;   /* the request body's media type, from the spec */
    char **props;            /* every request member name, for hints */
    size_t n_props;
    char link_names[160];    /* "phoneNumberId, conversationId, activityId" */
    char statuses[96];       /* "201, 400, ..." */
    atomic_uint_fast64_t next_trace;
    char *oom_body;
    size_t oom_len;
    mock_plan_member *plan; /* the success body (mock_render_plan()) */
    size_t plan_n;
    char *plan_open;        /* "{", or {"data":{ with a wrapper member */
    const char *plan_close; /* "}" or "}}" */
};

/* What a request leads to, before rendering. */
typedef struct outcome {
    int status;
    char message[320];
    quo_violations errors; /* errors[] of the body; may be empty */
    bool allow;            /* send Allow (405) */
    size_t key;            /* the fixtures key, when known */
    mock_task_refs refs;   /* what a 2xx links (the legacy kinds) */
    size_t other_kind;     /* a linked kind beyond the legacy ones, or MOCK_FIX_NONE */
    size_t other;          /* its entry */
    int forced;            /* Prefer code applied, or 0 */
    bool synthetic;        /* the natural outcome was replaced by Prefer */
} outcome;

/* Works out c->plan from the spec's success schema; QUO_ESPEC (with err)
 * when a required member asks for more than the mock can make.
 * mock_render_plan_free() releases it (and is safe on a core without). */
quo_status mock_render_plan(quo_mock_core *c, quo_error *err);
void mock_render_plan_free(quo_mock_core *c);

/* The body of o: for a 2xx the task of sequence number seq (0: a fresh id
 * that is not stored), else the API's error shape. Caller frees *body. */
quo_status mock_render_body(quo_mock_core *c, const outcome *o, uint64_t seq, char **body,
                            size_t *len);

/* The whole response of o (body, Content-Type, the Quo-Mock-* headers,
 * Allow, Preference-Applied) into out; free with quo_mock_response_free(). */
quo_status mock_render(quo_mock_core *c, const outcome *o, uint64_t seq,
                       const mock_findings *f, quo_mock_response *out);

#endif
