/* fuzz_endpoint_oracle.h - what fuzz_endpoint shares with quo-conformance
 * --explore (suite/explore.h): the target's fixtures from the same config
 * file, the framing variations and the oracle.
 *
 *   - QUO_CONFIG (the suite's config file, optional) gives the API key
 *     (when QUO_API_KEY is unset) and the fixtures. The corpus is written
 *     with the embedded mock's fixtures (PN1, CN1, ...); each input has
 *     them replaced by the target's before it is sent, so valid seeds reach
 *     the success path of a real server too.
 *   - the framing of each input (chunked, Expect: 100-continue, a
 *     Content-Type variant, a repeated header) is chosen from a hash of
 *     its bytes: the same input is always sent the same way, and mutation
 *     varies it.
 *   - the verdict is qe_judge()'s: the library's verdict of the body
 *     against the answer (docs/explore.md).
 *
 * Ownership: fe_input owns its body and header lines (fe_input_free).
 */
#ifndef QUO_FUZZ_ENDPOINT_ORACLE_H
#define QUO_FUZZ_ENDPOINT_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore.h"

typedef struct fe_input {
    qe_req req;          /* the body (raw) and its framing */
    char *body;
    size_t body_len;
    qc_strlist headers;  /* Content-Type and framing lines (no auth) */
} fe_input;

/* Reads QUO_CONFIG if set (exits 2 with a message on a bad file). Returns
 * the config file's API key (static storage) or NULL. */
const char *fe_init(const quo_spec *spec);
/* The request to send for one input. false on ENOMEM. */
bool fe_prepare(const uint8_t *data, size_t size, fe_input *out);
void fe_input_free(fe_input *in);
/* Judges the answer (status 0: none, `error` says why). Fills signature
 * and detail when it is a finding and returns true. */
bool fe_judge(const quo_spec *spec, const fe_input *in, int status, const char *ctype,
              const char *body, size_t len, const char *error, char *signature, size_t sigsz,
              char *detail, size_t detsz);
void fe_shutdown(void);

#endif
