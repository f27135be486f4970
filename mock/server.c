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
 *   connections over max        503 with Connection: close, for up to
 *                               `margin` extra connections; beyond that
 *                               libmicrohttpd refuses them outright
 *   idle longer than timeout    the connection is closed
 *   JSON deeper than max_depth  400 from the core (the gate's depth limit)
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

#include <microhttpd.h>

#include "quo/io.h"
#include "core.h"
#include "text.h"

#define KEEP_BUFFER (64u * 1024u)
#define DISCARD_MAX (16u * 1024u * 1024u)

struct quo_mock_server {
    quo_mock_core *core;
    struct MHD_Daemon *daemon;
    int listen_fd;
    unsigned port;
    size_t max_body, max_header;
    unsigned max_conn, timeout;
    int log_fd;
    bool quiet;
    char *report_path;
    quo_mock_report_format report_format;
    atomic_uint conns;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned inflight;
    bool draining, finished;
    quo_status finish_status;
    quo_error finish_error;
};

typedef struct conn_ctx {
    quo_mock_server *srv;
    bool overflow;  /* opened beyond max_connections: answered 503 */
    bool active;    /* a request is in flight (counted in srv->inflight) */
    bool responded;
    bool too_big;
    bool oom;
    size_t discarded;
    char *body;
    size_t len, cap;
    quo_mock_header *hdrs;
    size_t n_hdrs, hdr_cap, hdr_bytes;
    struct timespec start;
} conn_ctx;

/* ---- connections ----------------------------------------------------------- */

/* Once shutdown has begun, a new connection is closed as soon as it is
 * accepted. (MHD_quiesce_daemon would do this at the socket level, but with
 * an epoll thread pool libmicrohttpd 0.9.75 races its own workers there and
 * aborts: "Failed to remove listen FD from epoll set".) */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)addr;
    (void)len;
    quo_mock_server *srv = cls;
    pthread_mutex_lock(&srv->lock);
    bool draining = srv->draining;
    pthread_mutex_unlock(&srv->lock);
    return draining ? MHD_NO : MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)c;
    quo_mock_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        unsigned n = atomic_fetch_add(&srv->conns, 1) + 1;
        conn_ctx *cc = calloc(1, sizeof *cc);
        if (cc) {
            cc->srv = srv;
            cc->overflow = n > srv->max_conn;
        }
        *socket_ctx = cc;
    } else {
        atomic_fetch_sub(&srv->conns, 1);
        conn_ctx *cc = *socket_ctx;
        if (cc) {
            free(cc->body);
            free(cc->hdrs);
            free(cc);
        }
        *socket_ctx = NULL;
    }
}

static void request_done(conn_ctx *cc)
{
    if (!cc->active)
        return;
    cc->active = false;
    cc->responded = cc->too_big = cc->oom = false;
    cc->discarded = cc->len = cc->n_hdrs = cc->hdr_bytes = 0;
    if (cc->cap > KEEP_BUFFER) {
        free(cc->body);
        cc->body = NULL;
        cc->cap = 0;
    }
    quo_mock_server *srv = cc->srv;
    pthread_mutex_lock(&srv->lock);
    if (--srv->inflight == 0)
        pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_ctx,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    conn_ctx *cc = *req_ctx;
    if (cc)
        request_done(cc);
    *req_ctx = NULL;
}

/* ---- logging ------------------------------------------------------------------ */

static void log_line(conn_ctx *cc, const char *method, const char *url, int status,
                     size_t violations)
{
    quo_mock_server *srv = cc->srv;
    if (srv->quiet)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - cc->start.tv_sec) * 1e3 +
                (double)(now.tv_nsec - cc->start.tv_nsec) / 1e6;
    char m[48], p[240], line[400];
    mock_text_excerpt(m, sizeof m, method, strlen(method), 16);
    mock_text_excerpt(p, sizeof p, url, strlen(url), 200);
    int n = violations ? snprintf(line, sizeof line, "%s %s %d %.3fms violations=%zu\n", m, p,
                                  status, ms, violations)
                       : snprintf(line, sizeof line, "%s %s %d %.3fms\n", m, p, status, ms);
    if (n > 0) {
        /* One write per line keeps lines whole when threads log at once. */
        ssize_t w = write(srv->log_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        (void)w;
    }
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    quo_mock_server *srv = cls;
    if (srv->quiet)
        return;
    char msg[300], line[360];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strcspn(msg, "\n");
    msg[n] = '\0';
    int len = snprintf(line, sizeof line, "quo-mock: libmicrohttpd: %s\n", msg);
    if (len > 0) {
        ssize_t w = write(srv->log_fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
        (void)w;
    }
}

/* ---- requests ------------------------------------------------------------------- */

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    conn_ctx *cc = cls;
    if (!value)
        value = "";
    cc->hdr_bytes += strlen(key) + strlen(value) + 4;
    if (cc->n_hdrs == cc->hdr_cap) {
        size_t cap = cc->hdr_cap ? cc->hdr_cap * 2 : 16;
        quo_mock_header *h = realloc(cc->hdrs, cap * sizeof *h);
        if (!h) {
            cc->oom = true;
            return MHD_NO;
        }
        cc->hdrs = h;
        cc->hdr_cap = cap;
    }
    cc->hdrs[cc->n_hdrs++] = (quo_mock_header){key, value};
    return MHD_YES;
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    conn_ctx *cc = cls;
    cc->hdr_bytes += strlen(key) + (value ? strlen(value) : 0) + 2;
    return MHD_YES;
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
    log_line(cc, method, url, 500, 0);
    return ret;
}

static enum MHD_Result send_response(conn_ctx *cc, struct MHD_Connection *c, quo_status st,
                                     quo_mock_response *resp, size_t violations,
                                     const char *method, const char *url, bool close)
{
    if (st != QUO_OK)
        return send_oom(cc, c, method, url);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        quo_mock_response_free(resp);
        return send_oom(cc, c, method, url);
    }
    resp->body = NULL; /* libmicrohttpd frees it now */
    bool ok = true;
    for (size_t i = 0; i < resp->header_count; i++)
        ok = ok && MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    pthread_mutex_lock(&cc->srv->lock);
    close = close || cc->srv->draining;
    pthread_mutex_unlock(&cc->srv->lock);
    if (close)
        ok = ok && MHD_add_response_header(r, "Connection", "close");
    int status = resp->status;
    quo_mock_response_free(resp);
    if (!ok) {
        MHD_destroy_response(r);
        return send_oom(cc, c, method, url);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    cc->responded = true;
    log_line(cc, method, url, status, violations);
    return ret;
}

static enum MHD_Result reject(conn_ctx *cc, struct MHD_Connection *c, const char *method,
                              const char *url, int status, int client_fault, const char *msg)
{
    quo_mock_request req = {method, url, cc->hdrs, cc->n_hdrs, NULL, 0};
    quo_mock_response resp;
    size_t viol = 0;
    quo_status st = mock_core_reject(cc->srv->core, &req, status, client_fault, msg, &resp, &viol);
    return send_response(cc, c, st, &resp, viol, method, url, true);
}

/* First call for a request: the headers are in. */
static enum MHD_Result begin(conn_ctx *cc, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version)
{
    quo_mock_server *srv = cc->srv;
    clock_gettime(CLOCK_MONOTONIC, &cc->start);
    pthread_mutex_lock(&srv->lock);
    srv->inflight++;
    pthread_mutex_unlock(&srv->lock);
    cc->active = true;
    cc->hdr_bytes = strlen(method) + strlen(url) + strlen(version) + 4;
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, cc);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, cc);
    if (cc->oom)
        return send_oom(cc, c, method, url);
    char msg[160];
    if (cc->hdr_bytes > srv->max_header) {
        snprintf(msg, sizeof msg, "The request's header block (%zu bytes) is larger than the "
                 "limit of %zu bytes", cc->hdr_bytes, srv->max_header);
        return reject(cc, c, method, url, 431, 1, msg);
    }
    if (cc->overflow) {
        snprintf(msg, sizeof msg, "Too many connections (limit %u); retry later",
                 srv->max_conn);
        return reject(cc, c, method, url, 503, 0, msg);
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
            return reject(cc, c, method, url, 413, 1, msg);
        }
        if (end != cl && n > cc->cap) {
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
    if (cc->len + n > cc->cap) {
        size_t cap = cc->cap ? cc->cap : 4096;
        while (cap < cc->len + n)
            cap *= 2;
        if (cap > srv->max_body)
            cap = srv->max_body;
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
    if (!*req_ctx) {
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
    if (cc->too_big) {
        char msg[160];
        snprintf(msg, sizeof msg, "The request body is larger than the limit of %zu bytes",
                 cc->srv->max_body);
        return reject(cc, c, method, url, 413, 1, msg);
    }
    quo_mock_request req = {method, url, cc->hdrs, cc->n_hdrs, cc->body ? cc->body : "", cc->len};
    quo_mock_response resp;
    size_t viol = 0;
    quo_status st = mock_core_handle(cc->srv->core, &req, &resp, &viol);
    return send_response(cc, c, st, &resp, viol, method, url, false);
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
    srv->report_format = opts->report_format;
    atomic_init(&srv->conns, 0);
    if (pthread_mutex_init(&srv->lock, NULL) != 0) {
        free(srv);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a mutex");
    }
    if (pthread_cond_init(&srv->idle, NULL) != 0) {
        pthread_mutex_destroy(&srv->lock);
        free(srv);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a condition variable");
    }
    srv->finished = true; /* nothing to finish until the daemon runs */
    quo_status st = QUO_OK;
    if (opts->report_path && !(srv->report_path = strdup(opts->report_path)))
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st == QUO_OK)
        st = quo_mock_core_new(spec, opts, &srv->core, err);
    bool ipv6 = false;
    if (st == QUO_OK)
        st = open_listener(srv, opts->host ? opts->host : "127.0.0.1", opts->port, &ipv6, err);
    if (st != QUO_OK) {
        quo_mock_server_stop(srv);
        return st;
    }
    /* epoll with a few workers is the fastest here (bench/mock/run.sh);
     * the handler never blocks, so a worker per CPU is enough. */
    unsigned workers = opts->threads;
    if (!workers) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cpus < 1 ? 1 : cpus > 8 ? 8 : (unsigned)cpus;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    flags |= opts->thread_per_connection ? (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL)
                                         : MHD_USE_EPOLL;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    /* The pool holds the header block: room for a little over max_header
     * so the mock, not libmicrohttpd, answers most oversized headers. */
    size_t pool = srv->max_header * 2 + 16 * 1024;
    if (pool < 32 * 1024)
        pool = 32 * 1024;
    unsigned margin = srv->max_conn / 4;
    margin = margin < 8 ? 8 : margin > 64 ? 64 : margin;
    /* The logger goes first so libmicrohttpd never prints on its own. */
    struct MHD_OptionItem o[12];
    size_t n = 0;
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, srv};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, srv->listen_fd, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)(srv->max_conn + margin), NULL};
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
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)srv->timeout + 1;
    pthread_mutex_lock(&srv->lock);
    while (srv->inflight > 0) {
        if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&srv->lock);
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    if (srv->listen_fd >= 0) {
        close(srv->listen_fd);
        srv->listen_fd = -1;
    }
    srv->finish_status = QUO_OK;
    if (srv->report_path)
        srv->finish_status = quo_mock_core_write_report(srv->core, srv->report_path,
                                                        srv->report_format, &srv->finish_error);
    if (err && srv->finish_status != QUO_OK)
        *err = srv->finish_error;
    return srv->finish_status;
}

void quo_mock_server_stop(quo_mock_server *server)
{
    if (!server)
        return;
    if (server->daemon)
        quo_mock_server_finish(server, NULL);
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    quo_mock_core_free(server->core);
    free(server->report_path);
    pthread_cond_destroy(&server->idle);
    pthread_mutex_destroy(&server->lock);
    free(server);
}
