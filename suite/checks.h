/* suite/checks.h - the verdict on one case's response.
 *
 * qc_check_run() applies every check that concerns the case to the
 * exchange it judges, and collects one message per failure:
 *   - transport: a response arrived
 *   - status: one the case accepts
 *   - conformance (via quo_response_parse): a documented status,
 *     application/json, strict JSON (the gate), the status's schema and
 *     its constants (code, status, docs, title)
 *   - task (201 cases): the linked or owning ids equal the fixtures; the
 *     task id is unique in the run
 *   - echo (SHOULD companion): the link ids echoed
 *   - errors-path (SHOULD companion): a 400's errors[], when present,
 *     names the offending path
 *   - allow: a 405, if the server answers 405, names the method in Allow
 *     (any other answer: skipped, since nothing was judged)
 * Which of these apply is the case's check registry row's judge
 * (registry.h), not a test here.
 * A companion whose primary response is not the one it can judge (e.g. no
 * conforming 400) is skipped, not failed: the primary already failed.
 *
 * Pure function of its inputs: the unit tests feed it canned responses.
 * Ownership: qc_check_result owns its strings (qc_check_result_free).
 */
#ifndef QC_CHECKS_H
#define QC_CHECKS_H

#include <stddef.h>

#include "quo/spec.h"
#include "cases.h"
#include "http.h"

typedef enum qc_verdict { QC_PASS = 0, QC_FAIL, QC_SKIP } qc_verdict;

typedef struct qc_check_input {
    const quo_spec *spec;
    const qc_case_list *list;
    const qc_case *c;
    const qc_exchange *x;            /* the response c judges */
    const char *const *seen_task_ids; /* task ids other cases of this run got */
    size_t seen_count;
} qc_check_input;

typedef struct qc_check_result {
    qc_verdict verdict;
    qc_strlist failures; /* one message per failed check */
    char *note;          /* why skipped, or a remark on a pass; may be NULL */
    char *task_id;       /* the task a conforming 201 created, or NULL */
} qc_check_result;

void qc_check_result_init(qc_check_result *r);
void qc_check_result_free(qc_check_result *r);

/* QUO_OK (read r->verdict) or QUO_ENOMEM. The case's check registry row
 * (registry.h) names the judge; transport failures are judged first. */
quo_status qc_check_run(const qc_check_input *in, qc_check_result *r);

/* The judges the registry's rows name. Each adds failures to the run it
 * is given (and may set a note, a skip, the created task id). */
struct qc_judge;
struct quo_response;
void qc_judge_task(struct qc_judge *k, const struct quo_response *resp);   /* status,
                                  conformance, linked ids, unique task id */
void qc_judge_error(struct qc_judge *k, const struct quo_response *resp);  /* status,
                                  conformance */
void qc_judge_echo(struct qc_judge *k, const struct quo_response *resp);   /* companion */
void qc_judge_errors_path(struct qc_judge *k, const struct quo_response *resp); /* companion */
void qc_judge_allow(struct qc_judge *k, const struct quo_response *resp);  /* 405 Allow;
                                  a non-405 answer is skipped */

const char *qc_verdict_name(qc_verdict v);

#endif
