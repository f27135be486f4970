/* mock_http.c - see mock_http.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "quo/io.h"
#include "quo/response.h"

#include "mock_http.h"

th_mock TM;

void th_options(quo_mock_options *o)
{
    quo_mock_options_init(o);
    o->port = 0;
    o->quiet = true;
    /* ctest runs the HTTP tests once per thread model. */
    const char *t = getenv("QUO_MOCK_TEST_THREAD_PER_CONNECTION");
    o->thread_per_connection = t && *t == '1';
}

void th_start(const quo_mock_options *opts)
{
    quo_mock_options d;
    if (!opts) {
        th_options(&d);
        opts = &d;
    }
    quo_error err = {0};
    memset(&TM, 0, sizeof TM);
    ck_assert_msg(quo_spec_load_default(&TM.spec, &err) == QUO_OK, "spec: %s", err.message);
    quo_status st = quo_mock_server_start(TM.spec, opts, &TM.server, &err);
    ck_assert_msg(st == QUO_OK, "mock did not start: %s", err.message);
    TM.port = quo_mock_server_port(TM.server);
    ck_assert_uint_ne(TM.port, 0);
    snprintf(TM.base, sizeof TM.base, "http://127.0.0.1:%u", TM.port);
}

void th_stop(void)
{
    quo_mock_server_stop(TM.server);
    quo_spec_free(TM.spec);
    memset(&TM, 0, sizeof TM);
}

typedef struct growbuf {
    char *p;
    size_t n;
} growbuf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    growbuf *g = ud;
    size_t n = size * nmemb;
    char *p = realloc(g->p, g->n + n + 1);
    if (!p)
        return 0;
    memcpy(p + g->n, ptr, n);
    g->n += n;
    p[g->n] = '\0';
    g->p = p;
    return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    growbuf *g = ud;
    size_t n = size * nmemb;
    /* A new status line starts the block of the next (final) response. */
    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0)
        g->n = 0;
    return on_data(ptr, size, nmemb, ud);
}

http_res *http_do_v(CURL *reuse, const char *method, const char *path, const char *body,
                    size_t body_len, const char *const *headers)
{
    CURL *c = reuse ? reuse : curl_easy_init();
    ck_assert_ptr_nonnull(c);
    char url[2048];
    snprintf(url, sizeof url, "%s%s", TM.base, path);
    growbuf b = {0}, h = {0};
    struct curl_slist *list = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    /* HEAD needs NOBODY (no body is read); the verb itself is custom. */
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    http_res *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->body = b.p ? b.p : calloc(1, 1);
    r->body_len = b.n;
    r->headers = h.p ? h.p : calloc(1, 1);
    r->json = cJSON_ParseWithLength(r->body, r->body_len);
    if (!reuse)
        curl_easy_cleanup(c);
    return r;
}

http_res *http_do(const char *method, const char *path, const char *body, ...)
{
    const char *hdrs[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, body);
    const char *s;
    while ((s = va_arg(ap, const char *)) != NULL && n < 31)
        hdrs[n++] = s;
    va_end(ap);
    hdrs[n] = NULL;
    return http_do_v(NULL, method, path, body, body ? strlen(body) : 0, hdrs);
}

http_res *http_create(const char *key, const char *body)
{
    char auth[512];
    snprintf(auth, sizeof auth, "Authorization: %s", key);
    return http_do("POST", "/v1/tasks", body, auth, "Content-Type: application/json",
                   (const char *)NULL);
}

void http_res_free(http_res *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->headers);
    cJSON_Delete(r->json);
    free(r);
}

char *http_header(const http_res *r, const char *name)
{
    size_t nlen = strlen(name);
    char *found = NULL;
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
            const char *v = line + nlen + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            free(found);
            found = strndup(v, len - (size_t)(v - line));
        }
        line = eol ? eol + 2 : NULL;
    }
    return found;
}

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void th_assert_conforms(const http_res *r)
{
    char *ct = http_header(r, "Content-Type");
    ck_assert_msg(ct && strcmp(ct, "application/json") == 0, "status %ld: Content-Type %s",
                  r->status, ct ? ct : "(none)");
    int status = (int)r->status;
    if (quo_spec_response_schema(TM.spec, status)) {
        quo_response pr;
        ck_assert_int_eq(quo_response_parse(TM.spec, status, ct, r->body, r->body_len, &pr),
                         QUO_OK);
        ck_assert_msg(quo_response_conforms(&pr), "status %d body does not conform: %s\n%s",
                      status, pr.violations.count ? pr.violations.items[0].message : "",
                      r->body);
        quo_response_free(&pr);
        free(ct);
        return;
    }
    free(ct);
    /* A status the mock adds: the API's error shape, spec constants. */
    ck_assert_msg(cJSON_IsObject(r->json), "status %d: body is not a JSON object: %s", status,
                  r->body);
    quo_spec_error_consts k400;
    int base = status >= 500 ? 500 : 400;
    ck_assert_int_eq(quo_spec_error_constants(TM.spec, base, &k400), QUO_OK);
    const char *code = str_member(r->json, "code");
    ck_assert_ptr_nonnull(code);
    size_t bl = strlen(k400.code);
    ck_assert_uint_eq(strlen(code), bl);
    ck_assert_msg(strncmp(code, k400.code, bl - 3) == 0 && atoi(code + bl - 3) == status,
                  "code %s does not follow %s for status %d", code, k400.code, status);
    ck_assert_str_eq(str_member(r->json, "docs"), k400.docs);
    ck_assert_ptr_nonnull(str_member(r->json, "message"));
    ck_assert_ptr_nonnull(str_member(r->json, "title"));
    ck_assert_ptr_nonnull(str_member(r->json, "trace"));
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(r->json, "status");
    ck_assert(cJSON_IsNumber(st) && st->valuedouble == status);
}

const char *th_error_paths(const http_res *r)
{
    static char buf[4096];
    buf[0] = '\0';
    const cJSON *e;
    size_t n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->json, "errors"))
    {
        const char *p = str_member(e, "path");
        int w = snprintf(buf + n, sizeof buf - n, "%s%s", n ? "|" : "", p ? p : "?");
        if (w > 0 && (size_t)w < sizeof buf - n)
            n += (size_t)w;
    }
    return buf;
}

const char *th_data(const http_res *r, const char *member)
{
    return str_member(cJSON_GetObjectItemCaseSensitive(r->json, "data"), member);
}

const char *th_task_id(const http_res *r)
{
    return th_data(r, "taskId");
}

char *th_temp_file(const char *text)
{
    char *path = strdup("/tmp/quo-mock-test-XXXXXX");
    ck_assert_ptr_nonnull(path);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(text);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

void th_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* ---- raw sockets ------------------------------------------------------- */

int th_raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)TM.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s",
                  quo_errno_text(errno).text);
    return fd;
}

void th_raw_send(int fd, const char *s)
{
    size_t n = strlen(s);
    ck_assert_int_eq(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

const char *th_raw_read(int fd, int timeout_ms, bool *eof)
{
    static char buf[65536];
    size_t n = 0;
    *eof = false;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (spent >= timeout_ms)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)(timeout_ms - spent)) <= 0)
            break;
        ssize_t r = recv(fd, buf + n, sizeof buf - 1 - n, 0);
        if (r <= 0) {
            *eof = true;
            break;
        }
        n += (size_t)r;
    }
    buf[n] = '\0';
    return buf;
}
