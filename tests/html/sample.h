/* tests/html/sample.h - a failing run's report with hostile server data,
 * for the HTML report tests: every case of the shipped spec, most passed,
 * some failed (MUST and SHOULD, one crashed), some skipped or not run.
 * The failed responses carry markup that would run script if it were not
 * escaped (</script>, <img onerror>, quotes), a NUL, invalid UTF-8 and the
 * API key (which must be scrubbed).
 *
 * Ownership: sample_build() fills static storage (and the helpers' spec
 * and cases); sample_free() releases it. One sample at a time.
 */
#ifndef QC_TEST_HTML_SAMPLE_H
#define QC_TEST_HTML_SAMPLE_H

#include "report.h"

/* The API key of the sample run: must never appear in a report. */
#define SAMPLE_API_KEY "sk_live_SAMPLE_SECRET_7f3a9c"
/* A failed MUST case of the sample and its first failure message. */
#define SAMPLE_FAILED_ID "400.type.title.number"
#define SAMPLE_FAILED_MESSAGE "status 201, expected 400"

const qc_report *sample_build(void);
void sample_free(void);

#endif
