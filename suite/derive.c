/* suite/derive.c - the case generators and qc_cases_derive() (cases.h):
 * positives, every 400 the schema implies (each gated by the library's
 * validator), auth, unknown resources, faults and protocol SHOULDs. */
#include "derive.h"
#include "registry.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo/spec.h"

/* ---- case construction ----------------------------------------------- */

qc_case *qd_case_new(deriver *d, const char *suite, const char *tcase, qc_expect expect,
                     const char *pointer, const char *summary, const char *idfmt, ...)
{
    qc_case_list *l = d->out;
    qc_case *c = qc_cases_append(l);
    if (!c)
        return NULL;
    char id[256];
    va_list ap;
    va_start(ap, idfmt);
    vsnprintf(id, sizeof id, idfmt, ap);
    va_end(ap);
    c->id = qc_strdup(id);
    c->summary = qc_strdup(summary);
    c->spec_pointer = qc_strdup(pointer);
    c->suite = suite;
    c->tcase = tcase;
    c->constraint = d->constraint;
    c->expect = expect;
    c->method = "POST";
    c->exchange = l->count;
    if (!c->id || !c->summary || !c->spec_pointer) {
        qc_case_free(c);
        return NULL;
    }
    l->count++;
    return c;
}

bool qd_case_accept(qc_case *c, int status)
{
    if (c->accept_count == QC_MAX_ACCEPTS)
        return false;
    c->accepts[c->accept_count++] = status;
    return true;
}

static bool case_field(qc_case *c, const char *name, const char *value, qc_field_mode mode)
{
    if (c->field_count == QC_MAX_FIELDS)
        return true; /* more link ids than any spec of this API has; the rest go unchecked */
    qc_field *f = &c->fields[c->field_count];
    f->name = qc_strdup(name);
    f->value = qc_strdup(value);
    f->mode = mode;
    if (!f->name || !f->value) {
        free(f->name);
        free(f->value);
        return false;
    }
    c->field_count++;
    return true;
}

/* Sets the JSON content type and the rendered body of a POST case. */
quo_status qd_case_body(deriver *d, qc_case *c, const body_spec *bs)
{
    c->body = qd_body_render(d, bs, c->id, &c->body_len);
    c->content_type = qc_strdup("application/json");
    return c->body && c->content_type ? QUO_OK : qd_oom(d);
}

static quo_status case_raw_body(deriver *d, qc_case *c, const char *bytes, size_t len)
{
    c->body = qc_strndup(bytes, len);
    c->body_len = len;
    c->content_type = qc_strdup("application/json");
    return c->body && c->content_type ? QUO_OK : qd_oom(d);
}

/* Drops the last case (a negative the validator found valid) and notes why. */
quo_status qd_discard_last(deriver *d, const char *why)
{
    qc_case *c = &d->out->items[d->out->count - 1];
    bool ok = qc_strlist_addf(&d->out->discarded, "%s: %s", c->id, why);
    qc_case_free(c);
    d->out->count--;
    return ok ? QUO_OK : qd_oom(d);
}

/* A positive body must be valid; anything else is a fixture or spec problem. */
quo_status qd_require_valid(deriver *d, qc_case *c)
{
    bool valid = false;
    quo_status st = qd_classify(d, c->body, c->body_len, &valid, NULL);
    if (st != QUO_OK || valid)
        return st;
    const quo_violation *v = &d->v.items[0];
    return quo_error_set(d->err, QUO_ESPEC, 0,
                         "cannot build a valid body for case %s: %s: %s (do the fixtures match "
                         "the spec's patterns?)",
                         c->id, v->path[0] ? v->path : "(body)", v->message);
}

/* ---- positives -------------------------------------------------------- */

static const char *success_pointer(deriver *d)
{
    const char *p = quo_spec_response_pointer(d->spec, d->success);
    return p ? p : "";
}

static bool in_required(const deriver *d, const cJSON *dreq, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, dreq) if (qd_text_is(d, it, name))
        return true;
    return false;
}

static const prop *prop_named(const deriver *d, const char *name)
{
    for (size_t i = 0; i < d->nprops; i++)
        if (strcmp(d->props[i].name, name) == 0)
            return &d->props[i];
    return NULL;
}

/* The 201's link fields for link li: the link itself (equal when the 201
 * requires it, else echoed), then each owner up its chain of owners, as
 * the fixtures state it (equal when required, else checked if present).
 * A chain is at most as long as there are request members. */
quo_status qd_task_fields(deriver *d, qc_case *c, size_t li, bool echo)
{
    const char *wrapper;
    const cJSON *data = quo_contract_success_object(quo_spec_contract(d->spec), &wrapper);
    const cJSON *dprops = qd_keyword(d, data, "properties");
    const cJSON *dreq = qd_keyword(d, data, "required");
    const prop *p = &d->props[d->links[li]];
    if (!p->valid || !cJSON_IsString(p->valid))
        return QUO_OK;
    const char *name = p->name, *value = p->valid->valuestring;
    const char *om = p->owner_member, *oid = p->owner_id;
    for (size_t step = 0; name && value && step <= d->nprops; step++) {
        if (qd_keyword(d, dprops, name)) {
            bool required = in_required(d, dreq, name);
            qc_field_mode mode = required ? QC_FIELD_EQUAL
                                 : step == 0 ? QC_FIELD_ECHO : QC_FIELD_IF_PRESENT;
            if ((mode == QC_FIELD_EQUAL) != echo && !case_field(c, name, value, mode))
                return qd_oom(d);
        }
        name = om;
        value = oid;
        if (!name)
            break;
        const prop *op = prop_named(d, name);
        if (op && (op->owner_member || op->from_fixture)) {
            om = op->owner_member;
            oid = op->owner_id;
        } else {
            (void)qc_fixtures_find(d->in->fixtures, name, &om, &oid);
        }
    }
    return QUO_OK;
}

quo_status qd_add_positive(deriver *d, size_t bi, const size_t *opt, size_t nopt,
                               unsigned mask)
{
    body_spec bs;
    qd_body_base(d, bi, &bs);
    const prop *link = &d->props[d->links[d->br[bi].link]];
    char id[200];
    int n = snprintf(id, sizeof id, "%d.%s", d->success, link->name);
    char summary[300];
    int sn = snprintf(summary, sizeof summary, "linked by %s", link->name);
    for (size_t k = 0; k < nopt; k++) {
        if (!(mask & (1u << k)))
            continue;
        bs.values[opt[k]] = d->props[opt[k]].valid;
        n += snprintf(id + n, sizeof id - (size_t)n, "+%s", d->props[opt[k]].name);
        sn += snprintf(summary + sn, sizeof summary - (size_t)sn, " with %s",
                       d->props[opt[k]].name);
        if (n >= (int)sizeof id || sn >= (int)sizeof summary)
            return quo_error_set(d->err, QUO_ESPEC, 0, "request property names too long");
    }
    qc_case *c = qd_case_new(d, "positive", "201", QC_EXPECT_TASK, d->br[bi].pointer,
                          summary, "%s", id);
    if (!c || !qd_case_accept(c, d->success))
        return qd_oom(d);
    quo_status st = qd_case_body(d, c, &bs);
    if (st == QUO_OK)
        st = qd_require_valid(d, c);
    if (st == QUO_OK)
        st = qd_task_fields(d, c, d->br[bi].link, false);
    if (st != QUO_OK)
        return st;
    /* The SHOULD companion: link ids echoed. Only where there is one to echo. */
    size_t primary = d->out->count - 1;
    qc_case *e = qd_case_new(d, "positive", "201-echo", QC_EXPECT_ECHO,
                          success_pointer(d), "the 201 echoes the link ids", "%s.echo", id);
    if (!e || !qd_case_accept(e, d->success))
        return qd_oom(d);
    e->exchange = primary;
    st = qd_task_fields(d, e, d->br[bi].link, true);
    if (st == QUO_OK && e->field_count == 0) {
        qc_case_free(e);
        d->out->count--;
    }
    return st;
}

quo_status derive_positives(deriver *d)
{
    for (size_t bi = 0; bi < d->nbr; bi++) {
        size_t opt[MAX_PROPS], nopt = 0;
        for (size_t i = 0; i < d->nprops; i++) {
            const prop *p = &d->props[i];
            if (qd_declares(&d->br[bi], p->name) && !qd_is_required(&d->br[bi], p->name) &&
                !p->is_link)
                opt[nopt++] = i;
        }
        for (size_t k = 0; k < nopt; k++)
            if (!d->props[opt[k]].valid)
                return quo_error_set(d->err, QUO_ESPEC, 0,
                                     "cannot make a valid value for %s (no fixture fits its "
                                     "schema)", d->props[opt[k]].name);
        quo_status st = QUO_OK;
        if (nopt <= MAX_SUBSET_OPTIONALS) {
            for (unsigned mask = 0; st == QUO_OK && mask < (1u << nopt); mask++)
                st = qd_add_positive(d, bi, opt, nopt, mask);
        } else {
            st = qd_add_positive(d, bi, opt, nopt, 0);
            for (size_t k = 0; st == QUO_OK && k < nopt; k++)
                st = qd_add_positive(d, bi, opt, nopt, 1u << k);
            if (st == QUO_OK)
                st = qd_add_positive(d, bi, opt, nopt, (1u << nopt) - 1);
        }
        if (st != QUO_OK)
            return st;
    }
    /* Above MAX_SUBSET_OPTIONALS, every pair too (derive_combos.c): the
     * same check, so the same step. */
    return qd_derive_pairs(d);
}

/* ---- negatives (400) -------------------------------------------------- */

const char *qd_idf(deriver *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->idbuf, sizeof d->idbuf, fmt, ap);
    va_end(ap);
    return d->idbuf;
}

/* Whether one of the validator's violations (d->v, just classified) lies at
 * an offending path or inside it: a negative must fail for the intended
 * reason, not for a side effect of how its body was built. */
static bool fails_at(const deriver *d, const char *const *offending, size_t noff)
{
    for (size_t i = 0; i < d->v.count; i++) {
        const char *vp = d->v.items[i].path;
        for (size_t k = 0; k < noff; k++) {
            size_t n = strlen(offending[k]);
            if (strncmp(vp, offending[k], n) == 0 && (vp[n] == '\0' || vp[n] == '/'))
                return true;
        }
    }
    return false;
}

/* Adds a 400 case with the given body (rendered from bs, or raw bytes when
 * raw is non-NULL), gates it, and adds its errors-path companion when
 * `offending` (a path or NULL) names where the offence is. */
quo_status qd_add_negative(deriver *d, const char *tcase, const char *pointer,
                               const char *summary, const body_spec *bs, const char *raw,
                               size_t raw_len, const char *const *offending, size_t noff,
                               const char *id)
{
    qc_case *c = qd_case_new(d, "validation", tcase, QC_EXPECT_ERROR, pointer, summary,
                          "%s", id);
    if (!c || !qd_case_accept(c, 400))
        return qd_oom(d);
    quo_status st = raw ? case_raw_body(d, c, raw, raw_len) : qd_case_body(d, c, bs);
    if (st != QUO_OK)
        return st;
    qc_strlist paths;
    qc_strlist_init(&paths);
    for (size_t i = 0; i < noff; i++)
        if (!qc_strlist_add(&paths, offending[i])) {
            qc_strlist_free(&paths);
            return qd_oom(d);
        }
    bool valid = false;
    st = qd_classify(d, c->body, c->body_len, &valid, noff ? &paths : NULL);
    bool dropped = st == QUO_OK && (valid || (noff && !fails_at(d, offending, noff)));
    if (dropped)
        st = qd_discard_last(d, valid ? "the generated body is valid per the spec's own validator"
                                      : "the spec's own validator rejects the body, but not at "
                                        "the offending path");
    if (st != QUO_OK || dropped || noff == 0) {
        qc_strlist_free(&paths);
        return st;
    }
    size_t primary = d->out->count - 1;
    char eid[300];
    snprintf(eid, sizeof eid, "%s.errors-path", d->out->items[primary].id);
    const char *ep = quo_spec_response_pointer(d->spec, 400);
    char *errs = qd_ptr_join(ep ? ep : "", "properties");
    char *errs2 = errs ? qd_ptr_join(errs, "errors") : NULL;
    free(errs);
    qc_case *e = errs2 ? qd_case_new(d, "validation", "400-errors-path",
                                  QC_EXPECT_ERRORS_PATH, errs2,
                                  "errors[] names the offending path", "%s", eid)
                       : NULL;
    free(errs2);
    if (!e || !qd_case_accept(e, 400)) {
        qc_strlist_free(&paths);
        return qd_oom(d);
    }
    e->exchange = primary;
    e->paths = paths;
    return QUO_OK;
}

quo_status derive_required(deriver *d)
{
    d->constraint = "required";
    for (size_t i = 0; i < d->nprops; i++) {
        const prop *p = &d->props[i];
        if (p->is_link || !qd_is_required(&d->br[p->home], p->name))
            continue;
        body_spec bs;
        qd_body_base(d, p->home, &bs);
        bs.values[i] = NULL;
        char *ptr = qd_ptr_join(d->br[p->home].pointer, "required");
        char path[200];
        snprintf(path, sizeof path, "/%s", p->name);
        const char *off[] = {path, ""};
        char summary[240];
        snprintf(summary, sizeof summary, "required member %s missing", p->name);
        quo_status st = ptr ? qd_add_negative(d, "400-required", ptr, summary, &bs, NULL, 0, off, 2,
                                           qd_idf(d, "400.required.%s", p->name))
                            : qd_oom(d);
        free(ptr);
        if (st != QUO_OK)
            return st;
    }
    return QUO_OK;
}

quo_status derive_types(deriver *d)
{
    d->constraint = "type";
    static const char *const types[] = {"string", "number", "boolean", "null", "array", "object"};
    for (size_t i = 0; i < d->nprops; i++) {
        const prop *p = &d->props[i];
        const char *declared = p->m->type;
        for (size_t t = 0; t < QUO_ARRAY_SIZE(types); t++) {
            if (declared && strcmp(declared, types[t]) == 0)
                continue;
            if (!declared && t == 0)
                continue;
            cJSON *v = t == 0 ? cJSON_CreateString("quo-conformance")
                       : t == 1 ? cJSON_CreateNumber(42)
                       : t == 2 ? cJSON_CreateTrue()
                       : t == 3 ? cJSON_CreateNull()
                       : t == 4 ? cJSON_CreateArray() : cJSON_CreateObject();
            if (!v)
                return qd_oom(d);
            body_spec bs;
            qd_body_base(d, p->home, &bs);
            bs.values[i] = v;
            char *ptr = qd_ptr_join(p->pointer, "type");
            char path[200];
            snprintf(path, sizeof path, "/%s", p->name);
            const char *off[] = {path};
            char summary[240];
            snprintf(summary, sizeof summary, "%s of type %s instead of %s", p->name, types[t],
                     declared ? declared : "its schema's");
            quo_status st = ptr ? qd_add_negative(d, "400-type", ptr, summary, &bs, NULL, 0, off, 1,
                                               qd_idf(d, "400.type.%s.%s", p->name, types[t]))
                                : qd_oom(d);
            free(ptr);
            cJSON_Delete(v);
            if (st != QUO_OK)
                return st;
        }
    }
    return QUO_OK;
}


static quo_status pattern_case(deriver *d, size_t i, const char *variant, const char *value,
                               const char *why)
{
    const prop *p = &d->props[i];
    cJSON *v = cJSON_CreateString(value);
    if (!v)
        return qd_oom(d);
    body_spec bs;
    qd_body_base(d, p->home, &bs);
    bs.values[i] = v;
    char *ptr = qd_ptr_join(p->pointer, "pattern");
    char path[200];
    snprintf(path, sizeof path, "/%s", p->name);
    const char *off[] = {path};
    char summary[240];
    snprintf(summary, sizeof summary, "%s breaks its pattern: %s", p->name, why);
    quo_status st = ptr ? qd_add_negative(d, "400-pattern", ptr, summary, &bs, NULL, 0, off, 1,
                                       qd_idf(d, "400.pattern.%s.%s", p->name, variant))
                        : qd_oom(d);
    free(ptr);
    cJSON_Delete(v);
    return st;
}

quo_status derive_patterns(deriver *d)
{
    d->constraint = "pattern";
    static const struct { const char *id, *bytes, *why; } terms[] = {
        {"lf", "\n", "a line feed after the prefix"},
        {"cr", "\r", "a carriage return after the prefix"},
        {"u2028", "\xE2\x80\xA8", "U+2028 after the prefix"},
        {"u2029", "\xE2\x80\xA9", "U+2029 after the prefix"},
    };
    for (size_t i = 0; i < d->nprops; i++) {
        const prop *p = &d->props[i];
        const char *pattern = p->m->pattern;
        if (!pattern)
            continue;
        char prefix[64];
        size_t pl = qd_pattern_prefix(pattern, prefix, sizeof prefix);
        const char *valid = cJSON_IsString(p->valid) ? p->valid->valuestring : "";
        const char *suffix = (pl && strncmp(valid, prefix, pl) == 0) ? valid + pl : "1";
        char value[512];
        quo_status st = QUO_OK;
        if (pl == 0) {
            /* No fixed prefix to break: the gate keeps what the pattern rejects. */
            st = pattern_case(d, i, "empty", "", "the empty string");
            if (st == QUO_OK)
                st = pattern_case(d, i, "lf", "\n", "a lone line feed");
            if (st != QUO_OK)
                return st;
            continue;
        }
        char wrong[64];
        for (size_t k = 0; k < pl; k++)
            wrong[k] = prefix[k] == 'X' ? 'Y' : 'X';
        wrong[pl] = '\0';
        snprintf(value, sizeof value, "%s%s", wrong, suffix);
        st = pattern_case(d, i, "wrong-prefix", value, "another prefix");
        char lower[64];
        for (size_t k = 0; k <= pl; k++)
            lower[k] = (char)tolower((unsigned char)prefix[k]);
        if (st == QUO_OK && strcmp(lower, prefix) != 0) {
            snprintf(value, sizeof value, "%s%s", lower, suffix);
            st = pattern_case(d, i, "lower-case-prefix", value, "the prefix in lower case");
        }
        for (size_t t = 0; st == QUO_OK && t < QUO_ARRAY_SIZE(terms); t++) {
            snprintf(value, sizeof value, "%s%s%s", prefix, terms[t].bytes, suffix);
            st = pattern_case(d, i, terms[t].id, value, terms[t].why);
        }
        if (st != QUO_OK)
            return st;
    }
    return QUO_OK;
}

quo_status derive_links(deriver *d)
{
    d->constraint = d->combiner ? d->combiner : "required";
    char *ptr = qc_strdup(d->combiner_ptr ? d->combiner_ptr : d->rp);
    if (!ptr)
        return qd_oom(d);
    const char *off[1 + MAX_BRANCHES];
    char paths[MAX_BRANCHES][128];
    quo_status st = QUO_OK;
    /* 0 links, every pair, and all of them (when that is more than two). */
    for (unsigned mask = 0; st == QUO_OK && mask < (1u << d->nlinks); mask++) {
        unsigned bits = 0;
        for (unsigned m = mask; m; m &= m - 1)
            bits++;
        bool all = mask == (1u << d->nlinks) - 1;
        if (!(bits == 0 || bits == 2 || (all && bits > 2)))
            continue;
        body_spec bs;
        qd_body_base(d, 0, &bs);
        size_t noff = 0;
        off[noff++] = "";
        char name[300] = "";
        for (size_t k = 0; k < d->nlinks; k++) {
            size_t pi = d->links[k];
            bs.values[pi] = NULL;
            if (mask & (1u << k)) {
                bs.values[pi] = d->props[pi].valid;
                snprintf(paths[k], sizeof paths[k], "/%s", d->props[pi].name);
                off[noff++] = paths[k];
                size_t used = strlen(name);
                snprintf(name + used, sizeof name - used, "%s%s", used ? "+" : "",
                         d->props[pi].name);
            } else if (bits == 0) {
                snprintf(paths[k], sizeof paths[k], "/%s", d->props[pi].name);
                off[noff++] = paths[k];
            }
        }
        const char *label = bits == 0 ? "none" : all ? "all" : name;
        char summary[400];
        snprintf(summary, sizeof summary, "%s link ids (%s)",
                 bits == 0 ? "zero" : all ? "all the" : "two", bits ? name : "none");
        st = qd_add_negative(d, "400-links", ptr, summary, &bs, NULL, 0, off, noff,
                          qd_idf(d, "400.links.%s", label));
    }
    free(ptr);
    return st;
}

quo_status derive_unknown(deriver *d)
{
    d->constraint = "additionalProperties";
    char name[64] = "quoConformanceUnknown";
    for (int k = 0; qd_prop_index(d, name) != MAX_PROPS && k < 100; k++)
        snprintf(name, sizeof name, "quoConformanceUnknown%d", k);
    cJSON *v = cJSON_CreateString("quo-conformance");
    if (!v)
        return qd_oom(d);
    body_spec bs;
    qd_body_base(d, 0, &bs);
    bs.extra_name = name;
    bs.extra_value = v;
    char *ptr = qd_ptr_join(d->br[0].pointer, "additionalProperties");
    char path[80];
    snprintf(path, sizeof path, "/%s", name);
    const char *off[] = {path, ""};
    quo_status st = ptr ? qd_add_negative(d, "400-unknown", ptr, "an unknown member", &bs, NULL, 0,
                                       off, 2, "400.unknown-property")
                        : qd_oom(d);
    free(ptr);
    cJSON_Delete(v);
    return st;
}

quo_status derive_formats(deriver *d)
{
    d->constraint = "format";
    static const struct { const char *id, *value, *why; } bad[] = {
        {"no-offset", "2030-01-02T03:04:05", "no UTC offset"},
        {"impossible-date", "2030-02-30T03:04:05Z", "February 30th"},
        {"words", "next tuesday at noon", "words"},
        {"number", "1893456000", "a number of seconds"},
    };
    for (size_t i = 0; i < d->nprops; i++) {
        const prop *p = &d->props[i];
        const char *fmt = p->m->format;
        if (!fmt)
            continue;
        if (strcmp(fmt, "date-time") != 0) {
            if (!qc_strlist_addf(&d->out->discarded,
                                 "400.format.%s.*: no generator for format \"%s\"", p->name, fmt))
                return qd_oom(d);
            continue;
        }
        for (size_t k = 0; k < QUO_ARRAY_SIZE(bad); k++) {
            cJSON *v = cJSON_CreateString(bad[k].value);
            if (!v)
                return qd_oom(d);
            body_spec bs;
            qd_body_base(d, p->home, &bs);
            bs.values[i] = v;
            char *ptr = qd_ptr_join(p->pointer, "format");
            char path[200];
            snprintf(path, sizeof path, "/%s", p->name);
            const char *off[] = {path};
            char summary[240];
            snprintf(summary, sizeof summary, "%s not RFC 3339: %s", p->name, bad[k].why);
            quo_status st = ptr ? qd_add_negative(d, "400-format", ptr, summary, &bs, NULL, 0, off,
                                               1, qd_idf(d, "400.format.%s.%s", p->name, bad[k].id))
                                : qd_oom(d);
            free(ptr);
            cJSON_Delete(v);
            if (st != QUO_OK)
                return st;
        }
    }
    return QUO_OK;
}

/* Bodies broken below the schema: not JSON, not an object, empty, a
 * repeated member name. All start from branch 0's valid body. */
quo_status derive_bodies(deriver *d)
{
    body_spec bs;
    qd_body_base(d, 0, &bs);
    size_t len = 0;
    char *base = qd_body_render(d, &bs, "400.body", &len);
    char *ptr = qc_strdup(d->rp);
    quo_buf dup, arr;
    quo_buf_init(&dup);
    quo_buf_init(&arr);
    if (!base || !ptr || len < 2) {
        free(base);
        free(ptr);
        return qd_oom(d);
    }
    /* The pointer of the request body's media type (the schema's parent). */
    char *slash = strrchr(ptr, '/');
    if (slash)
        *slash = '\0';
    quo_buf_append(&arr, "[", 1);
    quo_buf_append(&arr, base, len);
    quo_buf_append(&arr, "]", 1);
    /* {"a":1,...} -> {"a":1,"a":1,...}: the first member rendered alone. */
    body_spec first;
    memset(&first, 0, sizeof first);
    for (size_t i = 0; i < d->nprops; i++)
        if (bs.values[i]) {
            first.values[i] = bs.values[i];
            break;
        }
    size_t flen = 0;
    char *one = qd_body_render(d, &first, "400.body", &flen);
    if (one && flen > 2) {
        quo_buf_append(&dup, "{", 1);
        quo_buf_append(&dup, one + 1, flen - 2);
        quo_buf_append(&dup, ",", 1);
        quo_buf_append(&dup, base + 1, len - 1);
    }
    free(one);
    quo_status st = qd_add_negative(d, "400-body", ptr, "a body that is not JSON", NULL, base,
                                 len - 1, NULL, 0, "400.body.not-json");
    if (st == QUO_OK)
        st = arr.failed ? qd_oom(d)
                        : qd_add_negative(d, "400-body", ptr, "a body that is not an object", NULL,
                                       arr.data, arr.len, NULL, 0, "400.body.not-object");
    if (st == QUO_OK)
        st = qd_add_negative(d, "400-body", ptr, "an empty body", NULL, "", 0, NULL, 0,
                          "400.body.empty");
    if (st == QUO_OK)
        st = dup.failed || !dup.data ? qd_oom(d) : qd_add_negative(d, "400-body", ptr, "a body that repeats a member name", NULL,
                          dup.data, dup.len, NULL, 0, "400.body.duplicate-name");
    free(base);
    free(ptr);
    quo_buf_free(&dup);
    quo_buf_free(&arr);
    return st;
}

/* ---- auth, resources, faults, protocol -------------------------------- */

static bool documented(const deriver *d, int status)
{
    return quo_spec_response_schema(d->spec, status) != NULL;
}

/* A positive-shaped request (branch bi's minimal valid body) for a case
 * that varies something other than the body. */
quo_status qd_simple_case(deriver *d, qc_case **out, const char *suite, const char *tcase,
                          qc_expect expect, int status, const char *pointer, const char *summary,
                          size_t bi, const char *id)
{
    qc_case *c = qd_case_new(d, suite, tcase, expect, pointer, summary, "%s", id);
    if (!c || !qd_case_accept(c, status))
        return qd_oom(d);
    body_spec bs;
    qd_body_base(d, bi, &bs);
    quo_status st = qd_case_body(d, c, &bs);
    if (st == QUO_OK)
        st = qd_require_valid(d, c);
    if (st == QUO_OK && expect == QC_EXPECT_TASK)
        st = qd_task_fields(d, c, d->br[bi].link, false);
    *out = c;
    return st;
}



quo_status derive_auth(deriver *d)
{
    d->constraint = "security";
    char *ptr = NULL;
    quo_status st = qd_read_auth(d, &ptr);
    static const struct { const char *id, *tcase, *summary; qc_auth auth; } v401[] = {
        {"401.no-header", "401", "no auth header", QC_AUTH_NONE},
        {"401.empty", "401", "an empty auth header", QC_AUTH_EMPTY},
        {"401.unknown-key", "401", "a key the server does not know", QC_AUTH_UNKNOWN},
        {"401.bearer", "401-bearer", "\"Bearer <valid key>\" (the API takes the raw key)",
         QC_AUTH_BEARER},
    };
    for (size_t i = 0; st == QUO_OK && documented(d, 401) && i < QUO_ARRAY_SIZE(v401); i++) {
        qc_case *c = NULL;
        st = qd_simple_case(d, &c, "auth", v401[i].tcase, QC_EXPECT_ERROR, 401, ptr,
                            v401[i].summary, 0, v401[i].id);
        if (c)
            c->auth = v401[i].auth;
    }
    if (st == QUO_OK && !documented(d, 401))
        st = qc_strlist_add(&d->out->discarded, "401.*: the spec documents no 401") ? QUO_OK
                                                                                  : qd_oom(d);
    for (size_t bi = 0; st == QUO_OK && documented(d, 403) && bi < d->nbr; bi++) {
        char id[200], summary[240];
        const char *link = d->props[d->links[d->br[bi].link]].name;
        snprintf(id, sizeof id, "403.%s", link);
        snprintf(summary, sizeof summary, "a valid key without access, linked by %s", link);
        qc_case *c = NULL;
        st = qd_simple_case(d, &c, "auth", "403", QC_EXPECT_ERROR, 403,
                         quo_spec_response_pointer(d->spec, 403), summary, bi, id);
        if (c) {
            c->auth = QC_AUTH_FORBIDDEN;
            if (!d->in->have_forbidden &&
                !(c->skip = qc_strdup("no forbidden.apiKey in the config")))
                st = qd_oom(d);
        }
    }
    free(ptr);
    return st;
}

/* A well-formed id no fixture names: the fixture + "Unknown0" where the
 * member's schema takes it; else (a tight pattern) the fixture with each
 * character, from the last, turned into the highest of '9' 'z' 'Z' the
 * schema still accepts ("PN00000001" -> "PN99999999": fixtures made from a
 * pattern count up from 1, so far from it). The body is judged again by
 * the caller: a value the schema refuses is discarded, never sent as 404. */
static cJSON *unknown_id(deriver *d, const prop *p, char *buf, size_t n)
{
    const quo_contract_member *m = quo_contract_member_find(quo_spec_contract(d->spec), p->name);
    const char *known = p->valid->valuestring;
    snprintf(buf, n, "%sUnknown0", known);
    cJSON *v = cJSON_CreateString(buf);
    if (!v || !m || !m->schema || quo_schema_is_valid(m->schema, v, NULL))
        return v;
    snprintf(buf, n, "%s", known);
    for (size_t i = strlen(buf); i-- > 0;) {
        static const char alts[] = {'9', 'z', 'Z'};
        for (size_t k = 0; k < sizeof alts; k++) {
            if (buf[i] == alts[k] || (unsigned char)buf[i] >= 0x80)
                continue;
            char was = buf[i];
            buf[i] = alts[k];
            cJSON *t = cJSON_CreateString(buf);
            bool ok = t && quo_schema_is_valid(m->schema, t, NULL);
            cJSON_Delete(t);
            if (ok)
                break;
            buf[i] = was;
        }
    }
    if (strcmp(buf, known) == 0) /* nothing else fits: the caller discards it */
        snprintf(buf, n, "%sUnknown0", known);
    cJSON_Delete(v);
    return cJSON_CreateString(buf);
}

quo_status derive_not_found(deriver *d)
{
    if (!documented(d, 404))
        return qc_strlist_add(&d->out->discarded, "404.*: the spec documents no 404") ? QUO_OK
                                                                                    : qd_oom(d);
    for (size_t i = 0; i < d->nprops; i++) {
        const prop *p = &d->props[i];
        if (!p->from_fixture || !cJSON_IsString(p->valid))
            continue;
        /* Links are resources the body is about (TCase 404); other
         * references (an assignee) are 404-reference (registry.c says
         * why their levels differ). */
        char unknown[300];
        cJSON *v = unknown_id(d, p, unknown, sizeof unknown);
        if (!v)
            return qd_oom(d);
        body_spec bs;
        qd_body_base(d, p->home, &bs);
        bs.values[i] = v;
        char summary[240];
        snprintf(summary, sizeof summary, "a well-formed but unknown %s", p->name);
        qc_case *c = qd_case_new(d, "resources", p->is_link ? "404" : "404-reference",
                              QC_EXPECT_ERROR, quo_spec_response_pointer(d->spec, 404), summary,
                              "404.%s", p->name);
        quo_status st = c && qd_case_accept(c, 404) ? qd_case_body(d, c, &bs) : qd_oom(d);
        bool valid = false;
        if (st == QUO_OK)
            st = qd_classify(d, c->body, c->body_len, &valid, NULL);
        if (st == QUO_OK && !valid)
            st = qd_discard_last(d, "the unknown id breaks the spec, so 404 is not the answer");
        cJSON_Delete(v);
        if (st != QUO_OK)
            return st;
    }
    return QUO_OK;
}

quo_status derive_faults(deriver *d)
{
    quo_status st = QUO_OK;
    for (size_t i = 0; st == QUO_OK && i < quo_spec_status_count(d->spec); i++) {
        int status = quo_spec_status_at(d->spec, i);
        if (status < 500 || status > 599)
            continue;
        char id[32], prefer[32];
        snprintf(id, sizeof id, "%d.prefer", status);
        snprintf(prefer, sizeof prefer, "code=%d", status);
        qc_case *c = NULL;
        st = qd_simple_case(d, &c, "faults", "500", QC_EXPECT_ERROR, status,
                         quo_spec_response_pointer(d->spec, status),
                         "Prefer: code=NNN asks for the documented fault", 0, id);
        if (c && st == QUO_OK) {
            c->prefer = qc_strdup(prefer);
            if (!c->prefer)
                st = qd_oom(d);
            else if (!d->in->faults_prefer &&
                     !(c->skip = qc_strdup("faults is \"none\": the target does not promise to "
                                           "honour Prefer: code=500")))
                st = qd_oom(d);
        }
    }
    return st;
}

quo_status derive_protocol(deriver *d)
{
    quo_status st = QUO_OK;
    const quo_contract_security *sec = quo_contract_security_at(quo_spec_contract(d->spec), 0);
    char *sp = sec ? qd_scheme_pointer(d, sec->scheme_name) : NULL;
    qc_case *c = NULL;
    st = qd_simple_case(d, &c, "protocol", "headers", QC_EXPECT_TASK, d->success,
                     sp ? sp : "", "the auth header name in lower case (names are "
                                   "case-insensitive)",
                     0, "http.header-name-case");
    if (c)
        c->auth = QC_AUTH_KEY_LOWER;
    char *rb = qc_strdup(d->rp);
    char *slash = rb ? strrchr(rb, '/') : NULL;
    if (slash)
        *slash = '\0';
    if (st == QUO_OK)
        st = qd_simple_case(d, &c, "protocol", "headers", QC_EXPECT_TASK, d->success,
                         rb ? rb : "", "Content-Type with a charset parameter", 0,
                         "http.content-type-charset");
    if (st == QUO_OK) {
        free(c->content_type);
        c->content_type = qc_strdup("application/json; charset=utf-8");
        if (!c->content_type)
            st = qd_oom(d);
    }
    char *pathptr = qd_ptr_join("/paths", quo_spec_path(d->spec));
    if (st == QUO_OK) {
        c = qd_case_new(d, "protocol", "405", QC_EXPECT_ALLOW, pathptr ? pathptr : "",
                     "another method: a 405 carries Allow", "http.405-allow");
        if (!c || !qd_case_accept(c, 405))
            st = qd_oom(d);
        else
            c->method = "GET";
    }
    free(pathptr);
    free(rb);
    free(sp);
    return st;
}

/* ---- driver ---------------------------------------------------------- */


static quo_status check_ids(deriver *d)
{
    for (size_t i = 0; i < d->out->count; i++)
        for (size_t j = i + 1; j < d->out->count; j++)
            if (strcmp(d->out->items[i].id, d->out->items[j].id) == 0)
                return quo_error_set(d->err, QUO_ESPEC, 0,
                                     "two cases derived the same id %s (member names clash)",
                                     d->out->items[i].id);
    return QUO_OK;
}

quo_status qc_cases_derive(const quo_spec *spec, const qc_derive_input *in,
                           qc_case_list *out, quo_error *err)
{
    deriver *d = calloc(1, sizeof *d);
    if (!d)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    d->spec = spec;
    d->in = in;
    d->out = out;
    d->err = err;
    d->rp = quo_spec_request_pointer(spec);
    quo_violations_init(&d->v);
    out->path = qc_strdup(quo_spec_path(spec));
    out->method = qc_strdup(quo_spec_method(spec));
    quo_status st = out->path && out->method ? QUO_OK : qd_oom(d);
    for (char *p = out->method; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (st == QUO_OK && (!quo_spec_contract(spec) || !d->rp))
        st = quo_error_set(err, QUO_ESPEC, 0, "the spec has no request schema");
    /* The spec walk, then the check registry's derivation steps in row
     * order (registry.h), then the registry gives each case its row. */
    quo_status (*const walk[])(deriver *) = {qd_read_branches, qd_read_props, qd_read_success,
                                             qd_make_valid_values};
    for (size_t i = 0; st == QUO_OK && i < QUO_ARRAY_SIZE(walk); i++)
        st = walk[i](d);
    for (size_t k = 0; st == QUO_OK && qc_registry_step(k); k++) {
        d->constraint = NULL; /* each step names the constraints it aims at */
        st = qc_registry_step(k)(d);
    }
    if (st == QUO_OK)
        st = check_ids(d);
    if (st == QUO_OK)
        st = qc_registry_assign(out, in, err);
    for (size_t i = 0; i < d->nbr; i++)
        free(d->br[i].pointer);
    free(d->combiner_ptr);
    for (size_t i = 0; i < d->nprops; i++) {
        free(d->props[i].pointer);
        cJSON_Delete(d->props[i].valid);
        free(d->props[i].owner_member);
        free(d->props[i].owner_id);
    }
    quo_violations_free(&d->v);
    free(d);
    if (st != QUO_OK)
        qc_cases_free(out);
    return st;
}

