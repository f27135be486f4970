/* utf8.c - strict UTF-8 decoding (see utf8.h).
 *
 * Well-formed means exactly the table in Unicode 15 section 3.9 (D92): the
 * second byte's range depends on the lead byte, which is what excludes
 * overlong forms (C0, C1, E0 80..9F, F0 80..8F), encoded surrogates
 * (ED A0..BF) and code points above U+10FFFF (F4 90..BF, F5..FF).
 * Noncharacters such as U+FFFF are scalar values and are accepted.
 */
#include <string.h>

#include "quo/utf8.h"

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t quo_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2)
        return 0; /* continuation byte, or C0/C1 (always overlong) */
    if (c < 0xE0) {
        if (len < 2 || !is_cont(s[1]))
            return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3Fu);
        return 2;
    }
    if (c < 0xF0) {
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        if (len < 3 || s[1] < lo || s[1] > hi || !is_cont(s[2]))
            return 0;
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
              (s[2] & 0x3Fu);
        return 3;
    }
    if (c < 0xF5) {
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (len < 4 || s[1] < lo || s[1] > hi || !is_cont(s[2]) ||
            !is_cont(s[3]))
            return 0;
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3Fu);
        return 4;
    }
    return 0;
}

size_t quo_utf8_count(const char *s, size_t len)
{
    /* In valid UTF-8 every code point has exactly one byte that is not a
     * continuation byte, so counting those is enough (and vectorises). */
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (u[i] & 0xC0) != 0x80;
    return n;
}

size_t quo_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

void quo_utf8_scrub(char *s)
{
    size_t len = strlen(s);
    /* An incomplete tail: up to 3 bytes after the last lead byte. */
    for (size_t back = 1; back <= 3 && back <= len; back++) {
        unsigned char c = (unsigned char)s[len - back];
        if (!is_cont(c)) {
            uint32_t cp;
            if (c >= 0xC0 && quo_utf8_decode((const unsigned char *)s + len - back, back, &cp) == 0) {
                size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                if (need > back)
                    len -= back;
            }
            break;
        }
    }
    s[len] = '\0';
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = quo_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            s[i++] = '?';
            continue;
        }
        i += n;
    }
}
