/* schema_compile.c - JSON Schema (draft 2020-12) into compiled nodes (see
 * schema_internal.h): every keyword checked for its form, every message
 * that does not depend on the instance written once, and the whole schema
 * refused when it holds an assertion this engine does not implement. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"

#include "schema_internal.h"

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
    KW_TYPE, KW_PROPERTIES, KW_REQUIRED, KW_ADDITIONAL, KW_PATTERNPROPS, KW_ALLOF, KW_ANYOF,
    KW_ONEOF, KW_NOT, KW_IF, KW_THEN, KW_ELSE, KW_CONST, KW_ENUM, KW_ITEMS, KW_PREFIXITEMS,
    KW_CONTAINS, KW_MINCONTAINS, KW_MAXCONTAINS, KW_MINITEMS, KW_MAXITEMS, KW_UNIQUEITEMS,
    KW_MINLENGTH, KW_MAXLENGTH, KW_MINIMUM, KW_MAXIMUM, KW_XMINIMUM, KW_XMAXIMUM,
    KW_MULTIPLEOF, KW_MINPROPS, KW_MAXPROPS, KW_DEPREQ, KW_DEPSCHEMAS, KW_PROPNAMES,
    KW_UNEVALPROPS, KW_UNEVALITEMS, KW_PATTERN, KW_FORMAT, KW_REF, KW_DIALECT, KW_ID,
    KW_NULLABLE,
    KW_COUNT,
    KW_IGNORED = KW_COUNT
};

static const struct {
    const char *name;
    int id;
} keywords[] = {
    {"type", KW_TYPE}, {"properties", KW_PROPERTIES}, {"required", KW_REQUIRED},
    {"additionalProperties", KW_ADDITIONAL}, {"patternProperties", KW_PATTERNPROPS},
    {"allOf", KW_ALLOF}, {"anyOf", KW_ANYOF}, {"oneOf", KW_ONEOF}, {"not", KW_NOT},
    {"if", KW_IF}, {"then", KW_THEN}, {"else", KW_ELSE}, {"const", KW_CONST},
    {"enum", KW_ENUM}, {"items", KW_ITEMS}, {"prefixItems", KW_PREFIXITEMS},
    {"contains", KW_CONTAINS}, {"minContains", KW_MINCONTAINS},
    {"maxContains", KW_MAXCONTAINS}, {"minItems", KW_MINITEMS}, {"maxItems", KW_MAXITEMS},
    {"uniqueItems", KW_UNIQUEITEMS}, {"minLength", KW_MINLENGTH},
    {"maxLength", KW_MAXLENGTH}, {"minimum", KW_MINIMUM}, {"maximum", KW_MAXIMUM},
    {"exclusiveMinimum", KW_XMINIMUM}, {"exclusiveMaximum", KW_XMAXIMUM},
    {"multipleOf", KW_MULTIPLEOF}, {"minProperties", KW_MINPROPS},
    {"maxProperties", KW_MAXPROPS}, {"dependentRequired", KW_DEPREQ},
    {"dependentSchemas", KW_DEPSCHEMAS}, {"propertyNames", KW_PROPNAMES},
    {"unevaluatedProperties", KW_UNEVALPROPS}, {"unevaluatedItems", KW_UNEVALITEMS},
    {"pattern", KW_PATTERN}, {"format", KW_FORMAT}, {"$ref", KW_REF},
    {"$schema", KW_DIALECT}, {"$id", KW_ID}, {"nullable", KW_NULLABLE},
    /* annotations: no effect on validity (quo/schema.h); so is any "x-" name */
    {"description", KW_IGNORED}, {"examples", KW_IGNORED}, {"example", KW_IGNORED},
    {"title", KW_IGNORED}, {"$comment", KW_IGNORED}, {"default", KW_IGNORED},
    {"deprecated", KW_IGNORED}, {"readOnly", KW_IGNORED}, {"writeOnly", KW_IGNORED},
    {"$defs", KW_IGNORED}, {"definitions", KW_IGNORED},
    {"contentMediaType", KW_IGNORED}, {"contentEncoding", KW_IGNORED},
    {"contentSchema", KW_IGNORED}, {"externalDocs", KW_IGNORED}, {"xml", KW_IGNORED},
    {"discriminator", KW_IGNORED},
};

static int keyword_id(const char *name, size_t len)
{
    if (len >= 2 && name[0] == 'x' && name[1] == '-')
        return KW_IGNORED; /* OpenAPI specification extensions */
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
        for (int i = 0; i < (int)QUO_ARRAY_SIZE(schema_type_words); i++)
            if (strlen(schema_type_words[i]) == len && memcmp(schema_type_words[i], str_of(one), len) == 0)
                bit = i;
        char buf[64];
        if (bit < 0)
            return cfail(c, QUO_ESCHEMA, "\"type\" names an unknown type \"%s\"",
                         printable(str_of(one), len, buf, sizeof buf));
        if (declared & (1u << bit))
            return cfail(c, QUO_ESCHEMA, "\"type\" lists \"%s\" twice", schema_type_words[bit]);
        declared |= 1u << bit;
    }
    n->kw |= K_TYPE;
    n->accept = (unsigned char)declared;
    n->type_name = schema_type_set_names[declared];

    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, "must be ");
    unsigned left = declared;
    for (int i = 0; i < (int)QUO_ARRAY_SIZE(schema_type_phrases); i++) {
        if (!(declared & (1u << i)))
            continue;
        left &= ~(1u << i);
        quo_buf_puts(&b, schema_type_phrases[i]);
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

/* The subschema `v` at path + sub (e.g. "/items"), or NULL. */
static snode *c_sub(cc *c, const cJSON *v, const char *sub)
{
    size_t mark = path_push(c, sub);
    snode *n = compile(c, v);
    path_pop(c, mark);
    return n;
}

static bool c_pattern_props(cc *c, snode *n, const cJSON *v)
{
    char buf[64];
    if (!cJSON_IsObject(v))
        return cfail(c, QUO_ESCHEMA, "\"patternProperties\" must be an object");
    n->pprops = calloc(count_children(v) + 1, sizeof *n->pprops);
    if (!n->pprops)
        return nomem(c);
    for (const cJSON *m = v->child; m; m = m->next) {
        pattern_prop *pp = &n->pprops[n->npprops++];
        size_t len = key_len(c->lengths, m);
        quo_error rerr = {QUO_OK, 0, ""};
        quo_status st = quo_regex_compile(key_of(m), len, 0, &pp->re, &rerr);
        if (st == QUO_ENOMEM)
            return nomem(c);
        if (st != QUO_OK)
            return cfail(c, QUO_ESCHEMA, "\"patternProperties\" \"%s\": %s",
                         printable(key_of(m), len, buf, sizeof buf), rerr.message);
        size_t mark = path_push(c, "/patternProperties/");
        sb_token(&c->path, key_of(m), len);
        pp->schema = compile(c, m);
        path_pop(c, mark);
        if (!pp->schema)
            return false;
    }
    n->kw |= K_PATPROPS;
    return true;
}

static bool c_object_kw(cc *c, snode *n, const cJSON *props, const cJSON *req,
                        const cJSON *addl, const cJSON *patterns)
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
    if (patterns && !c_pattern_props(c, n, patterns))
        return false;
    if (addl) {
        n->additional = c_sub(c, addl, "/additionalProperties");
        if (!n->additional)
            return false;
        n->kw |= K_ADDITIONAL;
        n->additional_false = cJSON_IsFalse(addl);
        if (n->additional_false && !c_allowed_msg(c, n))
            return false;
    }
    return true;
}

/* dependentRequired: {name: [names...]} */
static bool c_dep_required(cc *c, snode *n, const cJSON *v)
{
    if (!cJSON_IsObject(v))
        return cfail(c, QUO_ESCHEMA, "\"dependentRequired\" must be an object of string arrays");
    n->dreq = calloc(count_children(v) + 1, sizeof *n->dreq);
    if (!n->dreq)
        return nomem(c);
    for (const cJSON *m = v->child; m; m = m->next) {
        dep_req *d = &n->dreq[n->ndreq++];
        d->len = key_len(c->lengths, m);
        d->name = dup_bytes(key_of(m), d->len);
        if (!d->name)
            return nomem(c);
        if (!cJSON_IsArray(m))
            return cfail(c, QUO_ESCHEMA,
                         "\"dependentRequired\" must be an object of string arrays");
        size_t k = count_children(m);
        d->needs = calloc(k + 1, sizeof *d->needs);
        d->needs_len = calloc(k + 1, sizeof *d->needs_len);
        if (!d->needs || !d->needs_len)
            return nomem(c);
        for (const cJSON *r = m->child; r; r = r->next) {
            if (!cJSON_IsString(r))
                return cfail(c, QUO_ESCHEMA,
                             "\"dependentRequired\" must be an object of string arrays");
            size_t len = str_len(c->lengths, r);
            d->needs[d->nneeds] = dup_bytes(str_of(r), len);
            if (!d->needs[d->nneeds])
                return nomem(c);
            d->needs_len[d->nneeds++] = len;
        }
    }
    n->kw |= K_DEPREQ;
    return true;
}

/* dependentSchemas: {name: schema} */
static bool c_dep_schemas(cc *c, snode *n, const cJSON *v)
{
    if (!cJSON_IsObject(v))
        return cfail(c, QUO_ESCHEMA, "\"dependentSchemas\" must be an object of schemas");
    n->dsch = calloc(count_children(v) + 1, sizeof *n->dsch);
    if (!n->dsch)
        return nomem(c);
    for (const cJSON *m = v->child; m; m = m->next) {
        dep_schema *d = &n->dsch[n->ndsch++];
        d->len = key_len(c->lengths, m);
        d->name = dup_bytes(key_of(m), d->len);
        if (!d->name)
            return nomem(c);
        size_t mark = path_push(c, "/dependentSchemas/");
        sb_token(&c->path, key_of(m), d->len);
        d->schema = compile(c, m);
        path_pop(c, mark);
        if (!d->schema)
            return false;
    }
    n->kw |= K_DEPSCHEMA;
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
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
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
    n->format = quo_format_lookup(str_of(v), len);
    if (n->format != QUO_FORMAT_NONE) {
        quo_error ferr = {QUO_OK, 0, ""};
        quo_status st = quo_format_prepare(n->format, &n->format_aux, &ferr);
        if (st != QUO_OK) /* a built-in pattern: only ENOMEM can fail it */
            return nomem(c);
        n->kw |= K_FORMAT;
        return true;
    }
    char buf[64];
    return cfail(c, QUO_ESCHEMA,
                 "format \"%s\" is not supported (formats are asserted, and the known ones "
                 "are %s)",
                 printable(str_of(v), len, buf, sizeof buf), quo_format_names());
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

/* Why a "#..." fragment quo_json_pointer() found nothing at. */
static const char *ref_failure(const char *s, size_t len)
{
    for (size_t i = 1; i < len; i++)
        if (s[i] == '%' && (len - i < 3 || !isxdigit((unsigned char)s[i + 1]) ||
                            !isxdigit((unsigned char)s[i + 2])))
            return "has a malformed %-escape";
    if (len > 1 && s[1] != '/' && s[1] != '%')
        return "is not supported: anchors are not, only JSON Pointers";
    return "does not resolve in the document";
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
    const cJSON *target = quo_json_pointer(c->doc_root, s, len, c->lengths);
    if (!target)
        return cfail(c, QUO_ESCHEMA, "\"$ref\" \"%s\" %s", shown, ref_failure(s, len));
    /* Compile the target under its own path (the fragment as written). */
    quo_buf saved = c->path;
    quo_buf here = QUO_BUF_INIT;
    quo_buf_append(&here, s + 1, len - 1);
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

/* Which keywords a schema object holds; refuses unknown ones. */
static bool c_collect(cc *c, const cJSON *js, const cJSON **kw)
{
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
    if (kw[KW_NULLABLE])
        return cfail(c, QUO_ESCHEMA,
                     "\"nullable\" is the OpenAPI 3.0 spelling; OpenAPI 3.1 (JSON Schema "
                     "2020-12) writes type: [T, \"null\"] instead");
    if (kw[KW_ID] && js != c->doc_root)
        return cfail(c, QUO_ESCHEMA,
                     "\"$id\" inside a schema (an embedded schema resource) is not supported");
    return true;
}

/* allOf anyOf oneOf not if/then/else $ref: schemas for the same value. */
static bool c_applicators(cc *c, snode *n, const cJSON **kw)
{
    if (kw[KW_ALLOF] && !c_list(c, kw[KW_ALLOF], "allOf", &n->all, &n->nall))
        return false;
    if (kw[KW_ANYOF] && !c_list(c, kw[KW_ANYOF], "anyOf", &n->any, &n->nany))
        return false;
    if (kw[KW_ONEOF] && !c_list(c, kw[KW_ONEOF], "oneOf", &n->one, &n->none))
        return false;
    n->kw |= (n->nall ? K_ALLOF : 0) | (n->nany ? K_ANYOF : 0) | (n->none ? K_ONEOF : 0);
    if (kw[KW_NOT]) {
        if (!(n->not_ = c_sub(c, kw[KW_NOT], "/not")))
            return false;
        n->kw |= K_NOT;
    }
    /* then/else without if have no effect (2020-12 section 10.2.2) */
    if (kw[KW_IF]) {
        if (!(n->if_ = c_sub(c, kw[KW_IF], "/if")))
            return false;
        if (kw[KW_THEN] && !(n->then_ = c_sub(c, kw[KW_THEN], "/then")))
            return false;
        if (kw[KW_ELSE] && !(n->else_ = c_sub(c, kw[KW_ELSE], "/else")))
            return false;
        n->kw |= K_IF;
    }
    return !kw[KW_REF] || c_ref(c, n, kw[KW_REF]);
}

static bool c_count_kw(cc *c, snode *n, const cJSON *v, const char *name, uint64_t bit,
                       size_t *out)
{
    if (!v)
        return true;
    n->kw |= bit;
    return c_count(c, v, name, out);
}

static bool c_array_kw(cc *c, snode *n, const cJSON **kw)
{
    if (kw[KW_PREFIXITEMS]) {
        if (!c_list(c, kw[KW_PREFIXITEMS], "prefixItems", &n->prefix, &n->nprefix))
            return false;
        n->kw |= K_PREFIX;
    }
    if (kw[KW_ITEMS]) {
        if (cJSON_IsArray(kw[KW_ITEMS]))
            return cfail(c, QUO_ESCHEMA,
                         "\"items\" must be one schema in draft 2020-12 (the array form of "
                         "older drafts is now \"prefixItems\")");
        if (!(n->items = c_sub(c, kw[KW_ITEMS], "/items")))
            return false;
        n->kw |= K_ITEMS;
    }
    n->max_contains = SIZE_MAX;
    n->min_contains = 1;
    if (kw[KW_CONTAINS]) {
        if (!(n->contains = c_sub(c, kw[KW_CONTAINS], "/contains")))
            return false;
        n->kw |= K_CONTAINS;
        /* minContains/maxContains without contains have no effect */
        if (kw[KW_MINCONTAINS] && !c_count(c, kw[KW_MINCONTAINS], "minContains", &n->min_contains))
            return false;
        if (kw[KW_MAXCONTAINS] && !c_count(c, kw[KW_MAXCONTAINS], "maxContains", &n->max_contains))
            return false;
    }
    if (kw[KW_UNIQUEITEMS]) {
        if (!cJSON_IsBool(kw[KW_UNIQUEITEMS]))
            return cfail(c, QUO_ESCHEMA, "\"uniqueItems\" must be a boolean");
        n->kw |= cJSON_IsTrue(kw[KW_UNIQUEITEMS]) ? K_UNIQUE : 0;
    }
    if (kw[KW_UNEVALITEMS]) {
        if (!(n->uneval_items = c_sub(c, kw[KW_UNEVALITEMS], "/unevaluatedItems")))
            return false;
        n->kw |= K_UNEVAL_ITEMS;
    }
    return c_count_kw(c, n, kw[KW_MINITEMS], "minItems", K_MINITEMS, &n->min_items) &&
           c_count_kw(c, n, kw[KW_MAXITEMS], "maxItems", K_MAXITEMS, &n->max_items);
}

static bool c_object_more(cc *c, snode *n, const cJSON **kw)
{
    if ((kw[KW_PROPERTIES] || kw[KW_REQUIRED] || kw[KW_ADDITIONAL] || kw[KW_PATTERNPROPS]) &&
        !c_object_kw(c, n, kw[KW_PROPERTIES], kw[KW_REQUIRED], kw[KW_ADDITIONAL],
                     kw[KW_PATTERNPROPS]))
        return false;
    if (kw[KW_DEPREQ] && !c_dep_required(c, n, kw[KW_DEPREQ]))
        return false;
    if (kw[KW_DEPSCHEMAS] && !c_dep_schemas(c, n, kw[KW_DEPSCHEMAS]))
        return false;
    if (kw[KW_PROPNAMES]) {
        if (!(n->propnames = c_sub(c, kw[KW_PROPNAMES], "/propertyNames")))
            return false;
        n->kw |= K_PROPNAMES;
    }
    if (kw[KW_UNEVALPROPS]) {
        if (!(n->uneval_props = c_sub(c, kw[KW_UNEVALPROPS], "/unevaluatedProperties")))
            return false;
        n->kw |= K_UNEVAL_PROPS;
    }
    return c_count_kw(c, n, kw[KW_MINPROPS], "minProperties", K_MINPROPS, &n->min_props) &&
           c_count_kw(c, n, kw[KW_MAXPROPS], "maxProperties", K_MAXPROPS, &n->max_props);
}

static bool c_number_kw(cc *c, snode *n, const cJSON **kw)
{
    static const struct {
        int id;
        const char *name, *phrase;
        uint64_t bit;
        size_t value, msg; /* offsets into snode */
    } bounds[] = {
        {KW_MINIMUM, "minimum", "must be greater than or equal to ", K_MIN,
         offsetof(snode, minimum), offsetof(snode, min_msg)},
        {KW_MAXIMUM, "maximum", "must be less than or equal to ", K_MAX,
         offsetof(snode, maximum), offsetof(snode, max_msg)},
        {KW_XMINIMUM, "exclusiveMinimum", "must be greater than ", K_XMIN,
         offsetof(snode, xminimum), offsetof(snode, xmin_msg)},
        {KW_XMAXIMUM, "exclusiveMaximum", "must be less than ", K_XMAX,
         offsetof(snode, xmaximum), offsetof(snode, xmax_msg)},
        {KW_MULTIPLEOF, "multipleOf", "must be a multiple of ", K_MULTIPLE,
         offsetof(snode, multiple), offsetof(snode, multiple_msg)},
    };
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        const cJSON *v = kw[bounds[i].id];
        if (!v)
            continue;
        double *value = (double *)(void *)((char *)n + bounds[i].value);
        char **msg = (char **)(void *)((char *)n + bounds[i].msg);
        if (!c_bound(c, v, bounds[i].name, bounds[i].phrase, value, msg))
            return false;
        if (bounds[i].bit == K_MULTIPLE && !(*value > 0))
            return cfail(c, QUO_ESCHEMA, "\"multipleOf\" must be a number greater than 0");
        n->kw |= bounds[i].bit;
    }
    return true;
}

static bool c_string_kw(cc *c, snode *n, const cJSON **kw)
{
    if (!c_count_kw(c, n, kw[KW_MINLENGTH], "minLength", K_MINLEN, &n->min_len) ||
        !c_count_kw(c, n, kw[KW_MAXLENGTH], "maxLength", K_MAXLEN, &n->max_len))
        return false;
    if (kw[KW_PATTERN] && !c_pattern(c, n, kw[KW_PATTERN]))
        return false;
    return !kw[KW_FORMAT] || c_format(c, n, kw[KW_FORMAT]);
}

static bool compile_object(cc *c, snode *n, const cJSON *js)
{
    const cJSON *kw[KW_COUNT] = {0};
    if (!c_collect(c, js, kw))
        return false;
    if (kw[KW_DIALECT] && !c_dialect(c, kw[KW_DIALECT]))
        return false;
    if (kw[KW_TYPE] && !c_type(c, n, kw[KW_TYPE]))
        return false;
    if (kw[KW_CONST] && !c_const(c, n, kw[KW_CONST]))
        return false;
    if (kw[KW_ENUM] && !c_enum(c, n, kw[KW_ENUM]))
        return false;
    return c_object_more(c, n, kw) && c_array_kw(c, n, kw) && c_number_kw(c, n, kw) &&
           c_string_kw(c, n, kw) && c_applicators(c, n, kw);
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
                      "$ref/allOf/anyOf/oneOf/not/if/then/else/dependentSchemas at schema path \"%s\" lead back to it without "
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
    snode *same[] = {n->not_, n->if_, n->then_, n->else_};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        if (same[i] && !check_cycles(c, same[i], depth + 1))
            return false;
    for (size_t i = 0; i < n->ndsch; i++)
        if (!check_cycles(c, n->dsch[i].schema, depth + 1))
            return false;
    n->color = 2;
    return true;
}

/* ------------------------------------------------------ branch probes */

/* The node whose own `required` a branch asserts: itself, or the target
 * of a branch that is only a $ref. */
static const snode *req_node(const snode *b)
{
    for (unsigned hops = 0; b && !b->nreq && b->kw == K_REF && hops < MAX_COMPILE_DEPTH; hops++)
        b = b->ref;
    return b;
}

static bool node_requires(const snode *n, const prop *p)
{
    for (size_t i = 0; n && i < n->nreq; i++) {
        const prop *q = &n->props[n->req[i]];
        if (q->len == p->len && memcmp(q->name, p->name, p->len) == 0)
            return true;
    }
    return false;
}

/* A member branch i requires that some sibling does not: where the body
 * says which branch it means (a link id), or NULL. Any required member
 * would be sound; one that tells the branches apart skips the most. */
static const prop *branch_probe(snode *const *list, size_t n, size_t i)
{
    const snode *b = req_node(list[i]);
    for (size_t r = 0; b && r < b->nreq; r++) {
        const prop *p = &b->props[b->req[r]];
        for (size_t j = 0; j < n; j++)
            if (j != i && !node_requires(req_node(list[j]), p))
                return p;
    }
    return NULL;
}

static bool probes_for(snode *const *list, size_t n, const prop ***out)
{
    if (!n)
        return true;
    *out = calloc(n, sizeof **out);
    if (!*out)
        return false;
    for (size_t i = 0; i < n; i++)
        (*out)[i] = branch_probe(list, n, i);
    return true;
}

/* After every node is compiled (branches behind $ref included). */
static bool make_probes(quo_schema *s)
{
    for (size_t i = 0; i < s->nodes.cap; i++) {
        snode *n = s->nodes.keys[i] ? s->nodes.vals[i] : NULL;
        if (n && (!probes_for(n->any, n->nany, &n->any_probe) ||
                  !probes_for(n->one, n->none, &n->one_probe)))
            return false;
    }
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
    const cJSON *root = quo_json_pointer(document, pointer, strlen(pointer), lengths);
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
    if (c.st == QUO_OK && (!make_branches(s) || !make_probes(s)))
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

