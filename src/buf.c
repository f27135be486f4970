/* buf.c - the growable text buffer. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/utf8.h"

void quo_buf_init(quo_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void quo_buf_free(quo_buf *b)
{
    free(b->data);
    quo_buf_init(b);
}

void quo_buf_reset(quo_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

char *quo_buf_take(quo_buf *b, size_t *len)
{
    char *out = NULL;
    if (!b->data)
        quo_buf_append(b, "", 0);
    if (!b->failed) {
        out = b->data;
        if (len)
            *len = b->len;
        b->data = NULL;
    }
    quo_buf_free(b);
    return out;
}

bool quo_buf_reserve(quo_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void quo_buf_append(quo_buf *b, const char *s, size_t n)
{
    if (!quo_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void quo_buf_puts(quo_buf *b, const char *s)
{
    quo_buf_append(b, s, strlen(s));
}

void quo_buf_putc(quo_buf *b, char c)
{
    quo_buf_append(b, &c, 1);
}

void quo_buf_printf(quo_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        quo_buf_append(b, small, (size_t)n);
        return;
    }
    if (!quo_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void quo_buf_put_html(quo_buf *b, const char *s, size_t n)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        const char *ref = NULL;
        switch (c) {
        case '&': ref = "&amp;"; break;
        case '<': ref = "&lt;"; break;
        case '>': ref = "&gt;"; break;
        case '"': ref = "&quot;"; break;
        case '\'': ref = "&#39;"; break;
        default: break;
        }
        if (ref) {
            quo_buf_puts(b, ref);
            i++;
            continue;
        }
        if (c < 0x80) {
            bool control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
            quo_buf_append(b, control ? replacement : (const char *)p + i,
                           control ? sizeof replacement - 1 : 1);
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = quo_utf8_decode(p + i, n - i, &cp);
        if (len == 0 || (cp >= 0x80 && cp <= 0x9F)) {
            /* One invalid byte (or a C1 control) for one U+FFFD: the
             * decoder resynchronises at the next byte. */
            quo_buf_append(b, replacement, sizeof replacement - 1);
            i += len ? len : 1;
            continue;
        }
        quo_buf_append(b, (const char *)p + i, len);
        i += len;
    }
    if (!b->data)
        quo_buf_append(b, "", 0);
}

char *quo_vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *p = malloc((size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}
