/* suite/report_html.h (internal to quo-conformance) - report.html, the
 * report a person reads: one self-contained file (inline CSS, no script,
 * nothing fetched; a Content-Security-Policy forbids scripts and every
 * network load), the verdict first, then the counts, a matrix of the cases
 * by kind (a row per suite/test case - the request shape and check kind
 * the case ids encode - with one tile per case), every failure with its
 * curl reproducer and the response excerpt, and every case in a table.
 *
 * Filters by level (MUST/SHOULD) and result (pass/fail/skip) are radio
 * buttons styled with CSS :checked, so they work with JavaScript off; with
 * CSS off too the page is a plain document in reading order.
 *
 * Every string from the run or the server is made valid UTF-8, scrubbed of
 * secrets, then escaped with quo_buf_put_html(); the whole page is
 * scrubbed once more at the end, like every other report.
 *
 * Ownership: the renderer borrows the report; the caller frees the text.
 */
#ifndef QC_REPORT_HTML_H
#define QC_REPORT_HTML_H

#include "report.h"

/* The page (caller frees), or NULL on ENOMEM. */
char *qc_report_html(const qc_report *r);

#endif
