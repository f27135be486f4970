/* format.c - the asserted `format` values (see format.h; which RFC each
 * follows is documented in quo/schema.h). Every check is a small hand-made
 * parser of the RFC's ABNF over bytes: no regex, no allocation, no state.
 */
#include <string.h>

#include "datetime.h"
#include "format.h"

static const struct {
    const char *name;
    quo_format_id id;
    const char *message;
} formats[] = {
    {"date", QUO_FORMAT_DATE, "must be an RFC 3339 full-date such as 2026-11-28"},
    {"time", QUO_FORMAT_TIME, "must be an RFC 3339 full-time such as 17:00:00Z"},
    {"date-time", QUO_FORMAT_DATE_TIME,
     "must be an RFC 3339 date-time such as 2026-11-28T17:00:00Z"},
    {"duration", QUO_FORMAT_DURATION,
     "must be an RFC 3339 (appendix A) duration such as P1DT12H"},
    {"email", QUO_FORMAT_EMAIL, "must be an RFC 5321 mailbox such as user@example.com"},
    {"uri", QUO_FORMAT_URI, "must be an RFC 3986 URI such as https://example.com/a"},
    {"uri-reference", QUO_FORMAT_URI_REFERENCE,
     "must be an RFC 3986 URI reference such as /a?b#c"},
    {"uuid", QUO_FORMAT_UUID,
     "must be an RFC 9562 UUID such as 123e4567-e89b-12d3-a456-426614174000"},
    {"ipv4", QUO_FORMAT_IPV4, "must be an IPv4 address in dotted-quad form such as 192.0.2.1"},
    {"ipv6", QUO_FORMAT_IPV6, "must be an RFC 4291 IPv6 address such as 2001:db8::1"},
    {"hostname", QUO_FORMAT_HOSTNAME, "must be an RFC 1123 host name such as api.example.com"},
};

#define NFORMATS (sizeof formats / sizeof formats[0])

quo_format_id quo_format_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (strlen(formats[i].name) == len && memcmp(formats[i].name, name, len) == 0)
            return formats[i].id;
    return QUO_FORMAT_NONE;
}

const char *quo_format_names(void)
{
    return "date, time, date-time, duration, email, uri, uri-reference, uuid, ipv4, ipv6, "
           "hostname";
}

const char *quo_format_message(quo_format_id id)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].id == id)
            return formats[i].message;
    return "must match its format";
}

/* ---------------------------------------------------------- characters */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 section 2.3 and 2.2. */
static bool is_unreserved(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_sub_delim(char c)
{
    return c && strchr("!$&'()*+,;=", c) != NULL;
}

/* ------------------------------------------------------- IPv4 and IPv6 */

/* RFC 2673 dotted-quad (as RFC 3986 dec-octet writes it): four decimal
 * numbers 0-255, no leading zeros, ASCII digits only. */
static bool ipv4_valid(const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part && (i >= len || s[i++] != '.'))
            return false;
        size_t start = i;
        unsigned v = 0;
        while (i < len && is_digit(s[i]) && i - start < 4)
            v = v * 10 + (unsigned)(s[i++] - '0');
        size_t n = i - start;
        if (n == 0 || n > 3 || v > 255 || (n > 1 && s[start] == '0'))
            return false;
    }
    return i == len;
}

/* h16 groups separated by ':' (s[0..len) holds no "::"), the last one may
 * be an IPv4 address when v4 is allowed. *groups counts 16-bit pieces. */
static bool h16_list(const char *s, size_t len, bool v4, unsigned *groups)
{
    *groups = 0;
    if (len == 0)
        return true;
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && s[i] != ':')
            i++;
        size_t n = i - start;
        bool last = i == len;
        if (last && v4 && memchr(s + start, '.', n)) {
            if (!ipv4_valid(s + start, n))
                return false;
            *groups += 2;
            return true;
        }
        if (n == 0 || n > 4)
            return false;
        for (size_t k = start; k < i; k++)
            if (!is_hex(s[k]))
                return false;
        ++*groups;
        if (last)
            return true;
        i++; /* the ':' */
        if (i == len)
            return false; /* a trailing single ':' */
    }
}

/* RFC 4291 section 2.2 text forms (1, 2 and 3); no zone, no prefix. */
static bool ipv6_valid(const char *s, size_t len)
{
    const char *dc = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == ':' && s[i + 1] == ':') {
            dc = s + i;
            break;
        }
    unsigned a, b;
    if (!dc)
        return h16_list(s, len, true, &a) && a == 8;
    size_t left = (size_t)(dc - s), right = len - left - 2;
    const char *r = dc + 2;
    if ((right && r[0] == ':') || (left && s[left - 1] == ':'))
        return false; /* ":::" */
    for (size_t i = 0; i + 1 < right; i++)
        if (r[i] == ':' && r[i + 1] == ':')
            return false; /* a second "::" */
    return h16_list(s, left, false, &a) && h16_list(r, right, true, &b) && a + b < 8;
}

/* ---------------------------------------------------------- host names */

/* One RFC 1123 label: 1-63 letters, digits and hyphens, not starting or
 * ending with a hyphen. */
static bool ldh_label(const char *s, size_t n)
{
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* RFC 3492 Punycode decoding of s[0..len) into cp (room for cap code
 * points); the count, or -1 when it is not valid Punycode. */
static long punycode_decode(const char *s, size_t len, unsigned long *cp, size_t cap)
{
    enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700 };
    size_t b = 0, out = 0;
    for (size_t j = 0; j < len; j++)
        if (s[j] == '-')
            b = j;
    if (b > cap)
        return -1;
    for (size_t j = 0; j < b; j++)
        cp[out++] = (unsigned char)s[j];
    unsigned long n = 128, i = 0, bias = 72;
    for (size_t in = b > 0 ? b + 1 : 0; in < len;) {
        unsigned long oldi = i, w = 1;
        for (unsigned long k = BASE;; k += BASE) {
            if (in >= len)
                return -1;
            char c = s[in++];
            unsigned long digit = is_digit(c) ? (unsigned long)(c - '0') + 26
                                  : c >= 'a' && c <= 'z' ? (unsigned long)(c - 'a')
                                  : c >= 'A' && c <= 'Z' ? (unsigned long)(c - 'A')
                                                         : BASE;
            if (digit >= BASE || digit > (0x7FFFFFFFul - i) / w)
                return -1;
            i += digit * w;
            unsigned long t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if (digit < t)
                break;
            if (w > 0x7FFFFFFFul / (BASE - t))
                return -1;
            w *= BASE - t;
        }
        /* bias adaptation (RFC 3492 section 6.1) */
        unsigned long delta = oldi == 0 ? (i - oldi) / DAMP : (i - oldi) / 2;
        delta += delta / (out + 1);
        unsigned long k = 0;
        while (delta > ((BASE - TMIN) * TMAX) / 2) {
            delta /= BASE - TMIN;
            k += BASE;
        }
        bias = k + (BASE - TMIN + 1) * delta / (delta + SKEW);
        if (i / (out + 1) > 0x10FFFFul - n)
            return -1;
        n += i / (out + 1);
        i %= out + 1;
        if (out >= cap || n < 0x80 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
            return -1;
        memmove(cp + i + 1, cp + i, (out - i) * sizeof *cp);
        cp[i++] = n;
        out++;
    }
    return (long)out;
}

static bool in_range(unsigned long c, unsigned long lo, unsigned long hi)
{
    return c >= lo && c <= hi;
}

static bool is_greek(unsigned long c)
{
    return in_range(c, 0x370, 0x3FF) || in_range(c, 0x1F00, 0x1FFF);
}

static bool is_hebrew(unsigned long c) { return in_range(c, 0x591, 0x5F4); }

static bool is_hira_kata_han(unsigned long c)
{
    return (in_range(c, 0x3040, 0x30FF) && c != 0x30FB) || in_range(c, 0x31F0, 0x31FF) ||
           in_range(c, 0x3400, 0x4DBF) || in_range(c, 0x4E00, 0x9FFF) ||
           in_range(c, 0xF900, 0xFAFF) || in_range(c, 0x20000, 0x3134F);
}

/* Canonical_Combining_Class=Virama (9), for the CONTEXTJ rules. */
static bool is_virama(unsigned long c)
{
    static const unsigned long v[] = {
        0x94D, 0x9CD, 0xA4D, 0xACD, 0xB4D, 0xBCD, 0xC4D, 0xCCD, 0xD3B, 0xD3C, 0xD4D,
        0xDCA, 0xE3A, 0xEBA, 0xF84, 0x1039, 0x103A, 0x1714, 0x1715, 0x1734, 0x17D2,
        0x1A60, 0x1B44, 0x1BAA, 0x1BAB, 0x1BF2, 0x1BF3, 0x2D7F, 0xA806, 0xA82C, 0xA8C4,
        0xA953, 0xA9C0, 0xAAF6, 0xABED, 0x10A3F, 0x11046, 0x11070, 0x1107F, 0x110B9,
        0x11133, 0x11134, 0x111C0, 0x11235, 0x112EA, 0x1134D, 0x11442, 0x114C2, 0x115BF,
        0x1163F, 0x116B6, 0x1172B, 0x11839, 0x1193D, 0x1193E, 0x119E0, 0x11A34, 0x11A47,
        0x11A99, 0x11C3F, 0x11D44, 0x11D45, 0x11D97};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] == c)
            return true;
    return false;
}

/* RFC 5892 section 2.6 exceptions that are DISALLOWED. */
static bool disallowed_exception(unsigned long c)
{
    return c == 0x640 || c == 0x7FA || c == 0x302E || c == 0x302F ||
           in_range(c, 0x3031, 0x3035) || c == 0x303B;
}

/* The RFC 5892 appendix A contextual rules that need no Unicode tables
 * beyond script blocks, and the RFC 5891 section 4.2.3.1 hyphen rules.
 * ZERO WIDTH NON-JOINER is accepted after a virama only (its second,
 * joining-type alternative needs the Arabic joining tables). */
static bool ulabel_valid(const unsigned long *cp, size_t n)
{
    if (n >= 4 && cp[2] == '-' && cp[3] == '-')
        return false;
    if (cp[0] == '-' || cp[n - 1] == '-')
        return false;
    bool arabic = false, extended = false, kana = false, katakana_dot = false;
    for (size_t i = 0; i < n; i++) {
        unsigned long c = cp[i], prev = i ? cp[i - 1] : 0, next = i + 1 < n ? cp[i + 1] : 0;
        if (disallowed_exception(c) || (c < 0x80 && !is_alpha((char)c) &&
                                        !is_digit((char)c) && c != '-'))
            return false;
        if (in_range(c, 'A', 'Z'))
            return false; /* U-labels are lower case (NFKC_Casefold stable) */
        if (c == 0xB7 && !(prev == 'l' && next == 'l'))
            return false;
        if (c == 0x375 && !(i + 1 < n && is_greek(next)))
            return false;
        if ((c == 0x5F3 || c == 0x5F4) && !(i > 0 && is_hebrew(prev)))
            return false;
        if ((c == 0x200D || c == 0x200C) && !(i > 0 && is_virama(prev)))
            return false;
        arabic |= in_range(c, 0x660, 0x669);
        extended |= in_range(c, 0x6F0, 0x6F9);
        kana |= is_hira_kata_han(c);
        katakana_dot |= c == 0x30FB;
    }
    return !(arabic && extended) && !(katakana_dot && !kana);
}

/* RFC 5890 A-label ("xn--" + Punycode of a valid U-label). */
static bool alabel_valid(const char *s, size_t n)
{
    unsigned long cp[64];
    long count = punycode_decode(s + 4, n - 4, cp, sizeof cp / sizeof cp[0]);
    if (count <= 0)
        return false;
    bool ascii = true;
    for (long i = 0; i < count; i++)
        ascii &= cp[i] < 0x80;
    return !ascii && ulabel_valid(cp, (size_t)count); /* all ASCII: not an A-label */
}

/* RFC 1123 section 2.1 host name: dot-separated LDH labels, at most 253
 * characters (255 octets on the wire); a label starting "xn--" must be an
 * RFC 5890 A-label, and no other label may have "--" in positions 3-4
 * (RFC 5891 section 4.2.3.1, reserved LDH labels). */
static bool hostname_valid(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i <= len;) {
        size_t start = i;
        while (i < len && s[i] != '.')
            i++;
        size_t n = i - start;
        const char *l = s + start;
        if (!ldh_label(l, n))
            return false;
        if (n >= 4 && l[2] == '-' && l[3] == '-') {
            bool xn = (l[0] == 'x' || l[0] == 'X') && (l[1] == 'n' || l[1] == 'N');
            if (!xn || !alabel_valid(l, n))
                return false;
        }
        i++;
    }
    return true;
}

/* --------------------------------------------------------------- email */

static bool is_atext(char c)
{
    return is_alpha(c) || is_digit(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 5321 Local-part (Dot-string / Quoted-string); the bytes used. */
static size_t local_part(const char *s, size_t len)
{
    size_t i = 0;
    if (len && s[0] == '"') {
        for (i = 1; i < len && s[i] != '"'; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '\\') {
                if (++i >= len || (unsigned char)s[i] < 32 || (unsigned char)s[i] > 126)
                    return 0;
            } else if (c < 32 || c > 126) {
                return 0; /* qtextSMTP is %d32-33 / %d35-91 / %d93-126 */
            }
        }
        return i < len ? i + 1 : 0;
    }
    for (;;) {
        size_t start = i;
        while (i < len && is_atext(s[i]))
            i++;
        if (i == start)
            return 0;
        if (i >= len || s[i] != '.')
            return i;
        i++;
    }
}

/* RFC 5321 address-literal between the brackets: an IPv4 literal or
 * "IPv6:" and an IPv6 address. A General-address-literal needs a tag
 * registered with IANA (section 4.1.3), and none but "IPv6" is. */
static bool address_literal(const char *s, size_t len)
{
    if (len > 5 && memcmp(s, "IPv6:", 5) == 0)
        return ipv6_valid(s + 5, len - 5);
    return ipv4_valid(s, len);
}

/* RFC 5321 section 4.1.2 Mailbox = Local-part "@" ( Domain / address-literal ),
 * local part at most 64 octets and domain at most 255 (section 4.5.3.1). */
static bool email_valid(const char *s, size_t len)
{
    size_t lp = local_part(s, len);
    if (lp == 0 || lp > 64 || lp >= len || s[lp] != '@')
        return false;
    const char *d = s + lp + 1;
    size_t dl = len - lp - 1;
    if (dl >= 2 && d[0] == '[' && d[dl - 1] == ']')
        return address_literal(d + 1, dl - 2);
    return dl <= 255 && hostname_valid(d, dl);
}

/* ---------------------------------------------------------------- URIs */

/* Bytes of s[i..) that are `extra` chars, unreserved, sub-delims or
 * valid pct-encoded; stops at the first other byte. SIZE_MAX on a bad
 * %-escape. */
static size_t uri_chars(const char *s, size_t len, size_t i, const char *extra)
{
    while (i < len) {
        char c = s[i];
        if (c == '%') {
            if (len - i < 3 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
                return (size_t)-1;
            i += 3;
        } else if (is_unreserved(c) || is_sub_delim(c) || (c && strchr(extra, c))) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

/* RFC 3986 section 3.2.2 IP-literal (without the brackets). */
static bool ip_literal(const char *s, size_t len)
{
    if (len && (s[0] == 'v' || s[0] == 'V')) { /* IPvFuture */
        size_t i = 1;
        while (i < len && is_hex(s[i]))
            i++;
        if (i == 1 || i >= len || s[i] != '.' || i + 1 >= len)
            return false;
        for (i++; i < len; i++)
            if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':')
                return false;
        return true;
    }
    return ipv6_valid(s, len);
}

/* authority = [ userinfo "@" ] host [ ":" port ], s[0..len). */
static bool authority_valid(const char *s, size_t len)
{
    size_t i = 0;
    const char *at = memchr(s, '@', len);
    if (at) {
        size_t ul = (size_t)(at - s);
        if (uri_chars(s, ul, 0, ":") != ul)
            return false;
        i = ul + 1;
    }
    if (i < len && s[i] == '[') {
        const char *close = memchr(s + i, ']', len - i);
        if (!close || !ip_literal(s + i + 1, (size_t)(close - s - i - 1)))
            return false;
        i = (size_t)(close - s) + 1;
    } else {
        i = uri_chars(s, len, i, "");
        if (i == (size_t)-1)
            return false;
    }
    if (i < len && s[i] == ':')
        for (i++; i < len && is_digit(s[i]);)
            i++;
    return i == len;
}

/* hier-part / relative-part, then [ "?" query ] [ "#" fragment ], from
 * s[i..). `noscheme`: a relative reference, whose first segment may not
 * hold ':' (path-noscheme). */
static bool uri_rest(const char *s, size_t len, size_t i, bool noscheme)
{
    if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        size_t a = i + 2, e = a;
        while (e < len && s[e] != '/' && s[e] != '?' && s[e] != '#')
            e++;
        if (!authority_valid(s + a, e - a))
            return false;
        i = e;
    } else if (noscheme) {
        size_t e = i;
        while (e < len && s[e] != '/' && s[e] != '?' && s[e] != '#')
            if (s[e++] == ':')
                return false;
    }
    i = uri_chars(s, len, i, ":@/"); /* the path */
    if (i == (size_t)-1)
        return false;
    if (i < len && s[i] == '?') {
        i = uri_chars(s, len, i + 1, ":@/?");
        if (i == (size_t)-1)
            return false;
    }
    if (i < len && s[i] == '#') {
        i = uri_chars(s, len, i + 1, ":@/?");
        if (i == (size_t)-1)
            return false;
    }
    return i == len;
}

/* The length of a scheme followed by ':' at the start of s, or 0. */
static size_t scheme_len(const char *s, size_t len)
{
    if (!len || !is_alpha(s[0]))
        return 0;
    size_t i = 1;
    while (i < len && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' ||
                       s[i] == '.'))
        i++;
    return i < len && s[i] == ':' ? i : 0;
}

/* RFC 3986 section 3: URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ] */
static bool uri_valid(const char *s, size_t len)
{
    size_t n = scheme_len(s, len);
    return n && uri_rest(s, len, n + 1, false);
}

/* RFC 3986 section 4.1: URI-reference = URI / relative-ref. A first
 * segment with ':' can only be a scheme, so there is no ambiguity. */
static bool uri_reference_valid(const char *s, size_t len)
{
    size_t n = scheme_len(s, len);
    return n ? uri_rest(s, len, n + 1, false) : uri_rest(s, len, 0, true);
}

/* ---------------------------------------------------------------- UUID */

/* RFC 9562 section 4 (RFC 4122 section 3): 8-4-4-4-12 hex digits, either
 * case, any version and variant. */
static bool uuid_valid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

bool quo_format_valid(quo_format_id id, const char *s, size_t len)
{
    switch (id) {
    case QUO_FORMAT_DATE: return quo_date_valid(s, len);
    case QUO_FORMAT_TIME: return quo_time_valid(s, len);
    case QUO_FORMAT_DATE_TIME: return quo_datetime_valid(s, len);
    case QUO_FORMAT_DURATION: return quo_duration_valid(s, len);
    case QUO_FORMAT_EMAIL: return email_valid(s, len);
    case QUO_FORMAT_URI: return uri_valid(s, len);
    case QUO_FORMAT_URI_REFERENCE: return uri_reference_valid(s, len);
    case QUO_FORMAT_UUID: return uuid_valid(s, len);
    case QUO_FORMAT_IPV4: return ipv4_valid(s, len);
    case QUO_FORMAT_IPV6: return ipv6_valid(s, len);
    case QUO_FORMAT_HOSTNAME: return hostname_valid(s, len);
    case QUO_FORMAT_NONE: break;
    }
    return true;
}
