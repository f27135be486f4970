/* mock/idgen.h (internal to quo-mock) - ids made from a member's pattern.
 *
 * quo-mock has to invent ids the spec's schema accepts: resources the
 * fixtures lack or whose compiled-in ids do not fit a tightened pattern
 * (fixtures.c), and the task ids of created tasks (store.c). Both come
 * from the id member's `pattern`, read through the contract.
 *
 * A pattern is compiled into a fixed-width template: a row of slots, each
 * with its alphabet (a literal is a one-letter alphabet). The subset ids
 * use is understood: anchored ^...$, literals, escapes (\d \w \s \D \W \S
 * and quoted metacharacters), ".", bracket classes with ranges (negated
 * too), groups ("(...)", "(?:...)") with "|" (the first alternative is
 * used), and the quantifiers ? * + {n} {n,} {n,m} (each at its minimum,
 * "*" once so a tail is not empty). Anything else (anchors inside,
 * lookaround, backreferences) is refused with the reason.
 *
 * Value n of a template is n written in mixed radix over the slots (the
 * last slot least significant), so values of one template have one length
 * and sort (by bytes) in the order of n; the "." alphabet is the hex
 * digits, so value 1 of "^PN(.*)$" is "PN1". When more values are needed
 * than the minimal form has, the last unbounded quantifier over a
 * multi-letter atom is repeated more often.
 *
 * The template does not know the rest of the schema (length limits,
 * formats): callers check what they make with the member's compiled
 * schema.
 *
 * Ownership: mock_idgen_new() returns a template the caller releases with
 * mock_idgen_free(); it is immutable, safe to share between threads.
 */
#ifndef QUO_MOCK_IDGEN_H
#define QUO_MOCK_IDGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quo/buf.h"

typedef struct mock_idgen mock_idgen;

/* Compiles `pattern` into a template with at least `need` values (0..need-1
 * exist). NULL with *why (static text) when the pattern is outside the
 * subset, allows fewer values, or memory runs out (*why "out of memory"). */
mock_idgen *mock_idgen_new(const char *pattern, uint64_t need, const char **why);
void mock_idgen_free(mock_idgen *g);

/* How many values the template has (UINT64_MAX when at least that many). */
uint64_t mock_idgen_capacity(const mock_idgen *g);
/* The id's length in bytes (every value has it). */
size_t mock_idgen_width(const mock_idgen *g);

/* Appends value n; false when n is not below the capacity. */
bool mock_idgen_nth(const mock_idgen *g, uint64_t n, quo_buf *out);
/* The n whose value is s[0..len); false when s is no value of g. */
bool mock_idgen_index(const mock_idgen *g, const char *s, size_t len, uint64_t *n);

#endif
