/* suite/runner.h - runs the cases under libcheck.
 *
 * Structure: a Suite per area (positive, validation, auth, resources,
 * faults, protocol), a TCase per status or feature ("201", "400-type",
 * "401-bearer", ...) tagged MUST or SHOULD (so CK_EXCLUDE_TAGS=SHOULD and
 * CK_RUN_SUITE / CK_RUN_CASE work), and in each TCase one loop test whose
 * rows are the cases, so one crash does not hide the others.
 *
 * Where things happen (fork mode, libcheck's default):
 *   - the parent sends the requests: each TCase's unchecked fixture sends
 *     the requests of its rows just before they run, with the one reused
 *     curl handle (keep-alive, pacing, 429 retries); the parent keeps every
 *     exchange for the reports.
 *   - each row runs in its own forked child: it judges the response (the
 *     part that parses what a server sent) and writes its verdict, failure
 *     messages and the created task id into a slot of a shared anonymous
 *     mapping (MAP_SHARED), then prints its progress line. A crash only
 *     loses that row: its slot stays "started" and libcheck's error message
 *     becomes its failure.
 * With CK_FORK=no everything runs in one process (same results; a crash
 * then ends the run).
 *
 * Ownership: qc_run_result owns its arrays, lists and exchanges
 * (qc_run_result_free). The setup is borrowed for the run's duration.
 */
#ifndef QC_RUNNER_H
#define QC_RUNNER_H

#include <stddef.h>

#include "quo/error.h"
#include "quo/spec.h"
#include "cases.h"
#include "config.h"
#include "http.h"
#include "report.h"
#include "text.h"

typedef struct qc_runner_setup {
    const quo_spec *spec;
    const qc_config *cfg;
    const qc_case_list *cases;
    const bool *selected;   /* per case: chosen by --filter */
    const char *base_url;
    const qc_scrubber *scrub;
    const char *report_dir; /* the TAP log goes here */
} qc_runner_setup;

typedef struct qc_run_result {
    qc_case_result *results; /* selected cases, in run order */
    size_t count;
    qc_exchange *exchanges;  /* per case index; only primaries are used */
    qc_strlist *failures;    /* per result */
    char **reasons;          /* per result (owned) */
    char **task_ids;         /* per result (owned) */
    qc_strlist created;      /* task ids the run created, in order */
    size_t case_count;
} qc_run_result;

/* The TAP log's name inside the report directory. */
#define QC_TAP_FILE "conformance.tap"

/* Runs every selected case. QUO_OK (whatever the verdicts), QUO_ENOMEM, or
 * QUO_EIO (the TAP log could not be written). */
quo_status qc_run(const qc_runner_setup *setup, qc_run_result *out, quo_error *err);
void qc_run_result_free(qc_run_result *r);

/* The run order of the selected cases (indices into cases), by suite then
 * TCase; *n receives how many. Caller frees. NULL on ENOMEM. */
size_t *qc_run_order(const qc_case_list *cases, const bool *selected, size_t *n);

#endif
