/* suite/valgen_internal.h (internal to valgen*.c) - what the value
 * generator's modules share: the candidate list they append to before
 * valgen.c judges every candidate with the compiled schema.
 *
 * A candidate is a qv_value whose polarity is only intended; valgen.c
 * moves the ones the validator agrees with into the caller's list.
 *
 * Ownership: candidate lists are qv_lists (qv_list_free); qv_cand_add
 * takes the value it is given. Strings from qv_format_example() are
 * static. The *base trees of qv_array_values/qv_object_values are the
 * caller's (cJSON_Delete).
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

/* valgen.c: qv_generate() for a schema `depth` levels down (an item, a
 * property, a `not`); beyond QV_MAX_DEPTH nothing is generated. */
#define QV_MAX_DEPTH 3u
quo_status qv_generate_depth(const quo_contract *c, const cJSON *schema, const char *pointer,
                             const quo_schema *compiled, unsigned depth, qv_list *out,
                             quo_error *err);

/* valgen_nested.c: the judged values of a subschema (items, a property, a
 * not): the subschema is copied with its $refs inlined, compiled on its
 * own and given to qv_generate_depth(). QUO_OK with nothing appended (and
 * a line in `notes`) when it cannot be compiled on its own (a recursive
 * $ref); QUO_ENOMEM. With `keep`, the compiled subschema is handed to
 * the caller (quo_schema_free; NULL when there is none). */
quo_status qv_sub_values(const quo_contract *c, const cJSON *schema, const char *pointer,
                         unsigned depth, qv_list *out, qc_strlist *notes,
                         quo_schema **keep);

/* The array keywords of one schema. */
typedef struct qv_array_kw {
    const cJSON *items;
    const char *items_ptr;
    bool has_min, has_max, unique;
    size_t min, max;
    const char *min_ptr, *max_ptr, *unique_ptr;
} qv_array_kw;

/* Candidates aimed at minItems/maxItems/uniqueItems and at the item
 * schema (its values in an array), and in *base an array the keywords
 * accept (NULL when none was found). false on ENOMEM. */
bool qv_array_values(const quo_contract *c, const qv_array_kw *k, unsigned depth,
                     qv_list *cands, cJSON **base, qc_strlist *notes);

/* The object keywords of one schema. */
typedef struct qv_object_kw {
    const cJSON *props;
    const char *props_ptr;
    const cJSON *required;
    const char *required_ptr;
    bool closed;
    const char *closed_ptr;
} qv_object_kw;

/* Candidates aimed at required/additionalProperties:false and at each
 * property's schema (its values in an object holding the required
 * members), and in *base such an object (NULL when none was found). */
bool qv_object_values(const quo_contract *c, const qv_object_kw *k, unsigned depth,
                      qv_list *cands, cJSON **base, qc_strlist *notes);

#endif
