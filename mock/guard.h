/* mock/guard.h (internal to quo-mock) - the watchdog that keeps the mock
 * available: deadlines for a whole header block and a whole body however
 * slowly the bytes trickle in (slowloris), room made at capacity by
 * closing the oldest connection still waiting for headers, delayed answers
 * (Prefer: delay=MS: the connection is suspended, then resumed), and a
 * periodic tick (the reports are rewritten on it).
 *
 * A connection is closed from the guard's thread with shutdown(2) on its
 * socket: libmicrohttpd then sees the peer gone and cleans up in its own
 * thread, as for any client that hangs up.
 *
 * Thread-safe. Ownership: guard_conn lives in the caller's per-connection
 * state; the caller adds it when the connection starts and removes it
 * before freeing it. mock_guard_stop() frees the guard.
 */
#ifndef QUO_MOCK_GUARD_H
#define QUO_MOCK_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

typedef enum guard_state {
    GUARD_HEADERS,   /* waiting for a request's header block */
    GUARD_BODY,      /* headers in, body being read */
    GUARD_ANSWERING, /* answered or being answered: no deadline */
    GUARD_SUSPENDED  /* a delayed answer: resumed at due_ms */
} guard_state;

typedef struct guard_conn {
    struct guard_conn *prev, *next;
    struct MHD_Connection *c;
    int fd;
    guard_state state;
    int64_t since_ms, due_ms;
    bool closing;
    bool hung_up; /* its peer closed while it waited for headers: closed, not counted */
} guard_conn;

typedef struct mock_guard mock_guard;

/* reason: "header-deadline" or "body-deadline" (a connection closed) */
typedef void (*guard_expired_fn)(void *ctx, const char *reason);
typedef void (*guard_tick_fn)(void *ctx);

/* Deadlines in ms (0 = none); tick_ms 0 = no tick. NULL on failure. */
mock_guard *mock_guard_start(unsigned header_ms, unsigned body_ms, unsigned tick_ms,
                             guard_expired_fn expired, guard_tick_fn tick, void *ctx);
/* Resumes every suspended connection, stops the thread, frees. */
void mock_guard_stop(mock_guard *g);

void mock_guard_add(mock_guard *g, guard_conn *gc, struct MHD_Connection *c, int fd);
void mock_guard_remove(mock_guard *g, guard_conn *gc);
void mock_guard_set(mock_guard *g, guard_conn *gc, guard_state st);
/* After MHD_suspend_connection(gc->c): resume it in ms. */
void mock_guard_suspend(mock_guard *g, guard_conn *gc, unsigned ms);
/* Resumes every suspended connection now (shutdown, a second signal). */
void mock_guard_resume_all(mock_guard *g);
/* Closes the connection that has waited longest for its headers, when it
 * has waited at least min_age_ms; true when one was closed. */
bool mock_guard_evict(mock_guard *g, int64_t min_age_ms);

int64_t mock_guard_now_ms(void);

#endif
