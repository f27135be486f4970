/* test_mock_limits.c - quo-mock's limits, graceful shutdown with a request
 * in flight, unique task ids under concurrency, the request log, and the
 * core's answers to arbitrary bodies.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "quo/array.h"
#include "quo/io.h"
#include "quo_check.h"
#include "quo/response.h"

#include "mock_http.h"

#define PN1_BODY "{\"title\":\"Call back\",\"description\":\"About pricing\",\"phoneNumberId\":\"PN1\"}"
#define GOOD_CT "Content-Type: application/json"
#define KEY "Authorization: test-key"

static quo_mock_options opts(void)
{
    quo_mock_options o;
    th_options(&o);
    return o;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- body size ------------------------------------------------------------ */

START_TEST(t_limit_body_413)
{
    quo_mock_options o = opts();
    o.max_body = 100;
    th_start(&o);
    char body[300];
    memset(body, ' ', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    memcpy(body, PN1_BODY, strlen(PN1_BODY));
    /* Announced by Content-Length: refused before the body is read. */
    http_res *r = http_create("test-key", body);
    ck_assert_int_eq(r->status, 413);
    th_assert_conforms(r);
    ck_assert_ptr_nonnull(strstr(r->body, "(299 bytes) is larger than the limit of 100 bytes"));
    http_res_free(r);
    /* Chunked: read and dropped, then refused. */
    r = http_do("POST", "/v1/tasks", body, KEY, GOOD_CT, "Transfer-Encoding: chunked",
                (char *)NULL);
    ck_assert_int_eq(r->status, 413);
    th_assert_conforms(r);
    http_res_free(r);
    /* At the limit: served. */
    body[100] = '\0';
    r = http_create("test-key", body);
    ck_assert_int_eq(r->status, 201);
    http_res_free(r);
    /* 413 is not documented: the record counts it as the client's violation. */
    char *rep = quo_mock_core_report(quo_mock_server_core(TM.server), QUO_MOCK_REPORT_JSON, NULL);
    cJSON *j = cJSON_Parse(rep);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "requests"), 0);
    const cJSON *v0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(first, "violations"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(v0, "rule")->valuestring, "limit");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(first, "status")->valueint, 413);
    cJSON_Delete(j);
    free(rep);
    th_stop();
}
END_TEST

/* ---- JSON depth -------------------------------------------------------------- */

static char *nested(size_t depth)
{
    const char *pre = "{\"title\":";
    const char *post = ",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}";
    size_t n = strlen(pre) + 2 * depth + strlen(post) + 1;
    char *b = malloc(n);
    ck_assert_ptr_nonnull(b);
    strcpy(b, pre);
    memset(b + strlen(pre), '[', depth);
    memset(b + strlen(pre) + depth, ']', depth);
    strcpy(b + strlen(pre) + 2 * depth, post);
    return b;
}

/* A body over 64 KiB is judged on the judge thread, its connection
 * suspended meanwhile: the same answer as inline, and a small request is
 * answered while large ones wait. */
static void *post_large(void *p)
{
    http_res *r = http_create("test-key", p);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert_ptr_nonnull(strstr(r->body, "is not an allowed member"));
    http_res_free(r);
    return NULL;
}

START_TEST(t_large_body_judged_apart)
{
    quo_mock_options o = opts();
    th_start(&o);
    size_t n = 20000, cap = n * 16 + 128, len = 0;
    char *body = malloc(cap);
    ck_assert_ptr_nonnull(body);
    len += (size_t)snprintf(body, cap, "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(body + len, cap - len, ",\"m%zu\":0", i);
    snprintf(body + len, cap - len, "}");
    ck_assert_uint_gt(strlen(body), 64 * 1024);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, post_large, body), 0);
    http_res *r = http_create("test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 201);
    http_res_free(r);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    r = http_create("test-key", body);
    ck_assert_int_eq(r->status, 400);
    ck_assert_ptr_nonnull(strstr(r->body, "(20000 problems)"));
    http_res_free(r);
    free(body);
    th_stop();
}
END_TEST

START_TEST(t_limit_depth)
{
    quo_mock_options o = opts();
    o.max_depth = 16;
    th_start(&o);
    char *b = nested(20);
    http_res *r = http_create("test-key", b);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert_ptr_nonnull(strstr(r->body, "nesting deeper than 16"));
    http_res_free(r);
    free(b);
    /* Within the limit it is an ordinary schema error (title is no string). */
    b = nested(10);
    r = http_create("test-key", b);
    ck_assert_int_eq(r->status, 400);
    ck_assert_ptr_null(strstr(r->body, "nesting deeper"));
    ck_assert_str_eq(th_error_paths(r), "/title");
    http_res_free(r);
    free(b);
    th_stop();

    /* A deep value inside the limit is named in errors[] but not echoed:
     * the answer must stay within the depth its clients parse. */
    th_start(NULL);
    b = nested(120);
    r = http_create("test-key", b);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert_str_eq(th_error_paths(r), "/title");
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json, "errors"), 0);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(e, "value"));
    http_res_free(r);
    free(b);
    th_stop();

    /* Default limit, hostile depth: an answer, never a crash. */
    th_start(NULL);
    b = nested(200000);
    r = http_create("test-key", b);
    ck_assert_int_eq(r->status, 400);
    th_assert_conforms(r);
    ck_assert_ptr_nonnull(strstr(r->body, "nesting deeper than 128"));
    http_res_free(r);
    free(b);
    th_stop();
}
END_TEST

/* ---- header size --------------------------------------------------------------- */

START_TEST(t_limit_header_431)
{
    quo_mock_options o = opts();
    o.max_header = 1024;
    th_start(&o);
    char pad[1600];
    snprintf(pad, sizeof pad, "X-Pad: %01500d", 7);
    http_res *r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, GOOD_CT, pad, (char *)NULL);
    ck_assert_int_eq(r->status, 431);
    th_assert_conforms(r);
    ck_assert_ptr_nonnull(strstr(r->body, "limit of 1024 bytes"));
    http_res_free(r);
    /* Far beyond the connection's memory: libmicrohttpd's own 431. */
    char *huge = malloc(200000);
    snprintf(huge, 200000, "X-Pad: %0150000d", 7);
    r = http_do("POST", "/v1/tasks", PN1_BODY, KEY, GOOD_CT, huge, (char *)NULL);
    ck_assert_int_eq(r->status, 431);
    http_res_free(r);
    free(huge);
    /* And the server goes on serving. */
    r = http_create("test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 201);
    http_res_free(r);
    th_stop();
}
END_TEST

/* ---- connections ------------------------------------------------------------------ */

/* Connections that never finish their headers (slowloris) do not keep
 * a ready client out: the oldest of them is closed to make room. */
START_TEST(t_limit_waiting_connections_make_room)
{
    quo_mock_options o = opts();
    o.max_connections = 2;
    th_start(&o);
    int a = th_raw_connect(), b = th_raw_connect();
    th_raw_send(a, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\n");
    th_raw_send(b, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\n");
    th_sleep_ms(700);
    http_res *r = http_create("test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 201);
    http_res_free(r);
    char *rep = quo_mock_core_report(quo_mock_server_core(TM.server), QUO_MOCK_REPORT_JSON, NULL);
    ck_assert_ptr_nonnull(strstr(rep, "\"closed-to-make-room\":"));
    free(rep);
    close(a);
    close(b);
    th_stop();
}
END_TEST

/* A header block that trickles in is cut at the header deadline. */
START_TEST(t_limit_header_deadline)
{
    quo_mock_options o = opts();
    o.header_deadline = 1;
    th_start(&o);
    int a = th_raw_connect();
    bool eof = false;
    for (int i = 0; i < 30 && !eof; i++) {
        char line[32];
        snprintf(line, sizeof line, i ? "X-%d: 1\r\n" : "POST /v1/tasks HTTP/1.1\r\n", i);
        if (send(a, line, strlen(line), MSG_NOSIGNAL) < 0)
            break;
        th_raw_read(a, 100, &eof);
    }
    ck_assert_msg(eof, "the connection was not closed within 3 s");
    close(a);
    /* Counted by the guard right after it closes the connection. */
    char *rep = NULL;
    for (int i = 0; i < 50; i++) {
        free(rep);
        rep = quo_mock_core_report(quo_mock_server_core(TM.server), QUO_MOCK_REPORT_JSON, NULL);
        if (strstr(rep, "\"header-deadline\":1"))
            break;
        th_sleep_ms(20);
    }
    ck_assert_msg(strstr(rep, "\"header-deadline\":1"), "%.400s", rep);
    free(rep);
    th_stop();
}
END_TEST

START_TEST(t_limit_connections_503)
{
    quo_mock_options o = opts();
    o.max_connections = 2;
    th_start(&o);
    /* Two uploads in progress hold the two slots: the next one gets 503.
     * A connection the server has not yet seen past its headers counts as
     * waiting for them, and the mock closes such a one to make room (on a
     * loaded machine that can happen to ours before the server reads
     * them): then another upload takes its place and the request is
     * retried, until both slots hold uploads. */
    static const char partial[] = "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  "application/json\r\nAuthorization: test-key\r\n"
                                  "Content-Length: 100\r\n\r\n{";
    int up[102];
    size_t n_up = 0;
    for (; n_up < 2; n_up++) {
        up[n_up] = th_raw_connect();
        th_raw_send(up[n_up], partial);
    }
    th_sleep_ms(200); /* time for the server to read their headers */
    http_res *r = NULL;
    for (int i = 0; i < 100; i++) {
        http_res_free(r);
        r = http_create("test-key", PN1_BODY);
        if (r->status == 503)
            break;
        if (r->status == 201 && n_up < QUO_ARRAY_SIZE(up)) {
            up[n_up] = th_raw_connect();
            th_raw_send(up[n_up++], partial);
        }
        th_sleep_ms(20);
    }
    ck_assert_int_eq(r->status, 503);
    th_assert_conforms(r);
    /* The mock's own limit: no verdict on the request or its client. */
    quo_mock_summary sum;
    quo_mock_core_summary(quo_mock_server_core(TM.server), &sum);
    ck_assert_uint_ge(sum.not_judged, 1);
    ck_assert_uint_eq(sum.non_conforming, 0);
    char *conn = http_header(r, "Connection");
    ck_assert_ptr_nonnull(conn);
    ck_assert_str_eq(conn, "close");
    free(conn);
    http_res_free(r);
    for (size_t i = 0; i < n_up; i++)
        close(up[i]);
    /* Once they are gone, requests are served again. */
    r = NULL;
    for (int i = 0; i < 100; i++) {
        http_res_free(r);
        r = http_create("test-key", PN1_BODY);
        if (r->status == 201)
            break;
        th_sleep_ms(20);
    }
    ck_assert_int_eq(r->status, 201);
    http_res_free(r);
    th_stop();
}
END_TEST

/* ---- slow clients ------------------------------------------------------------------ */

START_TEST(t_limit_idle_timeout)
{
    quo_mock_options o = opts();
    o.timeout_seconds = 1;
    th_start(&o);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int fd = th_raw_connect();
    th_raw_send(fd, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\n"); /* and then nothing */
    bool eof;
    const char *got = th_raw_read(fd, 8000, &eof);
    ck_assert_msg(eof, "the slow connection was not closed");
    ck_assert_str_eq(got, "");
    ck_assert_msg(seconds_since(&t0) >= 0.9, "closed before the timeout");
    close(fd);
    /* A complete request on a fresh connection is still served. */
    http_res *r = http_create("test-key", PN1_BODY);
    ck_assert_int_eq(r->status, 201);
    http_res_free(r);
    th_stop();
}
END_TEST

/* ---- graceful shutdown --------------------------------------------------------------- */

typedef struct finish_arg {
    quo_mock_server *server;
    quo_status status;
} finish_arg;

static void *run_finish(void *p)
{
    finish_arg *a = p;
    quo_error err;
    a->status = quo_mock_server_finish(a->server, &err);
    return NULL;
}

START_TEST(t_graceful_shutdown_in_flight)
{
    char dir[] = "/tmp/quo-mock-shutdown-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/report.json", dir);
    quo_mock_options o = opts();
    o.report_path = path;
    th_start(&o);
    /* A request whose body is still arriving when shutdown starts. */
    const char *body = PN1_BODY;
    size_t half = strlen(body) / 2;
    char head[512];
    snprintf(head, sizeof head,
             "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: test-key\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%.*s",
             strlen(body), (int)half, body);
    int fd = th_raw_connect();
    th_raw_send(fd, head);
    th_sleep_ms(200);
    finish_arg fa = {TM.server, QUO_EIO};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, run_finish, &fa), 0);
    th_sleep_ms(300);
    /* New connections are turned away while draining: closed as soon as
     * they are accepted, before any byte of an answer. */
    int nfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)TM.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int crc = connect(nfd, (struct sockaddr *)&a, sizeof a);
    if (crc == 0) {
        struct timeval tv = {2, 0};
        setsockopt(nfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        static const char probe[] = "GET /v1/tasks HTTP/1.1\r\nHost: x\r\n\r\n";
        ssize_t w = send(nfd, probe, sizeof probe - 1, MSG_NOSIGNAL);
        char byte;
        ssize_t got = recv(nfd, &byte, 1, 0);
        ck_assert_msg(got == 0 || (got < 0 && errno == ECONNRESET) || w < 0,
                      "a connection opened while draining was served (recv %zd, %s)", got,
                      got < 0 ? quo_errno_text(errno).text : "data");
    } else {
        ck_assert_msg(errno == ECONNREFUSED, "connect while draining: %s", quo_errno_text(errno).text);
    }
    close(nfd);
    /* The request in flight completes with its 201. */
    th_raw_send(fd, body + half);
    bool eof;
    const char *resp = th_raw_read(fd, 5000, &eof);
    ck_assert_msg(strncmp(resp, "HTTP/1.1 201", 12) == 0, "in-flight request: %s", resp);
    ck_assert_msg(strstr(resp, "\r\nConnection: close\r\n"), "no Connection: close: %s", resp);
    ck_assert_ptr_nonnull(strstr(resp, "\"taskId\":\"TK"));
    close(fd);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(fa.status, QUO_OK);
    /* ... and is in the report written on the way out. */
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char rep[4096];
    size_t n = fread(rep, 1, sizeof rep - 1, f);
    rep[n] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(rep, "\"requests\":1,"));
    ck_assert_ptr_nonnull(strstr(rep, "\"status\":201"));
    th_stop();
    unlink(path);
    rmdir(dir);
}
END_TEST

/* ---- unique ids under concurrency ------------------------------------------------------- */

#define ID_THREADS 8
#define ID_PER_THREAD 1000

typedef struct id_arg {
    char **ids;
    int failures;
} id_arg;

static void *create_many(void *p)
{
    id_arg *a = p;
    CURL *c = curl_easy_init();
    static const char *const hdrs[] = {KEY, GOOD_CT, NULL};
    for (int i = 0; i < ID_PER_THREAD; i++) {
        http_res *r = http_do_v(c, "POST", "/v1/tasks", PN1_BODY, strlen(PN1_BODY), hdrs);
        const char *id = r->status == 201 ? th_task_id(r) : NULL;
        if (id)
            a->ids[i] = strdup(id);
        else
            a->failures++;
        http_res_free(r);
    }
    curl_easy_cleanup(c);
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(t_unique_ids_concurrent)
{
    th_start(NULL);
    static char *ids[ID_THREADS * ID_PER_THREAD];
    memset(ids, 0, sizeof ids);
    pthread_t t[ID_THREADS];
    id_arg args[ID_THREADS];
    for (int i = 0; i < ID_THREADS; i++) {
        args[i] = (id_arg){ids + i * ID_PER_THREAD, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, create_many, &args[i]), 0);
    }
    for (int i = 0; i < ID_THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(args[i].failures, 0);
    }
    size_t n = ID_THREADS * ID_PER_THREAD;
    qsort(ids, n, sizeof ids[0], cmp_str);
    for (size_t i = 0; i < n; i++) {
        ck_assert(strncmp(ids[i], "TK", 2) == 0);
        if (i)
            ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "duplicate task id %s", ids[i]);
        ck_assert(quo_mock_core_find_task(quo_mock_server_core(TM.server), ids[i], NULL));
    }
    ck_assert_uint_eq(quo_mock_core_task_count(quo_mock_server_core(TM.server)), n);
    quo_mock_summary s;
    quo_mock_core_summary(quo_mock_server_core(TM.server), &s);
    ck_assert_uint_eq(s.requests, n);
    ck_assert_uint_eq(s.conforming, n);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    th_stop();
}
END_TEST

/* ---- the request log ---------------------------------------------------------------------- */

START_TEST(t_log_lines_without_keys)
{
    char path[] = "/tmp/quo-mock-log-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    quo_mock_options o = opts();
    o.quiet = false;
    o.log_fd = fd;
    th_start(&o);
    http_res *r = http_create("test-key", PN1_BODY);
    http_res_free(r);
    r = http_create("Bearer log-secret-123", PN1_BODY);
    http_res_free(r);
    r = http_create("log-secret-456", PN1_BODY);
    http_res_free(r);
    r = http_do("GET", "/elsewhere", NULL, "Authorization: log-secret-789", (char *)NULL);
    http_res_free(r);
    th_stop();
    close(fd);
    FILE *f = fopen(path, "r");
    char log[8192];
    size_t n = fread(log, 1, sizeof log - 1, f);
    log[n] = '\0';
    fclose(f);
    unlink(path);
    ck_assert_msg(strstr(log, "POST /v1/tasks 201 "), "log: %s", log);
    ck_assert_msg(strstr(log, "POST /v1/tasks 401 ") && strstr(log, "ms violations=1\n"),
                  "log: %s", log);
    ck_assert_msg(strstr(log, "GET /elsewhere 404 "), "log: %s", log);
    /* Every line in full: method, path, status, milliseconds to three
     * decimals, the violations when there are any. */
    regex_t line;
    ck_assert_int_eq(regcomp(&line, "^(POST /v1/tasks (201|401)|GET /elsewhere 404) "
                             "[0-9]+\\.[0-9]{3}ms( violations=[1-9][0-9]*)?$",
                             REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
    for (char *p = log, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
        *nl = '\0';
        ck_assert_msg(regexec(&line, p, 0, NULL, 0) == 0, "log line: \"%s\"", p);
        *nl = '\n';
    }
    regfree(&line);
    ck_assert_msg(!strstr(log, "secret") && !strstr(log, "test-key"), "a key leaked: %s", log);
    int lines = 0;
    for (const char *p = log; (p = strchr(p, '\n')); p++)
        lines++;
    ck_assert_int_eq(lines, 4);
}
END_TEST

/* ---- every body the core answers conforms ------------------------------------------------- */

static void check_answer(quo_mock_core *core, const quo_spec *spec, const char *body, size_t len)
{
    quo_mock_header h[] = {{"Authorization", "test-key"}, {"Content-Type", "application/json"}};
    quo_mock_request req = {"POST", "/v1/tasks", h, 2, body, len};
    quo_mock_response resp;
    ck_assert_int_eq(quo_mock_core_handle(core, &req, &resp), QUO_OK);
    quo_response pr;
    ck_assert_int_eq(quo_response_parse(spec, resp.status,
                                        quo_mock_response_header(&resp, "Content-Type"),
                                        resp.body, resp.body_len, &pr),
                     QUO_OK);
    ck_assert_msg(quo_response_conforms(&pr), "status %d: %s", resp.status,
                  pr.violations.count ? pr.violations.items[0].message : "");
    quo_response_free(&pr);
    quo_mock_response_free(&resp);
}

START_TEST(t_core_answers_conform)
{
    quo_spec *spec;
    ck_assert_int_eq(quo_spec_load_default(&spec, NULL), QUO_OK);
    quo_mock_options o = opts();
    quo_mock_core *core;
    ck_assert_int_eq(quo_mock_core_new(spec, &o, &core, NULL), QUO_OK);
    /* A request with nothing in it. */
    quo_mock_request empty = {0};
    quo_mock_response resp;
    ck_assert_int_eq(quo_mock_core_handle(core, &empty, &resp), QUO_OK);
    ck_assert_int_eq(resp.status, 404);
    quo_mock_response_free(&resp);
    static const char *const bodies[] = {
        PN1_BODY, "", "null", "{\"title\":\"\\u0000\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}",
        "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\\u0000\"}",
        "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN\\u2028\"}",
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bodies); i++)
        check_answer(core, spec, bodies[i], strlen(bodies[i]));
    quo_mock_core_free(core);
    quo_spec_free(spec);
}
END_TEST

/* Every JSONTestSuite file as a body (tag "testdata": its own ctest,
 * test_mock_limits_testdata, skipped by main() when the data is absent). */
START_TEST(t_core_answers_conform_jsontestsuite)
{
    char dirpath[1024];
    ck_assert_msg(quo_check_testdata("JSONTestSuite/test_parsing", dirpath, sizeof dirpath),
                  "the JSONTestSuite data is absent");
    quo_spec *spec;
    ck_assert_int_eq(quo_spec_load_default(&spec, NULL), QUO_OK);
    quo_mock_options o = opts();
    quo_mock_core *core;
    ck_assert_int_eq(quo_mock_core_new(spec, &o, &core, NULL), QUO_OK);
    DIR *d = opendir(dirpath);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[2048];
        snprintf(p, sizeof p, "%s/%s", dirpath, e->d_name);
        FILE *f = fopen(p, "rb");
        if (!f)
            continue;
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        check_answer(core, spec, buf, n);
        files++;
    }
    closedir(d);
    ck_assert_uint_gt(files, 300);
    quo_mock_core_free(core);
    quo_spec_free(spec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mock_limits");
    TCase *tc = tcase_create("limits");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_limit_body_413);
    tcase_add_test(tc, t_limit_depth);
    tcase_add_test(tc, t_large_body_judged_apart);
    tcase_add_test(tc, t_limit_header_431);
    tcase_add_test(tc, t_limit_connections_503);
    tcase_add_test(tc, t_limit_waiting_connections_make_room);
    tcase_add_test(tc, t_limit_header_deadline);
    tcase_add_test(tc, t_limit_idle_timeout);
    tcase_add_test(tc, t_graceful_shutdown_in_flight);
    tcase_add_test(tc, t_unique_ids_concurrent);
    tcase_add_test(tc, t_log_lines_without_keys);
    tcase_add_test(tc, t_core_answers_conform);
    suite_add_tcase(s, tc);
    tc = tcase_create("jsontestsuite");
    tcase_set_tags(tc, "testdata");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_core_answers_conform_jsontestsuite);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    char dir[1024];
    if (quo_check_only_tag("testdata") &&
        !quo_check_testdata("JSONTestSuite/test_parsing", dir, sizeof dir))
        return QUO_CHECK_SKIP;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = quo_check_run(suite());
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
