/* suite/budget.c - see budget.h. */
#include "budget.h"

#include <stdlib.h>
#include <string.h>

typedef struct ranked {
    size_t ci;     /* the request's case */
    unsigned level;
    unsigned tier; /* 0: first of its (row, schema); 1: the rest */
    size_t rank;   /* run order */
} ranked;

static int by_importance(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    if (x->tier != y->tier)
        return x->tier < y->tier ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->ci < y->ci ? -1 : x->ci > y->ci;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Does an earlier request share c's (row, constraint, schema)? */
static bool seen_before(const qc_case_list *cases, const bool *need, size_t ci)
{
    const qc_case *c = &cases->items[ci];
    for (size_t j = 0; j < ci; j++) {
        const qc_case *o = &cases->items[j];
        if (need[j] && qc_case_rank(o) == qc_case_rank(c) && same_text(o->constraint, c->constraint) &&
            same_text(o->spec_pointer, c->spec_pointer))
            return true;
    }
    return false;
}

size_t *qc_budget_order(const qc_case_list *cases, const bool *selected, size_t *n)
{
    size_t count = cases->count;
    bool *need = calloc(count ? count : 1, sizeof *need);
    ranked *r = malloc((count ? count : 1) * sizeof *r);
    size_t *out = malloc((count ? count : 1) * sizeof *out);
    if (!need || !r || !out) {
        free(need);
        free(r);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const qc_case *c = &cases->items[i];
        if ((!selected || selected[i]) && !c->skip && c->exchange < count)
            need[c->exchange] = true;
    }
    size_t m = 0;
    for (size_t i = 0; i < count; i++) {
        if (!need[i])
            continue;
        const qc_case *c = &cases->items[i];
        r[m].ci = i;
        r[m].level = c->level == QC_MUST ? 0 : 1;
        r[m].tier = seen_before(cases, need, i) ? 1 : 0;
        r[m].rank = qc_case_rank(c);
        m++;
    }
    qsort(r, m, sizeof *r, by_importance);
    for (size_t k = 0; k < m; k++)
        out[k] = r[k].ci;
    *n = m;
    free(need);
    free(r);
    return out;
}

bool qc_budget_cut(const qc_case_list *cases, const bool *selected, size_t max, bool *cut,
                   size_t *requests, size_t *left_out)
{
    size_t n = 0;
    size_t *order = qc_budget_order(cases, selected, &n);
    if (!order)
        return false;
    bool *kept = calloc(cases->count ? cases->count : 1, sizeof *kept);
    if (!kept) {
        free(order);
        return false;
    }
    size_t keep = max && max < n ? max : n;
    for (size_t k = 0; k < keep; k++)
        kept[order[k]] = true;
    for (size_t i = 0; i < cases->count; i++) {
        const qc_case *c = &cases->items[i];
        cut[i] = (!selected || selected[i]) && !c->skip && c->exchange < cases->count &&
                 !kept[c->exchange];
    }
    *requests = keep;
    *left_out = n - keep;
    free(kept);
    free(order);
    return true;
}
