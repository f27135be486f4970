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

/* Calls each(name, nlen, value or NULL, ok, ctx) for every preference of
 * every Prefer header of req, until it returns false. */
typedef bool (*pref_fn)(const char *name, size_t nlen, const char *value, bool ok, void *ctx);

static void each_pref(const quo_mock_request *req, pref_fn each, void *ctx)
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
            if (nlen && !each(name, nlen, has_value ? value : NULL, ok, ctx))
                return;
            p = skip_rest(p);
        }
    }
}

typedef struct code_ctx {
    int *code;
    char *bad;
    size_t badsz;
    int result;
} code_ctx;

static bool on_code(const char *name, size_t nlen, const char *value, bool ok, void *ctx)
{
    code_ctx *k = ctx;
    if (!mock_text_ieq(name, nlen, "code"))
        return true;
    char shown[80];
    k->result = -1;
    if (!value) {
        snprintf(k->bad, k->badsz, "Prefer: code needs a status, e.g. code=404");
        return false;
    }
    mock_text_excerpt(shown, sizeof shown, value, strlen(value), 16);
    bool digits = ok && strlen(value) == 3;
    for (size_t i = 0; digits && i < 3; i++)
        digits = value[i] >= '0' && value[i] <= '9';
    if (!digits || value[0] < '1' || value[0] > '5') {
        snprintf(k->bad, k->badsz, "Prefer: code=%s is not an HTTP status code", shown);
        return false;
    }
    *k->code = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
    k->result = 1;
    return false;
}

int mock_prefer_parse(const quo_mock_request *req, int *code, char *bad, size_t badsz)
{
    code_ctx k = {code, bad, badsz, 0};
    each_pref(req, on_code, &k);
    return k.result;
}

bool mock_prefer_fault_status(int code)
{
    return code == 429 || code == 503;
}

typedef struct fault_ctx {
    mock_fault *f;
    char *bad;
    size_t badsz;
    bool failed;
} fault_ctx;

static bool on_fault(const char *name, size_t nlen, const char *value, bool ok, void *ctx)
{
    fault_ctx *k = ctx;
    mock_fault *f = k->f;
    if (mock_text_ieq(name, nlen, "delay")) {
        char *end = NULL;
        unsigned long ms = value && ok ? strtoul(value, &end, 10) : 0;
        if (!value || !ok || !*value || *end || ms > MOCK_FAULT_MAX_DELAY_MS) {
            snprintf(k->bad, k->badsz, "Prefer: delay needs milliseconds from 0 to %u, "
                     "e.g. delay=250", MOCK_FAULT_MAX_DELAY_MS);
            k->failed = true;
            return false;
        }
        f->delay_ms = (unsigned)ms;
        f->any = true;
    } else if (mock_text_ieq(name, nlen, "drop")) {
        f->drop = f->any = true;
    } else if (mock_text_ieq(name, nlen, "reset")) {
        f->reset = f->any = true;
    } else if (mock_text_ieq(name, nlen, "truncate")) {
        f->truncate = f->any = true;
    } else if (mock_text_ieq(name, nlen, "extra-members")) {
        f->extra_members = f->any = true;
    } else if (mock_text_ieq(name, nlen, "chunked")) {
        f->chunked = f->any = true;
    }
    return true;
}

int mock_prefer_faults(const quo_mock_request *req, mock_fault *out, char *bad, size_t badsz)
{
    memset(out, 0, sizeof *out);
    fault_ctx k = {out, bad, badsz, false};
    each_pref(req, on_fault, &k);
    return k.failed ? -1 : out->any;
}

void mock_fault_describe(const mock_fault *f, int code, char *out, size_t outsz)
{
    size_t used = 0;
    out[0] = '\0';
#define PUT(...)                                                                     \
    do {                                                                             \
        int w_ = snprintf(out + used, outsz - used, __VA_ARGS__);                    \
        if (w_ > 0 && (size_t)w_ < outsz - used)                                     \
            used += (size_t)w_;                                                      \
    } while (0)
    if (code)
        PUT("code=%d", code);
    if (f->delay_ms)
        PUT("%sdelay=%u", used ? "," : "", f->delay_ms);
    if (f->drop)
        PUT("%sdrop", used ? "," : "");
    if (f->reset)
        PUT("%sreset", used ? "," : "");
    if (f->truncate)
        PUT("%struncate", used ? "," : "");
    if (f->extra_members)
        PUT("%sextra-members", used ? "," : "");
    if (f->chunked)
        PUT("%schunked", used ? "," : "");
#undef PUT
}
