/* suite/text.c - see text.h. */
#include "text.h"

#include "quo/utf8.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void qc_buf_utf8(quo_buf *b, const char *s, size_t n, size_t max)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (max && i >= max) {
            quo_buf_puts(b, "...");
            return;
        }
        uint32_t cp;
        size_t k = quo_utf8_decode(u + i, n - i, &cp);
        if (k == 0 || u[i] == 0) {
            quo_buf_append(b, fffd, 3);
            i++;
        } else {
            quo_buf_append(b, s + i, k);
            i += k;
        }
    }
}

void qc_buf_xml(quo_buf *b, const char *s, bool attr)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (!attr && (*p == '\t' || *p == '\n' || *p == '\r')) {
            quo_buf_putc(b, (char)*p);
            continue;
        }
        switch (*p) {
        case '&': quo_buf_puts(b, "&amp;"); break;
        case '<': quo_buf_puts(b, "&lt;"); break;
        case '>': quo_buf_puts(b, "&gt;"); break;
        case '"': quo_buf_puts(b, "&quot;"); break;
        case '\'': quo_buf_puts(b, "&apos;"); break;
        case '\t': quo_buf_puts(b, "&#9;"); break;
        case '\n': quo_buf_puts(b, "&#10;"); break;
        case '\r': quo_buf_puts(b, "&#13;"); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                quo_buf_puts(b, "\xEF\xBF\xBD");
            else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
                /* U+FFFE / U+FFFF are not XML characters. */
                quo_buf_puts(b, "\xEF\xBF\xBD");
                p += 2;
            } else
                quo_buf_putc(b, (char)*p);
        }
    }
}

void qc_buf_md_cell(quo_buf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        if (max && n >= max && ((unsigned char)*p & 0xC0) != 0x80) {
            quo_buf_puts(b, "...");
            return;
        }
        if (*p == '|')
            quo_buf_puts(b, "\\|");
        else if (*p == '\n' || *p == '\r')
            quo_buf_putc(b, ' ');
        else if (*p == '<')
            quo_buf_puts(b, "&lt;");
        else
            quo_buf_putc(b, *p);
    }
}

void qc_buf_shell_word(quo_buf *b, const char *s, size_t n)
{
    bool control = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            control = true;
    }
    if (!control) {
        quo_buf_putc(b, '\'');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\'')
                quo_buf_puts(b, "'\\''");
            else
                quo_buf_putc(b, s[i]);
        }
        quo_buf_putc(b, '\'');
        return;
    }
    quo_buf_puts(b, "$'");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'' || c == '\\')
            quo_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            quo_buf_printf(b, "\\x%02x", c);
        else
            quo_buf_putc(b, (char)c);
    }
    quo_buf_putc(b, '\'');
}

bool qc_glob_match(const char *glob, const char *s)
{
    return fnmatch(glob, s, 0) == 0;
}
