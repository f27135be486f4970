/* suite/ledger.h - the created-task ledger: every request of the run that
 * may have created a task on the target, appended to
 * <report dir>/created-tasks as the run goes (one write(2) per line, no
 * buffering), so a run killed at any point leaves the list of what to
 * clean up on a staging server.
 *
 * A line per request (tab-separated, scrubbed):
 *   <case id> TAB <status> TAB <task id>          a 2xx with a task id (any length)
 *   <case id> TAB <status> TAB id unknown: ...    a 2xx whose body names no task
 *   <case id> TAB - TAB may have created a task: ...  the request was sent and
 *                                                 no answer came (a timeout)
 * Companion cases judge their primary's exchange: the primary's line
 * covers them, also when --filter left the primary out.
 *
 * Ownership: qc_ledger_open() returns a ledger the caller closes; the
 * scrubber and spec are borrowed and must outlive it.
 */
#ifndef QC_LEDGER_H
#define QC_LEDGER_H

#include <stddef.h>

#include "quo/error.h"
#include "quo/spec.h"
#include "http.h"
#include "scrub.h"
#include "text.h"

#define QC_LEDGER_FILE "created-tasks"

typedef struct qc_ledger qc_ledger;

/* Creates (truncates) dir/created-tasks. QUO_OK, QUO_EIO or QUO_ENOMEM. */
quo_status qc_ledger_open(const char *dir, const quo_spec *spec, const qc_scrubber *scrub,
                          qc_ledger **out, quo_error *err);
/* Records x when it may have created a task. A write error is kept and
 * reported by qc_ledger_error(); the run goes on. */
void qc_ledger_record(qc_ledger *l, const char *case_id, const qc_exchange *x);
/* The task ids recorded so far (known ids only, in order, no duplicates). */
const qc_strlist *qc_ledger_ids(const qc_ledger *l);
/* Requests recorded whose task id is unknown (2xx without an id, or sent
 * without an answer). */
size_t qc_ledger_unknown(const qc_ledger *l);
/* The first write error, or NULL. */
const char *qc_ledger_error(const qc_ledger *l);
void qc_ledger_close(qc_ledger *l);

#endif
