/* door.c - the accept loop in front of libmicrohttpd (door.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "door.h"
#include "sock.h"

/* Connections taken from the backlog per wake-up, so that the pending
 * ones are looked at between bursts. */
#define ACCEPT_BURST 64

typedef struct pending {
    int fd;
    socklen_t len;
    struct sockaddr_storage addr;
    int64_t since_ms;
} pending;

struct mock_door {
    int listen_fd, epoll_fd, stop_fd;
    unsigned hold_ms;
    door_hand_fn hand;
    door_turned_fn turned;
    void *ctx;
    pthread_t thread;
    pending *held; /* slots; fd -1 = free */
    size_t n_held;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void turn_away(mock_door *d, int fd, const struct sockaddr *a, const char *reason)
{
    char peer[MOCK_PEER_TEXT];
    mock_sock_peer_text(a, peer, sizeof peer);
    close(fd);
    d->turned(d->ctx, reason, peer);
}

/* Decides on fd now when its first bytes say enough; false: keep it. */
static bool decide(mock_door *d, int fd, const struct sockaddr *a, socklen_t len, bool force)
{
    mock_first first = mock_sock_first(fd);
    if (first == MOCK_FIRST_TLS)
        turn_away(d, fd, a, "tls-to-plain-port");
    else if (first == MOCK_FIRST_EOF)
        turn_away(d, fd, a, "closed-before-request");
    else if (first == MOCK_FIRST_OTHER || force)
        d->hand(d->ctx, fd, a, len);
    else
        return false;
    return true;
}

static void release(mock_door *d, pending *p)
{
    epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, p->fd, NULL);
    p->fd = -1;
    d->n_held--;
}

static void hold(mock_door *d, int fd, const struct sockaddr_storage *ss, socklen_t len)
{
    pending *p = NULL;
    for (size_t i = 0; i < DOOR_PENDING_MAX && !p; i++)
        if (d->held[i].fd < 0)
            p = &d->held[i];
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP};
    if (p) {
        ev.data.ptr = p;
        *p = (pending){fd, len, *ss, now_ms()};
    }
    if (!p || epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        if (p)
            p->fd = -1;
        d->hand(d->ctx, fd, (const struct sockaddr *)ss, len); /* no room: as it is */
        return;
    }
    d->n_held++;
}

static void accept_some(mock_door *d)
{
    for (int i = 0; i < ACCEPT_BURST; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept(d->listen_fd, (struct sockaddr *)&ss, &len);
        if (fd >= 0 && (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)) {
            close(fd);
            continue;
        }
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors: let the backlog wait a moment rather
                 * than spin on it. */
                struct timespec ts = {0, 20 * 1000000L};
                nanosleep(&ts, NULL);
            }
            return;
        }
        if (!decide(d, fd, (const struct sockaddr *)&ss, len, d->n_held >= DOOR_PENDING_MAX))
            hold(d, fd, &ss, len);
    }
}

/* Hands over whatever has waited hold_ms; the wait until the next is due. */
static int expire(mock_door *d, bool all)
{
    int64_t now = now_ms();
    int wait = -1;
    for (size_t i = 0; i < DOOR_PENDING_MAX && d->n_held; i++) {
        pending *p = &d->held[i];
        if (p->fd < 0)
            continue;
        int64_t left = p->since_ms + d->hold_ms - now;
        if (all || left <= 0) {
            int fd = p->fd;
            release(d, p);
            if (all)
                turn_away(d, fd, (const struct sockaddr *)&p->addr, "refused-while-stopping");
            else
                decide(d, fd, (const struct sockaddr *)&p->addr, p->len, true);
        } else if (wait < 0 || left < wait) {
            wait = (int)left;
        }
    }
    return wait;
}

static void *run(void *arg)
{
    mock_door *d = arg;
    struct epoll_event ev[64];
    int wait = -1;
    for (;;) {
        int n = epoll_wait(d->epoll_fd, ev, 64, wait);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            void *tag = ev[i].data.ptr;
            if (tag == &d->stop_fd) {
                expire(d, true);
                return NULL;
            }
            if (tag == &d->listen_fd) {
                accept_some(d);
                continue;
            }
            pending *p = tag;
            if (p->fd < 0)
                continue;
            int fd = p->fd;
            release(d, p);
            decide(d, fd, (const struct sockaddr *)&p->addr, p->len, true);
        }
        wait = expire(d, false);
    }
    return NULL;
}

mock_door *mock_door_start(int listen_fd, unsigned hold_ms, door_hand_fn hand,
                           door_turned_fn turned, void *ctx)
{
    mock_door *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->listen_fd = listen_fd;
    d->hold_ms = hold_ms;
    d->hand = hand;
    d->turned = turned;
    d->ctx = ctx;
    d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    d->held = malloc(DOOR_PENDING_MAX * sizeof *d->held);
    bool ok = d->epoll_fd >= 0 && d->stop_fd >= 0 && d->held;
    if (ok) {
        for (size_t i = 0; i < DOOR_PENDING_MAX; i++)
            d->held[i].fd = -1;
        struct epoll_event a = {.events = EPOLLIN, .data.ptr = &d->listen_fd};
        struct epoll_event s = {.events = EPOLLIN, .data.ptr = &d->stop_fd};
        ok = epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, listen_fd, &a) == 0 &&
             epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, d->stop_fd, &s) == 0 &&
             pthread_create(&d->thread, NULL, run, d) == 0;
    }
    if (!ok) {
        if (d->epoll_fd >= 0)
            close(d->epoll_fd);
        if (d->stop_fd >= 0)
            close(d->stop_fd);
        free(d->held);
        free(d);
        return NULL;
    }
    return d;
}

void mock_door_stop(mock_door *d)
{
    if (!d)
        return;
    uint64_t one = 1;
    ssize_t w = write(d->stop_fd, &one, sizeof one);
    (void)w;
    pthread_join(d->thread, NULL);
    close(d->epoll_fd);
    close(d->stop_fd);
    free(d->held);
    free(d);
}
