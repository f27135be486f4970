/* json_access.c - small read helpers over trees built by the JSON gate. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/json.h"

const cJSON *quo_json_member(const quo_json_doc *doc, const cJSON *obj, const char *name)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    size_t n = strlen(name);
    for (const cJSON *m = obj->child; m; m = m->next)
        if (m->string && m->string[0] == name[0] && quo_json_keylen(doc, m) == n &&
            memcmp(m->string, name, n) == 0)
            return m;
    return NULL;
}

const char *quo_json_type_name(const cJSON *node)
{
    if (cJSON_IsObject(node)) return "object";
    if (cJSON_IsArray(node)) return "array";
    if (cJSON_IsString(node)) return "string";
    if (cJSON_IsNumber(node)) return "number";
    if (cJSON_IsBool(node)) return "boolean";
    return "null";
}

/* s[0..len) with each NUL written as \u0000 (six characters). */
static char *escape_nul(const char *s, size_t len)
{
    size_t nuls = 0;
    for (size_t i = 0; i < len; i++)
        nuls += s[i] == '\0';
    char *e = cJSON_malloc(len + nuls * 5 + 1);
    if (!e)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\0') {
            memcpy(e + j, "\\u0000", 6);
            j += 6;
        } else {
            e[j++] = s[i];
        }
    }
    e[j] = '\0';
    return e;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* True when two members of a copied object share a name. Sorting keeps a
 * 100k-member object from costing 10^10 comparisons. */
static bool names_collide(const cJSON *obj, quo_status *st)
{
    size_t n = (size_t)cJSON_GetArraySize(obj), i = 0;
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!names) {
        *st = QUO_ENOMEM;
        return false;
    }
    for (const cJSON *m = obj->child; m; m = m->next)
        names[i++] = m->string;
    qsort(names, n, sizeof *names, cmp_names);
    bool dup = false;
    for (i = 1; i < n && !dup; i++)
        dup = strcmp(names[i - 1], names[i]) == 0;
    free(names);
    return dup;
}

/* A copy of a scalar node (no name; the caller names it). Strings with a
 * NUL get it written as \u0000 when `escape`. */
static cJSON *copy_scalar(const quo_json_doc *doc, const cJSON *node, bool escape)
{
    if (cJSON_IsString(node)) {
        if (!escape)
            return cJSON_CreateString(node->valuestring ? node->valuestring : "");
        char *e = escape_nul(node->valuestring, quo_json_strlen(doc, node));
        cJSON *c = e ? cJSON_CreateString(e) : NULL;
        cJSON_free(e);
        return c;
    }
    if (cJSON_IsRaw(node))
        return cJSON_CreateRaw(node->valuestring ? node->valuestring : "");
    if (cJSON_IsNumber(node))
        return cJSON_CreateNumber(node->valuedouble);
    if (cJSON_IsBool(node))
        return cJSON_CreateBool(cJSON_IsTrue(node));
    return cJSON_CreateNull();
}

static cJSON *new_like(const cJSON *node, bool escape, const quo_json_doc *doc)
{
    if (cJSON_IsArray(node))
        return cJSON_CreateArray();
    if (cJSON_IsObject(node))
        return cJSON_CreateObject();
    return copy_scalar(doc, node, escape);
}

/* One open container of the copy: the source child to copy next, where
 * the copies go, and whether a name was rewritten in it. */
typedef struct copy_frame {
    const cJSON *next;
    cJSON *dst;
    bool escaped;
} copy_frame;

/* A growable stack of frames: on the C stack while shallow, then on the
 * heap, so no depth of tree recurses. */
typedef struct frame_stack {
    void *at;
    size_t n, cap, size;
    _Alignas(max_align_t) unsigned char small[64 * sizeof(copy_frame)];
} frame_stack;

static void stack_init(frame_stack *s, size_t size)
{
    s->at = s->small;
    s->n = 0;
    s->size = size;
    s->cap = sizeof s->small / size;
}

static void *stack_push(frame_stack *s)
{
    if (s->n == s->cap) {
        void *grown = malloc(2 * s->cap * s->size);
        if (!grown)
            return NULL;
        memcpy(grown, s->at, s->n * s->size);
        if (s->at != s->small)
            free(s->at);
        s->at = grown;
        s->cap *= 2;
    }
    return (unsigned char *)s->at + s->n++ * s->size;
}

static void *stack_top(frame_stack *s)
{
    return s->n ? (unsigned char *)s->at + (s->n - 1) * s->size : NULL;
}

static void stack_free(frame_stack *s)
{
    if (s->at != s->small)
        free(s->at);
}

/* Adds the copy `item` of source member `m` to the container `f->dst`. */
static bool copy_attach(const quo_json_doc *doc, copy_frame *f, const cJSON *m, cJSON *item,
                        bool escape)
{
    if (cJSON_IsArray(f->dst))
        return cJSON_AddItemToArray(f->dst, item);
    const char *name = m->string ? m->string : "";
    if (!escape)
        return cJSON_AddItemToObject(f->dst, name, item);
    size_t klen = quo_json_keylen(doc, m);
    char *key = escape_nul(name, klen);
    f->escaped |= key && strlen(name) != klen;
    bool ok = key && cJSON_AddItemToObject(f->dst, key, item);
    cJSON_free(key);
    return ok;
}

/* The copy walk: every node is created and attached before its children
 * are visited, so on failure freeing the root frees everything. */
static quo_status copy_tree(const quo_json_doc *doc, const cJSON *node, bool escape, cJSON **out)
{
    cJSON *root = new_like(node, escape, doc);
    if (!root)
        return QUO_ENOMEM;
    if (!cJSON_IsArray(node) && !cJSON_IsObject(node)) {
        *out = root;
        return QUO_OK;
    }
    frame_stack st;
    stack_init(&st, sizeof(copy_frame));
    copy_frame *f = stack_push(&st);
    *f = (copy_frame){node->child, root, false};
    quo_status rc = QUO_OK;
    bool lost = false;
    while (rc == QUO_OK && !lost && (f = stack_top(&st)) != NULL) {
        if (!f->next) {
            if (f->escaped && names_collide(f->dst, &rc))
                lost = true;
            st.n--;
            continue;
        }
        const cJSON *m = f->next;
        f->next = m->next;
        cJSON *item = new_like(m, escape, doc);
        if (!item || !copy_attach(doc, f, m, item, escape)) {
            quo_json_delete(item);
            rc = QUO_ENOMEM;
            break;
        }
        if (cJSON_IsArray(m) || cJSON_IsObject(m)) {
            copy_frame *kid = stack_push(&st);
            if (!kid)
                rc = QUO_ENOMEM;
            else
                *kid = (copy_frame){m->child, item, false};
        }
    }
    stack_free(&st);
    if (rc != QUO_OK || lost) {
        quo_json_delete(root);
        return rc;
    }
    *out = root;
    return QUO_OK;
}

quo_status quo_json_copy(const quo_json_doc *doc, const cJSON *node, cJSON **out)
{
    *out = NULL;
    if (!node)
        return QUO_OK;
    return copy_tree(doc, node, quo_json_has_nul(doc), out);
}

/* ------------------------------------------------------------- printing */

typedef struct out_buf {
    char *data;
    size_t len, cap;
    bool failed;
} out_buf;

static void out_append(out_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = cJSON_malloc(cap); /* the caller frees with cJSON_free */
        if (!grown) {
            b->failed = true;
            return;
        }
        if (b->len)
            memcpy(grown, b->data, b->len);
        cJSON_free(b->data);
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* A C string as a JSON string, escaped as cJSON escapes it. */
static void out_string(out_buf *b, const char *s)
{
    out_append(b, "\"", 1);
    for (const char *p = s ? s : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b"
                        : c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t" : NULL;
        char hex[8];
        if (e) {
            out_append(b, e, 2);
        } else if (c < 0x20) {
            snprintf(hex, sizeof hex, "\\u%04x", c);
            out_append(b, hex, 6);
        } else {
            out_append(b, p, 1);
        }
    }
    out_append(b, "\"", 1);
}

/* A number as cJSON prints it: integers exactly, others with 15 or, when
 * that does not read back, 17 significant digits; NaN and infinities as
 * null. */
static void out_number(out_buf *b, const cJSON *n)
{
    char tmp[64];
    double d = n->valuedouble;
    if (d != d || d - d != 0) {
        snprintf(tmp, sizeof tmp, "null");
    } else if (d == 0 && signbit(d)) {
        snprintf(tmp, sizeof tmp, "-0");
    } else if (d == (double)n->valueint) {
        snprintf(tmp, sizeof tmp, "%d", n->valueint);
    } else {
        snprintf(tmp, sizeof tmp, "%1.15g", d);
        if (strtod(tmp, NULL) != d)
            snprintf(tmp, sizeof tmp, "%1.17g", d);
    }
    out_append(b, tmp, strlen(tmp));
}

static void out_scalar(out_buf *b, const cJSON *n)
{
    if (cJSON_IsString(n))
        out_string(b, n->valuestring);
    else if (cJSON_IsNumber(n))
        out_number(b, n);
    else if (cJSON_IsRaw(n))
        out_append(b, n->valuestring ? n->valuestring : "", n->valuestring ? strlen(n->valuestring) : 0);
    else if (cJSON_IsTrue(n))
        out_append(b, "true", 4);
    else if (cJSON_IsFalse(n))
        out_append(b, "false", 5);
    else
        out_append(b, "null", 4);
}

typedef struct print_frame {
    const cJSON *next;
    bool object, first;
} print_frame;

char *quo_json_print(const cJSON *node)
{
    if (!node)
        return NULL;
    out_buf b = {NULL, 0, 0, false};
    frame_stack st;
    stack_init(&st, sizeof(print_frame));
    const cJSON *open = node;
    for (;;) {
        if (open) { /* a value to print: a scalar, or a container to enter */
            bool obj = cJSON_IsObject(open);
            if (!obj && !cJSON_IsArray(open)) {
                out_scalar(&b, open);
            } else {
                out_append(&b, obj ? "{" : "[", 1);
                print_frame *f = stack_push(&st);
                if (!f) {
                    b.failed = true;
                    break;
                }
                *f = (print_frame){open->child, obj, true};
            }
            open = NULL;
        }
        print_frame *f = stack_top(&st);
        if (!f || b.failed)
            break;
        if (!f->next) {
            out_append(&b, f->object ? "}" : "]", 1);
            st.n--;
            continue;
        }
        const cJSON *m = f->next;
        f->next = m->next;
        if (!f->first)
            out_append(&b, ",", 1);
        f->first = false;
        if (f->object) {
            out_string(&b, m->string);
            out_append(&b, ":", 1);
        }
        open = m;
    }
    stack_free(&st);
    if (b.failed) {
        cJSON_free(b.data);
        return NULL;
    }
    return b.data;
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into out (room for len bytes); false when a
 * '%' is not followed by two hex digits. */
static bool percent_decode(const char *s, size_t len, char *out, size_t *outlen)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            out[n++] = s[i];
            continue;
        }
        if (len - i < 3)
            return false;
        int h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
        if (h < 0 || l < 0)
            return false;
        out[n++] = (char)(h * 16 + l);
        i += 2;
    }
    *outlen = n;
    return true;
}

/* The array element a reference token names: decimal, no leading zero. */
static const cJSON *pointer_index(const cJSON *arr, const char *tok, size_t tl)
{
    if (tl == 0 || tl > 19 || (tl > 1 && tok[0] == '0'))
        return NULL;
    size_t idx = 0;
    for (size_t k = 0; k < tl; k++) {
        if (tok[k] < '0' || tok[k] > '9')
            return NULL;
        idx = idx * 10 + (size_t)(tok[k] - '0');
    }
    const cJSON *e = arr->child;
    for (; e && idx; idx--)
        e = e->next;
    return e;
}

/* The member of obj named tok[0..tl), names compared by full length. */
static const cJSON *pointer_member(const cJSON *obj, const char *tok, size_t tl,
                                   const quo_json_doc *lengths)
{
    for (const cJSON *m = obj->child; m; m = m->next)
        if (m->string && quo_json_keylen(lengths, m) == tl && memcmp(m->string, tok, tl) == 0)
            return m;
    return NULL;
}

/* Walks the decoded pointer p[0..len); tok has room for len bytes. */
static const cJSON *pointer_walk(const cJSON *cur, const char *p, size_t len, char *tok,
                                 const quo_json_doc *lengths)
{
    if (len && p[0] != '/')
        return NULL;
    for (size_t i = 0; cur && i < len;) {
        size_t tl = 0;
        for (i++; i < len && p[i] != '/'; i++) {
            if (p[i] != '~')
                tok[tl++] = p[i];
            else if (i + 1 < len && (p[i + 1] == '0' || p[i + 1] == '1'))
                tok[tl++] = p[++i] == '0' ? '~' : '/';
            else
                return NULL;
        }
        if (cJSON_IsObject(cur))
            cur = pointer_member(cur, tok, tl, lengths);
        else if (cJSON_IsArray(cur))
            cur = pointer_index(cur, tok, tl);
        else
            cur = NULL;
    }
    return cur;
}

const cJSON *quo_json_pointer(const cJSON *root, const char *ptr, size_t len,
                              const quo_json_doc *lengths)
{
    if (!root || (!ptr && len))
        return NULL;
    bool fragment = len && ptr[0] == '#';
    /* One buffer: the decoded pointer, then room for one token. */
    char small[512];
    char *buf = 2 * len <= sizeof small ? small : malloc(2 * len);
    if (!buf)
        return NULL;
    const char *p = ptr;
    size_t plen = len;
    const cJSON *found = NULL;
    if (fragment) {
        p = buf;
        if (!percent_decode(ptr + 1, len - 1, buf, &plen))
            goto done;
    }
    found = pointer_walk(root, p, plen, buf + len, lengths);
done:
    if (buf != small)
        free(buf);
    return found;
}

void quo_json_pointer_append(quo_buf *b, const char *token)
{
    quo_buf_putc(b, '/');
    for (const char *t = token; *t; t++) {
        if (*t == '~')
            quo_buf_puts(b, "~0");
        else if (*t == '/')
            quo_buf_puts(b, "~1");
        else
            quo_buf_putc(b, *t);
    }
}
