/* suite/valgen.h (internal to quo-conformance) - the coverage phase's
 * values: for one schema, a value aimed at each of its constraints.
 *
 * qv_generate() reads one schema as the contract hands it out (a member's
 * schema_json, a header parameter's schema; local $ref followed through
 * quo_contract_resolve) and appends, deterministically:
 *   positives  a value the schema accepts for each allowed type (null where
 *              allowed), each enum/const value, values exactly at each limit
 *              (lengths in code points, also spelt with astral and combining
 *              characters; minimum/maximum, just inside exclusive*, multiples
 *              of multipleOf), strings generated from each pattern (not only
 *              its literal prefix), format values at their edges (leap day,
 *              leap second, offsets, long fractions), arrays at minItems /
 *              maxItems with unique items, non-ASCII free text;
 *   negatives  one violation each: just past each limit, out-of-enum values
 *              and their case variants, null where not allowed, each wrong
 *              type, 1.5 for an integer, pattern breakers generated from the
 *              regex (a changed prefix, a line terminator, a character
 *              outside a class, too long / too short where quantified),
 *              format near-misses, duplicate and surplus array items.
 * Every value is checked with the schema's own compiled validator before it
 * is returned: a positive the schema rejects, or a negative it accepts, is
 * not returned (it goes to `dropped` with the reason), so callers can trust
 * the polarity. A negative's `keyword` is the keyword the validator names;
 * it is the only one it names, except that a wrong-type negative of a
 * schema with enum/const also fails those (qv_also_implied()).
 * Values are judged as JSON text carries them: each is printed with
 * cJSON_PrintUnformatted() and read back first, so its numbers print the
 * same with that printer and with quo_json_print() (cJSON keeps 15
 * significant digits: "just past" a bound of a number is the first value
 * beyond it that survives: 2.2500000000000009 for 2.25, two doubles up).
 *
 * Ownership: a qv_list owns its values and strings (qv_list_free).
 */
#ifndef QC_VALGEN_H
#define QC_VALGEN_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/contract.h"
#include "quo/error.h"
#include "text.h"

typedef enum qv_polarity { QV_POSITIVE = 0, QV_NEGATIVE } qv_polarity;

typedef struct qv_value {
    cJSON *value;          /* owned */
    qv_polarity polarity;
    const char *keyword;   /* static: the constraint aimed at ("maxLength",
                              "pattern", "type", "enum", "format", ...) */
    char *pointer;         /* JSON Pointer of that keyword in the document
                              (the schema's pointer + "/maxLength"); owned */
    char *label;           /* stable id fragment, [a-z0-9.+-] only, unique in
                              the list: "max", "max+1", "astral-max", ... */
    char *summary;         /* one line for people: "title of 200 code points
                              (maxLength 200)" */
} qv_value;

typedef struct qv_list {
    qv_value *items;
    size_t count;
    size_t cap;
    qc_strlist dropped;    /* "label: reason" for values the schema judged
                              against their intended polarity; also (added
                              by the valgen branch) "keyword: ..." for what
                              gets no values: a keyword valgen does not
                              generate for (anyOf, oneOf, if, contains, ...),
                              a pattern construct it cannot generate from
                              (lookaround, backreferences, \b, \p{..}), a
                              value beyond its bounds (strings of 64 Ki code
                              points, arrays of 1024 items) */
} qv_list;

void qv_list_init(qv_list *l);
void qv_list_free(qv_list *l);

/* Appends the values for `schema` (the JSON of one schema, inside the
 * contract's document) at document pointer `pointer` to `out`. `compiled`
 * is the same schema compiled (quo_contract_member.schema), used to check
 * each value. QUO_OK, QUO_ENOMEM, or QUO_ESCHEMA when the schema uses a
 * construct the generator cannot read (err names it; the caller lists it as
 * "not covered", never as a case).
 * As implemented: QUO_ESCHEMA only for a schema that is not an object (or
 * true) or a $ref that cannot be followed; keywords and pattern constructs
 * without values of their own are named in out->dropped and the rest is
 * generated. `c` may be NULL for a schema without $ref (unit tests). */
quo_status qv_generate(const quo_contract *c, const cJSON *schema, const char *pointer,
                       const quo_schema *compiled, qv_list *out, quo_error *err);

/* True when a negative aimed at `aimed` may also fail `also` (one
 * violation implies the other): "type" with "enum" or "const". */
bool qv_also_implied(const char *aimed, const char *also);

#endif
