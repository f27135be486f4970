/* json.c - the strict JSON gate (see quo/json.h).
 *
 * One scanner serves both entry points: quo_json_check() runs it without
 * building anything, quo_json_parse() runs the same code with tree building
 * switched on (the flag is a compile-time constant in each copy, so the
 * check path pays nothing for the tree).
 *
 * The scanner is iterative: open containers live on a heap stack, so the
 * depth limit is a policy, not a guard for the C stack, and any max_depth is
 * accepted (QUO_JSON_NO_DEPTH_LIMIT: none). quo_json_free() and
 * quo_json_delete() free iteratively too; quo_json_copy() and
 * quo_json_print() (json_access.c) copy and print without recursion, so no
 * depth of document puts the C stack at risk.
 *
 * Member names of the objects that are still open sit on one stack; an
 * object compares a new name linearly against its own names while it has
 * few, and switches to a seeded SipHash set past DUP_LINEAR_MAX, so a huge
 * object costs linear time.
 *
 * Lengths of strings holding \u0000 live in a side table keyed by node
 * address: a node whose valuestring or name the caller replaces, or a node
 * allocated where a deleted one was, may report a stale length.
 *
 * Every allocation goes through cJSON's hooks (cJSON_malloc/cJSON_free):
 * the tree must be freeable with them, and the tests inject allocation
 * failures there to reach every ENOMEM path.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quo/array.h"
#include "quo/json.h"
#include "quo/utf8.h"

#if defined(__GNUC__)
#define QUO_INLINE static inline __attribute__((always_inline))
#define QUO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QUO_INLINE static inline
#define QUO_PRINTF(f, a)
#endif

/* Objects with up to this many names are checked for duplicates by a
 * linear scan, which beats hashing at that size. */
#define DUP_LINEAR_MAX 16
/* Significant digits kept for strtod; beyond 768 a sticky digit decides
 * rounding exactly (no double needs more to round correctly). */
#define NUM_DIGITS_MAX 800
/* Exponents are saturated here while scanning; any larger magnitude gives
 * +-inf or 0 anyway, and digit counts never come near it. */
#define EXP_CAP INT64_C(1000000000000000)

/* ---- the document ------------------------------------------------------ */

/* Side table: true byte length of a string value (kind 0) or member name
 * (kind 1) that holds \u0000. Open addressing keyed by node pointer. */
typedef struct nul_len {
    const cJSON *node;
    size_t len;
    unsigned kind;
} nul_len;

struct quo_json_doc {
    cJSON *root;
    nul_len *nul;
    size_t nul_mask; /* capacity - 1 */
    size_t nul_count;
};

static size_t nul_slot(const cJSON *node, unsigned kind, size_t mask)
{
    uint64_t x = ((uint64_t)(uintptr_t)node ^ kind) * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(x >> 29) & mask;
}

static bool nul_put(nul_len *tab, size_t mask, const cJSON *node,
                    unsigned kind, size_t len)
{
    size_t i = nul_slot(node, kind, mask);
    while (tab[i].node) {
        if (tab[i].node == node && tab[i].kind == kind) {
            tab[i].len = len;
            return false;
        }
        i = (i + 1) & mask;
    }
    tab[i] = (nul_len){node, len, kind};
    return true;
}

static quo_status nul_record(quo_json_doc *doc, const cJSON *node,
                             unsigned kind, size_t len)
{
    if (!doc->nul || (doc->nul_count + 1) * 2 > doc->nul_mask + 1) {
        size_t cap = doc->nul ? (doc->nul_mask + 1) * 2 : 8;
        nul_len *tab = cJSON_malloc(cap * sizeof *tab);
        if (!tab)
            return QUO_ENOMEM;
        memset(tab, 0, cap * sizeof *tab);
        for (size_t i = 0; doc->nul && i <= doc->nul_mask; i++)
            if (doc->nul[i].node)
                nul_put(tab, cap - 1, doc->nul[i].node, doc->nul[i].kind,
                        doc->nul[i].len);
        cJSON_free(doc->nul);
        doc->nul = tab;
        doc->nul_mask = cap - 1;
    }
    doc->nul_count += nul_put(doc->nul, doc->nul_mask, node, kind, len);
    return QUO_OK;
}

static bool nul_get(const quo_json_doc *doc, const cJSON *node,
                    unsigned kind, size_t *len)
{
    if (!doc || doc->nul_count == 0)
        return false;
    for (size_t i = nul_slot(node, kind, doc->nul_mask); doc->nul[i].node;
         i = (i + 1) & doc->nul_mask) {
        if (doc->nul[i].node == node && doc->nul[i].kind == kind) {
            *len = doc->nul[i].len;
            return true;
        }
    }
    return false;
}

/* Frees a cJSON tree without recursion, honouring the same flags as
 * cJSON_Delete: each child list is spliced in front of the remaining
 * siblings, so every node is visited a bounded number of times. */
static void free_tree(cJSON *item)
{
    while (item) {
        cJSON *next = item->next;
        bool ref = (item->type & cJSON_IsReference) != 0;
        if (!ref && item->child) {
            cJSON *tail = item->child;
            while (tail->next)
                tail = tail->next;
            tail->next = next;
            next = item->child;
        }
        if (!ref && item->valuestring)
            cJSON_free(item->valuestring);
        if (!(item->type & cJSON_StringIsConst) && item->string)
            cJSON_free(item->string);
        cJSON_free(item);
        item = next;
    }
}

/* ---- parser state ------------------------------------------------------ */

typedef struct key_ref {
    const char *ptr; /* the name's bytes, or NULL when they are in arena */
    size_t off;      /* arena offset when ptr is NULL */
    size_t len;
    uint64_t hash;   /* valid once the object has a hash set */
} key_ref;

typedef struct frame {
    cJSON *node;       /* the container being filled (tree mode only) */
    cJSON *last;       /* its last child so far */
    size_t key_base;   /* this object's names are keys[key_base..nkeys) */
    size_t arena_base; /* and their unescaped copies start here */
    size_t *set;       /* hash set of key indexes + 1, or NULL */
    size_t set_mask;
    bool object;
} frame;

typedef struct parser {
    const unsigned char *buf, *pos, *end;
    unsigned max_depth;
    bool after_comma; /* for "trailing comma" messages */
    quo_error *err;

    frame *frames;
    size_t nframes, frames_cap;
    key_ref *keys;
    size_t nkeys, keys_cap;
    char *arena; /* check mode: unescaped copies of escaped names */
    size_t arena_len, arena_cap;
    uint64_t k0, k1;
    bool seeded;

    /* tree mode */
    quo_json_doc *doc;
    cJSON *root;
    char *key; /* name read, value not yet attached */
    size_t key_len;
    bool key_nul;

    frame frames_inline[16];
    key_ref keys_inline[32];
} parser;

/* Grows *arr (which may be the parser's inline array) to hold at least
 * need elements. */
static bool grow(void **arr, size_t *cap, size_t used, size_t need,
                 size_t elem, const void *inline_arr)
{
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return false;
        n *= 2;
    }
    if (n > SIZE_MAX / elem)
        return false;
    void *p = cJSON_malloc(n * elem);
    if (!p)
        return false;
    if (used)
        memcpy(p, *arr, used * elem);
    if (*arr != inline_arr)
        cJSON_free(*arr);
    *arr = p;
    *cap = n;
    return true;
}

/* ---- error reporting --------------------------------------------------- */

static quo_status fail(parser *p, quo_status st, const unsigned char *at,
                       const char *fmt, ...) QUO_PRINTF(4, 5);

static quo_status fail(parser *p, quo_status st, const unsigned char *at,
                       const char *fmt, ...)
{
    char msg[QUO_ERROR_MESSAGE_MAX];
    const unsigned char *line_start = p->buf;
    size_t line = 1;
    va_list ap;

    if (!p->err)
        return st;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (const unsigned char *q = p->buf; q < at; q++) {
        if (*q == '\n') {
            line++;
            line_start = q + 1;
        }
    }
    /* Columns count characters (the text before `at` is valid UTF-8). */
    size_t col = 1 + quo_utf8_count((const char *)line_start,
                                    (size_t)(at - line_start));
    return quo_error_set(p->err, st, (size_t)(at - p->buf),
                         "line %zu, column %zu: %s", line, col, msg);
}

/* Names what is wrong with the invalid UTF-8 sequence at s. */
static const char *utf8_problem(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

    if (c >= 0x80 && c < 0xC0)
        return "continuation byte without a lead byte";
    if (c == 0xC0 || c == 0xC1)
        return "overlong encoding";
    if (c >= 0xF8)
        return "byte that never occurs in UTF-8";
    if (c >= 0xF5)
        return "code point above U+10FFFF";
    if (len < 2 || (s[1] & 0xC0) != 0x80)
        return "truncated multi-byte sequence";
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xF0 && s[1] < 0x90))
        return "overlong encoding";
    if (c == 0xED && s[1] >= 0xA0)
        return "UTF-16 surrogate encoded in UTF-8";
    if (c == 0xF4 && s[1] >= 0x90)
        return "code point above U+10FFFF";
    for (size_t i = 2; i < need; i++)
        if (i >= len || (s[i] & 0xC0) != 0x80)
            return "truncated multi-byte sequence";
    return "invalid sequence";
}

static quo_status utf8_fail(parser *p, const unsigned char *at)
{
    return quo_error_set(p->err, QUO_EUTF8, (size_t)(at - p->buf),
                         "byte %zu: invalid UTF-8 (%s, byte 0x%02X)",
                         (size_t)(at - p->buf),
                         utf8_problem(at, (size_t)(p->end - at)), *at);
}

/* "<what>, found <the character at pos>"; invalid UTF-8 there is reported
 * as such instead. */
static quo_status unexpected(parser *p, const char *what)
{
    const unsigned char *at = p->pos;
    char found[32];
    uint32_t cp;

    if (at == p->end) {
        snprintf(found, sizeof found, "end of input");
    } else if (*at >= 0x80) {
        if (!quo_utf8_decode(at, (size_t)(p->end - at), &cp))
            return utf8_fail(p, at);
        snprintf(found, sizeof found, "U+%04" PRIX32, cp);
    } else if (*at < 0x20 || *at == 0x7F) {
        snprintf(found, sizeof found, "U+%04X", *at);
    } else {
        snprintf(found, sizeof found, "'%c'", *at);
    }
    return fail(p, QUO_ESYNTAX, at, "%s, found %s", what, found);
}

static quo_status expected_value(parser *p)
{
    const unsigned char *at = p->pos;
    size_t left = (size_t)(p->end - at);

    if (p->end == p->buf)
        return fail(p, QUO_ESYNTAX, at, "empty input, expected a JSON value");
    if (left == 0)
        return unexpected(p, "expected a JSON value");
    switch (*at) {
    case ']':
    case '}':
        if (p->after_comma)
            return fail(p, QUO_ESYNTAX, at, "trailing comma before '%c'", *at);
        break;
    case '/':
        return fail(p, QUO_ESYNTAX, at, "comments are not allowed in JSON");
    case '\'':
        return fail(p, QUO_ESYNTAX, at,
                    "strings must use double quotes, not single quotes");
    case '+':
        return fail(p, QUO_ESYNTAX, at, "leading '+' in number");
    case '.':
        return fail(p, QUO_ESYNTAX, at, "number must start with a digit");
    case 'N':
    case 'I':
        if ((left >= 3 && memcmp(at, "NaN", 3) == 0) ||
            (left >= 8 && memcmp(at, "Infinity", 8) == 0))
            return fail(p, QUO_ESYNTAX, at,
                        "NaN and Infinity are not JSON numbers");
        break;
    default:
        break;
    }
    return unexpected(p, "expected a JSON value");
}

/* Writes name[0..len) for a message: quoted, escaped, shortened. */
static void quote_name(char *out, size_t cap, const char *name, size_t len)
{
    size_t o = 0, max = cap - 8; /* room for "...\"" and NUL */
    out[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (o + 7 > max) {
            while (o > 1 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
                o--; /* do not cut a character in half */
            if (o > 1 && (unsigned char)out[o - 1] >= 0xC0)
                o--;
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(out + o, 7, "\\u%04X", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* ---- duplicate member names -------------------------------------------- */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                              \
    do {                                                                      \
        v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);         \
        v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;                              \
        v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;                              \
        v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);         \
    } while (0)

/* SipHash-1-3: keyed, so member names cannot be crafted to collide. */
static uint64_t siphash13(const unsigned char *in, size_t len, uint64_t k0,
                          uint64_t k1)
{
    uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575);
    uint64_t v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
    uint64_t v2 = k0 ^ UINT64_C(0x6c7967656e657261);
    uint64_t v3 = k1 ^ UINT64_C(0x7465646279746573);
    uint64_t b = (uint64_t)len << 56, m;
    const unsigned char *stop = in + (len & ~(size_t)7);

    for (; in != stop; in += 8) {
        memcpy(&m, in, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t i = 0; i < (len & 7); i++)
        b |= (uint64_t)in[i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A per-parse key from the clock and (ASLR-randomised) addresses; no
 * shared state, no system call that can fail. */
static void seed_hash(parser *p)
{
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                 (uint64_t)(uintptr_t)p ^ ((uint64_t)(uintptr_t)p->buf << 17);
    p->k0 = splitmix64(&x);
    p->k1 = splitmix64(&x);
    p->seeded = true;
}

static const char *key_bytes(const parser *p, const key_ref *k)
{
    return k->ptr ? k->ptr : p->arena + k->off;
}

static bool same_key(const parser *p, const key_ref *a, const key_ref *b)
{
    return a->len == b->len &&
           memcmp(key_bytes(p, a), key_bytes(p, b), a->len) == 0;
}

static quo_status set_rebuild(parser *p, frame *f, size_t cap)
{
    if (cap > SIZE_MAX / sizeof(size_t))
        return QUO_ENOMEM;
    size_t *slot = cJSON_malloc(cap * sizeof *slot);
    if (!slot)
        return QUO_ENOMEM;
    memset(slot, 0, cap * sizeof *slot);
    for (size_t i = f->key_base; i < p->nkeys; i++) {
        size_t j = (size_t)p->keys[i].hash & (cap - 1);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = i + 1;
    }
    cJSON_free(f->set);
    f->set = slot;
    f->set_mask = cap - 1;
    return QUO_OK;
}

/* Records name k of the innermost object, or reports it as a duplicate.
 * `at` is where the name starts, for the message. */
static quo_status add_name(parser *p, key_ref *k, const unsigned char *at)
{
    frame *f = &p->frames[p->nframes - 1];
    size_t n = p->nkeys - f->key_base, slot = 0;
    const key_ref *dup = NULL;

    if (p->nkeys == p->keys_cap &&
        !grow((void **)&p->keys, &p->keys_cap, p->nkeys, p->nkeys + 1,
              sizeof *p->keys, p->keys_inline))
        return QUO_ENOMEM;
    if (!f->set && n < DUP_LINEAR_MAX) {
        for (size_t i = f->key_base; i < p->nkeys && !dup; i++)
            if (same_key(p, &p->keys[i], k))
                dup = &p->keys[i];
    } else {
        if (!p->seeded)
            seed_hash(p);
        if (!f->set) {
            for (size_t i = f->key_base; i < p->nkeys; i++)
                p->keys[i].hash = siphash13(
                    (const unsigned char *)key_bytes(p, &p->keys[i]),
                    p->keys[i].len, p->k0, p->k1);
        }
        if (!f->set || (n + 1) * 2 > f->set_mask + 1) {
            quo_status st = set_rebuild(p, f, f->set ? (f->set_mask + 1) * 2
                                                     : 4 * DUP_LINEAR_MAX);
            if (st)
                return st;
        }
        k->hash = siphash13((const unsigned char *)key_bytes(p, k), k->len,
                            p->k0, p->k1);
        for (slot = (size_t)k->hash & f->set_mask; f->set[slot] && !dup;
             slot = (slot + 1) & f->set_mask) {
            const key_ref *e = &p->keys[f->set[slot] - 1];
            if (e->hash == k->hash && same_key(p, e, k))
                dup = e;
        }
    }
    if (dup) {
        char name[96];
        quote_name(name, sizeof name, key_bytes(p, k), k->len);
        return fail(p, QUO_EDUPLICATE, at, "duplicate member name %s", name);
    }
    if (f->set)
        f->set[slot] = p->nkeys + 1;
    p->keys[p->nkeys++] = *k;
    return QUO_OK;
}

/* ---- strings ----------------------------------------------------------- */

/* Bytes that may stand for themselves in a string: 0x20..0x7F but '"'
 * and '\\'. Bytes >= 0x80 go through the UTF-8 decoder. */
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

typedef struct str_info {
    const unsigned char *start, *stop; /* between the quotes */
    size_t len;                        /* unescaped byte length */
    bool escaped, nul;
} str_info;

static long hex4(const unsigned char *s, const unsigned char *end)
{
    long v = 0;
    if (end - s < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i];
        if (c >= '0' && c <= '9')
            v = v * 16 + (long)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            v = v * 16 + (long)((c | 0x20) - 'a' + 10);
        else
            return -1;
    }
    return v;
}

/* True when the 8 bytes at s are all plain (SWAR version of the table). */
static bool plain8(const unsigned char *s)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t high = UINT64_C(0x8080808080808080);
    uint64_t w, q, b;
    memcpy(&w, s, 8);
    q = w ^ (ones * '"');
    b = w ^ (ones * '\\');
    return ((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
             ((b - ones) & ~b)) & high) == 0;
}

/* Validates the escape at s ('\\' ...); advances *sp, adds the bytes the
 * escape saves to *shrink. */
static quo_status scan_escape(parser *p, const unsigned char **sp,
                              size_t *shrink, bool *nul)
{
    const unsigned char *s = *sp, *end = p->end;
    long cp, lo;

    if (end - s < 2)
        return fail(p, QUO_ESYNTAX, end, "end of input inside string");
    switch (s[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
    case 't':
        *sp = s + 2;
        *shrink += 1;
        return QUO_OK;
    case 'u':
        break;
    default:
        if (s[1] >= 0x20 && s[1] < 0x7F)
            return fail(p, QUO_ESYNTAX, s, "invalid escape '\\%c' in string",
                        s[1]);
        return fail(p, QUO_ESYNTAX, s, "invalid escape in string");
    }
    if ((cp = hex4(s + 2, end)) < 0)
        return fail(p, QUO_ESYNTAX, s,
                    "invalid \\u escape (expected 4 hex digits)");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(p, QUO_ESURROGATE, s,
                    "unpaired surrogate \\u%04lX (low surrogate without a "
                    "high one before it)", (unsigned long)cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - s >= 8 && s[6] == '\\' && s[7] == 'u') {
            if ((lo = hex4(s + 8, end)) < 0)
                return fail(p, QUO_ESYNTAX, s + 6,
                            "invalid \\u escape (expected 4 hex digits)");
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                *sp = s + 12;
                *shrink += 8; /* 12 bytes of text, 4 bytes of UTF-8 */
                return QUO_OK;
            }
        }
        return fail(p, QUO_ESURROGATE, s,
                    "unpaired surrogate \\u%04lX (high surrogate not "
                    "followed by a low one)", (unsigned long)cp);
    }
    *nul |= cp == 0;
    *shrink += 6 - (cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3);
    *sp = s + 6;
    return QUO_OK;
}

/* Validates the string at p->pos (on its '"') and moves past it. */
static quo_status scan_string(parser *p, str_info *si)
{
    const unsigned char *s = p->pos + 1, *end = p->end;
    size_t shrink = 0;
    bool nul = false, escaped = false;
    uint32_t cp;
    quo_status st;

    si->start = s;
    for (;;) {
        while (end - s >= 8 && plain8(s))
            s += 8;
        while (s < end && plain[*s])
            s++;
        if (s == end)
            return fail(p, QUO_ESYNTAX, s,
                        "end of input inside string (missing '\"')");
        if (*s == '"')
            break;
        if (*s == '\\') {
            escaped = true;
            if ((st = scan_escape(p, &s, &shrink, &nul)))
                return st;
        } else if (*s < 0x20) {
            return fail(p, QUO_ESYNTAX, s,
                        "unescaped control character U+%04X in string", *s);
        } else {
            size_t n = quo_utf8_decode(s, (size_t)(end - s), &cp);
            if (!n)
                return utf8_fail(p, s);
            s += n;
        }
    }
    si->stop = s;
    si->len = (size_t)(s - si->start) - shrink;
    si->escaped = escaped;
    si->nul = nul;
    p->pos = s + 1;
    return QUO_OK;
}

/* Writes the unescaped, NUL-terminated value of a validated string. */
static void copy_string(const str_info *si, char *out)
{
    const unsigned char *s = si->start, *stop = si->stop;
    char *o = out;

    while (si->escaped && s < stop) {
        const unsigned char *bs = memchr(s, '\\', (size_t)(stop - s));
        if (!bs)
            break;
        memcpy(o, s, (size_t)(bs - s));
        o += bs - s;
        s = bs;
        switch (s[1]) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            uint32_t cp = (uint32_t)hex4(s + 2, stop);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) +
                     ((uint32_t)hex4(s + 8, stop) - 0xDC00);
                s += 6;
            }
            o += quo_utf8_encode(cp, o);
            s += 4;
            break;
        }
        default: *o++ = (char)s[1]; break; /* " \ / */
        }
        s += 2;
    }
    memcpy(o, s, (size_t)(stop - s));
    o += stop - s;
    *o = '\0';
}

/* ---- numbers ----------------------------------------------------------- */

typedef struct num_info {
    const unsigned char *ip, *ie, *fp, *fe; /* integer and fraction digits */
    int64_t exp;
    uint64_t mant; /* all digits, exact when there are <= 19 */
    bool neg;
} num_info;

static bool is_digit(unsigned c)
{
    return c - '0' < 10;
}

static quo_status scan_number(parser *p, num_info *n, const bool build)
{
    const unsigned char *s = p->pos, *end = p->end, *start = s;
    uint64_t m = 0;
    int64_t ex = 0;

    n->neg = *s == '-';
    if (n->neg && (++s == end || !is_digit(*s)))
        return fail(p, QUO_ESYNTAX, start, "'-' must be followed by a digit");
    n->ip = s;
    if (*s == '0') {
        s++;
        if (s < end && is_digit(*s))
            return fail(p, QUO_ESYNTAX, s - 1, "leading zero in number");
        if (s < end && (*s == 'x' || *s == 'X'))
            return fail(p, QUO_ESYNTAX, start,
                        "hexadecimal numbers are not allowed in JSON");
    }
    for (; s < end && is_digit(*s); s++)
        if (build)
            m = m * 10 + (uint64_t)(*s - '0');
    n->ie = n->fp = n->fe = s;
    if (s < end && *s == '.') {
        if (++s == end || !is_digit(*s))
            return fail(p, QUO_ESYNTAX, s,
                        "digit expected after the decimal point");
        for (n->fp = s; s < end && is_digit(*s); s++)
            if (build)
                m = m * 10 + (uint64_t)(*s - '0');
        n->fe = s;
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        bool eneg = false;
        if (++s < end && (*s == '+' || *s == '-'))
            eneg = *s++ == '-';
        if (s == end || !is_digit(*s))
            return fail(p, QUO_ESYNTAX, s, "digit expected in the exponent");
        for (; s < end && is_digit(*s); s++)
            if (build && ex < EXP_CAP)
                ex = ex * 10 + (*s - '0');
        n->exp = eneg ? -ex : ex;
    } else {
        n->exp = 0;
    }
    n->mant = m;
    p->pos = s;
    return QUO_OK;
}

/* Correctly rounded conversion through strtod, in a form with no radix
 * character ("<digits>e<exp>") so the C locale is not needed. */
static double number_slow(const num_info *n)
{
    char buf[NUM_DIGITS_MAX + 32];
    size_t k = 0;
    int64_t e10 = n->exp - (int64_t)(n->fe - n->fp), dropped = 0;
    bool sticky = false;
    const unsigned char *spans[2][2] = {{n->ip, n->ie}, {n->fp, n->fe}};
    int saved = errno;
    double d;

    for (size_t i = 0; i < QUO_ARRAY_SIZE(spans); i++) {
        for (const unsigned char *s = spans[i][0]; s < spans[i][1]; s++) {
            if (k == 0 && *s == '0')
                continue; /* leading zeros do not change the value */
            if (k < NUM_DIGITS_MAX) {
                buf[k++] = (char)*s;
            } else {
                dropped++;
                sticky |= *s != '0';
            }
        }
    }
    if (k == 0)
        return n->neg ? -0.0 : 0.0;
    e10 += dropped;
    if (sticky) {
        buf[k++] = '1'; /* lies strictly between the two rounding candidates */
        e10--;
    }
    snprintf(buf + k, sizeof buf - k, "e%" PRId64, e10);
    d = strtod(buf, NULL); /* +-inf or 0 when out of range (ERANGE) */
    errno = saved;
    return n->neg ? -d : d;
}

static double number_value_of(const num_info *n)
{
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    /* Clinger's fast path: an exact mantissa below 2^53 times an exact
     * power of ten is rounded once, correctly. */
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                   1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                   1e18, 1e19, 1e20, 1e21, 1e22};
    size_t nd = (size_t)(n->ie - n->ip) + (size_t)(n->fe - n->fp);
    int64_t e10 = n->exp - (int64_t)(n->fe - n->fp);
    if (nd <= 19 && n->mant <= (UINT64_C(1) << 53) && e10 >= -22 &&
        e10 <= 22) {
        double d = (double)n->mant;
        d = e10 < 0 ? d / pow10[-e10] : d * pow10[e10];
        return n->neg ? -d : d;
    }
#endif
    return number_slow(n);
}

/* ---- tree building ----------------------------------------------------- */

/* Links item as the next value: the root, an array element or (with the
 * pending name) an object member. Keeps cJSON's list invariants: the first
 * child's prev is the last child, the last child's next is NULL. */
static quo_status attach(parser *p, cJSON *item)
{
    frame *f;
    if (p->nframes == 0) {
        p->root = item;
        return QUO_OK;
    }
    f = &p->frames[p->nframes - 1];
    if (f->last) {
        f->last->next = item;
        item->prev = f->last;
    } else {
        f->node->child = item;
    }
    f->node->child->prev = item;
    f->last = item;
    if (f->object) {
        item->string = p->key;
        p->key = NULL;
        if (p->key_nul)
            return nul_record(p->doc, item, 1, p->key_len);
    }
    return QUO_OK;
}

static quo_status string_value(parser *p, const bool build)
{
    str_info si;
    quo_status st = scan_string(p, &si);
    if (st || !build)
        return st;
    char *s = cJSON_malloc(si.len + 1);
    if (!s)
        return QUO_ENOMEM;
    copy_string(&si, s);
    cJSON *item = cJSON_CreateNull();
    if (!item) {
        cJSON_free(s);
        return QUO_ENOMEM;
    }
    item->type = cJSON_String;
    item->valuestring = s;
    if ((st = attach(p, item)))
        return st;
    return si.nul ? nul_record(p->doc, item, 0, si.len) : QUO_OK;
}

static quo_status number_value(parser *p, const bool build)
{
    num_info n = {NULL, NULL, NULL, NULL, 0, 0, false};
    quo_status st = scan_number(p, &n, build);
    if (st || !build)
        return st;
    /* cJSON_CreateNumber saturates valueint exactly as cJSON's parser. */
    cJSON *item = cJSON_CreateNumber(number_value_of(&n));
    return item ? attach(p, item) : QUO_ENOMEM;
}

static quo_status literal_value(parser *p, const char *word, size_t len,
                                int type, const bool build)
{
    if ((size_t)(p->end - p->pos) < len || memcmp(p->pos, word, len) != 0)
        return fail(p, QUO_ESYNTAX, p->pos, "invalid literal (expected '%s')",
                    word);
    p->pos += len;
    if (!build)
        return QUO_OK;
    cJSON *item = type == cJSON_True    ? cJSON_CreateTrue()
                  : type == cJSON_False ? cJSON_CreateFalse()
                                        : cJSON_CreateNull();
    return item ? attach(p, item) : QUO_ENOMEM;
}

static quo_status open_container(parser *p, bool object, const bool build)
{
    frame *f;
    if (p->nframes >= p->max_depth)
        return fail(p, QUO_EDEPTH, p->pos, "nesting deeper than %u",
                    p->max_depth);
    if (p->nframes == p->frames_cap &&
        !grow((void **)&p->frames, &p->frames_cap, p->nframes,
              p->nframes + 1, sizeof *p->frames, p->frames_inline))
        return QUO_ENOMEM;
    f = &p->frames[p->nframes];
    *f = (frame){.key_base = p->nkeys, .arena_base = p->arena_len,
                 .object = object};
    if (build) {
        cJSON *item = object ? cJSON_CreateObject() : cJSON_CreateArray();
        quo_status st;
        if (!item)
            return QUO_ENOMEM;
        if ((st = attach(p, item)))
            return st;
        f->node = item; /* attach() did not touch the new frame */
    }
    p->nframes++;
    p->pos++;
    return QUO_OK;
}

static void close_container(parser *p)
{
    frame *f = &p->frames[--p->nframes];
    cJSON_free(f->set);
    p->nkeys = f->key_base;
    p->arena_len = f->arena_base;
}

/* Reads a member name and its ':'. */
static quo_status member_name(parser *p, const bool build)
{
    const unsigned char *at = p->pos;
    key_ref k = {NULL, 0, 0, 0};
    str_info si;
    quo_status st;

    if (at == p->end || *at != '"') {
        if (at < p->end && *at == '}' && p->after_comma)
            return fail(p, QUO_ESYNTAX, at, "trailing comma before '}'");
        if (at < p->end && *at == '\'')
            return fail(p, QUO_ESYNTAX, at,
                        "strings must use double quotes, not single quotes");
        if (at < p->end && *at == '/')
            return fail(p, QUO_ESYNTAX, at, "comments are not allowed in JSON");
        return unexpected(p, p->after_comma
                                 ? "expected a member name in double quotes"
                                 : "expected a member name in double quotes "
                                   "or '}'");
    }
    if ((st = scan_string(p, &si)))
        return st;
    k.len = si.len;
    if (build) {
        if (!(p->key = cJSON_malloc(si.len + 1)))
            return QUO_ENOMEM;
        copy_string(&si, p->key);
        p->key_len = si.len;
        p->key_nul = si.nul;
        k.ptr = p->key;
    } else if (!si.escaped) {
        k.ptr = (const char *)si.start; /* the text is the name */
    } else {
        if (p->arena_cap - p->arena_len < si.len + 1 &&
            !grow((void **)&p->arena, &p->arena_cap, p->arena_len,
                  p->arena_len + si.len + 1, 1, NULL))
            return QUO_ENOMEM;
        copy_string(&si, p->arena + p->arena_len);
        k.off = p->arena_len;
        p->arena_len += si.len + 1;
    }
    if ((st = add_name(p, &k, at)))
        return st;
    while (p->pos < p->end && (*p->pos == ' ' || *p->pos == '\t' ||
                               *p->pos == '\n' || *p->pos == '\r'))
        p->pos++;
    if (p->pos == p->end || *p->pos != ':')
        return unexpected(p, "expected ':' after member name");
    p->pos++;
    p->after_comma = false;
    return QUO_OK;
}

/* ---- the scanner ------------------------------------------------------- */

static const unsigned char ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1,
                                      ['\r'] = 1};

QUO_INLINE void skip_ws(parser *p)
{
    while (p->pos < p->end && ws[*p->pos])
        p->pos++;
}

static quo_status after_value_error(parser *p, const frame *f)
{
    if (!f) {
        if (*p->pos == '/')
            return fail(p, QUO_ESYNTAX, p->pos,
                        "comments are not allowed in JSON");
        return unexpected(p, "expected end of input after the JSON value");
    }
    if (p->pos == p->end)
        return fail(p, QUO_ESYNTAX, p->pos,
                    f->object ? "end of input inside object (missing '}')"
                              : "end of input inside array (missing ']')");
    if (*p->pos == '/')
        return fail(p, QUO_ESYNTAX, p->pos, "comments are not allowed in JSON");
    return unexpected(p, f->object
                             ? "expected ',' or '}' after member value"
                             : "expected ',' or ']' after array element");
}

/* The JSON text grammar as a loop over an explicit stack of open
 * containers; `build` is a constant in each inlined copy. */
QUO_INLINE quo_status scan(parser *p, const bool build)
{
    quo_status st;
    const unsigned char *end = p->end;

    if (end - p->pos >= 3 && memcmp(p->pos, "\xEF\xBB\xBF", 3) == 0)
        return fail(p, QUO_ESYNTAX, p->pos,
                    "byte order mark (U+FEFF) at the start is not allowed");
value:
    skip_ws(p);
    if (p->pos == end)
        return expected_value(p);
    switch (*p->pos) {
    case '[':
    case '{': {
        bool object = *p->pos == '{';
        if ((st = open_container(p, object, build)))
            return st;
        skip_ws(p);
        if (p->pos < end && *p->pos == (object ? '}' : ']')) {
            p->pos++;
            goto close;
        }
        p->after_comma = false;
        if (object)
            goto member;
        goto value;
    }
    case '"':
        st = string_value(p, build);
        break;
    case 't':
        st = literal_value(p, "true", 4, cJSON_True, build);
        break;
    case 'f':
        st = literal_value(p, "false", 5, cJSON_False, build);
        break;
    case 'n':
        st = literal_value(p, "null", 4, cJSON_NULL, build);
        break;
    case '-': case '0': case '1': case '2': case '3': case '4': case '5':
    case '6': case '7': case '8': case '9':
        st = number_value(p, build);
        break;
    default:
        return expected_value(p);
    }
    if (st)
        return st;
after:
    if (p->nframes == 0) {
        skip_ws(p);
        return p->pos == end ? QUO_OK : after_value_error(p, NULL);
    }
    skip_ws(p);
    {
        const frame *f = &p->frames[p->nframes - 1];
        if (p->pos < end && *p->pos == ',') {
            p->pos++;
            p->after_comma = true;
            if (f->object)
                goto member;
            goto value;
        }
        if (p->pos < end && *p->pos == (f->object ? '}' : ']')) {
            p->pos++;
            goto close;
        }
        return after_value_error(p, f);
    }
close:
    close_container(p);
    goto after;
member:
    skip_ws(p);
    if ((st = member_name(p, build)))
        return st;
    goto value;
}

/* ---- public API -------------------------------------------------------- */

static void parser_init(parser *p, const char *buf, size_t len,
                        unsigned max_depth, quo_error *err)
{
    memset(p, 0, offsetof(parser, frames_inline));
    p->buf = p->pos = (const unsigned char *)(buf ? buf : "");
    p->end = p->buf + (buf ? len : 0);
    p->max_depth = max_depth ? max_depth : QUO_JSON_DEFAULT_MAX_DEPTH;
    p->err = err;
    p->frames = p->frames_inline;
    p->frames_cap = sizeof p->frames_inline / sizeof p->frames_inline[0];
    p->keys = p->keys_inline;
    p->keys_cap = sizeof p->keys_inline / sizeof p->keys_inline[0];
    if (err) { /* cleared by hand: formatting "" costs as much as a small parse */
        err->status = QUO_OK;
        err->offset = 0;
        err->message[0] = '\0';
    }
}

static void parser_release(parser *p)
{
    while (p->nframes)
        close_container(p);
    if (p->frames != p->frames_inline)
        cJSON_free(p->frames);
    if (p->keys != p->keys_inline)
        cJSON_free(p->keys);
    cJSON_free(p->arena);
    cJSON_free(p->key);
}

static quo_status finish(parser *p, quo_status st)
{
    if (st == QUO_ENOMEM)
        quo_error_set(p->err, QUO_ENOMEM, (size_t)(p->pos - p->buf),
                      "out of memory while parsing JSON (at byte %zu)",
                      (size_t)(p->pos - p->buf));
    parser_release(p);
    return st;
}

quo_status quo_json_check(const char *buf, size_t len, unsigned max_depth,
                          quo_error *err)
{
    parser p;
    if (!buf && len)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "quo_json_check: NULL buffer with length %zu",
                             len);
    parser_init(&p, buf, len, max_depth, err);
    return finish(&p, scan(&p, false));
}

quo_status quo_json_parse(const char *buf, size_t len, unsigned max_depth,
                          quo_json_doc **out, quo_error *err)
{
    parser p;
    quo_json_doc *doc;
    quo_status st;

    if (!out || (!buf && len))
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "quo_json_parse: NULL %s",
                             out ? "buffer with nonzero length" : "out");
    *out = NULL;
    parser_init(&p, buf, len, max_depth, err);
    if (!(doc = cJSON_malloc(sizeof *doc)))
        return finish(&p, QUO_ENOMEM);
    memset(doc, 0, sizeof *doc);
    p.doc = doc;
    st = finish(&p, scan(&p, true));
    doc->root = p.root;
    if (st) {
        quo_json_free(doc);
        return st;
    }
    *out = doc;
    return QUO_OK;
}

const cJSON *quo_json_root(const quo_json_doc *doc)
{
    return doc ? doc->root : NULL;
}

size_t quo_json_strlen(const quo_json_doc *doc, const cJSON *node)
{
    size_t len;
    if (!node || !node->valuestring)
        return 0;
    return nul_get(doc, node, 0, &len) ? len : strlen(node->valuestring);
}

size_t quo_json_keylen(const quo_json_doc *doc, const cJSON *node)
{
    size_t len;
    if (!node || !node->string)
        return 0;
    return nul_get(doc, node, 1, &len) ? len : strlen(node->string);
}

bool quo_json_has_nul(const quo_json_doc *doc)
{
    return doc && doc->nul_count > 0;
}

void quo_json_delete(cJSON *item)
{
    free_tree(item);
}

void quo_json_free(quo_json_doc *doc)
{
    if (!doc)
        return;
    free_tree(doc->root);
    cJSON_free(doc->nul);
    cJSON_free(doc);
}
