/* http_rules.c - HTTP/1.1 message rules on the raw request. */
#include <stdio.h>
#include <string.h>

#include "quo/array.h"

#include "http_rules.h"
#include "text.h"

static bool name_is(const mock_raw_header *h, const char *lit)
{
    return mock_text_ieq(h->name, h->name_len, lit);
}

/* The headers the rules count, each with how often it came and where it
 * first did: one pass over the block for all of them (this runs for every
 * request). */
enum { H_HOST, H_AUTHORIZATION, H_CONTENT_TYPE, H_CONTENT_LENGTH, H_TRANSFER_ENCODING, H_COUNTED };
static const char *const counted[H_COUNTED] = {"Host", "Authorization", "Content-Type",
                                               "Content-Length", "Transfer-Encoding"};

typedef struct tally {
    size_t n[H_COUNTED], first[H_COUNTED];
} tally;

static void tally_up(const mock_raw_header *h, size_t n, tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < H_COUNTED; k++)
            if (name_is(&h[i], counted[k])) {
                if (t->n[k]++ == 0)
                    t->first[k] = i;
                break;
            }
}

/* The first byte a field value may not hold (RFC 9110 5.5: field-vchar,
 * SP, HTAB and obs-text only), or -1. */
static long bad_field_byte(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return (long)i;
    }
    return -1;
}

static const char *byte_name(unsigned char c)
{
    return c == 0 ? "NUL" : c == '\r' ? "a bare CR" : c == '\n' ? "a bare LF" : "a control byte";
}

/* The header's name, printable. */
static const char *hname(const mock_raw_header *h, char *buf, size_t bufsz)
{
    mock_text_excerpt(buf, bufsz, h->name, h->name_len, 40);
    return buf;
}

/* Shows the field's value on the last finding (never a key's). */
static void field_value(mock_findings *f, const mock_raw_header *h)
{
    if (name_is(h, "Authorization"))
        mock_findings_value(f, "(the API key, not shown)", 24);
    else
        mock_findings_value(f, h->value, h->value_len);
}

static void check_fields(const mock_raw_header *h, size_t n, const tally *t, mock_findings *f)
{
    char name[64];
    for (size_t i = 0; i < n; i++) {
        long at = bad_field_byte(h[i].value, h[i].value_len);
        if (at >= 0) {
            mock_findings_add(f, "http", "", "a field value is visible characters, spaces and "
                              "tabs; check how the client builds this header",
                              "the %s header holds %s (RFC 9110 section 5.5: NUL, CR, LF and "
                              "other control bytes are not allowed in a field value)",
                              hname(&h[i], name, sizeof name),
                              byte_name((unsigned char)h[i].value[at]));
            field_value(f, &h[i]);
        }
        long bn = bad_field_byte(h[i].name, h[i].name_len);
        if (bn >= 0)
            mock_findings_add(f, "http", "", NULL, "a header name (%s) holds %s (RFC 9110 "
                              "section 5.1: a field name is a token)",
                              hname(&h[i], name, sizeof name),
                              byte_name((unsigned char)h[i].name[bn]));
    }
    static const int singletons[] = {H_AUTHORIZATION, H_CONTENT_TYPE, H_CONTENT_LENGTH};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(singletons); k++) {
        int at = singletons[k];
        if (t->n[at] > 1) {
            mock_findings_add(f, "http", "", "send the header once",
                              "the %s header is sent %zu times (RFC 9110 section 5.3: a field "
                              "that is not a list must not be repeated)", counted[at], t->n[at]);
            field_value(f, &h[t->first[at]]);
        }
    }
}

static void check_target(const char *t, size_t n, mock_findings *f)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c)) {
            mock_findings_add(f, "http", "", "percent-encode the byte (RFC 3986 section 2.1)",
                              "the request target holds byte 0x%02x, which RFC 9112 section "
                              "3.2 and RFC 3986 do not allow there", c);
            mock_findings_value(f, t, n);
            return;
        }
        if (c == '%' && i + 2 < n + 0 && t[i + 1] == '0' && t[i + 2] == '0') {
            mock_findings_add(f, "http", "", "a path never holds NUL; check how the client "
                              "builds the URL", "the request target holds %%00, an encoded "
                              "NUL (RFC 3986 section 7.3)");
            mock_findings_value(f, t, n);
            return;
        }
    }
}

mock_framing mock_http_check(const char *target, size_t tlen, const char *version,
                             const mock_raw_header *h, size_t n, mock_findings *f)
{
    if (target)
        check_target(target, tlen, f);
    bool v11 = version && strcmp(version, "HTTP/1.1") == 0;
    tally seen;
    tally_up(h, n, &seen);
    size_t hosts = seen.n[H_HOST];
    if (v11 && hosts == 0)
        mock_findings_add(f, "http", "", "send Host: with the server's name and port",
                          "the HTTP/1.1 request has no Host header (RFC 9112 section 3.2: a "
                          "client must send one)");
    else if (hosts > 1)
        mock_findings_add(f, "http", "", "send Host once",
                          "the request has %zu Host headers (RFC 9112 section 3.2: a server "
                          "must answer 400)", hosts);
    check_fields(h, n, &seen, f);
    size_t te = seen.n[H_TRANSFER_ENCODING], te_at = seen.first[H_TRANSFER_ENCODING];
    size_t cl = seen.n[H_CONTENT_LENGTH], cl_at = seen.first[H_CONTENT_LENGTH];
    if (te && cl) {
        mock_findings_add(f, "http", "", "send either Content-Length or Transfer-Encoding: "
                          "chunked, never both", "the request has both Transfer-Encoding and "
                          "Content-Length (RFC 9112 section 6.1: a sender must not; a server "
                          "answers 400 and closes the connection)");
        return MOCK_FRAMING_CONFLICT;
    }
    if (cl > 1) {
        for (size_t i = cl_at + 1; i < n; i++)
            if (name_is(&h[i], "Content-Length") &&
                (h[i].value_len != h[cl_at].value_len ||
                 memcmp(h[i].value, h[cl_at].value, h[i].value_len) != 0))
                return MOCK_FRAMING_CONFLICT; /* RFC 9112 6.3: unrecoverable */
    }
    if (te) {
        const mock_raw_header *t = &h[te_at];
        if (te > 1 || !mock_text_ieq(t->value, t->value_len, "chunked")) {
            mock_findings_add(f, "http", "", "send the body with Content-Length, or "
                              "Transfer-Encoding: chunked only",
                              "the request's transfer coding is not chunked (RFC 9112 section "
                              "6.1: a server answers 501 to a coding it does not know)");
            mock_findings_value(f, t->value, t->value_len);
            return MOCK_FRAMING_UNKNOWN;
        }
    }
    return MOCK_FRAMING_OK;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static bool unreserved(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

bool mock_http_route_path(const char *t, size_t n, char *out, size_t outsz)
{
    size_t i = 0;
    /* absolute-form: scheme "://" authority, then the path (RFC 9112 3.2.2). */
    const char *sep = n > 3 ? memchr(t, ':', n) : NULL;
    if (sep && t[0] != '/' && (size_t)(sep - t) + 2 < n && sep[1] == '/' && sep[2] == '/') {
        i = (size_t)(sep - t) + 3;
        while (i < n && t[i] != '/' && t[i] != '?')
            i++;
        if (i == n || t[i] == '?') {
            snprintf(out, outsz, "/");
            return true;
        }
    }
    size_t o = 0;
    for (; i < n && t[i] != '?' && t[i] != '#'; i++) {
        char c = t[i];
        if (c == '%' && i + 2 < n && hexval(t[i + 1]) >= 0 && hexval(t[i + 2]) >= 0 &&
            unreserved(hexval(t[i + 1]) * 16 + hexval(t[i + 2]))) {
            c = (char)(hexval(t[i + 1]) * 16 + hexval(t[i + 2]));
            i += 2;
        }
        if (o + 1 >= outsz)
            return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}
