/* suite/text.c - see text.h. */
#include "text.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qc_buf_init(qc_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void qc_buf_free(qc_buf *b)
{
    free(b->data);
    qc_buf_init(b);
}

char *qc_buf_take(qc_buf *b, size_t *len)
{
    char *out = NULL;
    if (!b->failed) {
        if (!b->data)
            qc_buf_append(b, "", 0);
        if (!b->failed) {
            out = b->data;
            if (len)
                *len = b->len;
            b->data = NULL;
        }
    }
    qc_buf_free(b);
    return out;
}

static bool qc_buf_reserve(qc_buf *b, size_t extra)
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

void qc_buf_append(qc_buf *b, const char *s, size_t n)
{
    if (!qc_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void qc_buf_puts(qc_buf *b, const char *s)
{
    qc_buf_append(b, s, strlen(s));
}

void qc_buf_putc(qc_buf *b, char c)
{
    qc_buf_append(b, &c, 1);
}

void qc_buf_printf(qc_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        qc_buf_append(b, small, (size_t)n);
        return;
    }
    if (!qc_buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void qc_strlist_init(qc_strlist *l)
{
    l->items = NULL;
    l->count = 0;
    l->cap = 0;
}

void qc_strlist_free(qc_strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    qc_strlist_init(l);
}

static bool qc_strlist_push(qc_strlist *l, char *owned)
{
    if (!owned)
        return false;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p) {
            free(owned);
            return false;
        }
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = owned;
    return true;
}

bool qc_strlist_add(qc_strlist *l, const char *s)
{
    return qc_strlist_push(l, qc_strdup(s));
}

bool qc_strlist_addf(qc_strlist *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return false;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return qc_strlist_push(l, s);
}

bool qc_strlist_contains(const qc_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

char *qc_strdup(const char *s)
{
    return s ? qc_strndup(s, strlen(s)) : NULL;
}

char *qc_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

void qc_buf_utf8(qc_buf *b, const char *s, size_t n, size_t max)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (max && i >= max) {
            qc_buf_puts(b, "...");
            return;
        }
        size_t k = utf8_seq(u + i, n - i);
        if (k == 0 || u[i] == 0) {
            qc_buf_append(b, fffd, 3);
            i++;
        } else {
            qc_buf_append(b, s + i, k);
            i += k;
        }
    }
}

void qc_scrubber_init(qc_scrubber *s)
{
    s->count = 0;
}

void qc_scrubber_add(qc_scrubber *s, const char *value, const char *placeholder)
{
    if (!value || !*value || s->count == sizeof s->secrets / sizeof s->secrets[0])
        return;
    s->secrets[s->count].value = value;
    s->secrets[s->count].placeholder = placeholder;
    s->count++;
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* A key this short also occurs inside ordinary words ("k" in "tasks"):
 * it is hidden where it stands alone, not inside a longer word. */
#define QC_SCRUB_ANYWHERE_MIN 8

void qc_buf_scrubbed(qc_buf *b, const qc_scrubber *s, const char *text, size_t len)
{
    size_t i = 0, start = 0;
    while (i < len) {
        const qc_secret *hit = NULL;
        size_t hit_len = 0;
        for (size_t k = 0; s && k < s->count; k++) {
            size_t vl = strlen(s->secrets[k].value);
            /* Longest match wins so a key that contains another is hidden whole. */
            if (vl <= len - i && vl > hit_len && memcmp(text + i, s->secrets[k].value, vl) == 0 &&
                (vl >= QC_SCRUB_ANYWHERE_MIN ||
                 ((i == 0 || !word_char(text[i - 1])) &&
                  (i + vl == len || !word_char(text[i + vl]))))) {
                hit = &s->secrets[k];
                hit_len = vl;
            }
        }
        if (hit) {
            qc_buf_append(b, text + start, i - start);
            qc_buf_puts(b, hit->placeholder);
            i += hit_len;
            start = i;
        } else {
            i++;
        }
    }
    qc_buf_append(b, text + start, len - start);
}

char *qc_scrub(const qc_scrubber *s, const char *text, size_t len)
{
    qc_buf b;
    qc_buf_init(&b);
    qc_buf_scrubbed(&b, s, text, len);
    return qc_buf_take(&b, NULL);
}

void qc_buf_xml(qc_buf *b, const char *s, bool attr)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (!attr && (*p == '\t' || *p == '\n' || *p == '\r')) {
            qc_buf_putc(b, (char)*p);
            continue;
        }
        switch (*p) {
        case '&': qc_buf_puts(b, "&amp;"); break;
        case '<': qc_buf_puts(b, "&lt;"); break;
        case '>': qc_buf_puts(b, "&gt;"); break;
        case '"': qc_buf_puts(b, "&quot;"); break;
        case '\'': qc_buf_puts(b, "&apos;"); break;
        case '\t': qc_buf_puts(b, "&#9;"); break;
        case '\n': qc_buf_puts(b, "&#10;"); break;
        case '\r': qc_buf_puts(b, "&#13;"); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                qc_buf_puts(b, "\xEF\xBF\xBD");
            else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
                /* U+FFFE / U+FFFF are not XML characters. */
                qc_buf_puts(b, "\xEF\xBF\xBD");
                p += 2;
            } else
                qc_buf_putc(b, (char)*p);
        }
    }
}

void qc_buf_md_cell(qc_buf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        if (max && n >= max && ((unsigned char)*p & 0xC0) != 0x80) {
            qc_buf_puts(b, "...");
            return;
        }
        if (*p == '|')
            qc_buf_puts(b, "\\|");
        else if (*p == '\n' || *p == '\r')
            qc_buf_putc(b, ' ');
        else if (*p == '<')
            qc_buf_puts(b, "&lt;");
        else
            qc_buf_putc(b, *p);
    }
}

void qc_buf_shell_word(qc_buf *b, const char *s, size_t n)
{
    bool control = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            control = true;
    }
    if (!control) {
        qc_buf_putc(b, '\'');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\'')
                qc_buf_puts(b, "'\\''");
            else
                qc_buf_putc(b, s[i]);
        }
        qc_buf_putc(b, '\'');
        return;
    }
    qc_buf_puts(b, "$'");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'' || c == '\\')
            qc_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            qc_buf_printf(b, "\\x%02x", c);
        else
            qc_buf_putc(b, (char)c);
    }
    qc_buf_putc(b, '\'');
}

bool qc_glob_match(const char *glob, const char *s)
{
    return fnmatch(glob, s, 0) == 0;
}
