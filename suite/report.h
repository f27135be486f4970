/* suite/report.h - the run's reports: junit.xml, report.json, report.md,
 * report.html (rendered by report_html.h), conformance.tap, and the
 * in-memory result model they are all drawn from.
 *
 * The files are rendered in memory, scrubbed of every secret (scrub.h,
 * before any excerpt is cut), and committed as a set: each is written to
 * a temp file in the report directory and fsynced; only when all of them are
 * written are they renamed into place. On a failure (a full disk) the
 * temp files are removed and the previous set stays whole. report.md is fit for a CI job summary:
 * a counts table, failures first (each with a curl command reproducing
 * it, the key shown as $QUO_API_KEY), every case, and the ids of the tasks
 * the run created (real side effects on a staging server).
 *
 * Ownership: the report borrows everything it points to.
 */
#ifndef QC_REPORT_H
#define QC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "cases.h"
#include "checks.h"
#include "config.h"
#include "http.h"
#include "scrub.h"
#include "text.h"

typedef enum qc_outcome {
    QC_OUT_PASSED = 0,
    QC_OUT_FAILED,
    QC_OUT_SKIPPED,
    QC_OUT_CRASHED, /* the check process died: counts as failed */
    QC_OUT_NOT_RUN  /* not judged: see qc_case_result.not_run */
} qc_outcome;

/* Why a case was not run (QC_OUT_NOT_RUN only). */
typedef enum qc_not_run {
    QC_NR_NONE = 0,
    QC_NR_CK_FILTER,   /* excluded by CK_RUN_SUITE / CK_RUN_CASE / CK_*_TAGS */
    QC_NR_ENVIRONMENT, /* its answer came from the environment (a gateway's
                          non-JSON refusal, 502/503/504, a transport error,
                          rate limiting), not from the API: no verdict */
    QC_NR_STOPPED,     /* not sent: the run stopped (see qc_report.end) */
    QC_NR_PREFLIGHT,   /* not sent: the preflight failed */
    QC_NR_BUDGET       /* not sent: over --max-requests (budget.h) */
} qc_not_run;

/* How the run ended. Anything but COMPLETE means no conformance verdict
 * (exit 2) and reports marked with qc_run_end_name(). */
typedef enum qc_run_end {
    QC_END_COMPLETE = 0, /* every selected case had its chance */
    QC_END_INTERRUPTED,  /* SIGINT / SIGTERM */
    QC_END_TIME_LIMIT,   /* --max-run-time reached */
    QC_END_INCONCLUSIVE, /* the environment failed mid-run (a stretch of
                            transport failures, gateway answers, 503s) */
    QC_END_RATE_LIMITED, /* Retry-After beyond the cap */
    QC_END_PREFLIGHT,    /* the preflight failed: no case was sent */
    QC_END_SETUP         /* the run could not start (e.g. CK_RUN_SUITE selects
                            nothing): no case was sent, no result */
} qc_run_end;

/* The verdict of a run, and its exit status (0 / 1 / 2). */
typedef enum qc_run_verdict {
    QC_RUN_PASSED = 0,    /* every MUST (with --strict every SHOULD) passed */
    QC_RUN_FAILED = 1,    /* a check failed */
    QC_RUN_INCONCLUSIVE = 2 /* the run ended early, or a case got an answer
                               from the environment and nothing failed */
} qc_run_verdict;

const char *qc_run_end_name(qc_run_end e);       /* "complete", "interrupted", ... */
const char *qc_run_verdict_name(qc_run_verdict v); /* "passed", "failed", "inconclusive" */

typedef struct qc_case_result {
    const qc_case *c;
    const qc_exchange *x;  /* the exchange it judged (its own or its primary's) */
    qc_outcome outcome;
    const char *reason;    /* skip reason / note / crash message; may be NULL */
    const qc_strlist *failures;
    const char *task_id;   /* may be NULL */
    qc_not_run not_run;    /* why, when outcome is QC_OUT_NOT_RUN */
} qc_case_result;

typedef struct qc_report {
    const qc_config *cfg;
    const char *target;          /* base URL used */
    const qc_case_list *cases;
    const qc_case_result *results; /* the selected cases, in run order */
    size_t count;
    const qc_strlist *created;   /* task ids the run created */
    const qc_scrubber *scrub;
    double seconds;              /* wall time of the run */
    bool passed;                 /* verdict == QC_RUN_PASSED */
    const char *tap_file;        /* name of the TAP log in the report dir */
    /* Added for staging runs (issue 11): */
    qc_run_verdict verdict;      /* see qc_report_verdict() */
    qc_run_end end;              /* how the run ended */
    const char *end_reason;      /* why it ended early (scrubbed on output); NULL if complete */
    long long started;           /* UNIX time the run started (junit timestamp) */
    const char *hostname;        /* the machine that ran it (junit hostname) */
    const char *ledger_file;     /* name of the created-task ledger, or NULL */
} qc_report;

typedef struct qc_counts {
    size_t generated, selected, run, passed, failed, skipped, not_run;
    size_t must_failed, should_failed;
    size_t not_run_environment; /* of not_run: answers from the environment */
    size_t not_run_stopped;     /* of not_run: unsent (run stopped, preflight) */
    size_t not_run_budget;      /* of not_run: over --max-requests */
} qc_counts;

void qc_report_count(const qc_report *r, qc_counts *out);
/* The verdict from the counts, r->end and r->cfg->strict: FAILED when a
 * check failed in a complete run, INCONCLUSIVE when the run ended early
 * or a case got an environment answer, else PASSED. */
qc_run_verdict qc_report_verdict(const qc_report *r);

/* Renderers (the caller frees the text; NULL on ENOMEM). The text is
 * scrubbed already. */
char *qc_report_junit(const qc_report *r);
char *qc_report_json(const qc_report *r);
char *qc_report_markdown(const qc_report *r);
/* TAP 13: one line per case, each carrying the case id; skips and cases
 * not run as "# SKIP". */
char *qc_report_tap(const qc_report *r);

/* The curl command that reproduces a case (scrubbed, key as
 * $QUO_API_KEY), appended to b. */
void qc_report_curl(quo_buf *b, const qc_report *r, const qc_case *c);

/* Writes the four reports into dir as a set (see above). QUO_OK, QUO_EIO
 * (nothing of the new set is in place; err says what failed) or
 * QUO_ENOMEM. */
quo_status qc_report_write(const qc_report *r, const char *dir, quo_error *err);

/* Writes text to dir/name atomically (dir/.name.tmp.PID, fsync, rename). */
quo_status qc_write_atomic(const char *dir, const char *name, const char *text, size_t len,
                           quo_error *err);
/* mkdir -p dir, then checks it is a writable directory. */
quo_status qc_ensure_dir(const char *dir, quo_error *err);

/* Text from the run or the server made fit for a report: every secret
 * scrubbed first (scrub.h), then made valid UTF-8 and cut after `max`
 * bytes (0 = whole), so a cut never leaves the start of a key. Caller
 * frees; NULL when out of memory. Every renderer uses it. */
char *qc_report_clean(const qc_report *r, const char *s, size_t n, size_t max);
/* What a case got, for people: the status, "no response", or `none`
 * (markup the caller picks) when nothing was sent. */
void qc_report_put_got(quo_buf *b, const qc_case_result *cr, const char *none);

#endif
