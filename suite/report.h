/* suite/report.h - the run's reports: junit.xml, report.json, report.md,
 * report.html (rendered by report_html.h).
 *
 * Each file is rendered in memory, scrubbed of every secret, and written
 * atomically (temp file in the same directory + fsync + rename), so a CI
 * job never reads half a report. report.md is fit for a CI job summary:
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
#include "text.h"

typedef enum qc_outcome {
    QC_OUT_PASSED = 0,
    QC_OUT_FAILED,
    QC_OUT_SKIPPED,
    QC_OUT_CRASHED, /* the check process died: counts as failed */
    QC_OUT_NOT_RUN  /* excluded by CK_RUN_* / CK_*_TAGS */
} qc_outcome;

typedef struct qc_case_result {
    const qc_case *c;
    const qc_exchange *x;  /* the exchange it judged (its own or its primary's) */
    qc_outcome outcome;
    const char *reason;    /* skip reason / note / crash message; may be NULL */
    const qc_strlist *failures;
    const char *task_id;   /* may be NULL */
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
    bool passed;                 /* the verdict (exit 0) */
    const char *tap_file;        /* name of the TAP log in the report dir */
} qc_report;

typedef struct qc_counts {
    size_t generated, selected, run, passed, failed, skipped, not_run;
    size_t must_failed, should_failed;
} qc_counts;

void qc_report_count(const qc_report *r, qc_counts *out);

/* Renderers (the caller frees the text; NULL on ENOMEM). The text is
 * scrubbed already. */
char *qc_report_junit(const qc_report *r);
char *qc_report_json(const qc_report *r);
char *qc_report_markdown(const qc_report *r);

/* The curl command that reproduces a case (scrubbed, key as
 * $QUO_API_KEY), appended to b. */
void qc_report_curl(quo_buf *b, const qc_report *r, const qc_case *c);

/* Writes the three reports into dir. QUO_OK, QUO_EIO or QUO_ENOMEM. */
quo_status qc_report_write(const qc_report *r, const char *dir, quo_error *err);

/* Writes text to dir/name atomically (dir/.name.tmp.PID, fsync, rename). */
quo_status qc_write_atomic(const char *dir, const char *name, const char *text, size_t len,
                           quo_error *err);
/* fsyncs an existing file dir/from and renames it to dir/to. */
quo_status qc_commit_file(const char *dir, const char *from, const char *to, quo_error *err);
/* mkdir -p dir, then checks it is a writable directory. */
quo_status qc_ensure_dir(const char *dir, quo_error *err);

#endif
