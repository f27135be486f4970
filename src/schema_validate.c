/* schema_validate.c - an instance against a compiled schema (see
 * schema_internal.h).
 *
 * Validation walks instance and nodes together. The instance location is a
 * chain of `seg` records on the C stack, turned into a JSON Pointer only
 * when a violation is reported, so the valid path allocates nothing.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/utf8.h"

#include "schema_internal.h"

/* ----------------------------------------------------------- validation */

/* One step of the instance location, on the C stack. */
typedef struct seg {
    const struct seg *up;
    const char *key; /* member name, or NULL for an array index */
    size_t len;      /* name length, or the index */
} seg;

typedef struct vctx {
    const quo_json_doc *doc;
    quo_violations *out;
    quo_status st;     /* QUO_ENOMEM or QUO_ELIMIT (not judged) stops everything */
    unsigned depth;
    bool utf_checked;  /* strings came through the JSON gate */
} vctx;

static size_t index_digits(size_t v)
{
    size_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static size_t seg_len(const seg *s)
{
    return s->key ? token_len(s->key, s->len) : index_digits(s->len);
}

/* The JSON Pointer of a location, in buf if it fits, else on the heap. */
static char *path_text(const seg *at, char *buf, size_t cap)
{
    size_t total = 0;
    for (const seg *s = at; s; s = s->up)
        total += 1 + seg_len(s);
    char *p = total < cap ? buf : malloc(total + 1);
    if (!p)
        return NULL;
    p[total] = '\0';
    char *end = p + total;
    for (const seg *s = at; s; s = s->up) {
        char *start = end - seg_len(s);
        if (s->key) {
            token_write(start, s->key, s->len);
        } else {
            size_t v = s->len;
            for (char *q = end; q > start; v /= 10)
                *--q = (char)('0' + v % 10);
        }
        start[-1] = '/';
        end = start - 1;
    }
    return p;
}

static void report(vctx *c, const seg *at, const cJSON *value, const char *keyword,
                   const char *stype, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void report(vctx *c, const seg *at, const cJSON *value, const char *keyword,
                   const char *stype, const char *fmt, ...)
{
    char msg_small[256], path_small[256];
    char *msg = msg_small;
    if (c->st != QUO_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg_small, sizeof msg_small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof msg_small) {
        msg = malloc((size_t)n + 1);
        if (msg) {
            va_start(ap, fmt);
            vsnprintf(msg, (size_t)n + 1, fmt, ap);
            va_end(ap);
        }
    }
    char *path = path_text(at, path_small, sizeof path_small);
    if (n < 0 || !msg || !path ||
        quo_violations_add_doc(c->out, c->doc, path, value, keyword, stype ? stype : "any", "%s", msg) !=
            QUO_OK)
        c->st = QUO_ENOMEM;
    if (msg != msg_small)
        free(msg);
    if (path != path_small)
        free(path);
}

/* The declared type of a node, looking through $ref. */
static const char *effective_type(const snode *s)
{
    for (unsigned hops = 0; s && hops < MAX_COMPILE_DEPTH; hops++, s = s->ref)
        if (s->type_name)
            return s->type_name;
    return NULL;
}

/* --------------------------------------------------- evaluated members */

/* Which members (of an object) or elements (of an array) of one instance
 * value the keywords applied to it so far evaluated: the annotations
 * unevaluatedProperties/unevaluatedItems need (draft 2020-12 section 11).
 * Only nodes that have such a keyword, and the subschemas they apply in
 * place, keep one; everything else passes NULL and pays nothing. A set
 * lives on the C stack, with room for 256 entries before it allocates. */
typedef struct evset {
    unsigned char *bits;
    size_t n;
    bool all;
    unsigned char small[32];
} evset;

static bool ev_init(vctx *c, evset *ev, size_t n)
{
    ev->n = n;
    ev->all = false;
    ev->bits = n <= 8 * sizeof ev->small ? ev->small : calloc((n + 7) / 8, 1);
    if (!ev->bits) {
        c->st = QUO_ENOMEM;
        return false;
    }
    if (ev->bits == ev->small)
        memset(ev->small, 0, sizeof ev->small);
    return true;
}

static void ev_free(evset *ev)
{
    if (ev->bits != ev->small)
        free(ev->bits);
}

static void ev_mark(evset *ev, size_t i)
{
    if (ev && i < ev->n)
        ev->bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

static bool ev_has(const evset *ev, size_t i)
{
    return ev->all || (ev->bits[i / 8] & (1u << (i % 8)));
}

static void ev_merge(evset *to, const evset *from)
{
    if (!to)
        return;
    to->all |= from->all;
    for (size_t i = 0; !to->all && i < (from->n + 7) / 8; i++)
        to->bits[i] |= from->bits[i];
}

/* ------------------------------------------------------------- strings */

static inline bool v_node(vctx *c, const snode *s, const cJSON *x, const seg *at,
                          bool collect, const char *itype, evset *ev);

static size_t cp_count(const char *str, size_t len, size_t *cache)
{
    if (*cache == SIZE_MAX)
        *cache = quo_utf8_count(str, len);
    return *cache;
}

/* A regex search result as a verdict; a PCRE2 limit is ours, not the
 * instance's fault: the document is not judged (QUO_ELIMIT). */
static int regex_verdict(vctx *c, quo_regex_result r)
{
    if (r == QUO_REGEX_ENOMEM || r == QUO_REGEX_LIMIT) {
        c->st = r == QUO_REGEX_ENOMEM ? QUO_ENOMEM : QUO_ELIMIT;
        return -1;
    }
    return r == QUO_REGEX_MATCH;
}

static bool v_string(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                     const char *stype)
{
    const char *str = str_of(x);
    size_t len = str_len(c->doc, x), count = SIZE_MAX;
    bool ok = true;
    /* Code points are between len/4 and len: count only when that is not
     * enough to decide. */
    if ((s->kw & K_MINLEN) && (len + 3) / 4 < s->min_len &&
        (len < s->min_len || cp_count(str, len, &count) < s->min_len)) {
        if (!collect)
            return false;
        report(c, at, x, "minLength", stype, "must be at least %zu character%s long",
               s->min_len, s->min_len == 1 ? "" : "s");
        ok = false;
    }
    if ((s->kw & K_MAXLEN) && len > s->max_len &&
        ((len + 3) / 4 > s->max_len || cp_count(str, len, &count) > s->max_len)) {
        if (!collect)
            return false;
        report(c, at, x, "maxLength", stype, "must be at most %zu character%s long",
               s->max_len, s->max_len == 1 ? "" : "s");
        ok = false;
    }
    if (s->kw & K_PATTERN) {
        int m = regex_verdict(c, quo_regex_search(s->re, str, len, c->utf_checked));
        if (m < 0)
            return false;
        if (!m) {
            if (!collect)
                return false;
            report(c, at, x, "pattern", stype, "%s", s->pattern_msg);
            ok = false;
        }
    }
    int f = s->kw & K_FORMAT ? quo_format_check(s->format, s->format_aux, str, len) : 1;
    if (f < 0) {
        c->st = QUO_ENOMEM;
        return false;
    }
    if (!f) {
        if (!collect)
            return false;
        report(c, at, x, "format", stype, "%s", quo_format_message(s->format));
        ok = false;
    }
    return ok;
}

/* ------------------------------------------------------------- numbers */

/* v is an integer multiple of m (m > 0). fmod() is exact, so a zero
 * remainder settles it (also where v / m overflows: 1e308 is a multiple of
 * 0.5). Decimal fractions are not exact in binary, so otherwise the
 * quotient may miss an integer by a rounding error: it counts as one
 * within 1e-9 of its size. */
static bool is_multiple(double v, double m)
{
    if (fmod(v, m) == 0)
        return true;
    double q = v / m;
    if (!isfinite(q))
        return false;
    double r = nearbyint(q);
    return fabs(q - r) <= 1e-9 * fmax(1.0, fabs(q));
}

static bool v_number(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                     const char *stype)
{
    double v = x->valuedouble;
    uint64_t kw = s->kw;
    bool ok = true;
#define BOUND(bit, fails, name, msg)                      \
    if ((kw & (bit)) && (fails)) {                        \
        if (!collect)                                     \
            return false;                                 \
        report(c, at, x, name, stype, "%s", msg);         \
        ok = false;                                       \
    }
    BOUND(K_MIN, !(v >= s->minimum), "minimum", s->min_msg)
    BOUND(K_MAX, !(v <= s->maximum), "maximum", s->max_msg)
    BOUND(K_XMIN, !(v > s->xminimum), "exclusiveMinimum", s->xmin_msg)
    BOUND(K_XMAX, !(v < s->xmaximum), "exclusiveMaximum", s->xmax_msg)
    BOUND(K_MULTIPLE, !is_multiple(v, s->multiple), "multipleOf", s->multiple_msg)
#undef BOUND
    return ok;
}

/* ------------------------------------------------------------- objects */

static long find_prop(const snode *s, const char *name, size_t len)
{
    if (s->hash) {
        size_t mask = s->hash_cap - 1;
        for (size_t j = name_hash(name, len) & mask; s->hash[j]; j = (j + 1) & mask) {
            const prop *p = &s->props[s->hash[j] - 1];
            if (p->len == len && memcmp(p->name, name, len) == 0)
                return (long)s->hash[j] - 1;
        }
        return -1;
    }
    for (size_t i = 0; i < s->nprops; i++) {
        const prop *p = &s->props[i];
        if (p->len == len &&
            (len == 0 || (p->name[0] == name[0] && memcmp(p->name, name, len) == 0)))
            return (long)i;
    }
    return -1;
}

static void report_missing(vctx *c, const snode *s, size_t idx, const seg *at)
{
    const prop *p = &s->props[idx];
    seg sub = {at, p->name, p->len};
    report(c, &sub, NULL, "required", p->schema ? effective_type(p->schema) : NULL,
           "is required");
}

static bool v_required(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                       uint64_t seen)
{
    bool ok = true;
    if (s->nprops <= 64) {
        if ((seen & s->req_mask) == s->req_mask)
            return true;
        if (!collect)
            return false;
        for (size_t i = 0; i < s->nreq; i++)
            if (!(seen & (1ull << s->req[i])))
                report_missing(c, s, s->req[i], at);
        return false;
    }
    for (size_t i = 0; i < s->nreq; i++) {
        const prop *p = &s->props[s->req[i]];
        if (json_member(x, p->name, p->len, c->doc))
            continue;
        if (!collect)
            return false;
        report_missing(c, s, s->req[i], at);
        ok = false;
    }
    return ok;
}

/* properties, patternProperties and additionalProperties for one member
 * (position idx); marks it in ev when one of them evaluates it. */
static inline bool v_member(vctx *c, const snode *s, const cJSON *m, size_t idx, const seg *at,
                     bool collect, const char *stype, evset *ev, uint64_t *seen)
{
    size_t len = key_len(c->doc, m);
    seg sub = {at, key_of(m), len};
    bool matched = false, ok = true;
    long i = s->nprops ? find_prop(s, key_of(m), len) : -1;
    if (i >= 0) {
        if (i < 64)
            *seen |= 1ull << i;
        if (s->props[i].declared) {
            matched = true;
            if (!v_node(c, s->props[i].schema, m, &sub, collect, NULL, NULL)) {
                ok = false;
                if (!collect || c->st != QUO_OK)
                    return false;
            }
        }
    }
    for (size_t k = 0; k < s->npprops; k++) { /* rare: no cost when absent */
        int hit = regex_verdict(c, quo_regex_search(s->pprops[k].re, key_of(m), len,
                                                    c->utf_checked));
        if (hit < 0)
            return false;
        if (!hit)
            continue;
        matched = true;
        if (!v_node(c, s->pprops[k].schema, m, &sub, collect, NULL, NULL)) {
            ok = false;
            if (!collect || c->st != QUO_OK)
                return false;
        }
    }
    if (matched || s->additional)
        ev_mark(ev, idx);
    if (matched || !s->additional)
        return ok;
    if (s->additional_false) {
        if (collect)
            report(c, &sub, m, "additionalProperties", stype, "%s", s->allowed_msg);
        return false;
    }
    return v_node(c, s->additional, m, &sub, collect, NULL, NULL) && ok;
}

/* propertyNames: the name, as a string instance, against the schema. The
 * violation is one item at the member, quoting the schema's reason. */
static bool v_name(vctx *c, const snode *s, const cJSON *m, const seg *at, bool collect,
                   const char *stype)
{
    cJSON name;
    memset(&name, 0, sizeof name);
    name.type = cJSON_String;
    name.valuestring = m->string ? m->string : (char *)"";
    vctx quiet = *c;
    quiet.out = NULL;
    bool ok = v_node(&quiet, s->propnames, &name, at, false, NULL, NULL);
    c->st = quiet.st;
    if (ok || !collect || c->st != QUO_OK)
        return ok;
    quo_violations why;
    quo_violations_init(&why);
    quiet.out = &why;
    v_node(&quiet, s->propnames, &name, at, true, NULL, NULL);
    c->st = quiet.st;
    size_t len = key_len(c->doc, m);
    seg sub = {at, key_of(m), len};
    report(c, &sub, NULL, "propertyNames", stype,
           "has a name \"propertyNames\" does not allow: the name %s (schema path "
           "\"%s/propertyNames\")",
           why.count ? why.items[0].message : "is not allowed", s->spath);
    quo_violations_free(&why);
    return false;
}

static bool v_dep_required(vctx *c, const snode *s, const cJSON *x, const seg *at,
                           bool collect)
{
    bool ok = true;
    for (size_t i = 0; i < s->ndreq; i++) {
        const dep_req *d = &s->dreq[i];
        if (!json_member(x, d->name, d->len, c->doc))
            continue;
        for (size_t k = 0; k < d->nneeds; k++) {
            if (json_member(x, d->needs[k], d->needs_len[k], c->doc))
                continue;
            if (!collect)
                return false;
            quo_buf b = QUO_BUF_INIT;
            sb_json_chars(&b, d->name, d->len);
            seg sub = {at, d->needs[k], d->needs_len[k]};
            if (b.failed)
                c->st = QUO_ENOMEM;
            else
                report(c, &sub, NULL, "dependentRequired", NULL,
                       "is required when \"%s\" is present", b.data ? b.data : "");
            free(b.data);
            ok = false;
        }
    }
    return ok;
}

/* minProperties, maxProperties, dependentRequired; n is the member count. */
static bool v_object_counts(vctx *c, const snode *s, const cJSON *x, size_t n, const seg *at,
                            bool collect, const char *stype)
{
    bool ok = true;
    if ((s->kw & K_MINPROPS) && n < s->min_props) {
        if (!collect)
            return false;
        report(c, at, x, "minProperties", stype, "must have at least %zu member%s",
               s->min_props, s->min_props == 1 ? "" : "s");
        ok = false;
    }
    if ((s->kw & K_MAXPROPS) && n > s->max_props) {
        if (!collect)
            return false;
        report(c, at, x, "maxProperties", stype, "must have at most %zu member%s",
               s->max_props, s->max_props == 1 ? "" : "s");
        ok = false;
    }
    if ((s->kw & K_DEPREQ) && !v_dep_required(c, s, x, at, collect))
        ok = false;
    return ok;
}

static bool v_object(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                     const char *stype, evset *ev)
{
    uint64_t seen = 0;
    bool ok = true;
    size_t idx = 0;
    bool members = s->nprops || s->npprops || s->additional, names = s->kw & K_PROPNAMES;
    if (members || names) {
        for (const cJSON *m = x->child; m; m = m->next, idx++) {
            if (members && !v_member(c, s, m, idx, at, collect, stype, ev, &seen))
                ok = false;
            if (names && !v_name(c, s, m, at, collect, stype))
                ok = false;
            if (!ok && (!collect || c->st != QUO_OK))
                return false;
        }
    } else if (s->kw & (K_MINPROPS | K_MAXPROPS)) {
        idx = count_children(x);
    }
    if (s->nreq && !v_required(c, s, x, at, collect, seen))
        ok = false;
    if ((s->kw & (K_MINPROPS | K_MAXPROPS | K_DEPREQ)) &&
        !v_object_counts(c, s, x, idx, at, collect, stype))
        ok = false;
    return ok;
}

/* -------------------------------------------------------------- arrays */

static int cmp_hash(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* uniqueItems: the indices of two equal items into *i, *j; 0 when none,
 * -1 when out of memory. Items are sorted by a hash (high bits) carrying
 * their index (low bits), so equal pairs cost O(n log n) to find. */
static int find_duplicate(vctx *c, const cJSON *x, size_t n, size_t *i, size_t *j)
{
    uint64_t small[64];
    uint64_t *h = n <= 64 ? small : malloc(n * sizeof *h);
    const cJSON **item = n <= 64 ? NULL : malloc(n * sizeof *item);
    const cJSON *small_items[64];
    if (n <= 64)
        item = small_items;
    if (!h || !item || n >= (1u << 24)) {
        if (h != small)
            free(h);
        if (item != small_items)
            free((void *)item);
        return n >= (1u << 24) && h && item ? -2 : -1;
    }
    size_t k = 0;
    for (const cJSON *e = x->child; e; e = e->next, k++) {
        uint64_t v;
        json_hash(e, c->doc, &v);
        h[k] = (v & ~0xFFFFFFull) | k;
        item[k] = e;
    }
    qsort(h, n, sizeof *h, cmp_hash);
    int found = 0;
    for (size_t a = 0; a < n && !found; a++)
        for (size_t b = a + 1; b < n && (h[b] >> 24) == (h[a] >> 24) && !found; b++) {
            int eq = json_equal(item[h[a] & 0xFFFFFF], item[h[b] & 0xFFFFFF], c->doc);
            if (eq < 0) {
                found = -1;
            } else if (eq) {
                size_t p = h[a] & 0xFFFFFF, q = h[b] & 0xFFFFFF;
                *i = p < q ? p : q;
                *j = p < q ? q : p;
                found = 1;
            }
        }
    if (h != small)
        free(h);
    if (item != small_items)
        free((void *)item);
    return found;
}

static bool v_unique(vctx *c, const cJSON *x, size_t n, const seg *at, bool collect,
                     const char *stype)
{
    size_t i = 0, j = 0;
    int dup = n < 2 ? 0 : find_duplicate(c, x, n, &i, &j);
    if (dup < 0) {
        c->st = dup == -1 ? QUO_ENOMEM : QUO_ELIMIT;
        return false;
    }
    if (!dup)
        return true;
    if (collect)
        report(c, at, x, "uniqueItems", stype,
               "must not repeat an item (items %zu and %zu are equal)", i, j);
    return false;
}

static bool v_contains(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                       const char *stype, evset *ev)
{
    size_t found = 0, i = 0;
    for (const cJSON *k = x->child; k; k = k->next, i++) {
        seg sub = {at, NULL, i};
        if (v_node(c, s->contains, k, &sub, false, NULL, NULL)) {
            found++;
            ev_mark(ev, i);
        }
        if (c->st != QUO_OK)
            return false;
    }
    bool few = found < s->min_contains, many = found > s->max_contains;
    if (!few && !many)
        return true;
    if (collect) {
        size_t want = few ? s->min_contains : s->max_contains;
        report(c, at, x, few ? (s->min_contains == 1 ? "contains" : "minContains") : "maxContains",
               stype,
               "must contain at %s %zu item%s matching \"contains\", not %zu (schema path "
               "\"%s/contains\")",
               few ? "least" : "most", want, want == 1 ? "" : "s", found, s->spath);
    }
    return false;
}

static bool v_array(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                    const char *stype, evset *ev)
{
    bool ok = true;
    size_t n = 0;
    for (const cJSON *k = x->child; k; k = k->next, n++) {
        const snode *item = n < s->nprefix ? s->prefix[n] : s->items;
        if (!item)
            continue;
        ev_mark(ev, n);
        seg sub = {at, NULL, n};
        if (!v_node(c, item, k, &sub, collect, NULL, NULL)) {
            ok = false;
            if (!collect || c->st != QUO_OK)
                return false;
        }
    }
    if ((s->kw & K_MINITEMS) && n < s->min_items) {
        if (!collect)
            return false;
        report(c, at, x, "minItems", stype, "must have at least %zu item%s", s->min_items,
               s->min_items == 1 ? "" : "s");
        ok = false;
    }
    if ((s->kw & K_MAXITEMS) && n > s->max_items) {
        if (!collect)
            return false;
        report(c, at, x, "maxItems", stype, "must have at most %zu item%s", s->max_items,
               s->max_items == 1 ? "" : "s");
        ok = false;
    }
    if ((s->kw & K_UNIQUE) && !v_unique(c, x, n, at, collect, stype))
        ok = false;
    if ((!ok && !collect) || c->st != QUO_OK)
        return false;
    if ((s->kw & K_CONTAINS) && !v_contains(c, s, x, at, collect, stype, ev))
        ok = false;
    return ok;
}

/* unevaluatedProperties / unevaluatedItems: what no other keyword of this
 * node (and the subschemas applied to the same value) evaluated. */
static bool v_unevaluated(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                          const char *stype, evset *ev)
{
    bool object = cJSON_IsObject(x), ok = true;
    const snode *u = object ? s->uneval_props : s->uneval_items;
    const char *kw = object ? "unevaluatedProperties" : "unevaluatedItems";
    size_t i = 0;
    for (const cJSON *k = x->child; k && !ev->all; k = k->next, i++) {
        if (ev_has(ev, i))
            continue;
        seg sub = {at, object ? key_of(k) : NULL, object ? key_len(c->doc, k) : i};
        if (u->kw & K_FALSE) {
            if (!collect)
                return false;
            report(c, &sub, k, kw, stype,
                   "is not allowed here: no keyword evaluates it, and %s is false (schema "
                   "path \"%s/%s\")", kw, s->spath, kw);
            ok = false;
        } else if (!v_node(c, u, k, &sub, collect, NULL, NULL)) {
            ok = false;
            if (!collect || c->st != QUO_OK)
                return false;
        }
    }
    ev->all = true;
    return ok;
}

/* ---------------------------------------------------------- applicators */

/* One subschema applied in place with its own evaluated set, merged into
 * ev when it passes (anyOf, oneOf, if: a failing branch's annotations are
 * dropped). With ev NULL this is a plain check. */
static bool v_branch(vctx *c, const snode *b, const cJSON *x, const seg *at, const char *stype,
                     evset *ev)
{
    if (!ev)
        return v_node(c, b, x, at, false, stype, NULL);
    evset mine;
    if (!ev_init(c, &mine, ev->n))
        return false;
    bool ok = v_node(c, b, x, at, false, stype, &mine);
    if (ok)
        ev_merge(ev, &mine);
    ev_free(&mine);
    return ok;
}

/* Branch i cannot match: x is an object without the member the branch
 * requires (its probe). Skipping it changes no verdict: a failing branch
 * adds nothing (no annotations, and anyOf/oneOf report one violation). */
static inline bool v_ruled_out(const vctx *c, const prop *const *probes, size_t i,
                               const cJSON *x)
{
    const prop *p = probes ? probes[i] : NULL;
    if (!p || !cJSON_IsObject(x))
        return false;
    /* json_member(), with the first byte compared before the length is
     * asked for: most members differ there. */
    for (const cJSON *m = x->child; m; m = m->next)
        if (m->string && m->string[0] == p->name[0] && key_len(c->doc, m) == p->len &&
            memcmp(key_of(m), p->name, p->len) == 0)
            return false;
    return true;
}

static bool v_anyof(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                    const char *stype, evset *ev)
{
    bool any = false;
    /* With annotations to collect every branch counts, else the first match decides. */
    for (size_t i = 0; i < s->nany && (!any || ev) && c->st == QUO_OK; i++)
        if (!v_ruled_out(c, s->any_probe, i, x))
            any |= v_branch(c, s->any[i], x, at, stype, ev);
    if (c->st != QUO_OK)
        return false;
    if (!any && collect)
        report(c, at, x, "anyOf", stype,
               "must match at least one of the %zu allowed alternatives", s->nany);
    return any;
}

static bool v_oneof(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                    const char *stype, evset *ev)
{
    size_t matched = 0, which = 0;
    for (size_t i = 0; i < s->none && matched < 2 && c->st == QUO_OK; i++)
        if (!v_ruled_out(c, s->one_probe, i, x) && v_node(c, s->one[i], x, at, false, stype, NULL)) {
            matched++;
            which = i;
        }
    if (c->st != QUO_OK)
        return false;
    if (matched == 1)
        return !ev || v_branch(c, s->one[which], x, at, stype, ev);
    if (collect)
        report(c, at, x, "oneOf", stype,
               "must match exactly one of the %zu allowed alternatives, but matches %s",
               s->none, matched ? "more than one" : "none");
    return false;
}

static bool v_if(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                 const char *stype, evset *ev)
{
    bool cond = v_branch(c, s->if_, x, at, stype, ev);
    if (c->st != QUO_OK)
        return false;
    const snode *then = cond ? s->then_ : s->else_;
    return !then || v_node(c, then, x, at, collect, stype, ev);
}

/* $ref, allOf, anyOf, oneOf, not, if/then/else, dependentSchemas: other
 * schemas applied to the same value. An anyOf/oneOf failure is one
 * violation here (see quo/schema.h). */
static bool v_apply(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                    const char *stype, evset *ev)
{
    bool ok = true;
#define STEP(cond)                                  \
    do {                                            \
        if (!(cond)) {                              \
            ok = false;                             \
            if (!collect || c->st != QUO_OK)        \
                return false;                       \
        }                                           \
    } while (0)
    if (s->kw & K_REF)
        STEP(v_node(c, s->ref, x, at, collect, stype, ev));
    for (size_t i = 0; i < s->nall; i++)
        STEP(v_node(c, s->all[i], x, at, collect, stype, ev));
    if (s->nany)
        STEP(v_anyof(c, s, x, at, collect, stype, ev));
    if (s->none)
        STEP(v_oneof(c, s, x, at, collect, stype, ev));
    if (s->kw & K_NOT) {
        bool matched = v_node(c, s->not_, x, at, false, stype, NULL);
        if (c->st != QUO_OK)
            return false;
        if (matched && collect)
            report(c, at, x, "not", stype,
                   "must not match the \"not\" schema (schema path \"%s/not\")", s->spath);
        STEP(!matched);
    }
    if (s->kw & K_IF)
        STEP(v_if(c, s, x, at, collect, stype, ev));
    for (size_t i = 0; i < s->ndsch && cJSON_IsObject(x); i++)
        if (json_member(x, s->dsch[i].name, s->dsch[i].len, c->doc))
            STEP(v_node(c, s->dsch[i].schema, x, at, collect, stype, ev));
#undef STEP
    return ok;
}

/* ----------------------------------------------------------------- nodes */

static bool v_body(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                   const char *stype, evset *ev)
{
    uint64_t kw = s->kw;
    unsigned tb = instance_bits(x);
    bool ok = true;

    if ((kw & K_TYPE) && !(tb & s->accept)) {
        if (!collect)
            return false;
        report(c, at, x, "type", stype, "%s, not %s", s->type_msg, instance_phrase(x));
        ok = false;
    }
    if ((tb & TB_STRING) && (kw & K_STRING_KW))
        ok = v_string(c, s, x, at, collect, stype) && ok;
    else if ((tb & TB_NUMBER) && (kw & K_NUMBER_KW))
        ok = v_number(c, s, x, at, collect, stype) && ok;
    else if ((tb & TB_OBJECT) && (kw & K_OBJECT_KW))
        ok = v_object(c, s, x, at, collect, stype, ev) && ok;
    else if ((tb & TB_ARRAY) && (kw & K_ARRAY_KW))
        ok = v_array(c, s, x, at, collect, stype, ev) && ok;
    if ((!ok && !collect) || c->st != QUO_OK)
        return false;

    if ((kw & K_CONST) && !cval_equal(&s->konst, x, c->doc)) {
        if (!collect)
            return false;
        report(c, at, x, "const", stype, "%s", s->const_msg);
        ok = false;
    }
    if (kw & K_ENUM) {
        bool found = false;
        for (size_t i = 0; i < s->nenum && !found; i++)
            found = cval_equal(&s->enums[i], x, c->doc);
        if (!found) {
            if (!collect)
                return false;
            report(c, at, x, "enum", stype, "%s", s->enum_msg);
            ok = false;
        }
    }
    if (kw & K_APPLY_KW)
        ok = v_apply(c, s, x, at, collect, stype, ev) && ok;
    if ((!ok && !collect) || c->st != QUO_OK)
        return false;
    if (((kw & K_UNEVAL_PROPS) && (tb & TB_OBJECT)) || ((kw & K_UNEVAL_ITEMS) && (tb & TB_ARRAY)))
        ok = v_unevaluated(c, s, x, at, collect, stype, ev) && ok;
    return ok && c->st == QUO_OK;
}

/* A node with unevaluated* judges with the annotations of its own
 * subtree, then hands them up. Out of line: most nodes have none. */
static bool v_body_own(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                       const char *stype, evset *ev)
{
    evset mine;
    if (!ev_init(c, &mine, count_children(x)))
        return false;
    bool ok = v_body(c, s, x, at, collect, stype, &mine);
    if (ok)
        ev_merge(ev, &mine);
    ev_free(&mine);
    return ok;
}

/* The entry of every subschema application; inlined where it is called
 * per member or item (its fast exits are the hot path). */
static inline bool v_node(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                          const char *itype, evset *ev)
{
    if (!s->kw)
        return true; /* `true` or {} */
    const char *stype = s->type_name ? s->type_name : itype;
    if (s->kw & K_FALSE) {
        if (collect)
            report(c, at, x, "false", stype, "is not allowed here (the schema is false)");
        return false;
    }
    if (c->depth >= MAX_VALIDATE_DEPTH) {
        c->st = QUO_ELIMIT; /* our limit, not the instance's fault: not judged */
        return false;
    }
    c->depth++;
    bool ok = (s->kw & (K_UNEVAL_PROPS | K_UNEVAL_ITEMS)) &&
                      (((s->kw & K_UNEVAL_PROPS) && cJSON_IsObject(x)) ||
                       ((s->kw & K_UNEVAL_ITEMS) && cJSON_IsArray(x)))
                  ? v_body_own(c, s, x, at, collect, stype, ev)
                  : v_body(c, s, x, at, collect, stype, ev);
    c->depth--;
    return ok;
}

quo_status quo_schema_validate(const quo_schema *schema, const cJSON *instance,
                               const quo_json_doc *doc, quo_violations *out)
{
    if (!schema || !instance || !out)
        return QUO_EUSAGE;
    vctx c = {doc, out, QUO_OK, 0, doc != NULL};
    size_t before = out->count;
    v_node(&c, schema->root, instance, NULL, true, NULL, NULL);
    if (c.st == QUO_ELIMIT) {
        /* Not judged: a partial list would read as a verdict. */
        while (out->count > before) {
            quo_violation *v = &out->items[--out->count];
            free(v->path);
            free(v->message);
            quo_json_delete(v->value);
        }
    }
    return c.st;
}

bool quo_schema_is_valid(const quo_schema *schema, const cJSON *instance,
                         const quo_json_doc *doc)
{
    if (!schema || !instance)
        return false;
    vctx c = {doc, NULL, QUO_OK, 0, doc != NULL};
    return v_node(&c, schema->root, instance, NULL, false, NULL, NULL) && c.st == QUO_OK;
}
