/* prefer.c - the Prefer header (RFC 7240 section 2): preferences are
 * comma-separated tokens with an optional "=" token-or-quoted-string
 * value and parameters; quo-mock reads the `code` preference only and
 * skips everything else, malformed pieces included, up to the next comma. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefer.h"
#include "text.h"

static bool tchar(char ch)
{
    unsigned char c = (unsigned char)ch;
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Reads a token or quoted-string at p into out; returns the end. */
static const char *read_word(const char *p, char *out, size_t outsz, bool *ok)
{
    size_t n = 0;
    *ok = true;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < outsz)
                out[n++] = *p;
        }
        if (*p == '"')
            p++;
        else
            *ok = false;
    } else {
        for (; tchar(*p); p++)
            if (n + 1 < outsz)
                out[n++] = *p;
    }
    out[n] = '\0';
    return p;
}

/* Skips parameters and anything malformed up to the next ',' outside quotes. */
static const char *skip_rest(const char *p)
{
    bool quoted = false;
    for (; *p; p++) {
        if (quoted && *p == '\\' && p[1])
            p++;
        else if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == ',')
            break;
    }
    return p;
}

/* The first `code` preference over every Prefer header. Returns 0 when
 * there is none, 1 with *code set, -1 with `bad` naming the problem. */
int mock_prefer_parse(const quo_mock_request *req, int *code, char *bad, size_t badsz)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const quo_mock_header *h = &req->headers[i];
        if (!h->name || !h->value || !mock_text_ieq(h->name, strlen(h->name), "Prefer"))
            continue;
        const char *p = h->value;
        while (*p) {
            p = mock_text_skip_ows(p);
            if (*p == ',') {
                p++;
                continue;
            }
            const char *name = p;
            while (tchar(*p))
                p++;
            size_t nlen = (size_t)(p - name);
            char value[64];
            bool has_value = false, ok = true;
            const char *q = mock_text_skip_ows(p);
            if (nlen && *q == '=') {
                q = read_word(mock_text_skip_ows(q + 1), value, sizeof value, &ok);
                has_value = true;
                p = q;
            }
            if (nlen && mock_text_ieq(name, nlen, "code")) {
                char shown[80];
                if (!has_value) {
                    snprintf(bad, badsz, "Prefer: code needs a status, e.g. code=404");
                    return -1;
                }
                mock_text_excerpt(shown, sizeof shown, value, strlen(value), 16);
                bool digits = ok && strlen(value) == 3;
                for (size_t k = 0; digits && k < 3; k++)
                    digits = value[k] >= '0' && value[k] <= '9';
                if (!digits || value[0] < '1' || value[0] > '5') {
                    snprintf(bad, badsz, "Prefer: code=%s is not an HTTP status code", shown);
                    return -1;
                }
                *code = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
                return 1;
            }
            p = skip_rest(p);
        }
    }
    return 0;
}
