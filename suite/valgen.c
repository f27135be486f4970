/* suite/valgen.c - see valgen.h.
 *
 * Two steps. First the schema's constraints are read into one `cset`
 * (allOf branches and $ref targets merged in, each keyword remembering its
 * document pointer). Then candidates are written from the cset, each aimed
 * at one keyword, and every candidate is judged by the compiled schema:
 * only those the validator agrees with reach the caller. Generation may
 * therefore be simple-minded (a length value that also breaks a pattern is
 * just dropped); the polarity of what is returned is always the
 * validator's.
 */
#include "quo/array.h"
#include "valgen.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/json.h"
#include "quo/utf8.h"
#include "regex_gen.h"
#include "valgen_internal.h"

#define QV_MAX_ENUM 64u /* enum values taken one by one */
#define QV_MAX_NOT 4u

/* JSON types as bits; "number" accepts integers too. */
enum {
    T_NULL = 1u << 0,
    T_BOOL = 1u << 1,
    T_INT = 1u << 2,
    T_NUM = 1u << 3,
    T_STR = 1u << 4,
    T_ARR = 1u << 5,
    T_OBJ = 1u << 6,
    T_ALL = (1u << 7) - 1
};

static const struct {
    unsigned bit;
    const char *name;
} type_names[] = {
    {T_NULL, "null"},  {T_BOOL, "boolean"}, {T_INT, "integer"}, {T_NUM, "number"},
    {T_STR, "string"}, {T_ARR, "array"},    {T_OBJ, "object"},
};

/* One numeric keyword: its value and where it is. */
typedef struct nkw {
    bool has;
    double v;
    const char *ptr;
} nkw;

/* A schema's constraints with allOf merged in. Pointers live in `ptrs`. */
typedef struct cset {
    qc_strlist ptrs; /* owns every pointer below */
    bool has_type;
    unsigned types;
    const char *type_ptr;
    const cJSON *enum_;
    const char *enum_ptr;
    const cJSON *const_;
    const char *const_ptr;
    nkw min_len, max_len, minimum, maximum, xmin, xmax, mult, min_items, max_items;
    const char *pattern, *pattern_ptr;
    const char *format, *format_ptr;
    bool unique;
    const char *unique_ptr;
    const cJSON *items;
    const char *items_ptr;
    const cJSON *props;
    const char *props_ptr;
    const cJSON *required;
    const char *required_ptr;
    bool closed;
    const char *closed_ptr;
    size_t nnot;
    const cJSON *not_[QV_MAX_NOT];
    const char *not_ptr[QV_MAX_NOT];
} cset;

typedef struct gen {
    const quo_contract *c;
    qc_strlist *notes; /* keywords not generated, for `dropped` */
    quo_error *err;
    quo_status st;
} gen;

/* ------------------------------------------------------------- the list */

void qv_list_init(qv_list *l)
{
    l->items = NULL;
    l->count = 0;
    l->cap = 0;
    qc_strlist_init(&l->dropped);
}

static void value_free(qv_value *v)
{
    cJSON_Delete(v->value);
    free(v->pointer);
    free(v->label);
    free(v->summary);
}

void qv_list_free(qv_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        value_free(&l->items[i]);
    free(l->items);
    qc_strlist_free(&l->dropped);
    qv_list_init(l);
}

static bool list_push(qv_list *l, qv_value *v)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        qv_value *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return false;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = *v;
    return true;
}

bool qv_cand_add(qv_list *l, cJSON *value, qv_polarity pol, const char *keyword,
                 const char *pointer, const char *label, const char *fmt, ...)
{
    qv_value v = {value, pol, keyword, qc_strdup(pointer), qc_strdup(label), NULL};
    va_list ap;
    va_start(ap, fmt);
    v.summary = quo_vformat(fmt, ap);
    va_end(ap);
    if (!v.value || !v.pointer || !v.label || !v.summary || !list_push(l, &v)) {
        value_free(&v);
        return false;
    }
    return true;
}

/* A new formatted string (the caller frees it), NULL on ENOMEM. */
static char *format(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = quo_vformat(fmt, ap);
    va_end(ap);
    return s;
}

/* ------------------------------------------------------------- pointers */

/* base + "/" + token with ~ and / escaped (RFC 6901). */
static char *ptr_join(const char *base, const char *token)
{
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, base);
    quo_json_pointer_append(&b, token);
    return quo_buf_take(&b, NULL);
}

/* A pointer kept in the cset (NULL on ENOMEM). */
static const char *cs_ptr(gen *g, cset *s, const char *base, const char *token)
{
    char *p = ptr_join(base, token);
    if (!p || !qc_strlist_add(&s->ptrs, p)) {
        free(p);
        g->st = QUO_ENOMEM;
        return NULL;
    }
    free(p);
    return s->ptrs.items[s->ptrs.count - 1];
}

/* A label fragment made of [a-z0-9.+-] only (other bytes become '-'). */
static void label_clean(char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 'A' && c <= 'Z')
            *s = (char)(c - 'A' + 'a');
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '+' ||
                   c == '-'))
            *s = '-';
    }
}

/* ------------------------------------------------------ reading a schema */

static void note(gen *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void note(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = quo_vformat(fmt, ap);
    va_end(ap);
    if (!s || (!qc_strlist_contains(g->notes, s) && !qc_strlist_add(g->notes, s)))
        g->st = QUO_ENOMEM;
    free(s);
}

static unsigned type_bit(const char *name)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(type_names); i++)
        if (strcmp(type_names[i].name, name) == 0)
            return type_names[i].bit;
    return 0;
}

/* Tightens a numeric keyword: a lower bound keeps the larger value. */
static void nkw_set(gen *g, cset *s, nkw *k, const cJSON *v, const char *base, const char *name,
                    bool lower)
{
    if (!cJSON_IsNumber(v))
        return;
    if (k->has && (lower ? v->valuedouble <= k->v : v->valuedouble >= k->v))
        return;
    k->has = true;
    k->v = v->valuedouble;
    k->ptr = cs_ptr(g, s, base, name);
}

/* Keywords that assert something but get no values of their own here. */
static const char *const not_generated[] = {
    "anyOf", "oneOf", "if", "patternProperties", "propertyNames", "minProperties",
    "maxProperties", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
    "unevaluatedItems", "prefixItems", "contains",
};

static bool cs_read(gen *g, cset *s, const cJSON *schema, const char *ptr, unsigned depth);

static bool cs_read_ref(gen *g, cset *s, const cJSON *schema, const char *ptr, unsigned depth)
{
    const cJSON *ref = quo_json_member(NULL, schema, "$ref");
    if (!cJSON_IsString(ref))
        return true;
    const cJSON *target = g->c ? quo_contract_resolve(g->c, schema) : NULL;
    if (!target || ref->valuestring[0] != '#') {
        quo_error_set(g->err, QUO_ESCHEMA, 0, "valgen: $ref \"%s\" at %s cannot be followed",
                      ref->valuestring, ptr);
        g->st = QUO_ESCHEMA;
        return false;
    }
    /* The keywords' pointers are the first hop's fragment taken as a plain
     * pointer: right for the usual one-hop "#/components/schemas/X" (a
     * chain of $refs, or %-escapes in the fragment, would name the first
     * hop: pointers are for people, the values are judged regardless). */
    return cs_read(g, s, target, ref->valuestring + 1, depth + 1);
}

static void cs_read_types(gen *g, cset *s, const cJSON *t, const char *ptr)
{
    unsigned bits = 0;
    if (cJSON_IsString(t)) {
        bits = type_bit(t->valuestring);
    } else if (cJSON_IsArray(t)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, t)
            if (cJSON_IsString(e))
                bits |= type_bit(e->valuestring);
    }
    if (bits & T_NUM)
        bits |= T_INT;
    s->types = s->has_type ? (s->types & bits) : bits;
    if (!s->has_type)
        s->type_ptr = cs_ptr(g, s, ptr, "type");
    s->has_type = true;
}

static bool cs_read(gen *g, cset *s, const cJSON *schema, const char *ptr, unsigned depth)
{
    if (depth > 16) {
        quo_error_set(g->err, QUO_ESCHEMA, 0, "valgen: $ref/allOf nest too deep at %s", ptr);
        g->st = QUO_ESCHEMA;
        return false;
    }
    if (cJSON_IsTrue(schema))
        return true;
    if (!cJSON_IsObject(schema)) {
        quo_error_set(g->err, QUO_ESCHEMA, 0, "valgen: the schema at %s is not an object", ptr);
        g->st = QUO_ESCHEMA;
        return false;
    }
    if (!cs_read_ref(g, s, schema, ptr, depth))
        return false;
    const cJSON *k;
    cJSON_ArrayForEach(k, schema) {
        const char *n = k->string;
        if (strcmp(n, "type") == 0)
            cs_read_types(g, s, k, ptr);
        else if (strcmp(n, "enum") == 0 && cJSON_IsArray(k) && !s->enum_)
            s->enum_ = k, s->enum_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "const") == 0 && !s->const_)
            s->const_ = k, s->const_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "minLength") == 0)
            nkw_set(g, s, &s->min_len, k, ptr, n, true);
        else if (strcmp(n, "maxLength") == 0)
            nkw_set(g, s, &s->max_len, k, ptr, n, false);
        else if (strcmp(n, "minimum") == 0)
            nkw_set(g, s, &s->minimum, k, ptr, n, true);
        else if (strcmp(n, "maximum") == 0)
            nkw_set(g, s, &s->maximum, k, ptr, n, false);
        else if (strcmp(n, "exclusiveMinimum") == 0)
            nkw_set(g, s, &s->xmin, k, ptr, n, true);
        else if (strcmp(n, "exclusiveMaximum") == 0)
            nkw_set(g, s, &s->xmax, k, ptr, n, false);
        else if (strcmp(n, "multipleOf") == 0 && !s->mult.has)
            nkw_set(g, s, &s->mult, k, ptr, n, true);
        else if (strcmp(n, "minItems") == 0)
            nkw_set(g, s, &s->min_items, k, ptr, n, true);
        else if (strcmp(n, "maxItems") == 0)
            nkw_set(g, s, &s->max_items, k, ptr, n, false);
        else if (strcmp(n, "pattern") == 0 && cJSON_IsString(k)) {
            if (!s->pattern)
                s->pattern = k->valuestring, s->pattern_ptr = cs_ptr(g, s, ptr, n);
            else
                note(g, "pattern: only the first pattern of %s generates values", ptr);
        } else if (strcmp(n, "format") == 0 && cJSON_IsString(k) && !s->format)
            s->format = k->valuestring, s->format_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "uniqueItems") == 0 && cJSON_IsTrue(k))
            s->unique = true, s->unique_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "items") == 0 && !s->items)
            s->items = k, s->items_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "properties") == 0 && cJSON_IsObject(k) && !s->props)
            s->props = k, s->props_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "required") == 0 && cJSON_IsArray(k) && !s->required)
            s->required = k, s->required_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "additionalProperties") == 0 && cJSON_IsFalse(k))
            s->closed = true, s->closed_ptr = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "not") == 0 && s->nnot < QV_MAX_NOT)
            s->not_[s->nnot] = k, s->not_ptr[s->nnot++] = cs_ptr(g, s, ptr, n);
        else if (strcmp(n, "allOf") == 0 && cJSON_IsArray(k)) {
            const cJSON *b;
            int i = 0;
            cJSON_ArrayForEach(b, k) {
                char idx[24];
                snprintf(idx, sizeof idx, "allOf/%d", i++);
                const char *bp = cs_ptr(g, s, ptr, idx);
                if (!bp || !cs_read(g, s, b, bp, depth + 1))
                    return false;
            }
        } else {
            for (size_t i = 0; i < QUO_ARRAY_SIZE(not_generated); i++)
                if (strcmp(n, not_generated[i]) == 0)
                    note(g, "%s: no values aimed at it are generated (%s/%s)", n, ptr, n);
        }
        if (g->st != QUO_OK)
            return false;
    }
    return g->st == QUO_OK;
}

static void cs_free(cset *s)
{
    qc_strlist_free(&s->ptrs);
}

/* ------------------------------------------------------- building blocks */

static bool allows(const cset *s, unsigned bit)
{
    return !s->has_type || (s->types & bit);
}

/* n code points in one of the three spellings of regex_gen.h: ASCII
 * letters, U+1F600 (four UTF-8 bytes each, two UTF-16 units), or 'e' +
 * U+0301 COMBINING ACUTE ACCENT pairs (a person sees n/2 characters). */
static char *plain_of_len(size_t n, qr_style sp)
{
    quo_buf b = QUO_BUF_INIT;
    if (!quo_buf_reserve(&b, n * 4 + 1))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (sp == QR_ASTRAL)
            quo_buf_puts(&b, "\xF0\x9F\x98\x80");
        else if (sp == QR_COMBINING)
            quo_buf_puts(&b, i % 2 ? "\xCC\x81" : "e");
        else
            quo_buf_putc(&b, (char)('a' + i % 26));
    }
    if (n == 0)
        quo_buf_puts(&b, "");
    return quo_buf_take(&b, NULL);
}

/* A string of n code points, spelt `sp`; with a pattern, a match of it
 * (the regex generator uses that spelling where the pattern allows), or
 * NULL when none of that length is found. */
static char *string_of_len(const qr_regex *re, size_t n, qr_style sp)
{
    if (re)
        return qr_match_len(re, n, sp);
    return plain_of_len(n, sp);
}

/* The string the other string values are built around. */
static char *base_string(const cset *s, const qr_regex *re)
{
    size_t lo = s->min_len.has ? (size_t)s->min_len.v : 0;
    size_t hi = s->max_len.has ? (size_t)s->max_len.v : SIZE_MAX;
    if (s->format && qv_format_example(s->format))
        return qc_strdup(qv_format_example(s->format));
    if (re) {
        size_t m = qr_min_len(re);
        if (m < lo)
            m = lo;
        if (m > hi || m > QV_MAX_CP)
            return NULL;
        return qr_match_len(re, m, QR_ASCII);
    }
    size_t n = lo > 4 ? lo : (hi < 4 ? hi : 4);
    return n > QV_MAX_CP ? NULL : plain_of_len(n, QR_ASCII);
}

static bool is_integral(double v)
{
    return isfinite(v) && floor(v) == v;
}

/* The number JSON text carries for v: what cJSON's printer writes for
 * it, read back (it keeps 15 significant digits when those come within a
 * relative DBL_EPSILON of v, so 2.2500000000000004 goes out as 2.25;
 * quo_json_print() is exact). A value this returns is written the same by
 * both printers. NAN on ENOMEM. */
static double wire_value(double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    char *t = n ? cJSON_PrintUnformatted(n) : NULL;
    double back = t ? strtod(t, NULL) : NAN;
    cJSON_free(t);
    cJSON_Delete(n);
    return back;
}

/* The first number past m (towards `dir`, +1 or -1) that survives JSON
 * printing: the next double when it does, else a few ulps further. */
static double wire_next(double m, double dir)
{
    double d = m;
    for (int i = 0; i < 100000; i++) {
        d = nextafter(d, dir * INFINITY);
        if (!isfinite(d))
            return NAN;
        double w = wire_value(d);
        if (isnan(w))
            return NAN;
        if (dir > 0 ? w > m : w < m)
            return w;
    }
    return NAN;
}

/* A number every numeric keyword accepts (integer when only integers are
 * allowed), or NAN when none is found by these simple steps. */
static double base_number(const cset *s, bool integer)
{
    double lo = -INFINITY, hi = INFINITY;
    if (s->minimum.has)
        lo = s->minimum.v;
    if (s->xmin.has && s->xmin.v >= lo)
        lo = integer ? floor(s->xmin.v) + 1 : wire_next(s->xmin.v, 1);
    if (s->maximum.has)
        hi = s->maximum.v;
    if (s->xmax.has && s->xmax.v <= hi)
        hi = integer ? ceil(s->xmax.v) - 1 : wire_next(s->xmax.v, -1);
    if (integer) {
        lo = ceil(lo);
        hi = floor(hi);
    }
    double v = lo > 0 ? lo : (hi < 0 ? hi : 0);
    if (s->mult.has && s->mult.v > 0) {
        double m = s->mult.v;
        v = ceil(v / m) * m;
        if (integer && !is_integral(v))
            v = m * ceil(1 / m) * ceil(v / (m * ceil(1 / m)));
    }
    return v >= lo && v <= hi ? v : NAN;
}

/* -------------------------------------------------------------- values */

typedef struct out {
    gen *g;
    cset *s;
    const qr_regex *re;
    qv_list *l;
    unsigned depth;
    cJSON *base_arr, *base_obj; /* owned; NULL when none was found */
    qv_list *later; /* the composites' values, listed after the type values */
} outctx;

static cJSON *base_value(const outctx *o, unsigned type);

static bool add(outctx *o, cJSON *v, qv_polarity pol, const char *kw, const char *ptr,
                const char *label, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
static bool add(outctx *o, cJSON *v, qv_polarity pol, const char *kw, const char *ptr,
                const char *label, const char *fmt, ...)
{
    if (!v) {
        /* No value satisfies the other constraints by these simple steps
         * (or an allocation failed: then so does the note, and the run). */
        note(o->g, "%s: not generated (no value found that meets the schema's other "
                   "constraints)", label);
        return o->g->st == QUO_OK;
    }
    va_list ap;
    va_start(ap, fmt);
    char *sum = quo_vformat(fmt, ap);
    va_end(ap);
    bool ok = sum && qv_cand_add(o->l, v, pol, kw, ptr ? ptr : "", label, "%s", sum);
    if (!sum)
        cJSON_Delete(v);
    free(sum);
    if (!ok)
        o->g->st = QUO_ENOMEM;
    return ok;
}

static cJSON *str_value(char *owned)
{
    if (!owned)
        return NULL;
    cJSON *v = cJSON_CreateString(owned);
    free(owned);
    return v;
}

/* A representative of `type` that has nothing to do with the schema's
 * other constraints (for wrong-type negatives). */
static cJSON *type_representative(unsigned bit)
{
    switch (bit) {
    case T_NULL: return cJSON_CreateNull();
    case T_BOOL: return cJSON_CreateTrue();
    case T_INT: return cJSON_CreateNumber(7);
    case T_NUM: return cJSON_CreateNumber(7.25);
    case T_STR: return cJSON_CreateString("text");
    case T_ARR: return cJSON_CreateArray();
    default: return cJSON_CreateObject();
    }
}

static bool gen_types(outctx *o)
{
    cset *s = o->s;
    if (!s->has_type)
        return true;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(type_names); i++) {
        unsigned bit = type_names[i].bit;
        const char *name = type_names[i].name;
        if (bit == T_INT && (s->types & T_NUM))
            continue; /* an integer is a number: no separate value */
        if (s->types & bit) {
            if (!add(o, base_value(o, bit), QV_POSITIVE, "type",
                     s->type_ptr, name, "a value of type %s", name))
                return false;
            if (bit == T_BOOL &&
                !add(o, cJSON_CreateFalse(), QV_POSITIVE, "type", s->type_ptr, "boolean-false",
                     "false (type boolean)"))
                return false;
        } else {
            char label[40];
            snprintf(label, sizeof label, "wrong-type-%s", name);
            if (bit == T_NUM && (s->types & T_INT)) {
                /* The integer type's own negative: 1.5, or half past the
                 * base number when the bounds exclude 1.5. */
                double b = base_number(s, true), h = 1.5;
                if ((s->minimum.has && h < s->minimum.v) || (s->maximum.has && h > s->maximum.v) ||
                    (s->xmin.has && h <= s->xmin.v) || (s->xmax.has && h >= s->xmax.v))
                    h = isfinite(b) ? b + 0.5 : h;
                if (!add(o, cJSON_CreateNumber(h), QV_NEGATIVE, "type", s->type_ptr,
                         "non-integer", "%g where an integer is required", h))
                    return false;
                continue;
            }
            if (!add(o, type_representative(bit), QV_NEGATIVE, "type", s->type_ptr, label,
                     "a %s where the schema allows only its declared types", name))
                return false;
        }
    }
    return true;
}

/* ASCII letters of a string swapped in case; NULL when it has none. */
static char *case_variant(const char *s)
{
    char *v = qc_strdup(s);
    bool changed = false;
    for (char *p = v; p && *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A'), changed = true;
        else if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a'), changed = true;
    }
    if (!changed) {
        free(v);
        return NULL;
    }
    return v;
}

static bool in_array(const cJSON *arr, const cJSON *v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        if (cJSON_Compare(e, v, true))
            return true;
    return false;
}

/* A value of the same kind as `like` that is not in `set` (set may be a
 * single value: then it is compared with that one). */
static cJSON *other_than(const cJSON *like, const cJSON *set, bool is_set)
{
    for (int k = 0; k < 64; k++) {
        cJSON *v;
        if (cJSON_IsString(like)) {
            char *t = format("%s-%c", like->valuestring, 'x' + k % 3);
            if (!t)
                return NULL;
            if (k >= 3) {
                free(t);
                t = format("not-in-enum-%d", k);
                if (!t)
                    return NULL;
            }
            v = cJSON_CreateString(t);
            free(t);
        } else if (cJSON_IsNumber(like)) {
            v = cJSON_CreateNumber(like->valuedouble + 1 + k);
        } else if (cJSON_IsBool(like)) {
            v = cJSON_CreateBool(k % 2 ? cJSON_IsTrue(like) : !cJSON_IsTrue(like));
        } else if (cJSON_IsNull(like)) {
            v = k == 0 ? cJSON_CreateString("null") : NULL;
        } else {
            v = cJSON_CreateString("not-in-enum");
        }
        if (!v)
            return NULL;
        if (is_set ? !in_array(set, v) : !cJSON_Compare(set, v, true))
            return v;
        cJSON_Delete(v);
    }
    return NULL;
}

static bool gen_enum(outctx *o)
{
    cset *s = o->s;
    if (s->enum_) {
        size_t i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, s->enum_) {
            if (i >= QV_MAX_ENUM) {
                note(o->g, "enum: only the first %u values of %s are taken", QV_MAX_ENUM,
                     s->enum_ptr);
                break;
            }
            char label[32];
            snprintf(label, sizeof label, "enum-%zu", i);
            if (!add(o, cJSON_Duplicate(e, true), QV_POSITIVE, "enum", s->enum_ptr, label,
                     "enum value %zu", i))
                return false;
            if (cJSON_IsString(e)) {
                char *cv = case_variant(e->valuestring);
                cJSON *v = cv ? cJSON_CreateString(cv) : NULL;
                free(cv);
                if (v && in_array(s->enum_, v)) {
                    cJSON_Delete(v);
                    v = NULL;
                }
                snprintf(label, sizeof label, "enum-%zu-case", i);
                if (v && !add(o, v, QV_NEGATIVE, "enum", s->enum_ptr, label,
                              "enum value %zu with its letters' case swapped", i))
                    return false;
            }
            i++;
        }
        const cJSON *first = s->enum_->child;
        if (first && !add(o, other_than(first, s->enum_, true), QV_NEGATIVE, "enum",
                          s->enum_ptr, "not-enum", "a value outside the enum"))
            return false;
    }
    if (s->const_) {
        if (!add(o, cJSON_Duplicate(s->const_, true), QV_POSITIVE, "const", s->const_ptr,
                 "const", "the const value"))
            return false;
        if (!add(o, other_than(s->const_, s->const_, false), QV_NEGATIVE, "const",
                 s->const_ptr, "not-const", "a value other than the const"))
            return false;
        if (cJSON_IsString(s->const_)) {
            char *cv = case_variant(s->const_->valuestring);
            if (cv && !add(o, str_value(cv), QV_NEGATIVE, "const", s->const_ptr, "const-case",
                           "the const with its letters' case swapped"))
                return false;
        }
    }
    return true;
}

/* One length value: n code points spelt `sp`. */
static bool len_value(outctx *o, size_t n, qr_style sp, qv_polarity pol, const char *kw,
                      const char *ptr, const char *label, const char *what)
{
    if (n > QV_MAX_CP) {
        note(o->g, "%s: no %s value of %zu code points (longer than the %u generated)", label,
             what, n, QV_MAX_CP);
        return o->g->st == QUO_OK;
    }
    static const char *const spell_name[] = {"", " (astral U+1F600)",
                                             " (e + combining U+0301)"};
    return add(o, str_value(string_of_len(o->re, n, sp)), pol, kw, ptr, label,
               "a string of %zu code points%s (%s %s)", n, spell_name[sp], kw,
               pol == QV_POSITIVE ? "at its limit" : "just past its limit");
}

/* The values at one length bound, in each spelling: `n` itself (positive)
 * and one step past it (negative), "min"/"min-1" or "max"/"max+1". */
static bool length_bound(outctx *o, size_t n, bool is_max, const char *ptr)
{
    static const char *const pre[] = {"", "astral-", "combining-"};
    const char *kw = is_max ? "maxLength" : "minLength", *word = is_max ? "max" : "min";
    bool past_ok = is_max ? n < SIZE_MAX : n > 0;
    size_t past = is_max ? n + 1 : n - 1;
    for (int sp = 0; sp < 3; sp++) {
        char at[40], beyond[40];
        snprintf(at, sizeof at, "%s%s", pre[sp], word);
        snprintf(beyond, sizeof beyond, "%s%s%s", pre[sp], word, is_max ? "+1" : "-1");
        if (!len_value(o, n, (qr_style)sp, QV_POSITIVE, kw, ptr, at, "at-limit"))
            return false;
        if (past_ok && !len_value(o, past, (qr_style)sp, QV_NEGATIVE, kw, ptr, beyond,
                                  is_max ? "too-long" : "too-short"))
            return false;
    }
    return true;
}

static bool gen_lengths(outctx *o)
{
    cset *s = o->s;
    if (!allows(s, T_STR))
        return true;
    if (s->min_len.has && !length_bound(o, (size_t)s->min_len.v, false, s->min_len.ptr))
        return false;
    return !s->max_len.has || length_bound(o, (size_t)s->max_len.v, true, s->max_len.ptr);
}

/* Free text with non-ASCII characters, where the schema leaves strings
 * free (no pattern, format, enum or const to satisfy). */
static bool gen_free_text(outctx *o)
{
    cset *s = o->s;
    if (!s->has_type || !(s->types & T_STR) || s->pattern || s->format || s->enum_ || s->const_)
        return true;
    const char *text = "Gr\xC3\xBC\xC3\x9F" "e, \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x98\x80";
    size_t n = quo_utf8_count(text, strlen(text));
    if ((s->min_len.has && n < s->min_len.v) || (s->max_len.has && n > s->max_len.v))
        return true;
    return add(o, cJSON_CreateString(text), QV_POSITIVE, "type", s->type_ptr, "non-ascii",
               "free text with non-ASCII letters, CJK and an emoji");
}

/* ---------------------------------------------------------------- numbers */

static bool num(outctx *o, double v, qv_polarity pol, const char *kw, const char *ptr,
                const char *label, const char *what)
{
    if (!isfinite(v))
        return true;
    return add(o, cJSON_CreateNumber(v), pol, kw, ptr, label, "%.17g: %s", v, what);
}

static bool gen_numbers(outctx *o)
{
    cset *s = o->s;
    if (!allows(s, T_INT))
        return true;
    bool integer = s->has_type && !(s->types & T_NUM);
    if (s->mult.has && s->mult.v > 0) {
        /* Past a bound by one step of multipleOf, so only the bound fails. */
        double m = s->mult.v;
        if (s->minimum.has &&
            !num(o, (ceil(s->minimum.v / m) - 1) * m, QV_NEGATIVE, "minimum", s->minimum.ptr,
                 "minimum-multiple-below", "the multiple of multipleOf below the minimum"))
            return false;
        if (s->maximum.has &&
            !num(o, (floor(s->maximum.v / m) + 1) * m, QV_NEGATIVE, "maximum", s->maximum.ptr,
                 "maximum-multiple-above", "the multiple of multipleOf above the maximum"))
            return false;
    }
    if (s->minimum.has) {
        double m = integer ? ceil(s->minimum.v) : s->minimum.v;
        if (!num(o, m, QV_POSITIVE, "minimum", s->minimum.ptr, "minimum", "at the minimum"))
            return false;
        if (integer ? !num(o, m - 1, QV_NEGATIVE, "minimum", s->minimum.ptr, "minimum-1",
                           "one below the minimum")
                    : !num(o, wire_next(m, -1), QV_NEGATIVE, "minimum",
                           s->minimum.ptr, "minimum-ulp",
                           "the next number below the minimum that JSON text carries"))
            return false;
    }
    if (s->maximum.has) {
        double m = integer ? floor(s->maximum.v) : s->maximum.v;
        if (!num(o, m, QV_POSITIVE, "maximum", s->maximum.ptr, "maximum", "at the maximum"))
            return false;
        if (integer ? !num(o, m + 1, QV_NEGATIVE, "maximum", s->maximum.ptr, "maximum+1",
                           "one above the maximum")
                    : !num(o, wire_next(m, 1), QV_NEGATIVE, "maximum",
                           s->maximum.ptr, "maximum+ulp",
                           "the next number above the maximum that JSON text carries"))
            return false;
    }
    if (s->xmin.has) {
        double x = s->xmin.v;
        bool ok = integer ? num(o, floor(x) + 1, QV_POSITIVE, "exclusiveMinimum", s->xmin.ptr,
                                "exclusive-minimum+1", "the least integer above the bound")
                          : num(o, wire_next(x, 1), QV_POSITIVE, "exclusiveMinimum",
                                s->xmin.ptr, "exclusive-minimum+ulp",
                                "the next number above the bound that JSON text carries");
        if (!ok || !num(o, integer ? floor(x) : x, QV_NEGATIVE, "exclusiveMinimum",
                        s->xmin.ptr, "exclusive-minimum", "exactly the exclusive bound"))
            return false;
    }
    if (s->xmax.has) {
        double x = s->xmax.v;
        bool ok = integer ? num(o, ceil(x) - 1, QV_POSITIVE, "exclusiveMaximum", s->xmax.ptr,
                                "exclusive-maximum-1", "the greatest integer below the bound")
                          : num(o, wire_next(x, -1), QV_POSITIVE, "exclusiveMaximum",
                                s->xmax.ptr, "exclusive-maximum-ulp",
                                "the next number below the bound that JSON text carries");
        if (!ok || !num(o, integer ? ceil(x) : x, QV_NEGATIVE, "exclusiveMaximum",
                        s->xmax.ptr, "exclusive-maximum", "exactly the exclusive bound"))
            return false;
    }
    if (s->mult.has && s->mult.v > 0) {
        double m = s->mult.v, b = base_number(s, integer);
        if (isfinite(b)) {
            if (!num(o, b, QV_POSITIVE, "multipleOf", s->mult.ptr, "multiple-of",
                     "a multiple of multipleOf within the bounds") ||
                !num(o, b + m, QV_POSITIVE, "multipleOf", s->mult.ptr, "multiple-of-next",
                     "the next multiple"))
                return false;
            double off = integer && is_integral(m) && m > 1 ? 1 : m / 2;
            if (!num(o, b + off, QV_NEGATIVE, "multipleOf", s->mult.ptr, "not-multiple-of",
                     "between two multiples"))
                return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------ base values */

static cJSON *base_value(const outctx *o, unsigned type)
{
    const cset *s = o->s;
    if (s->const_)
        return cJSON_Duplicate(s->const_, true);
    if (s->enum_) {
        const cJSON *e;
        cJSON_ArrayForEach(e, s->enum_) {
            unsigned bit = cJSON_IsNull(e)     ? T_NULL
                           : cJSON_IsBool(e)   ? T_BOOL
                           : cJSON_IsString(e) ? T_STR
                           : cJSON_IsArray(e)  ? T_ARR
                           : cJSON_IsObject(e) ? T_OBJ
                           : is_integral(e->valuedouble) ? (T_INT | T_NUM)
                                                         : T_NUM;
            if (bit & type)
                return cJSON_Duplicate(e, true);
        }
        return NULL;
    }
    switch (type) {
    case T_NULL: return cJSON_CreateNull();
    case T_BOOL: return cJSON_CreateTrue();
    case T_STR: return str_value(base_string(s, o->re));
    case T_INT:
    case T_NUM: {
        double v = base_number(s, type == T_INT);
        return isfinite(v) ? cJSON_CreateNumber(v) : NULL;
    }
    case T_ARR: return o->base_arr ? cJSON_Duplicate(o->base_arr, true) : NULL;
    default: return o->base_obj ? cJSON_Duplicate(o->base_obj, true) : NULL;
    }
}

/* --------------------------------------------------------------- judging */

bool qv_also_implied(const char *aimed, const char *also)
{
    /* A value of another type cannot be one of the listed values either. */
    return strcmp(aimed, "type") == 0 && (strcmp(also, "enum") == 0 || strcmp(also, "const") == 0);
}

/* Does the validator agree? Returns the reason it does not, or NULL. */
static const char *disagreement(const quo_schema *compiled, qv_value *v,
                                quo_violations *viol, char *why, size_t n)
{
    /* Judge what goes on the wire: the value as printed and read back
     * (a number can lose digits in cJSON's printing, see wire_value()). */
    char *text = cJSON_PrintUnformatted(v->value);
    cJSON *back = text ? cJSON_Parse(text) : NULL;
    cJSON_free(text);
    if (!back)
        return "ENOMEM";
    cJSON_Delete(v->value);
    v->value = back;
    quo_violations_clear(viol);
    quo_status st = quo_schema_validate(compiled, v->value, NULL, viol);
    if (st == QUO_ENOMEM)
        return "ENOMEM";
    if (st != QUO_OK)
        return "the validator cannot judge it (its depth limit)";
    if (v->polarity == QV_POSITIVE) {
        if (viol->count == 0)
            return NULL;
        snprintf(why, n, "meant to be valid, the schema rejects it (%s at \"%s\")",
                 viol->items[0].keyword, viol->items[0].path);
        return why;
    }
    if (viol->count == 0)
        return "meant to be invalid, the schema accepts it";
    bool named = false;
    for (size_t i = 0; i < viol->count; i++)
        named = named || strcmp(viol->items[i].keyword, v->keyword) == 0;
    for (size_t i = 0; i < viol->count; i++)
        if (strcmp(viol->items[i].keyword, v->keyword) != 0 &&
            !(named && qv_also_implied(v->keyword, viol->items[i].keyword))) {
            snprintf(why, n, "meant to fail %s only, it also fails %s at \"%s\"", v->keyword,
                     viol->items[i].keyword, viol->items[i].path);
            return why;
        }
    return NULL;
}

static bool label_taken(const qv_list *l, const char *label)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].label, label) == 0)
            return true;
    return false;
}

static bool value_taken(const qv_list *l, const qv_value *v)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].polarity == v->polarity && strcmp(l->items[i].keyword, v->keyword) == 0 &&
            cJSON_Compare(l->items[i].value, v->value, true))
            return true;
    return false;
}

/* Moves the candidates the validator agrees with into `out`. */
static quo_status judge_all(const quo_schema *compiled, qv_list *cands, qv_list *out)
{
    quo_violations viol;
    quo_violations_init(&viol);
    quo_status st = QUO_OK;
    for (size_t i = 0; i < cands->count && st == QUO_OK; i++) {
        qv_value *v = &cands->items[i];
        char why[300];
        label_clean(v->label);
        const char *bad = disagreement(compiled, v, &viol, why, sizeof why);
        if (bad && strcmp(bad, "ENOMEM") == 0) {
            st = QUO_ENOMEM;
            break;
        }
        if (bad) {
            if (!qc_strlist_addf(&out->dropped, "%s: %s", v->label, bad))
                st = QUO_ENOMEM;
            continue;
        }
        if (value_taken(out, v))
            continue; /* the same value aimed at the same keyword */
        if (label_taken(out, v->label)) {
            /* Unique labels: a second value under one label gets a suffix. */
            for (unsigned k = 2;; k++) {
                char *l2 = format("%s-%u", v->label, k);
                if (!l2) {
                    st = QUO_ENOMEM;
                    break;
                }
                if (!label_taken(out, l2)) {
                    free(v->label);
                    v->label = l2;
                    break;
                }
                free(l2);
            }
            if (st != QUO_OK)
                break;
        }
        if (!list_push(out, v)) {
            st = QUO_ENOMEM;
            break;
        }
        memset(v, 0, sizeof *v); /* now owned by out */
    }
    quo_violations_free(&viol);
    return st;
}

static bool gen_format(outctx *o)
{
    cset *s = o->s;
    if (!s->format || !allows(s, T_STR))
        return true;
    if (!qv_format_example(s->format)) {
        note(o->g, "format: no values for format \"%s\" (%s)", s->format, s->format_ptr);
        return o->g->st == QUO_OK;
    }
    if (!qv_format_values(s->format, s->format_ptr, o->l))
        o->g->st = QUO_ENOMEM;
    return o->g->st == QUO_OK;
}

/* Strings generated from the pattern: sample matches and breakers. */
static bool gen_pattern(outctx *o)
{
    cset *s = o->s;
    if (!o->re)
        return true;
    static const struct {
        qr_sample which;
        const char *label, *what;
    } samples[] = {
        {QR_SHORTEST, "pattern-shortest", "the shortest match"},
        {QR_LONGEST, "pattern-longest", "a match with each quantifier at its bound"},
        {QR_MID, "pattern-mid", "a match half-way, the last alternatives"},
    };
    size_t lo = s->min_len.has ? (size_t)s->min_len.v : 0;
    size_t hi = s->max_len.has ? (size_t)s->max_len.v : SIZE_MAX;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(samples); i++) {
        char *m = qr_sample_string(o->re, samples[i].which, QV_MAX_CP);
        size_t n = m ? quo_utf8_count(m, strlen(m)) : 0;
        if (m && (n < lo || n > hi)) {
            /* Within the length limits: the sample's length moved onto them. */
            free(m);
            size_t want = n < lo ? lo : hi;
            m = want <= QV_MAX_CP ? qr_match_len(o->re, want, QR_ASCII) : NULL;
        }
        if (!m) {
            note(o->g, "%s: not generated (longer than %u code points)", samples[i].label,
                 QV_MAX_CP);
            continue;
        }
        if (!add(o, str_value(m), QV_POSITIVE, "pattern", s->pattern_ptr, samples[i].label,
                 "%s of the pattern", samples[i].what))
            return false;
    }
    qr_breakers b = {NULL, 0, 0};
    bool ok = qr_breakers_make(o->re, lo, QV_MAX_CP, &b);
    for (size_t i = 0; ok && i < b.count; i++) {
        ok = add(o, cJSON_CreateString(b.items[i].value), QV_NEGATIVE, "pattern",
                 s->pattern_ptr, b.items[i].label, "%s (pattern)", b.items[i].why);
    }
    qr_breakers_free(&b);
    if (!ok)
        o->g->st = QUO_ENOMEM;
    return ok;
}

/* Arrays and objects from their item / property values (their bases
 * first: the type positives use them). */
static bool gen_composites(outctx *o)
{
    cset *s = o->s;
    bool arr = s->has_type ? (s->types & T_ARR) != 0
                           : (s->items || s->min_items.has || s->max_items.has || s->unique);
    if (arr) {
        qv_array_kw k = {s->items, s->items_ptr, s->min_items.has, s->max_items.has,
                         s->unique, (size_t)s->min_items.v, (size_t)s->max_items.v,
                         s->min_items.ptr, s->max_items.ptr, s->unique_ptr};
        if (!qv_array_values(o->g->c, &k, o->depth, o->later, &o->base_arr, o->g->notes))
            o->g->st = QUO_ENOMEM;
    }
    bool obj = s->has_type ? (s->types & T_OBJ) != 0 : (s->props || s->required || s->closed);
    if (obj && o->g->st == QUO_OK) {
        qv_object_kw k = {s->props, s->props_ptr, s->required, s->required_ptr, s->closed,
                          s->closed_ptr};
        if (!qv_object_values(o->g->c, &k, o->depth, o->later, &o->base_obj, o->g->notes))
            o->g->st = QUO_ENOMEM;
    }
    return o->g->st == QUO_OK;
}

/* `not`: what its subschema accepts is a negative here (keyword "not"),
 * what it rejects may be a positive. */
static bool gen_not(outctx *o)
{
    cset *s = o->s;
    for (size_t i = 0; i < s->nnot; i++) {
        qv_list sub;
        qv_list_init(&sub);
        if (qv_sub_values(o->g->c, s->not_[i], s->not_ptr[i], o->depth + 1, &sub,
                          o->g->notes, NULL) != QUO_OK) {
            qv_list_free(&sub);
            o->g->st = QUO_ENOMEM;
            return false;
        }
        for (size_t j = 0; j < sub.count; j++) {
            qv_value *v = &sub.items[j];
            char *label = format("not.%s", v->label);
            bool neg = v->polarity == QV_POSITIVE;
            bool ok = label && add(o, cJSON_Duplicate(v->value, true),
                                   neg ? QV_NEGATIVE : QV_POSITIVE,
                                   "not", s->not_ptr[i],
                                   label, "%s %s", neg ? "matches the not schema:" :
                                                         "fails the not schema:",
                                   v->summary);
            free(label);
            if (!ok) {
                qv_list_free(&sub);
                o->g->st = QUO_ENOMEM;
                return false;
            }
        }
        qv_list_free(&sub);
    }
    return true;
}

/* -------------------------------------------------------------- the driver */

static bool gen_all(outctx *o)
{
    return gen_composites(o) && gen_not(o) && gen_types(o) && gen_enum(o) &&
           gen_lengths(o) && gen_free_text(o) && gen_format(o) && gen_pattern(o) &&
           gen_numbers(o);
}

quo_status qv_generate(const quo_contract *c, const cJSON *schema, const char *pointer,
                       const quo_schema *compiled, qv_list *out, quo_error *err)
{
    return qv_generate_depth(c, schema, pointer, compiled, 0, out, err);
}

quo_status qv_generate_depth(const quo_contract *c, const cJSON *schema, const char *pointer,
                             const quo_schema *compiled, unsigned depth, qv_list *out,
                             quo_error *err)
{
    if (!schema || !compiled || !out) {
        quo_error_set(err, QUO_ESCHEMA, 0, "valgen: no schema to generate values for");
        return QUO_ESCHEMA;
    }
    qc_strlist notes;
    qc_strlist_init(&notes);
    gen g = {c, &notes, err, QUO_OK};
    cset s;
    memset(&s, 0, sizeof s);
    qc_strlist_init(&s.ptrs);
    qv_list cands;
    qv_list_init(&cands);
    qr_regex *re = NULL;
    quo_status st = QUO_OK;
    if (!cs_read(&g, &s, schema, pointer ? pointer : "", 0)) {
        st = g.st == QUO_OK ? QUO_ESCHEMA : g.st;
        goto done;
    }
    if (s.pattern && allows(&s, T_STR)) {
        char why[160];
        re = qr_compile(s.pattern, why, sizeof why);
        if (!re)
            note(&g, "pattern: no values generated from it (it uses %s) (%s)", why,
                 s.pattern_ptr);
    }
    qv_list later;
    qv_list_init(&later);
    outctx o = {&g, &s, re, &cands, depth, NULL, NULL, &later};
    bool ok = g.st == QUO_OK && gen_all(&o);
    for (size_t i = 0; ok && i < later.count; i++) {
        ok = list_push(&cands, &later.items[i]);
        if (ok)
            memset(&later.items[i], 0, sizeof later.items[i]);
    }
    qv_list_free(&later);
    cJSON_Delete(o.base_arr);
    cJSON_Delete(o.base_obj);
    if (!ok) {
        st = g.st == QUO_OK ? QUO_ENOMEM : g.st;
        goto done;
    }
    st = judge_all(compiled, &cands, out);
    for (size_t i = 0; i < notes.count && st == QUO_OK; i++)
        if (!qc_strlist_add(&out->dropped, notes.items[i]))
            st = QUO_ENOMEM;
    if (st == QUO_ENOMEM)
        quo_error_set(err, QUO_ENOMEM, 0, "valgen: out of memory");
done:
    qr_free(re);
    qv_list_free(&cands);
    cs_free(&s);
    qc_strlist_free(&notes);
    return st;
}
