/* tests/suite/helpers.h - shared fixtures of the quo-conformance unit
 * tests: the spec, the cases derived with the mock's default fixtures,
 * and canned responses.
 *
 * Ownership: th_setup()/th_teardown() own the spec, config and cases; a
 * th_response is plain data on the caller's stack (no frees needed).
 */
#ifndef QC_TEST_HELPERS_H
#define QC_TEST_HELPERS_H

#include "quo/quo.h"
#include "cases.h"
#include "checks.h"
#include "config.h"
#include "http.h"

extern quo_spec *th_spec;
extern qc_config th_cfg;      /* embedded fixtures: key, forbidden key, ids */
extern qc_case_list th_cases; /* derived from th_spec with th_cfg */

void th_setup(void);
void th_teardown(void);

/* The case with this id (fails the test when absent). */
const qc_case *th_case(const char *id);
size_t th_case_index(const char *id);

/* A canned exchange: status, Content-Type (may be NULL) and body. The
 * strings are borrowed: never qc_exchange_free() it. */
qc_exchange th_exchange(int status, const char *content_type, const char *body);
/* Adds a borrowed header to a canned exchange. */
void th_add_header(qc_exchange *x, const char *name, const char *value);

/* Judges a canned exchange for case `id`; r must be freed by the caller. */
qc_verdict th_judge(const char *id, const qc_exchange *x, const char *const *seen, size_t nseen,
                    qc_check_result *r);
/* True when some failure message of r contains `needle`. */
bool th_failed_with(const qc_check_result *r, const char *needle);

/* A conforming error body of a documented status built from the spec's
 * constants; `extra` (may be "") is appended inside the object, and
 * replace_member/with (may be NULL) swap one member's value text. */
void th_error_body(int status, const char *replace_member, const char *with, const char *extra,
                   char *buf, size_t size);

/* Every case of l belongs to exactly one check registry row (registry.h),
 * which set its level and source; companions run after their primaries. */
void th_assert_registry(const qc_case_list *l);

#endif
