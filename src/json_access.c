/* json_access.c - small read helpers over trees built by the JSON gate. */
#include <stdbool.h>
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

/* Recursion is bounded by the depth limit the gate enforced on `node`. */
static cJSON *copy_node(const quo_json_doc *doc, const cJSON *node, quo_status *st, bool *lost)
{
    if (cJSON_IsString(node)) {
        char *e = escape_nul(node->valuestring, quo_json_strlen(doc, node));
        cJSON *c = e ? cJSON_CreateString(e) : NULL;
        cJSON_free(e);
        if (!c)
            *st = QUO_ENOMEM;
        return c;
    }
    if (!cJSON_IsArray(node) && !cJSON_IsObject(node)) {
        cJSON *c = cJSON_Duplicate(node, 0);
        if (c && c->string) {
            /* Leaves are re-keyed by the caller. */
            if (!(c->type & cJSON_StringIsConst))
                cJSON_free(c->string);
            c->string = NULL;
        }
        if (!c)
            *st = QUO_ENOMEM;
        return c;
    }
    bool object = cJSON_IsObject(node), escaped = false;
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    for (const cJSON *m = node->child; c && m && *st == QUO_OK && !*lost; m = m->next) {
        cJSON *item = copy_node(doc, m, st, lost);
        if (!item)
            break;
        bool ok;
        if (object) {
            size_t klen = quo_json_keylen(doc, m);
            char *key = escape_nul(m->string, klen);
            escaped |= key && strlen(m->string) != klen;
            ok = key && cJSON_AddItemToObject(c, key, item);
            cJSON_free(key);
        } else {
            ok = cJSON_AddItemToArray(c, item);
        }
        if (!ok) {
            cJSON_Delete(item);
            *st = QUO_ENOMEM;
        }
    }
    if (!c)
        *st = QUO_ENOMEM;
    if (c && *st == QUO_OK && escaped && names_collide(c, st))
        *lost = true;
    if (*st != QUO_OK || *lost) {
        cJSON_Delete(c);
        return NULL;
    }
    return c;
}

quo_status quo_json_copy(const quo_json_doc *doc, const cJSON *node, cJSON **out)
{
    *out = NULL;
    if (!node)
        return QUO_OK;
    if (!quo_json_has_nul(doc)) {
        *out = cJSON_Duplicate(node, 1);
        return *out ? QUO_OK : QUO_ENOMEM;
    }
    quo_status st = QUO_OK;
    bool lost = false;
    *out = copy_node(doc, node, &st, &lost);
    return st;
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
