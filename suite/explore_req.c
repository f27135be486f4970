/* suite/explore_req.c - the exploration's request model, its rendering and
 * the saved request file (see explore.h). */
#include "explore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/io.h"

void qe_req_init(qe_req *r)
{
    memset(r, 0, sizeof *r);
}

void qe_member_free(qe_member *m)
{
    free(m->name);
    free(m->plain);
    free(m->raw);
    memset(m, 0, sizeof *m);
}

void qe_req_free(qe_req *r)
{
    for (size_t i = 0; i < r->nm; i++)
        qe_member_free(&r->m[i]);
    free(r->m);
    free(r->raw);
    qe_req_init(r);
}

static char *dup_bytes(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

bool qe_member_set(qe_member *m, const char *name, size_t name_len, qe_kind kind, size_t n,
                   unsigned cls, const char *raw, size_t raw_len)
{
    char *nn = name ? dup_bytes(name, name_len) : NULL;
    char *rr = dup_bytes(raw ? raw : "", raw ? raw_len : 0);
    if ((name && !nn) || !rr) {
        free(nn);
        free(rr);
        return false;
    }
    free(m->name);
    free(m->raw);
    m->name = nn;
    m->name_len = name ? name_len : 0;
    m->kind = kind;
    m->n = n;
    m->cls = cls;
    m->raw = rr;
    m->raw_len = raw ? raw_len : 0;
    return true;
}

static bool member_copy(qe_member *dst, const qe_member *src)
{
    memset(dst, 0, sizeof *dst);
    if (!qe_member_set(dst, src->name, src->name_len, src->kind, src->n, src->cls, src->raw,
                       src->raw_len))
        return false;
    if (src->plain && !(dst->plain = qc_strdup(src->plain))) {
        qe_member_free(dst);
        return false;
    }
    return true;
}

bool qe_req_add(qe_req *r, const qe_member *m)
{
    qe_member *grown = realloc(r->m, (r->nm + 1) * sizeof *grown);
    if (!grown)
        return false;
    r->m = grown;
    if (!member_copy(&r->m[r->nm], m))
        return false;
    r->nm++;
    return true;
}

void qe_req_remove(qe_req *r, size_t i)
{
    if (i >= r->nm)
        return;
    qe_member_free(&r->m[i]);
    memmove(&r->m[i], &r->m[i + 1], (r->nm - i - 1) * sizeof *r->m);
    r->nm--;
}

bool qe_req_copy(qe_req *dst, const qe_req *src)
{
    qe_req_init(dst);
    dst->framing = src->framing;
    dst->ctype = src->ctype;
    dst->ids_touched = src->ids_touched;
    dst->op = src->op;
    if (src->raw && !(dst->raw = dup_bytes(src->raw, src->raw_len)))
        return false;
    dst->raw_len = src->raw_len;
    for (size_t i = 0; i < src->nm; i++)
        if (!qe_req_add(dst, &src->m[i])) {
            qe_req_free(dst);
            return false;
        }
    return true;
}

/* ---- value rendering --------------------------------------------------- */

/* String fragments, as JSON string content (escapes, or raw bytes where
 * the point is raw bytes). Index = qe_member.cls of QE_V_SPECIAL. */
static const struct { const char *s; size_t n; } specials[] = {
#define F(lit) {lit, sizeof lit - 1}
    F("\\ud800"),                 /* lone high surrogate */
    F("\\udc00"),                 /* lone low surrogate */
    F("\\ud83d\\ude00"),          /* a pair */
    F("\\ude00\\ud83d"),          /* a pair reversed */
    F("\\u0000"),                 /* NUL, escaped */
    F("\x01"),                    /* a raw control character */
    F("\\u001f\\n\\t\\b\\f\\r"),  /* escaped controls */
    F("a\0b"),                    /* a raw NUL byte */
    F("\xff"),                    /* invalid UTF-8 */
    F("\xc0\xaf"),                /* overlong "/" */
    F("\xe2\x82"),                /* truncated sequence */
    F("\xed\xa0\x80"),            /* a surrogate encoded in UTF-8 */
    F("\\\"<script>alert(1)</script>\\\\"), /* breaks naive echoing */
    F("'; DROP TABLE tasks; --"),
    F("{{7*7}}${7*7}%s%n"),
    F("\xef\xbf\xbe\xef\xbf\xbf"), /* noncharacters */
    F("\xef\xbb\xbf\xe2\x80\xae\xe2\x80\x8b"), /* BOM, RTL override, zero width */
    F("\xf0\x9f\x98\x80\xcc\x81"), /* emoji, combining accent */
    F("\\u00e9\\u20ac"),
    F("\x7f\xc2\x80"),            /* DEL, a C1 control */
    F("\\/\\\\u0000"),
    F("\xf4\x90\x80\x80"),        /* beyond U+10FFFF */
#undef F
};
#define NSPECIALS (sizeof specials / sizeof specials[0])

static const char *const units[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                    "\\n", "\\u0041", "\\\""};
#define NUNITS (sizeof units / sizeof units[0])

static const char *const numbers[] = {
    "-0", "-0.0", "0e0", "1e400", "-1e400", "1e-400", "1E+308", "1.7976931348623157e308",
    "4.9e-324", "9007199254740993", "-9223372036854775809", "18446744073709551616",
    "1.0", "01", "+1", ".5", "NaN", "Infinity", "-Infinity", "1.e5", "0x10", "1e", "--1"};
#define NNUMBERS (sizeof numbers / sizeof numbers[0])

static const char *const datetimes[] = {
    "2016-12-31T23:59:60Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "2024-01-01T00:00:00.123456789012345678901234Z", "2024-01-01T00:00:00+14:00",
    "2024-01-01T00:00:00-12:00", "2024-01-01T00:00:00+23:59", "2024-01-01T00:00:00-00:00",
    "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-13-01T00:00:00Z",
    "2024-01-01t00:00:00z", "2024-01-01 00:00:00Z", "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00", "2024-01-01T00:00:00+2400", "2024-01-01T00:00:00.Z",
    "+002024-01-01T00:00:00Z", "2024-06-30T23:59:60+00:00", "1970-01-01T00:00:00Z",
    "2024-01-01T23:59:60-23:59", "0000-00-00T00:00:00Z"};
#define NDATETIMES (sizeof datetimes / sizeof datetimes[0])

size_t qe_class_count(qe_kind kind)
{
    switch (kind) {
    case QE_V_SPECIAL: return NSPECIALS;
    case QE_V_LONGSTR: return NUNITS;
    case QE_V_NEST: return 3;
    case QE_V_DIGITS: return 3;
    case QE_V_NUMBER: return NNUMBERS;
    case QE_V_DATETIME: return NDATETIMES;
    default: return 1;
    }
}

static void render_many(quo_buf *b, size_t n, bool braces)
{
    if (braces)
        quo_buf_putc(b, '{');
    for (size_t i = 0; i < n && !b->failed; i++)
        quo_buf_printf(b, "%s\"k%zu\":%zu", i ? "," : "", i, i);
    if (braces)
        quo_buf_putc(b, '}');
}

static void render_value(quo_buf *b, const qe_member *m)
{
    unsigned c = m->cls;
    switch (m->kind) {
    case QE_V_RAW:
        quo_buf_append(b, m->raw, m->raw_len);
        return;
    case QE_V_SPECIAL:
    case QE_V_LONGSTR:
        quo_buf_putc(b, '"');
        quo_buf_append(b, m->raw, m->raw_len);
        if (m->kind == QE_V_SPECIAL) {
            quo_buf_append(b, specials[c % NSPECIALS].s, specials[c % NSPECIALS].n);
        } else {
            const char *u = units[c % NUNITS];
            size_t ul = strlen(u);
            if (quo_buf_reserve(b, m->n * ul))
                for (size_t i = 0; i < m->n; i++)
                    quo_buf_append(b, u, ul);
        }
        quo_buf_putc(b, '"');
        return;
    case QE_V_NEST: {
        const char *open = c % 3 == 1 ? "{\"a\":" : "[";
        size_t ol = strlen(open);
        if (!quo_buf_reserve(b, m->n * (ol + 1) + 1))
            return;
        for (size_t i = 0; i < m->n; i++)
            quo_buf_append(b, open, ol);
        quo_buf_putc(b, '0');
        if (c % 3 != 2)
            for (size_t i = 0; i < m->n; i++)
                quo_buf_putc(b, c % 3 == 1 ? '}' : ']');
        return;
    }
    case QE_V_MANY:
        render_many(b, m->n, true);
        return;
    case QE_V_SPLICE:
        render_many(b, m->n, false);
        return;
    case QE_V_DIGITS:
        if (!quo_buf_reserve(b, m->n + 4))
            return;
        quo_buf_puts(b, c % 3 == 0 ? "1" : c % 3 == 1 ? "0." : "1e");
        for (size_t i = 0; i < m->n; i++)
            quo_buf_putc(b, (char)('1' + (char)(i % 9)));
        return;
    case QE_V_NUMBER:
        quo_buf_puts(b, numbers[c % NNUMBERS]);
        return;
    case QE_V_DATETIME:
        quo_buf_printf(b, "\"%s\"", datetimes[c % NDATETIMES]);
        return;
    }
}

static void render_tree(quo_buf *b, const qe_req *r)
{
    quo_buf_putc(b, '{');
    for (size_t i = 0; i < r->nm && !b->failed; i++) {
        const qe_member *m = &r->m[i];
        if (i)
            quo_buf_putc(b, ',');
        if (m->kind != QE_V_SPLICE) {
            quo_buf_append(b, m->name, m->name_len);
            quo_buf_putc(b, ':');
        }
        render_value(b, m);
    }
    quo_buf_putc(b, '}');
}

char *qe_req_render(const qe_req *r, size_t *len)
{
    if (r->raw) {
        *len = r->raw_len;
        return dup_bytes(r->raw, r->raw_len);
    }
    quo_buf b;
    quo_buf_init(&b);
    render_tree(&b, r);
    if (b.failed) {
        quo_buf_free(&b);
        return NULL;
    }
    return quo_buf_take(&b, len);
}

bool qe_req_to_raw(qe_req *r)
{
    if (r->raw)
        return true;
    size_t len;
    char *text = qe_req_render(r, &len);
    if (!text)
        return false;
    for (size_t i = 0; i < r->nm; i++)
        qe_member_free(&r->m[i]);
    free(r->m);
    r->m = NULL;
    r->nm = 0;
    r->raw = text;
    r->raw_len = len;
    return true;
}

/* ---- HTTP layer -------------------------------------------------------- */

static const qe_ctype ctypes[] = {
    {"application/json", true},
    {"application/json; charset=utf-8", true},
    {"application/json;charset=UTF-8", true},
    {"Application/JSON", true},
    {"application/json; charset=\"utf-8\"", true},
    {NULL, false},
    {"text/plain", false},
    {"application/json; charset=latin1", false},
    {"application/x-www-form-urlencoded", false},
};

const qe_ctype *qe_content_types(size_t *n)
{
    *n = sizeof ctypes / sizeof ctypes[0];
    return ctypes;
}

static const qe_framing framings[] = {
    {QE_F_CHUNKED, "chunked", "chunked body", true},
    {QE_F_EXPECT, "expect", "Expect: 100-continue", true},
    {QE_F_DUPHDR, "repeated-content-type", "repeated header: Content-Type", false},
    {QE_F_DUP_AUTH, "repeated-auth", "repeated header: auth, same key", false},
    {QE_F_AUTH_OTHER, "auth-other", "repeated header: auth, another value", false},
    {QE_F_DUP_ACCEPT, "repeated-accept", "repeated header: Accept", true},
    {QE_F_EXPECT_TWICE, "expect-twice", "repeated header: Expect: 100-continue", false},
    {QE_F_DUP_PARAM, "repeated-param", "repeated header: a required parameter", false},
};

const qe_framing *qe_framings(size_t *n)
{
    *n = sizeof framings / sizeof framings[0];
    return framings;
}

bool qe_req_headers(const qe_req *r, const char *media, size_t body_len, qc_strlist *out)
{
    size_t n;
    const qe_ctype *t = qe_content_types(&n);
    const char *ct = r->ctype == 0 ? media : t[r->ctype % n].value;
    bool ok = true;
    if (ct) {
        ok = qc_strlist_addf(out, "Content-Type: %s", ct);
        if (ok && (r->framing & QE_F_DUPHDR))
            ok = qc_strlist_addf(out, "Content-Type: %s", ct);
    }
    if (ok && (r->framing & QE_F_CHUNKED) && body_len)
        ok = qc_strlist_add(out, "Transfer-Encoding: chunked");
    if (ok && (r->framing & (QE_F_EXPECT | QE_F_EXPECT_TWICE)) && body_len)
        ok = qc_strlist_add(out, "Expect: 100-continue");
    if (ok && (r->framing & QE_F_EXPECT_TWICE) && body_len)
        ok = qc_strlist_add(out, "Expect: 100-continue");
    if (ok && (r->framing & QE_F_DUP_ACCEPT))
        ok = qc_strlist_addf(out, "Accept: %s", media) && qc_strlist_add(out, "Accept: */*");
    return ok;
}

bool qe_auth_lines(const qe_req *r, const char *name, const char *scheme, const char *key,
                   qc_strlist *out)
{
    if (!name)
        return true;
    const char *sp = scheme ? " " : "";
    if (!scheme)
        scheme = "";
    bool ok = qc_strlist_addf(out, "%s: %s%s%s", name, scheme, sp, key);
    if (ok && (r->framing & QE_F_DUP_AUTH))
        ok = qc_strlist_addf(out, "%s: %s%s%s", name, scheme, sp, key);
    if (ok && (r->framing & QE_F_AUTH_OTHER))
        ok = qc_strlist_addf(out, "%s: %s%s%s", name, scheme, sp, QE_OTHER_KEY);
    return ok;
}

bool qe_param_lines(const qe_req *r, const qc_strlist *required, const char *tag,
                    qc_strlist *out)
{
    bool ok = true;
    for (size_t i = 0; ok && required && i < required->count; i++) {
        ok = qc_strlist_addf(out, "%s: qe-%s", required->items[i], tag);
        if (ok && (r->framing & QE_F_DUP_PARAM))
            ok = qc_strlist_addf(out, "%s: qe-%s-b", required->items[i], tag);
    }
    return ok;
}

size_t qe_unit_bytes(qe_kind kind, unsigned cls)
{
    switch (kind) {
    case QE_V_LONGSTR: return strlen(units[cls % NUNITS]);
    case QE_V_NEST: return cls % 3 == 1 ? 6 : cls % 3 == 2 ? 1 : 2;
    case QE_V_MANY:
    case QE_V_SPLICE: return 14; /* "k12345":12345, */
    case QE_V_DIGITS: return 1;
    default: return 1;
    }
}

/* ---- saved request files ----------------------------------------------- */

#define QE_FILE_MAGIC "quo-explore-request 1"

quo_status qe_req_save(const qe_req *r, const char *media, const char *dir, const char *name,
                       quo_error *err)
{
    size_t len;
    char *body = qe_req_render(r, &len);
    if (!body)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_printf(&b, "%s\nmethod: POST\ncontent-type-index: %u\nframing:", QE_FILE_MAGIC,
                   r->ctype);
    size_t nf;
    const qe_framing *f = qe_framings(&nf);
    for (size_t i = 0; i < nf; i++)
        if (r->framing & f[i].bit)
            quo_buf_printf(&b, " %s", f[i].word);
    quo_buf_printf(&b, "\nids-touched: %d\nauth: key\nbody-bytes: %zu\n", r->ids_touched ? 1 : 0,
                   len);
    qc_strlist h;
    qc_strlist_init(&h);
    if (!qe_req_headers(r, media, len, &h))
        b.failed = true;
    for (size_t i = 0; i < h.count; i++)
        quo_buf_printf(&b, "# header: %s\n", h.items[i]);
    qc_strlist_free(&h);
    quo_buf_putc(&b, '\n');
    quo_buf_append(&b, body, len);
    quo_status st = QUO_OK;
    char fname[256];
    if (b.failed) {
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    } else {
        snprintf(fname, sizeof fname, "%s.req", name);
        st = qc_write_atomic(dir, fname, b.data, b.len, err);
        snprintf(fname, sizeof fname, "%s.body", name);
        if (st == QUO_OK)
            st = qc_write_atomic(dir, fname, body, len, err);
    }
    quo_buf_free(&b);
    free(body);
    return st;
}

/* Whether the space-separated list s[0..n) holds the word w. */
static bool has_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if ((i == 0 || s[i - 1] == ' ') && memcmp(s + i, w, wl) == 0 &&
            (i + wl == n || s[i + wl] == ' ' || s[i + wl] == '\r'))
            return true;
    return false;
}

static const char *head_value(const char *head, size_t hlen, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = head; p && p < head + hlen;) {
        if ((size_t)(head + hlen - p) > kl && strncmp(p, key, kl) == 0)
            return p + kl;
        p = memchr(p, '\n', (size_t)(head + hlen - p));
        if (p)
            p++;
    }
    return NULL;
}

quo_status qe_req_load(const char *path, qe_req *r, char **media, quo_error *err)
{
    *media = NULL;
    char *text = NULL;
    size_t len = 0;
    quo_status st = quo_io_read_file(path, 64u * 1024u * 1024u, &text, &len, err);
    if (st != QUO_OK)
        return st;
    const char *sep = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '\n' && text[i + 1] == '\n') {
            sep = text + i;
            break;
        }
    if (len < sizeof QE_FILE_MAGIC || memcmp(text, QE_FILE_MAGIC "\n", sizeof QE_FILE_MAGIC) != 0 ||
        !sep) {
        free(text);
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "%s: not a saved request (it must start with \"%s\")", path,
                             QE_FILE_MAGIC);
    }
    size_t hlen = (size_t)(sep - text) + 1;
    const char *v = head_value(text, hlen, "body-bytes: ");
    const char *body = sep + 2;
    size_t blen = len - (size_t)(body - text);
    if (!v || strtoull(v, NULL, 10) != blen) {
        free(text);
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "%s: body-bytes does not match the %zu bytes after the head", path,
                             blen);
    }
    qe_req_init(r);
    const char *ct = head_value(text, hlen, "content-type-index: ");
    r->ctype = ct ? (unsigned)strtoul(ct, NULL, 10) : 0;
    size_t nct;
    qe_content_types(&nct);
    if (r->ctype >= nct)
        r->ctype = 0;
    const char *fr = head_value(text, hlen, "framing:");
    const char *eol = fr ? memchr(fr, '\n', hlen - (size_t)(fr - text)) : NULL;
    if (fr && eol) {
        size_t fl = (size_t)(eol - fr);
        size_t nf;
        const qe_framing *f = qe_framings(&nf);
        for (size_t i = 0; i < nf; i++)
            if (has_word(fr, fl, f[i].word))
                r->framing |= f[i].bit;
    }
    const char *it = head_value(text, hlen, "ids-touched: ");
    r->ids_touched = it && *it == '1';
    r->op = "replay";
    r->raw = dup_bytes(body, blen);
    r->raw_len = blen;
    free(text);
    if (!r->raw)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    return QUO_OK;
}
