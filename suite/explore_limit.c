/* suite/explore_limit.c - the target's body size limit, learnt while
 * exploring (see explore.h, docs/explore.md "Body sizes").
 *
 * A server may refuse a body larger than it is willing to read: 413, or by
 * closing the connection (RFC 9110 15.5.14). Bodies above its limit teach
 * nothing, bodies just below it are where size bugs live, so the explorer
 * finds the limit by binary search between the largest size that got an
 * answer and the smallest that was refused, and then generates up to it.
 *
 * Rules (the oracle's side of them is in explore.c's probe):
 *   - a 413 is never a finding (qe_judge);
 *   - once the target has answered 413, a closed connection is never a
 *     refusal: its limit speaks with 413, so a reset is a finding as ever;
 *   - until then, a close (reset, empty reply) on a body of QE_LIMIT_CLOSE_MIN bytes or more,
 *     larger than any body answered, is taken as the limit (not a finding);
 *   - a 413 for a body no larger than one already accepted does not move
 *     the limit: the size a server refuses need not be a byte count (it
 *     may count members, or decoded bytes, or depend on load), and RFC 9110
 *     leaves it free to refuse. It is counted for the report (worth a look),
 *     never a finding.
 */
#include "explore.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The search stops after this many sends (a 64 MiB range needs 26). */
#define QE_LIMIT_MAX_PROBES 40u

void qe_limit_init(qe_limit *l, size_t max)
{
    memset(l, 0, sizeof *l);
    l->max = max;
    l->refused = SIZE_MAX;
}

size_t qe_limit_cap(const qe_limit *l)
{
    if (l->refused == SIZE_MAX)
        return l->max;
    /* While the search runs, below the refused size; once done, the
     * largest accepted size is the limit. */
    size_t cap = qe_limit_next(l) ? l->refused - 1 : l->accepted;
    return cap < l->max ? cap : l->max;
}

static bool closed(const qe_answer *a)
{
    return a->status == 0 && !a->timeout && (a->reset || a->empty);
}

bool qe_limit_note(qe_limit *l, size_t size, const qe_answer *a)
{
    bool refusal = false;
    if (a->status == 413) {
        if (!l->seen_413 && l->by_close) {
            /* The limit speaks with 413 after all: the closes were not it. */
            l->by_close = false;
            l->refused = SIZE_MAX;
            l->probes = 0;
        }
        l->seen_413 = true;
        if (size <= l->accepted) {
            if (!l->odd_413 || size < l->odd_413_min)
                l->odd_413_min = size;
            l->odd_413++;
            return true;
        }
        refusal = true;
    } else if (closed(a) && !l->seen_413 && size >= QE_LIMIT_CLOSE_MIN && size > l->accepted) {
        l->by_close = true;
        refusal = true;
    }
    if (refusal) {
        if (size < l->refused)
            l->refused = size;
        return true;
    }
    if (closed(a) && l->by_close && size >= l->refused)
        return true;
    /* Anything else is not the limit (a reset once the target answers 413
     * is a crash, not a refusal): the size is below the limit. */
    if (size > l->accepted) {
        l->accepted = size;
        if (l->refused != SIZE_MAX && l->refused <= size) {
            /* Answered above a refusal: that refusal was not the limit. */
            l->refused = SIZE_MAX;
            l->by_close = false;
        }
    }
    return false;
}

size_t qe_limit_next(const qe_limit *l)
{
    if (l->probes >= QE_LIMIT_MAX_PROBES)
        return 0;
    if (l->refused == SIZE_MAX)
        /* One body of the configured size, early: a limited target's
         * refusal starts the search, an unlimited one has its sizes. */
        return l->probes == 0 && l->accepted < l->max ? l->max : 0;
    if (l->refused - l->accepted <= 1)
        return 0;
    return l->accepted + (l->refused - l->accepted) / 2;
}

bool qe_limit_body(const qe_req *base, size_t size, qe_req *out)
{
    qe_req_init(out);
    if (!qe_req_copy(out, base))
        return false;
    out->framing = 0;
    out->ctype = 0;
    out->op = "body size: the target's limit searched";
    qe_member m = {0};
    if (!qe_member_set(&m, "\"extra\"", 7, QE_V_LONGSTR, 0, 0, NULL, 0) || !qe_req_add(out, &m)) {
        qe_member_free(&m);
        qe_req_free(out);
        return false;
    }
    qe_member_free(&m);
    size_t len;
    char *text = qe_req_render(out, &len);
    free(text);
    if (!text) {
        qe_req_free(out);
        return false;
    }
    out->m[out->nm - 1].n = size > len ? size - len : 0; /* one byte per unit (class 0) */
    return true;
}

/* The sized member whose generator renders the most bytes, or nm. */
static size_t largest(const qe_req *r)
{
    size_t best = r->nm, most = 0;
    for (size_t i = 0; i < r->nm; i++) {
        const qe_member *m = &r->m[i];
        if (m->kind != QE_V_LONGSTR && m->kind != QE_V_NEST && m->kind != QE_V_MANY &&
            m->kind != QE_V_SPLICE && m->kind != QE_V_DIGITS)
            continue;
        size_t bytes = m->n * qe_unit_bytes(m->kind, m->cls);
        if (bytes > most) {
            most = bytes;
            best = i;
        }
    }
    return best;
}

bool qe_fit(qe_req *r, size_t cap, size_t *len, bool *oom)
{
    *oom = false;
    for (int round = 0; round < 6; round++) {
        char *text = qe_req_render(r, len);
        free(text);
        if (!text) {
            *oom = true;
            return false;
        }
        if (*len <= cap)
            return true;
        size_t i = r->raw ? r->nm : largest(r);
        if (i == r->nm || r->m[i].n == 0)
            return false;
        /* Scale the generator by what must go, a little more each round
         * (unit sizes of members are estimates). */
        qe_member *m = &r->m[i];
        size_t over = *len - cap;
        size_t per = qe_unit_bytes(m->kind, m->cls);
        size_t cut = over / per + 1 + (size_t)round * (m->n / 64);
        m->n = cut >= m->n ? 0 : m->n - cut;
    }
    return false;
}

void qe_limit_describe(const qe_limit *l, char *out, size_t outsz)
{
    int w;
    if (l->refused == SIZE_MAX)
        w = snprintf(out, outsz,
                     "body limit: none seen (bodies up to %zu bytes sent, the largest answered "
                     "%zu bytes)", l->max, l->accepted);
    else
        w = snprintf(out, outsz,
                     "body limit: learnt %zu bytes (%s from %zu bytes on; %u search sends%s)",
                     l->accepted, l->by_close ? "the connection closed" : "413",
                     l->refused, l->probes,
                     qe_limit_next(l) || l->refused - l->accepted > 1 ? ", search unfinished"
                                                                       : "");
    if (w > 0 && (size_t)w < outsz && l->odd_413)
        snprintf(out + w, outsz - (size_t)w,
                 "; %zu 413 answers for bodies no larger than one accepted before (smallest "
                 "%zu bytes): the limit is not a plain byte count, worth a look, not a finding",
                 l->odd_413, l->odd_413_min);
}
