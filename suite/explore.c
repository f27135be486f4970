/* suite/explore.c - the exploration loop, its findings and --replay.
 *
 * Loop: pick a request from the pool (seeds first: the derived cases),
 * mutate it one to three times, send it, judge it (explore_oracle.c). A
 * request whose answer has a shape not seen before (status, media type,
 * error paths and message shape, schema outcome, latency class) joins the
 * pool: the server's answers steer the generation. A finding is filed
 * under its signature; the first request of each signature is kept.
 * When the time is up each finding is minimised (explore_min.c), re-sent
 * once, saved as a request file and turned into a failed MUST case.
 * Body sizes: up to --explore-max-body, then up to the target's limit
 * once its 413s have taught it (explore_limit.c): the search's sends go
 * first whenever it wants one.
 */
#include "explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "quo/quo.h"

#define QE_POOL_MAX 512
#define QE_SEEN_MAX 8192          /* feedback keys remembered (a power of two) */
#define QE_MAX_FINDINGS 32
#define QE_MIN_TRIES 200          /* sends per minimisation */
#define QE_DEAD_AFTER 10          /* connection failures in a row: the target is gone */
/* The pool's memory bound: tree-form entries are small (a generator is its
 * size, not its bytes); byte-form ones join only up to this size. */
#define QE_POOL_RAW_MAX (64u * 1024u)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct finding {
    char signature[160];
    char detail[512];
    qe_req req;
    qe_expect expect;
    double t_found;     /* seconds into the exploration */
    size_t hits;
    size_t first_len, min_len, tries;
    const char *first_op;
    bool confirmed;
    qe_answer answer;   /* of the confirming send */
} finding;

typedef struct explorer {
    const qe_setup *s;
    const char *media;
    qe_sender *sender;
    qe_req *pool;
    size_t npool, nseeds;
    size_t *valid;      /* pool indices of the seeds the library accepts */
    size_t nvalid;
    size_t near;        /* a near-valid seed (rejected, string first member), or npool */
    size_t sweep;       /* the next sweep step (qe_sweep) */
    bool swept;
    uint64_t *seen;
    size_t nseen;
    finding fd[QE_MAX_FINDINGS];
    size_t nfd;
    qc_strlist *created;
    size_t requests;
    qe_limit limit;
    bool learn;         /* answers teach the limit (not in --replay) */
    bool oom;
    char sig_wanted[160];
} explorer;

void qe_findings_init(qe_findings *f)
{
    memset(f, 0, sizeof *f);
}

void qe_findings_free(qe_findings *f)
{
    for (size_t i = 0; i < f->extra; i++) {
        qc_strlist_free(&f->failures[i]);
        free(f->reasons[i]);
        qc_exchange_free(&f->exchanges[i]);
    }
    free(f->failures);
    free(f->reasons);
    free(f->exchanges);
    free(f->results);
    qe_findings_init(f);
}

static bool seen_add(explorer *e, uint64_t key)
{
    key |= 1; /* 0 marks an empty slot */
    size_t mask = QE_SEEN_MAX - 1;
    for (size_t i = (size_t)key & mask, k = 0; k < QE_SEEN_MAX; k++, i = (i + 1) & mask) {
        if (e->seen[i] == key)
            return false;
        if (!e->seen[i]) {
            if (e->nseen * 4 >= QE_SEEN_MAX * 3)
                return false; /* full: nothing is new any more */
            e->seen[i] = key;
            e->nseen++;
            return true;
        }
    }
    return false;
}

/* One send and its verdict; 2xx answers land in the created list. */
static quo_status probe(explorer *e, const qe_req *r, qe_answer *a, qe_verdict *v,
                        size_t *body_len)
{
    memset(a, 0, sizeof *a);
    memset(v, 0, sizeof *v);
    size_t len = 0;
    char *body = qe_req_render(r, &len);
    if (!body)
        return QUO_ENOMEM;
    quo_status st = qe_send(e->sender, r, e->media, a);
    if (st == QUO_OK)
        st = qe_judge(e->s->spec, r, body, len, a, v);
    free(body);
    /* The target's limit speaking (a 413, or a close over a limit it
     * enforces by closing) is not a finding. */
    if (st == QUO_OK && e->learn && qe_limit_note(&e->limit, len, a))
        v->finding = false;
    if (body_len)
        *body_len = len;
    e->requests++;
    if (st == QUO_OK && a->status / 100 == 2) {
        bool ok = v->task_id ? qc_strlist_add(e->created, v->task_id)
                             : qc_strlist_addf(e->created,
                                               "(a %d without a task id: explore request %zu)",
                                               a->status, e->requests);
        if (!ok)
            st = QUO_ENOMEM;
    }
    return st;
}

static void file_finding(explorer *e, const qe_req *r, const qe_verdict *v, double t,
                         size_t len)
{
    for (size_t i = 0; i < e->nfd; i++)
        if (strcmp(e->fd[i].signature, v->signature) == 0) {
            e->fd[i].hits++;
            return;
        }
    if (e->nfd == QE_MAX_FINDINGS)
        return;
    finding *f = &e->fd[e->nfd];
    memset(f, 0, sizeof *f);
    if (!qe_req_copy(&f->req, r)) {
        e->oom = true;
        return;
    }
    snprintf(f->signature, sizeof f->signature, "%s", v->signature);
    snprintf(f->detail, sizeof f->detail, "%s", v->detail);
    f->expect = v->expect;
    f->t_found = t;
    f->hits = 1;
    f->first_len = len;
    f->first_op = r->op;
    e->nfd++;
    printf("quo-conformance: explore: %.2f s: finding %zu: %s\n", t, e->nfd, f->signature);
    fflush(stdout);
}

static void pool_add(explorer *e, qe_req *child, qe_rng *g)
{
    if (e->npool < QE_POOL_MAX) {
        e->pool[e->npool++] = *child;
    } else {
        /* Replace a grown entry, never a seed. */
        size_t k = e->nseeds + qe_below(g, QE_POOL_MAX - e->nseeds);
        qe_req_free(&e->pool[k]);
        e->pool[k] = *child;
    }
    qe_req_init(child);
}

static quo_status explore_loop(explorer *e, qe_rng *g, double seconds, double *spent)
{
    double t0 = now(), end = t0 + seconds;
    unsigned dead = 0;
    bool searching = false;
    unsigned turn = 0;
    while (now() < end && !e->oom) {
        qe_req child;
        /* The limit search after the sweep (which touches every class
         * with small bodies first), three sends in four: a slow target's
         * large bodies do not starve the generation. */
        size_t want = e->swept ? qe_limit_next(&e->limit) : 0;
        if (want && (e->nvalid || e->npool) && (turn++ % 4 != 3)) {
            if (!qe_limit_body(&e->pool[e->nvalid ? e->valid[0] : 0], want, &child))
                return QUO_ENOMEM;
            e->limit.probes++;
            searching = true;
            goto send;
        }
        if (searching && !want) {
            searching = false;
            char said[400];
            qe_limit_describe(&e->limit, said, sizeof said);
            printf("quo-conformance: explore: %.2f s: %s\n", now() - t0, said);
            fflush(stdout);
        }
        if (!e->swept) {
            bool done = false;
            if (!qe_sweep(e->s->spec, e->sweep++, e->nvalid ? &e->pool[e->valid[0]] : NULL,
                          e->near != SIZE_MAX ? &e->pool[e->near] : NULL, &child, &done))
                return QUO_ENOMEM;
            e->swept = done;
            if (done || (!child.nm && !child.raw)) {
                if (!done)
                    qe_req_free(&child);
                continue;
            }
            goto send;
        }
        /* Valid seeds reach the success path (a third of the picks);
         * recent pool entries carry the newest behaviour (a third). */
        size_t roll = qe_below(g, 3), pi;
        if (roll == 0 && e->nvalid)
            pi = e->valid[qe_below(g, e->nvalid)];
        else if (roll == 1 && e->npool > e->nseeds)
            pi = e->nseeds + qe_below(g, e->npool - e->nseeds);
        else
            pi = qe_below(g, e->npool);
        if (!qe_req_copy(&child, &e->pool[pi]))
            return QUO_ENOMEM;
        /* Mostly one mutation: a valid body stays near the success path. */
        size_t nmut = qe_below(g, 4) ? 1 : 2 + qe_below(g, 2);
        size_t cap = qe_limit_cap(&e->limit);
        for (size_t k = 0; k < nmut; k++)
            if (!qe_mutate(e->s->spec, g, cap, &child)) {
                qe_req_free(&child);
                return QUO_ENOMEM;
            }
        /* Up to the limit in force, not past it: a body over the target's
         * limit teaches nothing; its generators are shrunk to fit. */
        bool oom = false;
        size_t len = 0;
        if (!qe_fit(&child, cap, &len, &oom)) {
            qe_req_free(&child);
            if (oom)
                return QUO_ENOMEM;
            continue;
        }
    send:;
        qe_answer a;
        qe_verdict v;
        quo_status st = probe(e, &child, &a, &v, &len);
        if (st == QUO_OK && child.raw && child.raw_len > QE_POOL_RAW_MAX)
            v.feedback = 0; /* byte form is its bytes: big ones stay out of the pool */
        if (st != QUO_OK) {
            qe_answer_free(&a);
            qe_verdict_free(&v);
            qe_req_free(&child);
            return st;
        }
        dead = a.status == 0 && a.error && strstr(a.error, "connect") ? dead + 1 : 0;
        if (v.finding)
            file_finding(e, &child, &v, now() - t0, len);
        if (v.feedback && seen_add(e, v.feedback))
            pool_add(e, &child, g);
        qe_req_free(&child);
        qe_answer_free(&a);
        qe_verdict_free(&v);
        if (dead >= QE_DEAD_AFTER) {
            printf("quo-conformance: explore: the target stopped accepting connections; "
                   "exploration ends early\n");
            break;
        }
    }
    *spent = now() - t0;
    return e->oom ? QUO_ENOMEM : QUO_OK;
}

static bool still_fn(void *ctx, const qe_req *cand)
{
    explorer *e = ctx;
    size_t len = 0;
    char *text = qe_req_render(cand, &len);
    free(text);
    if (!text || len > e->limit.max)
        return false;
    qe_answer a;
    qe_verdict v;
    bool same = probe(e, cand, &a, &v, NULL) == QUO_OK && v.finding &&
                strcmp(v.signature, e->sig_wanted) == 0;
    qe_answer_free(&a);
    qe_verdict_free(&v);
    return same;
}

static void settle(explorer *e, finding *f)
{
    double t = e->s->cfg->timeout;
    double budget = 3.0 + 8.0 * t;
    if (budget > 60)
        budget = 60;
    snprintf(e->sig_wanted, sizeof e->sig_wanted, "%s", f->signature);
    f->tries = qe_minimise(&f->req, still_fn, e, QE_MIN_TRIES, now() + budget);
    char *text = qe_req_render(&f->req, &f->min_len);
    free(text);
    /* Re-sent once before it is reported. */
    qe_verdict v;
    if (probe(e, &f->req, &f->answer, &v, NULL) == QUO_OK)
        f->confirmed = v.finding && strcmp(v.signature, f->signature) == 0;
    else
        e->oom = true;
    qe_verdict_free(&v);
}

/* ---- findings as cases ------------------------------------------------- */

static bool fill_case(qc_case_list *l, qc_case *c, const char *id, const char *summary,
                      const explorer *e, const finding *f)
{
    c->id = qc_strdup(id);
    c->summary = qc_strdup(summary);
    c->spec_pointer = qc_strdup(quo_contract_operation_pointer(quo_spec_contract(e->s->spec)));
    c->level = QC_MUST;
    c->suite = "explore";
    c->tcase = "findings";
    c->method = l->method;
    c->auth = QC_AUTH_KEY;
    c->exchange = l->count;
    bool ok = c->id && c->summary && c->spec_pointer;
    if (f) {
        size_t nct;
        const qe_ctype *t = qe_content_types(&nct);
        const char *ct = f->req.ctype ? t[f->req.ctype % nct].value : e->media;
        c->body = qe_req_render(&f->req, &c->body_len);
        ok = ok && c->body && (!ct || (c->content_type = qc_strdup(ct)));
    }
    l->count++;
    return ok;
}

static void answer_exchange(qc_exchange *x, const qe_answer *a)
{
    qc_exchange_init(x);
    x->done = true;
    x->status = a->status;
    x->seconds = a->seconds;
    x->attempts = 1;
    x->content_type = qc_strdup(a->content_type);
    x->body = a->body ? qc_strndup(a->body, a->body_len) : qc_strdup("");
    x->body_len = a->body ? a->body_len : 0;
    x->error = qc_strdup(a->error);
}

static quo_status finding_case(explorer *e, qc_case_list *cases, finding *f, size_t k,
                               qe_findings *out, size_t slot, quo_error *err)
{
    const qc_config *cfg = e->s->cfg;
    char name[64], id[96], summary[400], dir[1024];
    snprintf(name, sizeof name, "finding-%02zu", k + 1);
    snprintf(dir, sizeof dir, "%s/explore", cfg->report_dir);
    quo_status st = qc_ensure_dir(dir, err);
    if (st == QUO_OK)
        st = qe_req_save(&f->req, e->media, dir, name, err);
    if (st != QUO_OK)
        return st;
    snprintf(id, sizeof id, "explore.%s", name);
    snprintf(summary, sizeof summary, "explore: %s", f->signature);
    qc_case *c = qc_cases_append(cases);
    if (!c || !fill_case(cases, c, id, summary, e, f))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    qc_strlist *fl = &out->failures[slot];
    char bodyfile[1100];
    snprintf(bodyfile, sizeof bodyfile, "%s/%s.body", dir, name);
    quo_buf cmd;
    quo_buf_init(&cmd);
    qe_curl_command(&cmd, cases->method, cases->path, cases->auth_header, cases->auth_scheme,
                    &cases->required_headers, &f->req, e->media, bodyfile);
    bool ok = qc_strlist_addf(fl, "%s", f->detail) &&
              qc_strlist_addf(fl,
                              "found after %.2f s (%zu hits) by \"%s\"; minimised in %zu sends "
                              "from %zu to %zu body bytes; re-sent once: %s",
                              f->t_found, f->hits, f->first_op ? f->first_op : "?", f->tries,
                              f->first_len, f->min_len,
                              f->confirmed ? "reproduced" : "did NOT reproduce") &&
              qc_strlist_addf(fl, "saved request: %s/%s.req (replay: quo-conformance --replay "
                                  "%s/%s.req)",
                              dir, name, dir, name) &&
              !cmd.failed && qc_strlist_addf(fl, "reproduce: %s", cmd.data);
    quo_buf_free(&cmd);
    if (!ok)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    answer_exchange(&out->exchanges[slot], &f->answer);
    qc_case_result *cr = &out->results[out->count - out->extra + slot];
    cr->outcome = f->confirmed ? QC_OUT_FAILED : QC_OUT_SKIPPED;
    if (!f->confirmed)
        out->reasons[slot] = qc_strdup("found once but not reproduced on re-send (flaky: not "
                                       "counted as a failure)");
    cr->reason = out->reasons[slot];
    cr->failures = f->confirmed ? fl : NULL;
    out->confirmed += f->confirmed;
    return QUO_OK;
}

static quo_status build_results(explorer *e, qc_case_list *cases, const qc_case_result *base,
                                size_t base_count, qe_findings *out, double spent,
                                quo_error *err)
{
    size_t extra = e->nfd + 1;
    size_t *idx = calloc(base_count ? base_count : 1, sizeof *idx);
    out->results = calloc(base_count + extra, sizeof *out->results);
    out->failures = calloc(extra, sizeof *out->failures);
    out->reasons = calloc(extra, sizeof *out->reasons);
    out->exchanges = calloc(extra, sizeof *out->exchanges);
    if (!idx || !out->results || !out->failures || !out->reasons || !out->exchanges) {
        free(idx);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    for (size_t i = 0; i < base_count; i++)
        idx[i] = (size_t)(base[i].c - cases->items);
    size_t first = cases->count;
    out->extra = extra;
    out->count = base_count + extra;
    for (size_t i = 0; i < extra; i++)
        qc_strlist_init(&out->failures[i]);
    quo_status st = QUO_OK;
    for (size_t k = 0; k < e->nfd && st == QUO_OK; k++)
        st = finding_case(e, cases, &e->fd[k], k, out, k, err);
    if (st == QUO_OK) {
        char reason[1024], limit[400];
        qe_limit_describe(&e->limit, limit, sizeof limit);
        snprintf(reason, sizeof reason,
                 "explored %.1f s with seed %llu: %zu requests (%.0f requests/s while "
                 "exploring), %zu findings (%zu reproduced); %s; replay with --explore %g "
                 "--seed %llu",
                 spent, (unsigned long long)out->seed, out->requests,
                 spent > 0 ? (double)out->requests / spent : 0.0, e->nfd, out->confirmed, limit,
                 e->s->cfg->explore.seconds, (unsigned long long)out->seed);
        qc_case *c = qc_cases_append(cases);
        size_t slot = extra - 1;
        if (!c || !fill_case(cases, c, "explore.summary", "explore: summary of the run", e, NULL) ||
            !(out->reasons[slot] = qc_strdup(reason)))
            st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        else {
            out->exchanges[slot].done = false;
            out->results[base_count + slot].outcome = QC_OUT_PASSED;
            out->results[base_count + slot].reason = out->reasons[slot];
        }
    }
    /* Pointers into cases only now: the appends may have moved it. */
    for (size_t i = 0; st == QUO_OK && i < base_count; i++) {
        out->results[i] = base[i];
        out->results[i].c = &cases->items[idx[i]];
    }
    for (size_t k = 0; st == QUO_OK && k < extra; k++) {
        out->results[base_count + k].c = &cases->items[first + k];
        out->results[base_count + k].x = k < e->nfd ? &out->exchanges[k] : NULL;
    }
    free(idx);
    return st;
}

static quo_status classify_seeds(explorer *e, quo_error *err)
{
    e->near = SIZE_MAX;
    e->valid = calloc(e->nseeds ? e->nseeds : 1, sizeof *e->valid);
    if (!e->valid)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    for (size_t i = 0; i < e->nseeds; i++) {
        size_t len;
        char *body = qe_req_render(&e->pool[i], &len);
        qe_expect x = QE_EXPECT_UNJUDGED;
        quo_status st = body ? qe_expectation(e->s->spec, &e->pool[i], body, len, &x) : QUO_ENOMEM;
        free(body);
        if (st != QUO_OK)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        const qe_req *r = &e->pool[i];
        if (x == QE_EXPECT_VALID && !r->ids_touched)
            e->valid[e->nvalid++] = i;
        if (x == QE_EXPECT_INVALID && !r->ids_touched && e->near == SIZE_MAX && r->nm >= 3 &&
            r->m[0].kind == QE_V_RAW && r->m[0].raw_len && r->m[0].raw[0] == '"')
            e->near = i;
    }
    return QUO_OK;
}

static uint64_t pick_seed(const qc_config *cfg)
{
    if (cfg->explore.seed_set)
        return cfg->explore.seed;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid()) %
           1000000000ull;
}

static void explorer_free(explorer *e)
{
    for (size_t i = 0; i < e->nfd; i++) {
        qe_req_free(&e->fd[i].req);
        qe_answer_free(&e->fd[i].answer);
    }
    qe_pool_free(e->pool, e->npool);
    free(e->valid);
    free(e->seen);
    qe_sender_close(e->sender);
}

static quo_status explorer_open(explorer *e, const qe_setup *s, const qc_case_list *cases,
                                quo_error *err)
{
    memset(e, 0, sizeof *e);
    e->s = s;
    qe_limit_init(&e->limit, s->cfg->explore.max_body ? s->cfg->explore.max_body
                                                      : QC_EXPLORE_MAX_BODY_DEFAULT);
    e->media = quo_contract_body_media(quo_spec_contract(s->spec));
    if (!e->media)
        e->media = "application/json";
    e->seen = calloc(QE_SEEN_MAX, sizeof *e->seen);
    e->pool = calloc(QE_POOL_MAX, sizeof *e->pool);
    if (!e->seen || !e->pool)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    return qe_sender_open(s->cfg, s->base_url, cases->path, cases->auth_header,
                          cases->auth_scheme, &cases->required_headers, &e->sender, err);
}

quo_status qe_explore(const qe_setup *s, qc_case_list *cases, const qc_case_result *base,
                      size_t base_count, qc_strlist *created, qe_findings *f, quo_error *err)
{
    explorer e;
    quo_status st = explorer_open(&e, s, cases, err);
    e.created = created;
    e.learn = true;
    qe_req *seeds = NULL;
    size_t nseeds = 0;
    if (st == QUO_OK)
        st = qe_seeds(cases, &seeds, &nseeds, err);
    if (st == QUO_OK) {
        for (size_t i = 0; i < nseeds && i < QE_POOL_MAX / 2; i++) {
            e.pool[e.npool++] = seeds[i];
            qe_req_init(&seeds[i]);
        }
        e.nseeds = e.npool;
        st = classify_seeds(&e, err);
    }
    if (st == QUO_OK) {
        f->seed = pick_seed(s->cfg);
        qe_rng g = {f->seed};
        printf("quo-conformance: explore: %g s against %s, seed %llu, %zu seeds (%zu valid)\n",
               s->cfg->explore.seconds, s->base_url, (unsigned long long)f->seed, e.nseeds, e.nvalid);
        fflush(stdout);
        double spent = 0;
        st = explore_loop(&e, &g, s->cfg->explore.seconds, &spent);
        if (st != QUO_OK)
            quo_error_set(err, st, 0, "out of memory while exploring");
        f->requests = e.requests;
        f->seconds = spent;
        f->limit = e.limit;
        for (size_t k = 0; k < e.nfd && st == QUO_OK; k++) {
            settle(&e, &e.fd[k]);
            printf("quo-conformance: explore: finding %zu %s: %zu -> %zu bytes in %zu sends\n",
                   k + 1, e.fd[k].confirmed ? "reproduced" : "did not reproduce",
                   e.fd[k].first_len, e.fd[k].min_len, e.fd[k].tries);
        }
        if (st == QUO_OK && e.oom)
            st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory while minimising");
        if (st == QUO_OK)
            st = build_results(&e, cases, base, base_count, f, spent, err);
    }
    qe_pool_free(seeds, nseeds);
    explorer_free(&e);
    return st;
}

/* ---- --replay ---------------------------------------------------------- */

int qe_replay(const qe_setup *s, const qc_case_list *cases, const char *path)
{
    explorer e;
    quo_error err = {0};
    qe_req r;
    qe_req_init(&r);
    char *media = NULL;
    quo_status st = explorer_open(&e, s, cases, &err);
    qc_strlist created;
    qc_strlist_init(&created);
    e.created = &created;
    if (st == QUO_OK)
        st = qe_req_load(path, &r, &media, &err);
    int code = 2;
    if (st == QUO_OK) {
        qe_answer a;
        qe_verdict v;
        st = probe(&e, &r, &a, &v, NULL);
        if (st == QUO_OK) {
            static const char *const ex[] = {"valid", "invalid", "not judged"};
            printf("quo-conformance: replay %s: %zu body bytes (the library: %s) -> ", path,
                   r.raw_len, ex[v.expect]);
            if (a.status)
                printf("%d %s\n", a.status, a.content_type ? a.content_type : "(no Content-Type)");
            else
                printf("no answer (%s)\n", a.error ? a.error : "?");
            if (v.finding)
                printf("FINDING: %s: %s\n", v.signature, v.detail);
            else
                printf("clean: the answer agrees with the contract\n");
            for (size_t i = 0; i < created.count; i++)
                printf("created: %s\n", created.items[i]);
            code = v.finding ? 1 : 0;
        } else {
            quo_error_set(&err, st, 0, "out of memory");
        }
        qe_answer_free(&a);
        qe_verdict_free(&v);
    }
    if (st != QUO_OK) {
        char *msg = qc_scrub(s->scrub, err.message, strlen(err.message));
        fprintf(stderr, "quo-conformance: %s\n", msg ? msg : err.message);
        free(msg);
    }
    qc_strlist_free(&created);
    free(media);
    qe_req_free(&r);
    explorer_free(&e);
    return code;
}
