/* suite/preflight.h - before any case: is the environment fit to judge
 * the server?
 *
 * 1. the target answers (a TCP + TLS connection with the run's transport);
 * 2. a few positive cases' requests (valid bodies that together name every
 *    fixture) are sent with the key: each must get an answer from the API
 *    itself (JSON), neither 401 nor 403 (key refused), nor 404 (fixtures
 *    unknown), nor a gateway's non-JSON refusal, nor 502/503/504.
 * Their exchanges become those cases' exchanges (nothing is sent twice).
 * Any other answer (a 400 to a valid body, a non-conforming 201) is the
 * cases' to judge, not the preflight's.
 *
 * Ownership: *problem (when set) is the caller's to free.
 */
#ifndef QC_PREFLIGHT_H
#define QC_PREFLIGHT_H

#include "quo/error.h"
#include "cases.h"
#include "config.h"
#include "http.h"
#include "ledger.h"

typedef struct qc_preflight_input {
    const qc_case_list *cases;
    const qc_fixtures *fixtures;
    const char *api_key;
    const char *base_url;  /* for the connection check */
    const char *url;       /* the operation's URL */
    qc_http *http;
    qc_ledger *ledger;     /* may be NULL */
    qc_exchange *exchanges; /* per case index: filled for the cases sent */
    /* Told about every request sent (the runner's progress line). */
    void (*sent)(void *user, const qc_case *c, const qc_exchange *x);
    void *user;
} qc_preflight_input;

/* Why an answer shows the environment, not the API, answered; NULL when
 * it is the API's (or a transport error, said by x->error). */
const char *qc_environment_answer(const qc_exchange *x);

/* QUO_OK: *problem is NULL (go on) or says what is wrong (exit 2, no
 * verdict); *rate_limited tells a Retry-After beyond the cap apart.
 * QUO_ENOMEM otherwise. */
quo_status qc_preflight(const qc_preflight_input *in, char **problem, bool *rate_limited,
                        quo_error *err);

#endif
