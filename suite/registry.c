/* suite/registry.c - the check table (registry.h). The one place where a
 * check's suite, TCase, level and the reason for that level are decided. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "checks.h"
#include "text.h"

#define ROWX(comp, idglob, su, tc, lvl, spec, src, der, jud, needs, sk)                       \
    {.id = idglob, .suite = su, .tcase = tc, .level = lvl, .from_spec = spec, .source = src,  \
     .derive = der, .derive_name = #der, .judge = jud, .judge_name = #jud, .companion = comp,  \
     .skip_needs = needs, .skip = sk}
/* A primary check (its cases send requests), and a companion (its cases
 * judge another case's response). */
#define ROW(...) ROWX(false, __VA_ARGS__)
#define COMPANION(...) ROWX(true, __VA_ARGS__)

/* Levels (docs/conformance.md "Levels and their sources" gives the
 * reasoning): MUST only where the spec or an RFC says so. */
static const qc_check rows[] = {
    ROW("2??.*", "positive", "201", QC_MUST, true,
        "a body the request schema accepts gets the documented 2xx, whose schema it must match",
        derive_positives, qc_judge_task, QC_NEEDS_NOTHING, NULL),
    COMPANION("2??.*.echo", "positive", "201-echo", QC_SHOULD, true,
        "the 2xx schema does not require the link ids, so echoing them is not a MUST",
        derive_positives, qc_judge_echo, QC_NEEDS_NOTHING, NULL),
    ROW("400.required.*", "validation", "400-required", QC_MUST, true,
        "a required member is missing: the schema rejects the body, the spec documents 400",
        derive_required, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.type.*", "validation", "400-type", QC_MUST, true,
        "a member of another type: the schema rejects the body, the spec documents 400",
        derive_types, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.pattern.*", "validation", "400-pattern", QC_MUST, true,
        "a string outside its pattern: the schema rejects the body, the spec documents 400",
        derive_patterns, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.links.*", "validation", "400-links", QC_MUST, true,
        "not exactly one link id: no alternative of the schema accepts the body",
        derive_links, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.unknown-property", "validation", "400-unknown", QC_MUST, true,
        "additionalProperties is false: the schema rejects an unknown member",
        derive_unknown, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.format.*", "validation", "400-format", QC_MUST, true,
        "RFC 3339 section 5.6 date-time, which the schema's format names, is broken",
        derive_formats, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.body.not-*", "validation", "400-body", QC_MUST, true,
        "RFC 8259 section 2: not a JSON text (or not the object the schema requires)",
        derive_bodies, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.body.empty", "validation", "400-body", QC_MUST, true,
        "the request body is required (requestBody.required) and the empty string is not JSON",
        derive_bodies, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.body.duplicate-name", "validation", "400-body", QC_SHOULD, false,
        "RFC 8259 section 4: names SHOULD be unique; RFC 7493 (I-JSON) section 2.3's MUST NOT "
        "binds only protocols that adopt I-JSON, and the spec does not",
        derive_bodies, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    COMPANION("400.*.errors-path", "validation", "400-errors-path", QC_SHOULD, true,
        "the 400 schema makes errors[] and its path optional",
        NULL /* made with each 400 that knows its offending path */, qc_judge_errors_path,
        QC_NEEDS_NOTHING, NULL),
    ROW("401.*", "auth", "401", QC_MUST, true,
        "the operation's security scheme requires a known key; the spec documents 401",
        derive_auth, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("401.bearer", "auth", "401-bearer", QC_SHOULD, true,
        "the scheme takes the raw key; a server that also takes \"Bearer <key>\" is lenient, "
        "which no MUST forbids",
        derive_auth, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("403.*", "auth", "403", QC_MUST, true,
        "a valid key without access to the linked resource; the spec documents 403",
        derive_auth, qc_judge_error, QC_NEEDS_FORBIDDEN,
        "no forbidden.apiKey in the config"),
    ROW("404.*", "resources", "404", QC_MUST, true,
        "the link id names the resource the task is about; the spec documents 404",
        derive_not_found, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("404.*", "resources", "404-reference", QC_SHOULD, true,
        "the spec documents 404 but does not say that other references are looked up",
        derive_not_found, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("5??.prefer", "faults", "500", QC_MUST, true,
        "the documented 5xx, asked for with Prefer: code=NNN (RFC 7240) where the target "
        "promises to honour it",
        derive_faults, qc_judge_error, QC_NEEDS_FAULTS,
        "faults is \"none\": the target does not promise to honour Prefer: code=500"),
    ROW("http.header-name-case", "protocol", "headers", QC_MUST, false,
        "RFC 9110 section 5.1: field names are case-insensitive (HTTP/2 and HTTP/3 send them "
        "in lower case, RFC 9113 section 8.2.1)",
        derive_protocol, qc_judge_task, QC_NEEDS_NOTHING, NULL),
    ROW("http.content-type-charset", "protocol", "headers", QC_SHOULD, false,
        "RFC 8259 section 11: application/json defines no charset parameter and adding one has "
        "no effect on compliant recipients; RFC 9110 section 8.3.1: parameters",
        derive_protocol, qc_judge_task, QC_NEEDS_NOTHING, NULL),
    ROW("http.405-allow", "protocol", "405", QC_MUST, false,
        "RFC 9110 section 15.5.6: the origin server MUST generate an Allow header field in a "
        "405 response (whether to answer 405 is the server's choice: otherwise skipped)",
        derive_protocol, qc_judge_allow, QC_NEEDS_NOTHING, NULL),
    /* The coverage phase (docs/coverage.md): after the rows above, so their
     * steps run last and never take an id an earlier step makes. */
    ROW("400.*", "validation", "400-combiner", QC_MUST, true,
        "oneOf: a body that more than one alternative accepts is rejected by the schema",
        qd_derive_oneof, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.closed.*", "validation", "400-closed", QC_MUST, true,
        "the alternative is closed (additionalProperties false): another alternative's member "
        "is rejected",
        qd_derive_closed, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("400.header.*", "validation", "400-header", QC_MUST, true,
        "a required header parameter is missing, or its value breaks the parameter's schema",
        qd_derive_headers, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("401.other-scheme", "auth", "401-scheme", QC_MUST, true,
        "the security scheme names its scheme word (RFC 9110 section 11.1); the key under "
        "another scheme is not a credential of this scheme",
        qd_derive_auth_scheme, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("401.scheme-word", "auth", "401-scheme", QC_SHOULD, true,
        "the scheme takes the raw key; a server that also takes it after a scheme word is "
        "lenient, which no MUST forbids",
        qd_derive_auth_scheme, qc_judge_error, QC_NEEDS_NOTHING, NULL),
    ROW("2??.*", "positive", "201-values", QC_MUST, true,
        "a member (or header) holds a value its schema accepts: at a limit, of each allowed "
        "type, an enum value, a sample of its pattern or format",
        qd_derive_values, qc_judge_task, QC_NEEDS_NOTHING, NULL),
    ROW("400.*", "validation", "400-values", QC_MUST, true,
        "a member holds a value that breaks exactly one keyword of its schema",
        qd_derive_values, qc_judge_error, QC_NEEDS_NOTHING, NULL),
};

const qc_check *qc_registry_rows(size_t *count)
{
    *count = QUO_ARRAY_SIZE(rows);
    return rows;
}

size_t qc_registry_index(const qc_check *row)
{
    return (size_t)(row - rows);
}

const qc_check *qc_registry_match(const qc_case *c, bool *ambiguous)
{
    const qc_check *hit = NULL;
    if (ambiguous)
        *ambiguous = false;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        if (strcmp(rows[i].tcase, c->tcase) != 0 || strcmp(rows[i].suite, c->suite) != 0 ||
            !qc_glob_match(rows[i].id, c->id))
            continue;
        if (hit) {
            if (ambiguous)
                *ambiguous = true;
            return NULL;
        }
        hit = &rows[i];
    }
    return hit;
}

size_t qc_registry_rank(const qc_check *row)
{
    size_t n = QUO_ARRAY_SIZE(rows), i = qc_registry_index(row), first = i;
    for (size_t j = 0; j < i && first == i; j++)
        if (strcmp(rows[j].suite, row->suite) == 0)
            first = j;
    return (first * 2 + (row->companion ? 1 : 0)) * n + i;
}

size_t qc_registry_rank_end(void)
{
    size_t n = QUO_ARRAY_SIZE(rows);
    return 2 * n * n;
}

qc_derive_fn qc_registry_step(size_t k)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        bool first = rows[i].derive != NULL;
        for (size_t j = 0; j < i && first; j++)
            first = rows[j].derive != rows[i].derive;
        if (first && k-- == 0)
            return rows[i].derive;
    }
    return NULL;
}

/* "spec <pointer>; <why>" for rows the spec decides, else the row's words. */
static char *case_source(const qc_case *c, const qc_check *row)
{
    if (!c->constraint && !row->from_spec)
        return qc_strdup(row->source);
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_printf(&b, "spec %s", c->spec_pointer && *c->spec_pointer ? c->spec_pointer : "/");
    if (c->constraint)
        quo_buf_printf(&b, " (%s)", c->constraint);
    else
        quo_buf_printf(&b, ": %s", row->source);
    return quo_buf_take(&b, NULL);
}

static bool needs_met(qc_needs needs, const qc_derive_input *in)
{
    switch (needs) {
    case QC_NEEDS_NOTHING: return true;
    case QC_NEEDS_FORBIDDEN: return in->have_forbidden;
    case QC_NEEDS_FAULTS: return in->faults_prefer;
    }
    return true;
}

quo_status qc_registry_assign(qc_case_list *cases, const qc_derive_input *in, quo_error *err)
{
    for (size_t i = 0; i < cases->count; i++) {
        qc_case *c = &cases->items[i];
        bool ambiguous = false;
        const qc_check *row = qc_registry_match(c, &ambiguous);
        if (!row)
            return quo_error_set(err, QUO_ESPEC, 0,
                                 "case %s (%s/%s) matches %s row of the check registry "
                                 "(suite/registry.c)",
                                 c->id, c->suite, c->tcase, ambiguous ? "more than one" : "no");
        free(c->source);
        c->source = case_source(c, row);
        if (!c->source)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        c->check = row;
        c->level = row->level;
        if (!c->skip && !needs_met(row->skip_needs, in) && !(c->skip = qc_strdup(row->skip)))
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    return QUO_OK;
}

/* A table cell: '|' would end the cell. */
static void cell(quo_buf *b, const char *s)
{
    quo_buf_puts(b, " ");
    for (; s && *s; s++) {
        if (*s == '|')
            quo_buf_puts(b, "\\|");
        else
            quo_buf_putc(b, *s);
    }
    quo_buf_puts(b, " |");
}

void qc_registry_markdown(quo_buf *b)
{
    quo_buf_puts(b, "| Case ids | Suite / TCase | Level | Source | Derived by | Judged by | "
                    "Skipped when |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        const qc_check *r = &rows[i];
        char id[96], where[96], src[600];
        snprintf(id, sizeof id, "`%s`", r->id);
        snprintf(where, sizeof where, "%s / %s", r->suite, r->tcase);
        snprintf(src, sizeof src, "%s%s", r->from_spec ? "spec (the case's pointer): " : "",
                 r->source);
        quo_buf_puts(b, "|");
        cell(b, id);
        cell(b, where);
        cell(b, qc_level_name(r->level));
        cell(b, src);
        cell(b, r->derive ? r->derive_name : "its primary's step");
        cell(b, r->judge_name);
        cell(b, r->skip_needs == QC_NEEDS_FORBIDDEN ? "no forbidden key"
                : r->skip_needs == QC_NEEDS_FAULTS ? "no Prefer faults" : "");
        quo_buf_puts(b, "\n");
    }
}
