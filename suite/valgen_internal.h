/* suite/valgen_internal.h (internal to valgen*.c) - what the value
 * generator's modules share: the candidate list they append to before
 * valgen.c judges every candidate with the compiled schema.
 *
 * A candidate is a qv_value whose polarity is only intended; valgen.c
 * moves the ones the validator agrees with into the caller's list.
 */
#ifndef QC_VALGEN_INTERNAL_H
#define QC_VALGEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "valgen.h"

/* The longest string generated, in code points: an at-limit value beyond
 * it is not generated (valgen.c says so in `dropped`). 64 Ki. */
#define QV_MAX_CP 65536u

/* Appends a candidate: `value` is taken (deleted on failure), `pointer`
 * copied, label and summary formatted. false on ENOMEM. */
bool qv_cand_add(qv_list *l, cJSON *value, qv_polarity pol, const char *keyword,
                 const char *pointer, const char *label, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* valgen_format.c: the edge values of `format` (positives and near-miss
 * negatives, keyword "format", labels "format-..."), appended to `l` with
 * `pointer` (the format keyword's). Unknown formats append nothing.
 * false on ENOMEM. */
bool qv_format_values(const char *format, const char *pointer, qv_list *l);

/* A typical valid value of `format` (static), or NULL for an unknown one. */
const char *qv_format_example(const char *format);

#endif
