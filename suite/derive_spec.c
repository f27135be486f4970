/* suite/derive_spec.c - the spec walk of a case derivation (derive.h). */
#include "derive.h"
#include "embedded.h"
#include "valgen.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo/request.h"
#include "quo/schema.h"

quo_status qd_oom(deriver *d)
{
    return quo_error_set(d->err, QUO_ENOMEM, 0, "out of memory");
}

/* ---- JSON Pointer helpers ------------------------------------------- */

char *qd_ptr_join(const char *base, const char *token)
{
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_puts(&b, base);
    quo_json_pointer_append(&b, token);
    return quo_buf_take(&b, NULL);
}

char *qd_ptr_index(const char *base, size_t i)
{
    char num[24];
    snprintf(num, sizeof num, "%zu", i);
    return qd_ptr_join(base, num);
}

/* ---- reading the spec ------------------------------------------------ */

/* A member schema's keyword, read from the schema the contract handed out
 * (its $ref already followed), by full name length. */
const cJSON *qd_keyword(const deriver *d, const cJSON *schema, const char *key)
{
    return schema ? quo_json_member(quo_spec_doc(d->spec), schema, key) : NULL;
}

const char *qd_keyword_string(const deriver *d, const cJSON *schema, const char *key)
{
    const cJSON *v = qd_keyword(d, schema, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool qd_text_is(const deriver *d, const cJSON *node, const char *text)
{
    size_t n = strlen(text);
    return cJSON_IsString(node) && quo_json_strlen(quo_spec_doc(d->spec), node) == n &&
           memcmp(node->valuestring, text, n) == 0;
}

bool qd_is_required(const branch *b, const char *name)
{
    const quo_contract_member *m = quo_contract_alt_member(b->alt, name);
    return m && m->required;
}

bool qd_declares(const branch *b, const char *name)
{
    const quo_contract_member *m = quo_contract_alt_member(b->alt, name);
    return m && m->pointer;
}

size_t qd_prop_index(const deriver *d, const char *name)
{
    for (size_t i = 0; i < d->nprops; i++)
        if (strcmp(d->props[i].name, name) == 0)
            return i;
    return MAX_PROPS;
}

/* The combiner that makes the alternatives ("anyOf" / "oneOf"), from the
 * contract's alternative pointers (".../anyOf/0"): its pointer goes to
 * d->combiner_ptr. None (NULL) for a single alternative. */
static quo_status read_combiner(deriver *d)
{
    static const char *const words[] = {"anyOf", "oneOf"};
    const char *p = d->nbr > 1 ? d->br[0].pointer : "";
    const char *slash = strrchr(p, '/');
    for (size_t w = 0; slash && w < QUO_ARRAY_SIZE(words); w++) {
        size_t n = strlen(words[w]);
        if ((size_t)(slash - p) > n && slash[-(ptrdiff_t)n - 1] == '/' &&
            memcmp(slash - n, words[w], n) == 0) {
            d->combiner = words[w];
            if (!(d->combiner_ptr = qc_strndup(p, (size_t)(slash - p))))
                return qd_oom(d);
        }
    }
    return QUO_OK;
}

/* The request's alternatives are the contract's (after $ref, allOf,
 * anyOf and oneOf); each declares members with their schemas. */
quo_status qd_read_branches(deriver *d)
{
    const quo_contract *k = quo_spec_contract(d->spec);
    d->combiner = NULL;
    size_t n = quo_contract_alt_count(k);
    if (n == 0 || n > MAX_BRANCHES)
        return quo_error_set(d->err, QUO_ESPEC, 0, "%s: %zu request alternatives (1..%d "
                             "supported)", d->rp, n, MAX_BRANCHES);
    for (size_t i = 0; i < n; i++) {
        branch *b = &d->br[i];
        b->alt = quo_contract_alt_at(k, i);
        if (!(b->pointer = qc_strdup(b->alt->pointer)))
            return qd_oom(d);
        d->nbr = i + 1;
        size_t declared = 0;
        for (size_t m = 0; m < b->alt->member_count; m++)
            declared += b->alt->members[m].pointer != NULL;
        if (!declared)
            return quo_error_set(d->err, QUO_ESPEC, 0, "%s: the request alternative declares "
                                 "no properties", b->pointer);
    }
    return read_combiner(d);
}

quo_status qd_read_props(deriver *d)
{
    for (size_t bi = 0; bi < d->nbr; bi++) {
        const quo_contract_alt *alt = d->br[bi].alt;
        for (size_t mi = 0; mi < alt->member_count; mi++) {
            const quo_contract_member *m = &alt->members[mi];
            if (!m->pointer || qd_prop_index(d, m->name) != MAX_PROPS)
                continue;
            if (d->nprops == MAX_PROPS)
                return quo_error_set(d->err, QUO_ESPEC, 0, "more than %d request properties",
                                     MAX_PROPS);
            prop *p = &d->props[d->nprops];
            p->name = m->name;
            p->m = m;
            p->schema = m->schema_json;
            p->home = bi;
            if (!(p->pointer = qc_strdup(m->pointer)))
                return qd_oom(d);
            d->nprops++;
        }
    }
    size_t nl = quo_spec_link_count(d->spec);
    if (nl == 0 || nl > MAX_BRANCHES)
        return quo_error_set(d->err, QUO_ESPEC, 0, "the spec's request alternatives have %zu "
                             "link ids (members required in one alternative and no other)",
                             nl);
    for (size_t i = 0; i < nl; i++) {
        const char *name = quo_spec_link_name(d->spec, i);
        size_t pi = name ? qd_prop_index(d, name) : MAX_PROPS;
        if (pi == MAX_PROPS)
            return quo_error_set(d->err, QUO_ESPEC, 0, "link id %s is not a request property",
                                 name ? name : "(null)");
        d->props[pi].is_link = true;
        d->links[i] = pi;
    }
    d->nlinks = nl;
    for (size_t bi = 0; bi < d->nbr; bi++) {
        d->br[bi].link = MAX_PROPS;
        for (size_t i = 0; i < nl; i++)
            if (qd_is_required(&d->br[bi], d->props[d->links[i]].name))
                d->br[bi].link = i;
        if (d->br[bi].link == MAX_PROPS && nl > 1)
            return quo_error_set(d->err, QUO_ESPEC, 0, "%s requires no link id",
                                 d->br[bi].pointer);
        if (d->br[bi].link == MAX_PROPS)
            d->br[bi].link = 0;
    }
    return QUO_OK;
}

/* ---- valid values ---------------------------------------------------- */

static bool value_ok(const prop *p, const cJSON *value)
{
    return p->m->schema && quo_schema_is_valid(p->m->schema, value, NULL);
}

static const char *example_string(const deriver *d, const cJSON *schema)
{
    const char *ex = qd_keyword_string(d, schema, "example");
    const cJSON *exs = qd_keyword(d, schema, "examples");
    if (cJSON_IsArray(exs) && cJSON_IsString(cJSON_GetArrayItem(exs, 0)))
        ex = cJSON_GetArrayItem(exs, 0)->valuestring;
    return ex;
}

/* The fixture named like p: the config's (legacy keys or member-keyed),
 * else, for a link of the embedded mock, the one that mock serves (maybe
 * synthesized). Its owner goes to p. *val: a copy the caller frees, or
 * NULL when there is none. */
static quo_status named_fixture(deriver *d, prop *p, char **val)
{
    const char *om, *oid;
    const qc_fixtures *f = d->in->fixtures;
    const char *id = qc_fixtures_find(f, p->name, &om, &oid);
    *val = NULL;
    if (!id && f->from_mock && p->is_link) {
        qc_fixture got;
        quo_status st = qc_embedded_resource(d->spec, p->name, &got, d->err);
        if (st != QUO_OK)
            return st;
        free(got.member);
        p->owner_member = got.owner_member;
        p->owner_id = got.owner_id;
        *val = got.id;
        return QUO_OK;
    }
    if (!id)
        return QUO_OK;
    if (!(*val = qc_strdup(id)) || (om && !(p->owner_member = qc_strdup(om))) ||
        (oid && !(p->owner_id = qc_strdup(oid))))
        return qd_oom(d);
    return QUO_OK;
}

/* A fixture for a string property: the one named like it (which must fit
 * the property's schema), else the first its schema accepts (a pattern
 * such as ^US(.*)$ picks the user id). *out stays NULL when none fits. */
static quo_status fixture_value(deriver *d, prop *p, cJSON **out)
{
    const qc_fixtures *f = d->in->fixtures;
    *out = NULL;
    char *named;
    quo_status st = named_fixture(d, p, &named);
    if (st != QUO_OK) {
        free(named);
        return st;
    }
    if (named) {
        cJSON *v = cJSON_CreateString(named);
        if (!v) {
            free(named);
            return qd_oom(d);
        }
        if (value_ok(p, v)) {
            free(named);
            p->from_fixture = true;
            *out = v;
            return QUO_OK;
        }
        cJSON_Delete(v);
        st = quo_error_set(d->err, QUO_ESPEC, 0,
                           "fixtures.%s \"%s\" does not fit the spec's schema of %s (%s)",
                           p->name, named, p->name, p->pointer);
        free(named);
        return st;
    }
    if (!p->m->pattern)
        return QUO_OK;
    /* Not named: the first fixture the member's pattern accepts. */
    const char *vals[] = {f->phone_number_id, f->conversation_id, f->activity_id, f->user_id};
    size_t n = QUO_ARRAY_SIZE(vals) + f->count;
    for (size_t i = 0; i < n; i++) {
        const char *s = i < QUO_ARRAY_SIZE(vals) ? vals[i] : f->items[i - QUO_ARRAY_SIZE(vals)].id;
        if (!s)
            continue;
        cJSON *v = cJSON_CreateString(s);
        if (!v)
            return qd_oom(d);
        if (value_ok(p, v)) {
            p->from_fixture = true;
            *out = v;
            return QUO_OK;
        }
        cJSON_Delete(v);
    }
    return QUO_OK;
}

/* A value for a pattern no fixture fits (a member that names no resource):
 * the pattern's literal prefix and a short tail, if the schema takes it. */
static cJSON *pattern_value(const prop *p)
{
    static const char *const tails[] = {"1", "quoconformance", ""};
    char prefix[64];
    qd_pattern_prefix(p->m->pattern, prefix, sizeof prefix);
    for (size_t i = 0; i < QUO_ARRAY_SIZE(tails); i++) {
        char text[128];
        snprintf(text, sizeof text, "%s%s", prefix, tails[i]);
        cJSON *v = cJSON_CreateString(text);
        if (v && value_ok(p, v))
            return v;
        cJSON_Delete(v);
    }
    return NULL;
}

static cJSON *scalar_value(const deriver *d, const prop *p)
{
    const cJSON *c = qd_keyword(d, p->schema, "const");
    if (c)
        return cJSON_Duplicate(c, true);
    const cJSON *e = qd_keyword(d, p->schema, "enum");
    if (cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0)
        return cJSON_Duplicate(cJSON_GetArrayItem(e, 0), true);
    const char *t = p->m->type;
    if (!t || strcmp(t, "string") == 0) {
        const char *fmt = p->m->format;
        if (fmt && strcmp(fmt, "date-time") == 0)
            return cJSON_CreateString("2030-01-02T03:04:05Z");
        if (fmt && strcmp(fmt, "date") == 0)
            return cJSON_CreateString("2030-01-02");
        const char *ex = example_string(d, p->schema);
        return cJSON_CreateString(ex ? ex : "quo-conformance");
    }
    if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0)
        return cJSON_CreateNumber(1);
    if (strcmp(t, "boolean") == 0)
        return cJSON_CreateTrue();
    if (strcmp(t, "array") == 0)
        return cJSON_CreateArray();
    if (strcmp(t, "object") == 0)
        return cJSON_CreateObject();
    return cJSON_CreateNull();
}

/* The first value the generator makes for p's schema that the schema
 * accepts (a multipleOf, an array with minItems, a pattern with a
 * quantified class: what the simple choices above miss). Left NULL when it
 * makes none; the generator's own refusal is no error here. */
static quo_status generated_value(deriver *d, prop *p)
{
    qv_list l;
    qv_list_init(&l);
    quo_error e = {0};
    quo_status st = qv_generate(quo_spec_contract(d->spec), p->schema, p->pointer, p->m->schema,
                                &l, &e);
    for (size_t i = 0; st == QUO_OK && i < l.count && !p->valid; i++)
        if (l.items[i].polarity == QV_POSITIVE && value_ok(p, l.items[i].value)) {
            p->valid = l.items[i].value;
            l.items[i].value = NULL; /* taken: qv_list_free skips NULL */
        }
    qv_list_free(&l);
    if (st == QUO_ENOMEM)
        return qd_oom(d);
    return QUO_OK;
}

quo_status qd_make_valid_values(deriver *d)
{
    d->marker = MAX_PROPS;
    /* A member-keyed fixture must name a request member (a typo is an error). */
    for (size_t i = 0; i < d->in->fixtures->count; i++) {
        bool known = false;
        for (size_t j = 0; j < d->nprops && !known; j++)
            known = strcmp(d->props[j].name, d->in->fixtures->items[i].member) == 0;
        if (!known)
            return quo_error_set(d->err, QUO_ESPEC, 0,
                                 "fixtures.%s names no member of the spec's request body",
                                 d->in->fixtures->items[i].member);
    }
    for (size_t i = 0; i < d->nprops; i++) {
        prop *p = &d->props[i];
        const char *t = p->m->type;
        if (!t || strcmp(t, "string") == 0) {
            quo_status st = fixture_value(d, p, &p->valid);
            if (st != QUO_OK)
                return st;
        }
        if (!p->valid && p->m->pattern)
            p->valid = pattern_value(p);
        if (!p->valid) {
            p->valid = scalar_value(d, p);
            if (!p->valid)
                return qd_oom(d);
            if (!value_ok(p, p->valid)) {
                cJSON_Delete(p->valid);
                p->valid = NULL; /* only a problem if a positive needs it */
            }
        }
        if (!p->valid) {
            quo_status st = generated_value(d, p);
            if (st != QUO_OK)
                return st;
        }
        /* The first free-text member required everywhere carries the case
         * id, so tasks created on a staging server say who made them. */
        if (d->marker == MAX_PROPS && p->valid && !p->from_fixture && !p->is_link &&
            cJSON_IsString(p->valid) && qd_is_required(&d->br[0], p->name) &&
            !p->m->pattern && !p->m->format && !qd_keyword(d, p->schema, "enum") &&
            !qd_keyword(d, p->schema, "const") && !qd_keyword(d, p->schema, "maxLength"))
            d->marker = i;
    }
    return QUO_OK;
}

/* The literal prefix a pattern anchors, e.g. "PN" for ^PN(.*)$, into out. */
size_t qd_pattern_prefix(const char *pattern, char *out, size_t outsz)
{
    size_t n = 0;
    if (pattern[0] != '^')
        return 0;
    for (const char *p = pattern + 1; *p && n + 1 < outsz; p++) {
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            break;
        if (p[1] == '?' || p[1] == '*' || p[1] == '+' || p[1] == '{')
            break; /* a quantified character is not a fixed part */
        out[n++] = *p;
    }
    out[n] = '\0';
    return n;
}

/* ---- bodies ---------------------------------------------------------- */

void qd_body_base(const deriver *d, size_t bi, body_spec *bs)
{
    memset(bs, 0, sizeof *bs);
    for (size_t i = 0; i < d->nprops; i++)
        if (qd_is_required(&d->br[bi], d->props[i].name))
            bs->values[i] = d->props[i].valid;
}

/* Renders the body; the marker member says which case sent it. */
char *qd_body_render(deriver *d, const body_spec *bs, const char *id, size_t *len)
{
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj != NULL;
    for (size_t i = 0; ok && i < d->nprops; i++) {
        if (!bs->values[i])
            continue;
        cJSON *v;
        if (i == d->marker && bs->values[i] == d->props[i].valid) {
            char text[200];
            snprintf(text, sizeof text, "quo-conformance %s", id);
            v = cJSON_CreateString(text);
        } else {
            v = cJSON_Duplicate(bs->values[i], true);
        }
        ok = v && cJSON_AddItemToObject(obj, d->props[i].name, v);
        if (v && !ok)
            cJSON_Delete(v);
    }
    if (ok && bs->extra_name) {
        cJSON *v = cJSON_Duplicate(bs->extra_value, true);
        ok = v && cJSON_AddItemToObject(obj, bs->extra_name, v);
        if (v && !ok)
            cJSON_Delete(v);
    }
    char *text = ok ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (text)
        *len = strlen(text);
    return text;
}

/* ---- the validator gate ---------------------------------------------- */

/* Classifies body with the library's validator: *valid, and (when paths
 * is non-NULL) the instance paths of its violations. */
quo_status qd_classify(deriver *d, const char *body, size_t len, bool *valid,
                           qc_strlist *paths)
{
    quo_violations_clear(&d->v);
    if (quo_request_validate(d->spec, body ? body : "", len, 0, &d->v, NULL) != QUO_OK)
        return qd_oom(d);
    *valid = d->v.count == 0;
    for (size_t i = 0; paths && i < d->v.count; i++)
        if (!qc_strlist_contains(paths, d->v.items[i].path) &&
            !qc_strlist_add(paths, d->v.items[i].path))
            return qd_oom(d);
    return QUO_OK;
}

/* The success status and the member that wraps the task in its body
 * (e.g. "data"): the contract's. */
quo_status qd_read_success(deriver *d)
{
    const quo_contract *k = quo_spec_contract(d->spec);
    d->success = quo_contract_success_status(k);
    if (!d->success)
        return quo_error_set(d->err, QUO_ESPEC, 0, "the spec documents no 2xx response");
    const char *wrapper;
    quo_contract_success_object(k, &wrapper);
    if (wrapper && !(d->out->task_member = qc_strdup(wrapper)))
        return qd_oom(d);
    return QUO_OK;
}

char *qd_scheme_pointer(deriver *d, const char *scheme)
{
    char *a = qd_ptr_join("", "components");
    char *b = a ? qd_ptr_join(a, "securitySchemes") : NULL;
    char *c = b ? qd_ptr_join(b, scheme) : NULL;
    free(a);
    free(b);
    (void)d;
    return c;
}

/* The header the operation's security scheme names (the contract's). */
quo_status qd_read_auth(deriver *d, char **pointer)
{
    const quo_contract *k = quo_spec_contract(d->spec);
    const quo_contract_security *s = quo_contract_security_at(k, 0);
    if (!s || s->in != QUO_IN_HEADER)
        return quo_error_set(d->err, QUO_ESPEC, 0,
                             "the operation's security scheme does not send its key in a header");
    for (size_t i = 0; i < quo_contract_param_count(k); i++) {
        const quo_contract_param *p = quo_contract_param_at(k, i);
        if (p->in == QUO_IN_HEADER && p->required &&
            !qc_strlist_add(&d->out->required_headers, p->name))
            return qd_oom(d);
    }
    d->out->auth_header = qc_strdup(s->name);
    d->out->auth_scheme = s->scheme ? qc_strdup(s->scheme) : NULL;
    *pointer = qd_scheme_pointer(d, s->scheme_name);
    return d->out->auth_header && (!s->scheme || d->out->auth_scheme) && *pointer
               ? QUO_OK
               : qd_oom(d);
}

