/* suite/regex_gen.h (internal to quo-conformance) - strings generated from
 * an ECMAScript `pattern`, for the value generator (valgen.h).
 *
 * The pattern is parsed into a tree of character sets, sequences,
 * alternations and repetitions; strings are written by walking it, so a
 * positive is a match of the whole pattern (which an unanchored search
 * therefore finds) and a breaker changes exactly one thing about a match.
 * Understood: literals and the escapes of a character (\n \t \xHH \uHHHH
 * \u{...} \cX \0 and escaped syntax characters), \d \w \s \D \W \S, `.`
 * (everything but LF CR U+2028 U+2029, as regex.h), classes with ranges,
 * escapes and negation, groups (capturing, named, non-capturing),
 * alternation, the quantifiers ? * + {n} {n,} {n,m} and their lazy forms,
 * and the anchors ^ $. Not understood (qr_compile fails and says which):
 * lookahead/lookbehind, backreferences, \b \B, \p{...}/\P{...}. The caller
 * never fakes a value for those.
 *
 * Nothing here decides validity: valgen.c judges every string with the
 * schema's compiled validator (an anchor in the middle of a pattern, say,
 * makes a "match" that the validator rejects and valgen drops).
 *
 * Ownership: qr_compile() returns a tree freed with qr_free(); every string
 * returned is a new NUL-terminated UTF-8 string the caller frees.
 */
#ifndef QC_REGEX_GEN_H
#define QC_REGEX_GEN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct qr_regex qr_regex;

/* How characters are picked where a set offers a choice: ASCII letters,
 * U+1F600 where the set holds it, or 'e' / U+0301 COMBINING ACUTE ACCENT
 * alternately (same values as valgen.c's spellings). */
typedef enum qr_style { QR_ASCII = 0, QR_ASTRAL, QR_COMBINING } qr_style;

/* Parses src (NUL-terminated). NULL when the pattern uses something not
 * understood (why[0..n) says what) or on ENOMEM (why says so). */
qr_regex *qr_compile(const char *src, char *why, size_t n);
void qr_free(qr_regex *re);

/* Fewest code points of a match, and the most (SIZE_MAX: unbounded). */
size_t qr_min_len(const qr_regex *re);
size_t qr_max_len(const qr_regex *re);

/* A match of exactly n code points, or NULL when none is found (the
 * search is greedy: it gives up on some lengths an exhaustive one would
 * reach) or on ENOMEM. */
char *qr_match_len(const qr_regex *re, size_t n, qr_style style);

/* The sample positives: the shortest match, the longest with every
 * quantifier at its upper bound (unbounded ones at their minimum + 8),
 * and a middle one (quantifiers half-way, the last alternatives). NULL
 * beyond `limit` code points or on ENOMEM. */
typedef enum qr_sample { QR_SHORTEST = 0, QR_LONGEST, QR_MID } qr_sample;
char *qr_sample_string(const qr_regex *re, qr_sample which, size_t limit);

/* Breakers: strings one change away from a match. */
typedef struct qr_breaker {
    char *label; /* "pattern-prefix", "pattern-lf", "pattern-q1-many", ... */
    char *value;
    char *why;   /* for people: "the first literal 'U' changed to 'X'" */
} qr_breaker;

typedef struct qr_breakers {
    qr_breaker *items;
    size_t count, cap;
} qr_breakers;

/* Appends the breakers of `re`, made from a match of at least `min_cp`
 * code points where one is found (so a minLength is not what breaks them),
 * each at most `limit` code points. false on ENOMEM. Free with
 * qr_breakers_free(). */
bool qr_breakers_make(const qr_regex *re, size_t min_cp, size_t limit, qr_breakers *out);
void qr_breakers_free(qr_breakers *b);

#endif
