/* suite/runner.c - see runner.h. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "quo/array.h"
#include "runner.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks.h"
#include "ledger.h"
#include "preflight.h"

#define QC_SLOT_TASK_ID 1024 /* the ledger keeps ids of any length */
#define QC_SLOT_NOTE 512
#define QC_SLOT_MESSAGES 3072
enum { SLOT_IDLE = 0, SLOT_STARTED, SLOT_DONE };
/* slot.verdict of a case that was not judged (slot.not_run says why). */
#define SLOT_NOT_RUN 100

/* One row's verdict, written by the (forked) child, read by the parent. */
typedef struct qc_slot {
    int state;
    int verdict;
    int not_run; /* qc_not_run, when verdict == SLOT_NOT_RUN */
    char task_id[QC_SLOT_TASK_ID];
    char note[QC_SLOT_NOTE];
    char messages[QC_SLOT_MESSAGES]; /* failures, '\n'-separated, scrubbed */
} qc_slot;

typedef struct qc_shared {
    unsigned progress; /* rows judged so far (children run one at a time) */
    qc_slot slots[];
} qc_shared;

typedef struct qc_group {
    const char *suite;
    const char *tcase;
    qc_level level;
    size_t start, end; /* rows [start, end) of order[] */
} qc_group;

/* The run libcheck's callbacks (which take no argument) work on. */
typedef struct qc_state {
    const qc_runner_setup *setup;
    size_t *order;
    size_t norder;
    qc_group *groups;    /* at most one per check registry row (registry.h) */
    size_t ngroups;
    size_t next_group;   /* the next group whose fixture runs (send_next) */
    qc_shared *shared;
    size_t shared_size;
    qc_exchange *exchanges;
    qc_http *http;
    char *url;
    qc_ledger *ledger;
    char **unsent;       /* per case index: why its request was not judged (owned) */
    qc_not_run *cause;   /* per case index: the qc_not_run of unsent[] */
    unsigned env_streak; /* environment answers in a row */
    qc_run_end end;
    bool preflight_failed; /* no case was sent */
    char end_reason[640];
    unsigned total; /* progress denominator */
    bool oom;
} qc_state;

static bool over_budget(const qc_state *st, size_t ci)
{
    return st->setup->cut && st->setup->cut[ci];
}

static qc_state *g_state;

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t g_signal;

static void on_signal(int sig)
{
    g_signal = sig;
}

/* Our handler for SIGINT and SIGTERM (SA_RESTART: libcheck's waitpid and
 * our reads carry on; curl and the waits poll the flag). */
static void install_handlers(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
}

void qc_runner_catch_signals(void)
{
    install_handlers(NULL, NULL);
}

int qc_runner_signal(void)
{
    return (int)g_signal;
}

static void set_signal_block(int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(how, &set, NULL);
}

/* Ends the run (the first reason wins). */
static void stop_run(qc_state *st, qc_run_end end, const char *reason)
{
    if (st->end != QC_END_COMPLETE)
        return;
    st->end = end;
    /* Cut to fit (the precision also tells -Wformat-truncation it is meant). */
    snprintf(st->end_reason, sizeof st->end_reason, "%.*s", (int)sizeof st->end_reason - 1,
             reason);
    char *s = qc_scrub(st->setup->scrub, reason, strlen(reason));
    printf("quo-conformance: stopping (%s): %s; the cases not sent yet are reported as not "
           "run\n", qc_run_end_name(end), s ? s : "");
    free(s);
    fflush(stdout);
}

/* A signal or the deadline: non-zero stops. Also the http client's stop
 * callback (polled while it waits). */
static int check_stop(void *user)
{
    qc_state *st = user;
    if (g_signal) {
        char why[96];
        snprintf(why, sizeof why, "%s received", g_signal == SIGINT ? "SIGINT" : "SIGTERM");
        stop_run(st, QC_END_INTERRUPTED, why);
    } else if (st->setup->deadline > 0 && qc_http_now() >= st->setup->deadline) {
        char why[96];
        snprintf(why, sizeof why, "the run-time limit (--max-run-time %g s) was reached",
                 st->setup->cfg->max_run_time);
        stop_run(st, QC_END_TIME_LIMIT, why);
    }
    return st->end != QC_END_COMPLETE;
}

static void on_http_progress(void *user, const char *what)
{
    qc_state *st = user;
    char *s = qc_scrub(st->setup->scrub, what, strlen(what));
    printf("  ... %s\n", s ? s : what);
    free(s);
    fflush(stdout);
}

/* One line per request sent (scrubbed). */
static void print_sent(void *user, const qc_case *c, const qc_exchange *x)
{
    qc_state *st = user;
    quo_buf b;
    quo_buf_init(&b);
    if (x->error)
        quo_buf_printf(&b, "  > %s: no answer after %.0f ms: %s", c->id, x->seconds * 1000,
                       x->error);
    else
        quo_buf_printf(&b, "  > %s: %d in %.1f ms%s", c->id, x->status, x->seconds * 1000,
                       x->attempts > 1 ? " (after 429 retries)" : "");
    char *s = b.failed ? NULL : qc_scrub(st->setup->scrub, b.data, b.len);
    if (s)
        printf("%s\n", s);
    fflush(stdout);
    free(s);
    quo_buf_free(&b);
}

/* ---- order ------------------------------------------------------------- */

static const qc_case_list *g_sort_cases;

static int by_rank(const void *a, const void *b)
{
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    size_t ra = qc_case_rank(&g_sort_cases->items[ia]);
    size_t rb = qc_case_rank(&g_sort_cases->items[ib]);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return ia < ib ? -1 : ia > ib; /* stable: derivation order within a TCase */
}

size_t *qc_run_order(const qc_case_list *cases, const bool *selected, size_t *n)
{
    size_t *order = malloc((cases->count ? cases->count : 1) * sizeof *order);
    if (!order)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < cases->count; i++)
        if (!selected || selected[i])
            order[(*n)++] = i;
    g_sort_cases = cases;
    qsort(order, *n, sizeof *order, by_rank);
    g_sort_cases = NULL;
    return order;
}

/* ---- sending (parent, in each TCase's unchecked fixture) ---------------- */

static void exchange_fail(qc_exchange *x, const char *msg)
{
    x->done = true;
    free(x->error);
    x->error = qc_strdup(msg);
    if (!x->error)
        g_state->oom = true;
}

static void mark_unsent(qc_state *st, size_t ci, qc_not_run cause, const char *why)
{
    if (st->unsent[ci])
        return;
    st->cause[ci] = cause;
    st->unsent[ci] = qc_strdup(why);
    if (!st->unsent[ci])
        st->oom = true;
}

/* After an answer: is it the environment's? Counts the streak, stops the
 * run on a long Retry-After or a streak. */
static void classify(qc_state *st, size_t ci, const qc_exchange *x)
{
    char why[700];
    const char *env = qc_environment_answer(x);
    if (x->status == 429 && x->retry_after > 0) {
        snprintf(why, sizeof why,
                 "rate-limited: the server asks to wait %g s (Retry-After), more than the %g s "
                 "cap or the time the run has left; retrying earlier would break its limit",
                 x->retry_after, QC_HTTP_MAX_RETRY_AFTER);
        mark_unsent(st, ci, QC_NR_ENVIRONMENT, why);
        stop_run(st, QC_END_RATE_LIMITED, why);
        return;
    }
    if (!x->error && !env) {
        st->env_streak = 0;
        return;
    }
    snprintf(why, sizeof why, "no verdict: %s%s", x->error ? "no answer: " : "answer from the environment, not the API: ",
             x->error ? x->error : env);
    mark_unsent(st, ci, QC_NR_ENVIRONMENT, why);
    if (++st->env_streak >= QC_MAX_ENV_STREAK) {
        char stop[900];
        snprintf(stop, sizeof stop, "%u answers in a row came from the environment, not the "
                 "API; the last: %s", st->env_streak, why + strlen("no verdict: "));
        stop_run(st, QC_END_INCONCLUSIVE, stop);
    }
}

static void send_one(qc_state *st, size_t ci)
{
    const qc_runner_setup *s = st->setup;
    const qc_case *c = &s->cases->items[ci];
    qc_exchange *x = &st->exchanges[ci];
    if (x->done || st->unsent[ci])
        return;
    if (check_stop(st)) {
        mark_unsent(st, ci, QC_NR_STOPPED, "the run stopped before this case was sent");
        return;
    }
    qc_strlist lines;
    qc_strlist_init(&lines);
    if (!qc_case_headers(s->cases, c, s->cfg->api_key,
                         s->cfg->forbidden_key ? s->cfg->forbidden_key : "", &lines)) {
        qc_strlist_free(&lines);
        exchange_fail(x, "out of memory building the request");
        return;
    }
    qc_http_request req = {.method = c->method, .url = st->url, .headers = &lines,
                           .body = c->body, .body_len = c->body_len};
    if (qc_http_send(st->http, &req, x) != QUO_OK)
        exchange_fail(x, "out of memory while sending");
    qc_strlist_free(&lines); /* holds the key: dropped at once */
    if (x->stopped && !x->done) {
        check_stop(st);
        mark_unsent(st, ci, QC_NR_STOPPED, "the run stopped before this case was sent");
        return;
    }
    qc_ledger_record(st->ledger, c->id, x);
    print_sent(st, c, x);
    classify(st, ci, x);
}

static void send_group(size_t g)
{
    qc_state *st = g_state;
    if (!st || g >= st->ngroups)
        return;
    /* libcheck installed its killpg() handler before this fixture: ours
     * goes back in, then the signals blocked around srunner_run_all()
     * are let through (a pending one just sets the flag). */
    install_handlers(NULL, NULL);
    set_signal_block(SIG_UNBLOCK);
    for (size_t r = st->groups[g].start; r < st->groups[g].end; r++)
        send_one(st, st->setup->cases->items[st->order[r]].exchange);
}

static bool ck_selects(const qc_group *g);

/* The unchecked fixture of every TCase: libcheck runs them in the order
 * the TCases were added, for the TCases it selects (ck_selects mirrors
 * its choice), so the n-th call is the n-th selected group. One function
 * for all, so no fixed table bounds the number of TCases. */
static void send_next(void)
{
    qc_state *st = g_state;
    if (!st)
        return;
    while (st->next_group < st->ngroups && !ck_selects(&st->groups[st->next_group]))
        st->next_group++;
    if (st->next_group < st->ngroups)
        send_group(st->next_group++);
}

/* ---- judging (child) ---------------------------------------------------- */

/* Copies text into a slot field, scrubbed and cut to fit. */
static void slot_text(char *dst, size_t dstsz, const char *text)
{
    char *s = qc_scrub(g_state->setup->scrub, text, strlen(text));
    const char *src = s ? s : "(out of memory)";
    size_t n = strlen(src);
    if (n >= dstsz) {
        n = dstsz - 4;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* never cut inside a UTF-8 sequence */
        memcpy(dst, src, n);
        memcpy(dst + n, "...", 4);
    } else {
        memcpy(dst, src, n + 1);
    }
    free(s);
}

static void slot_fill(qc_slot *slot, const qc_check_result *r)
{
    quo_buf m;
    quo_buf_init(&m);
    for (size_t i = 0; i < r->failures.count; i++)
        quo_buf_printf(&m, "%s%s", i ? "\n" : "", r->failures.items[i]);
    slot_text(slot->messages, sizeof slot->messages, m.data ? m.data : "");
    quo_buf_free(&m);
    slot_text(slot->note, sizeof slot->note, r->note ? r->note : "");
    slot_text(slot->task_id, sizeof slot->task_id, r->task_id ? r->task_id : "");
    slot->verdict = (int)r->verdict;
}

static void progress(const qc_state *st, const qc_case *c, const qc_exchange *x,
                     const qc_slot *slot, unsigned k)
{
    char got[48];
    if (!x->done)
        snprintf(got, sizeof got, "not sent");
    else if (x->error)
        snprintf(got, sizeof got, "no response");
    else
        snprintf(got, sizeof got, "%d, %.2f ms", x->status, x->seconds * 1000.0);
    const char *detail = slot->messages[0] ? slot->messages : slot->note;
    size_t dl = strcspn(detail, "\n");
    printf("[%*u/%u] %-4s %-6s %s (%s%s)%s%.*s\n", st->total >= 100 ? 3 : 2, k, st->total,
           slot->verdict == SLOT_NOT_RUN ? "NRUN" : qc_verdict_name((qc_verdict)slot->verdict),
           qc_level_name(c->level), c->id,
           c->exchange == (size_t)(c - st->setup->cases->items) ? "" : "shared, ", got,
           dl ? ": " : "", (int)(dl > 160 ? 160 : dl), detail);
    fflush(stdout);
}

static void judge(size_t row)
{
    qc_state *st = g_state;
    const qc_runner_setup *s = st->setup;
    size_t ci = st->order[row];
    const qc_case *c = &s->cases->items[ci];
    qc_slot *slot = &st->shared->slots[ci];
    slot->state = SLOT_STARTED;
#ifdef QUO_CONFORMANCE_TEST_HOOKS
    /* Fault injection for the test that proves a crashing row hides no
     * other row (tests/suite/test_suite_e2e.c). Compiled only into
     * quo-conformance-test: the product ignores the variable. */
    const char *crash = getenv("QUO_CONFORMANCE_TEST_CRASH");
    if (crash && strcmp(crash, c->id) == 0)
        raise(SIGSEGV);
#endif
    const qc_exchange *x = &st->exchanges[c->exchange];
    if (st->unsent[c->exchange]) {
        /* No answer from the API to judge: not run, and its companions
         * with it (never a failure). */
        slot->verdict = SLOT_NOT_RUN;
        slot->not_run = (int)st->cause[c->exchange];
        slot_text(slot->note, sizeof slot->note, st->unsent[c->exchange]);
        slot->state = SLOT_DONE;
        progress(st, c, x, slot, ++st->shared->progress);
        return;
    }
    const char **seen = malloc((s->cases->count ? s->cases->count : 1) * sizeof *seen);
    size_t nseen = 0;
    for (size_t i = 0; seen && i < s->cases->count; i++)
        if (i != ci && st->shared->slots[i].state == SLOT_DONE &&
            st->shared->slots[i].task_id[0])
            seen[nseen++] = st->shared->slots[i].task_id;
    qc_check_input in = {.spec = s->spec, .list = s->cases, .c = c, .x = x,
                         .seen_task_ids = seen, .seen_count = nseen};
    qc_check_result r;
    qc_check_result_init(&r);
    if (!seen || qc_check_run(&in, &r) != QUO_OK) {
        qc_check_result_free(&r);
        r.verdict = QC_FAIL;
        qc_strlist_add(&r.failures, "out of memory while judging the response");
    }
    free(seen);
    slot_fill(slot, &r);
    slot->state = SLOT_DONE;
    unsigned k = ++st->shared->progress;
    progress(st, c, x, slot, k);
    qc_check_result_free(&r);
    if (slot->verdict == QC_FAIL) {
        /* Tell libcheck (and its TAP log); the slot already holds it all. */
        char first[512];
        size_t n = strcspn(slot->messages, "\n");
        snprintf(first, sizeof first, "%s: %.*s", c->id, (int)(n > 400 ? 400 : n),
                 slot->messages);
        ck_abort_msg("%s", first);
    }
}

START_TEST(qc_row)
{
    judge((size_t)_i);
}
END_TEST

/* ---- building the runner ----------------------------------------------- */

static quo_status build_groups(qc_state *st, quo_error *err)
{
    const qc_case_list *cases = st->setup->cases;
    st->ngroups = 0;
    st->next_group = 0;
    free(st->groups);
    /* Groups never outnumber rows; one per row is the worst case. */
    st->groups = calloc(st->norder ? st->norder : 1, sizeof *st->groups);
    if (!st->groups)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    for (size_t r = 0; r < st->norder; r++) {
        const qc_case *c = &cases->items[st->order[r]];
        qc_group *g = st->ngroups ? &st->groups[st->ngroups - 1] : NULL;
        if (g && strcmp(g->suite, c->suite) == 0 && strcmp(g->tcase, c->tcase) == 0 &&
            g->level == c->level) {
            g->end = r + 1;
            continue;
        }
        g = &st->groups[st->ngroups++];
        g->suite = c->suite;
        g->tcase = c->tcase;
        g->level = c->level;
        g->start = r;
        g->end = r + 1;
    }
    return QUO_OK;
}

static SRunner *build_runner(qc_state *st)
{
    SRunner *sr = NULL;
    Suite *s = NULL;
    const char *current = NULL;
    for (size_t g = 0; g < st->ngroups; g++) {
        qc_group *grp = &st->groups[g];
        if (!current || strcmp(current, grp->suite) != 0) {
            s = suite_create(grp->suite);
            if (!sr)
                sr = srunner_create(s);
            else
                srunner_add_suite(sr, s);
            current = grp->suite;
        }
        TCase *tc = tcase_create(grp->tcase);
        tcase_set_tags(tc, qc_level_name(grp->level));
        tcase_set_timeout(tc, 60);
        tcase_add_unchecked_fixture(tc, send_next, NULL);
        tcase_add_loop_test(tc, qc_row, (int)grp->start, (int)grp->end);
        suite_add_tcase(s, tc);
    }
    return sr;
}

/* ---- collecting --------------------------------------------------------- */

static bool split_lines(qc_strlist *out, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        char *line = qc_strndup(text, n);
        if (!line || !qc_strlist_add(out, line)) {
            free(line);
            return false;
        }
        free(line);
        text += n;
        if (*text == '\n')
            text++;
    }
    return true;
}

/* libcheck's messages for rows whose child died, in run order. */
static void crash_messages(SRunner *sr, qc_strlist *out)
{
    if (!sr)
        return;
    TestResult **trs = srunner_results(sr);
    int n = srunner_ntests_run(sr);
    for (int i = 0; trs && i < n; i++)
        if (tr_rtype(trs[i]) == CK_ERROR)
            qc_strlist_add(out, tr_msg(trs[i]) ? tr_msg(trs[i]) : "the check process died");
    free(trs);
}

static quo_status collect(qc_state *st, SRunner *sr, qc_run_result *out)
{
    const qc_case_list *cases = st->setup->cases;
    qc_strlist crashes;
    qc_strlist_init(&crashes);
    crash_messages(sr, &crashes);
    size_t crash_i = 0;
    bool ok = true;
    for (size_t r = 0; r < st->norder && ok; r++) {
        size_t ci = st->order[r];
        const qc_case *c = &cases->items[ci];
        qc_slot *slot = &st->shared->slots[ci];
        qc_case_result *cr = &out->results[r];
        cr->c = c;
        cr->x = &out->exchanges[c->exchange];
        cr->failures = &out->failures[r];
        const char *reason = NULL;
        if (c->skip) {
            cr->outcome = QC_OUT_SKIPPED;
            reason = c->skip;
        } else if (over_budget(st, ci)) {
            cr->outcome = QC_OUT_NOT_RUN;
            cr->not_run = QC_NR_BUDGET;
            reason = "not run: over --max-requests";
        } else if (slot->state == SLOT_DONE && slot->verdict == SLOT_NOT_RUN) {
            cr->outcome = QC_OUT_NOT_RUN;
            cr->not_run = (qc_not_run)slot->not_run;
            reason = slot->note;
        } else if (slot->state == SLOT_DONE) {
            cr->outcome = slot->verdict == QC_PASS   ? QC_OUT_PASSED
                          : slot->verdict == QC_SKIP ? QC_OUT_SKIPPED : QC_OUT_FAILED;
            ok = split_lines(&out->failures[r], slot->messages);
            reason = slot->note[0] ? slot->note : NULL;
            if (ok && slot->task_id[0])
                ok = (out->task_ids[r] = qc_strdup(slot->task_id)) != NULL;
        } else if (slot->state == SLOT_STARTED) {
            cr->outcome = QC_OUT_CRASHED;
            reason = crash_i < crashes.count ? crashes.items[crash_i++]
                                             : "the check process died";
        } else if (st->preflight_failed) {
            cr->outcome = QC_OUT_NOT_RUN;
            cr->not_run = QC_NR_PREFLIGHT;
            reason = "not sent: the preflight failed (see the run's error)";
        } else if (st->end != QC_END_COMPLETE && !sr) {
            cr->outcome = QC_OUT_NOT_RUN;
            cr->not_run = QC_NR_STOPPED;
            reason = "not sent: the run stopped before the cases";
        } else if (st->unsent[c->exchange]) {
            cr->outcome = QC_OUT_NOT_RUN; /* the row itself never ran (stopped) */
            cr->not_run = st->cause[c->exchange];
            reason = st->unsent[c->exchange];
        } else {
            cr->outcome = QC_OUT_NOT_RUN;
            cr->not_run = QC_NR_CK_FILTER;
            reason = "not run: excluded by CK_RUN_SUITE, CK_RUN_CASE or CK_*_TAGS";
        }
        if (ok && reason)
            ok = (out->reasons[r] = qc_strdup(reason)) != NULL;
        cr->reason = out->reasons[r];
        cr->task_id = out->task_ids[r];
    }
    qc_strlist_free(&crashes);
    return ok ? QUO_OK : QUO_ENOMEM;
}

/* ---- the run ------------------------------------------------------------ */

static quo_status alloc_result(qc_state *st, qc_run_result *out, quo_error *err)
{
    size_t n = st->norder ? st->norder : 1;
    size_t nc = st->setup->cases->count ? st->setup->cases->count : 1;
    memset(out, 0, sizeof *out);
    qc_strlist_init(&out->created);
    out->results = calloc(n, sizeof *out->results);
    out->failures = calloc(n, sizeof *out->failures);
    out->reasons = calloc(n, sizeof *out->reasons);
    out->task_ids = calloc(n, sizeof *out->task_ids);
    out->exchanges = calloc(nc, sizeof *out->exchanges);
    out->count = st->norder;
    out->case_count = st->setup->cases->count;
    if (!out->results || !out->failures || !out->reasons || !out->task_ids || !out->exchanges)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    st->exchanges = out->exchanges;
    st->shared_size = sizeof(qc_shared) + nc * sizeof(qc_slot);
    void *m = mmap(NULL, st->shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (m == MAP_FAILED)
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot map %zu bytes for results",
                             st->shared_size);
    st->shared = m; /* zero-filled: every slot idle */
    return QUO_OK;
}

static void announce_skips(qc_state *st)
{
    unsigned k = 0;
    for (size_t r = 0; r < st->norder; r++) {
        const qc_case *c = &st->setup->cases->items[st->order[r]];
        if (over_budget(st, st->order[r])) {
            k++;
            continue;
        }
        if (!c->skip)
            continue;
        k++;
        printf("[skip] %-6s %s: %s\n", qc_level_name(c->level), c->id, c->skip);
    }
    st->total = (unsigned)st->norder - k;
    fflush(stdout);
}

/* Does libcheck's environment (CK_RUN_SUITE, CK_RUN_CASE, CK_INCLUDE_TAGS,
 * CK_EXCLUDE_TAGS) let group g run? Mirrors libcheck's own selection,
 * so a typo is caught before anything is sent. */
static bool ck_selects(const qc_group *g)
{
    const char *suite = getenv("CK_RUN_SUITE"), *tcase = getenv("CK_RUN_CASE");
    const char *inc = getenv("CK_INCLUDE_TAGS"), *exc = getenv("CK_EXCLUDE_TAGS");
    const char *tag = qc_level_name(g->level);
    if (suite && strcmp(suite, g->suite) != 0)
        return false;
    if (tcase && strcmp(tcase, g->tcase) != 0)
        return false;
    bool in_inc = false, in_exc = false;
    for (const char *list = inc; list && *list;) {
        size_t n = strcspn(list, " ");
        in_inc = in_inc || (n == strlen(tag) && strncmp(list, tag, n) == 0);
        list += n + (list[n] == ' ');
    }
    for (const char *list = exc; list && *list;) {
        size_t n = strcspn(list, " ");
        in_exc = in_exc || (n == strlen(tag) && strncmp(list, tag, n) == 0);
        list += n + (list[n] == ' ');
    }
    return (!inc || in_inc) && !in_exc;
}

/* The libcheck rows: the selected cases that are not skipped (nor over
 * --max-requests), in groups.
 * QUO_EUSAGE when the CK_* variables leave none of them. */
static quo_status prepare_rows(qc_state *st, size_t **rows, size_t *nrows, quo_error *err)
{
    *rows = malloc((st->norder ? st->norder : 1) * sizeof **rows);
    if (!*rows)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    size_t keep = 0;
    for (size_t r = 0; r < st->norder; r++)
        if (!st->setup->cases->items[st->order[r]].skip && !over_budget(st, st->order[r]))
            (*rows)[keep++] = st->order[r];
    *nrows = keep;
    size_t *all = st->order, nall = st->norder;
    st->order = *rows;
    st->norder = keep;
    quo_status s = build_groups(st, err);
    size_t chosen = 0;
    for (size_t g = 0; s == QUO_OK && g < st->ngroups; g++)
        chosen += ck_selects(&st->groups[g]);
    st->order = all;
    st->norder = nall;
    if (s == QUO_OK && keep && chosen == 0)
        s = quo_error_set(err, QUO_EUSAGE, 0,
                          "CK_RUN_SUITE / CK_RUN_CASE / CK_INCLUDE_TAGS / CK_EXCLUDE_TAGS select "
                          "no case (suites: positive, validation, auth, resources, faults, "
                          "protocol; test cases as in --list; tags MUST, SHOULD)");
    return s;
}

/* Runs the libcheck rows. On return st->order is every selected case
 * again, and *srp the finished runner (for crash messages), or NULL. */
static quo_status run_rows(qc_state *st, size_t *rows, size_t keep, SRunner **srp,
                           quo_error *err)
{
    *srp = NULL;
    size_t *all = st->order;
    size_t nall = st->norder;
    st->order = rows;
    st->norder = keep;
    quo_status s = build_groups(st, err);
    if (s == QUO_OK && keep) {
        SRunner *sr = build_runner(st);
        fflush(stdout); /* a forked child would print the parent's buffer again */
        fflush(stderr);
        /* Blocked until our handler is back in the first fixture: libcheck's
         * own would killpg() our caller. */
        set_signal_block(SIG_BLOCK);
        srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_SILENT);
        install_handlers(NULL, NULL);
        set_signal_block(SIG_UNBLOCK);
        *srp = sr;
    }
    st->order = all;
    st->norder = nall;
    return s;
}

static char *join_url(const char *base, const char *path)
{
    quo_buf b;
    quo_buf_init(&b);
    quo_buf_printf(&b, "%s%s", base, path);
    return quo_buf_take(&b, NULL);
}

static quo_status open_client(qc_state *st, quo_error *err)
{
    const qc_runner_setup *setup = st->setup;
    qc_http_options ho = {.timeout = setup->cfg->timeout, .rate = setup->cfg->rate,
                          .max_retries = QC_HTTP_MAX_RETRIES,
                          .max_retry_after = QC_HTTP_MAX_RETRY_AFTER,
                          .transport = &setup->cfg->transport, .no_proxy = setup->no_proxy,
                          .deadline = setup->deadline, .progress = on_http_progress,
                          .stop = check_stop, .user = st};
    st->url = join_url(setup->base_url, setup->cases->path);
    size_t nc = setup->cases->count ? setup->cases->count : 1;
    st->unsent = calloc(nc, sizeof *st->unsent);
    st->cause = calloc(nc, sizeof *st->cause);
    if (!st->url || !st->unsent || !st->cause)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    quo_status s = qc_http_open(&ho, &st->http, err);
    if (s == QUO_OK)
        s = qc_ledger_open(setup->report_dir, setup->spec, setup->scrub, &st->ledger, err);
    return s;
}

static quo_status preflight(qc_state *st, quo_error *err)
{
    const qc_runner_setup *s = st->setup;
    qc_preflight_input in = {.cases = s->cases, .fixtures = &s->cfg->fixtures,
                             .api_key = s->cfg->api_key, .base_url = s->base_url, .url = st->url,
                             .http = st->http, .ledger = st->ledger, .exchanges = st->exchanges,
                             .sent = print_sent, .user = st};
    char *problem = NULL;
    bool limited = false;
    quo_status rc = qc_preflight(&in, &problem, &limited, err);
    if (rc == QUO_OK && problem && st->end == QC_END_COMPLETE) {
        /* Rate-limited or not, no case has been sent. */
        stop_run(st, limited ? QC_END_RATE_LIMITED : QC_END_PREFLIGHT, problem);
        st->preflight_failed = true;
    }
    free(problem);
    return rc;
}

static void clear_empty_ck_vars(void)
{
    /* libcheck takes a variable that is set but empty as a filter that
     * matches nothing; CI systems often export empty ones. */
    static const char *const ck_vars[] = {"CK_RUN_SUITE", "CK_RUN_CASE", "CK_INCLUDE_TAGS",
                                          "CK_EXCLUDE_TAGS"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(ck_vars); i++) {
        const char *v = getenv(ck_vars[i]);
        if (v && !*v)
            unsetenv(ck_vars[i]);
    }
}

static quo_status finish(qc_state *st, qc_run_result *out, quo_error *err)
{
    out->end = st->end;
    if (st->end != QC_END_COMPLETE && !(out->end_reason = qc_strdup(st->end_reason)))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    const qc_strlist *ids = qc_ledger_ids(st->ledger);
    for (size_t i = 0; i < ids->count; i++)
        if (!qc_strlist_add(&out->created, ids->items[i]))
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    out->created_unknown = qc_ledger_unknown(st->ledger);
    const char *le = qc_ledger_error(st->ledger);
    if (le && !(out->ledger_error = qc_strdup(le)))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    return QUO_OK;
}

quo_status qc_run(const qc_runner_setup *setup, qc_run_result *out, quo_error *err)
{
    memset(out, 0, sizeof *out);
    qc_strlist_init(&out->created);
    qc_state *st = calloc(1, sizeof *st);
    if (!st)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    st->setup = setup;
    struct sigaction old_int, old_term;
    install_handlers(&old_int, &old_term);
    clear_empty_ck_vars();
    st->order = qc_run_order(setup->cases, setup->selected, &st->norder);
    quo_status s = st->order ? alloc_result(st, out, err)
                             : quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    size_t *rows = NULL, nrows = 0;
    if (s == QUO_OK)
        s = prepare_rows(st, &rows, &nrows, err);
    if (s == QUO_OK)
        s = open_client(st, err);
    SRunner *sr = NULL;
    if (s == QUO_OK) {
        g_state = st;
        s = preflight(st, err);
        if (s == QUO_OK)
            announce_skips(st);
        if (s == QUO_OK && !st->preflight_failed && st->end == QC_END_COMPLETE)
            s = run_rows(st, rows, nrows, &sr, err);
        if (st->oom && s == QUO_OK)
            s = quo_error_set(err, QUO_ENOMEM, 0, "out of memory while sending");
        quo_status c = s == QUO_OK ? collect(st, sr, out) : QUO_OK;
        if (c != QUO_OK)
            s = quo_error_set(err, c, 0, "out of memory collecting results");
        if (s == QUO_OK)
            s = finish(st, out, err);
        /* A crashed row printed nothing: say it now. */
        for (size_t r = 0; s == QUO_OK && r < out->count; r++)
            if (out->results[r].outcome == QC_OUT_CRASHED)
                printf("[crash] %-6s %s: %s\n", qc_level_name(out->results[r].c->level),
                       out->results[r].c->id, out->results[r].reason);
        g_state = NULL;
    }
    if (sr)
        srunner_free(sr);
    free(rows);
    qc_ledger_close(st->ledger);
    qc_http_close(st->http);
    if (st->shared)
        munmap(st->shared, st->shared_size);
    for (size_t i = 0; st->unsent && i < setup->cases->count; i++)
        free(st->unsent[i]);
    free(st->unsent);
    free(st->cause);
    free(st->url);
    free(st->order);
    free(st->groups);
    free(st);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return s;
}

void qc_run_result_free(qc_run_result *r)
{
    for (size_t i = 0; r->failures && i < r->count; i++)
        qc_strlist_free(&r->failures[i]);
    for (size_t i = 0; r->reasons && i < r->count; i++)
        free(r->reasons[i]);
    for (size_t i = 0; r->task_ids && i < r->count; i++)
        free(r->task_ids[i]);
    for (size_t i = 0; r->exchanges && i < r->case_count; i++)
        qc_exchange_free(&r->exchanges[i]);
    free(r->results);
    free(r->failures);
    free(r->reasons);
    free(r->task_ids);
    free(r->exchanges);
    free(r->end_reason);
    free(r->ledger_error);
    qc_strlist_free(&r->created);
    memset(r, 0, sizeof *r);
}
