/* server.c - the core behind libmicrohttpd, with the limits a server on a
 * network needs.
 *
 * Limits and what a client sees (docs/mock.md has the table):
 *   body over max_body          413 (answered before the body is read when
 *                               Content-Length says so; a chunked body is
 *                               read and dropped up to DISCARD_MAX past the
 *                               limit, then the connection is closed)
 *   headers over max_header     431 (a header block too large even for the
 *                               connection's memory pool gets libmicrohttpd's
 *                               own 431 and is not recorded)
 *   connections over max        the oldest connection still waiting for
 *                               its headers is closed to make room; else
 *                               503 with Connection: close, for up to
 *                               `margin` extra connections; beyond that
 *                               refused at accept (never left in the
 *                               kernel's backlog)
 *   idle longer than timeout    the connection is closed
 *   header block not complete   closed after header_deadline seconds, however
 *                               slowly the bytes trickle in (guard.c)
 *   body not complete           closed after body_deadline seconds
 *   bodies over body_budget     503 (the mock's limit: not judged)
 *   JSON deeper than max_depth  400 from the core (the gate's depth limit)
 *
 * Before the core, each request goes through the HTTP rules (http_rules.h,
 * on the raw header bytes and target), the /__quo/ endpoints, CORS
 * preflights (--cors), the rate limit and fault plan (faults.h), and its
 * fault preferences (prefer.h), which shape the answer here: delay, drop,
 * reset, truncate, extra-members, chunked.
 *
 * Connections are accepted by the door (door.h), which turns away TLS
 * hellos and connections closed before a byte, and hands the rest to
 * libmicrohttpd. When a connection ends, account_close() counts what on it
 * never became a request the mock answered (no request line, libmicrohttpd's
 * own answers), by peer address (peers.h). Bodies over JUDGE_INLINE_MAX are
 * judged on the judge's thread (judge.h) so that the workers stay
 * responsive.
 *
 * One conn_ctx per TCP connection carries the per-request state; HTTP/1.1
 * requests on a connection are sequential, so it is reused and its body
 * buffer survives between requests (bounded by KEEP_BUFFER).
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "quo/io.h"
#include "quo/json.h"
#include "core.h"
#include "door.h"
#include "faults.h"
#include "guard.h"
#include "http_rules.h"
#include "judge.h"
#include "prefer.h"
#include "record.h"
#include "sock.h"
#include "text.h"

#define KEEP_BUFFER (64u * 1024u)
#define DISCARD_MAX (16u * 1024u * 1024u)
/* A connection waiting this long for headers may be closed to make room. */
#define EVICT_MIN_AGE_MS 500
#define ROUTE_MAX 2048
#define EXTRA_PREFER_MAX 256
/* How long the door waits for a new connection's first bytes before it
 * hands the connection to libmicrohttpd as it is (door.h). */
#define DOOR_HOLD_MS 100
/* libmicrohttpd's own answers not yet matched to the connection they
 * closed. */
#define MHD_STATUS_QUEUE 16
/* Connections the door may hand past hand_max while the ones closed to
 * make room are still closing; libmicrohttpd's limit is above both. */
#define HAND_SLACK 32
/* Bodies larger than this are judged on the judge's thread (judge.h). */
#define JUDGE_INLINE_MAX (64u * 1024u)

typedef struct report_file {
    char *path;
    quo_mock_report_format fmt;
} report_file;

struct quo_mock_server {
    quo_mock_core *core;
    const quo_spec *spec;
    struct MHD_Daemon *daemon;
    mock_guard *guard;
    mock_faults *faults;
    mock_door *door;
    mock_judge *judge; /* NULL with a thread per connection */
    int listen_fd;
    unsigned port;
    size_t max_body, max_header, body_budget;
    unsigned max_conn, margin, timeout, drain;
    int log_fd;
    bool quiet, cors, tpc;
    report_file reports[QUO_MOCK_REPORT_MAX + 1];
    size_t n_reports;
    pthread_mutex_t report_lock; /* one writer of the report files at a time */
    int64_t next_report_ms;      /* the guard thread's, for on_tick() */
    uint64_t report_gen;
    bool reported;
    atomic_uint conns;
    atomic_uint handed;  /* sockets given to libmicrohttpd and not yet closed */
    unsigned hand_max;   /* at most this many (door_hand()) */
    atomic_size_t body_bytes;
    atomic_uint_fast64_t seq; /* requests begun: the fault plan's numbers */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned inflight;
    bool draining, finished, hurry;
    int mhd_status[MHD_STATUS_QUEUE]; /* under lock: statuses libmicrohttpd */
    size_t mhd_first, mhd_count;      /* logged, oldest first */
    quo_status finish_status;
    quo_error finish_error;
};

typedef struct conn_ctx {
    guard_conn guard; /* first: the guard's view of this connection */
    quo_mock_server *srv;
    bool overflow;  /* beyond max_connections with no room to make: 503 */
    bool active;    /* a request is in flight (counted in srv->inflight) */
    bool responded;
    bool too_big;
    bool over_budget;
    bool oom;
    bool delayed;   /* the delay of this request is over */
    bool local;     /* a /__quo/ endpoint or a CORS preflight: not recorded */
    mock_framing framing;
    size_t discarded, reserved;
    char *body;
    size_t len, cap;
    quo_mock_header *hdrs;
    size_t n_hdrs, hdr_cap, hdr_bytes;
    mock_raw_header *raw;
    size_t n_raw, raw_cap;
    char *target;   /* the request target as received (URI log callback) */
    char route[ROUTE_MAX];
    char extra_prefer[EXTRA_PREFER_MAX]; /* query, plan, rate limit */
    mock_fault fault;
    char fault_text[128];
    mock_findings pre;
    struct timespec start;
    /* Accounting of the connection (account_close()). */
    char peer[MOCK_PEER_TEXT];
    unsigned lines, begun;   /* request lines libmicrohttpd parsed; requests begun */
    bool peer_linked;        /* its client is tied to its address in the record */
    bool closed_answer;      /* the last answer closed the connection */
    bool mhd_ended;          /* libmicrohttpd ended a request before the handler */
    enum MHD_RequestTerminationCode mhd_toe;
    mock_sock_bytes done;    /* the socket's byte counts after the last answer */
    /* A large body judged on the judge's thread: set there, read after
     * the connection is resumed. */
    struct MHD_Connection *conn;
    const char *method;
    bool judging, judged;
    quo_status judge_st;
    quo_mock_response judge_resp;
    size_t judge_viol;
} conn_ctx;

static mock_record *record_of(quo_mock_server *srv)
{
    return mock_core_record(srv->core);
}

/* ---- connections ----------------------------------------------------------- */

/* New connections: turned away while shutting down; at capacity the
 * oldest connection still waiting for its headers makes room; past the
 * 503 margin refused at once (closed), never left in the backlog. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)addr;
    (void)len;
    quo_mock_server *srv = cls;
    pthread_mutex_lock(&srv->lock);
    bool draining = srv->draining;
    pthread_mutex_unlock(&srv->lock);
    if (draining) {
        mock_record_unanswered(record_of(srv), "refused-while-stopping");
        return MHD_NO;
    }
    unsigned n = atomic_load(&srv->conns);
    if (n < srv->max_conn + srv->margin)
        return MHD_YES;
    /* Full: a connection that has waited long for its own headers gives
     * its place to the newcomer; else the newcomer is refused now. */
    if (srv->guard && mock_guard_evict(srv->guard, EVICT_MIN_AGE_MS)) {
        mock_record_unanswered(record_of(srv), "closed-to-make-room");
        return MHD_YES;
    }
    mock_record_unanswered(record_of(srv), "refused-at-capacity");
    return MHD_NO;
}

static void conn_free(conn_ctx *cc)
{
    mock_findings_free(&cc->pre);
    free(cc->body);
    free(cc->hdrs);
    free(cc->raw);
    free(cc->target);
    free(cc);
}

/* The oldest status libmicrohttpd logged and no connection claimed yet;
 * 0 when none. */
static int take_mhd_status(quo_mock_server *srv)
{
    int status = 0;
    pthread_mutex_lock(&srv->lock);
    if (srv->mhd_count) {
        status = srv->mhd_status[srv->mhd_first];
        srv->mhd_first = (srv->mhd_first + 1) % MHD_STATUS_QUEUE;
        srv->mhd_count--;
    }
    pthread_mutex_unlock(&srv->lock);
    return status;
}

static const char *ended_reason(const conn_ctx *cc)
{
    switch (cc->mhd_toe) {
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
        return "idle-timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
        return "cut-by-shutdown";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
        return "closed-by-client";
    default:
        return mock_sock_peer_closed(cc->guard.fd) ? "closed-by-client"
                                                   : "dropped-by-libmicrohttpd";
    }
}

/* A connection ends: whatever on it never became a request the mock
 * answered is counted by reason and by peer address (docs/mock.md, "Every
 * request is accounted for"). The socket is still open here, so the
 * kernel's byte counts tell what came and went after the last answer:
 *   bytes out  libmicrohttpd answered by itself (505, its 400/414/431);
 *   a request line but no handler call: how libmicrohttpd ended it;
 *   bytes in   that never made a request line: "no-request-line";
 *   nothing at all: "closed-before-request" (or an idle timeout). */
static void account_close(conn_ctx *cc)
{
    quo_mock_server *srv = cc->srv;
    if (cc->guard.closing || !srv->core)
        return; /* the guard closed it and counted why */
    mock_sock_bytes now;
    bool known = mock_sock_bytes_now(cc->guard.fd, &now);
    uint64_t in = known ? now.in - cc->done.in : 0, out = known ? now.out - cc->done.out : 0;
    /* The kernel counts SYN and FIN as a byte each: the peer's FIN is no
     * byte it sent; an answer is at least "HTTP/1.1 NNN" (12 bytes). */
    bool peer_closed = mock_sock_peer_closed(cc->guard.fd);
    if (in && peer_closed)
        in--;
    const char *why = NULL;
    int status = 0;
    if (out >= 12) {
        why = "answered-by-libmicrohttpd";
        status = take_mhd_status(srv);
    } else if (cc->mhd_ended) {
        why = ended_reason(cc);
    } else if (cc->lines == cc->begun && in > 0 && !cc->closed_answer) {
        why = "no-request-line";
    } else if (cc->begun == 0 && cc->lines == 0) {
        pthread_mutex_lock(&srv->lock);
        bool draining = srv->draining;
        pthread_mutex_unlock(&srv->lock);
        why = peer_closed ? "closed-before-request" : draining ? "cut-by-shutdown" : "idle-timeout";
    }
    if (why)
        mock_record_connection(record_of(srv), why, cc->peer, status);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    quo_mock_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        unsigned n = atomic_fetch_add(&srv->conns, 1) + 1;
        conn_ctx *cc = calloc(1, sizeof *cc);
        (void)n;
        if (cc) {
            cc->srv = srv;
            mock_findings_init(&cc->pre);
            const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
            mock_guard_add(srv->guard, &cc->guard, c, ci ? ci->connect_fd : -1);
            ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
            mock_sock_peer_text(ci ? ci->client_addr : NULL, cc->peer, sizeof cc->peer);
        }
        *socket_ctx = cc;
    } else {
        atomic_fetch_sub(&srv->conns, 1);
        atomic_fetch_sub(&srv->handed, 1);
        conn_ctx *cc = *socket_ctx;
        if (cc) {
            account_close(cc);
            mock_guard_remove(srv->guard, &cc->guard);
            atomic_fetch_sub(&srv->body_bytes, cc->reserved);
            conn_free(cc);
        }
        *socket_ctx = NULL;
    }
}

/* The request target exactly as received, before libmicrohttpd decodes it
 * (and would cut it at an encoded NUL). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_ctx *cc = ci ? ci->socket_context : NULL;
    if (cc) {
        free(cc->target);
        cc->target = uri ? strdup(uri) : NULL;
        cc->lines++;
    }
    /* The request's context from here on: on_completed() hears of a
     * request libmicrohttpd ends before the handler sees it. */
    return cc;
}

static void request_done(conn_ctx *cc)
{
    if (!cc->active)
        return;
    cc->active = false;
    if (cc->judged) /* judged, but the connection ended before the answer went */
        quo_mock_response_free(&cc->judge_resp);
    cc->judged = false;
    cc->responded = cc->too_big = cc->oom = cc->over_budget = cc->delayed = cc->local = false;
    cc->framing = MOCK_FRAMING_OK;
    cc->discarded = cc->len = cc->n_hdrs = cc->n_raw = cc->hdr_bytes = 0;
    cc->extra_prefer[0] = cc->fault_text[0] = '\0';
    memset(&cc->fault, 0, sizeof cc->fault);
    mock_findings_free(&cc->pre);
    quo_mock_server *srv = cc->srv;
    atomic_fetch_sub(&srv->body_bytes, cc->reserved);
    cc->reserved = 0;
    if (cc->cap > KEEP_BUFFER) {
        free(cc->body);
        cc->body = NULL;
        cc->cap = 0;
    }
    mock_guard_set(srv->guard, &cc->guard, GUARD_HEADERS);
    mock_sock_bytes_now(cc->guard.fd, &cc->done);
    pthread_mutex_lock(&srv->lock);
    if (--srv->inflight == 0)
        pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_ctx,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    quo_mock_server *srv = cls;
    conn_ctx *cc = *req_ctx;
    if (cc && !cc->active) {
        /* Ended by libmicrohttpd before the handler was called (its own
         * answer, a timeout, the client gone): account_close() counts it,
         * knowing whether an answer went out. */
        cc->mhd_ended = true;
        cc->mhd_toe = toe;
    } else if (cc) {
        if (!cc->responded && !cc->local) {
            const char *why = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "idle-timeout"
                              : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT
                                  ? "closed-by-client"
                              : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN
                                  ? "cut-by-shutdown"
                                  : "dropped-by-libmicrohttpd";
            mock_record_unanswered(record_of(srv), why);
        }
        request_done(cc);
    }
    *req_ctx = NULL;
}

/* ---- logging ------------------------------------------------------------------ */

/* The pieces of a log line, appended while they fit (log_line()). */
typedef struct log_text {
    char s[400];
    size_t n;
} log_text;

static void log_put(log_text *t, const char *s, size_t len)
{
    size_t room = sizeof t->s - 1 - t->n; /* one byte kept for the newline */
    if (len > room)
        len = room;
    memcpy(t->s + t->n, s, len);
    t->n += len;
}

static void log_put_u(log_text *t, uint64_t v, int min_digits)
{
    char d[24];
    int k = 0;
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || k < min_digits);
    while (k)
        log_put(t, &d[--k], 1);
}

/* "METHOD /path STATUS 0.123ms[ violations=N]": built by hand, not with
 * snprintf, as the mock logs every request by default. */
static void log_line(conn_ctx *cc, const char *method, const char *url, int status,
                     size_t violations)
{
    quo_mock_server *srv = cc->srv;
    if (srv->quiet)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - cc->start.tv_sec) * 1000000000 +
                 (now.tv_nsec - cc->start.tv_nsec);
    uint64_t us = ns > 0 ? (uint64_t)(ns + 500) / 1000 : 0;
    char m[48], p[240];
    mock_text_excerpt(m, sizeof m, method, strlen(method), 16);
    mock_text_excerpt(p, sizeof p, url, strlen(url), 200);
    log_text t = {.n = 0};
    log_put(&t, m, strlen(m));
    log_put(&t, " ", 1);
    log_put(&t, p, strlen(p));
    log_put(&t, " ", 1);
    log_put_u(&t, status > 0 ? (uint64_t)status : 0, 1);
    log_put(&t, " ", 1);
    log_put_u(&t, us / 1000, 1);
    log_put(&t, ".", 1);
    log_put_u(&t, us % 1000, 3);
    log_put(&t, "ms", 2);
    if (violations) {
        log_put(&t, " violations=", 12);
        log_put_u(&t, violations, 1);
    }
    t.s[t.n++] = '\n';
    /* One write per line keeps lines whole when threads log at once; a
     * log that cannot be written (a closed pipe) costs the mock nothing. */
    ssize_t w = write(srv->log_fd, t.s, t.n);
    (void)w;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    quo_mock_server *srv = cls;
    char msg[300], line[360];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* libmicrohttpd's own answers (505, its 400 for a bad Content-Length,
     * its 431) never reach the handler: this message is where 0.9.75
     * names their status, once per answer. The connection it closes counts
     * it (account_close()) and takes the status from here, oldest first. */
    const char *code = strstr(msg, "HTTP response code is ");
    if (strncmp(msg, "Error processing request", 24) == 0 && code) {
        char *end;
        errno = 0;
        long status = strtol(code + 22, &end, 10);
        if (errno || end == code + 22 || status < 100 || status > 599)
            status = 0; /* not a status: matched as "not known" */
        pthread_mutex_lock(&srv->lock);
        if (srv->mhd_count == MHD_STATUS_QUEUE) {
            srv->mhd_first = (srv->mhd_first + 1) % MHD_STATUS_QUEUE;
            srv->mhd_count--;
        }
        srv->mhd_status[(srv->mhd_first + srv->mhd_count++) % MHD_STATUS_QUEUE] = (int)status;
        pthread_mutex_unlock(&srv->lock);
    }
    if (srv->quiet)
        return;
    size_t n = strcspn(msg, "\n");
    msg[n] = '\0';
    int len = snprintf(line, sizeof line, "quo-mock: libmicrohttpd: %s\n", msg);
    if (len > 0) {
        ssize_t w = write(srv->log_fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
        (void)w;
    }
}

/* ---- answers ------------------------------------------------------------------- */

/* A body given out in pieces: chunked (size unknown) or truncated (half of
 * the announced length, then the connection is closed). */
typedef struct piece_ctx {
    char *body;
    size_t len, limit, step;
} piece_ctx;

static ssize_t piece_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    piece_ctx *p = cls;
    if (pos >= p->limit)
        return p->limit < p->len ? MHD_CONTENT_READER_END_WITH_ERROR
                                 : MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = p->limit - (size_t)pos;
    if (n > p->step)
        n = p->step;
    if (n > max)
        n = max;
    memcpy(buf, p->body + pos, n);
    return (ssize_t)n;
}

static void piece_free(void *cls)
{
    piece_ctx *p = cls;
    free(p->body);
    free(p);
}

/* True when the spec's schema for `status` lets an object carry members it
 * does not list (additionalProperties absent or true). */
static bool open_object(const quo_json_doc *lengths, const cJSON *schema)
{
    const cJSON *ap = quo_json_member(lengths, schema, "additionalProperties");
    return !ap || cJSON_IsTrue(ap) || cJSON_IsObject(ap);
}

/* Prefer: extra-members: unknown members added wherever the schema of the
 * answer allows them (the top level, and `data` of a 201), so a client
 * that rejects unknown members is caught. body is replaced on success. */
static void add_extra_members(quo_mock_server *srv, int status, char **body, size_t *len)
{
    const cJSON *schema = quo_spec_response_schema_json(srv->spec, status);
    cJSON *doc = cJSON_ParseWithLength(*body, *len);
    if (!doc || !schema || !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return;
    }
    /* The schema is a gate tree (the spec's): its names are read by full
     * length, so "data\u0000x" in a spec never passes for "data". */
    const quo_json_doc *lengths = quo_spec_doc(srv->spec);
    bool ok = true;
    if (open_object(lengths, schema))
        ok = cJSON_AddStringToObject(doc, "quoMockExtra", "an unknown member: ignore it") != NULL;
    const cJSON *props = quo_json_member(lengths, schema, "properties");
    cJSON *child;
    cJSON_ArrayForEach(child, doc)
    {
        const cJSON *sub = child->string ? quo_json_member(lengths, props, child->string) : NULL;
        if (ok && cJSON_IsObject(child) && sub && open_object(lengths, sub))
            ok = cJSON_AddNumberToObject(child, "quoMockExtra", 1) != NULL;
    }
    char *text = ok ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    if (!text)
        return;
    free(*body);
    *body = text;
    *len = strlen(text);
}

static enum MHD_Result send_oom(conn_ctx *cc, struct MHD_Connection *c, const char *method,
                                const char *url)
{
    size_t len;
    const char *body = mock_core_oom_body(cc->srv->core, &len);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", mock_core_media_type(cc->srv->core));
    MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, 500, r);
    MHD_destroy_response(r);
    cc->responded = true;
    cc->closed_answer = true;
    mock_guard_set(cc->srv->guard, &cc->guard, GUARD_ANSWERING);
    log_line(cc, method, url, 500, 0);
    return ret;
}

static struct MHD_Response *make_response(conn_ctx *cc, quo_mock_response *resp)
{
    const mock_fault *f = &cc->fault;
    if (f->extra_members)
        add_extra_members(cc->srv, resp->status, &resp->body, &resp->body_len);
    if (!f->chunked && !f->truncate) {
        struct MHD_Response *r =
            MHD_create_response_from_buffer(resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE);
        if (r)
            resp->body = NULL; /* libmicrohttpd frees it now */
        return r;
    }
    piece_ctx *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    p->body = resp->body;
    p->len = resp->body_len;
    p->limit = f->truncate ? resp->body_len / 2 : resp->body_len;
    p->step = f->chunked ? 16 : p->len;
    struct MHD_Response *r = MHD_create_response_from_callback(
        f->chunked && !f->truncate ? MHD_SIZE_UNKNOWN : resp->body_len, 64, piece_reader, p,
        piece_free);
    if (!r) {
        free(p);
        return NULL;
    }
    resp->body = NULL;
    return r;
}

static enum MHD_Result send_response(conn_ctx *cc, struct MHD_Connection *c, quo_status st,
                                     quo_mock_response *resp, size_t violations,
                                     const char *method, const char *url, bool close)
{
    if (st != QUO_OK)
        return send_oom(cc, c, method, url);
    quo_mock_server *srv = cc->srv;
    cc->responded = true;
    mock_guard_set(srv->guard, &cc->guard, GUARD_ANSWERING);
    if (cc->fault.drop || cc->fault.reset) {
        /* Prefer: drop / reset: no answer at all (recorded as forced). */
        cc->closed_answer = true;
        if (cc->fault.reset && cc->guard.fd >= 0) {
            struct linger lg = {1, 0};
            setsockopt(cc->guard.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        log_line(cc, method, url, 0, violations);
        quo_mock_response_free(resp);
        return MHD_NO;
    }
    struct MHD_Response *r = make_response(cc, resp);
    if (!r) {
        quo_mock_response_free(resp);
        return send_oom(cc, c, method, url);
    }
    bool ok = true;
    for (size_t i = 0; i < resp->header_count; i++)
        ok = ok && MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    int status = resp->status;
    /* The real service says when to come back: so does the mock. */
    if ((status == 429 || status == 503) && !quo_mock_response_header(resp, "Retry-After"))
        ok = ok && MHD_add_response_header(r, "Retry-After", "1");
    if (srv->cors)
        ok = ok && MHD_add_response_header(r, "Access-Control-Allow-Origin", "*") &&
             MHD_add_response_header(r, "Access-Control-Expose-Headers",
                                     "Quo-Mock-Verdict, Quo-Mock-Violations, Retry-After, "
                                     "Preference-Applied");
    if (cc->fault_text[0])
        ok = ok && MHD_add_response_header(r, "Quo-Mock-Fault", cc->fault_text);
    pthread_mutex_lock(&srv->lock);
    close = close || srv->draining || cc->fault.truncate;
    pthread_mutex_unlock(&srv->lock);
    if (close)
        ok = ok && MHD_add_response_header(r, "Connection", "close");
    /* Bytes after a closing answer (the rest of a refused body) are no
     * request of their own. */
    cc->closed_answer = close;
    quo_mock_response_free(resp);
    if (!ok) {
        MHD_destroy_response(r);
        return send_oom(cc, c, method, url);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    log_line(cc, method, url, status, violations);
    return ret;
}

/* The request as the core sees it: the routed path, the headers, and the
 * extra Prefer text (query parameter, fault plan, rate limit) as one more
 * Prefer header. */
static quo_mock_request core_request(conn_ctx *cc, const char *method)
{
    if (cc->extra_prefer[0] && cc->n_hdrs < cc->hdr_cap &&
        (cc->n_hdrs == 0 || cc->hdrs[cc->n_hdrs - 1].value != cc->extra_prefer))
        cc->hdrs[cc->n_hdrs++] = (quo_mock_header){"Prefer", cc->extra_prefer};
    quo_mock_request req = {method, cc->route, cc->hdrs, cc->n_hdrs, cc->body ? cc->body : "",
                            cc->len};
    return req;
}

static enum MHD_Result reject(conn_ctx *cc, struct MHD_Connection *c, const char *method,
                              const char *url, int status, int client_fault, const char *msg)
{
    quo_mock_request req = core_request(cc, method);
    req.body = NULL;
    req.body_len = 0;
    quo_mock_response resp;
    size_t viol = 0;
    quo_status st = mock_core_reject_http(cc->srv->core, &req, status, client_fault, msg,
                                          &cc->pre, &resp, &viol);
    return send_response(cc, c, st, &resp, viol, method, url, true);
}

/* ---- requests ------------------------------------------------------------------- */

static enum MHD_Result collect_raw(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    conn_ctx *cc = cls;
    if (cc->n_raw == cc->raw_cap) {
        size_t cap = cc->raw_cap ? cc->raw_cap * 2 : 16;
        mock_raw_header *h = realloc(cc->raw, cap * sizeof *h);
        if (!h) {
            cc->oom = true;
            return MHD_NO;
        }
        cc->raw = h;
        cc->raw_cap = cap;
    }
    cc->raw[cc->n_raw++] = (mock_raw_header){key, value ? value : "", key_size,
                                             value ? value_size : 0};
    cc->hdr_bytes += key_size + value_size + 4;
    return MHD_YES;
}

/* The headers for the core: NUL-terminated views, +1 slot for the extra
 * Prefer. A value holding NUL is seen cut there by the core, but the HTTP
 * rules have already made that request non-conforming. */
static bool make_headers(conn_ctx *cc)
{
    if (cc->n_raw + 1 > cc->hdr_cap) {
        quo_mock_header *h = realloc(cc->hdrs, (cc->n_raw + 1) * sizeof *h);
        if (!h)
            return false;
        cc->hdrs = h;
        cc->hdr_cap = cc->n_raw + 1;
    }
    for (size_t i = 0; i < cc->n_raw; i++)
        cc->hdrs[i] = (quo_mock_header){cc->raw[i].name, cc->raw[i].value};
    cc->n_hdrs = cc->n_raw;
    return true;
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    conn_ctx *cc = cls;
    cc->hdr_bytes += strlen(key) + (value ? strlen(value) : 0) + 2;
    return MHD_YES;
}

static void add_prefer(conn_ctx *cc, const char *text)
{
    size_t n = strlen(cc->extra_prefer);
    snprintf(cc->extra_prefer + n, sizeof cc->extra_prefer - n, "%s%s", n ? ", " : "", text);
}

/* The fault preferences: the query parameter, the plan, the rate limit
 * and the Prefer headers; a malformed one is a finding. */
static void take_faults(conn_ctx *cc, struct MHD_Connection *c, const char *method)
{
    quo_mock_server *srv = cc->srv;
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "__quo_prefer");
    if (q)
        add_prefer(cc, q);
    uint64_t n = atomic_fetch_add(&srv->seq, 1) + 1;
    const char *plan = srv->faults ? mock_faults_plan(srv->faults, n) : NULL;
    if (plan)
        add_prefer(cc, plan);
    if (srv->faults) {
        /* Per key, as the real service limits; the key is hashed, never kept. */
        const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        unsigned retry;
        if (mock_faults_rate_limited(srv->faults, key ? key : "", &retry))
            add_prefer(cc, "code=429");
    }
    quo_mock_request req = core_request(cc, method);
    char bad[200] = "";
    if (mock_prefer_faults(&req, &cc->fault, bad, sizeof bad) < 0)
        mock_findings_add(&cc->pre, "prefer", "", NULL, "%s", bad);
    mock_fault_describe(&cc->fault, 0, cc->fault_text, sizeof cc->fault_text);
}

/* CORS preflight (--cors): answered, not recorded. */
static bool is_preflight(struct MHD_Connection *c, const char *method)
{
    return strcmp(method, "OPTIONS") == 0 &&
           MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin") &&
           MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Access-Control-Request-Method");
}

static enum MHD_Result send_local(conn_ctx *cc, struct MHD_Connection *c, unsigned status,
                                  char *body, size_t len, const char *type)
{
    cc->local = true;
    cc->responded = true;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body ? body : (void *)"",
                                                             body ? MHD_RESPMEM_MUST_FREE
                                                                  : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    if (type)
        MHD_add_response_header(r, "Content-Type", type);
    if (cc->srv->cors) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "POST");
        MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                "Authorization, Content-Type, Prefer, Quo-Client");
        MHD_add_response_header(r, "Access-Control-Max-Age", "600");
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* GET /__quo/report, POST /__quo/reset, and preflights. -1: not local. */
static int local_endpoint(conn_ctx *cc, struct MHD_Connection *c, const char *method)
{
    quo_mock_server *srv = cc->srv;
    if (srv->cors && is_preflight(c, method))
        return send_local(cc, c, 204, NULL, 0, NULL);
    if (strcmp(cc->route, "/__quo/report") == 0 && strcmp(method, "GET") == 0) {
        size_t len;
        char *text = quo_mock_core_report(srv->core, QUO_MOCK_REPORT_JSON, &len);
        if (!text)
            return send_oom(cc, c, method, cc->route);
        return send_local(cc, c, 200, text, len, "application/json");
    }
    if (strcmp(cc->route, "/__quo/reset") == 0 && strcmp(method, "POST") == 0) {
        mock_record_reset(record_of(srv));
        return send_local(cc, c, 204, NULL, 0, NULL);
    }
    return -1;
}

/* Reserves n more body bytes from the global budget. */
static bool reserve(conn_ctx *cc, size_t n)
{
    quo_mock_server *srv = cc->srv;
    size_t now = atomic_fetch_add(&srv->body_bytes, n) + n;
    if (now > srv->body_budget) {
        atomic_fetch_sub(&srv->body_bytes, n);
        return false;
    }
    cc->reserved += n;
    return true;
}

/* First call for a request: the headers are in. */
static enum MHD_Result begin(conn_ctx *cc, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version)
{
    quo_mock_server *srv = cc->srv;
    clock_gettime(CLOCK_MONOTONIC, &cc->start);
    mock_guard_set(srv->guard, &cc->guard, GUARD_BODY);
    pthread_mutex_lock(&srv->lock);
    srv->inflight++;
    pthread_mutex_unlock(&srv->lock);
    cc->active = true;
    cc->begun = cc->lines;
    const char *target = cc->target ? cc->target : url;
    if (!mock_http_route_path(target, strlen(target), cc->route, sizeof cc->route))
        snprintf(cc->route, sizeof cc->route, "%s", url);
    cc->hdr_bytes = strlen(method) + strlen(target) + strlen(version) + 4;
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, collect_raw, cc);
    if (cc->oom || !make_headers(cc))
        return send_oom(cc, c, method, url);
    int local = local_endpoint(cc, c, method);
    if (local >= 0)
        return (enum MHD_Result)local;
    if (!cc->peer_linked) {
        /* Once per connection: the address its client came from. */
        quo_mock_request seen = {method, cc->route, cc->hdrs, cc->n_hdrs, "", 0};
        mock_record_peer_seen(record_of(srv), cc->peer, &seen);
        cc->peer_linked = true;
    }
    cc->framing = mock_http_check(cc->target, cc->target ? strlen(cc->target) : 0, version,
                                  cc->raw, cc->n_raw, &cc->pre);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, cc);
    take_faults(cc, c, method);
    char msg[200];
    if (cc->framing == MOCK_FRAMING_CONFLICT)
        return reject(cc, c, method, cc->route, 400, 2, "The request's framing is ambiguous "
                      "(Transfer-Encoding with Content-Length, or two lengths); the connection "
                      "is closed");
    if (cc->framing == MOCK_FRAMING_UNKNOWN)
        return reject(cc, c, method, cc->route, 501, 2, "The request's transfer coding is not "
                      "implemented; send Content-Length or chunked");
    if (cc->hdr_bytes > srv->max_header) {
        snprintf(msg, sizeof msg, "The request's header block (%zu bytes) is larger than the "
                 "limit of %zu bytes", cc->hdr_bytes, srv->max_header);
        return reject(cc, c, method, cc->route, 431, 1, msg);
    }
    /* Over max_connections once this request's headers are in: a
     * connection still waiting for its headers makes room; else 503. */
    cc->overflow = false;
    if (atomic_load(&srv->conns) > srv->max_conn) {
        cc->overflow = !mock_guard_evict(srv->guard, EVICT_MIN_AGE_MS);
        if (!cc->overflow)
            mock_record_unanswered(record_of(srv), "closed-to-make-room");
    }
    if (cc->overflow) {
        snprintf(msg, sizeof msg, "Too many connections (limit %u); retry later",
                 srv->max_conn);
        return reject(cc, c, method, cc->route, 503, 0, msg);
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        errno = 0;
        char *end;
        unsigned long long n = strtoull(cl, &end, 10);
        bool big = errno == ERANGE || n > srv->max_body;
        if (end != cl && big) {
            snprintf(msg, sizeof msg, "The request body (%s bytes) is larger than the limit "
                     "of %zu bytes", errno == ERANGE ? "too many" : cl, srv->max_body);
            return reject(cc, c, method, cc->route, 413, 1, msg);
        }
        if (end != cl && n > cc->cap) {
            if (!reserve(cc, (size_t)n - cc->cap)) {
                snprintf(msg, sizeof msg, "The mock holds too many request bodies at once "
                         "(budget %zu bytes); retry later", srv->body_budget);
                return reject(cc, c, method, cc->route, 503, 0, msg);
            }
            char *b = realloc(cc->body, (size_t)n);
            if (!b)
                return send_oom(cc, c, method, url);
            cc->body = b;
            cc->cap = (size_t)n;
        }
    }
    return MHD_YES;
}

static enum MHD_Result take_upload(conn_ctx *cc, const char *data, size_t n)
{
    quo_mock_server *srv = cc->srv;
    if (cc->responded)
        return MHD_YES;
    if (cc->too_big || n > srv->max_body - cc->len) {
        cc->too_big = true;
        cc->discarded += n;
        return cc->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (cc->over_budget)
        return MHD_YES;
    if (cc->len + n > cc->cap) {
        size_t cap = cc->cap ? cc->cap : 4096;
        while (cap < cc->len + n)
            cap *= 2;
        if (cap > srv->max_body)
            cap = srv->max_body;
        if (!reserve(cc, cap - cc->cap)) {
            cc->over_budget = true;
            return MHD_YES;
        }
        char *b = realloc(cc->body, cap);
        if (!b) {
            cc->oom = true;
            return MHD_YES;
        }
        cc->body = b;
        cc->cap = cap;
    }
    memcpy(cc->body + cc->len, data, n);
    cc->len += n;
    return MHD_YES;
}

/* Prefer: delay=MS: the answer waits, without holding a worker thread
 * (the connection is suspended; the guard resumes it). */
static bool delay(conn_ctx *cc, struct MHD_Connection *c)
{
    if (!cc->fault.delay_ms || cc->delayed)
        return false;
    cc->delayed = true;
    quo_mock_server *srv = cc->srv;
    pthread_mutex_lock(&srv->lock);
    bool hurry = srv->hurry;
    pthread_mutex_unlock(&srv->lock);
    if (hurry)
        return false;
    if (srv->tpc) {
        /* A thread of its own: waiting here holds nobody else up. */
        struct timespec ts = {(time_t)(cc->fault.delay_ms / 1000),
                              (long)(cc->fault.delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return false;
    }
    MHD_suspend_connection(c);
    mock_guard_suspend(srv->guard, &cc->guard, cc->fault.delay_ms);
    return true;
}

/* On the judge's thread: the answer to a large body, then the connection
 * goes on (on_request() sends what was decided here). */
static void judge_job(void *arg)
{
    conn_ctx *cc = arg;
    quo_mock_request req = core_request(cc, cc->method);
    cc->judge_st = mock_core_handle_http(cc->srv->core, &req, &cc->pre,
                                         cc->fault_text[0] ? cc->fault_text : NULL,
                                         &cc->judge_resp, &cc->judge_viol);
    cc->judging = false;
    cc->judged = true;
    MHD_resume_connection(cc->conn);
}

/* A large body goes to the judge's thread, its connection suspended
 * meanwhile (no deadline runs: it has sent everything); false: judge it
 * here. */
static bool judge_later(conn_ctx *cc, struct MHD_Connection *c, const char *method)
{
    quo_mock_server *srv = cc->srv;
    if (!srv->judge || cc->len <= JUDGE_INLINE_MAX)
        return false;
    cc->conn = c;
    cc->method = method;
    cc->judging = true;
    mock_guard_set(srv->guard, &cc->guard, GUARD_ANSWERING);
    MHD_suspend_connection(c);
    if (mock_judge_submit(srv->judge, judge_job, cc))
        return true;
    cc->judging = false;
    MHD_resume_connection(c);
    return false;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_ctx)
{
    (void)cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_ctx *cc = ci ? ci->socket_context : NULL;
    if (!cc)
        return MHD_NO; /* its context could not be allocated: drop it */
    if (!cc->active) {
        *req_ctx = cc;
        return begin(cc, c, url, method, version);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return take_upload(cc, upload_data, n);
    }
    if (cc->responded)
        return MHD_YES;
    if (cc->oom)
        return send_oom(cc, c, method, url);
    char msg[160];
    if (cc->too_big) {
        snprintf(msg, sizeof msg, "The request body is larger than the limit of %zu bytes",
                 cc->srv->max_body);
        return reject(cc, c, method, cc->route, 413, 1, msg);
    }
    if (cc->over_budget) {
        snprintf(msg, sizeof msg, "The mock holds too many request bodies at once (budget "
                 "%zu bytes); retry later", cc->srv->body_budget);
        return reject(cc, c, method, cc->route, 503, 0, msg);
    }
    if (delay(cc, c))
        return MHD_YES;
    if (cc->judging)
        return MHD_YES;
    if (cc->judged) {
        cc->judged = false;
        return send_response(cc, c, cc->judge_st, &cc->judge_resp, cc->judge_viol, method,
                             cc->route, false);
    }
    if (judge_later(cc, c, method))
        return MHD_YES;
    quo_mock_request req = core_request(cc, method);
    quo_mock_response resp;
    size_t viol = 0;
    quo_status st = mock_core_handle_http(cc->srv->core, &req, &cc->pre,
                                          cc->fault_text[0] ? cc->fault_text : NULL, &resp,
                                          &viol);
    return send_response(cc, c, st, &resp, viol, method, cc->route, false);
}

/* ---- reports ---------------------------------------------------------------------- */

static quo_status write_reports(quo_mock_server *srv, quo_error *err)
{
    quo_status first = QUO_OK;
    pthread_mutex_lock(&srv->report_lock);
    for (size_t i = 0; i < srv->n_reports; i++) {
        quo_error e = {0};
        quo_status st = quo_mock_core_write_report(srv->core, srv->reports[i].path,
                                                   srv->reports[i].fmt, &e);
        if (st != QUO_OK && first == QUO_OK) {
            first = st;
            if (err)
                *err = e;
        }
    }
    pthread_mutex_unlock(&srv->report_lock);
    return first;
}

quo_status quo_mock_server_write_reports(quo_mock_server *server, quo_error *err)
{
    return write_reports(server, err);
}

/* Rewrites the reports when the record changed. Rendering holds the
 * record's lock, so a large record is rewritten less often: at least 20
 * times the last rewrite's duration apart (at most 5% of the time). */
static void on_tick(void *ctx)
{
    quo_mock_server *srv = ctx;
    int64_t now = mock_guard_now_ms();
    uint64_t gen = mock_record_generation(record_of(srv));
    if (now < srv->next_report_ms || (srv->reported && gen == srv->report_gen))
        return;
    /* A failure here is found again, and reported, at shutdown. */
    write_reports(srv, NULL);
    int64_t took = mock_guard_now_ms() - now;
    srv->next_report_ms = now + 20 * took;
    srv->report_gen = gen;
    srv->reported = true;
}

static void on_expired(void *ctx, const char *reason)
{
    quo_mock_server *srv = ctx;
    mock_record_unanswered(record_of(srv), reason);
}

static bool add_report(quo_mock_server *srv, const char *path, quo_mock_report_format fmt)
{
    if (srv->n_reports == QUO_MOCK_REPORT_MAX + 1)
        return true;
    char *p = strdup(path);
    if (!p)
        return false;
    srv->reports[srv->n_reports++] = (report_file){p, fmt};
    return true;
}

/* ---- start and stop ----------------------------------------------------------------- */

static quo_status open_listener(quo_mock_server *srv, const char *host, unsigned port,
                                bool *ipv6, quo_error *err)
{
    char service[16];
    snprintf(service, sizeof service, "%u", port);
    /* Numeric addresses only (and "localhost"): the mock never asks DNS. */
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
    int gai = getaddrinfo(host, service, &hints, &res);
    if (gai != 0)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "--host %s is not a numeric IPv4 or IPv6 address (or localhost)",
                             host);
    int fd = -1, saved = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 511) == 0) {
            *ipv6 = a->ai_family == AF_INET6;
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return quo_error_set(err, QUO_EIO, 0, "cannot listen on %s:%u: %s", host, port,
                             quo_errno_text(saved).text);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        saved = errno;
        close(fd);
        return quo_error_set(err, QUO_EIO, 0, "getsockname: %s", quo_errno_text(saved).text);
    }
    if (ss.ss_family == AF_INET6)
        srv->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else
        srv->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    srv->listen_fd = fd;
    return QUO_OK;
}

/* The door's callbacks: a connection for libmicrohttpd (which applies
 * accept_policy() and closes the socket when it refuses), or one the door
 * turned away itself. */
static void door_hand(void *ctx, int fd, const struct sockaddr *addr, socklen_t len)
{
    quo_mock_server *srv = ctx;
    /* libmicrohttpd 0.9.75 deadlocks a worker that an added connection
     * takes past its connection limit (new_connection_process_() locks its
     * cleanup mutex twice), and its own check is racy: so the door never
     * hands more than hand_max, well under every worker's limit. */
    unsigned n = atomic_fetch_add(&srv->handed, 1);
    /* Full: as in accept_policy(), a connection that has waited long for
     * its headers makes room (it is closed soon after: a little slack). */
    bool room = n < srv->hand_max ||
                (n < srv->hand_max + HAND_SLACK && mock_guard_evict(srv->guard, EVICT_MIN_AGE_MS));
    if (room && n >= srv->hand_max)
        mock_record_unanswered(record_of(srv), "closed-to-make-room");
    if (!room) {
        atomic_fetch_sub(&srv->handed, 1);
        char peer[MOCK_PEER_TEXT];
        mock_sock_peer_text(addr, peer, sizeof peer);
        close(fd);
        mock_record_connection(record_of(srv), "refused-at-capacity", peer, 0);
        return;
    }
    if (MHD_add_connection(srv->daemon, fd, addr, len) != MHD_YES)
        atomic_fetch_sub(&srv->handed, 1); /* refused (and closed) at once */
}

static void door_turned(void *ctx, const char *reason, const char *peer)
{
    quo_mock_server *srv = ctx;
    mock_record_connection(record_of(srv), reason, peer, 0);
}

quo_status quo_mock_server_start(const quo_spec *spec, const quo_mock_options *opts,
                                 quo_mock_server **out, quo_error *err)
{
    *out = NULL;
    quo_mock_options d;
    quo_mock_options_init(&d);
    if (!opts)
        opts = &d;
    quo_mock_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    srv->listen_fd = -1;
    srv->max_body = opts->max_body ? opts->max_body : QUO_MOCK_DEFAULT_MAX_BODY;
    srv->max_header = opts->max_header ? opts->max_header : QUO_MOCK_DEFAULT_MAX_HEADER;
    srv->max_conn = opts->max_connections ? opts->max_connections
                                          : QUO_MOCK_DEFAULT_MAX_CONNECTIONS;
    srv->timeout = opts->timeout_seconds ? opts->timeout_seconds : QUO_MOCK_DEFAULT_TIMEOUT;
    srv->log_fd = opts->log_fd > 0 ? opts->log_fd : STDERR_FILENO;
    srv->quiet = opts->quiet;
    srv->cors = opts->cors;
    srv->tpc = opts->thread_per_connection;
    srv->spec = spec;
    srv->drain = opts->drain_seconds ? opts->drain_seconds : QUO_MOCK_DEFAULT_DRAIN;
    srv->body_budget = opts->body_budget ? opts->body_budget : QUO_MOCK_DEFAULT_BODY_BUDGET;
    if (srv->body_budget < srv->max_body)
        srv->body_budget = srv->max_body;
    unsigned margin = srv->max_conn / 4;
    srv->margin = margin < 8 ? 8 : margin > 64 ? 64 : margin;
    atomic_init(&srv->conns, 0);
    atomic_init(&srv->handed, 0);
    atomic_init(&srv->body_bytes, 0);
    atomic_init(&srv->seq, 0);
    if (pthread_mutex_init(&srv->lock, NULL) != 0) {
        free(srv);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a mutex");
    }
    if (pthread_mutex_init(&srv->report_lock, NULL) != 0) {
        pthread_mutex_destroy(&srv->lock);
        free(srv);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a mutex");
    }
    if (pthread_cond_init(&srv->idle, NULL) != 0) {
        pthread_mutex_destroy(&srv->report_lock);
        pthread_mutex_destroy(&srv->lock);
        free(srv);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a condition variable");
    }
    srv->finished = true; /* nothing to finish until the daemon runs */
    quo_status st = QUO_OK;
    bool ok = !opts->report_path || add_report(srv, opts->report_path, opts->report_format);
    for (size_t i = 0; ok && i < QUO_MOCK_REPORT_MAX && opts->report_paths[i]; i++) {
        int fmt = quo_mock_report_format_for(opts->report_paths[i]);
        ok = add_report(srv, opts->report_paths[i],
                        fmt < 0 ? QUO_MOCK_REPORT_JSON : (quo_mock_report_format)fmt);
    }
    if (!ok)
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st == QUO_OK)
        st = mock_faults_new(opts, &srv->faults, err);
    if (st == QUO_OK)
        st = quo_mock_core_new(spec, opts, &srv->core, err);
    if (st == QUO_OK) {
        unsigned hd = opts->header_deadline ? opts->header_deadline
                                            : QUO_MOCK_DEFAULT_HEADER_DEADLINE;
        unsigned bd = opts->body_deadline ? opts->body_deadline : QUO_MOCK_DEFAULT_BODY_DEADLINE;
        unsigned tick = srv->n_reports ? (opts->report_interval_ms
                                              ? opts->report_interval_ms
                                              : QUO_MOCK_DEFAULT_REPORT_INTERVAL)
                                       : 0;
        srv->guard = mock_guard_start(hd * 1000, bd * 1000, tick, on_expired, on_tick, srv);
        if (!srv->guard)
            st = quo_error_set(err, QUO_ENOMEM, 0, "cannot start the guard thread");
    }
    bool ipv6 = false;
    if (st == QUO_OK)
        st = open_listener(srv, opts->host ? opts->host : "127.0.0.1", opts->port, &ipv6, err);
    if (st != QUO_OK) {
        quo_mock_server_stop(srv);
        return st;
    }
    /* epoll with a few workers is the fastest here (bench/mock/run.sh).
     * The handler never blocks, and the mock shares its machine with the
     * client it certifies: one worker per CPU but one. On 2 cores with the
     * client beside it, 1 worker answers more than 2, which take turns
     * with the client for both cores (reports/bench/mock.md). */
    unsigned workers = opts->threads;
    if (!workers) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cpus < 3 ? 1 : cpus > 9 ? 8 : (unsigned)(cpus - 1);
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    flags |= opts->thread_per_connection ? (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL)
                                         : MHD_USE_EPOLL;
    /* The door (door.h) accepts the connections and hands them over. */
    flags |= MHD_USE_NO_LISTEN_SOCKET;
    (void)ipv6;
    /* The pool holds the header block: room for a little over max_header
     * so the mock, not libmicrohttpd, answers most oversized headers. */
    size_t pool = srv->max_header * 2 + 16 * 1024;
    if (pool < 32 * 1024)
        pool = 32 * 1024;
    /* The logger goes first so libmicrohttpd never prints on its own. */
    struct MHD_OptionItem o[14];
    size_t n = 0;
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, srv};
    /* accept_policy() refuses past max_conn + margin, the door past
     * hand_max; libmicrohttpd's own limit sits above both, per worker
     * (it divides its limit among them), so that it is never reached. */
    srv->hand_max = srv->max_conn + srv->margin + 64;
    unsigned pools = !opts->thread_per_connection && workers > 1 ? workers : 1;
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
                                     (intptr_t)(pools * (srv->hand_max + 2 * HAND_SLACK)), NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, srv};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)srv->timeout, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, srv};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv};
    if (!opts->thread_per_connection && workers > 1)
        o[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)workers, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    srv->daemon = MHD_start_daemon(flags, 0, accept_policy, srv, on_request, srv, MHD_OPTION_ARRAY, o,
                                   MHD_OPTION_END);
    if (!srv->daemon) {
        quo_error_set(err, QUO_EIO, 0, "cannot start the HTTP server on port %u", srv->port);
        quo_mock_server_stop(srv);
        return QUO_EIO;
    }
    if (!opts->thread_per_connection && !(srv->judge = mock_judge_start())) {
        quo_error_set(err, QUO_ENOMEM, 0, "cannot start the judge thread");
        quo_mock_server_stop(srv);
        return QUO_ENOMEM;
    }
    srv->door = mock_door_start(srv->listen_fd, DOOR_HOLD_MS, door_hand, door_turned, srv);
    if (!srv->door) {
        quo_error_set(err, QUO_ENOMEM, 0, "cannot start the accept thread");
        quo_mock_server_stop(srv);
        return QUO_ENOMEM;
    }
    srv->finished = false;
    *out = srv;
    return QUO_OK;
}

unsigned quo_mock_server_port(const quo_mock_server *server)
{
    return server->port;
}

quo_mock_core *quo_mock_server_core(quo_mock_server *server)
{
    return server->core;
}

quo_status quo_mock_server_finish(quo_mock_server *srv, quo_error *err)
{
    if (srv->finished) {
        if (err && srv->finish_status != QUO_OK)
            *err = srv->finish_error;
        return srv->finish_status;
    }
    srv->finished = true;
    pthread_mutex_lock(&srv->lock);
    srv->draining = true;
    pthread_mutex_unlock(&srv->lock);
    /* From here accept_policy() turns new connections away; the listening
     * socket is closed after the daemon has stopped. */
    /* The drain is bounded (drain_seconds, a few), so that a stalled upload
     * cannot cost the report when a container manager kills us soon after
     * its SIGTERM; quo_mock_server_hurry() ends it at once. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)srv->drain;
    pthread_mutex_lock(&srv->lock);
    while (srv->inflight > 0 && !srv->hurry) {
        if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&srv->lock);
    /* Delayed answers go now; then nothing is suspended when the daemon
     * stops. */
    mock_guard_resume_all(srv->guard);
    /* No connection is handed to a daemon that stops. */
    mock_door_stop(srv->door);
    srv->door = NULL;
    /* Every large body queued is judged and its connection resumed. */
    mock_judge_stop(srv->judge);
    srv->judge = NULL;
    MHD_stop_daemon(srv->daemon);
    mock_guard_stop(srv->guard);
    srv->guard = NULL;
    srv->daemon = NULL;
    if (srv->listen_fd >= 0) {
        close(srv->listen_fd);
        srv->listen_fd = -1;
    }
    srv->finish_status = write_reports(srv, &srv->finish_error);
    if (err && srv->finish_status != QUO_OK)
        *err = srv->finish_error;
    return srv->finish_status;
}

void quo_mock_server_hurry(quo_mock_server *server)
{
    pthread_mutex_lock(&server->lock);
    server->hurry = true;
    pthread_cond_broadcast(&server->idle);
    pthread_mutex_unlock(&server->lock);
    if (server->guard)
        mock_guard_resume_all(server->guard);
}

void quo_mock_server_stop(quo_mock_server *server)
{
    if (!server)
        return;
    if (server->daemon)
        quo_mock_server_finish(server, NULL);
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    mock_guard_stop(server->guard);
    quo_mock_core_free(server->core);
    mock_faults_free(server->faults);
    for (size_t i = 0; i < server->n_reports; i++)
        free(server->reports[i].path);
    pthread_mutex_destroy(&server->report_lock);
    pthread_cond_destroy(&server->idle);
    pthread_mutex_destroy(&server->lock);
    free(server);
}
