/* schema_internal.h (internal) - the compiled form of a JSON Schema, shared
 * by the compiler (schema_compile.c), the validator (schema_validate.c) and
 * the value helpers both use (schema_value.c).
 *
 * Compilation turns every schema object into an `snode` holding exactly
 * what validation needs: keyword bits, a type mask, a property table with
 * name lengths, compiled patterns, copies of const/enum values, and every
 * message text that does not depend on the instance. Nodes are owned by the
 * quo_schema's node table (memoised by the cJSON node they come from, so a
 * $ref to a schema being compiled simply points at it); pointers between
 * nodes are never owning.
 */
#ifndef QUO_SCHEMA_INTERNAL_H
#define QUO_SCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/schema.h"

#include "format.h"
#include "regex.h"

#define MAX_COMPILE_DEPTH 512    /* nested schemas / $ref chains at compile */
#define MAX_VALIDATE_DEPTH 2000  /* nested node applications at validation */
#define MSG_LIST_MAX 300         /* enum / allowed-member lists in messages */

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

extern const char *const schema_type_words[7];
extern const char *const schema_type_phrases[7];
extern const char *const schema_type_set_names[128];

/* Keyword bits of a compiled node. */
#define K_TYPE (1ull << 0)
#define K_PROPS (1ull << 1) /* properties and/or required: a property table */
#define K_ADDITIONAL (1ull << 2)
#define K_ALLOF (1ull << 3)
#define K_ANYOF (1ull << 4)
#define K_ONEOF (1ull << 5)
#define K_CONST (1ull << 6)
#define K_ENUM (1ull << 7)
#define K_ITEMS (1ull << 8)
#define K_MINLEN (1ull << 9)
#define K_MAXLEN (1ull << 10)
#define K_MIN (1ull << 11)
#define K_MAX (1ull << 12)
#define K_PATTERN (1ull << 13)
#define K_FORMAT (1ull << 14)
#define K_REF (1ull << 15)
#define K_FALSE (1ull << 16) /* the boolean schema `false` */
#define K_XMIN (1ull << 17)
#define K_XMAX (1ull << 18)
#define K_MULTIPLE (1ull << 19)
#define K_MINITEMS (1ull << 20)
#define K_MAXITEMS (1ull << 21)
#define K_UNIQUE (1ull << 22)
#define K_PREFIX (1ull << 23)
#define K_CONTAINS (1ull << 24)
#define K_MINPROPS (1ull << 25)
#define K_MAXPROPS (1ull << 26)
#define K_PATPROPS (1ull << 27)
#define K_DEPREQ (1ull << 28)
#define K_DEPSCHEMA (1ull << 29)
#define K_PROPNAMES (1ull << 30)
#define K_NOT (1ull << 31)
#define K_IF (1ull << 32) /* if, with then and/or else */
#define K_UNEVAL_PROPS (1ull << 33)
#define K_UNEVAL_ITEMS (1ull << 34)

#define K_STRING_KW (K_MINLEN | K_MAXLEN | K_PATTERN | K_FORMAT)
#define K_NUMBER_KW (K_MIN | K_MAX | K_XMIN | K_XMAX | K_MULTIPLE)
#define K_OBJECT_KW                                                                         \
    (K_PROPS | K_ADDITIONAL | K_MINPROPS | K_MAXPROPS | K_PATPROPS | K_DEPREQ | K_PROPNAMES | \
     K_UNEVAL_PROPS)
#define K_ARRAY_KW \
    (K_ITEMS | K_MINITEMS | K_MAXITEMS | K_UNIQUE | K_PREFIX | K_CONTAINS | K_UNEVAL_ITEMS)
#define K_APPLY_KW (K_REF | K_ALLOF | K_ANYOF | K_ONEOF | K_NOT | K_IF | K_DEPSCHEMA)

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
    snode *schema; /* NULL when the name is only in `required` */
    bool declared; /* listed in `properties` (else it is additional) */
} prop;

typedef struct pattern_prop {
    quo_regex *re;
    snode *schema;
} pattern_prop;

/* dependentRequired: when `name` is present, so must `needs` be. */
typedef struct dep_req {
    char *name;
    size_t len;
    char **needs;
    size_t *needs_len;
    size_t nneeds;
} dep_req;

/* dependentSchemas: when `name` is present, the object must match. */
typedef struct dep_schema {
    char *name;
    size_t len;
    snode *schema;
} dep_schema;

struct snode {
    uint64_t kw;
    unsigned char accept;  /* TB_* bits `type` accepts */
    const char *type_name; /* declared type set, static; NULL if none */
    char *type_msg;        /* "must be a string or null" */

    prop *props; /* properties first, then required-only names */
    size_t nprops;
    uint32_t *hash; /* open-addressing index into props, or NULL */
    size_t hash_cap;
    size_t *req; /* indices into props, in `required` order */
    size_t nreq;
    uint64_t req_mask; /* bits of req, when nprops <= 64 */
    pattern_prop *pprops;
    size_t npprops;
    snode *additional;
    bool additional_false;
    char *allowed_msg;
    dep_req *dreq;
    size_t ndreq;
    dep_schema *dsch;
    size_t ndsch;
    snode *propnames;
    size_t min_props, max_props;
    snode *uneval_props;

    snode **all, **any, **one;
    size_t nall, nany, none;
    /* Per anyOf/oneOf branch, a member the branch itself requires and some
     * sibling does not (NULL: none): an object instance without it fails
     * the branch, which is then not tried (the link-id fast path). */
    const prop **any_probe, **one_probe;
    snode *not_, *if_, *then_, *else_;

    cval konst;
    char *const_msg;
    cval *enums;
    size_t nenum;
    char *enum_msg;

    snode **prefix;
    size_t nprefix;
    snode *items;
    snode *contains;
    size_t min_contains, max_contains; /* max_contains SIZE_MAX: none */
    size_t min_items, max_items;
    snode *uneval_items;

    size_t min_len, max_len;
    double minimum, maximum, xminimum, xmaximum, multiple;
    char *min_msg, *max_msg, *xmin_msg, *xmax_msg, *multiple_msg;
    quo_regex *re;
    char *pattern_msg;
    quo_format_id format;
    quo_regex *format_aux; /* what the format check needs (format.h) */

    snode *ref;

    char *spath;         /* where it is in the document (messages) */
    unsigned char color; /* cycle check */
};

/* Every node, keyed by the cJSON node it was compiled from. */
typedef struct node_table {
    const cJSON **keys;
    snode **vals;
    size_t cap, count;
} node_table;

struct quo_schema {
    snode *root;
    node_table nodes; /* empty in branch views */
    quo_schema *branches;
    size_t nbranches;
};

/* ---- schema_value.c: JSON values, texts and the node table ------------ */

/* A string's bytes as JSON string content (quote, backslash and control
 * characters escaped). */
void sb_json_chars(quo_buf *b, const char *s, size_t len);
/* Shortest %g text that reads back as the same double. */
void sb_number(quo_buf *b, double v);
/* RFC 6901 token escaping (~ -> ~0, / -> ~1); NUL, which a C string cannot
 * hold, is written as the six characters \u0000. */
static inline size_t token_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '~' || s[i] == '/' ? 2 : s[i] == '\0' ? 6 : 1;
    return n;
}

static inline char *token_write(char *out, const char *s, size_t len)
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

void sb_token(quo_buf *b, const char *s, size_t len);
void sb_cval(quo_buf *b, const cval *v);

static inline int json_type(const cJSON *x) { return x->type & 0xFF; }
static inline const char *str_of(const cJSON *x) { return x->valuestring ? x->valuestring : ""; }
static inline const char *key_of(const cJSON *x) { return x->string ? x->string : ""; }
/* Inline: the validator calls these for every value and member. */
static inline size_t str_len(const quo_json_doc *doc, const cJSON *x)
{
    return x->valuestring ? quo_json_strlen(doc, x) : 0;
}

static inline size_t key_len(const quo_json_doc *doc, const cJSON *x)
{
    return x->string ? quo_json_keylen(doc, x) : 0;
}

static inline unsigned instance_bits(const cJSON *x)
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
const char *instance_phrase(const cJSON *x);
char *dup_bytes(const char *s, size_t len);
size_t count_children(const cJSON *v);

/* The member of object x named key[0..len), names by full length. */
const cJSON *json_member(const cJSON *x, const char *key, size_t len, const quo_json_doc *doc);

bool cval_copy(cval *v, const cJSON *x, const quo_json_doc *doc);
void cval_free(cval *v);
bool cval_equal(const cval *v, const cJSON *x, const quo_json_doc *doc);

/* JSON equality of two instance values (numbers by value, objects in any
 * member order), without recursion. -1 when memory ran out. */
int json_equal(const cJSON *a, const cJSON *b, const quo_json_doc *doc);
/* A hash consistent with json_equal(), without recursion; false on ENOMEM. */
bool json_hash(const cJSON *x, const quo_json_doc *doc, uint64_t *out);

snode *table_get(const node_table *t, const cJSON *key);
bool table_put(node_table *t, const cJSON *key, snode *val);
void table_free(node_table *t);

uint32_t name_hash(const char *s, size_t len);

#endif
