/* suite/embedded.h - the embedded target: quo-mock in-process on an
 * ephemeral loopback port, used when no base URL is given anywhere.
 *
 * Its fixtures are the mock's compiled-in set (mock/default-fixtures.json)
 * as the mock serves them for the spec: with ids made from the spec's
 * patterns where the compiled-in ones do not fit, and a resource made for
 * each link kind they lack. The mock's fixtures module picks what a run
 * needs (quo_mock_fixtures_pick: a key with access to a phone number, one
 * resource of every link kind consistent with their owners, a user, and a
 * key without access to that phone number for the 403 cases); this module
 * only puts the pick into the config. The mock honours `Prefer: code=500`,
 * so faults are "prefer-header": nothing is skipped.
 *
 * Ownership: qc_embedded_start() returns a server the caller stops with
 * qc_embedded_stop(); *base_url is the caller's to free.
 */
#ifndef QC_EMBEDDED_H
#define QC_EMBEDDED_H

#include "quo/error.h"
#include "quo/spec.h"
#include "config.h"

typedef struct qc_embedded qc_embedded;

/* Fills cfg->api_key, forbidden_key, fixtures and faults for the embedded
 * mock of `spec` (NULL: the compiled-in spec). QUO_OK, QUO_ENOMEM, or
 * QUO_ESPEC (the mock cannot serve the spec; err says why). */
quo_status qc_embedded_configure(const quo_spec *spec, qc_config *cfg, quo_error *err);

/* The resource of link kind `member` the embedded mock serves for `spec`
 * (listed in its fixtures or synthesized from the member's pattern), for
 * link kinds the compiled-in fixtures' legacy lists do not name. out's
 * strings are the caller's (free them, or hand them to a qc_fixtures). */
quo_status qc_embedded_resource(const quo_spec *spec, const char *member, qc_fixture *out,
                                quo_error *err);

/* The same choice from a fixtures document (NULL: the compiled-in one);
 * a document the mock would refuse is QUO_ESPEC (testable). */
quo_status qc_embedded_pick(const quo_spec *spec, const char *fixtures_json, size_t len,
                            qc_config *cfg, quo_error *err);

quo_status qc_embedded_start(const quo_spec *spec, qc_embedded **out, char **base_url,
                             quo_error *err);
void qc_embedded_stop(qc_embedded *e);

#endif
