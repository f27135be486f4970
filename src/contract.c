/* contract.c - the one walk over the OpenAPI document (see quo/contract.h).
 *
 * The walk keeps, for every node it looks at, the RFC 6901 pointer of that
 * node, so that each schema is compiled by pointer (its $refs then resolve
 * exactly as the schema engine resolves them) and each refusal names the
 * place in the document it is about. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "quo/array.h"
#include "quo/buf.h"
#include "quo/contract.h"

/* Reference chains longer than this are a cycle in practice. */
#define MAX_REF_HOPS 32
#define MAX_FLATTEN_DEPTH 32
#define MAX_ALT_NODES 16

typedef struct alt_store {
    quo_contract_alt pub;
    quo_contract_member members[QUO_CONTRACT_MAX_MEMBERS];
    const quo_schema *parts[QUO_CONTRACT_MAX_PARTS];
} alt_store;

typedef struct resp_store {
    quo_contract_response pub;
    quo_contract_header headers[QUO_CONTRACT_MAX_HEADERS];
    quo_contract_const consts[QUO_CONTRACT_MAX_CONSTS];
} resp_store;

struct quo_contract {
    const quo_json_doc *doc;
    const cJSON *root;
    char method[8], method_upper[8];
    const char *path, *op_id;
    char *op_ptr;
    size_t nsec;
    quo_contract_security sec[QUO_CONTRACT_MAX_SECURITY];
    size_t nparam;
    quo_contract_param params[QUO_CONTRACT_MAX_PARAMS];
    bool body_required;
    const char *body_media;
    const cJSON *body_json;
    const quo_schema *body_schema;
    char *body_ptr;
    size_t nalt;
    alt_store alts[QUO_CONTRACT_MAX_ALTS];
    size_t nlink;
    quo_contract_link links[QUO_CONTRACT_MAX_ALTS];
    size_t nresp;
    resp_store resps[QUO_CONTRACT_MAX_RESPONSES];
    const cJSON *success_obj;
    const char *success_wrapper;
    const char *success_id;
    /* What the contract owns besides itself. */
    char **strs;
    size_t nstrs, capstrs;
    quo_schema **schemas;
    const char **schema_ptrs; /* the pointer each was compiled from (a cache) */
    size_t nschemas, capschemas;
};

/* The compile context: the contract being built and the error slot. */
typedef struct cc {
    quo_contract *c;
    quo_error *err;
    quo_status st;
} cc;

static quo_status fail(cc *x, quo_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static quo_status fail(cc *x, quo_status st, const char *fmt, ...)
{
    if (x->st != QUO_OK)
        return x->st; /* the first cause is the one reported */
    va_list ap;
    va_start(ap, fmt);
    char *msg = quo_vformat(fmt, ap);
    va_end(ap);
    x->st = quo_error_set(x->err, msg ? st : QUO_ENOMEM, 0, "%s",
                          msg ? msg : "out of memory compiling the contract");
    free(msg);
    return x->st;
}

static quo_status oom(cc *x)
{
    return fail(x, QUO_ENOMEM, "out of memory compiling the contract");
}

/* Takes ownership of s (NULL = out of memory, reported). */
static char *keep(cc *x, char *s)
{
    quo_contract *c = x->c;
    if (!s) {
        oom(x);
        return NULL;
    }
    if (c->nstrs == c->capstrs) {
        size_t cap = c->capstrs ? c->capstrs * 2 : 32;
        char **n = realloc(c->strs, cap * sizeof *n);
        if (!n) {
            free(s);
            oom(x);
            return NULL;
        }
        c->strs = n;
        c->capstrs = cap;
    }
    return c->strs[c->nstrs++] = s;
}

static const cJSON *member(const cc *x, const cJSON *obj, const char *name)
{
    return quo_json_member(x->c->doc, obj, name);
}

static const char *string_of(const cc *x, const cJSON *obj, const char *name)
{
    const cJSON *m = member(x, obj, name);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* ---- JSON Pointers ---------------------------------------------------- */

/* parent + "/" + token, with ~ and / escaped (RFC 6901). */
static const char *ptr_child(cc *x, const char *parent, const char *token)
{
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, parent);
    quo_json_pointer_append(&b, token);
    return keep(x, quo_buf_take(&b, NULL));
}

static const char *ptr_index(cc *x, const char *parent, int i)
{
    char tok[16];
    snprintf(tok, sizeof tok, "%d", i);
    return ptr_child(x, parent, tok);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* The plain pointer a local "$ref" names ("#/a%20b" -> "/a b"), or NULL. */
static const char *ref_pointer(cc *x, const char *ref, const char *at)
{
    if (ref[0] != '#') {
        fail(x, QUO_ESPEC, "%s: \"$ref\" \"%.100s\" is not supported: only references into "
             "the same document (\"#/...\")", at, ref);
        return NULL;
    }
    quo_buf b = QUO_BUF_INIT;
    for (const char *p = ref + 1; *p; p++) {
        if (*p == '%') {
            int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
            if (l < 0) {
                quo_buf_free(&b);
                fail(x, QUO_ESPEC, "%s: \"$ref\" \"%.100s\" has a malformed %%-escape", at, ref);
                return NULL;
            }
            quo_buf_putc(&b, (char)(h * 16 + l));
            p += 2;
        } else {
            quo_buf_putc(&b, *p);
        }
    }
    if (b.len == 0)
        quo_buf_puts(&b, ""); /* "#" is the whole document */
    return keep(x, quo_buf_take(&b, NULL));
}

static const cJSON *resolve(cc *x, const char *ptr)
{
    return quo_json_pointer(x->c->root, ptr, strlen(ptr), x->c->doc);
}

/* Follows Reference Objects ({"$ref": ...}) from node; *ptr tracks where
 * the result is. `what` names the object for messages. */
static const cJSON *deref(cc *x, const cJSON *node, const char **ptr, const char *what)
{
    for (int hops = 0; node; hops++) {
        const char *ref = string_of(x, node, "$ref");
        if (!ref)
            return node;
        if (hops == MAX_REF_HOPS) {
            fail(x, QUO_ESPEC, "%s: the %s's \"$ref\" chain is longer than %d (a cycle?)",
                 *ptr, what, MAX_REF_HOPS);
            return NULL;
        }
        const char *p = ref_pointer(x, ref, *ptr);
        if (!p)
            return NULL;
        const cJSON *t = resolve(x, p);
        if (!t) {
            fail(x, QUO_ESPEC, "%s: the %s's \"$ref\" \"%.100s\" does not resolve in the document",
                 *ptr, what, ref);
            return NULL;
        }
        *ptr = p;
        node = t;
    }
    return node;
}

/* Compiles the schema at ptr once; later requests for the same pointer get
 * the same compiled schema. */
static const quo_schema *compile_at(cc *x, const char *ptr)
{
    quo_contract *c = x->c;
    for (size_t i = 0; i < c->nschemas; i++)
        if (strcmp(c->schema_ptrs[i], ptr) == 0)
            return c->schemas[i];
    if (c->nschemas == c->capschemas) {
        size_t cap = c->capschemas ? c->capschemas * 2 : 32;
        quo_schema **s = realloc(c->schemas, cap * sizeof *s);
        if (s)
            c->schemas = s;
        const char **p = s ? realloc(c->schema_ptrs, cap * sizeof *p) : NULL;
        if (!p) {
            oom(x);
            return NULL;
        }
        c->schema_ptrs = p;
        c->capschemas = cap;
    }
    quo_schema *out = NULL;
    quo_error e;
    quo_status st = quo_schema_compile(c->root, c->doc, ptr, &out, &e);
    if (st != QUO_OK) {
        fail(x, st, "%s", e.message); /* the engine names the whole schema path */
        return NULL;
    }
    c->schema_ptrs[c->nschemas] = ptr;
    c->schemas[c->nschemas++] = out;
    return out;
}

/* ---- operation -------------------------------------------------------- */

static const char *const METHODS[] = {"get", "put", "post", "delete", "options",
                                      "head", "patch", "trace"};

typedef struct op_ref {
    const char *path;
    const char *method;
    const cJSON *item; /* the path item */
    const char *item_ptr;
    const cJSON *op;
} op_ref;

static bool op_matches(const cc *x, const op_ref *o, const char *want)
{
    const char *sp = strchr(want, ' ');
    if (!sp) {
        const char *id = string_of(x, o->op, "operationId");
        return id && strcmp(id, want) == 0;
    }
    size_t ml = (size_t)(sp - want);
    return ml == strlen(o->method) && strncasecmp(want, o->method, ml) == 0 &&
           strcmp(sp + 1, o->path) == 0;
}

/* Visits every operation; returns the one `want` selects (or the only
 * one / createTask_v1 when want is NULL). */
static bool find_operation(cc *x, const char *want, op_ref *out)
{
    const char *pp = "/paths";
    const cJSON *paths = member(x, x->c->root, "paths");
    size_t count = 0;
    bool found = false;
    op_ref only = {0};
    quo_buf names = QUO_BUF_INIT;
    for (const cJSON *pi = cJSON_IsObject(paths) ? paths->child : NULL; pi; pi = pi->next) {
        const char *ip = ptr_child(x, pp, pi->string);
        const cJSON *item = ip ? deref(x, pi, &ip, "path item") : NULL;
        if (!item)
            break;
        for (size_t m = 0; m < QUO_ARRAY_SIZE(METHODS); m++) {
            op_ref o = {pi->string, METHODS[m], item, ip, member(x, item, METHODS[m])};
            if (!cJSON_IsObject(o.op))
                continue;
            quo_buf_printf(&names, "%s%s %s", count ? ", " : "", o.method, o.path);
            count++;
            only = o;
            if (!found && op_matches(x, &o, want ? want : QUO_CONTRACT_DEFAULT_OPERATION)) {
                *out = o;
                found = true;
            }
        }
    }
    if (x->st == QUO_OK && !found && !want && count == 1) {
        *out = only;
        found = true;
    }
    if (x->st == QUO_OK && !found) {
        if (count == 0)
            fail(x, QUO_ESPEC, "the document has no operations under \"paths\"");
        else
            fail(x, QUO_ESPEC, "no operation %s%s in the document (it has: %.150s); "
                 "choose one by operationId or 'METHOD PATH'",
                 want ? want : QUO_CONTRACT_DEFAULT_OPERATION,
                 want ? "" : " (the default when there are several)",
                 names.data ? names.data : "");
    }
    quo_buf_free(&names);
    return found && x->st == QUO_OK;
}

/* ---- security --------------------------------------------------------- */

static quo_param_in parse_in(const char *in, bool *ok)
{
    *ok = true;
    if (in && strcmp(in, "header") == 0) return QUO_IN_HEADER;
    if (in && strcmp(in, "query") == 0) return QUO_IN_QUERY;
    if (in && strcmp(in, "cookie") == 0) return QUO_IN_COOKIE;
    *ok = false;
    return QUO_IN_HEADER;
}

static quo_status add_scheme(cc *x, const char *name)
{
    quo_contract *c = x->c;
    const char *sp = ptr_child(x, "/components/securitySchemes", name);
    const cJSON *s = sp ? resolve(x, sp) : NULL;
    if (sp && !s)
        return fail(x, QUO_ESPEC, "the security requirement names \"%s\", which is not in "
                    "/components/securitySchemes", name);
    if (!(s = s ? deref(x, s, &sp, "security scheme") : NULL))
        return x->st;
    if (c->nsec == QUO_CONTRACT_MAX_SECURITY)
        return fail(x, QUO_ESPEC, "more than %d security requirements", QUO_CONTRACT_MAX_SECURITY);
    quo_contract_security *q = &c->sec[c->nsec];
    const char *type = string_of(x, s, "type");
    q->scheme_name = name;
    if (type && strcmp(type, "apiKey") == 0) {
        bool ok;
        q->kind = QUO_AUTH_APIKEY;
        q->in = parse_in(string_of(x, s, "in"), &ok);
        q->name = string_of(x, s, "name");
        if (!ok || !q->name || !q->name[0])
            return fail(x, QUO_ESPEC, "%s: an apiKey scheme needs \"in\" (header, query or "
                        "cookie) and a \"name\"", sp);
    } else if (type && strcmp(type, "http") == 0) {
        const char *scheme = string_of(x, s, "scheme");
        q->in = QUO_IN_HEADER;
        q->name = "Authorization";
        if (scheme && strcasecmp(scheme, "bearer") == 0) {
            q->kind = QUO_AUTH_BEARER;
            q->scheme = "Bearer";
        } else if (scheme && strcasecmp(scheme, "basic") == 0) {
            q->kind = QUO_AUTH_BASIC;
            q->scheme = "Basic";
        } else {
            return fail(x, QUO_ESPEC, "%s: http scheme \"%.60s\" is not supported (only bearer "
                        "and basic)", sp, scheme ? scheme : "(none)");
        }
    } else {
        return fail(x, QUO_ESPEC, "%s: security scheme type \"%.60s\" is not supported (only "
                    "apiKey and http)", sp, type ? type : "(none)");
    }
    c->nsec++;
    return QUO_OK;
}

static quo_status read_security(cc *x, const op_ref *o, const char *op_ptr)
{
    const cJSON *req = member(x, o->op, "security");
    const char *where = req ? op_ptr : "";
    if (!req)
        req = member(x, x->c->root, "security");
    if (!req)
        return QUO_OK;
    if (!cJSON_IsArray(req))
        return fail(x, QUO_ESPEC, "%s/security must be an array", where);
    const cJSON *r;
    cJSON_ArrayForEach(r, req) {
        int n = cJSON_GetArraySize(r);
        if (!cJSON_IsObject(r))
            return fail(x, QUO_ESPEC, "%s/security: each requirement must be an object", where);
        if (n > 1)
            return fail(x, QUO_ESPEC, "%s/security: a requirement naming %d schemes at once is "
                        "not supported", where, n);
        if (n == 1 && add_scheme(x, r->child->string) != QUO_OK)
            return x->st;
    }
    return QUO_OK;
}

/* ---- parameters ------------------------------------------------------- */

static quo_status add_param(cc *x, const cJSON *p, const char *ptr)
{
    quo_contract *c = x->c;
    if (!(p = deref(x, p, &ptr, "parameter")))
        return x->st;
    const char *name = string_of(x, p, "name"), *in = string_of(x, p, "in");
    if (!name || !in)
        return fail(x, QUO_ESPEC, "%s: a parameter needs \"name\" and \"in\"", ptr);
    if (strcmp(in, "path") == 0)
        return fail(x, QUO_ESPEC, "%s: path parameter \"%.60s\" is not supported", ptr, name);
    bool ok;
    quo_param_in where = parse_in(in, &ok);
    if (!ok)
        return fail(x, QUO_ESPEC, "%s: parameter location \"%.30s\" is unknown", ptr, in);
    if (member(x, p, "content"))
        return fail(x, QUO_ESPEC, "%s: a parameter described by \"content\" is not supported "
                    "(use \"schema\")", ptr);
    size_t i = 0;
    while (i < c->nparam && !(c->params[i].in == where &&
                              (where == QUO_IN_HEADER ? strcasecmp(c->params[i].name, name)
                                                      : strcmp(c->params[i].name, name)) == 0))
        i++; /* an operation's parameter overrides the path item's */
    if (i == QUO_CONTRACT_MAX_PARAMS)
        return fail(x, QUO_ESPEC, "more than %d parameters", QUO_CONTRACT_MAX_PARAMS);
    quo_contract_param *q = &c->params[i];
    memset(q, 0, sizeof *q);
    q->name = name;
    q->in = where;
    q->required = cJSON_IsTrue(member(x, p, "required"));
    q->schema_json = member(x, p, "schema");
    if (q->schema_json) {
        q->pointer = ptr_child(x, ptr, "schema");
        if (!q->pointer || !(q->schema = compile_at(x, q->pointer)))
            return x->st;
    }
    if (i == c->nparam)
        c->nparam++;
    return QUO_OK;
}

static quo_status read_params(cc *x, const op_ref *o, const char *op_ptr)
{
    const cJSON *lists[2] = {member(x, o->item, "parameters"), member(x, o->op, "parameters")};
    const char *ptrs[2] = {ptr_child(x, o->item_ptr, "parameters"),
                           ptr_child(x, op_ptr, "parameters")};
    for (size_t l = 0; l < QUO_ARRAY_SIZE(lists) && x->st == QUO_OK; l++) {
        if (lists[l] && !cJSON_IsArray(lists[l]))
            return fail(x, QUO_ESPEC, "%s must be an array", ptrs[l]);
        int i = 0;
        for (const cJSON *p = lists[l] ? lists[l]->child : NULL; p && x->st == QUO_OK;
             p = p->next, i++) {
            const char *pp = ptr_index(x, ptrs[l], i);
            if (pp)
                add_param(x, p, pp);
        }
    }
    return x->st;
}

/* Picks application/json from a `content` map. *media is NULL when the
 * map is absent; a map without JSON is refused by the caller. */
static const cJSON *pick_json(cc *x, const cJSON *content, const char **media)
{
    *media = NULL;
    if (!cJSON_IsObject(content))
        return NULL;
    const cJSON *m = member(x, content, "application/json");
    if (!m)
        for (m = content->child; m && strcasecmp(m->string, "application/json") != 0;)
            m = m->next;
    *media = m ? m->string : (content->child ? content->child->string : NULL);
    return m;
}

/* ---- request body and its alternatives -------------------------------- */

/* One alternative while flattening: the schema nodes whose conjunction it
 * is, each with its pointer. */
typedef struct walt {
    size_t n;
    const cJSON *nodes[MAX_ALT_NODES];
    const char *ptrs[MAX_ALT_NODES];
} walt;

typedef struct wset {
    size_t n;
    walt alts[QUO_CONTRACT_MAX_ALTS];
} wset;

static bool has_any(const cc *x, const cJSON *s, const char *const *names)
{
    for (; *names; names++)
        if (member(x, s, *names))
            return true;
    return false;
}

static const char *const OWN_KEYS[] = {"properties", "required", "additionalProperties",
                                       "type", NULL};
static const char *const COMPOSITION_KEYS[] = {"$ref", "allOf", "anyOf", "oneOf", NULL};

static quo_status flatten(cc *x, const cJSON *s, const char *ptr, wset *set, int depth);

static quo_status flatten_choice(cc *x, const cJSON *list, const char *ptr, const char *kw,
                                 wset *set, int depth)
{
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return fail(x, QUO_ESPEC, "%s/%s must be a non-empty array", ptr, kw);
    const char *lp = ptr_child(x, ptr, kw);
    wset *in = malloc(sizeof *in), *branch = malloc(sizeof *branch);
    if (!in || !branch || !lp) {
        free(in);
        free(branch);
        return oom(x);
    }
    *in = *set;
    set->n = 0;
    int i = 0;
    for (const cJSON *b = list->child; b && x->st == QUO_OK; b = b->next, i++) {
        *branch = *in;
        const char *bp = ptr_index(x, lp, i);
        if (!bp || flatten(x, b, bp, branch, depth + 1) != QUO_OK)
            break;
        if (set->n + branch->n > QUO_CONTRACT_MAX_ALTS) {
            fail(x, QUO_ESPEC, "%s: the request body has more than %d alternatives after "
                 "flattening $ref/allOf/anyOf/oneOf", lp, QUO_CONTRACT_MAX_ALTS);
            break;
        }
        memcpy(&set->alts[set->n], branch->alts, branch->n * sizeof branch->alts[0]);
        set->n += branch->n;
    }
    free(in);
    free(branch);
    return x->st;
}

/* Turns the schema at s into the set of alternatives it allows, each one
 * the list of nodes on its path ($ref followed, allOf conjoined, each
 * anyOf/oneOf branch a new alternative). */
static quo_status flatten(cc *x, const cJSON *s, const char *ptr, wset *set, int depth)
{
    if (depth > MAX_FLATTEN_DEPTH)
        return fail(x, QUO_ESPEC, "%s: $ref/allOf/anyOf/oneOf nested more than %d deep in "
                    "the request body", ptr, MAX_FLATTEN_DEPTH);
    if (!cJSON_IsObject(s))
        return QUO_OK; /* true/false schemas add no members */
    if (has_any(x, s, OWN_KEYS))
        for (size_t i = 0; i < set->n; i++) {
            walt *w = &set->alts[i];
            if (w->n == MAX_ALT_NODES)
                return fail(x, QUO_ESPEC, "%s: a request alternative is composed of more than "
                            "%d schemas", ptr, MAX_ALT_NODES);
            w->nodes[w->n] = s;
            w->ptrs[w->n++] = ptr;
        }
    const char *ref = string_of(x, s, "$ref");
    if (ref) {
        const char *rp = ref_pointer(x, ref, ptr);
        const cJSON *t = rp ? resolve(x, rp) : NULL;
        if (rp && !t)
            return fail(x, QUO_ESPEC, "%s: \"$ref\" \"%.100s\" does not resolve in the document",
                        ptr, ref);
        if (!t || flatten(x, t, rp, set, depth + 1) != QUO_OK)
            return x->st;
    }
    const cJSON *all = member(x, s, "allOf");
    if (all) {
        const char *ap = ptr_child(x, ptr, "allOf");
        int i = 0;
        if (!cJSON_IsArray(all))
            return fail(x, QUO_ESPEC, "%s must be an array", ap ? ap : ptr);
        for (const cJSON *a = all->child; a && x->st == QUO_OK; a = a->next, i++) {
            const char *ip = ptr_index(x, ap, i);
            if (ip)
                flatten(x, a, ip, set, depth + 1);
        }
    }
    if (x->st == QUO_OK && member(x, s, "anyOf"))
        flatten_choice(x, member(x, s, "anyOf"), ptr, "anyOf", set, depth);
    if (x->st == QUO_OK && member(x, s, "oneOf"))
        flatten_choice(x, member(x, s, "oneOf"), ptr, "oneOf", set, depth);
    return x->st;
}

/* Reads type/pattern/format of a member schema, looking through $ref. */
static void describe_member(cc *x, quo_contract_member *m)
{
    const char *p = m->pointer;
    const cJSON *s = m->schema_json ? deref(x, m->schema_json, &p, "member schema") : NULL;
    if (!s)
        return;
    m->schema_json = s;
    const cJSON *type = member(x, s, "type");
    if (cJSON_IsString(type)) {
        m->type = type->valuestring;
    } else if (cJSON_IsArray(type)) {
        const cJSON *t;
        cJSON_ArrayForEach(t, type)
            if (cJSON_IsString(t) && (!m->type || strcmp(m->type, "null") == 0))
                m->type = t->valuestring; /* the first type that is not "null" */
    }
    m->pattern = string_of(x, s, "pattern");
    m->format = string_of(x, s, "format");
}

static quo_contract_member *alt_slot(cc *x, alt_store *a, const cJSON *name_node,
                                     const char *name, size_t len, const char *at)
{
    quo_contract_member *ms = a->members;
    for (size_t i = 0; i < a->pub.member_count; i++)
        if (ms[i].name_len == len && memcmp(ms[i].name, name, len) == 0)
            return &ms[i];
    if (a->pub.member_count == QUO_CONTRACT_MAX_MEMBERS) {
        fail(x, QUO_ESPEC, "%s: a request alternative has more than %d members", at,
             QUO_CONTRACT_MAX_MEMBERS);
        return NULL;
    }
    (void)name_node;
    quo_contract_member *m = &ms[a->pub.member_count++];
    m->name = name;
    m->name_len = len;
    return m;
}

/* The members of one alternative, from the nodes that compose it. */
static quo_status build_alt(cc *x, const walt *w, alt_store *a)
{
    for (size_t k = 0; k < w->n && x->st == QUO_OK; k++) {
        const cJSON *s = w->nodes[k], *props = member(x, s, "properties");
        const char *pp = ptr_child(x, w->ptrs[k], "properties");
        for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p && pp;
             p = p->next) {
            quo_contract_member *m = alt_slot(x, a, p, p->string,
                                              quo_json_keylen(x->c->doc, p), pp);
            if (m && !m->pointer) {
                m->schema_json = p;
                m->pointer = ptr_child(x, pp, p->string);
                describe_member(x, m);
            }
        }
        const cJSON *req = member(x, s, "required"), *r;
        cJSON_ArrayForEach(r, req) {
            if (!cJSON_IsString(r))
                continue;
            quo_contract_member *m = alt_slot(x, a, NULL, r->valuestring,
                                              quo_json_strlen(x->c->doc, r), w->ptrs[k]);
            if (m)
                m->required = true;
        }
        if (cJSON_IsFalse(member(x, s, "additionalProperties")) && props)
            a->pub.closed = true;
        /* A node without composition keywords is a schema of its own: the
         * diagnostics validate a body against it. */
        if (!has_any(x, s, COMPOSITION_KEYS) && a->pub.part_count < QUO_CONTRACT_MAX_PARTS) {
            const quo_schema *part = compile_at(x, w->ptrs[k]);
            if (part)
                a->parts[a->pub.part_count++] = part;
        }
    }
    for (size_t i = 0; i < a->pub.member_count && x->st == QUO_OK; i++)
        if (a->members[i].pointer && !(a->members[i].schema = compile_at(x, a->members[i].pointer)))
            break;
    a->pub.members = a->members;
    a->pub.parts = a->parts;
    a->pub.pointer = w->n ? w->ptrs[w->n - 1] : x->c->body_ptr;
    a->pub.link = QUO_CONTRACT_NONE;
    return x->st;
}

/* A link id tells one alternative apart: required there, required in no
 * other. An alternative with none, or with several, has no link. */
static void find_links(quo_contract *c)
{
    if (c->nalt < 2)
        return;
    for (size_t i = 0; i < c->nalt; i++) {
        alt_store *a = &c->alts[i];
        const quo_contract_member *only = NULL;
        size_t candidates = 0;
        for (size_t k = 0; k < a->pub.member_count; k++) {
            const quo_contract_member *m = &a->members[k];
            bool shared = false;
            for (size_t j = 0; j < c->nalt && m->required && !shared; j++) {
                const quo_contract_member *o = NULL;
                for (size_t q = 0; j != i && q < c->alts[j].pub.member_count && !o; q++)
                    if (c->alts[j].members[q].name_len == m->name_len &&
                        memcmp(c->alts[j].members[q].name, m->name, m->name_len) == 0)
                        o = &c->alts[j].members[q];
                shared = o && o->required;
            }
            if (m->required && !shared) {
                only = m;
                candidates++;
            }
        }
        if (candidates != 1 || quo_contract_link_find(c, only->name, only->name_len) !=
                                   QUO_CONTRACT_NONE)
            continue;
        a->pub.link = c->nlink;
        c->links[c->nlink++] = (quo_contract_link){only->name, only->name_len, i, only};
    }
}

static quo_status read_body(cc *x, const cJSON *op, const char *op_ptr)
{
    quo_contract *c = x->c;
    const char *bp = ptr_child(x, op_ptr, "requestBody");
    const cJSON *rb = member(x, op, "requestBody");
    if (!rb || !bp)
        return x->st; /* an operation without a body: nothing to analyse */
    if (!(rb = deref(x, rb, &bp, "request body")))
        return x->st;
    c->body_required = cJSON_IsTrue(member(x, rb, "required"));
    const cJSON *media = pick_json(x, member(x, rb, "content"), &c->body_media);
    if (!media || !member(x, media, "schema"))
        return fail(x, QUO_ESPEC, "%s: no application/json request body schema (%s)", bp,
                    c->body_media ? c->body_media : "no content");
    const char *cp = ptr_child(x, bp, "content");
    const char *mp = cp ? ptr_child(x, cp, media->string) : NULL;
    c->body_ptr = mp ? (char *)ptr_child(x, mp, "schema") : NULL;
    if (!c->body_ptr || !(c->body_schema = compile_at(x, c->body_ptr)))
        return x->st;
    c->body_json = member(x, media, "schema");
    wset *set = calloc(1, sizeof *set);
    if (!set)
        return oom(x);
    set->n = 1;
    if (flatten(x, c->body_json, c->body_ptr, set, 0) == QUO_OK) {
        c->nalt = set->n;
        for (size_t i = 0; i < set->n && x->st == QUO_OK; i++)
            build_alt(x, &set->alts[i], &c->alts[i]);
    }
    free(set);
    if (x->st == QUO_OK)
        find_links(c);
    return x->st;
}

/* ---- responses -------------------------------------------------------- */

/* "201", "2XX" (any case) or "default" -> the statuses the key covers. */
static bool parse_key(const char *key, int *status, int *lo, int *hi)
{
    *status = 0;
    if (strcmp(key, "default") == 0) {
        *lo = 100;
        *hi = 599;
        return true;
    }
    if (strlen(key) != 3 || key[0] < '1' || key[0] > '5')
        return false;
    if ((key[1] == 'X' || key[1] == 'x') && (key[2] == 'X' || key[2] == 'x')) {
        *lo = (key[0] - '0') * 100;
        *hi = *lo + 99;
        return true;
    }
    for (int i = 1; i < 3; i++)
        if (key[i] < '0' || key[i] > '9')
            return false;
    *status = *lo = *hi = (key[0] - '0') * 100 + (key[1] - '0') * 10 + (key[2] - '0');
    return true;
}

/* The consts a response schema pins at its top level, through $ref and
 * allOf (the error constants code/status/docs/title of this API). */
static void read_consts(cc *x, resp_store *r, const cJSON *s, const char *ptr, int depth)
{
    if (depth > MAX_FLATTEN_DEPTH || !(s = deref(x, s, &ptr, "response schema")))
        return;
    const cJSON *props = member(x, s, "properties");
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next) {
        const char *pp = ptr;
        const cJSON *ps = deref(x, p, &pp, "response member schema");
        const cJSON *k = member(x, ps, "const");
        if (!k || r->pub.const_count == QUO_CONTRACT_MAX_CONSTS ||
            quo_contract_response_const(&r->pub, p->string))
            continue;
        r->consts[r->pub.const_count++] = (quo_contract_const){p->string, k};
    }
    const cJSON *all = member(x, s, "allOf"), *a;
    int i = 0;
    cJSON_ArrayForEach(a, all) {
        const char *ap = ptr_child(x, ptr, "allOf");
        const char *ip = ap ? ptr_index(x, ap, i++) : NULL;
        if (ip)
            read_consts(x, r, a, ip, depth + 1);
    }
}

static quo_status read_headers(cc *x, resp_store *r, const cJSON *headers, const char *ptr)
{
    for (const cJSON *h = cJSON_IsObject(headers) ? headers->child : NULL; h; h = h->next) {
        if (strcasecmp(h->string, "Content-Type") == 0)
            continue; /* OpenAPI: described by `content`, a header entry is ignored */
        const char *hp = ptr_child(x, ptr, h->string);
        const cJSON *ho = hp ? deref(x, h, &hp, "header") : NULL;
        if (!ho)
            return x->st;
        if (r->pub.header_count == QUO_CONTRACT_MAX_HEADERS)
            return fail(x, QUO_ESPEC, "%s: more than %d headers", ptr, QUO_CONTRACT_MAX_HEADERS);
        quo_contract_header *q = &r->headers[r->pub.header_count++];
        q->name = h->string;
        q->required = cJSON_IsTrue(member(x, ho, "required"));
        q->schema_json = member(x, ho, "schema");
        const char *sp = q->schema_json ? ptr_child(x, hp, "schema") : NULL;
        if (sp && !(q->schema = compile_at(x, sp)))
            return x->st;
    }
    r->pub.headers = r->headers;
    return x->st;
}

static quo_status read_response(cc *x, const cJSON *resp, const char *rsp)
{
    quo_contract *c = x->c;
    resp_store *r = &c->resps[c->nresp];
    quo_contract_response *p = &r->pub;
    p->key = resp->string;
    p->consts = r->consts;
    p->headers = r->headers;
    if (!parse_key(resp->string, &p->status, &p->range_lo, &p->range_hi))
        return fail(x, QUO_ESPEC, "%s: response key \"%.40s\" is not a status code, a range "
                    "such as 4XX, or default", rsp, resp->string);
    const char *ptr = ptr_child(x, rsp, resp->string);
    if (!ptr || !(resp = deref(x, resp, &ptr, "response")))
        return x->st;
    const char *hp = ptr_child(x, ptr, "headers");
    if (!hp || read_headers(x, r, member(x, resp, "headers"), hp) != QUO_OK)
        return x->st;
    const cJSON *content = member(x, resp, "content");
    const cJSON *media = pick_json(x, content, &p->media);
    if (content && !media)
        return fail(x, QUO_ESPEC, "%s: response %s is documented as %s; only application/json "
                    "is supported", ptr, p->key, p->media ? p->media : "(no media type)");
    p->schema_json = member(x, media, "schema");
    if (media && !p->schema_json)
        return fail(x, QUO_ESPEC, "%s/content/%s: response %s has no schema", ptr, media->string,
                    p->key);
    if (p->schema_json) {
        const char *cp = ptr_child(x, ptr, "content");
        const char *mp = cp ? ptr_child(x, cp, media->string) : NULL;
        p->pointer = mp ? ptr_child(x, mp, "schema") : NULL;
        if (!p->pointer || !(p->schema = compile_at(x, p->pointer)))
            return x->st;
        read_consts(x, r, p->schema_json, p->pointer, 0);
    }
    p->consts = r->consts;
    c->nresp++;
    return x->st;
}

static quo_status read_responses(cc *x, const cJSON *op, const char *op_ptr)
{
    const cJSON *responses = member(x, op, "responses");
    const char *rsp = ptr_child(x, op_ptr, "responses");
    if (!cJSON_IsObject(responses) || !responses->child)
        return fail(x, QUO_ESPEC, "%s: the operation documents no responses", op_ptr);
    for (const cJSON *r = responses->child; r && x->st == QUO_OK; r = r->next) {
        if (x->c->nresp == QUO_CONTRACT_MAX_RESPONSES)
            return fail(x, QUO_ESPEC, "%s: more than %d documented responses", rsp,
                        QUO_CONTRACT_MAX_RESPONSES);
        for (size_t i = 0; i < x->c->nresp; i++)
            if (strcasecmp(x->c->resps[i].pub.key, r->string) == 0)
                return fail(x, QUO_ESPEC, "%s: response %s is documented twice", rsp, r->string);
        if (rsp)
            read_response(x, r, rsp);
    }
    return x->st;
}

static void find_success_id(cc *x);

/* The success body's object holding the resource: a body that requires
 * exactly one member, an object with properties, is a wrapper ("data"). */
static void find_success_object(cc *x)
{
    quo_contract *c = x->c;
    const quo_contract_response *r = quo_contract_response_for(c, quo_contract_success_status(c));
    const char *ptr = r ? r->pointer : NULL;
    const cJSON *s = r && r->schema_json ? deref(x, r->schema_json, &ptr, "schema") : NULL;
    const cJSON *req = member(x, s, "required");
    c->success_obj = s;
    if (cJSON_GetArraySize(req) == 1 && cJSON_IsString(req->child)) {
        const char *name = req->child->valuestring, *pp = ptr;
        const cJSON *inner = member(x, member(x, s, "properties"), name);
        inner = inner ? deref(x, inner, &pp, "schema") : NULL;
        if (member(x, inner, "properties")) {
            c->success_wrapper = name;
            c->success_obj = inner;
        }
    }
    find_success_id(x);
}

/* The member of the success object that identifies the new resource:
 * required there, not a member of the request, preferably one whose
 * schema constrains its form (pattern or format). */
static void find_success_id(cc *x)
{
    quo_contract *c = x->c;
    const cJSON *req = member(x, c->success_obj, "required"), *r;
    const cJSON *props = member(x, c->success_obj, "properties");
    const char *plain = NULL;
    cJSON_ArrayForEach(r, req) {
        if (!cJSON_IsString(r) || quo_contract_member_find(c, r->valuestring))
            continue;
        const char *pp = "";
        const cJSON *ps = member(x, props, r->valuestring);
        ps = ps ? deref(x, ps, &pp, "schema") : NULL;
        const char *type = string_of(x, ps, "type");
        if (type && strcmp(type, "string") != 0)
            continue;
        if (member(x, ps, "pattern") || member(x, ps, "format")) {
            c->success_id = r->valuestring;
            return;
        }
        if (!plain)
            plain = r->valuestring;
    }
    c->success_id = plain;
}

const char *quo_contract_success_id(const quo_contract *c) { return c->success_id; }

const cJSON *quo_contract_success_object(const quo_contract *c, const char **wrapper)
{
    *wrapper = c->success_wrapper;
    return c->success_obj;
}

/* ---- top level -------------------------------------------------------- */

static void compile_all(cc *x, const char *operation)
{
    quo_contract *c = x->c;
    op_ref o;
    if (!find_operation(x, operation, &o))
        return;
    c->path = o.path;
    c->op_id = string_of(x, o.op, "operationId");
    for (size_t i = 0; o.method[i] && i + 1 < sizeof c->method; i++) {
        c->method[i] = o.method[i];
        c->method_upper[i] = (char)(o.method[i] - 'a' + 'A');
    }
    const char *op_ptr = ptr_child(x, o.item_ptr, o.method);
    c->op_ptr = (char *)op_ptr;
    if (!op_ptr)
        return;
    if (read_security(x, &o, op_ptr) == QUO_OK && read_params(x, &o, op_ptr) == QUO_OK &&
        read_body(x, o.op, op_ptr) == QUO_OK)
        read_responses(x, o.op, op_ptr);
    if (x->st == QUO_OK)
        find_success_object(x);
}

quo_status quo_contract_compile(const quo_json_doc *doc, const char *operation,
                                quo_contract **out, quo_error *err)
{
    *out = NULL;
    quo_contract *c = calloc(1, sizeof *c);
    if (!c)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory compiling the contract");
    c->doc = doc;
    c->root = quo_json_root(doc);
    cc x = {c, err, QUO_OK};
    if (!cJSON_IsObject(c->root))
        fail(&x, QUO_ESPEC, "the OpenAPI document must be a JSON object");
    else
        compile_all(&x, operation);
    if (x.st != QUO_OK) {
        quo_contract_free(c);
        return x.st;
    }
    *out = c;
    return QUO_OK;
}

void quo_contract_free(quo_contract *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nschemas; i++)
        quo_schema_free(c->schemas[i]);
    for (size_t i = 0; i < c->nstrs; i++)
        free(c->strs[i]);
    free(c->schemas);
    free(c->schema_ptrs);
    free(c->strs);
    free(c);
}

/* ---- accessors -------------------------------------------------------- */

const char *quo_contract_method(const quo_contract *c) { return c->method; }
const char *quo_contract_method_upper(const quo_contract *c) { return c->method_upper; }
const char *quo_contract_path(const quo_contract *c) { return c->path; }
const char *quo_contract_operation_id(const quo_contract *c) { return c->op_id; }
const char *quo_contract_operation_pointer(const quo_contract *c) { return c->op_ptr; }
size_t quo_contract_security_count(const quo_contract *c) { return c->nsec; }
size_t quo_contract_param_count(const quo_contract *c) { return c->nparam; }
bool quo_contract_body_required(const quo_contract *c) { return c->body_required; }
const char *quo_contract_body_media(const quo_contract *c) { return c->body_media; }
const quo_schema *quo_contract_body_schema(const quo_contract *c) { return c->body_schema; }
const cJSON *quo_contract_body_schema_json(const quo_contract *c) { return c->body_json; }
const char *quo_contract_body_pointer(const quo_contract *c) { return c->body_ptr; }
size_t quo_contract_alt_count(const quo_contract *c) { return c->nalt; }
size_t quo_contract_link_count(const quo_contract *c) { return c->nlink; }
size_t quo_contract_response_count(const quo_contract *c) { return c->nresp; }

const quo_contract_security *quo_contract_security_at(const quo_contract *c, size_t i)
{
    return i < c->nsec ? &c->sec[i] : NULL;
}

const quo_contract_param *quo_contract_param_at(const quo_contract *c, size_t i)
{
    return i < c->nparam ? &c->params[i] : NULL;
}

const quo_contract_alt *quo_contract_alt_at(const quo_contract *c, size_t i)
{
    return i < c->nalt ? &c->alts[i].pub : NULL;
}

const quo_contract_link *quo_contract_link_at(const quo_contract *c, size_t i)
{
    return i < c->nlink ? &c->links[i] : NULL;
}

size_t quo_contract_link_find(const quo_contract *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->nlink; i++)
        if (c->links[i].name_len == len && memcmp(c->links[i].name, name, len) == 0)
            return i;
    return QUO_CONTRACT_NONE;
}

const quo_contract_member *quo_contract_alt_member(const quo_contract_alt *alt, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; alt && i < alt->member_count; i++)
        if (alt->members[i].name_len == n && memcmp(alt->members[i].name, name, n) == 0)
            return &alt->members[i];
    return NULL;
}

const quo_contract_member *quo_contract_member_find(const quo_contract *c, const char *name)
{
    for (size_t i = 0; i < c->nalt; i++) {
        const quo_contract_member *m = quo_contract_alt_member(&c->alts[i].pub, name);
        if (m)
            return m;
    }
    return NULL;
}

const cJSON *quo_contract_resolve(const quo_contract *c, const cJSON *node)
{
    for (int hops = 0; node && hops <= MAX_REF_HOPS; hops++) {
        const cJSON *ref = quo_json_member(c->doc, node, "$ref");
        if (!cJSON_IsString(ref))
            return node;
        node = quo_json_pointer(c->root, ref->valuestring, quo_json_strlen(c->doc, ref), c->doc);
    }
    return NULL;
}

const quo_contract_response *quo_contract_response_at(const quo_contract *c, size_t i)
{
    return i < c->nresp ? &c->resps[i].pub : NULL;
}

const quo_contract_response *quo_contract_response_for(const quo_contract *c, int status)
{
    const quo_contract_response *range = NULL, *dflt = NULL;
    for (size_t i = 0; i < c->nresp; i++) {
        const quo_contract_response *r = &c->resps[i].pub;
        if (r->status == status)
            return r;
        if (r->status == 0 && status >= r->range_lo && status <= r->range_hi) {
            if (r->range_hi - r->range_lo < 100)
                range = r;
            else
                dflt = r;
        }
    }
    return range ? range : dflt;
}

int quo_contract_success_status(const quo_contract *c)
{
    int best = 0;
    bool range = false;
    for (size_t i = 0; i < c->nresp; i++) {
        const quo_contract_response *r = &c->resps[i].pub;
        if (r->status >= 200 && r->status < 300 && (!best || r->status < best))
            best = r->status;
        range |= r->status == 0 && r->range_lo == 200 && r->range_hi == 299;
    }
    return best ? best : range ? 200 : 0;
}

const cJSON *quo_contract_response_const(const quo_contract_response *r, const char *name)
{
    for (size_t i = 0; r && i < r->const_count; i++)
        if (strcmp(r->consts[i].name, name) == 0)
            return r->consts[i].value;
    return NULL;
}
