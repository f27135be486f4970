/* tests/suite/tamper_server.c - see tamper_server.h. */
#include "tamper_server.h"

#include <arpa/inet.h>
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
};

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
    pthread_mutex_unlock(&s->lock);
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

ts_server *ts_start(const quo_spec *spec, ts_mode mode)
{
    ts_server *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->mode = mode;
    pthread_mutex_init(&s->lock, NULL);
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

void ts_stop(ts_server *s)
{
    MHD_stop_daemon(s->daemon);
    quo_mock_core_free(s->core);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
