/* test_mock_accounting.c - connections that never make a request the mock
 * answers are counted (summary.unanswered) and recorded by peer address
 * (the report's "connections"): bytes with no request line, a TLS hello to
 * the plain port, a connection closed before a byte, and what
 * libmicrohttpd answers itself (505, its 400 and 414), attributed to the
 * only client seen from the address, else to "unidentified peer ...".
 * A raw socket client sends what no HTTP library would.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "quo_check.h"

#include "mock_http.h"

/* A TLS 1.2 ClientHello's first bytes: record type 22, version 3.1. */
static const char TLS_HELLO[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
                                "0123456789abcdef0123456789abcdef";

static cJSON *report(void)
{
    char *text = quo_mock_core_report(quo_mock_server_core(TM.server), QUO_MOCK_REPORT_JSON, NULL);
    ck_assert_ptr_nonnull(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(j);
    return j;
}

static long count(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

static const cJSON *unanswered(const cJSON *rep)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rep, "summary"),
                                            "unanswered");
}

/* The report once `total` connections were counted (the mock counts a
 * connection when it is closed, in its own thread): at most 5 s. */
static cJSON *report_after(long total, const char *reason)
{
    for (int i = 0; i < 100; i++) {
        cJSON *rep = report();
        if (count(unanswered(rep), reason) >= total)
            return rep;
        cJSON_Delete(rep);
        th_sleep_ms(50);
    }
    return report();
}

/* Sends bytes (n of them), then closes at once or reads until the mock
 * closes; what the mock answered, if anything (static buffer). */
static const char *send_raw(const char *bytes, size_t n, bool close_first)
{
    int fd = th_raw_connect();
    if (n)
        ck_assert_int_eq(send(fd, bytes, n, MSG_NOSIGNAL), (ssize_t)n);
    bool eof = false;
    const char *got = close_first ? "" : th_raw_read(fd, 5000, &eof);
    ck_assert_msg(close_first || eof, "the mock kept the connection open");
    close(fd);
    return got;
}

static const cJSON *peer_entry(const cJSON *rep, const char *addr)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rep, "connections"))
    {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "peer");
        if (cJSON_IsString(p) && strcmp(p->valuestring, addr) == 0)
            return e;
    }
    return NULL;
}

START_TEST(t_bytes_without_request_line_counted)
{
    quo_mock_options o;
    th_options(&o);
    th_start(&o);
    /* No request line: libmicrohttpd 0.9.75 closes these without a word. */
    ck_assert_str_eq(send_raw("GARBAGE\r\n", 9, false), "");
    send_raw("GARB", 4, true);
    /* A TLS client on the plain port: turned away by the door. */
    ck_assert_str_eq(send_raw(TLS_HELLO, sizeof TLS_HELLO - 1, false), "");
    send_raw(TLS_HELLO, sizeof TLS_HELLO - 1, true);
    /* Connected, closed, not a byte. */
    send_raw("", 0, true);
    cJSON *rep = report_after(1, "closed-before-request");
    cJSON_Delete(rep);
    rep = report_after(2, "no-request-line");
    const cJSON *u = unanswered(rep);
    ck_assert_msg(count(u, "no-request-line") == 2, "unanswered: %s", cJSON_PrintUnformatted(u));
    ck_assert_int_eq(count(u, "tls-to-plain-port"), 2);
    ck_assert_int_eq(count(u, "closed-before-request"), 1);
    ck_assert_int_eq(count(u, "answered-by-libmicrohttpd"), 0);
    ck_assert_int_eq(count(cJSON_GetObjectItemCaseSensitive(rep, "summary"), "requests"), 0);
    /* No client was ever seen from 127.0.0.1: an unidentified peer. */
    const cJSON *p = peer_entry(rep, "127.0.0.1");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(count(p, "connections"), 5);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "attributedTo")->valuestring,
                     "unidentified peer 127.0.0.1");
    ck_assert_int_eq(count(cJSON_GetObjectItemCaseSensitive(p, "unanswered"), "tls-to-plain-port"),
                     2);
    cJSON_Delete(rep);
    th_stop();
}
END_TEST

START_TEST(t_libmicrohttpd_answers_attributed)
{
    quo_mock_options o;
    th_options(&o);
    th_start(&o);
    http_res *r = http_do("POST", "/v1/tasks", "{}", "Quo-Client: acct/1", (char *)NULL);
    ck_assert_int_eq(r->status, 401);
    http_res_free(r);
    /* Answered by libmicrohttpd itself: the handler never sees them. */
    static const char v3[] = "GET /v1/tasks HTTP/3.0\r\nHost: x\r\n\r\n";
    ck_assert_ptr_nonnull(strstr(send_raw(v3, sizeof v3 - 1, false), " 505 "));
    static const char bad[] = "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n";
    ck_assert_ptr_nonnull(strstr(send_raw(bad, sizeof bad - 1, false), " 400 "));
    size_t n = 100 * 1024;
    char *longline = malloc(n + 32);
    ck_assert_ptr_nonnull(longline);
    memcpy(longline, "GET /", 5);
    memset(longline + 5, 'a', n);
    memcpy(longline + 5 + n, " HTTP/1.1\r\n\r\n", 14);
    ck_assert_ptr_nonnull(strstr(send_raw(longline, strlen(longline), false), " 414 "));
    free(longline);
    cJSON *rep = report_after(3, "answered-by-libmicrohttpd");
    ck_assert_int_eq(count(unanswered(rep), "answered-by-libmicrohttpd"), 3);
    ck_assert_int_eq(count(unanswered(rep), "no-request-line"), 0);
    const cJSON *p = peer_entry(rep, "127.0.0.1");
    ck_assert_ptr_nonnull(p);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "libmicrohttpdStatuses");
    ck_assert_int_eq(count(st, "505"), 1);
    ck_assert_int_eq(count(st, "400"), 1);
    ck_assert_int_eq(count(st, "414"), 1);
    /* The only client seen from the address. */
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "attributedTo")->valuestring, "acct/1");
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rep, "clients"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring, "acct/1");
    const cJSON *cc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "connections"), 0);
    ck_assert_int_eq(count(cJSON_GetObjectItemCaseSensitive(cc, "unanswered"),
                           "answered-by-libmicrohttpd"),
                     3);
    cJSON_Delete(rep);
    /* A second client from the same address: no longer attributable. */
    r = http_do("POST", "/v1/tasks", "{}", "Quo-Client: acct/2", (char *)NULL);
    http_res_free(r);
    rep = report();
    p = peer_entry(rep, "127.0.0.1");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "attributedTo")->valuestring,
                     "unidentified peer 127.0.0.1");
    ck_assert_int_eq(count(p, "clientsSeen"), 2);
    cJSON_Delete(rep);
    th_stop();
}
END_TEST

START_TEST(t_good_connections_not_counted)
{
    quo_mock_options o;
    th_options(&o);
    th_start(&o);
    /* Answered requests, kept alive or closed by the client, and a 413
     * whose unread body follows it: nothing unanswered. */
    for (int i = 0; i < 3; i++) {
        http_res *r = http_create("test-key", "{}");
        ck_assert_int_eq(r->status, 400);
        http_res_free(r);
    }
    static const char big[] = "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
                              "Authorization: test-key\r\nContent-Type: application/json\r\n\r\n"
                              "{\"title\":";
    ck_assert_ptr_nonnull(strstr(send_raw(big, sizeof big - 1, false), " 413 "));
    th_sleep_ms(300);
    cJSON *rep = report();
    const cJSON *u = unanswered(rep);
    ck_assert_msg(cJSON_GetArraySize(u) == 0, "unanswered: %s", cJSON_PrintUnformatted(u));
    cJSON_Delete(rep);
    th_stop();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mock_accounting");
    TCase *tc = tcase_create("accounting");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_bytes_without_request_line_counted);
    tcase_add_test(tc, t_libmicrohttpd_answers_attributed);
    tcase_add_test(tc, t_good_connections_not_counted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed = quo_check_run(suite());
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
