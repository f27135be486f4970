/* suite/scrub.c - see scrub.h. */
#include "scrub.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

void qc_scrubber_init(qc_scrubber *s)
{
    memset(s, 0, sizeof *s);
}

void qc_scrubber_free(qc_scrubber *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->secrets[i].value);
    qc_scrubber_init(s);
}

bool qc_scrubber_add(qc_scrubber *s, const char *value, const char *placeholder)
{
    if (!value || !*value)
        return true;
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->secrets[i].value, value) == 0)
            return true;
    if (s->count == QC_SCRUB_MAX_SECRETS) {
        s->full = true;
        return false;
    }
    char *copy = qc_strdup(value);
    if (!copy)
        return false;
    s->secrets[s->count].value = copy;
    s->secrets[s->count].placeholder = placeholder;
    s->count++;
    return true;
}

/* [*start, *end) of the user-info password of url, false when none. */
static bool url_password(const char *url, size_t *start, size_t *end)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return false;
    const char *auth = sep + 3;
    size_t alen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + alen; p++)
        if (*p == '@')
            at = p; /* the last '@' ends the user-info */
    if (!at)
        return false;
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon)
        return false;
    *start = (size_t)(colon + 1 - url);
    *end = (size_t)(at - url);
    return true;
}

bool qc_scrubber_add_url(qc_scrubber *s, const char *url)
{
    size_t a, b;
    if (!url || !url_password(url, &a, &b) || a == b)
        return true;
    char *pw = qc_strndup(url + a, b - a);
    bool ok = pw && qc_scrubber_add(s, pw, "***");
    free(pw);
    return ok;
}

char *qc_redact_url(const char *url)
{
    if (!url)
        return NULL;
    size_t a, b;
    if (!url_password(url, &a, &b))
        return qc_strdup(url);
    quo_buf out;
    quo_buf_init(&out);
    quo_buf_append(&out, url, a);
    quo_buf_puts(&out, "***");
    quo_buf_puts(&out, url + b);
    return quo_buf_take(&out, NULL);
}

static int hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Decodes one unit of text at t[0..n): its byte value and length. */
static size_t unit(const unsigned char *t, size_t n, unsigned char *value)
{
    if (n >= 6 && t[0] == '\\' && t[1] == 'u') {
        int h0 = hex(t[2]), h1 = hex(t[3]), h2 = hex(t[4]), h3 = hex(t[5]);
        if (h0 == 0 && h1 == 0 && h2 >= 0 && h3 >= 0 && (h2 << 4 | h3) < 0x80) {
            *value = (unsigned char)(h2 << 4 | h3);
            return 6;
        }
    }
    if (n >= 2 && t[0] == '\\') {
        static const char from[] = "/\\\"nrtbf", to[] = "/\\\"\n\r\t\b\f";
        const char *p = t[1] ? strchr(from, t[1]) : NULL;
        if (p) {
            *value = (unsigned char)to[p - from];
            return 2;
        }
    }
    if (n >= 3 && t[0] == '%' && hex(t[1]) >= 0 && hex(t[2]) >= 0) {
        *value = (unsigned char)(hex(t[1]) << 4 | hex(t[2]));
        return 3;
    }
    if (t[0] == '+') {
        *value = ' ';
        return 1;
    }
    *value = t[0];
    return 1;
}

/* The length of text matching secret at t[0..n), 0 when it does not. */
static size_t match(const unsigned char *t, size_t n, const char *secret)
{
    size_t used = 0;
    for (const unsigned char *k = (const unsigned char *)secret; *k; k++) {
        if (used >= n)
            return 0;
        unsigned char v;
        size_t u = unit(t + used, n - used, &v);
        /* A '+' or '%' in the secret itself also matches literally. */
        if (fold(v) != fold(*k)) {
            if (t[used] != *k)
                return 0;
            u = 1;
        }
        used += u;
    }
    return used;
}

static bool word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

#define QC_SCRUB_ANYWHERE_MIN 8

void qc_buf_scrubbed(quo_buf *b, const qc_scrubber *s, const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0, start = 0;
    while (i < len) {
        const qc_secret *hit = NULL;
        size_t hit_len = 0;
        for (size_t k = 0; s && k < s->count; k++) {
            size_t m = match(t + i, len - i, s->secrets[k].value);
            /* Longest match wins so a key that contains another is hidden whole. */
            if (m > hit_len &&
                (strlen(s->secrets[k].value) >= QC_SCRUB_ANYWHERE_MIN ||
                 ((i == 0 || !word_char(t[i - 1])) && (i + m == len || !word_char(t[i + m]))))) {
                hit = &s->secrets[k];
                hit_len = m;
            }
        }
        if (hit) {
            quo_buf_append(b, text + start, i - start);
            quo_buf_puts(b, hit->placeholder);
            i += hit_len;
            start = i;
        } else {
            i++;
        }
    }
    quo_buf_append(b, text + start, len - start);
}

char *qc_scrub(const qc_scrubber *s, const char *text, size_t len)
{
    quo_buf b;
    quo_buf_init(&b);
    qc_buf_scrubbed(&b, s, text, len);
    if (!b.data && !b.failed)
        quo_buf_append(&b, "", 0);
    return quo_buf_take(&b, NULL);
}
