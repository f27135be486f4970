/* suite/explore_min.c - shrinks a finding's request while it still gives
 * the same signature: the member tree first (members dropped, generator
 * sizes halved, then bisected where halving overshoots a threshold, string
 * prefixes dropped, framing undone), then the bytes
 * (chunks deleted, halving the chunk size: a coarse ddmin). Every try is
 * a real send, so both phases stop at the try budget and the deadline. */
#include "explore.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct mctx {
    qe_still_fn still;
    void *ctx;
    size_t tries, max_tries;
    double deadline;
} mctx;

static bool budget(const mctx *m)
{
    return m->tries < m->max_tries && now() < m->deadline;
}

/* Tries cand; on success it replaces *r. */
static bool attempt(mctx *m, qe_req *r, qe_req *cand)
{
    if (!budget(m)) {
        qe_req_free(cand);
        return false;
    }
    m->tries++;
    if (m->still(m->ctx, cand)) {
        qe_req_free(r);
        *r = *cand;
        return true;
    }
    qe_req_free(cand);
    return false;
}

static void drop_members(mctx *m, qe_req *r)
{
    for (size_t i = r->nm; i-- > 0 && budget(m);) {
        qe_req c;
        if (!qe_req_copy(&c, r))
            return;
        qe_req_remove(&c, i);
        attempt(m, r, &c);
    }
}

/* Halving overshot a threshold (n/2 does not reproduce, n does): bisect
 * between them, to within 1/256 of n (a size bug's reproducer then sits
 * just over the server's threshold). */
static void bisect_size(mctx *m, qe_req *r, size_t i)
{
    size_t lo = r->m[i].n / 2, hi = r->m[i].n;
    while (hi - lo > 1 && hi - lo > hi / 256 && budget(m)) {
        size_t mid = lo + (hi - lo) / 2;
        qe_req c;
        if (!qe_req_copy(&c, r))
            return;
        c.m[i].n = mid;
        if (attempt(m, r, &c))
            hi = mid;
        else
            lo = mid;
    }
}

static void shrink_sizes(mctx *m, qe_req *r)
{
    for (size_t i = 0; i < r->nm && budget(m); i++) {
        /* Class 0 is the shortest spelling of nesting and long strings
         * ("[" and "a"): try it first, if it still breaks the server. */
        if ((r->m[i].kind == QE_V_NEST || r->m[i].kind == QE_V_LONGSTR) && r->m[i].cls) {
            qe_req c;
            if (!qe_req_copy(&c, r))
                return;
            c.m[i].cls = 0;
            attempt(m, r, &c);
        }
        while (r->m[i].n > 1 && budget(m)) {
            qe_req c;
            if (!qe_req_copy(&c, r))
                return;
            c.m[i].n /= 2;
            if (!attempt(m, r, &c)) {
                bisect_size(m, r, i);
                break;
            }
        }
        if ((r->m[i].kind == QE_V_SPECIAL || r->m[i].kind == QE_V_LONGSTR) && r->m[i].raw_len &&
            budget(m)) {
            qe_req c;
            if (!qe_req_copy(&c, r))
                return;
            c.m[i].raw_len = 0;
            c.m[i].raw[0] = '\0';
            attempt(m, r, &c);
        }
    }
}

static void undo_framing(mctx *m, qe_req *r)
{
    size_t nf;
    const qe_framing *f = qe_framings(&nf);
    for (size_t k = 0; k < nf && budget(m); k++) {
        if (!(r->framing & f[k].bit))
            continue;
        qe_req c;
        if (!qe_req_copy(&c, r))
            return;
        c.framing &= ~f[k].bit;
        attempt(m, r, &c);
    }
    if (r->ctype && budget(m)) {
        qe_req c;
        if (!qe_req_copy(&c, r))
            return;
        c.ctype = 0;
        attempt(m, r, &c);
    }
}

/* Chunk deletion over the bytes; only for bodies small enough that it can
 * get somewhere within the budget. */
static void shrink_bytes(mctx *m, qe_req *r)
{
    if (!r->raw) {
        size_t len;
        char *text = qe_req_render(r, &len);
        free(text);
        if (!text || len > 64u * 1024u)
            return;
        qe_req c;
        if (!qe_req_copy(&c, r) || !qe_req_to_raw(&c)) {
            qe_req_free(&c);
            return;
        }
        qe_req_free(r);
        *r = c;
    }

    for (size_t chunk = r->raw_len / 2; chunk >= 1 && budget(m); chunk /= 2) {
        for (size_t at = 0; at + chunk <= r->raw_len && budget(m);) {
            qe_req c;
            if (!qe_req_copy(&c, r))
                return;
            /* Deleting bytes may cut into a resource id: 403/404 are fine
             * then, so a finding that needs the ids intact keeps them. */
            c.ids_touched = true;
            memmove(c.raw + at, c.raw + at + chunk, c.raw_len - at - chunk + 1);
            c.raw_len -= chunk;
            if (!attempt(m, r, &c))
                at += chunk;
        }
        if (chunk == 1)
            break;
    }
}

size_t qe_minimise(qe_req *r, qe_still_fn still, void *ctx, size_t max_tries, double deadline)
{
    mctx m = {.still = still, .ctx = ctx, .max_tries = max_tries, .deadline = deadline};
    if (!r->raw) {
        drop_members(&m, r);
        shrink_sizes(&m, r);
    }
    undo_framing(&m, r);
    shrink_bytes(&m, r);
    return m.tries;
}
