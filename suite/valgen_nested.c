/* suite/valgen_nested.c - values of arrays and objects built from the
 * values of their item and property schemas (see valgen_internal.h).
 *
 * A subschema's own values are judged by the subschema compiled on its
 * own, so the pools arrays and objects are filled from are known good;
 * the arrays and objects built from them are judged again by valgen.c
 * against the whole schema.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo/buf.h"
#include "valgen_internal.h"

#define QV_MAX_ITEMS 1024u /* longest array generated */
#define QV_MAX_PROPS 32u   /* properties of one object followed */
#define QV_INLINE_DEPTH 32u

static char *joined(const char *a, const char *b, const char *c);

/* ------------------------------------------------------------- inlining */

static cJSON *inline_refs(const quo_contract *c, const cJSON *n, unsigned depth);

/* Members whose value is a schema, an array of schemas, or an object of
 * schemas (the rest, enum/const/examples..., is copied untouched). */
static int schema_slot(const char *k)
{
    static const char *const one[] = {"items", "not", "additionalProperties", "contains",
                                      "if", "then", "else", "propertyNames",
                                      "unevaluatedItems", "unevaluatedProperties"};
    static const char *const many[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
    static const char *const map[] = {"properties", "patternProperties", "dependentSchemas",
                                      "$defs", "definitions"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(one); i++)
        if (strcmp(k, one[i]) == 0)
            return 1;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(many); i++)
        if (strcmp(k, many[i]) == 0)
            return 2;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(map); i++)
        if (strcmp(k, map[i]) == 0)
            return 3;
    return 0;
}

static cJSON *inline_each(const quo_contract *c, const cJSON *n, unsigned depth, bool array)
{
    cJSON *out = array ? cJSON_CreateArray() : cJSON_CreateObject();
    const cJSON *e;
    cJSON_ArrayForEach(e, n) {
        cJSON *x = inline_refs(c, e, depth);
        if (!x || !out) {
            cJSON_Delete(x);
            cJSON_Delete(out);
            return NULL;
        }
        if (array)
            cJSON_AddItemToArray(out, x);
        else
            cJSON_AddItemToObject(out, e->string, x);
    }
    return out;
}

/* A copy of schema n with every $ref replaced by an allOf holding a copy
 * of its target; NULL on ENOMEM or a $ref chain deeper than
 * QV_INLINE_DEPTH (a recursive schema). */
static cJSON *inline_refs(const quo_contract *c, const cJSON *n, unsigned depth)
{
    if (depth > QV_INLINE_DEPTH)
        return NULL;
    if (!cJSON_IsObject(n))
        return cJSON_Duplicate(n, true);
    cJSON *out = cJSON_CreateObject();
    cJSON *ref_target = NULL;
    const cJSON *k;
    cJSON_ArrayForEach(k, n) {
        if (!out)
            break;
        cJSON *x = NULL;
        /* A keyword of a schema the engine compiled: it refuses one holding NUL. */
        if (strcmp(k->string, "$ref") == 0) { /* lint-gate-strings: compiled keyword */
            const cJSON *t = c ? quo_contract_resolve(c, n) : NULL;
            if (!t || !(ref_target = inline_refs(c, t, depth + 1))) {
                cJSON_Delete(out);
                return NULL;
            }
            continue;
        }
        switch (schema_slot(k->string)) {
        case 1: x = inline_refs(c, k, depth + 1); break;
        case 2: x = cJSON_IsArray(k) ? inline_each(c, k, depth + 1, true) : NULL; break;
        case 3: x = cJSON_IsObject(k) ? inline_each(c, k, depth + 1, false) : NULL; break;
        default: x = cJSON_Duplicate(k, true); break;
        }
        if (!x) {
            cJSON_Delete(out);
            cJSON_Delete(ref_target);
            return NULL;
        }
        cJSON_AddItemToObject(out, k->string, x);
    }
    if (out && ref_target) {
        cJSON *all = cJSON_GetObjectItemCaseSensitive(out, "allOf"); /* lint-gate-strings: ours */
        if (!all) {
            all = cJSON_CreateArray();
            if (!all) {
                cJSON_Delete(out);
                cJSON_Delete(ref_target);
                return NULL;
            }
            cJSON_AddItemToObject(out, "allOf", all);
        }
        cJSON_AddItemToArray(all, ref_target);
    } else {
        cJSON_Delete(ref_target);
    }
    return out;
}

quo_status qv_sub_values(const quo_contract *c, const cJSON *schema, const char *pointer,
                         unsigned depth, qv_list *out, qc_strlist *notes, quo_schema **keep)
{
    if (keep)
        *keep = NULL;
    if (depth > QV_MAX_DEPTH) {
        return qc_strlist_addf(notes, "%s: not followed (deeper than %u levels)", pointer,
                               QV_MAX_DEPTH)
                   ? QUO_OK
                   : QUO_ENOMEM;
    }
    cJSON *copy = inline_refs(c, schema, 0);
    quo_schema *compiled = NULL;
    quo_error err;
    quo_status st = copy ? quo_schema_compile(copy, NULL, "", &compiled, &err) : QUO_ESCHEMA;
    if (st == QUO_OK)
        st = qv_generate_depth(c, schema, pointer, compiled, depth, out, &err);
    if (st == QUO_ESCHEMA) {
        st = qc_strlist_addf(notes, "%s: no values for this subschema (it cannot be "
                                    "compiled on its own: %s)",
                             pointer, copy ? err.message : "a recursive $ref")
                 ? QUO_OK
                 : QUO_ENOMEM;
    }
    if (keep && st == QUO_OK)
        *keep = compiled;
    else
        quo_schema_free(compiled);
    cJSON_Delete(copy);
    return st;
}

/* --------------------------------------------------------------- arrays */

/* The distinct positive values of a list, in order (borrowed). */
static size_t pool_of(const qv_list *l, const cJSON **pool, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count && n < cap; i++) {
        if (l->items[i].polarity != QV_POSITIVE)
            continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = cJSON_Compare(pool[j], l->items[i].value, true);
        if (!seen)
            pool[n++] = l->items[i].value;
    }
    return n;
}

/* k items from the pool (distinct when `unique`), NULL when the pool is
 * too small or on ENOMEM. `first`, when set, replaces item 0. */
static cJSON *fill(const cJSON *const *pool, size_t npool, size_t k, bool unique,
                   const cJSON *first)
{
    if (k > 0 && npool == 0 && !first)
        return NULL;
    if (unique && k > npool + (first ? 1 : 0))
        return NULL;
    cJSON *a = cJSON_CreateArray();
    size_t next = 0;
    for (size_t i = 0; a && i < k; i++) {
        const cJSON *src;
        if (i == 0 && first) {
            src = first;
        } else {
            if (unique)
                while (next < npool && first && cJSON_Compare(pool[next], first, true))
                    next++;
            if (unique && next >= npool) {
                cJSON_Delete(a);
                return NULL;
            }
            src = pool[unique ? next++ : 0];
        }
        cJSON *x = cJSON_Duplicate(src, true);
        if (!x) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, x);
    }
    return a;
}

typedef struct actx {
    qv_list *cands;
    qc_strlist *notes;
    bool oom;
} actx;

static void put(actx *a, cJSON *v, qv_polarity pol, const char *kw, const char *ptr,
                const char *label, const char *summary)
{
    if (a->oom)
        return;
    if (!v) {
        if (!qc_strlist_addf(a->notes, "%s: not generated (no such array or object from "
                                       "the values found)",
                             label))
            a->oom = true;
        return;
    }
    if (!qv_cand_add(a->cands, v, pol, kw, ptr ? ptr : "", label, "%s", summary))
        a->oom = true;
}

static void array_bounds(actx *a, const qv_array_kw *k, const cJSON *const *pool, size_t n)
{
    char sum[160];
    if (k->has_min) {
        snprintf(sum, sizeof sum, "an array of %zu items (minItems)", k->min);
        put(a, fill(pool, n, k->min, k->unique, NULL), QV_POSITIVE, "minItems", k->min_ptr,
            "min-items", sum);
        if (k->min > 0) {
            snprintf(sum, sizeof sum, "an array of %zu items, one too few (minItems)",
                     k->min - 1);
            put(a, fill(pool, n, k->min - 1, k->unique, NULL), QV_NEGATIVE, "minItems",
                k->min_ptr, "min-items-1", sum);
        }
    }
    if (k->has_max) {
        if (k->max >= QV_MAX_ITEMS) {
            if (!qc_strlist_addf(a->notes, "max-items: not generated (maxItems %zu is more "
                                           "than the %u items generated)",
                                 k->max, QV_MAX_ITEMS))
                a->oom = true;
            return;
        }
        snprintf(sum, sizeof sum, "an array of %zu items (maxItems)", k->max);
        put(a, fill(pool, n, k->max, k->unique, NULL), QV_POSITIVE, "maxItems", k->max_ptr,
            "max-items", sum);
        snprintf(sum, sizeof sum, "an array of %zu items, one surplus (maxItems)", k->max + 1);
        put(a, fill(pool, n, k->max + 1, k->unique, NULL), QV_NEGATIVE, "maxItems",
            k->max_ptr, "max-items+1", sum);
    }
}

/* Variants of the pool's values (another last character, another number)
 * that the item schema accepts, appended to the pool until it holds
 * `want`; they live in the returned array (NULL when none was made). */
static cJSON *variants(const cJSON **pool, size_t *n, size_t want, const quo_schema *item)
{
    cJSON *more = cJSON_CreateArray();
    size_t have = *n;
    for (unsigned k = 1; more && *n < want && k < 4 * want + 64; k++) {
        const cJSON *from = pool[k % have];
        cJSON *v = NULL;
        if (cJSON_IsString(from) && from->valuestring[0]) {
            quo_buf b = QUO_BUF_INIT;
            size_t len = strlen(from->valuestring), cut = len;
            while (cut > 0 && ((unsigned char)from->valuestring[cut - 1] & 0xC0) == 0x80)
                cut--;
            cut = cut > 0 ? cut - 1 : 0; /* the last character's first byte */
            quo_buf_append(&b, from->valuestring, cut);
            static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
            quo_buf_putc(&b, alnum[(k / have) % 36]);
            if (k / have >= 36)
                quo_buf_printf(&b, "%u", k);
            char *t = quo_buf_take(&b, NULL);
            v = t ? cJSON_CreateString(t) : NULL;
            free(t);
        } else if (cJSON_IsNumber(from)) {
            v = cJSON_CreateNumber(from->valuedouble + (double)k);
        } else {
            continue;
        }
        if (!v)
            break;
        bool dup = false;
        for (size_t j = 0; j < *n && !dup; j++)
            dup = cJSON_Compare(pool[j], v, true);
        if (dup || !quo_schema_is_valid(item, v, NULL)) {
            cJSON_Delete(v);
            continue;
        }
        cJSON_AddItemToArray(more, v);
        pool[(*n)++] = v;
    }
    return more;
}

bool qv_array_values(const quo_contract *c, const qv_array_kw *k, unsigned depth,
                     qv_list *cands, cJSON **base, qc_strlist *notes)
{
    *base = NULL;
    qv_list sub;
    qv_list_init(&sub);
    actx a = {cands, notes, false};
    quo_schema *item = NULL;
    if (k->items &&
        qv_sub_values(c, k->items, k->items_ptr, depth + 1, &sub, notes, &item) != QUO_OK)
        a.oom = true;
    const cJSON **pool = malloc((QV_MAX_ITEMS + 1) * sizeof *pool);
    if (!pool) {
        quo_schema_free(item);
        qv_list_free(&sub);
        return false;
    }
    size_t n = pool_of(&sub, pool, QV_MAX_ITEMS + 1);
    /* Distinct items enough for maxItems + 1. */
    size_t want = k->has_max ? k->max + 1 : (k->has_min ? k->min : 2);
    if (want < 2)
        want = 2;
    if (want > QV_MAX_ITEMS + 1)
        want = QV_MAX_ITEMS + 1;
    cJSON *more = item && n > 0 && n < want ? variants(pool, &n, want, item) : NULL;
    cJSON *any = NULL;
    if (!k->items) {
        /* Any item is allowed: distinct small integers. */
        static const int ints[] = {0, 1, 2, 3, 4, 5, 6, 7};
        any = cJSON_CreateIntArray(ints, 8);
        n = 0;
        for (const cJSON *e = any ? any->child : NULL; e; e = e->next)
            pool[n++] = e;
        if (!any)
            a.oom = true;
    }
    size_t lo = k->has_min ? k->min : 0, hi = k->has_max ? k->max : SIZE_MAX;
    if (lo > QV_MAX_ITEMS) {
        /* Bounded output: no array of more than QV_MAX_ITEMS items. */
        if (!qc_strlist_addf(notes, "min-items: no arrays generated (minItems %zu is more "
                                    "than the %u items generated)",
                             lo, QV_MAX_ITEMS))
            a.oom = true;
        cJSON_Delete(any);
        cJSON_Delete(more);
        free(pool);
        quo_schema_free(item);
        qv_list_free(&sub);
        return !a.oom;
    }
    size_t one = lo > 1 ? lo : (hi >= 1 ? 1 : 0);
    *base = fill(pool, n, one, k->unique, NULL);
    array_bounds(&a, k, pool, n);
    if (k->unique) {
        size_t two = lo > 2 ? lo : 2;
        if (two <= hi) {
            put(&a, fill(pool, n, two, true, NULL), QV_POSITIVE, "uniqueItems", k->unique_ptr,
                "unique-items", "distinct items (uniqueItems)");
            cJSON *dup = fill(pool, n, two, false, NULL);
            put(&a, dup, QV_NEGATIVE, "uniqueItems", k->unique_ptr, "duplicate-items",
                "the same item twice (uniqueItems)");
        }
    }
    /* Each item value in an array of the base's length. */
    for (size_t i = 0; i < sub.count && !a.oom; i++) {
        const qv_value *v = &sub.items[i];
        char *label = joined("items.", v->label, "");
        char *sum = joined("item 0: ", v->summary, "");
        if (!label || !sum) {
            free(label);
            free(sum);
            a.oom = true;
            break;
        }
        cJSON *arr = fill(pool, n, one ? one : 1, k->unique, v->value);
        /* A too-long item value makes the array too long too: keep the
         * polarity on the item, not on the item count. */
        put(&a, arr, v->polarity, v->keyword, v->pointer, label, sum);
        free(label);
        free(sum);
    }
    cJSON_Delete(any);
    cJSON_Delete(more);
    free(pool);
    quo_schema_free(item);
    qv_list_free(&sub);
    return !a.oom;
}

/* -------------------------------------------------------------- objects */

/* A member's value: the first positive of its schema, else a string. */
static const cJSON *first_positive(const qv_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].polarity == QV_POSITIVE)
            return l->items[i].value;
    return NULL;
}

static cJSON *object_with(const cJSON *base, const char *name, const cJSON *value)
{
    cJSON *o = cJSON_Duplicate(base, true);
    if (!o)
        return NULL;
    cJSON_DeleteItemFromObjectCaseSensitive(o, name);
    if (value) {
        cJSON *x = cJSON_Duplicate(value, true);
        if (!x) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, name, x);
    }
    return o;
}

/* a + b + c in a new string (the caller frees it), NULL on ENOMEM. */
static char *joined(const char *a, const char *b, const char *c)
{
    quo_buf x = QUO_BUF_INIT;
    quo_buf_puts(&x, a);
    quo_buf_puts(&x, b);
    quo_buf_puts(&x, c);
    return quo_buf_take(&x, NULL);
}

bool qv_object_values(const quo_contract *c, const qv_object_kw *k, unsigned depth,
                      qv_list *cands, cJSON **base, qc_strlist *notes)
{
    *base = NULL;
    actx a = {cands, notes, false};
    size_t np = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, k->props) np++;
    if (np > QV_MAX_PROPS) {
        if (!qc_strlist_addf(notes, "properties: only the first %u members of %s get values",
                             QV_MAX_PROPS, k->props_ptr))
            return false;
        np = QV_MAX_PROPS;
    }
    qv_list *sub = calloc(np ? np : 1, sizeof *sub);
    if (!sub)
        return false;
    const cJSON *prop[QV_MAX_PROPS];
    size_t i = 0;
    cJSON_ArrayForEach(p, k->props) {
        if (i == np)
            break;
        prop[i] = p;
        qv_list_init(&sub[i]);
        char *ptr = joined(k->props_ptr, "/", p->string); /* names with ~ or / are rare */
        if (!ptr || qv_sub_values(c, p, ptr, depth + 1, &sub[i], notes, NULL) != QUO_OK)
            a.oom = true;
        free(ptr);
        i++;
    }
    /* The required members, each with its first positive value. */
    cJSON *b = cJSON_CreateObject();
    const cJSON *r;
    cJSON_ArrayForEach(r, k->required) {
        if (!b || !cJSON_IsString(r))
            continue;
        const cJSON *v = NULL;
        for (size_t j = 0; j < np; j++)
            /* A name holding NUL is cut here and in the printed value alike,
             * which is what valgen.c judges. */
            if (strcmp(prop[j]->string, r->valuestring) == 0) /* lint-gate-strings: judged */
                v = first_positive(&sub[j]);
        cJSON *x = v ? cJSON_Duplicate(v, true) : cJSON_CreateString("value");
        if (!x) {
            cJSON_Delete(b);
            b = NULL;
            break;
        }
        cJSON_AddItemToObject(b, r->valuestring, x);
    }
    if (!b)
        a.oom = true;
    if (b && !a.oom) {
        put(&a, cJSON_Duplicate(b, true), QV_POSITIVE, k->required ? "required" : "type",
            k->required ? k->required_ptr : k->props_ptr, "object-required",
            "the required members only");
        cJSON *all = cJSON_Duplicate(b, true);
        for (size_t j = 0; all && j < np; j++) {
            const cJSON *v = first_positive(&sub[j]);
            const char *name = prop[j]->string;
            if (v && !cJSON_GetObjectItemCaseSensitive(all, name)) /* lint-gate-strings: ours */
                cJSON_AddItemToObject(all, prop[j]->string, cJSON_Duplicate(v, true));
        }
        put(&a, all, QV_POSITIVE, "properties", k->props_ptr, "object-all",
            "every member present");
        cJSON_ArrayForEach(r, k->required) {
            if (!cJSON_IsString(r))
                continue;
            char *label = joined("missing.", r->valuestring, "");
            char *sum = joined("required member ", r->valuestring, " absent");
            if (!label || !sum)
                a.oom = true;
            else
                put(&a, object_with(b, r->valuestring, NULL), QV_NEGATIVE, "required",
                    k->required_ptr, label, sum);
            free(label);
            free(sum);
        }
        if (k->closed) {
            cJSON *extra = cJSON_Duplicate(b, true);
            if (extra)
                cJSON_AddNumberToObject(extra, "unexpectedMember", 1);
            put(&a, extra, QV_NEGATIVE, "additionalProperties", k->closed_ptr, "extra-member",
                "a member the schema does not list (additionalProperties: false)");
        }
    }
    /* Each member's values in the required-members object. */
    for (size_t j = 0; j < np && b && !a.oom; j++) {
        for (size_t m = 0; m < sub[j].count && !a.oom; m++) {
            const qv_value *v = &sub[j].items[m];
            char *label = joined(prop[j]->string, ".", v->label);
            char *sum = joined(prop[j]->string, ": ", v->summary);
            if (!label || !sum)
                a.oom = true;
            else
                put(&a, object_with(b, prop[j]->string, v->value), v->polarity, v->keyword,
                    v->pointer, label, sum);
            free(label);
            free(sum);
        }
    }
    for (size_t j = 0; j < np; j++)
        qv_list_free(&sub[j]);
    free(sub);
    if (a.oom) {
        cJSON_Delete(b);
        return false;
    }
    *base = b;
    return true;
}
