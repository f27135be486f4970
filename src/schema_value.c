/* schema_value.c - what the schema compiler and validator share: JSON
 * values copied from schemas (const/enum), equality and hashing of
 * instance values, texts for messages and JSON Pointers, and the node table
 * (see schema_internal.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"

const char *const schema_type_words[7] = {"null", "boolean", "object", "array",
                                          "number", "string", "integer"};
const char *const schema_type_phrases[7] = {"null", "a boolean", "an object", "an array",
                                            "a number", "a string", "an integer"};

/* schema_type of a violation must have static storage (quo/violation.h),
 * so every set of declared types has its name here: the type words in the
 * order above joined by '|', indexed by the set's bit mask. */
const char *const schema_type_set_names[128] = {
    "none", "null", "boolean", "null|boolean", "object", "null|object", "boolean|object",
    "null|boolean|object", "array", "null|array", "boolean|array", "null|boolean|array",
    "object|array", "null|object|array", "boolean|object|array", "null|boolean|object|array",
    "number", "null|number", "boolean|number", "null|boolean|number", "object|number",
    "null|object|number", "boolean|object|number", "null|boolean|object|number", "array|number",
    "null|array|number", "boolean|array|number", "null|boolean|array|number",
    "object|array|number", "null|object|array|number", "boolean|object|array|number",
    "null|boolean|object|array|number", "string", "null|string", "boolean|string",
    "null|boolean|string", "object|string", "null|object|string", "boolean|object|string",
    "null|boolean|object|string", "array|string", "null|array|string", "boolean|array|string",
    "null|boolean|array|string", "object|array|string", "null|object|array|string",
    "boolean|object|array|string", "null|boolean|object|array|string", "number|string",
    "null|number|string", "boolean|number|string", "null|boolean|number|string",
    "object|number|string", "null|object|number|string", "boolean|object|number|string",
    "null|boolean|object|number|string", "array|number|string", "null|array|number|string",
    "boolean|array|number|string", "null|boolean|array|number|string",
    "object|array|number|string", "null|object|array|number|string",
    "boolean|object|array|number|string", "null|boolean|object|array|number|string", "integer",
    "null|integer", "boolean|integer", "null|boolean|integer", "object|integer",
    "null|object|integer", "boolean|object|integer", "null|boolean|object|integer",
    "array|integer", "null|array|integer", "boolean|array|integer",
    "null|boolean|array|integer", "object|array|integer", "null|object|array|integer",
    "boolean|object|array|integer", "null|boolean|object|array|integer", "number|integer",
    "null|number|integer", "boolean|number|integer", "null|boolean|number|integer",
    "object|number|integer", "null|object|number|integer", "boolean|object|number|integer",
    "null|boolean|object|number|integer", "array|number|integer", "null|array|number|integer",
    "boolean|array|number|integer", "null|boolean|array|number|integer",
    "object|array|number|integer", "null|object|array|number|integer",
    "boolean|object|array|number|integer", "null|boolean|object|array|number|integer",
    "string|integer", "null|string|integer", "boolean|string|integer",
    "null|boolean|string|integer", "object|string|integer", "null|object|string|integer",
    "boolean|object|string|integer", "null|boolean|object|string|integer",
    "array|string|integer", "null|array|string|integer", "boolean|array|string|integer",
    "null|boolean|array|string|integer", "object|array|string|integer",
    "null|object|array|string|integer", "boolean|object|array|string|integer",
    "null|boolean|object|array|string|integer", "number|string|integer",
    "null|number|string|integer", "boolean|number|string|integer",
    "null|boolean|number|string|integer", "object|number|string|integer",
    "null|object|number|string|integer", "boolean|object|number|string|integer",
    "null|boolean|object|number|string|integer", "array|number|string|integer",
    "null|array|number|string|integer", "boolean|array|number|string|integer",
    "null|boolean|array|number|string|integer", "object|array|number|string|integer",
    "null|object|array|number|string|integer", "boolean|object|array|number|string|integer",
    "null|boolean|object|array|number|string|integer",
};

/* ------------------------------------------------------- texts */

/* A string's bytes as JSON string content: quote, backslash and control
 * characters (\u0000 included) escaped, the rest copied. */
void sb_json_chars(quo_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            quo_buf_append(b, e, 2);
        } else if (c < 0x20) {
            quo_buf_printf(b, "\\u%04x", c);
        } else {
            quo_buf_append(b, (const char *)&s[i], 1);
        }
    }
}

/* Shortest %g text that reads back as the same double. */
void sb_number(quo_buf *b, double v)
{
    char tmp[40];
    if (floor(v) == v && fabs(v) < 1e15) { /* integers as integers, not 4e+02 */
        snprintf(tmp, sizeof tmp, "%.0f", v);
        quo_buf_puts(b, tmp);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    quo_buf_puts(b, tmp);
}

void sb_token(quo_buf *b, const char *s, size_t len)
{
    size_t n = token_len(s, len);
    char small[128];
    if (n == 0)
        return;
    char *tmp = n <= sizeof small ? small : malloc(n);
    if (!tmp) {
        b->failed = true;
        return;
    }
    token_write(tmp, s, len);
    quo_buf_append(b, tmp, n);
    if (tmp != small)
        free(tmp);
}

/* ------------------------------------------------------ JSON values */





const char *instance_phrase(const cJSON *x)
{
    switch (json_type(x)) {
    case cJSON_NULL: return "null";
    case cJSON_False:
    case cJSON_True: return "a boolean";
    case cJSON_Object: return "an object";
    case cJSON_Array: return "an array";
    case cJSON_String: return "a string";
    case cJSON_Number: return "a number";
    default: return "a value that is not JSON";
    }
}

void cval_free(cval *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->kids[i].key);
        cval_free(&v->kids[i]);
    }
    free(v->kids);
    free(v->str);
    v->kids = NULL;
    v->str = NULL;
    v->n = 0;
}

char *dup_bytes(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* Deep copy; false on ENOMEM (v is then freeable). */
bool cval_copy(cval *v, const cJSON *x, const quo_json_doc *doc)
{
    memset(v, 0, sizeof *v);
    v->type = json_type(x);
    if (v->type == cJSON_Number) {
        v->num = x->valuedouble;
    } else if (v->type == cJSON_String) {
        v->len = str_len(doc, x);
        v->str = dup_bytes(str_of(x), v->len);
        return v->str != NULL;
    } else if (v->type == cJSON_Array || v->type == cJSON_Object) {
        size_t n = 0;
        for (const cJSON *k = x->child; k; k = k->next)
            n++;
        if (n == 0)
            return true;
        v->kids = calloc(n, sizeof *v->kids);
        if (!v->kids)
            return false;
        for (const cJSON *k = x->child; k; k = k->next) {
            cval *kid = &v->kids[v->n++];
            if (!cval_copy(kid, k, doc))
                return false;
            if (v->type == cJSON_Object) {
                kid->keylen = key_len(doc, k);
                kid->key = dup_bytes(key_of(k), kid->keylen);
                if (!kid->key)
                    return false;
            }
        }
    }
    return true;
}


static const cval *cval_member(const cval *v, const char *key, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->kids[i].keylen == len && memcmp(v->kids[i].key, key, len) == 0)
            return &v->kids[i];
    return NULL;
}

const cJSON *json_member(const cJSON *x, const char *key, size_t len,
                                const quo_json_doc *doc)
{
    for (const cJSON *m = x->child; m; m = m->next)
        if (key_len(doc, m) == len && memcmp(key_of(m), key, len) == 0)
            return m;
    return NULL;
}

/* JSON equality: numbers by value (1 == 1.0), strings by all their bytes,
 * objects regardless of member order. */
bool cval_equal(const cval *v, const cJSON *x, const quo_json_doc *doc)
{
    if (json_type(x) != v->type)
        return false;
    switch (v->type) {
    case cJSON_Number:
        return x->valuedouble == v->num;
    case cJSON_String:
        return str_len(doc, x) == v->len && memcmp(str_of(x), v->str, v->len) == 0;
    case cJSON_Array: {
        size_t i = 0;
        for (const cJSON *k = x->child; k; k = k->next, i++)
            if (i >= v->n || !cval_equal(&v->kids[i], k, doc))
                return false;
        return i == v->n;
    }
    case cJSON_Object: {
        size_t n = 0;
        for (const cJSON *k = x->child; k; k = k->next, n++) {
            const cval *kid = cval_member(v, key_of(k), key_len(doc, k));
            if (!kid || !cval_equal(kid, k, doc))
                return false;
        }
        if (n != v->n)
            return false;
        /* Both ways, for trees that (unlike the gate's) repeat names. */
        for (size_t i = 0; i < v->n; i++)
            if (!json_member(x, v->kids[i].key, v->kids[i].keylen, doc))
                return false;
        return true;
    }
    default:
        return true; /* null, true, false */
    }
}

void sb_cval(quo_buf *b, const cval *v)
{
    switch (v->type) {
    case cJSON_NULL: quo_buf_puts(b, "null"); break;
    case cJSON_True: quo_buf_puts(b, "true"); break;
    case cJSON_False: quo_buf_puts(b, "false"); break;
    case cJSON_Number: sb_number(b, v->num); break;
    case cJSON_String:
        quo_buf_puts(b, "\"");
        sb_json_chars(b, v->str, v->len);
        quo_buf_puts(b, "\"");
        break;
    case cJSON_Array:
    case cJSON_Object:
        quo_buf_puts(b, v->type == cJSON_Array ? "[" : "{");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                quo_buf_puts(b, ",");
            if (v->type == cJSON_Object) {
                quo_buf_puts(b, "\"");
                sb_json_chars(b, v->kids[i].key, v->kids[i].keylen);
                quo_buf_puts(b, "\":");
            }
            sb_cval(b, &v->kids[i]);
        }
        quo_buf_puts(b, v->type == cJSON_Array ? "]" : "}");
        break;
    default: quo_buf_puts(b, "?"); break;
    }
}

size_t count_children(const cJSON *v)
{
    size_t n = 0;
    for (const cJSON *k = v ? v->child : NULL; k; k = k->next)
        n++;
    return n;
}

uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* ------------------------------------------------------- node table */

static size_t ptr_hash(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

snode *table_get(const node_table *t, const cJSON *key)
{
    if (!t->cap)
        return NULL;
    for (size_t i = ptr_hash(key, t->cap);; i = (i + 1) & (t->cap - 1)) {
        if (!t->keys[i])
            return NULL;
        if (t->keys[i] == key)
            return t->vals[i];
    }
}

bool table_put(node_table *t, const cJSON *key, snode *val)
{
    if ((t->count + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        const cJSON **keys = calloc(cap, sizeof *keys);
        snode **vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return false;
        }
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->keys[i])
                continue;
            size_t j = ptr_hash(t->keys[i], cap);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = t->keys[i];
            vals[j] = t->vals[i];
        }
        free(t->keys);
        free(t->vals);
        t->keys = keys;
        t->vals = vals;
        t->cap = cap;
    }
    size_t i = ptr_hash(key, t->cap);
    while (t->keys[i])
        i = (i + 1) & (t->cap - 1);
    t->keys[i] = key;
    t->vals[i] = val;
    t->count++;
    return true;
}

static void node_free(snode *n)
{
    for (size_t i = 0; i < n->nprops; i++)
        free(n->props[i].name);
    free(n->props);
    free(n->hash);
    free(n->req);
    for (size_t i = 0; i < n->npprops; i++)
        quo_regex_free(n->pprops[i].re);
    free(n->pprops);
    for (size_t i = 0; i < n->ndreq; i++) {
        free(n->dreq[i].name);
        for (size_t k = 0; k < n->dreq[i].nneeds; k++)
            free(n->dreq[i].needs[k]);
        free(n->dreq[i].needs);
        free(n->dreq[i].needs_len);
    }
    free(n->dreq);
    for (size_t i = 0; i < n->ndsch; i++)
        free(n->dsch[i].name);
    free(n->dsch);
    free(n->type_msg);
    free(n->allowed_msg);
    free(n->all);
    free(n->any);
    free(n->one);
    free(n->any_probe);
    free(n->one_probe);
    free(n->prefix);
    cval_free(&n->konst);
    free(n->const_msg);
    for (size_t i = 0; i < n->nenum; i++)
        cval_free(&n->enums[i]);
    free(n->enums);
    free(n->enum_msg);
    free(n->min_msg);
    free(n->max_msg);
    free(n->xmin_msg);
    free(n->xmax_msg);
    free(n->multiple_msg);
    quo_regex_free(n->re);
    quo_regex_free(n->format_aux);
    free(n->pattern_msg);
    free(n->spath);
    free(n);
}

void table_free(node_table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i])
            node_free(t->vals[i]);
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}


/* ------------------------------------------- instance equality and hash */

/* Pairs still to compare, on a stack that starts on the C stack and moves
 * to the heap when an instance nests deeper than it: equality never
 * recurses, whatever the depth. */
typedef struct pair_stack {
    const cJSON *(*at)[2];
    size_t n, cap;
    const cJSON *small[32][2];
} pair_stack;

static bool pair_push(pair_stack *s, const cJSON *a, const cJSON *b)
{
    if (s->n == s->cap) {
        size_t cap = s->cap * 2;
        const cJSON *(*grown)[2] = s->at == s->small ? malloc(cap * sizeof *grown)
                                                       : realloc((void *)s->at, cap * sizeof *grown);
        if (!grown)
            return false;
        if (s->at == s->small)
            memcpy((void *)grown, s->small, sizeof s->small);
        s->at = grown;
        s->cap = cap;
    }
    s->at[s->n][0] = a;
    s->at[s->n][1] = b;
    s->n++;
    return true;
}

/* One comparison step: 0 unequal, 1 equal so far (children pushed), -1
 * out of memory. */
static int equal_step(pair_stack *s, const cJSON *a, const cJSON *b, const quo_json_doc *doc)
{
    int t = json_type(a);
    if (t != json_type(b))
        return 0;
    switch (t) {
    case cJSON_Number: return a->valuedouble == b->valuedouble;
    case cJSON_String:
        return str_len(doc, a) == str_len(doc, b) &&
               memcmp(str_of(a), str_of(b), str_len(doc, a)) == 0;
    case cJSON_Array: {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!pair_push(s, x, y))
                return -1;
        return !x && !y;
    }
    case cJSON_Object: {
        if (count_children(a) != count_children(b))
            return 0;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = json_member(b, key_of(x), key_len(doc, x), doc);
            if (!y)
                return 0;
            if (!pair_push(s, x, y))
                return -1;
        }
        return 1;
    }
    default: return 1; /* null, true, false: the type says it all */
    }
}

int json_equal(const cJSON *a, const cJSON *b, const quo_json_doc *doc)
{
    pair_stack s;
    s.at = s.small;
    s.n = 0;
    s.cap = sizeof s.small / sizeof s.small[0];
    int r = pair_push(&s, a, b) ? 1 : -1;
    while (r == 1 && s.n) {
        s.n--;
        r = equal_step(&s, s.at[s.n][0], s.at[s.n][1], doc);
    }
    if (s.at != s.small)
        free((void *)s.at);
    return r;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xBF58476D1CE4E5B9ull;
}

/* Looks only at the value and its direct children (names, counts, kinds),
 * so it needs no recursion; json_equal() settles equal hashes. */
bool json_hash(const cJSON *x, const quo_json_doc *doc, uint64_t *out)
{
    uint64_t h = (uint64_t)json_type(x);
    if (json_type(x) == cJSON_Number) {
        double v = x->valuedouble == 0 ? 0.0 : x->valuedouble; /* -0 == 0 */
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        h = mix(h, bits);
    } else if (json_type(x) == cJSON_String) {
        h = mix(h, name_hash(str_of(x), str_len(doc, x)));
    } else if (json_type(x) == cJSON_Array) {
        for (const cJSON *k = x->child; k; k = k->next)
            h = mix(h, (uint64_t)json_type(k));
    } else if (json_type(x) == cJSON_Object) {
        uint64_t members = 0; /* a sum: the same in any member order */
        for (const cJSON *k = x->child; k; k = k->next)
            members += mix(name_hash(key_of(k), key_len(doc, k)), (uint64_t)json_type(k));
        h = mix(h, members);
    }
    *out = h;
    return true;
}
