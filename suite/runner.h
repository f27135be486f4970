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
 * Before the rows: the preflight (preflight.h); no row is sent when it
 * fails. While sending, the run stops (the unsent cases become "not run",
 * never failures, and their companions with them) on SIGINT / SIGTERM,
 * at the deadline (--max-run-time), on a Retry-After beyond the cap, or
 * after QC_MAX_ENV_STREAK answers in a row that came from the environment
 * (transport errors, 502/503/504, a gateway's non-JSON 401/403, 429 after
 * every retry). The request in flight always finishes first.
 *
 * Signals: libcheck's fork mode installs a SIGINT/SIGTERM handler that
 * kill()s its whole process group (killpg(getpgrp(), ...)): the shell or
 * make that ran us with it. The runner blocks both signals around
 * srunner_run_all() and installs its own flag-setting handler again in
 * every TCase fixture (which libcheck runs after installing its own), so
 * a signal only ever sets the stop flag; libcheck restores our handler
 * when it returns. The children inherit the flag handler and are in
 * their own process groups.
 *
 * Every request that may have created a task is appended to the
 * created-task ledger (ledger.h) as it is answered.
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
    const bool *selected;   /* per case: chosen by --filter / --exclude */
    const bool *cut;        /* per case: over --max-requests (reported not run,
                               never sent), or NULL */
    const char *base_url;
    const qc_scrubber *scrub;
    const char *report_dir; /* the created-task ledger goes here */
    double deadline;        /* qc_http_now() seconds the run must end by */
    bool no_proxy;          /* the embedded mock: never through a proxy */
} qc_runner_setup;

typedef struct qc_run_result {
    qc_case_result *results; /* selected cases, in run order */
    size_t count;
    qc_exchange *exchanges;  /* per case index; only primaries are used */
    qc_strlist *failures;    /* per result */
    char **reasons;          /* per result (owned) */
    char **task_ids;         /* per result (owned) */
    qc_strlist created;      /* task ids the run created, in order (full length) */
    size_t case_count;
    qc_run_end end;          /* how the run ended */
    char *end_reason;        /* why it ended early (owned), or NULL */
    size_t created_unknown;  /* requests that may have created a task of unknown id */
    char *ledger_error;      /* the ledger could not be written (owned), or NULL */
} qc_run_result;

/* Answers from the environment in a row that stop the run. */
#define QC_MAX_ENV_STREAK 3

/* The TAP log's name inside the report directory (written by report.c). */
#define QC_TAP_FILE "conformance.tap"

/* Runs every selected case. QUO_OK (whatever the verdicts and however
 * the run ended: see out->end), QUO_EUSAGE (CK_RUN_SUITE / CK_RUN_CASE /
 * CK_*_TAGS select no case), QUO_EIO (the ledger cannot be created) or
 * QUO_ENOMEM. */
quo_status qc_run(const qc_runner_setup *setup, qc_run_result *out, quo_error *err);
void qc_run_result_free(qc_run_result *r);

/* Installs the flag-setting SIGINT/SIGTERM handler for the whole program
 * (main calls it first, so a signal while the reports are written sets
 * the flag rather than killing us mid-write). */
void qc_runner_catch_signals(void);
/* The signal received so far, or 0. */
int qc_runner_signal(void);

/* The run order of the selected cases (indices into cases), by suite then
 * TCase; *n receives how many. Caller frees. NULL on ENOMEM. */
size_t *qc_run_order(const qc_case_list *cases, const bool *selected, size_t *n);

#endif
