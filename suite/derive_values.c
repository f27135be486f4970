/* suite/derive_values.c - the coverage phase: a case for every value the
 * value generator (valgen.h) aims at a constraint of a member's schema
 * (every member of every alternative) or of a header parameter's schema.
 *
 *   positive  "<2xx>.<keyword>.<member>.<label>" (TCase 201-values): the
 *             alternative's minimal valid body with the member set to the
 *             value; must be accepted. Members whose valid value names a
 *             resource (link ids, fixture-bound members) get no generated
 *             positives: a generated id names nothing the target has.
 *   negative  "400.<keyword>.<member>.<label>" (TCase 400-values) with its
 *             errors-path companion: must be refused.
 * A member declared alike by several alternatives is covered once, at the
 * first; one whose schema differs elsewhere is covered there too, with
 * "@<link id>" after its name. Every body is judged by the library first
 * (a positive must be valid, a negative must fail at the member's path);
 * disagreements go to `discarded`. A value whose case id an earlier step
 * already made (the same aim) is not sent twice.
 */
#include "derive.h"
#include "valgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/json.h"

static bool id_taken(const deriver *d, const char *id)
{
    for (size_t i = 0; i < d->out->count; i++)
        if (strcmp(d->out->items[i].id, id) == 0)
            return true;
    return false;
}

static quo_status discard_id(deriver *d, const char *id, const char *why)
{
    return qc_strlist_addf(&d->out->discarded, "%s: %s", id, why) ? QUO_OK : qd_oom(d);
}

/* The generator's own refusals and disagreements, listed. */
static quo_status list_dropped(deriver *d, const char *what, const qv_list *l)
{
    for (size_t i = 0; i < l->dropped.count; i++)
        if (!qc_strlist_addf(&d->out->discarded, "values.%s.%s", what, l->dropped.items[i]))
            return qd_oom(d);
    return QUO_OK;
}

static quo_status generate(deriver *d, const char *what, const cJSON *schema,
                           const char *pointer, const quo_schema *compiled, qv_list *l)
{
    quo_error e = {0};
    quo_status st = qv_generate(quo_spec_contract(d->spec), schema, pointer, compiled, l, &e);
    if (st == QUO_ESCHEMA)
        return qc_strlist_addf(&d->out->discarded, "values.%s.*: not covered: %s", what,
                               e.message)
                   ? QUO_OK
                   : qd_oom(d);
    if (st != QUO_OK)
        return quo_error_set(d->err, st, 0, "%s", e.message);
    return list_dropped(d, what, l);
}

/* A positive: the alternative's minimal body with the member set. */
static quo_status value_positive(deriver *d, size_t bi, size_t pi, const qv_value *v,
                                 const char *id)
{
    body_spec bs;
    qd_body_base(d, bi, &bs);
    bs.values[pi] = v->value;
    qc_case *c = qd_case_new(d, "positive", "201-values", QC_EXPECT_TASK, v->pointer,
                             v->summary, "%s", id);
    if (!c || !qd_case_accept(c, d->success))
        return qd_oom(d);
    quo_status st = qd_case_body(d, c, &bs);
    bool valid = false;
    if (st == QUO_OK)
        st = qd_classify(d, c->body, c->body_len, &valid, NULL);
    if (st == QUO_OK && !valid)
        return qd_discard_last(d, "the spec's own validator rejects the body");
    return st == QUO_OK ? qd_task_fields(d, c, d->br[bi].link, false) : st;
}

static quo_status value_negative(deriver *d, size_t bi, size_t pi, const qv_value *v,
                                 const char *id)
{
    body_spec bs;
    qd_body_base(d, bi, &bs);
    bs.values[pi] = v->value;
    char path[300];
    snprintf(path, sizeof path, "/%s", d->props[pi].name);
    const char *off[] = {path};
    return qd_add_negative(d, "400-values", v->pointer, v->summary, &bs, NULL, 0, off, 1, id);
}

/* derive_types already sent this member one value of each JSON type (a
 * type negative of the same JSON type aims at the same thing); what it
 * could not send (1.5 for an integer: its 42 is valid there) is new. */
static bool type_sent(deriver *d, const qv_value *v, const char *what)
{
    if (strcmp(v->keyword, "type") != 0)
        return false;
    char id[400];
    snprintf(id, sizeof id, "400.type.%s.%s", what, quo_json_type_name(v->value));
    return id_taken(d, id);
}

/* Whether an earlier alternative declares member `m` with the same schema. */
static bool covered_before(const deriver *d, size_t bi, const quo_contract_member *m)
{
    for (size_t bj = 0; bj < bi; bj++) {
        const quo_contract_member *o = quo_contract_alt_member(d->br[bj].alt, m->name);
        if (o && o->pointer && cJSON_Compare(o->schema_json, m->schema_json, true))
            return true;
    }
    return false;
}

static quo_status member_values(deriver *d, size_t bi, const quo_contract_member *m)
{
    size_t pi = qd_prop_index(d, m->name);
    if (pi == MAX_PROPS || !m->pointer || !m->schema || covered_before(d, bi, m))
        return QUO_OK;
    const prop *p = &d->props[pi];
    char what[200];
    if (bi == p->home)
        snprintf(what, sizeof what, "%s", m->name);
    else
        snprintf(what, sizeof what, "%s@%s", m->name, d->props[d->links[d->br[bi].link]].name);
    qv_list l;
    qv_list_init(&l);
    quo_status st = generate(d, what, m->schema_json, m->pointer, m->schema, &l);
    for (size_t i = 0; st == QUO_OK && i < l.count; i++) {
        const qv_value *v = &l.items[i];
        bool pos = v->polarity == QV_POSITIVE;
        if (pos && (p->is_link || p->from_fixture))
            continue; /* a generated id names no resource of the target */
        char id[400];
        snprintf(id, sizeof id, "%d.%s.%s.%s", pos ? d->success : 400, v->keyword, what,
                 v->label);
        if (id_taken(d, id) || (!pos && type_sent(d, v, what)))
            continue;
        d->constraint = v->keyword;
        st = pos ? value_positive(d, bi, pi, v, id) : value_negative(d, bi, pi, v, id);
    }
    qv_list_free(&l);
    return st;
}

/* A header parameter's values: string values a client can send. */
static quo_status header_values(deriver *d, const quo_contract_param *p)
{
    if (p->in != QUO_IN_HEADER || !p->schema || !p->schema_json)
        return QUO_OK;
    char *pointer = qd_param_pointer(p);
    if (!pointer)
        return qd_oom(d);
    qv_list l;
    qv_list_init(&l);
    quo_status st = generate(d, p->name, p->schema_json, p->pointer ? p->pointer : pointer,
                             p->schema, &l);
    for (size_t i = 0; st == QUO_OK && i < l.count; i++) {
        const qv_value *v = &l.items[i];
        bool pos = v->polarity == QV_POSITIVE;
        char id[400];
        snprintf(id, sizeof id, "%d.header.%s.%s.%s", pos ? d->success : 400, p->name,
                 v->keyword, v->label);
        if (!cJSON_IsString(v->value) && strcmp(v->keyword, "type") == 0)
            continue; /* every header value is a string: no other type to send */
        if (!cJSON_IsString(v->value) || !qd_header_sendable(v->value->valuestring)) {
            st = discard_id(d, id, "not a value a header can carry");
            continue;
        }
        if (id_taken(d, id))
            continue;
        d->constraint = v->keyword;
        qc_case *c = NULL;
        st = qd_simple_case(d, &c, pos ? "positive" : "validation",
                            pos ? "201-values" : "400-header",
                            pos ? QC_EXPECT_TASK : QC_EXPECT_ERROR, pos ? d->success : 400,
                            v->pointer, v->summary, 0, id);
        if (st == QUO_OK && (!(c->header_name = qc_strdup(p->name)) ||
                             !(c->header_value = qc_strdup(v->value->valuestring))))
            st = qd_oom(d);
    }
    qv_list_free(&l);
    free(pointer);
    return st;
}

quo_status qd_derive_values(deriver *d)
{
    quo_status st = QUO_OK;
    for (size_t bi = 0; st == QUO_OK && bi < d->nbr; bi++)
        for (size_t mi = 0; st == QUO_OK && mi < d->br[bi].alt->member_count; mi++)
            st = member_values(d, bi, &d->br[bi].alt->members[mi]);
    const quo_contract *k = quo_spec_contract(d->spec);
    for (size_t i = 0; st == QUO_OK && i < quo_contract_param_count(k); i++)
        st = header_values(d, quo_contract_param_at(k, i));
    d->constraint = NULL;
    return st;
}
