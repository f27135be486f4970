/* regex.h (internal) - ECMAScript regular expressions for JSON Schema
 * `pattern`, run by PCRE2.
 *
 * JSON Schema patterns are ECMA-262 regular expressions; the
 * JSON-Schema-Test-Suite expects Unicode semantics ("u" flag), so that is
 * the dialect here: the pattern is checked against the u-mode grammar (a
 * lone `{ } ]`, an unknown escape such as `\a` or an octal `\01` is an
 * error, as in `new RegExp(p, "u")`) and translated into an equivalent
 * PCRE2 pattern compiled with PCRE2_UTF | PCRE2_DOLLAR_ENDONLY |
 * PCRE2_MATCH_UNSET_BACKREF (JIT when available). What the translation
 * guarantees, unlike a plain PCRE2 compile of the same text:
 *   - `.` matches anything but \n \r U+2028 U+2029 (it does match \v \f
 *     and U+0085); `$` matches only at the very end; `^` only at the start;
 *   - \d \w \b are ASCII-only; \s is ECMAScript WhiteSpace+LineTerminator
 *     (TAB VT FF SP U+FEFF, every Zs character, LF CR U+2028 U+2029 - not
 *     U+0085), also inside classes and negated (\S);
 *   - \v is U+000B only; \cX, \0, \xHH, \uHHHH, surrogate pairs \uD83D\uDE00
 *     and \u{...} denote characters; a lone surrogate never matches;
 *   - \p{...}/\P{...} accept the ECMAScript names (General_Category values
 *     and aliases such as Letter, L, digit; binary properties; Script= and
 *     Script_Extensions=), mapped onto PCRE2's names;
 *   - `[]` matches nothing and `[^]` any character.
 * Known limits (compile errors, never silent differences): lookbehind must
 * have a fixed length per alternative (PCRE2 10.42), quantifier bounds above
 * 65535, group names outside [A-Za-z_][A-Za-z0-9_]*, and the property
 * Changes_When_NFKC_Casefolded. A backreference keeps the capture of an
 * earlier iteration of its quantified group (ECMAScript resets it).
 *
 * Search is unanchored, as ECMAScript's RegExp.prototype.test. The very
 * common shapes `^LIT`, `^LIT$`, `^LIT.*`, `^LIT.*$`, `^LIT(.*)$`, `LIT`,
 * `LIT$` (LIT = plain characters and escaped syntax characters) are matched
 * by a byte comparison instead of PCRE2; tests prove the two agree.
 *
 * Ownership: quo_regex_compile() returns a regex the caller frees with
 * quo_regex_free(). A compiled regex may be searched from several threads
 * at once: it caches one PCRE2 match block, taken with an atomic flag, and
 * a thread that finds it busy uses a private block for that call.
 */
#ifndef QUO_REGEX_H
#define QUO_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"

typedef struct quo_regex quo_regex;

/* Compile flags. */
#define QUO_REGEX_NO_FAST_PATH 1u /* always run PCRE2 (tests compare both) */

/* Compiles ECMAScript pattern src[0..len) (UTF-8). Returns QUO_OK,
 * QUO_ESCHEMA (err says what is wrong and where) or QUO_ENOMEM. */
quo_status quo_regex_compile(const char *src, size_t len, unsigned flags,
                             quo_regex **out, quo_error *err);

void quo_regex_free(quo_regex *re);

typedef enum quo_regex_result {
    QUO_REGEX_MATCH = 1,
    QUO_REGEX_NOMATCH = 0,
    QUO_REGEX_ENOMEM = -1,
    QUO_REGEX_LIMIT = -2,  /* PCRE2 gave up (match/depth/heap limit) */
    QUO_REGEX_BADUTF = -3  /* subject is not valid UTF-8 */
} quo_regex_result;

/* Searches s[0..len) for a match anywhere. `utf_checked` says the caller
 * knows s is valid UTF-8 (e.g. it came through the JSON gate), which lets
 * PCRE2 skip its own check. */
quo_regex_result quo_regex_search(const quo_regex *re, const char *s, size_t len,
                                  bool utf_checked);

/* True when searches take the byte-comparison fast path. */
bool quo_regex_is_fast(const quo_regex *re);

/* The PCRE2 pattern the ECMAScript source translates to, NUL-terminated,
 * in a new buffer the caller frees (for tests and diagnostics).
 * Returns QUO_OK, QUO_ESCHEMA or QUO_ENOMEM. */
quo_status quo_regex_translate(const char *src, size_t len, char **out,
                               quo_error *err);

#endif
