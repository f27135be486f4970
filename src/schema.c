/* schema.c - JSON Schema (2020-12 subset) compiled once, validated fast.
 *
 * Compilation turns every schema object into an `snode` holding exactly
 * what validation needs: a type bit mask, a property table with name
 * lengths (required names included, flagged by a bit mask), compiled
 * patterns, copies of const/enum values, and every message text that does
 * not depend on the instance. Nodes are memoised by the cJSON node they
 * come from, so a $ref to a schema being compiled (a recursive schema)
 * simply points at it.
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

#include "quo/array.h"
#include "quo/buf.h"
#include "quo/schema.h"

#include "datetime.h"
#include "regex.h"
#include "quo/utf8.h"

#define MAX_COMPILE_DEPTH 512   /* nested schemas / $ref chains at compile */
#define MAX_VALIDATE_DEPTH 1000 /* nested node applications at validation */
#define MSG_LIST_MAX 300        /* enum / allowed-member lists in messages */

/* Type bits: of an instance, and accepted by a `type` keyword. A number
 * with no fractional part carries TB_INTEGER as well as TB_NUMBER. */
enum {
    TB_NULL = 1,
    TB_BOOLEAN = 2,
    TB_OBJECT = 4,
    TB_ARRAY = 8,
    TB_NUMBER = 16,
    TB_STRING = 32,
    TB_INTEGER = 64
};

static const char *const type_words[7] = {"null", "boolean", "object", "array",
                                          "number", "string", "integer"};
static const char *const type_phrases[7] = {"null", "a boolean", "an object", "an array",
                                            "a number", "a string", "an integer"};

/* schema_type of a violation must have static storage (quo/violation.h),
 * so every set of declared types has its name here: the type words in the
 * order above joined by '|', indexed by the set's bit mask. */
static const char *const type_set_names[128] = {
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

/* Keyword bits of a compiled node. */
enum {
    K_TYPE = 1u << 0,
    K_PROPS = 1u << 1,      /* properties and/or required: a property table */
    K_ADDITIONAL = 1u << 2,
    K_ALLOF = 1u << 3,
    K_ANYOF = 1u << 4,
    K_ONEOF = 1u << 5,
    K_CONST = 1u << 6,
    K_ENUM = 1u << 7,
    K_ITEMS = 1u << 8,
    K_MINLEN = 1u << 9,
    K_MAXLEN = 1u << 10,
    K_MIN = 1u << 11,
    K_MAX = 1u << 12,
    K_PATTERN = 1u << 13,
    K_DATETIME = 1u << 14,
    K_REF = 1u << 15,
    K_FALSE = 1u << 16      /* the boolean schema `false` */
};
#define K_STRING_KW (K_MINLEN | K_MAXLEN | K_PATTERN | K_DATETIME)
#define K_NUMBER_KW (K_MIN | K_MAX)
#define K_OBJECT_KW (K_PROPS | K_ADDITIONAL)
#define K_APPLY_KW (K_REF | K_ALLOF | K_ANYOF | K_ONEOF)

/* A JSON value copied from the schema for const/enum, string and name
 * lengths included (a cJSON copy would cut them at \u0000). */
typedef struct cval {
    int type; /* cJSON_NULL, cJSON_False, ... (low byte of cJSON type) */
    double num;
    char *str; /* string value */
    size_t len;
    char *key; /* member name, inside an object */
    size_t keylen;
    struct cval *kids;
    size_t n;
} cval;

typedef struct snode snode;

typedef struct prop {
    char *name;
    size_t len;
    snode *schema;  /* NULL when the name is only in `required` */
    bool declared;  /* listed in `properties` (else it is additional) */
} prop;

struct snode {
    unsigned kw;
    unsigned char accept;   /* TB_* bits `type` accepts */
    const char *type_name;  /* declared type set, static; NULL if none */
    char *type_msg;         /* "must be a string or null" */

    prop *props;            /* properties first, then required-only names */
    size_t nprops;
    uint32_t *hash;         /* open-addressing index into props, or NULL */
    size_t hash_cap;
    size_t *req;            /* indices into props, in `required` order */
    size_t nreq;
    uint64_t req_mask;      /* bits of req, when nprops <= 64 */
    snode *additional;
    bool additional_false;
    char *allowed_msg;

    snode **all, **any, **one;
    size_t nall, nany, none;

    cval konst;
    char *const_msg;
    cval *enums;
    size_t nenum;
    char *enum_msg;

    snode *items;
    size_t min_len, max_len;
    double minimum, maximum;
    char *min_msg, *max_msg;
    quo_regex *re;
    char *pattern_msg;
    snode *ref;

    char *spath;            /* where it is in the document (messages) */
    unsigned char color;    /* cycle check */
};

/* Every node, keyed by the cJSON node it was compiled from. */
typedef struct node_table {
    const cJSON **keys;
    snode **vals;
    size_t cap, count;
} node_table;

struct quo_schema {
    snode *root;
    node_table nodes;       /* empty in branch views */
    quo_schema *branches;
    size_t nbranches;
};

/* ------------------------------------------------------- string builder */

/* A string's bytes as JSON string content: quote, backslash and control
 * characters (\u0000 included) escaped, the rest copied. */
static void sb_json_chars(quo_buf *b, const char *s, size_t len)
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
static void sb_number(quo_buf *b, double v)
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

/* RFC 6901 token escaping (~ -> ~0, / -> ~1); NUL, which a C string cannot
 * hold, is written as the six characters \u0000. */
static size_t token_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '~' || s[i] == '/' ? 2 : s[i] == '\0' ? 6 : 1;
    return n;
}

static char *token_write(char *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '~' || s[i] == '/') {
            *out++ = '~';
            *out++ = s[i] == '~' ? '0' : '1';
        } else if (s[i] == '\0') {
            memcpy(out, "\\u0000", 6);
            out += 6;
        } else {
            *out++ = s[i];
        }
    }
    return out;
}

static void sb_token(quo_buf *b, const char *s, size_t len)
{
    size_t n = token_len(s, len);
    char small[128];
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

static int json_type(const cJSON *x) { return x->type & 0xFF; }

static size_t str_len(const quo_json_doc *doc, const cJSON *x)
{
    return x->valuestring ? quo_json_strlen(doc, x) : 0;
}

static size_t key_len(const quo_json_doc *doc, const cJSON *x)
{
    return x->string ? quo_json_keylen(doc, x) : 0;
}

static const char *str_of(const cJSON *x) { return x->valuestring ? x->valuestring : ""; }
static const char *key_of(const cJSON *x) { return x->string ? x->string : ""; }

static unsigned instance_bits(const cJSON *x)
{
    switch (json_type(x)) {
    case cJSON_NULL: return TB_NULL;
    case cJSON_False:
    case cJSON_True: return TB_BOOLEAN;
    case cJSON_Object: return TB_OBJECT;
    case cJSON_Array: return TB_ARRAY;
    case cJSON_String: return TB_STRING;
    case cJSON_Number: {
        double v = x->valuedouble;
        return isfinite(v) && floor(v) == v ? TB_NUMBER | TB_INTEGER : TB_NUMBER;
    }
    default: return 0; /* cJSON_Raw / invalid: no JSON type at all */
    }
}

static const char *instance_phrase(const cJSON *x)
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

static void cval_free(cval *v)
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

static char *dup_bytes(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* Deep copy; false on ENOMEM (v is then freeable). */
static bool cval_copy(cval *v, const cJSON *x, const quo_json_doc *doc)
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

static bool cval_equal(const cval *v, const cJSON *x, const quo_json_doc *doc);

static const cval *cval_member(const cval *v, const char *key, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->kids[i].keylen == len && memcmp(v->kids[i].key, key, len) == 0)
            return &v->kids[i];
    return NULL;
}

static const cJSON *json_member(const cJSON *x, const char *key, size_t len,
                                const quo_json_doc *doc)
{
    for (const cJSON *m = x->child; m; m = m->next)
        if (key_len(doc, m) == len && memcmp(key_of(m), key, len) == 0)
            return m;
    return NULL;
}

/* JSON equality: numbers by value (1 == 1.0), strings by all their bytes,
 * objects regardless of member order. */
static bool cval_equal(const cval *v, const cJSON *x, const quo_json_doc *doc)
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

static void sb_cval(quo_buf *b, const cval *v)
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

/* ------------------------------------------------------- node table */

static size_t ptr_hash(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

static snode *table_get(const node_table *t, const cJSON *key)
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

static bool table_put(node_table *t, const cJSON *key, snode *val)
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
    free(n->type_msg);
    free(n->allowed_msg);
    free(n->all);
    free(n->any);
    free(n->one);
    cval_free(&n->konst);
    free(n->const_msg);
    for (size_t i = 0; i < n->nenum; i++)
        cval_free(&n->enums[i]);
    free(n->enums);
    free(n->enum_msg);
    free(n->min_msg);
    free(n->max_msg);
    quo_regex_free(n->re);
    free(n->pattern_msg);
    free(n->spath);
    free(n);
}

static void table_free(node_table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i])
            node_free(t->vals[i]);
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ compiling */

typedef struct cc {
    const cJSON *doc_root;
    const quo_json_doc *lengths;
    node_table *nodes;
    quo_buf path;      /* schema path of what is being compiled */
    quo_error *err;
    quo_status st;
    unsigned depth;
} cc;

static bool cfail(cc *c, quo_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Records the first error (later ones are consequences); returns false. */
static bool cfail(cc *c, quo_status st, const char *fmt, ...)
{
    if (c->st != QUO_OK)
        return false;
    c->st = st;
    if (st == QUO_ENOMEM || c->path.failed) {
        c->st = QUO_ENOMEM;
        quo_error_set(c->err, QUO_ENOMEM, 0, "out of memory compiling a schema");
        return false;
    }
    char msg[QUO_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    quo_error_set(c->err, st, 0, "%s (schema path \"%s\")", msg, c->path.data ? c->path.data : "");
    return false;
}

static bool nomem(cc *c) { return cfail(c, QUO_ENOMEM, "out of memory"); }

/* A short printable rendering of s for an error message. */
static const char *printable(const char *s, size_t len, char *buf, size_t cap)
{
    quo_buf b = QUO_BUF_INIT;
    sb_json_chars(&b, s, len);
    if (b.failed || !b.data) {
        snprintf(buf, cap, "%s", b.failed ? "?" : "");
    } else {
        snprintf(buf, cap, "%s", b.data);
        if (b.len >= cap && cap > 4)
            memcpy(buf + cap - 4, "...", 4);
    }
    free(b.data);
    return buf;
}

static size_t path_push(cc *c, const char *kw)
{
    size_t mark = c->path.len;
    quo_buf_puts(&c->path, kw);
    return mark;
}

static void path_pop(cc *c, size_t mark)
{
    if (c->path.data) {
        c->path.len = mark;
        c->path.data[mark] = '\0';
    }
}

enum kw_id {
    KW_TYPE, KW_PROPERTIES, KW_REQUIRED, KW_ADDITIONAL, KW_ALLOF, KW_ANYOF,
    KW_ONEOF, KW_CONST, KW_ENUM, KW_ITEMS, KW_MINLENGTH, KW_MAXLENGTH,
    KW_MINIMUM, KW_MAXIMUM, KW_PATTERN, KW_FORMAT, KW_REF, KW_DIALECT, KW_ID,
    KW_COUNT,
    KW_IGNORED = KW_COUNT
};

static const struct {
    const char *name;
    int id;
} keywords[] = {
    {"type", KW_TYPE}, {"properties", KW_PROPERTIES}, {"required", KW_REQUIRED},
    {"additionalProperties", KW_ADDITIONAL}, {"allOf", KW_ALLOF}, {"anyOf", KW_ANYOF},
    {"oneOf", KW_ONEOF}, {"const", KW_CONST}, {"enum", KW_ENUM}, {"items", KW_ITEMS},
    {"minLength", KW_MINLENGTH}, {"maxLength", KW_MAXLENGTH}, {"minimum", KW_MINIMUM},
    {"maximum", KW_MAXIMUM}, {"pattern", KW_PATTERN}, {"format", KW_FORMAT},
    {"$ref", KW_REF}, {"$schema", KW_DIALECT}, {"$id", KW_ID},
    /* annotations: no effect on validity (quo/schema.h) */
    {"description", KW_IGNORED}, {"examples", KW_IGNORED}, {"example", KW_IGNORED},
    {"title", KW_IGNORED}, {"$comment", KW_IGNORED}, {"default", KW_IGNORED},
    {"deprecated", KW_IGNORED}, {"readOnly", KW_IGNORED}, {"writeOnly", KW_IGNORED},
    {"$defs", KW_IGNORED}, {"definitions", KW_IGNORED},
    {"contentMediaType", KW_IGNORED}, {"contentEncoding", KW_IGNORED},
    {"contentSchema", KW_IGNORED},
};

static int keyword_id(const char *name, size_t len)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(keywords); i++)
        if (strlen(keywords[i].name) == len && memcmp(keywords[i].name, name, len) == 0)
            return keywords[i].id;
    return -1;
}

static snode *compile(cc *c, const cJSON *js);

static bool c_type(cc *c, snode *n, const cJSON *v)
{
    unsigned declared = 0;
    const cJSON *one = v;
    if (cJSON_IsArray(v)) {
        one = v->child;
        if (!one)
            return cfail(c, QUO_ESCHEMA, "\"type\" must not be an empty array");
    }
    for (; one; one = cJSON_IsArray(v) ? one->next : NULL) {
        if (!cJSON_IsString(one))
            return cfail(c, QUO_ESCHEMA, "\"type\" must be a type name or an array of them");
        size_t len = str_len(c->lengths, one);
        int bit = -1;
        for (int i = 0; i < (int)QUO_ARRAY_SIZE(type_words); i++)
            if (strlen(type_words[i]) == len && memcmp(type_words[i], str_of(one), len) == 0)
                bit = i;
        char buf[64];
        if (bit < 0)
            return cfail(c, QUO_ESCHEMA, "\"type\" names an unknown type \"%s\"",
                         printable(str_of(one), len, buf, sizeof buf));
        if (declared & (1u << bit))
            return cfail(c, QUO_ESCHEMA, "\"type\" lists \"%s\" twice", type_words[bit]);
        declared |= 1u << bit;
    }
    n->kw |= K_TYPE;
    n->accept = (unsigned char)declared;
    n->type_name = type_set_names[declared];

    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, "must be ");
    unsigned left = declared;
    for (int i = 0; i < (int)QUO_ARRAY_SIZE(type_phrases); i++) {
        if (!(declared & (1u << i)))
            continue;
        left &= ~(1u << i);
        quo_buf_puts(&b, type_phrases[i]);
        if (left)
            quo_buf_puts(&b, (left & (left - 1)) ? ", " : " or ");
    }
    n->type_msg = quo_buf_take(&b, NULL);
    return n->type_msg || nomem(c);
}

static long prop_find_linear(const snode *n, const char *name, size_t len)
{
    for (size_t i = 0; i < n->nprops; i++)
        if (n->props[i].len == len && memcmp(n->props[i].name, name, len) == 0)
            return (long)i;
    return -1;
}

static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Tables longer than a few entries get a hash index. */
static bool build_prop_hash(snode *n)
{
    if (n->nprops <= 8)
        return true;
    size_t cap = 16;
    while (cap < n->nprops * 2)
        cap *= 2;
    n->hash = calloc(cap, sizeof *n->hash);
    if (!n->hash)
        return false;
    n->hash_cap = cap;
    for (size_t i = 0; i < n->nprops; i++) {
        size_t j = name_hash(n->props[i].name, n->props[i].len) & (cap - 1);
        while (n->hash[j])
            j = (j + 1) & (cap - 1);
        n->hash[j] = (uint32_t)(i + 1);
    }
    return true;
}

static bool c_allowed_msg(cc *c, snode *n)
{
    quo_buf b = QUO_BUF_INIT;
    size_t listed = 0, declared = 0;
    for (size_t i = 0; i < n->nprops; i++)
        declared += n->props[i].declared;
    if (!declared) {
        quo_buf_puts(&b, "is not an allowed member (no members are allowed here)");
    } else {
        quo_buf_puts(&b, "is not an allowed member (allowed: ");
        for (size_t i = 0; i < n->nprops; i++) {
            if (!n->props[i].declared)
                continue;
            if (b.len > MSG_LIST_MAX) {
                quo_buf_printf(&b, ", and %zu more", declared - listed);
                break;
            }
            if (listed++)
                quo_buf_puts(&b, ", ");
            sb_json_chars(&b, n->props[i].name, n->props[i].len);
        }
        quo_buf_puts(&b, ")");
    }
    n->allowed_msg = quo_buf_take(&b, NULL);
    return n->allowed_msg || nomem(c);
}

static size_t count_children(const cJSON *v)
{
    size_t n = 0;
    for (const cJSON *k = v ? v->child : NULL; k; k = k->next)
        n++;
    return n;
}

static bool c_properties(cc *c, snode *n, const cJSON *props)
{
    char buf[64];
    for (const cJSON *p = props->child; p; p = p->next) {
        size_t len = key_len(c->lengths, p);
        if (prop_find_linear(n, key_of(p), len) >= 0)
            return cfail(c, QUO_ESCHEMA, "\"properties\" lists \"%s\" twice",
                         printable(key_of(p), len, buf, sizeof buf));
        prop *e = &n->props[n->nprops];
        e->name = dup_bytes(key_of(p), len);
        if (!e->name)
            return nomem(c);
        e->len = len;
        e->declared = true;
        n->nprops++;
        size_t mark = path_push(c, "/properties/");
        sb_token(&c->path, key_of(p), len);
        e->schema = compile(c, p);
        path_pop(c, mark);
        if (!e->schema)
            return false;
    }
    return true;
}

static bool c_required(cc *c, snode *n, const cJSON *req)
{
    char buf[64];
    n->req = calloc(count_children(req) + 1, sizeof *n->req);
    if (!n->req)
        return nomem(c);
    for (const cJSON *r = req->child; r; r = r->next) {
        if (!cJSON_IsString(r))
            return cfail(c, QUO_ESCHEMA, "\"required\" must be an array of strings");
        size_t len = str_len(c->lengths, r);
        long idx = prop_find_linear(n, str_of(r), len);
        for (size_t i = 0; idx >= 0 && i < n->nreq; i++)
            if (n->req[i] == (size_t)idx)
                return cfail(c, QUO_ESCHEMA, "\"required\" lists \"%s\" twice",
                             printable(str_of(r), len, buf, sizeof buf));
        if (idx < 0) {
            prop *e = &n->props[n->nprops];
            e->name = dup_bytes(str_of(r), len);
            if (!e->name)
                return nomem(c);
            e->len = len;
            idx = (long)n->nprops++;
        }
        n->req[n->nreq++] = (size_t)idx;
    }
    if (n->nprops <= 64)
        for (size_t i = 0; i < n->nreq; i++)
            n->req_mask |= 1ull << n->req[i];
    return true;
}

static bool c_object_kw(cc *c, snode *n, const cJSON *props, const cJSON *req,
                        const cJSON *addl)
{
    if (props && !cJSON_IsObject(props))
        return cfail(c, QUO_ESCHEMA, "\"properties\" must be an object");
    if (req && !cJSON_IsArray(req))
        return cfail(c, QUO_ESCHEMA, "\"required\" must be an array of strings");
    if (props || req) {
        n->props = calloc(count_children(props) + count_children(req) + 1, sizeof *n->props);
        if (!n->props)
            return nomem(c);
        n->kw |= K_PROPS;
        if (props && !c_properties(c, n, props))
            return false;
        if (req && !c_required(c, n, req))
            return false;
        if (!build_prop_hash(n))
            return nomem(c);
    }
    if (addl) {
        size_t mark = path_push(c, "/additionalProperties");
        n->additional = compile(c, addl);
        path_pop(c, mark);
        if (!n->additional)
            return false;
        n->kw |= K_ADDITIONAL;
        n->additional_false = cJSON_IsFalse(addl);
        if (n->additional_false && !c_allowed_msg(c, n))
            return false;
    }
    return true;
}

static bool c_list(cc *c, const cJSON *v, const char *kw, snode ***out, size_t *nout)
{
    size_t count = count_children(v);
    if (!cJSON_IsArray(v) || count == 0)
        return cfail(c, QUO_ESCHEMA, "\"%s\" must be a non-empty array of schemas", kw);
    *out = calloc(count, sizeof **out);
    if (!*out)
        return nomem(c);
    for (const cJSON *k = v->child; k; k = k->next) {
        size_t mark = c->path.len;
        quo_buf_printf(&c->path, "/%s/%zu", kw, *nout);
        snode *s = compile(c, k);
        path_pop(c, mark);
        if (!s)
            return false;
        (*out)[(*nout)++] = s;
    }
    return true;
}

static bool c_const(cc *c, snode *n, const cJSON *v)
{
    if (!cval_copy(&n->konst, v, c->lengths))
        return nomem(c);
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, "must be exactly ");
    sb_cval(&b, &n->konst);
    n->const_msg = quo_buf_take(&b, NULL);
    n->kw |= K_CONST;
    return n->const_msg || nomem(c);
}

static bool c_enum(cc *c, snode *n, const cJSON *v)
{
    if (!cJSON_IsArray(v))
        return cfail(c, QUO_ESCHEMA, "\"enum\" must be an array");
    n->enums = calloc(count_children(v) + 1, sizeof *n->enums);
    if (!n->enums)
        return nomem(c);
    quo_buf b = QUO_BUF_INIT;
    bool cut = false;
    quo_buf_puts(&b, v->child ? "must be one of: " : "can never be valid (the enum is empty)");
    for (const cJSON *k = v->child; k; k = k->next) {
        cval *e = &n->enums[n->nenum];
        bool ok = cval_copy(e, k, c->lengths);
        n->nenum++;
        if (!ok) {
            free(b.data);
            return nomem(c);
        }
        if (cut)
            continue;
        if (b.len > MSG_LIST_MAX) {
            quo_buf_puts(&b, ", ...");
            cut = true;
            continue;
        }
        if (n->nenum > 1)
            quo_buf_puts(&b, ", ");
        sb_cval(&b, e);
    }
    n->enum_msg = quo_buf_take(&b, NULL);
    n->kw |= K_ENUM;
    return n->enum_msg || nomem(c);
}

static bool c_count(cc *c, const cJSON *v, const char *kw, size_t *out)
{
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
    if (!isfinite(d) || d < 0 || floor(d) != d)
        return cfail(c, QUO_ESCHEMA, "\"%s\" must be a non-negative integer", kw);
    *out = d >= (double)SIZE_MAX ? SIZE_MAX : (size_t)d;
    return true;
}

static bool c_bound(cc *c, const cJSON *v, const char *kw, const char *phrase, double *out,
                    char **msg)
{
    if (!cJSON_IsNumber(v))
        return cfail(c, QUO_ESCHEMA, "\"%s\" must be a number", kw);
    *out = v->valuedouble;
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, phrase);
    sb_number(&b, *out);
    *msg = quo_buf_take(&b, NULL);
    return *msg || nomem(c);
}

static bool c_pattern(cc *c, snode *n, const cJSON *v)
{
    if (!cJSON_IsString(v))
        return cfail(c, QUO_ESCHEMA, "\"pattern\" must be a string");
    size_t len = str_len(c->lengths, v);
    quo_error rerr = {QUO_OK, 0, ""};
    quo_status st = quo_regex_compile(str_of(v), len, 0, &n->re, &rerr);
    if (st == QUO_ENOMEM)
        return nomem(c);
    if (st != QUO_OK) {
        char buf[64];
        return cfail(c, QUO_ESCHEMA, "\"pattern\" \"%s\": %s",
                     printable(str_of(v), len, buf, sizeof buf), rerr.message);
    }
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, "must match the pattern ");
    for (size_t i = 0; i < len; i++) { /* as written, control characters escaped */
        unsigned char ch = (unsigned char)str_of(v)[i];
        if (ch < 0x20)
            quo_buf_printf(&b, "\\u%04x", ch);
        else
            quo_buf_append(&b, &str_of(v)[i], 1);
    }
    n->pattern_msg = quo_buf_take(&b, NULL);
    n->kw |= K_PATTERN;
    return n->pattern_msg || nomem(c);
}

static bool c_format(cc *c, snode *n, const cJSON *v)
{
    if (!cJSON_IsString(v))
        return cfail(c, QUO_ESCHEMA, "\"format\" must be a string");
    size_t len = str_len(c->lengths, v);
    if (len == 9 && memcmp(str_of(v), "date-time", 9) == 0) {
        n->kw |= K_DATETIME;
        return true;
    }
    char buf[64];
    return cfail(c, QUO_ESCHEMA,
                 "format \"%s\" is not supported (formats are asserted, and only "
                 "\"date-time\" is known)",
                 printable(str_of(v), len, buf, sizeof buf));
}

static bool c_dialect(cc *c, const cJSON *v)
{
    static const char *const known[] = {
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2020-12/schema#",
        "https://spec.openapis.org/oas/3.1/dialect/base",
    };
    if (cJSON_IsString(v))
        for (size_t i = 0; i < QUO_ARRAY_SIZE(known); i++)
            if (str_len(c->lengths, v) == strlen(known[i]) && strcmp(str_of(v), known[i]) == 0)
                return true;
    char buf[80];
    return cfail(c, QUO_ESCHEMA, "\"$schema\" \"%s\" is not supported (only draft 2020-12)",
                 cJSON_IsString(v) ? printable(str_of(v), str_len(c->lengths, v), buf, sizeof buf)
                                   : "?");
}

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* RFC 6901 evaluation of p[0..len) from root; member names compared by
 * their full length. NULL when it leads nowhere or is malformed. */
static const cJSON *resolve_pointer(const cJSON *root, const char *p, size_t len,
                                    const quo_json_doc *doc)
{
    char small[256];
    char *tok = len < sizeof small ? small : malloc(len + 1);
    const cJSON *cur = root;
    size_t i = 0;
    if (!tok)
        return NULL;
    if (len && p[0] != '/')
        cur = NULL;
    while (cur && i < len) {
        size_t tl = 0;
        for (i++; i < len && p[i] != '/'; i++) {
            if (p[i] != '~') {
                tok[tl++] = p[i];
            } else if (i + 1 < len && (p[i + 1] == '0' || p[i + 1] == '1')) {
                tok[tl++] = p[++i] == '0' ? '~' : '/';
            } else {
                cur = NULL;
                break;
            }
        }
        if (!cur)
            break;
        if (cJSON_IsObject(cur)) {
            cur = json_member(cur, tok, tl, doc);
        } else if (cJSON_IsArray(cur)) {
            size_t idx = 0;
            bool ok = tl > 0 && (tl == 1 || tok[0] != '0') && tl < 10;
            for (size_t k = 0; ok && k < tl; k++) {
                ok = tok[k] >= '0' && tok[k] <= '9';
                idx = idx * 10 + (size_t)(tok[k] - '0');
            }
            cur = ok ? cJSON_GetArrayItem(cur, (int)idx) : NULL;
        } else {
            cur = NULL;
        }
    }
    if (tok != small)
        free(tok);
    return cur;
}

static bool c_ref(cc *c, snode *n, const cJSON *v)
{
    char buf[96];
    if (!cJSON_IsString(v))
        return cfail(c, QUO_ESCHEMA, "\"$ref\" must be a string");
    const char *s = str_of(v);
    size_t len = str_len(c->lengths, v);
    const char *shown = printable(s, len, buf, sizeof buf);
    if (len == 0 || s[0] != '#')
        return cfail(c, QUO_ESCHEMA,
                     "\"$ref\" \"%s\" is not supported: only references into the same "
                     "document (\"#/...\") are", shown);
    /* The fragment is a URI fragment: percent-decode it to get the pointer. */
    char *ptr = malloc(len);
    if (!ptr)
        return nomem(c);
    size_t pl = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] != '%') {
            ptr[pl++] = s[i];
            continue;
        }
        int hi = i + 2 < len ? hex_digit(s[i + 1]) : -1;
        int lo = i + 2 < len ? hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            free(ptr);
            return cfail(c, QUO_ESCHEMA, "\"$ref\" \"%s\" has a malformed %%-escape", shown);
        }
        ptr[pl++] = (char)(hi * 16 + lo);
        i += 2;
    }
    if (pl && ptr[0] != '/') {
        free(ptr);
        return cfail(c, QUO_ESCHEMA,
                     "\"$ref\" \"%s\" is not supported: anchors are not, only JSON Pointers",
                     shown);
    }
    const cJSON *target = resolve_pointer(c->doc_root, ptr, pl, c->lengths);
    if (!target) {
        free(ptr);
        return cfail(c, QUO_ESCHEMA, "\"$ref\" \"%s\" does not resolve in the document", shown);
    }
    /* Compile the target under its own path. */
    quo_buf saved = c->path;
    quo_buf here = QUO_BUF_INIT;
    quo_buf_append(&here, ptr, pl);
    free(ptr);
    if (here.failed)
        return nomem(c);
    c->path = here;
    n->ref = compile(c, target);
    here = c->path;
    c->path = saved;
    free(here.data);
    if (!n->ref)
        return false;
    n->kw |= K_REF;
    return true;
}

static bool compile_object(cc *c, snode *n, const cJSON *js)
{
    const cJSON *kw[KW_COUNT] = {0};
    char buf[64];
    for (const cJSON *m = js->child; m; m = m->next) {
        size_t len = key_len(c->lengths, m);
        int id = keyword_id(key_of(m), len);
        if (id < 0)
            return cfail(c, QUO_ESCHEMA,
                         "unknown keyword \"%s\" (an assertion this engine does not "
                         "implement is never skipped)",
                         printable(key_of(m), len, buf, sizeof buf));
        if (id != KW_IGNORED)
            kw[id] = m;
    }
    if (kw[KW_ID] && js != c->doc_root)
        return cfail(c, QUO_ESCHEMA,
                     "\"$id\" inside a schema (an embedded schema resource) is not supported");
    if (kw[KW_DIALECT] && !c_dialect(c, kw[KW_DIALECT]))
        return false;
    if (kw[KW_TYPE] && !c_type(c, n, kw[KW_TYPE]))
        return false;
    if ((kw[KW_PROPERTIES] || kw[KW_REQUIRED] || kw[KW_ADDITIONAL]) &&
        !c_object_kw(c, n, kw[KW_PROPERTIES], kw[KW_REQUIRED], kw[KW_ADDITIONAL]))
        return false;
    if (kw[KW_ALLOF] && !c_list(c, kw[KW_ALLOF], "allOf", &n->all, &n->nall))
        return false;
    if (kw[KW_ANYOF] && !c_list(c, kw[KW_ANYOF], "anyOf", &n->any, &n->nany))
        return false;
    if (kw[KW_ONEOF] && !c_list(c, kw[KW_ONEOF], "oneOf", &n->one, &n->none))
        return false;
    n->kw |= (n->nall ? K_ALLOF : 0) | (n->nany ? K_ANYOF : 0) | (n->none ? K_ONEOF : 0);
    if (kw[KW_CONST] && !c_const(c, n, kw[KW_CONST]))
        return false;
    if (kw[KW_ENUM] && !c_enum(c, n, kw[KW_ENUM]))
        return false;
    if (kw[KW_ITEMS]) {
        if (cJSON_IsArray(kw[KW_ITEMS]))
            return cfail(c, QUO_ESCHEMA,
                         "\"items\" must be one schema in draft 2020-12 (the array form is "
                         "now \"prefixItems\", which is not supported)");
        size_t mark = path_push(c, "/items");
        n->items = compile(c, kw[KW_ITEMS]);
        path_pop(c, mark);
        if (!n->items)
            return false;
        n->kw |= K_ITEMS;
    }
    if (kw[KW_MINLENGTH]) {
        if (!c_count(c, kw[KW_MINLENGTH], "minLength", &n->min_len))
            return false;
        n->kw |= K_MINLEN;
    }
    if (kw[KW_MAXLENGTH]) {
        if (!c_count(c, kw[KW_MAXLENGTH], "maxLength", &n->max_len))
            return false;
        n->kw |= K_MAXLEN;
    }
    if (kw[KW_MINIMUM]) {
        if (!c_bound(c, kw[KW_MINIMUM], "minimum", "must be greater than or equal to ",
                     &n->minimum, &n->min_msg))
            return false;
        n->kw |= K_MIN;
    }
    if (kw[KW_MAXIMUM]) {
        if (!c_bound(c, kw[KW_MAXIMUM], "maximum", "must be less than or equal to ",
                     &n->maximum, &n->max_msg))
            return false;
        n->kw |= K_MAX;
    }
    if (kw[KW_PATTERN] && !c_pattern(c, n, kw[KW_PATTERN]))
        return false;
    if (kw[KW_FORMAT] && !c_format(c, n, kw[KW_FORMAT]))
        return false;
    if (kw[KW_REF] && !c_ref(c, n, kw[KW_REF]))
        return false;
    return true;
}

static snode *compile(cc *c, const cJSON *js)
{
    snode *n = table_get(c->nodes, js);
    if (n)
        return n; /* compiled, or being compiled further up (recursion) */
    if (c->path.failed) {
        nomem(c);
        return NULL;
    }
    if (c->depth >= MAX_COMPILE_DEPTH) {
        cfail(c, QUO_ESCHEMA, "schemas nested too deeply (more than %d levels, counting $ref)",
              MAX_COMPILE_DEPTH);
        return NULL;
    }
    n = calloc(1, sizeof *n);
    if (!n || !table_put(c->nodes, js, n)) {
        free(n);
        nomem(c);
        return NULL;
    }
    n->spath = dup_bytes(c->path.data ? c->path.data : "", c->path.len);
    if (!n->spath) {
        nomem(c);
        return NULL;
    }
    if (cJSON_IsBool(js)) {
        n->kw = cJSON_IsFalse(js) ? K_FALSE : 0;
        return n;
    }
    if (!cJSON_IsObject(js)) {
        cfail(c, QUO_ESCHEMA, "a schema must be an object or a boolean, not %s",
              instance_phrase(js));
        return NULL;
    }
    c->depth++;
    bool ok = compile_object(c, n, js);
    c->depth--;
    return ok ? n : NULL;
}

/* $ref/allOf/anyOf/oneOf apply a schema to the same instance value: a
 * cycle of them would recurse forever at validation, so it is an error. */
static bool check_cycles(cc *c, snode *n, unsigned depth)
{
    if (n->color == 2)
        return true;
    if (n->color == 1 || depth > MAX_COMPILE_DEPTH) {
        c->st = QUO_ESCHEMA;
        quo_error_set(c->err, QUO_ESCHEMA, 0,
                      "$ref/allOf/anyOf/oneOf at schema path \"%s\" lead back to it without "
                      "descending into the instance (endless recursion)", n->spath);
        return false;
    }
    n->color = 1;
    if (n->ref && !check_cycles(c, n->ref, depth + 1))
        return false;
    for (size_t i = 0; i < n->nall; i++)
        if (!check_cycles(c, n->all[i], depth + 1))
            return false;
    for (size_t i = 0; i < n->nany; i++)
        if (!check_cycles(c, n->any[i], depth + 1))
            return false;
    for (size_t i = 0; i < n->none; i++)
        if (!check_cycles(c, n->one[i], depth + 1))
            return false;
    n->color = 2;
    return true;
}

static bool make_branches(quo_schema *s)
{
    const snode *r = s->root;
    for (unsigned hops = 0; r->kw == K_REF && hops < MAX_COMPILE_DEPTH; hops++)
        r = r->ref; /* a root that is only a $ref: look through it */
    snode *const *list = r->nany ? r->any : r->one;
    size_t n = r->nany ? r->nany : r->none;
    if (!n)
        return true;
    s->branches = calloc(n, sizeof *s->branches);
    if (!s->branches)
        return false;
    for (size_t i = 0; i < n; i++)
        s->branches[i].root = list[i];
    s->nbranches = n;
    return true;
}

quo_status quo_schema_compile(const cJSON *document, const quo_json_doc *lengths,
                              const char *pointer, quo_schema **out, quo_error *err)
{
    if (!out || !document)
        return quo_error_set(err, QUO_EUSAGE, 0, "quo_schema_compile needs a document");
    *out = NULL;
    if (!pointer)
        pointer = "";
    const cJSON *root = resolve_pointer(document, pointer, strlen(pointer), lengths);
    if (!root)
        return quo_error_set(err, QUO_ESCHEMA, 0,
                             "schema pointer \"%s\" does not resolve in the document", pointer);
    quo_schema *s = calloc(1, sizeof *s);
    if (!s)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory compiling a schema");
    cc c = {document, lengths, &s->nodes, {NULL, 0, 0, false}, err, QUO_OK, 0};
    quo_buf_puts(&c.path, pointer);
    s->root = compile(&c, root);
    if (s->root && c.st == QUO_OK) {
        for (size_t i = 0; i < s->nodes.cap && c.st == QUO_OK; i++)
            if (s->nodes.keys[i])
                check_cycles(&c, s->nodes.vals[i], 0);
    }
    if (c.st == QUO_OK && !make_branches(s))
        nomem(&c);
    free(c.path.data);
    if (c.st != QUO_OK || !s->root) {
        quo_schema_free(s);
        return c.st != QUO_OK ? c.st : quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    *out = s;
    return QUO_OK;
}

void quo_schema_free(quo_schema *schema)
{
    if (!schema)
        return;
    table_free(&schema->nodes);
    free(schema->branches);
    free(schema);
}

size_t quo_schema_branch_count(const quo_schema *schema)
{
    return schema ? schema->nbranches : 0;
}

const quo_schema *quo_schema_branch(const quo_schema *schema, size_t i)
{
    return schema && i < schema->nbranches ? &schema->branches[i] : NULL;
}

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
    quo_status st;     /* QUO_ENOMEM stops everything */
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

static bool v_node(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                   const char *itype);

static size_t cp_count(const char *str, size_t len, size_t *cache)
{
    if (*cache == SIZE_MAX)
        *cache = quo_utf8_count(str, len);
    return *cache;
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
        quo_regex_result r = quo_regex_search(s->re, str, len, c->utf_checked);
        if (r == QUO_REGEX_ENOMEM) {
            c->st = QUO_ENOMEM;
            return false;
        }
        if (r != QUO_REGEX_MATCH) {
            if (!collect)
                return false;
            report(c, at, x, "pattern", stype, "%s", s->pattern_msg);
            ok = false;
        }
    }
    if ((s->kw & K_DATETIME) && !quo_datetime_valid(str, len)) {
        if (!collect)
            return false;
        report(c, at, x, "format", stype,
               "must be an RFC 3339 date-time such as 2026-11-28T17:00:00Z");
        ok = false;
    }
    return ok;
}

static bool v_number(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                     const char *stype)
{
    double v = x->valuedouble;
    bool ok = true;
    if ((s->kw & K_MIN) && !(v >= s->minimum)) {
        if (!collect)
            return false;
        report(c, at, x, "minimum", stype, "%s", s->min_msg);
        ok = false;
    }
    if ((s->kw & K_MAX) && !(v <= s->maximum)) {
        if (!collect)
            return false;
        report(c, at, x, "maximum", stype, "%s", s->max_msg);
        ok = false;
    }
    return ok;
}

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

static bool v_object(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                     const char *stype)
{
    uint64_t seen = 0;
    bool ok = true;
    for (const cJSON *m = x->child; m; m = m->next) {
        size_t len = key_len(c->doc, m);
        seg sub = {at, key_of(m), len};
        long i = s->nprops ? find_prop(s, key_of(m), len) : -1;
        if (i >= 0) {
            const prop *p = &s->props[i];
            if (i < 64)
                seen |= 1ull << i;
            if (p->declared) {
                if (!v_node(c, p->schema, m, &sub, collect, NULL)) {
                    ok = false;
                    if (!collect || c->st != QUO_OK)
                        return false;
                }
                continue;
            }
        }
        if (!s->additional)
            continue;
        if (s->additional_false) {
            if (!collect)
                return false;
            report(c, &sub, m, "additionalProperties", stype, "%s", s->allowed_msg);
            ok = false;
        } else if (!v_node(c, s->additional, m, &sub, collect, NULL)) {
            ok = false;
            if (!collect || c->st != QUO_OK)
                return false;
        }
    }
    if (s->nreq && !v_required(c, s, x, at, collect, seen))
        ok = false;
    return ok;
}

static bool v_array(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect)
{
    bool ok = true;
    size_t i = 0;
    for (const cJSON *k = x->child; k; k = k->next, i++) {
        seg sub = {at, NULL, i};
        if (!v_node(c, s->items, k, &sub, collect, NULL)) {
            ok = false;
            if (!collect || c->st != QUO_OK)
                return false;
        }
    }
    return ok;
}

/* $ref, allOf, anyOf, oneOf: other schemas applied to the same value. An
 * anyOf/oneOf failure is one violation here (see quo/schema.h). */
static bool v_apply(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                    const char *stype)
{
    bool ok = true;
    if ((s->kw & K_REF) && !v_node(c, s->ref, x, at, collect, stype)) {
        if (!collect || c->st != QUO_OK)
            return false;
        ok = false;
    }
    for (size_t i = 0; i < s->nall; i++) {
        if (!v_node(c, s->all[i], x, at, collect, stype)) {
            if (!collect || c->st != QUO_OK)
                return false;
            ok = false;
        }
    }
    if (s->nany) {
        bool any = false;
        for (size_t i = 0; i < s->nany && !any; i++)
            any = v_node(c, s->any[i], x, at, false, stype);
        if (c->st != QUO_OK)
            return false;
        if (!any) {
            if (!collect)
                return false;
            report(c, at, x, "anyOf", stype,
                   "must match at least one of the %zu allowed alternatives", s->nany);
            ok = false;
        }
    }
    if (s->none) {
        size_t matched = 0;
        for (size_t i = 0; i < s->none && matched < 2; i++)
            matched += v_node(c, s->one[i], x, at, false, stype);
        if (c->st != QUO_OK)
            return false;
        if (matched != 1) {
            if (!collect)
                return false;
            report(c, at, x, "oneOf", stype,
                   "must match exactly one of the %zu allowed alternatives, but matches %s",
                   s->none, matched ? "more than one" : "none");
            ok = false;
        }
    }
    return ok;
}

static bool v_body(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                   const char *stype)
{
    unsigned kw = s->kw, tb = instance_bits(x);
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
        ok = v_object(c, s, x, at, collect, stype) && ok;
    else if ((tb & TB_ARRAY) && (kw & K_ITEMS))
        ok = v_array(c, s, x, at, collect) && ok;
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
        ok = v_apply(c, s, x, at, collect, stype) && ok;
    return ok && c->st == QUO_OK;
}

static bool v_node(vctx *c, const snode *s, const cJSON *x, const seg *at, bool collect,
                   const char *itype)
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
        if (collect)
            report(c, at, x, "depth", stype,
                   "is nested too deeply to validate (over %d schema levels)",
                   MAX_VALIDATE_DEPTH);
        return false;
    }
    c->depth++;
    bool ok = v_body(c, s, x, at, collect, stype);
    c->depth--;
    return ok;
}

quo_status quo_schema_validate(const quo_schema *schema, const cJSON *instance,
                               const quo_json_doc *doc, quo_violations *out)
{
    if (!schema || !instance || !out)
        return QUO_EUSAGE;
    vctx c = {doc, out, QUO_OK, 0, doc != NULL};
    v_node(&c, schema->root, instance, NULL, true, NULL);
    return c.st;
}

bool quo_schema_is_valid(const quo_schema *schema, const cJSON *instance,
                         const quo_json_doc *doc)
{
    if (!schema || !instance)
        return false;
    vctx c = {doc, NULL, QUO_OK, 0, doc != NULL};
    return v_node(&c, schema->root, instance, NULL, false, NULL) && c.st == QUO_OK;
}
