/* suite/regex_gen.c - see regex_gen.h.
 *
 * The parser follows the u-mode grammar that src/regex.c accepts (only
 * patterns the schema compiled reach it, so it need not reject what that
 * translator rejects; it must only refuse what it cannot generate from).
 * Character sets are sorted, merged code point ranges; negation is a
 * complement over the scalar values (no surrogates).
 */
#include "quo/array.h"
#include "regex_gen.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/utf8.h"
#include "text.h"

#define QR_MAX_CP 0x10FFFFu
#define QR_UNBOUNDED_EXTRA 8u /* repetitions past the minimum of * + {n,} */
#define QR_MAX_DEPTH 64u
#define QR_MAX_QUANT_BREAKERS 8u
#define INF SIZE_MAX

typedef struct range {
    uint32_t lo, hi;
} range;

typedef struct cset {
    range *r;
    size_t n, cap;
} cset;

typedef enum nkind { N_SET, N_SEQ, N_ALT, N_REP, N_BOL, N_EOL } nkind;

typedef struct node {
    nkind kind;
    cset set;          /* N_SET */
    bool literal;      /* N_SET written as one character */
    struct node **kid; /* N_SEQ, N_ALT; N_REP has one */
    size_t nkid, capkid;
    unsigned lo, hi;   /* N_REP; hi UINT32_MAX = unbounded */
    unsigned qid;      /* N_REP: 1-based, in pattern order */
    size_t minlen, maxlen;
} node;

struct qr_regex {
    node *root;
    unsigned nquant;
};

/* ------------------------------------------------------------ char sets */

static bool set_add(cset *s, uint32_t lo, uint32_t hi)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        range *p = realloc(s->r, cap * sizeof *p);
        if (!p)
            return false;
        s->r = p;
        s->cap = cap;
    }
    s->r[s->n++] = (range){lo, hi};
    return true;
}

static int range_cmp(const void *a, const void *b)
{
    const range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts and merges; drops surrogates (no UTF-8 string holds one). */
static bool set_normalise(cset *s)
{
    qsort(s->r, s->n, sizeof *s->r, range_cmp);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (w && s->r[i].lo <= s->r[w - 1].hi + 1) {
            if (s->r[i].hi > s->r[w - 1].hi)
                s->r[w - 1].hi = s->r[i].hi;
        } else {
            s->r[w++] = s->r[i];
        }
    }
    s->n = w;
    /* Cut out D800-DFFF. */
    for (size_t i = 0; i < s->n; i++) {
        range *r = &s->r[i];
        if (r->hi < 0xD800 || r->lo > 0xDFFF)
            continue;
        if (r->lo >= 0xD800 && r->hi <= 0xDFFF) {
            memmove(r, r + 1, (s->n - i - 1) * sizeof *r);
            s->n--;
            i--;
        } else if (r->lo < 0xD800 && r->hi > 0xDFFF) {
            uint32_t hi = r->hi;
            r->hi = 0xD7FF;
            if (!set_add(s, 0xE000, hi))
                return false;
            qsort(s->r, s->n, sizeof *s->r, range_cmp);
        } else if (r->lo < 0xD800) {
            r->hi = 0xD7FF;
        } else {
            r->lo = 0xE000;
        }
    }
    return true;
}

static bool set_complement(cset *s)
{
    if (!set_normalise(s))
        return false;
    cset c = {NULL, 0, 0};
    uint32_t next = 0;
    bool ok = true;
    for (size_t i = 0; i < s->n && ok; i++) {
        if (s->r[i].lo > next)
            ok = set_add(&c, next, s->r[i].lo - 1);
        next = s->r[i].hi + 1;
    }
    if (ok && next <= QR_MAX_CP)
        ok = set_add(&c, next, QR_MAX_CP);
    free(s->r);
    *s = c;
    return ok && set_normalise(s);
}

static bool set_has(const cset *s, uint32_t cp)
{
    for (size_t i = 0; i < s->n; i++)
        if (cp >= s->r[i].lo && cp <= s->r[i].hi)
            return true;
    return false;
}

static bool set_union(cset *s, const cset *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (!set_add(s, t->r[i].lo, t->r[i].hi))
            return false;
    return true;
}

/* \d \w \s and their negations, and `.`. */
static bool set_class_escape(cset *s, int c)
{
    cset t = {NULL, 0, 0};
    bool ok = true;
    switch (c | 0x20) {
    case 'd':
        ok = set_add(&t, '0', '9');
        break;
    case 'w':
        ok = set_add(&t, '0', '9') && set_add(&t, 'A', 'Z') && set_add(&t, '_', '_') &&
             set_add(&t, 'a', 'z');
        break;
    default: /* 's': ECMAScript WhiteSpace + LineTerminator, as src/regex.c */
        ok = set_add(&t, 0x09, 0x0D) && set_add(&t, 0x20, 0x20) && set_add(&t, 0xA0, 0xA0) &&
             set_add(&t, 0x1680, 0x1680) && set_add(&t, 0x2000, 0x200A) &&
             set_add(&t, 0x2028, 0x2029) && set_add(&t, 0x202F, 0x202F) &&
             set_add(&t, 0x205F, 0x205F) && set_add(&t, 0x3000, 0x3000) &&
             set_add(&t, 0xFEFF, 0xFEFF);
        break;
    }
    if (ok && c >= 'A' && c <= 'Z')
        ok = set_complement(&t);
    ok = ok && set_union(s, &t);
    free(t.r);
    return ok;
}

/* ---------------------------------------------------------------- nodes */

static node *node_new(nkind k)
{
    node *n = calloc(1, sizeof *n);
    if (n)
        n->kind = k;
    return n;
}

static void node_free(node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkid; i++)
        node_free(n->kid[i]);
    free(n->kid);
    free(n->set.r);
    free(n);
}

static bool node_push(node *n, node *k)
{
    if (n->nkid == n->capkid) {
        size_t cap = n->capkid ? n->capkid * 2 : 4;
        node **p = realloc(n->kid, cap * sizeof *p);
        if (!p)
            return false;
        n->kid = p;
        n->capkid = cap;
    }
    n->kid[n->nkid++] = k;
    return true;
}

/* --------------------------------------------------------------- parser */

typedef struct parser {
    const unsigned char *s;
    size_t len, pos;
    char *why;
    size_t nwhy;
    bool failed;
    unsigned nquant;
    unsigned depth;
} parser;

static bool refuse(parser *p, const char *what)
{
    if (!p->failed)
        snprintf(p->why, p->nwhy, "%s at offset %zu", what, p->pos);
    p->failed = true;
    return false;
}

static int peek(const parser *p) { return p->pos < p->len ? p->s[p->pos] : -1; }

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

static bool read_hex(parser *p, unsigned n, uint32_t *v)
{
    *v = 0;
    for (unsigned i = 0; i < n; i++) {
        int h = p->pos + i < p->len ? hexv(p->s[p->pos + i]) : -1;
        if (h < 0)
            return refuse(p, "malformed hex escape");
        *v = *v * 16 + (uint32_t)h;
    }
    p->pos += n;
    return true;
}

/* After the backslash, a character escape (c consumed): true with *cp. */
static bool char_escape(parser *p, int c, uint32_t *cp)
{
    switch (c) {
    case 'f': *cp = 0x0C; return true;
    case 'n': *cp = 0x0A; return true;
    case 'r': *cp = 0x0D; return true;
    case 't': *cp = 0x09; return true;
    case 'v': *cp = 0x0B; return true;
    case '0': *cp = 0; return true;
    case 'c':
        if (peek(p) < 0)
            return refuse(p, "malformed \\c");
        *cp = (uint32_t)(p->s[p->pos++] % 32);
        return true;
    case 'x': return read_hex(p, 2, cp);
    case 'u':
        if (peek(p) == '{') {
            p->pos++;
            uint32_t v = 0;
            while (hexv(peek(p)) >= 0 && v <= QR_MAX_CP)
                v = v * 16 + (uint32_t)hexv(p->s[p->pos++]);
            if (peek(p) != '}' || v > QR_MAX_CP)
                return refuse(p, "malformed \\u{...}");
            p->pos++;
            *cp = v;
            return true;
        }
        if (!read_hex(p, 4, cp))
            return false;
        if (*cp >= 0xD800 && *cp <= 0xDBFF && p->pos + 6 <= p->len && p->s[p->pos] == '\\' &&
            p->s[p->pos + 1] == 'u') {
            size_t save = p->pos;
            uint32_t lo;
            p->pos += 2;
            if (read_hex(p, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
                *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
            else
                p->pos = save, p->failed = false;
        }
        return true;
    default:
        if (c == 'b' || c == 'B')
            return refuse(p, "a word boundary (\\b, \\B)");
        if (c >= '1' && c <= '9')
            return refuse(p, "a backreference");
        if (c == 'k')
            return refuse(p, "a named backreference");
        if (c == 'p' || c == 'P')
            return refuse(p, "a Unicode property escape (\\p, \\P)");
        if (c > 0 && c < 0x80) {
            *cp = (uint32_t)c; /* an escaped syntax character, '/' or '-' */
            return true;
        }
        return refuse(p, "an unknown escape");
    }
}

static bool next_cp(parser *p, uint32_t *cp)
{
    size_t n = quo_utf8_decode(p->s + p->pos, p->len - p->pos, cp);
    if (n == 0)
        return refuse(p, "invalid UTF-8");
    p->pos += n;
    return true;
}

/* One class atom: a character (true, *cp) or a class escape added to s
 * (true, *is_set). */
static bool class_atom(parser *p, cset *s, uint32_t *cp, bool *is_set)
{
    *is_set = false;
    if (peek(p) != '\\')
        return next_cp(p, cp);
    p->pos++;
    int c = peek(p);
    if (c < 0)
        return refuse(p, "a trailing backslash");
    p->pos++;
    if (strchr("dDwWsS", c)) {
        *is_set = true;
        return set_class_escape(s, c) || refuse(p, "out of memory");
    }
    if (c == 'b') {
        *cp = 0x08; /* inside a class, \b is BACKSPACE */
        return true;
    }
    return char_escape(p, c, cp);
}

static node *parse_class(parser *p)
{
    node *n = node_new(N_SET);
    if (!n)
        return refuse(p, "out of memory"), NULL;
    p->pos++; /* [ */
    bool neg = peek(p) == '^';
    if (neg)
        p->pos++;
    while (peek(p) != ']') {
        if (peek(p) < 0) {
            refuse(p, "an unterminated class");
            break;
        }
        uint32_t a, b;
        bool aset, bset;
        if (!class_atom(p, &n->set, &a, &aset))
            break;
        if (!aset && peek(p) == '-' && p->pos + 1 < p->len && p->s[p->pos + 1] != ']') {
            p->pos++;
            if (!class_atom(p, &n->set, &b, &bset))
                break;
            if (bset || b < a) {
                refuse(p, "a malformed class range");
                break;
            }
            if (!set_add(&n->set, a, b)) {
                refuse(p, "out of memory");
                break;
            }
        } else if (!aset && !set_add(&n->set, a, a)) {
            refuse(p, "out of memory");
            break;
        }
    }
    if (p->failed) {
        node_free(n);
        return NULL;
    }
    p->pos++; /* ] */
    if (!(neg ? set_complement(&n->set) : set_normalise(&n->set))) {
        node_free(n);
        return refuse(p, "out of memory"), NULL;
    }
    return n;
}

static node *parse_alt(parser *p);

static node *parse_group(parser *p)
{
    p->pos++; /* ( */
    if (peek(p) == '?') {
        int c = p->pos + 1 < p->len ? p->s[p->pos + 1] : -1;
        if (c == ':') {
            p->pos += 2;
        } else if (c == '=' || c == '!') {
            return refuse(p, "a lookahead"), NULL;
        } else if (c == '<' && p->pos + 2 < p->len &&
                   (p->s[p->pos + 2] == '=' || p->s[p->pos + 2] == '!')) {
            return refuse(p, "a lookbehind"), NULL;
        } else if (c == '<') {
            const unsigned char *e = memchr(p->s + p->pos, '>', p->len - p->pos);
            if (!e)
                return refuse(p, "a malformed group name"), NULL;
            p->pos = (size_t)(e - p->s) + 1;
        } else {
            return refuse(p, "an unknown group kind"), NULL;
        }
    }
    if (++p->depth > QR_MAX_DEPTH)
        return refuse(p, "groups nested too deep"), NULL;
    node *n = parse_alt(p);
    p->depth--;
    if (!n)
        return NULL;
    if (peek(p) != ')') {
        node_free(n);
        return refuse(p, "an unclosed group"), NULL;
    }
    p->pos++;
    return n;
}

static node *parse_atom(parser *p)
{
    int c = peek(p);
    node *n;
    switch (c) {
    case '^':
    case '$':
        p->pos++;
        n = node_new(c == '^' ? N_BOL : N_EOL);
        if (!n)
            refuse(p, "out of memory");
        return n;
    case '(': return parse_group(p);
    case '[': return parse_class(p);
    case '.':
        p->pos++;
        n = node_new(N_SET);
        if (!n || !set_add(&n->set, 0x0A, 0x0A) || !set_add(&n->set, 0x0D, 0x0D) ||
            !set_add(&n->set, 0x2028, 0x2029) || !set_complement(&n->set)) {
            node_free(n);
            return refuse(p, "out of memory"), NULL;
        }
        return n;
    default:
        break;
    }
    n = node_new(N_SET);
    if (!n)
        return refuse(p, "out of memory"), NULL;
    uint32_t cp;
    bool ok;
    if (c == '\\') {
        p->pos++;
        int e = peek(p);
        if (e < 0) {
            node_free(n);
            return refuse(p, "a trailing backslash"), NULL;
        }
        p->pos++;
        if (strchr("dDwWsS", e)) {
            ok = set_class_escape(&n->set, e) && set_normalise(&n->set);
            if (!ok)
                refuse(p, "out of memory");
        } else {
            ok = char_escape(p, e, &cp) && (set_add(&n->set, cp, cp) || refuse(p, "out of memory"));
            n->literal = true;
        }
    } else {
        ok = next_cp(p, &cp) && (set_add(&n->set, cp, cp) || refuse(p, "out of memory"));
        n->literal = true;
    }
    if (!ok) {
        node_free(n);
        return NULL;
    }
    return n;
}

static bool read_uint(parser *p, unsigned *v)
{
    size_t start = p->pos;
    unsigned long x = 0;
    while (peek(p) >= '0' && peek(p) <= '9') {
        x = x * 10 + (unsigned long)(p->s[p->pos++] - '0');
        if (x > 65535)
            return refuse(p, "a quantifier bound above 65535");
    }
    *v = (unsigned)x;
    return p->pos > start;
}

/* A quantifier after an atom, if one is there: wraps n. */
static node *parse_quant(parser *p, node *n)
{
    unsigned lo, hi;
    int c = peek(p);
    if (c == '*' || c == '+' || c == '?') {
        p->pos++;
        lo = c == '+';
        hi = c == '?' ? 1 : UINT32_MAX;
    } else if (c == '{') {
        size_t save = p->pos++;
        if (!read_uint(p, &lo)) {
            p->pos = save;
            if (!p->failed)
                return n; /* not a quantifier (regex.c would refuse it) */
            node_free(n);
            return NULL;
        }
        hi = lo;
        if (peek(p) == ',') {
            p->pos++;
            hi = UINT32_MAX;
            if (peek(p) != '}' && !read_uint(p, &hi)) {
                node_free(n);
                return refuse(p, "a malformed quantifier"), NULL;
            }
        }
        if (peek(p) != '}' || hi < lo) {
            node_free(n);
            return refuse(p, "a malformed quantifier"), NULL;
        }
        p->pos++;
    } else {
        return n;
    }
    if (peek(p) == '?')
        p->pos++; /* lazy: the same language */
    if (n->kind == N_BOL || n->kind == N_EOL) {
        node_free(n);
        return refuse(p, "a quantified anchor"), NULL;
    }
    node *r = node_new(N_REP);
    if (!r || !node_push(r, n)) {
        node_free(r);
        node_free(n);
        return refuse(p, "out of memory"), NULL;
    }
    r->lo = lo;
    r->hi = hi;
    r->qid = ++p->nquant;
    return r;
}

static node *parse_seq(parser *p)
{
    node *seq = node_new(N_SEQ);
    if (!seq)
        return refuse(p, "out of memory"), NULL;
    while (peek(p) >= 0 && peek(p) != '|' && peek(p) != ')') {
        node *a = parse_atom(p);
        a = a ? parse_quant(p, a) : NULL;
        if (!a || !node_push(seq, a)) {
            if (a)
                refuse(p, "out of memory");
            node_free(a);
            node_free(seq);
            return NULL;
        }
    }
    return seq;
}

static node *parse_alt(parser *p)
{
    node *first = parse_seq(p);
    if (!first || peek(p) != '|')
        return first;
    node *alt = node_new(N_ALT);
    if (!alt || !node_push(alt, first)) {
        node_free(alt);
        node_free(first);
        return refuse(p, "out of memory"), NULL;
    }
    while (peek(p) == '|') {
        p->pos++;
        node *s = parse_seq(p);
        if (!s || !node_push(alt, s)) {
            if (s)
                refuse(p, "out of memory");
            node_free(s);
            node_free(alt);
            return NULL;
        }
    }
    return alt;
}

/* ------------------------------------------------------------- lengths */

static size_t sat_add(size_t a, size_t b) { return a > INF - b ? INF : a + b; }
static size_t sat_mul(size_t a, size_t b)
{
    if (a == 0 || b == 0)
        return 0;
    return a > INF / b ? INF : a * b;
}

static void measure(node *n)
{
    for (size_t i = 0; i < n->nkid; i++)
        measure(n->kid[i]);
    switch (n->kind) {
    case N_SET:
        n->minlen = n->set.n ? 1 : INF; /* an empty set never matches */
        n->maxlen = 1;
        break;
    case N_BOL:
    case N_EOL:
        n->minlen = n->maxlen = 0;
        break;
    case N_SEQ:
        n->minlen = n->maxlen = 0;
        for (size_t i = 0; i < n->nkid; i++) {
            n->minlen = sat_add(n->minlen, n->kid[i]->minlen);
            n->maxlen = sat_add(n->maxlen, n->kid[i]->maxlen);
        }
        break;
    case N_ALT:
        n->minlen = INF;
        n->maxlen = 0;
        for (size_t i = 0; i < n->nkid; i++) {
            if (n->kid[i]->minlen < n->minlen)
                n->minlen = n->kid[i]->minlen;
            if (n->kid[i]->maxlen > n->maxlen)
                n->maxlen = n->kid[i]->maxlen;
        }
        break;
    case N_REP: {
        const node *k = n->kid[0];
        n->minlen = n->lo == 0 ? 0 : sat_mul(k->minlen, n->lo);
        n->maxlen = n->hi == UINT32_MAX ? (k->maxlen ? INF : 0) : sat_mul(k->maxlen, n->hi);
        break;
    }
    }
}

qr_regex *qr_compile(const char *src, char *why, size_t n)
{
    parser p = {(const unsigned char *)src, strlen(src), 0, why, n, false, 0, 0};
    if (n)
        why[0] = '\0';
    node *root = parse_alt(&p);
    if (root && peek(&p) >= 0) {
        refuse(&p, "an unbalanced ')'");
        node_free(root);
        root = NULL;
    }
    qr_regex *re = root ? malloc(sizeof *re) : NULL;
    if (!re) {
        if (root)
            snprintf(why, n, "out of memory");
        node_free(root);
        return NULL;
    }
    measure(root);
    re->root = root;
    re->nquant = p.nquant;
    return re;
}

void qr_free(qr_regex *re)
{
    if (re) {
        node_free(re->root);
        free(re);
    }
}

size_t qr_min_len(const qr_regex *re) { return re->root->minlen; }
size_t qr_max_len(const qr_regex *re) { return re->root->maxlen; }

/* ------------------------------------------------------------ generation */

/* One emitted character and the set node that chose it. */
typedef struct emitted {
    uint32_t cp;
    const node *from;
} emitted;

typedef enum gmode { G_SHORT = 0, G_LONG, G_MID, G_LEN } gmode;

typedef struct gctx {
    gmode mode;
    qr_style style;
    size_t extra;       /* G_LEN: code points still to add past the minimum */
    size_t limit;       /* most code points written */
    unsigned force_qid; /* a quantifier made to repeat force_count times */
    unsigned force_count;
    bool forced;        /* it was reached */
    emitted *out;
    size_t n, cap;
    bool failed;        /* ENOMEM, over the limit, an empty set */
} gctx;

/* The character a set offers at output position i in the style asked. */
static uint32_t pick(const cset *s, qr_style style, size_t i)
{
    if (s->n == 1 && s->r[0].lo == s->r[0].hi)
        return s->r[0].lo;
    if (style == QR_ASTRAL && set_has(s, 0x1F600))
        return 0x1F600;
    if (style == QR_COMBINING) {
        uint32_t want = i % 2 ? 0x0301 : 'e';
        if (set_has(s, want))
            return want;
    }
    uint32_t tries[] = {(uint32_t)('a' + i % 26), (uint32_t)('A' + i % 26),
                        (uint32_t)('0' + i % 10)};
    for (size_t k = 0; k < QUO_ARRAY_SIZE(tries); k++)
        if (set_has(s, tries[k]))
            return tries[k];
    for (size_t k = 0; k < s->n; k++) /* the first printable member */
        for (uint32_t c = s->r[k].lo; c <= s->r[k].hi && c < s->r[k].lo + 0x80; c++)
            if (c > 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0))
                return c;
    return s->r[0].lo;
}

static void emit(gctx *g, const node *n)
{
    if (g->failed)
        return;
    if (!n->set.n || g->n >= g->limit) {
        g->failed = true;
        return;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 32;
        emitted *p = realloc(g->out, cap * sizeof *p);
        if (!p) {
            g->failed = true;
            return;
        }
        g->out = p;
        g->cap = cap;
    }
    g->out[g->n] = (emitted){pick(&n->set, g->style, g->n), n};
    g->n++;
}

static unsigned capped_hi(const node *n)
{
    unsigned cap = n->lo + QR_UNBOUNDED_EXTRA;
    return n->hi == UINT32_MAX || n->hi > cap ? (n->hi == UINT32_MAX ? cap : n->hi) : n->hi;
}

/* How well alternative a suits the walk (the highest score wins, the
 * first on ties); -1 when it cannot be taken. */
static long alt_score(const gctx *g, const node *alt, const node *a, size_t i)
{
    if (a->minlen == INF)
        return -1;
    switch (g->mode) {
    case G_SHORT:
        return a->minlen > (size_t)LONG_MAX ? 0 : LONG_MAX - (long)a->minlen;
    case G_LONG:
        return a->maxlen > (size_t)LONG_MAX ? LONG_MAX : (long)a->maxlen;
    case G_MID:
        return (long)i; /* the last one that can match */
    default: {
        /* G_LEN: the one that absorbs most of what is still to add. */
        size_t base = alt->minlen;
        if (a->minlen - base > g->extra)
            return -1;
        size_t gain = a->maxlen - base < g->extra ? a->maxlen - base : g->extra;
        return gain > (size_t)LONG_MAX ? LONG_MAX : (long)gain;
    }
    }
}

static size_t choose_alt(const gctx *g, const node *n)
{
    size_t best = 0;
    long top = -2;
    for (size_t i = 0; i < n->nkid; i++) {
        long sc = alt_score(g, n, n->kid[i], i);
        if (sc > top) {
            top = sc;
            best = i;
        }
    }
    return best;
}

static void walk(gctx *g, const node *n)
{
    if (g->failed)
        return;
    switch (n->kind) {
    case N_SET:
        emit(g, n);
        break;
    case N_BOL:
    case N_EOL:
        break;
    case N_SEQ:
        for (size_t i = 0; i < n->nkid && !g->failed; i++)
            walk(g, n->kid[i]);
        break;
    case N_ALT: {
        size_t i = choose_alt(g, n);
        if (g->mode == G_LEN)
            g->extra -= n->kid[i]->minlen - n->minlen;
        walk(g, n->kid[i]);
        break;
    }
    case N_REP: {
        const node *k = n->kid[0];
        unsigned count;
        if (n->qid == g->force_qid) {
            count = g->force_count;
            g->forced = true;
        } else if (g->mode == G_LONG) {
            count = capped_hi(n);
        } else if (g->mode == G_MID) {
            count = n->lo + (capped_hi(n) - n->lo + 1) / 2;
        } else {
            count = n->lo;
        }
        unsigned i = 0;
        for (; i < count && !g->failed; i++)
            walk(g, k);
        if (g->mode != G_LEN || n->qid == g->force_qid)
            break;
        /* Grow while there is length to add and room in the bound. */
        for (; i < n->hi && g->extra > 0 && !g->failed; i++) {
            if (k->minlen > g->extra || k->maxlen == 0)
                break;
            g->extra -= k->minlen;
            size_t before = g->n;
            walk(g, k);
            if (g->n == before)
                break;
        }
        break;
    }
    }
}

static char *encode(const emitted *e, size_t n)
{
    quo_buf b = QUO_BUF_INIT;
    quo_buf_reserve(&b, n * 4 + 1);
    for (size_t i = 0; i < n; i++) {
        char u[4];
        quo_buf_append(&b, u, quo_utf8_encode(e[i].cp, u));
    }
    if (n == 0)
        quo_buf_puts(&b, "");
    return quo_buf_take(&b, NULL);
}

/* Runs one walk; the caller frees g->out. */
static bool run(const qr_regex *re, gctx *g)
{
    if (re->root->minlen == INF) {
        g->failed = true;
        return false;
    }
    walk(g, re->root);
    return !g->failed;
}

char *qr_match_len(const qr_regex *re, size_t n, qr_style style)
{
    if (re->root->minlen == INF || n < re->root->minlen)
        return NULL;
    gctx g = {G_LEN, style, n - re->root->minlen, n + 1, 0, 0, false, NULL, 0, 0, false};
    char *s = run(re, &g) && g.extra == 0 && g.n == n ? encode(g.out, g.n) : NULL;
    free(g.out);
    return s;
}

char *qr_sample_string(const qr_regex *re, qr_sample which, size_t limit)
{
    static const gmode modes[] = {G_SHORT, G_LONG, G_MID};
    gctx g = {modes[which], QR_ASCII, 0, limit, 0, 0, false, NULL, 0, 0, false};
    char *s = run(re, &g) ? encode(g.out, g.n) : NULL;
    free(g.out);
    return s;
}

/* ------------------------------------------------------------- breakers */

void qr_breakers_free(qr_breakers *b)
{
    for (size_t i = 0; i < b->count; i++) {
        free(b->items[i].label);
        free(b->items[i].value);
        free(b->items[i].why);
    }
    free(b->items);
    b->items = NULL;
    b->count = b->cap = 0;
}

static bool breaker_add(qr_breakers *b, const char *label, char *value, const char *why)
{
    if (!value)
        return false;
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        qr_breaker *p = realloc(b->items, cap * sizeof *p);
        if (!p) {
            free(value);
            return false;
        }
        b->items = p;
        b->cap = cap;
    }
    qr_breaker x = {qc_strdup(label), value, qc_strdup(why)};
    if (!x.label || !x.why) {
        free(x.label);
        free(x.value);
        free(x.why);
        return false;
    }
    b->items[b->count++] = x;
    return true;
}

/* A character outside set s (the most telling first), or UINT32_MAX. */
static uint32_t outside(const cset *s, uint32_t prefer)
{
    const uint32_t tries[] = {prefer, 'X', 'x', 'Q', '0', '-', ' ', '!', 0x0A, 0xE9, 0x1F600};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(tries); i++)
        if (tries[i] != UINT32_MAX && !set_has(s, tries[i]))
            return tries[i];
    return UINT32_MAX;
}

static void show_cp(char *out, size_t n, uint32_t cp)
{
    if (cp >= 0x21 && cp < 0x7F)
        snprintf(out, n, "'%c'", (char)cp);
    else
        snprintf(out, n, "U+%04X", (unsigned)cp);
}

/* A copy of the walk's output with position i replaced by cp. */
static char *with_replaced(const gctx *g, size_t i, uint32_t cp)
{
    emitted *e = malloc((g->n ? g->n : 1) * sizeof *e);
    if (!e)
        return NULL;
    memcpy(e, g->out, g->n * sizeof *e);
    e[i].cp = cp;
    char *s = encode(e, g->n);
    free(e);
    return s;
}

static bool prefix_breakers(const gctx *g, qr_breakers *out)
{
    for (size_t i = 0; i < g->n; i++) {
        const node *from = g->out[i].from;
        if (!from->literal)
            continue;
        uint32_t c = g->out[i].cp;
        char was[16], now[16], why[96];
        show_cp(was, sizeof was, c);
        uint32_t other = outside(&from->set, UINT32_MAX);
        if (other != UINT32_MAX) {
            show_cp(now, sizeof now, other);
            snprintf(why, sizeof why, "the first literal %s changed to %s", was, now);
            if (!breaker_add(out, "pattern-prefix", with_replaced(g, i, other), why))
                return false;
        }
        uint32_t swapped = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? c ^ 0x20 : c;
        if (swapped != c && !set_has(&from->set, swapped)) {
            snprintf(why, sizeof why, "the first literal %s in the other case", was);
            if (!breaker_add(out, "pattern-prefix-case", with_replaced(g, i, swapped), why))
                return false;
        }
        return true;
    }
    return true;
}

/* The first character a class (not a literal) chose, replaced by one the
 * class does not hold. */
static bool class_breaker(const gctx *g, qr_breakers *out, bool *done)
{
    for (size_t i = 0; i < g->n; i++) {
        const node *from = g->out[i].from;
        if (from->literal)
            continue;
        uint32_t other = outside(&from->set, UINT32_MAX);
        if (other == UINT32_MAX)
            continue;
        char now[16], why[96];
        show_cp(now, sizeof now, other);
        snprintf(why, sizeof why, "character %zu is %s, outside its class", i + 1, now);
        *done = true;
        return breaker_add(out, "pattern-class", with_replaced(g, i, other), why);
    }
    return true;
}

static bool lf_breakers(const gctx *g, qr_breakers *out)
{
    char *s = encode(g->out, g->n);
    if (!s)
        return false;
    quo_buf a = QUO_BUF_INIT, b = QUO_BUF_INIT;
    quo_buf_printf(&a, "%s\n", s);
    quo_buf_printf(&b, "\n%s", s);
    free(s);
    /* breaker_add takes the string (and refuses NULL: ENOMEM). */
    bool ok = breaker_add(out, "pattern-lf", quo_buf_take(&a, NULL),
                          "a match with a line feed appended");
    ok = breaker_add(out, "pattern-lf-before", quo_buf_take(&b, NULL),
                     "a match with a line feed before it") && ok;
    return ok;
}

/* Quantifier q repeated one time too few / too many, the rest shortest. */
static bool quant_breakers(const qr_regex *re, const node *n, size_t extra, size_t limit,
                           qr_breakers *out)
{
    if (!n)
        return true;
    for (size_t i = 0; i < n->nkid; i++)
        if (!quant_breakers(re, n->kid[i], extra, limit, out))
            return false;
    if (n->kind != N_REP || n->qid > QR_MAX_QUANT_BREAKERS)
        return true;
    for (int many = 0; many < 2; many++) {
        if (many ? n->hi == UINT32_MAX : n->lo == 0)
            continue;
        unsigned count = many ? n->hi + 1 : n->lo - 1;
        gctx g = {extra ? G_LEN : G_SHORT, QR_ASCII, extra, limit, n->qid, count, false,
                  NULL, 0, 0, false};
        bool ok = true;
        if (run(re, &g) && g.forced) {
            char label[48], why[96];
            snprintf(label, sizeof label, "pattern-q%u-%s", n->qid, many ? "many" : "few");
            snprintf(why, sizeof why, "quantifier %u repeated %u times (%s %u)", n->qid, count,
                     many ? "at most" : "at least", many ? n->hi : n->lo);
            ok = breaker_add(out, label, encode(g.out, g.n), why);
        }
        free(g.out);
        if (!ok)
            return false;
    }
    return true;
}

bool qr_breakers_make(const qr_regex *re, size_t min_cp, size_t limit, qr_breakers *out)
{
    if (re->root->minlen == INF)
        return true;
    size_t extra = min_cp > re->root->minlen ? min_cp - re->root->minlen : 0;
    gctx g = {extra ? G_LEN : G_SHORT, QR_ASCII, extra, limit, 0, 0, false, NULL, 0, 0, false};
    bool ok = true;
    if (run(re, &g)) {
        ok = prefix_breakers(&g, out) && lf_breakers(&g, out);
    }
    bool done = false;
    if (ok && !g.failed)
        ok = class_breaker(&g, out, &done);
    free(g.out);
    /* No class in the shortest match: look in the middle and longest. */
    for (int m = G_MID; ok && !done && m >= G_LONG; m--) {
        gctx h = {(gmode)m, QR_ASCII, 0, limit, 0, 0, false, NULL, 0, 0, false};
        if (run(re, &h))
            ok = class_breaker(&h, out, &done);
        free(h.out);
    }
    /* After the quantifiers: when one of them too few is the empty string,
     * its label is the one kept (valgen keeps the first of equal values). */
    ok = ok && quant_breakers(re, re->root, extra, limit, out);
    if (ok && re->root->minlen > 0)
        ok = breaker_add(out, "pattern-empty", qc_strdup(""), "the empty string");
    return ok;
}
