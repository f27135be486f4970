/* tests/suite/tamper_server.c - see tamper_server.h. */
#include "tamper_server.h"

#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <check.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "quo-mock/mock.h"

#define TS_MAX_HEADERS 32

struct ts_server {
    struct MHD_Daemon *daemon;
    quo_mock_core *core;
    ts_mode mode;
    pthread_mutex_t lock;
    unsigned requests;
    unsigned port;
    double not_before; /* monotonic: the last 429's Retry-After end */
    unsigned early;
    /* TS_SILENT: a plain listening socket and its accept thread. */
    int listen_fd;
    pthread_t thread;
    volatile int stop;
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct ts_request {
    char *body;
    size_t len;
    quo_mock_header headers[TS_MAX_HEADERS];
    size_t header_count;
} ts_request;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    ts_request *r = cls;
    if (r->header_count < TS_MAX_HEADERS) {
        r->headers[r->header_count].name = key;
        r->headers[r->header_count].value = value ? value : "";
        r->header_count++;
    }
    return MHD_YES;
}

static const char *request_header(const ts_request *r, const char *name)
{
    for (size_t i = 0; i < r->header_count; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* Replaces the first `from` in body with `to` (a new string). */
static char *replace(const char *body, size_t len, const char *from, const char *to, size_t *out_len)
{
    const char *at = strstr(body, from);
    if (!at) {
        *out_len = len;
        char *copy = malloc(len + 1);
        memcpy(copy, body, len);
        copy[len] = '\0';
        return copy;
    }
    size_t pre = (size_t)(at - body), fl = strlen(from), tl = strlen(to);
    *out_len = len - fl + tl;
    char *out = malloc(*out_len + 1);
    memcpy(out, body, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, len - pre - fl);
    out[*out_len] = '\0';
    return out;
}

static enum MHD_Result answer(struct MHD_Connection *conn, int status, const char *body,
                              size_t len, const quo_mock_header *headers, size_t n, bool drop_allow);

/* The key in the spellings a careless server echoes it in. */
static void spellings(const char *key, char *out, size_t size)
{
    size_t o = 0;
    o += (size_t)snprintf(out + o, size - o, "raw %s, escaped ", key);
    for (const char *p = key; *p && o + 8 < size; p++)
        o += (size_t)snprintf(out + o, size - o, "\\u%04X", (unsigned char)*p);
    o += (size_t)snprintf(out + o, size - o, ", encoded ");
    for (const char *p = key; *p && o + 4 < size; p++)
        o += (size_t)snprintf(out + o, size - o, "%%%02x", (unsigned char)*p);
    o += (size_t)snprintf(out + o, size - o, ", loud ");
    for (const char *p = key; *p && o + 2 < size; p++)
        out[o++] = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
    out[o] = '\0';
}

/* The staging-environment modes that do not need the mock; MHD_NO when
 * the mode leaves this request to the mock. */
static bool staged(ts_server *s, struct MHD_Connection *conn, const ts_request *r,
                   unsigned nth, enum MHD_Result *ret)
{
    static const quo_mock_header html[] = {{"Content-Type", "text/html"}};
    static const quo_mock_header text[] = {{"Content-Type", "text/plain"}};
    static const quo_mock_header json[] = {{"Content-Type", "application/json"}};
    static const char down[] = "<html><body><h1>503 Service Unavailable</h1></body></html>";
    if (s->mode == TS_RATE_LIMIT_LONG || (s->mode == TS_RATE_LIMIT_EVERY && nth % 40 == 0)) {
        const char *after = s->mode == TS_RATE_LIMIT_LONG ? "3600" : "1";
        quo_mock_header h[] = {{"Content-Type", "application/json"}, {"Retry-After", after}};
        static const char busy[] = "{\"message\":\"slow down\"}";
        pthread_mutex_lock(&s->lock);
        s->not_before = mono() + atof(after);
        pthread_mutex_unlock(&s->lock);
        *ret = answer(conn, 429, busy, sizeof busy - 1, h, 2, false);
        return true;
    }
    if (s->mode == TS_UNAVAILABLE || (s->mode == TS_UNAVAILABLE_AFTER && nth > 20)) {
        *ret = answer(conn, 503, down, sizeof down - 1, html, 1, false);
        return true;
    }
    if (s->mode == TS_GATEWAY) {
        const char *env = request_header(r, "X-Env");
        if (!env || strcmp(env, "staging") != 0) {
            static const char no[] = "<html><body>403 Forbidden (gateway)</body></html>";
            *ret = answer(conn, 403, no, sizeof no - 1, html, 1, false);
            return true;
        }
        return false;
    }
    if (s->mode == TS_KEY_REVOKED) {
        static const char revoked[] = "{\"message\":\"key revoked\"}";
        *ret = answer(conn, 401, revoked, sizeof revoked - 1, json, 1, false);
        return true;
    }
    if (s->mode == TS_201_NOT_JSON) {
        static const char created[] = "created";
        *ret = answer(conn, 201, created, sizeof created - 1, text, 1, false);
        return true;
    }
    if (s->mode == TS_LONG_TASK_ID) {
        char body[800];
        char id[601];
        memset(id, 'L', 600);
        id[600] = '\0';
        int n = snprintf(body, sizeof body,
                         "{\"data\":{\"taskId\":\"TK%s%u\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}}",
                         id, nth);
        *ret = answer(conn, 201, body, (size_t)n, json, 1, false);
        return true;
    }
    return false;
}

static enum MHD_Result answer(struct MHD_Connection *conn, int status, const char *body,
                              size_t len, const quo_mock_header *headers, size_t n, bool drop_allow)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    for (size_t i = 0; i < n; i++)
        if (!(drop_allow && strcasecmp(headers[i].name, "Allow") == 0))
            MHD_add_response_header(resp, headers[i].name, headers[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    ts_server *s = cls;
    ts_request *r = *con_cls;
    if (!r) {
        *con_cls = calloc(1, sizeof *r);
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        char *p = realloc(r->body, r->len + *upload_size + 1);
        if (!p)
            return MHD_NO;
        memcpy(p + r->len, upload, *upload_size);
        r->body = p;
        r->len += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, r);
    pthread_mutex_lock(&s->lock);
    unsigned nth = ++s->requests;
    if (mono() < s->not_before)
        s->early++;
    pthread_mutex_unlock(&s->lock);
    enum MHD_Result staged_ret;
    if (staged(s, conn, r, nth, &staged_ret))
        return staged_ret;
    static const quo_mock_header json[] = {{"Content-Type", "application/json"},
                                           {"Retry-After", "0"}};
    if (s->mode == TS_RATE_LIMIT_FIRST && nth == 1) {
        static const char busy[] = "{\"message\":\"slow down\"}";
        return answer(conn, 429, busy, sizeof busy - 1, json, 2, false);
    }
    if (s->mode == TS_ALWAYS_201) {
        static const char task[] =
            "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}}";
        return answer(conn, 201, task, sizeof task - 1, json, 1, false);
    }
    const char *ctype = request_header(r, "Content-Type");
    if (s->mode == TS_CHARSET_REFUSED && ctype && strstr(ctype, "charset")) {
        static const char refused[] = "{\"message\":\"unsupported media type\"}";
        return answer(conn, 415, refused, sizeof refused - 1, json, 1, false);
    }
    quo_mock_request req = {.method = method, .path = url, .headers = r->headers,
                            .header_count = r->header_count, .body = r->body ? r->body : "",
                            .body_len = r->len};
    quo_mock_response out;
    memset(&out, 0, sizeof out);
    if (quo_mock_core_handle(s->core, &req, &out) != QUO_OK)
        return MHD_NO;
    char *body = NULL;
    size_t len = out.body_len;
    const char *auth = request_header(r, "Authorization");
    if (s->mode == TS_WRONG_400_CODE && out.status == 400) {
        body = replace(out.body, out.body_len, "\"0600400\"", "\"0600999\"", &len);
    } else if (s->mode == TS_ECHO_SPELLINGS && out.status >= 400 && auth && *auth) {
        char spelled[1024], to[1200];
        spellings(auth, spelled, sizeof spelled);
        snprintf(to, sizeof to, "\"message\":\"you sent %s; ", spelled);
        body = replace(out.body, out.body_len, "\"message\":\"", to, &len);
    } else if (s->mode == TS_ECHO_KEY && out.status >= 400 && auth && *auth) {
        char to[512];
        snprintf(to, sizeof to, "\"message\":\"you sent %s; ", auth);
        body = replace(out.body, out.body_len, "\"message\":\"", to, &len);
    }
    enum MHD_Result ret = answer(conn, out.status, body ? body : out.body, len, out.headers,
                                 out.header_count, s->mode == TS_DROP_ALLOW);
    free(body);
    quo_mock_response_free(&out);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)conn;
    (void)code;
    ts_request *r = *con_cls;
    if (r) {
        free(r->body);
        free(r);
    }
    *con_cls = NULL;
}

/* TS_SILENT: accept, read what comes, never answer; hold up to 16
 * connections open until ts_stop(). */
static void *silent_loop(void *arg)
{
    ts_server *s = arg;
    int held[16];
    size_t nheld = 0;
    while (!s->stop) {
        struct pollfd p[17];
        p[0] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        for (size_t i = 0; i < nheld; i++)
            p[i + 1] = (struct pollfd){.fd = held[i], .events = POLLIN};
        if (poll(p, nheld + 1, 100) <= 0)
            continue;
        if ((p[0].revents & POLLIN) && nheld < 16) {
            int fd = accept(s->listen_fd, NULL, NULL);
            if (fd >= 0) {
                held[nheld++] = fd;
                pthread_mutex_lock(&s->lock);
                s->requests++;
                pthread_mutex_unlock(&s->lock);
            }
        }
        for (size_t i = 0; i < nheld; i++)
            if (p[i + 1].revents & POLLIN) {
                char buf[4096];
                if (read(held[i], buf, sizeof buf) <= 0) {
                    close(held[i]);
                    held[i--] = held[--nheld];
                }
            }
    }
    for (size_t i = 0; i < nheld; i++)
        close(held[i]);
    return NULL;
}

static void start_silent(ts_server *s)
{
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->listen_fd, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(listen(s->listen_fd, 16), 0);
    socklen_t len = sizeof addr;
    ck_assert_int_eq(getsockname(s->listen_fd, (struct sockaddr *)&addr, &len), 0);
    s->port = ntohs(addr.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, silent_loop, s), 0);
}

ts_server *ts_start(const quo_spec *spec, ts_mode mode)
{
    ts_server *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->mode = mode;
    s->listen_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    if (mode == TS_SILENT) {
        start_silent(s);
        return s;
    }
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.quiet = true;
    quo_error err;
    ck_assert_msg(quo_mock_core_new(spec, &opts, &s->core, &err) == QUO_OK, "%s", err.message);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
                                 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &addr,
                                 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    ck_assert_ptr_nonnull(s->daemon);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    ck_assert_ptr_nonnull(info);
    s->port = info->port;
    return s;
}

unsigned ts_port(const ts_server *s)
{
    return s->port;
}

unsigned ts_requests(ts_server *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = s->requests;
    pthread_mutex_unlock(&s->lock);
    return n;
}

unsigned ts_early(ts_server *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = s->early;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void ts_stop(ts_server *s)
{
    if (s->mode == TS_SILENT) {
        s->stop = 1;
        pthread_join(s->thread, NULL);
        close(s->listen_fd);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return;
    }
    MHD_stop_daemon(s->daemon);
    quo_mock_core_free(s->core);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
