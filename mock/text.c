/* text.c - safe renderings of untrusted bytes. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/utf8.h"
#include "text.h"

void mock_buf_json_string(quo_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    quo_buf_append(b, "\"", 1);
    size_t i = 0;
    while (i < n && !b->failed) {
        /* Copy the longest run that needs no escaping in one go. */
        size_t run = i;
        while (run < n && u[run] >= 0x20 && u[run] < 0x7F && u[run] != '"' &&
               u[run] != '\\')
            run++;
        if (run > i) {
            quo_buf_append(b, s + i, run - i);
            i = run;
            continue;
        }
        uint32_t cp;
        size_t used = quo_utf8_decode(u + i, n - i, &cp);
        if (!used) {
            cp = 0xFFFD;
            used = 1;
        }
        i += used;
        char esc[16];
        switch (cp) {
        case '"': quo_buf_append(b, "\\\"", 2); continue;
        case '\\': quo_buf_append(b, "\\\\", 2); continue;
        case '\n': quo_buf_append(b, "\\n", 2); continue;
        case '\r': quo_buf_append(b, "\\r", 2); continue;
        case '\t': quo_buf_append(b, "\\t", 2); continue;
        default: break;
        }
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            uint32_t hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            snprintf(esc, sizeof esc, "\\u%c%c%c%c\\u%c%c%c%c", hex[hi >> 12],
                     hex[(hi >> 8) & 15], hex[(hi >> 4) & 15], hex[hi & 15],
                     hex[lo >> 12], hex[(lo >> 8) & 15], hex[(lo >> 4) & 15],
                     hex[lo & 15]);
        } else {
            snprintf(esc, sizeof esc, "\\u%c%c%c%c", hex[cp >> 12],
                     hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15]);
        }
        quo_buf_puts(b, esc);
    }
    quo_buf_append(b, "\"", 1);
}

void mock_text_excerpt(char *out, size_t outsz, const char *s, size_t n, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    size_t lim = n < max ? n : max;
    for (size_t i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            if (o + 1 >= outsz - 3)
                break;
            out[o++] = (char)c;
        } else {
            if (o + 4 >= outsz - 3)
                break;
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    if (lim < n && o + 3 < outsz) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

bool mock_text_ieq(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; i < n && lit[i]; i++) {
        unsigned char a = (unsigned char)s[i], c = (unsigned char)lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (a != c)
            return false;
    }
    return i == n && lit[i] == '\0';
}

const char *mock_text_skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}
