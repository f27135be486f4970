/* suite/cases.h - the conformance cases, as data derived from the spec.
 *
 * qc_cases_derive() reads the OpenAPI document (the request schema's
 * anyOf branches, their required members, types, patterns and formats,
 * the link ids, the documented statuses and the security scheme) and
 * builds every case from it, so a change in the spec changes the cases:
 *
 *   positive     201 for every link shape x every subset of the optional
 *                members (3 x 2 x 2 = 12 with the shipped spec), plus SHOULD
 *                companions checking the echoed link ids
 *   validation   a 400 for each required member missing, each member of a
 *                wrong type, each pattern broken, zero / two / all link ids,
 *                an unknown member, each format broken, and bodies that are
 *                not JSON, not an object, empty, or (SHOULD) repeat a name; each with
 *                a SHOULD companion "errors[] names the offending path"
 *   auth         401 (no header, empty, unknown key; Bearer as SHOULD),
 *                403 per link shape with the forbidden key
 *   resources    404 for unknown link ids; unknown referenced ids (SHOULD)
 *   faults       500 via `Prefer: code=500`
 *   protocol     header-name case and 405 + Allow (MUST), a charset parameter
 *                (SHOULD)
 *
 * Levels, sources, TCases, the run order and the judge come from the
 * check registry (registry.h), one row per check.
 *
 * Every generated body is classified by the library's own validator
 * (quo_request_validate) before it becomes a case: a negative body the
 * validator accepts is discarded (listed in `discarded`), and a positive
 * body it rejects is an error (the fixtures do not fit the spec).
 *
 * A companion case (`exchange` != its own index) sends nothing: it judges
 * another case's response from a second angle at its own level.
 *
 * Ownership: a qc_case_list owns every case and string; release it with
 * qc_cases_free(). Cases never hold an API key: the auth mode is symbolic
 * and the key is put in only when the request is sent.
 */
#ifndef QC_CASES_H
#define QC_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"
#include "quo/spec.h"
#include "config.h"
#include "text.h"

typedef enum qc_level { QC_MUST = 0, QC_SHOULD = 1 } qc_level;

typedef enum qc_auth {
    QC_AUTH_KEY = 0,   /* "<Name>: <key>" */
    QC_AUTH_NONE,      /* no header */
    QC_AUTH_EMPTY,     /* the header with an empty value */
    QC_AUTH_UNKNOWN,   /* a well-formed key no target knows */
    QC_AUTH_BEARER,    /* "Bearer <key>" */
    QC_AUTH_FORBIDDEN, /* the valid key without access (forbidden.apiKey) */
    QC_AUTH_KEY_LOWER, /* the header name in lower case */
    QC_AUTH_OTHER_SCHEME /* the valid key under another scheme word: "Basic"
                            where the spec says Bearer, "Bearer" where it
                            says Basic, "Basic <key>" for a raw-key scheme */
} qc_auth;

typedef enum qc_expect {
    QC_EXPECT_TASK = 0,    /* a conforming 201; linked/owning ids equal; task id unique */
    QC_EXPECT_ERROR,       /* a conforming error body of the accepted status */
    QC_EXPECT_ECHO,        /* companion: the 201 echoes the link ids */
    QC_EXPECT_ERRORS_PATH, /* companion: a 400's errors[] names the offending path */
    QC_EXPECT_ALLOW        /* a 405 (if the server uses 405) carries Allow */
} qc_expect;

/* One member the 201's task object must (or may) carry with a value. */
typedef enum qc_field_mode {
    QC_FIELD_EQUAL = 0,    /* required by the 201 schema: must equal (MUST) */
    QC_FIELD_ECHO,         /* must be present and equal (SHOULD companion) */
    QC_FIELD_IF_PRESENT    /* when present must equal (SHOULD companion) */
} qc_field_mode;

typedef struct qc_field {
    char *name;
    char *value;
    qc_field_mode mode;
} qc_field;

#define QC_MAX_ACCEPTS 4
#define QC_MAX_FIELDS 8

typedef struct qc_case {
    char *id;            /* stable, e.g. "400.type.title.number" */
    char *summary;       /* one line for people */
    qc_level level;
    const char *suite;   /* static: "positive", "validation", ... */
    const char *tcase;   /* static: "201", "400-type", ... */
    char *spec_pointer;  /* JSON Pointer into the spec the case derives from */
    const char *constraint; /* static: the schema keyword or rule the case aims at
                               ("maxLength", "pattern", "required", ...), or NULL */

    /* The request. */
    const char *method;  /* static: "POST", "GET" */
    qc_auth auth;
    char *content_type;  /* NULL: no Content-Type header */
    char *prefer;        /* NULL or e.g. "code=500" */
    char *header_name;   /* a header parameter this case sets itself (NULL:
                            none); it replaces the default value a required
                            header gets */
    char *header_value;  /* its value; NULL: the header is left out */
    char *body;          /* NULL: no body */
    size_t body_len;

    int accepts[QC_MAX_ACCEPTS];
    size_t accept_count;
    qc_expect expect;
    size_t exchange;     /* index of the case whose request and response this judges */
    qc_field fields[QC_MAX_FIELDS]; /* TASK / ECHO expectations */
    size_t field_count;
    qc_strlist paths;    /* ERRORS_PATH: the paths that name the offence */
    char *skip;          /* why this target cannot run it, or NULL */

    /* Set from the check registry (registry.h) once derived: */
    const struct qc_check *check; /* the row that judges it (static) */
    char *source;        /* what makes its level MUST or SHOULD: "spec <pointer>: ..."
                            or an RFC clause (owned) */
} qc_case;

typedef struct qc_case_list {
    qc_case *items;
    size_t count;
    size_t cap;
    qc_strlist discarded; /* "id: reason" for generated bodies that were dropped */
    char *auth_header;    /* from the spec's security scheme, e.g. "Authorization" */
    char *auth_scheme;    /* "Bearer" / "Basic" for http schemes, NULL: the raw key */
    qc_strlist required_headers; /* header parameters the spec requires */
    char *task_member;    /* the 201 body's wrapper member, e.g. "data" */
    char *path;           /* the operation's path, e.g. "/v1/tasks" */
    char *method;         /* the operation's method, upper case */
} qc_case_list;

/* What the target offers, beyond the spec. */
typedef struct qc_derive_input {
    const qc_fixtures *fixtures;
    bool have_forbidden;  /* forbidden.apiKey given: 403 cases run */
    bool faults_prefer;   /* Prefer: code=500 honoured: 500 cases run */
} qc_derive_input;

/* A key that no target knows (the 401 "unknown key" case); not a secret. */
#define QC_UNKNOWN_KEY "quo-conformance-unknown-key-0000"

void qc_cases_init(qc_case_list *list);
void qc_cases_free(qc_case_list *list);
/* Frees one case's strings (the list's items are freed by qc_cases_free). */
void qc_case_free(qc_case *c);
/* A new zeroed case at the end of the list (owned by it), or NULL when out
 * of memory. */
qc_case *qc_cases_append(qc_case_list *list);

/* Builds every case. QUO_OK; QUO_ESPEC when the document lacks what the
 * derivation needs or the fixtures cannot make a valid body (err says
 * which); QUO_ENOMEM. */
quo_status qc_cases_derive(const quo_spec *spec, const qc_derive_input *in,
                           qc_case_list *out, quo_error *err);

const char *qc_level_name(qc_level level);

/* The request headers of a case, one "Name: value" line each (an empty
 * value is "Name;" as curl spells it). `key` and `forbidden` are put in
 * for the auth modes that need them: the real keys when sending, the
 * placeholders "$QUO_API_KEY" / "$QUO_FORBIDDEN_API_KEY" for reports. */
bool qc_case_headers(const qc_case_list *list, const qc_case *c, const char *key,
                     const char *forbidden, qc_strlist *out);

/* Where a case runs: the index of its check registry row (registry.h:
 * rows are in suite order, then TCase, and a companion's row comes after
 * the rows of the cases it judges). A case with no row runs last. */
size_t qc_case_rank(const qc_case *c);

/* True when c accepts `status`. */
bool qc_case_accepts(const qc_case *c, int status);

#endif
