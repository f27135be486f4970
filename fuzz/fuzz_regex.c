/* fuzz_regex.c - the ECMAScript-to-PCRE2 pattern engine (src/regex.h,
 * internal to the library; reached by users through schema `pattern`s of a
 * --spec document).
 *
 * Input: the pattern, a NUL byte, then the subject (no NUL: the whole input
 * is the pattern and the subject is empty).
 *
 * Properties (abort on violation):
 *  1. Compilation takes a verdict (QUO_OK, or QUO_ESCHEMA / QUO_ENOMEM with
 *     a message); a pattern that compiles also translates.
 *  2. The byte-comparison fast path and PCRE2 agree: a search with the
 *     default compile and one with QUO_REGEX_NO_FAST_PATH give the same
 *     answer on every valid UTF-8 subject (PCRE2 giving up on a limit
 *     excepted), and saying the subject is already UTF-8-checked changes
 *     nothing.
 *  3. A subject that is not valid UTF-8 is never a match.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "regex.h"

static quo_regex *compile(const char *src, size_t len, unsigned flags)
{
    quo_regex *re = NULL;
    quo_error err;
    memset(&err, 0, sizeof err);
    quo_status st = quo_regex_compile(src, len, flags, &re, &err);
    FUZZ_CHECK(st == QUO_OK || st == QUO_ESCHEMA || st == QUO_ENOMEM,
               "quo_regex_compile returned %s", quo_status_name(st));
    FUZZ_CHECK((st == QUO_OK) == (re != NULL), "verdict %s with regex %p", quo_status_name(st),
               (void *)re);
    FUZZ_CHECK(st == QUO_OK || err.message[0], "compile failed without a message");
    return re;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    const char *nul = memchr(data, '\0', size);
    size_t plen = nul ? (size_t)(nul - src) : size;
    const char *subject = nul ? nul + 1 : "";
    size_t slen = nul ? size - plen - 1 : 0;

    quo_regex *fast = compile(src, plen, 0);
    quo_regex *slow = compile(src, plen, QUO_REGEX_NO_FAST_PATH);
    FUZZ_CHECK((fast == NULL) == (slow == NULL), "the two compiles disagree");
    if (!fast)
        return 0;

    char *translated = NULL;
    quo_error err;
    FUZZ_CHECK(quo_regex_translate(src, plen, &translated, &err) == QUO_OK,
               "a pattern that compiles does not translate: %s", err.message);
    free(translated);

    bool utf8 = fuzz_utf8_valid(subject, slen);
    quo_regex_result a = quo_regex_search(fast, subject, slen, false);
    quo_regex_result b = quo_regex_search(slow, subject, slen, false);
    if (!utf8) {
        FUZZ_CHECK(a != QUO_REGEX_MATCH && b != QUO_REGEX_MATCH,
                   "a subject that is not UTF-8 matched (fast %d, PCRE2 %d)", a, b);
    } else {
        quo_regex_result c = quo_regex_search(slow, subject, slen, true);
        if (a != QUO_REGEX_LIMIT && b != QUO_REGEX_LIMIT && c != QUO_REGEX_LIMIT) {
            if (a != b || b != c) {
                fuzz_dump("pattern", src, plen, 256);
                fuzz_dump("subject", subject, slen, 256);
            }
            FUZZ_CHECK(a == b, "fast path says %d, PCRE2 says %d", a, b);
            FUZZ_CHECK(b == c, "utf_checked changes the answer: %d vs %d", b, c);
        }
    }
    quo_regex_free(slow);
    quo_regex_free(fast);
    return 0;
}
