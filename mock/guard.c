/* guard.c - deadlines, eviction, delayed answers and the periodic tick. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "guard.h"

#define GUARD_PERIOD_MS 100
/* A connection waiting this long for its header block is asked whether its
 * peer is still there (libmicrohttpd 0.9.75 does not notice a client that
 * closes in the middle of a request line until the idle timeout). */
#define GUARD_HUNG_UP_MS 500

struct mock_guard {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    guard_conn *head;
    unsigned header_ms, body_ms, tick_ms;
    guard_expired_fn expired;
    guard_tick_fn tick;
    void *ctx;
    bool stop;
};

int64_t mock_guard_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The stamp of a state change (three a request): the coarse clock, a few
 * milliseconds behind the fine one at a fraction of its cost. A stamp
 * only ever starts a deadline of seconds (or the half second of
 * mock_guard_evict()), so a deadline may end those milliseconds early,
 * never late; the delays of mock_guard_suspend() keep the fine clock. */
static int64_t stamp_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
        return mock_guard_now_ms();
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_conn(guard_conn *gc)
{
    gc->closing = true;
    shutdown(gc->fd, SHUT_RDWR);
}

static bool peer_gone(int fd)
{
    char b;
    return fd >= 0 && recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* One pass over the connections, under the lock; reasons to report after. */
static size_t sweep(mock_guard *g, int64_t now, const char **reasons, size_t max)
{
    size_t n = 0;
    for (guard_conn *gc = g->head; gc; gc = gc->next) {
        if (gc->closing || gc->hung_up)
            continue;
        if (gc->state == GUARD_SUSPENDED && now >= gc->due_ms) {
            gc->state = GUARD_ANSWERING;
            MHD_resume_connection(gc->c);
        } else if (gc->state == GUARD_HEADERS && now - gc->since_ms > GUARD_HUNG_UP_MS &&
                   peer_gone(gc->fd)) {
            /* Closed here so that libmicrohttpd lets go of it; not counted
             * here: the connection's end says what it was (server.c). */
            gc->hung_up = true;
            shutdown(gc->fd, SHUT_RDWR);
        } else if (gc->state == GUARD_HEADERS && g->header_ms &&
                   now - gc->since_ms > (int64_t)g->header_ms) {
            close_conn(gc);
            if (n < max)
                reasons[n++] = "header-deadline";
        } else if (gc->state == GUARD_BODY && g->body_ms &&
                   now - gc->since_ms > (int64_t)g->body_ms) {
            close_conn(gc);
            if (n < max)
                reasons[n++] = "body-deadline";
        }
    }
    return n;
}

static void *run(void *arg)
{
    mock_guard *g = arg;
    int64_t next_tick = mock_guard_now_ms() + g->tick_ms;
    pthread_mutex_lock(&g->lock);
    while (!g->stop) {
        int64_t now = mock_guard_now_ms();
        const char *reasons[64];
        size_t n = sweep(g, now, reasons, 64);
        int64_t wait = GUARD_PERIOD_MS;
        for (guard_conn *gc = g->head; gc; gc = gc->next)
            if (gc->state == GUARD_SUSPENDED && gc->due_ms - now < wait)
                wait = gc->due_ms - now < 1 ? 1 : gc->due_ms - now;
        bool tick = g->tick && g->tick_ms && now >= next_tick;
        pthread_mutex_unlock(&g->lock);
        for (size_t i = 0; i < n; i++)
            g->expired(g->ctx, reasons[i]);
        if (tick) {
            g->tick(g->ctx);
            next_tick = mock_guard_now_ms() + g->tick_ms;
        }
        pthread_mutex_lock(&g->lock);
        if (g->stop)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)(wait % 1000) * 1000000L;
        ts.tv_sec += (time_t)(wait / 1000) + ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g->wake, &g->lock, &ts);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

mock_guard *mock_guard_start(unsigned header_ms, unsigned body_ms, unsigned tick_ms,
                             guard_expired_fn expired, guard_tick_fn tick, void *ctx)
{
    mock_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->header_ms = header_ms;
    g->body_ms = body_ms;
    g->tick_ms = tick_ms;
    g->expired = expired;
    g->tick = tick;
    g->ctx = ctx;
    if (pthread_mutex_init(&g->lock, NULL) != 0) {
        free(g);
        return NULL;
    }
    if (pthread_cond_init(&g->wake, NULL) != 0) {
        pthread_mutex_destroy(&g->lock);
        free(g);
        return NULL;
    }
    if (pthread_create(&g->thread, NULL, run, g) != 0) {
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->lock);
        free(g);
        return NULL;
    }
    return g;
}

void mock_guard_resume_all(mock_guard *g)
{
    pthread_mutex_lock(&g->lock);
    for (guard_conn *gc = g->head; gc; gc = gc->next) {
        if (gc->state == GUARD_SUSPENDED) {
            gc->state = GUARD_ANSWERING;
            MHD_resume_connection(gc->c);
        }
    }
    pthread_mutex_unlock(&g->lock);
}

void mock_guard_stop(mock_guard *g)
{
    if (!g)
        return;
    mock_guard_resume_all(g);
    pthread_mutex_lock(&g->lock);
    g->stop = true;
    pthread_cond_broadcast(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

void mock_guard_add(mock_guard *g, guard_conn *gc, struct MHD_Connection *c, int fd)
{
    memset(gc, 0, sizeof *gc);
    gc->c = c;
    gc->fd = fd;
    gc->state = GUARD_HEADERS;
    gc->since_ms = stamp_ms();
    pthread_mutex_lock(&g->lock);
    gc->next = g->head;
    if (g->head)
        g->head->prev = gc;
    g->head = gc;
    pthread_mutex_unlock(&g->lock);
}

void mock_guard_remove(mock_guard *g, guard_conn *gc)
{
    pthread_mutex_lock(&g->lock);
    if (gc->prev)
        gc->prev->next = gc->next;
    else if (g->head == gc)
        g->head = gc->next;
    if (gc->next)
        gc->next->prev = gc->prev;
    gc->prev = gc->next = NULL;
    pthread_mutex_unlock(&g->lock);
}

void mock_guard_set(mock_guard *g, guard_conn *gc, guard_state st)
{
    pthread_mutex_lock(&g->lock);
    gc->state = st;
    gc->since_ms = stamp_ms();
    pthread_mutex_unlock(&g->lock);
}

void mock_guard_suspend(mock_guard *g, guard_conn *gc, unsigned ms)
{
    pthread_mutex_lock(&g->lock);
    gc->state = GUARD_SUSPENDED;
    gc->due_ms = mock_guard_now_ms() + ms;
    pthread_cond_broadcast(&g->wake);
    pthread_mutex_unlock(&g->lock);
}

bool mock_guard_evict(mock_guard *g, int64_t min_age_ms)
{
    int64_t now = mock_guard_now_ms();
    guard_conn *oldest = NULL;
    pthread_mutex_lock(&g->lock);
    for (guard_conn *gc = g->head; gc; gc = gc->next)
        if (!gc->closing && !gc->hung_up && gc->state == GUARD_HEADERS &&
            now - gc->since_ms >= min_age_ms &&
            (!oldest || gc->since_ms < oldest->since_ms))
            oldest = gc;
    if (oldest)
        close_conn(oldest);
    pthread_mutex_unlock(&g->lock);
    return oldest != NULL;
}
