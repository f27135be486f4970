/* suite/registry.h - the check registry: one row per check of the suite.
 *
 * A row says everything about one check in one place:
 *   id       a glob over the case ids the check makes ("400.type.*")
 *   suite    the libcheck Suite, tcase its TCase (the CK_RUN_* names)
 *   level    MUST or SHOULD, and source: the RFC clause or the spec rule
 *            that makes it so; with from_spec (or qc_case.constraint set:
 *            a case aimed at a schema keyword) the case's source starts
 *            with its own spec pointer, the schema that says it
 *   derive   the derivation step that makes its cases (several rows may
 *            share one; qc_cases_derive runs each distinct step once, in
 *            row order)
 *   judge    the function that judges a response (checks.h)
 *   skip     the skip rule: what the target must offer (a forbidden key,
 *            Prefer faults), and the reason shown when it does not
 *
 * A case belongs to the row whose tcase equals the case's TCase and whose
 * id glob matches its id; exactly one row must match (qc_cases_derive
 * fails otherwise, and tests/suite/test_suite_registry.c checks it for
 * the shipped spec and a richer one). The row then sets the case's level
 * and source: the derivation steps' own level arguments are overridden,
 * so a level is decided here and nowhere else.
 *
 * The derivation order is the row order. The run order (qc_registry_rank)
 * is by suite (in the order suites first appear in the table), then the
 * suite's primary rows before its companion rows (companion: a row that
 * judges another case's response, so it must run after every row that can
 * make its primaries), then the row order. So a new check's row goes at the
 * end of the table: its step runs after the steps whose ids it must not
 * take, and it still runs in its suite. A TCase's rows are adjacent in run
 * order. The runner makes at most one libcheck TCase per row, so the number
 * of TCases is bounded by the table.
 *
 * Adding a check: one row here and two functions (a derivation step and
 * a judge); docs/conformance.md "How to add a check" shows the diff.
 *
 * Ownership: everything is static; nothing to free.
 */
#ifndef QC_REGISTRY_H
#define QC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/buf.h"
#include "quo/error.h"
#include "cases.h"

struct deriver; /* derive.h */
struct qc_judge; /* checks.h */
struct quo_response;

typedef quo_status (*qc_derive_fn)(struct deriver *d);
typedef void (*qc_judge_fn)(struct qc_judge *k, const struct quo_response *resp);

/* What a target must offer for a check's cases to run (else skipped). */
typedef enum qc_needs {
    QC_NEEDS_NOTHING = 0,
    QC_NEEDS_FORBIDDEN, /* forbidden.apiKey: a valid key without access */
    QC_NEEDS_FAULTS     /* faults: prefer-header (Prefer: code=500 honoured) */
} qc_needs;

typedef struct qc_check {
    const char *id;       /* glob over case ids */
    const char *suite;
    const char *tcase;
    qc_level level;
    bool from_spec;       /* the spec decides: a case's source starts with its own
                             spec pointer ("spec /paths/...") */
    const char *source;   /* why the level: RFC clause or spec rule, with the words */
    qc_derive_fn derive;  /* NULL: a companion made with its primaries */
    const char *derive_name; /* for --list-checks */
    qc_judge_fn judge;
    const char *judge_name;
    bool companion;       /* judges another case's response (runs after the
                             suite's primary rows) */
    qc_needs skip_needs;  /* the skip rule */
    const char *skip;     /* the skip reason when the need is not met, or NULL */
} qc_check;

/* The table, in run order. */
const qc_check *qc_registry_rows(size_t *count);
/* The row a case belongs to (see above); NULL when none, and *ambiguous
 * (when non-NULL) set when more than one matches. */
const qc_check *qc_registry_match(const qc_case *c, bool *ambiguous);
/* The row's index in the table (its run rank). */
size_t qc_registry_index(const qc_check *row);
/* The row's run rank (see above): lower runs first. */
size_t qc_registry_rank(const qc_check *row);
/* Past every row's rank: the rank of a case no row claims. */
size_t qc_registry_rank_end(void);
/* The k-th distinct derivation step, in row order, or NULL past the last. */
qc_derive_fn qc_registry_step(size_t k);

/* Sets every case's check, level, source and (by the row's skip rule
 * and what `in` offers) skip reason from its row. QUO_ESPEC when
 * a case matches no row or several (a derivation step and the table
 * disagree: a programming error, reported by id). */
quo_status qc_registry_assign(qc_case_list *cases, const qc_derive_input *in,
                              quo_error *err);

/* The table as Markdown (docs/conformance.md holds this exact text). */
void qc_registry_markdown(quo_buf *b);

/* The derivation steps the rows name (derive.c). */
quo_status derive_positives(struct deriver *d);
quo_status derive_required(struct deriver *d);
quo_status derive_types(struct deriver *d);
quo_status derive_patterns(struct deriver *d);
quo_status derive_links(struct deriver *d);
quo_status derive_unknown(struct deriver *d);
quo_status derive_formats(struct deriver *d);
quo_status derive_bodies(struct deriver *d);
quo_status derive_auth(struct deriver *d);
quo_status derive_not_found(struct deriver *d);
quo_status derive_faults(struct deriver *d);
quo_status derive_protocol(struct deriver *d);
/* The coverage phase's steps (derive_combos.c, derive_request.c,
 * derive_values.c; docs/coverage.md). */
quo_status qd_derive_oneof(struct deriver *d);
quo_status qd_derive_closed(struct deriver *d);
quo_status qd_derive_headers(struct deriver *d);
quo_status qd_derive_auth_scheme(struct deriver *d);
quo_status qd_derive_values(struct deriver *d);

#endif
