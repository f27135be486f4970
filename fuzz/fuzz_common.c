/* fuzz_common.c - helpers shared by the fuzz targets (see fuzz_common.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fuzz property violated at %s:%d: (%s) ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

const quo_spec *fuzz_spec(void)
{
    /* libFuzzer runs one input at a time in one thread; the replay driver
     * too, so a plain lazily-set pointer is enough. */
    static quo_spec *spec;
    if (!spec) {
        quo_error err;
        if (quo_spec_load_default(&spec, &err) != QUO_OK) {
            fprintf(stderr, "fuzz: cannot load the compiled-in spec: %s\n", err.message);
            abort();
        }
    }
    return spec;
}

void fuzz_dump(const char *label, const void *data, size_t size, size_t max)
{
    const unsigned char *p = data;
    fprintf(stderr, "%s (%zu bytes): \"", label, size);
    for (size_t i = 0; i < size && i < max; i++) {
        if (p[i] == '"' || p[i] == '\\')
            fprintf(stderr, "\\%c", p[i]);
        else if (p[i] >= 0x20 && p[i] < 0x7f)
            fputc(p[i], stderr);
        else
            fprintf(stderr, "\\x%02x", p[i]);
    }
    fprintf(stderr, "\"%s\n", size > max ? "..." : "");
}

void fuzz_dump_violations(const char *label, const quo_violations *list)
{
    fprintf(stderr, "%s: %zu violation(s)\n", label, list->count);
    for (size_t i = 0; i < list->count; i++) {
        const quo_violation *v = &list->items[i];
        fprintf(stderr, "  [%zu] path=\"%s\" keyword=%s type=%s: %s\n", i,
                v->path ? v->path : "(null)", v->keyword ? v->keyword : "(null)",
                v->schema_type ? v->schema_type : "(null)",
                v->message ? v->message : "(null)");
    }
}

/* Length of the valid UTF-8 sequence at s[0..len), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, min = 0x80, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, min = 0x800, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

bool fuzz_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

bool fuzz_pointer_syntax_ok(const char *ptr)
{
    if (ptr[0] == '\0')
        return true;
    if (ptr[0] != '/')
        return false;
    for (const char *p = ptr; *p; p++)
        if (*p == '~' && p[1] != '0' && p[1] != '1')
            return false;
    return true;
}

/* Decodes the token starting at *p (after its '/') into buf, which has
 * room for the whole pointer; advances *p to the next '/' or the end.
 * Returns the decoded length. */
static size_t next_token(const char **p, char *buf)
{
    size_t n = 0;
    const char *s = *p;
    for (; *s && *s != '/'; s++) {
        char c = *s;
        if (c == '~' && (s[1] == '0' || s[1] == '1')) {
            c = s[1] == '1' ? '/' : '~';
            s++;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    *p = s;
    return n;
}

/* True when the member name key[0..klen) is spelt tok[0..tok_len): byte
 * for byte, except that a NUL in the name is spelt as the six characters
 * \u0000 (a NUL-terminated pointer cannot hold it; the library's
 * convention, see schema.c). */
static bool name_matches(const char *key, size_t klen, const char *tok, size_t tok_len)
{
    size_t t = 0;
    for (size_t i = 0; i < klen; i++) {
        if (key[i] == '\0') {
            if (tok_len - t < 6 || memcmp(tok + t, "\\u0000", 6) != 0)
                return false;
            t += 6;
        } else if (t >= tok_len || tok[t++] != key[i]) {
            return false;
        }
    }
    return t == tok_len;
}

static const cJSON *find_member(const cJSON *obj, const quo_json_doc *doc,
                                const char *tok, size_t tok_len)
{
    for (const cJSON *m = obj->child; m; m = m->next)
        if (name_matches(m->string, quo_json_keylen(doc, m), tok, tok_len))
            return m;
    return NULL;
}

/* RFC 6901 array index: "0" or digits without a leading zero. */
static const cJSON *find_element(const cJSON *arr, const char *tok, size_t tok_len)
{
    if (tok_len == 0 || tok_len > 9 || (tok[0] == '0' && tok_len > 1))
        return NULL;
    int index = 0;
    for (size_t i = 0; i < tok_len; i++) {
        if (tok[i] < '0' || tok[i] > '9')
            return NULL;
        index = index * 10 + (tok[i] - '0');
    }
    return cJSON_GetArrayItem(arr, index);
}

size_t fuzz_pointer_resolve(const cJSON *root, const quo_json_doc *doc,
                            const char *ptr, size_t *resolved)
{
    size_t tokens = 0;
    const cJSON *node = root;
    char *tok = malloc(strlen(ptr) + 1);
    if (!tok) {
        fprintf(stderr, "fuzz: out of memory resolving a JSON Pointer\n");
        abort();
    }
    *resolved = 0;
    for (const char *p = ptr; *p == '/';) {
        p++;
        size_t n = next_token(&p, tok);
        tokens++;
        if (!node)
            continue;
        if (cJSON_IsObject(node))
            node = find_member(node, doc, tok, n);
        else if (cJSON_IsArray(node))
            node = find_element(node, tok, n);
        else
            node = NULL;
        if (node)
            (*resolved)++;
    }
    free(tok);
    return tokens;
}

bool fuzz_json_equal(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xff) != (b->type & 0xff))
        return false;
    if ((a->string == NULL) != (b->string == NULL) ||
        (a->string && strcmp(a->string, b->string) != 0))
        return false;
    if (cJSON_IsNumber(a))
        return a->valuedouble == b->valuedouble ||
               (a->valuedouble != a->valuedouble && b->valuedouble != b->valuedouble);
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!fuzz_json_equal(x, y))
            return false;
    return x == NULL && y == NULL;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool fuzz_violations_equal(const quo_violations *a, const quo_violations *b,
                           const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (a->count != b->count) {
        *why = "different number of violations";
        return false;
    }
    for (size_t i = 0; i < a->count; i++) {
        const quo_violation *x = &a->items[i], *y = &b->items[i];
        if (!str_eq(x->path, y->path))
            *why = "different path";
        else if (!str_eq(x->message, y->message))
            *why = "different message";
        else if (!str_eq(x->keyword, y->keyword))
            *why = "different keyword";
        else if (!str_eq(x->schema_type, y->schema_type))
            *why = "different schema type";
        else if ((x->value == NULL) != (y->value == NULL) ||
                 (x->value && !fuzz_json_equal(x->value, y->value)))
            *why = "different value";
        else
            continue;
        return false;
    }
    return true;
}

void fuzz_check_violation(const quo_violation *v, const cJSON *root,
                          const quo_json_doc *doc, const char *what)
{
    FUZZ_CHECK(v->path && v->message && v->keyword && v->schema_type,
               "a violation has a NULL field");
    FUZZ_CHECK(v->keyword[0] && v->schema_type[0], "violation \"%s\" has an empty keyword/type",
               v->message);
    FUZZ_CHECK(v->message[0], "violation at \"%s\" has an empty message", v->path);
    FUZZ_CHECK(fuzz_utf8_valid(v->path, strlen(v->path)), "path is not valid UTF-8");
    FUZZ_CHECK(fuzz_utf8_valid(v->message, strlen(v->message)),
               "message is not valid UTF-8: %s", v->message);
    FUZZ_CHECK(fuzz_pointer_syntax_ok(v->path), "path \"%s\" is not an RFC 6901 pointer",
               v->path);
    size_t resolved = 0;
    size_t tokens = fuzz_pointer_resolve(root, doc, v->path, &resolved);
    size_t need = tokens && strcmp(v->keyword, "required") == 0 ? tokens - 1 : tokens;
    FUZZ_CHECK(resolved >= need,
               "path \"%s\" (keyword %s) does not resolve into the %s: %zu of %zu tokens",
               v->path, v->keyword, what, resolved, tokens);
}
