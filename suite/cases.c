/* suite/cases.c - the case list (cases.h): lifetime, request headers,
 * run order. The derivation itself is derive.c / derive_spec.c. */
#include "quo/array.h"
#include "cases.h"
#include "registry.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *qc_level_name(qc_level level)
{
    return level == QC_MUST ? "MUST" : "SHOULD";
}

void qc_cases_init(qc_case_list *list)
{
    memset(list, 0, sizeof *list);
    qc_strlist_init(&list->discarded);
    qc_strlist_init(&list->required_headers);
}

qc_case *qc_cases_append(qc_case_list *l)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        qc_case *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return NULL;
        l->items = p;
        l->cap = cap;
    }
    qc_case *c = &l->items[l->count];
    memset(c, 0, sizeof *c);
    qc_strlist_init(&c->paths);
    return c;
}

void qc_case_free(qc_case *c)
{
    free(c->id);
    free(c->summary);
    free(c->spec_pointer);
    free(c->content_type);
    free(c->prefer);
    free(c->header_name);
    free(c->header_value);
    free(c->body);
    for (size_t i = 0; i < c->field_count; i++) {
        free(c->fields[i].name);
        free(c->fields[i].value);
    }
    qc_strlist_free(&c->paths);
    free(c->skip);
    free(c->source);
}

void qc_cases_free(qc_case_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        qc_case_free(&list->items[i]);
    free(list->items);
    qc_strlist_free(&list->discarded);
    qc_strlist_free(&list->required_headers);
    free(list->auth_header);
    free(list->auth_scheme);
    free(list->task_member);
    free(list->path);
    free(list->method);
    qc_cases_init(list);
}

/* ---- request rendering ------------------------------------------------ */

bool qc_case_headers(const qc_case_list *list, const qc_case *c, const char *key,
                     const char *forbidden, qc_strlist *out)
{
    const char *name = list->auth_header ? list->auth_header : "Authorization";
    char lower[128];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)name[n]);
    lower[n] = '\0';
    /* The spec's scheme word ("Bearer") precedes the credential; the
     * QC_AUTH_BEARER case is the other spelling: with a raw-key scheme the
     * key behind "Bearer ", with an http scheme the key without its word. */
    const char *sch = list->auth_scheme, *sp = sch ? " " : "";
    if (!sch)
        sch = "";
    bool ok = true;
    switch (c->auth) {
    case QC_AUTH_KEY: ok = qc_strlist_addf(out, "%s: %s%s%s", name, sch, sp, key); break;
    case QC_AUTH_NONE: break;
    case QC_AUTH_EMPTY: ok = qc_strlist_addf(out, "%s;", name); break;
    case QC_AUTH_UNKNOWN:
        ok = qc_strlist_addf(out, "%s: %s%s%s", name, sch, sp, QC_UNKNOWN_KEY);
        break;
    case QC_AUTH_BEARER:
        ok = list->auth_scheme ? qc_strlist_addf(out, "%s: %s", name, key)
                               : qc_strlist_addf(out, "%s: Bearer %s", name, key);
        break;
    case QC_AUTH_FORBIDDEN:
        ok = qc_strlist_addf(out, "%s: %s%s%s", name, sch, sp, forbidden);
        break;
    case QC_AUTH_KEY_LOWER: ok = qc_strlist_addf(out, "%s: %s%s%s", lower, sch, sp, key); break;
    case QC_AUTH_OTHER_SCHEME:
        ok = qc_strlist_addf(out, "%s: %s %s", name,
                             sch[0] && strcasecmp(sch, "Basic") != 0 ? "Basic" : sch[0] ? "Bearer"
                                                                                   : "Basic",
                             key);
        break;
    }
    /* Each required header parameter, with a value unique to the case (an
     * Idempotency-Key must not repeat across different bodies). */
    for (size_t i = 0; ok && i < list->required_headers.count; i++)
        if (!c->header_name || strcasecmp(c->header_name, list->required_headers.items[i]) != 0)
            ok = qc_strlist_addf(out, "%s: qc-%s", list->required_headers.items[i], c->id);
    if (ok && c->header_name && c->header_value)
        ok = c->header_value[0] ? qc_strlist_addf(out, "%s: %s", c->header_name, c->header_value)
                                : qc_strlist_addf(out, "%s;", c->header_name);
    if (ok && c->content_type)
        ok = qc_strlist_addf(out, "Content-Type: %s", c->content_type);
    if (ok && c->prefer)
        ok = qc_strlist_addf(out, "Prefer: %s", c->prefer);
    return ok;
}

bool qc_case_accepts(const qc_case *c, int status)
{
    for (size_t i = 0; i < c->accept_count; i++)
        if (c->accepts[i] == status)
            return true;
    return false;
}

size_t qc_case_rank(const qc_case *c)
{
    const qc_check *row = c->check ? c->check : qc_registry_match(c, NULL);
    return row ? qc_registry_rank(row) : qc_registry_rank_end();
}
