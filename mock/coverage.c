/* coverage.c - the items a client can exercise, read from the spec. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "quo/array.h"
#include "quo/contract.h"
#include "quo/json.h"

#include "coverage.h"

struct mock_coverage {
    char *names[MOCK_COV_KINDS][MOCK_COV_MAX];
    size_t count[MOCK_COV_KINDS];
    int status[MOCK_COV_MAX];
};

static int find_name(const mock_coverage *m, mock_cov_kind k, const char *s, size_t n)
{
    for (size_t i = 0; i < m->count[k]; i++)
        if (strlen(m->names[k][i]) == n && memcmp(m->names[k][i], s, n) == 0)
            return (int)i;
    return -1;
}

static bool add_name(mock_coverage *m, mock_cov_kind k, const char *s)
{
    if (find_name(m, k, s, strlen(s)) >= 0 || m->count[k] == MOCK_COV_MAX)
        return true;
    char *p = strdup(s);
    if (!p)
        return false;
    m->names[k][m->count[k]++] = p;
    return true;
}

/* The optional members of every request alternative (the contract's
 * analysis: $ref, allOf and the combinators already flattened): not
 * required there, and not a link id. */
static bool add_members(mock_coverage *m, const quo_spec *spec)
{
    const quo_contract *k = quo_spec_contract(spec);
    for (size_t a = 0; a < quo_contract_alt_count(k); a++) {
        const quo_contract_alt *alt = quo_contract_alt_at(k, a);
        for (size_t i = 0; i < alt->member_count; i++) {
            const quo_contract_member *mb = &alt->members[i];
            if (mb->required ||
                quo_contract_link_find(k, mb->name, mb->name_len) != QUO_CONTRACT_NONE)
                continue;
            if (!add_name(m, MOCK_COV_MEMBER, mb->name))
                return false;
        }
    }
    return true;
}

quo_status mock_coverage_new(const quo_spec *spec, mock_coverage **out, quo_error *err)
{
    *out = NULL;
    mock_coverage *m = calloc(1, sizeof *m);
    if (!m)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    bool ok = true;
    for (size_t i = 0; ok && i < quo_spec_link_count(spec); i++)
        ok = add_name(m, MOCK_COV_SHAPE, quo_spec_link_name(spec, i));
    ok = ok && add_members(m, spec);
    for (size_t i = 0; ok && i < quo_spec_status_count(spec) && i < MOCK_COV_MAX; i++) {
        char s[16];
        snprintf(s, sizeof s, "%d", quo_spec_status_at(spec, i));
        m->status[m->count[MOCK_COV_STATUS]] = quo_spec_status_at(spec, i);
        ok = add_name(m, MOCK_COV_STATUS, s);
    }
    if (!ok) {
        mock_coverage_free(m);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    *out = m;
    return QUO_OK;
}

void mock_coverage_free(mock_coverage *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < MOCK_COV_KINDS; k++)
        for (size_t i = 0; i < m->count[k]; i++)
            free(m->names[k][i]);
    free(m);
}

size_t mock_coverage_count(const mock_coverage *m, mock_cov_kind kind)
{
    return m->count[kind];
}

const char *mock_coverage_name(const mock_coverage *m, mock_cov_kind kind, size_t i)
{
    return i < m->count[kind] ? m->names[kind][i] : "";
}

const char *mock_coverage_kind_name(mock_cov_kind kind)
{
    static const char *const names[] = {"shape", "member", "status"};
    return kind < MOCK_COV_KINDS ? names[kind] : "?";
}

int mock_coverage_find(const mock_coverage *m, const char *item, size_t len,
                       mock_cov_kind *kind, size_t *i)
{
    const char *colon = memchr(item, ':', len);
    if (!colon)
        return -1;
    size_t klen = (size_t)(colon - item);
    for (int k = 0; k < MOCK_COV_KINDS; k++) {
        const char *kn = mock_coverage_kind_name((mock_cov_kind)k);
        if (strlen(kn) != klen || memcmp(kn, item, klen) != 0)
            continue;
        int at = find_name(m, (mock_cov_kind)k, colon + 1, len - klen - 1);
        if (at < 0)
            return -1;
        *kind = (mock_cov_kind)k;
        *i = (size_t)at;
        return 0;
    }
    return -1;
}

void mock_coverage_observe_status(const mock_coverage *m, int status, mock_cov_bits *out)
{
    for (size_t i = 0; i < m->count[MOCK_COV_STATUS]; i++)
        if (m->status[i] == status)
            out->bits[MOCK_COV_STATUS] |= 1u << i;
}

void mock_coverage_observe_body(const mock_coverage *m, const quo_json_doc *doc,
                                mock_cov_bits *out)
{
    const cJSON *root = doc ? quo_json_root(doc) : NULL;
    if (!cJSON_IsObject(root))
        return;
    for (int k = MOCK_COV_SHAPE; k <= MOCK_COV_MEMBER; k++)
        for (size_t i = 0; i < m->count[k]; i++)
            if (quo_json_member(doc, root, m->names[k][i]))
                out->bits[k] |= 1u << i;
}
