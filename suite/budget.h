/* suite/budget.h - --max-requests: which requests a capped run sends.
 *
 * A request is a case that sends (its own exchange) and is not skipped; a
 * companion needs its primary's request. The requests are ranked, in
 * this documented, deterministic order (docs/conformance.md "Budget"):
 *   1. MUST before SHOULD (the primary's level, from the registry);
 *   2. the first request of each (check registry row, schema) pair, in
 *      derivation order, before the rest: one per constraint and member
 *      (a case's constraint or spec pointer names the schema) before
 *      more values for it and before combinations (a positive branch's
 *      minimal body before its optional members);
 *   3. the run order (the registry row), then derivation order.
 * The first N are kept; every selected case whose request is not kept
 * is cut (reported "not run: over --max-requests"); a companion follows
 * its primary.
 *
 * Ownership: the caller owns every array.
 */
#ifndef QC_BUDGET_H
#define QC_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "cases.h"

/* The requests the selected cases need (case indices), most important
 * first; *n receives how many. Caller frees; NULL on ENOMEM. */
size_t *qc_budget_order(const qc_case_list *cases, const bool *selected, size_t *n);

/* Fills cut[i] (cases->count entries) for max requests (0 = no cap):
 * true for a selected case whose request is over the cap. *requests and
 * *left_out receive the counts of requests kept and cut. false on ENOMEM. */
bool qc_budget_cut(const qc_case_list *cases, const bool *selected, size_t max, bool *cut,
                   size_t *requests, size_t *left_out);

#endif
