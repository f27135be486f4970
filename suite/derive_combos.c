/* suite/derive_combos.c - cases from how members and alternatives combine:
 * every pair of optional members (where derive.c does not already send
 * every subset), a body two oneOf alternatives accept, and a member of
 * another alternative where an alternative is closed. Steps of
 * qc_cases_derive (derive.h). */
#include "derive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/schema.h"

/* The optional members of branch bi, as derive_positives counts them. */
static size_t optionals(const deriver *d, size_t bi, size_t *opt)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nprops; i++) {
        const prop *p = &d->props[i];
        if (qd_declares(&d->br[bi], p->name) && !qd_is_required(&d->br[bi], p->name) &&
            !p->is_link)
            opt[n++] = i;
    }
    return n;
}

/* Above MAX_SUBSET_OPTIONALS the positives are each optional alone and all
 * together; this adds every pair, so each two optionals meet once. */
quo_status qd_derive_pairs(deriver *d)
{
    d->constraint = "properties";
    for (size_t bi = 0; bi < d->nbr; bi++) {
        size_t opt[MAX_PROPS];
        size_t nopt = optionals(d, bi, opt);
        if (nopt <= MAX_SUBSET_OPTIONALS)
            continue; /* every subset is already sent */
        for (size_t a = 0; a < nopt; a++)
            for (size_t b = a + 1; b < nopt; b++) {
                quo_status st = qd_add_positive(d, bi, opt, nopt, (1u << a) | (1u << b));
                if (st != QUO_OK)
                    return st;
            }
    }
    return QUO_OK;
}

/* Whether the rendered body is valid for every part of alternative ai. */
static bool alt_accepts(const deriver *d, size_t ai, const cJSON *body)
{
    const quo_contract_alt *alt = d->br[ai].alt;
    for (size_t i = 0; i < alt->part_count; i++)
        if (!quo_schema_is_valid(alt->parts[i], body, NULL))
            return false;
    return alt->part_count > 0;
}

/* With oneOf, a body that two alternatives accept must be refused: the
 * union of two alternatives' minimal bodies, where both accept it. When
 * every pair is closed to the other's members no such body exists; that
 * is listed, not made up. */
quo_status qd_derive_oneof(deriver *d)
{
    if (!d->combiner || strcmp(d->combiner, "oneOf") != 0)
        return QUO_OK;
    d->constraint = "oneOf";
    bool any = false;
    for (size_t a = 0; a < d->nbr; a++)
        for (size_t b = a + 1; b < d->nbr; b++) {
            body_spec bs, other;
            qd_body_base(d, a, &bs);
            qd_body_base(d, b, &other);
            for (size_t i = 0; i < d->nprops; i++)
                if (!bs.values[i])
                    bs.values[i] = other.values[i];
            size_t len = 0;
            char *text = qd_body_render(d, &bs, "400.oneOf", &len);
            cJSON *body = text ? cJSON_Parse(text) : NULL;
            bool both = body && alt_accepts(d, a, body) && alt_accepts(d, b, body);
            cJSON_Delete(body);
            free(text);
            if (!text)
                return qd_oom(d);
            if (!both)
                continue;
            any = true;
            const prop *la = &d->props[d->links[d->br[a].link]];
            const prop *lb = &d->props[d->links[d->br[b].link]];
            char summary[300];
            snprintf(summary, sizeof summary, "a body both the %s and the %s alternatives accept "
                     "(oneOf: exactly one)", la->name, lb->name);
            const char *off[] = {""};
            quo_status st = qd_add_negative(d, "400-combiner", d->combiner_ptr, summary, &bs,
                                            NULL, 0, off, 1,
                                            qd_idf(d, "400.oneOf.two.%s+%s", la->name, lb->name));
            if (st != QUO_OK)
                return st;
        }
    if (!any && d->nbr > 1 &&
        !qc_strlist_add(&d->out->discarded, "400.oneOf.two.*: no two alternatives accept one "
                                            "body (each is closed to the other's members)"))
        return qd_oom(d);
    return QUO_OK;
}

/* Where an alternative is closed (additionalProperties: false), each
 * member only other alternatives declare (link ids aside: 400-links sends
 * those) and, for alternatives after the first (400-unknown covers that
 * one), an unknown member. */
quo_status qd_derive_closed(deriver *d)
{
    d->constraint = "additionalProperties";
    static const char unknown[] = "quoConformanceExtra";
    cJSON *extra = cJSON_CreateString("quo-conformance");
    if (!extra)
        return qd_oom(d);
    quo_status st = QUO_OK;
    for (size_t bi = 0; st == QUO_OK && bi < d->nbr; bi++) {
        if (!d->br[bi].alt->closed)
            continue;
        const prop *link = &d->props[d->links[d->br[bi].link]];
        char *ptr = qd_ptr_join(d->br[bi].pointer, "additionalProperties");
        if (!ptr) {
            st = qd_oom(d);
            break;
        }
        for (size_t i = 0; st == QUO_OK && i <= d->nprops; i++) {
            const char *name;
            body_spec bs;
            qd_body_base(d, bi, &bs);
            if (i < d->nprops) {
                const prop *p = &d->props[i];
                if (p->is_link || qd_declares(&d->br[bi], p->name) || !p->valid)
                    continue;
                name = p->name;
                bs.values[i] = p->valid;
            } else {
                if (bi == 0 || qd_prop_index(d, unknown) != MAX_PROPS)
                    continue;
                name = unknown;
                bs.extra_name = unknown;
                bs.extra_value = extra;
            }
            char path[200], summary[300];
            snprintf(path, sizeof path, "/%s", name);
            snprintf(summary, sizeof summary, "%s, which the %s alternative does not declare "
                     "(it is closed)", name, link->name);
            const char *off[] = {path, ""};
            st = qd_add_negative(d, "400-closed", ptr, summary, &bs, NULL, 0, off, 2,
                                 qd_idf(d, "400.closed.%s.%s", link->name, name));
        }
        free(ptr);
    }
    cJSON_Delete(extra);
    return st;
}
