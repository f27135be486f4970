/* test_mock_cli.c - the quo-mock program as a user runs it: --help, usage
 * errors, the first stdout line, serving, SIGTERM/SIGINT with the report
 * written, and the exit statuses --help documents.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "quo_check.h"
#include "cli_run.h"

START_TEST(t_help)
{
    const char *args[] = {"--help", NULL};
    cli_result r = cli_run(args, 10000);
    ck_assert_int_eq(r.exit_code, 0);
    static const char *const parts[] = {
        "--host", "--port", "--fixtures", "--report", "--report-format", "--max-body",
        "--max-header", "--max-connections", "--timeout", "--max-depth", "--spec", "--quiet",
        "Exit status:", "0  clean shutdown", "2  usage error, or bad fixtures, spec, or address"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        ck_assert_msg(strstr(r.out, parts[i]), "--help lacks %s", parts[i]);
    cli_result_free(&r);
}
END_TEST

START_TEST(t_usage_errors_exit_2)
{
    static const struct {
        const char *a1, *a2, *expect;
    } cases[] = {
        {"--nope", NULL, "unknown option --nope"},
        {"--port", "abc", "--port: \"abc\" is not a port number"},
        {"--port", "70000", "is not a port number"},
        {"--report-format", "xml", "neither json nor md"},
        {"--max-body", "-1", "--max-body"},
        {"--max-body", "12q", "--max-body"},
        {"--timeout", "0", "--timeout"},
        {"--max-connections", "0", "--max-connections"},
        {"--max-depth", "x", "--max-depth"},
        {"--port", NULL, "needs a value"},
        {"stray", NULL, "unexpected argument"},
        {"--spec", "/nonexistent/spec.json", "/nonexistent/spec.json"},
        {"--host", "not-an-address", "--host not-an-address is not a numeric"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {cases[i].a1, cases[i].a2, NULL};
        cli_result r = cli_run(args, 10000);
        ck_assert_msg(r.exit_code == 2, "%s %s: exit %d", cases[i].a1,
                      cases[i].a2 ? cases[i].a2 : "", r.exit_code);
        ck_assert_msg(strstr(r.err, cases[i].expect), "%s: stderr %s", cases[i].a1, r.err);
        ck_assert_str_eq(r.out, "");
        cli_result_free(&r);
    }
}
END_TEST

START_TEST(t_bind_error_exit_2)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(fd, 1), 0);
    socklen_t sl = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &sl);
    char port[16];
    snprintf(port, sizeof port, "%u", ntohs(a.sin_port));
    const char *args[] = {"--port", port, NULL};
    cli_result r = cli_run(args, 10000);
    ck_assert_int_eq(r.exit_code, 2);
    ck_assert_msg(strstr(r.err, "cannot listen on 127.0.0.1:") && strstr(r.err, "in use"),
                  "stderr: %s", r.err);
    cli_result_free(&r);
    close(fd);
}
END_TEST

static size_t collect(char *p, size_t s, size_t n, void *ud)
{
    struct {
        char buf[4096];
        size_t n;
    } *g = ud;
    size_t len = s * n;
    if (len > sizeof g->buf - 1 - g->n)
        len = sizeof g->buf - 1 - g->n;
    memcpy(g->buf + g->n, p, len);
    g->n += len;
    g->buf[g->n] = '\0';
    return s * n;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    (void)p, (void)ud;
    return s * n;
}

static long post(unsigned port, const char *key, const char *body)
{
    CURL *c = curl_easy_init();
    char url[64], auth[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/tasks", port);
    snprintf(auth, sizeof auth, "Authorization: %s", key);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* POSTs an empty object without a key; the body of the answer (malloc'd). */
static char *post_unauthorized(unsigned port)
{
    CURL *c = curl_easy_init();
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/tasks", port);
    struct grow {
        char buf[4096];
        size_t n;
    } *g = calloc(1, sizeof *g);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, g);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    curl_easy_cleanup(c);
    char *out = strdup(g->buf);
    free(g);
    return out;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

/* Serves, logs, and on the signal writes the report and exits 0. */
static void serve_and_stop(int sig, const char *format, const char *expect)
{
    char dir[] = "/tmp/quo-mock-cli-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char report[128];
    snprintf(report, sizeof report, "%s/report", dir);
    const char *args[] = {"--port", "0", "--report", report, "--report-format", format, NULL};
    cli_server s;
    ck_assert_msg(cli_start(&s, args), "no first line, got \"%s\"", s.first_line);
    char want[64];
    snprintf(want, sizeof want, "listening on http://127.0.0.1:%u", s.port);
    ck_assert_str_eq(s.first_line, want);
    ck_assert_int_eq(post(s.port, "test-key",
                          "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}"),
                     201);
    ck_assert_int_eq(post(s.port, "Bearer cli-secret-key", "{}"), 401);
    int rc = cli_signal_and_wait(&s, sig, 20000);
    ck_assert_int_eq(rc, 0);
    char *err = cli_server_stderr(&s);
    ck_assert_msg(strstr(err, "POST /v1/tasks 201 "), "stderr: %s", err);
    ck_assert_msg(strstr(err, "POST /v1/tasks 401 "), "stderr: %s", err);
    ck_assert_msg(strstr(err, "2 request(s): 1 conforming, 1 not conforming; report written"),
                  "stderr: %s", err);
    ck_assert_ptr_null(strstr(err, "secret"));
    free(err);
    char *text = read_all(report);
    ck_assert_msg(text != NULL, "no report at %s", report);
    ck_assert_msg(strstr(text, expect), "report lacks %s: %s", expect, text);
    ck_assert_ptr_null(strstr(text, "secret"));
    free(text);
    cli_server_cleanup(&s);
    unlink(report);
    rmdir(dir);
}

START_TEST(t_sigterm_clean_exit_json_report)
{
    serve_and_stop(SIGTERM, "json", "{\"summary\":{\"requests\":2,\"conforming\":1,\"nonConforming\":1}");
}
END_TEST

START_TEST(t_sigint_clean_exit_md_report)
{
    serve_and_stop(SIGINT, "md", "| 2 | 1 | 1 |");
}
END_TEST

START_TEST(t_report_unwritable_exit_1)
{
    const char *args[] = {"--port", "0", "--quiet", "--report", "/nonexistent-dir/r.json", NULL};
    cli_server s;
    ck_assert(cli_start(&s, args));
    int rc = cli_signal_and_wait(&s, SIGTERM, 20000);
    ck_assert_int_eq(rc, 1);
    char *err = cli_server_stderr(&s);
    ck_assert_msg(strstr(err, "/nonexistent-dir/r.json"), "stderr: %s", err);
    free(err);
    cli_server_cleanup(&s);
}
END_TEST

START_TEST(t_limits_from_the_command_line)
{
    const char *args[] = {"--port", "0", "--quiet", "--max-body", "1k", NULL};
    cli_server s;
    ck_assert(cli_start(&s, args));
    char big[2048];
    memset(big, ' ', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = '{';
    big[sizeof big - 2] = '}';
    ck_assert_int_eq(post(s.port, "test-key", big), 413);
    ck_assert_int_eq(cli_signal_and_wait(&s, SIGTERM, 20000), 0);
    cli_server_cleanup(&s);
}
END_TEST

/* The spec's text with one substring replaced, in a temporary file. */
static char *spec_variant(const char *from, const char *to)
{
    const char *src = getenv("QUO_SOURCE_DIR");
    ck_assert_ptr_nonnull(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/spec/create-task.openapi.json", src);
    char *text = read_all(path);
    ck_assert_ptr_nonnull(text);
    char *hit = strstr(text, from);
    ck_assert_ptr_nonnull(hit);
    char out[] = "/tmp/quo-mock-spec-XXXXXX";
    int fd = mkstemp(out);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%.*s%s%s", (int)(hit - text), text, to, hit + strlen(from));
    fclose(f);
    free(text);
    return strdup(out);
}

START_TEST(t_spec_option)
{
    /* The error constants come from the spec being served. */
    char *spec = spec_variant("\"0600401\"", "\"0900401\"");
    const char *args[] = {"--port", "0", "--quiet", "--spec", spec, NULL};
    cli_server s;
    ck_assert(cli_start(&s, args));
    char *body = post_unauthorized(s.port);
    ck_assert_msg(strstr(body, "\"code\":\"0900401\""), "body: %s", body);
    free(body);
    ck_assert_int_eq(cli_signal_and_wait(&s, SIGTERM, 20000), 0);
    cli_server_cleanup(&s);
    unlink(spec);
    free(spec);
    /* A spec whose link alternative no body can take is refused, naming why. */
    spec = spec_variant("\"phoneNumberId\": {\n                        \"pattern\"",
                        "\"phoneId\": {\n                        \"pattern\"");
    const char *args2[] = {"--port", "0", "--spec", spec, NULL};
    cli_result r = cli_run(args2, 10000);
    ck_assert_int_eq(r.exit_code, 2);
    ck_assert_msg(strstr(r.err, "requires \"phoneNumberId\" but does not list it in properties"),
                  "stderr: %s", r.err);
    ck_assert_str_eq(r.out, "");
    cli_result_free(&r);
    unlink(spec);
    free(spec);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mock_cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, t_help);
    tcase_add_test(tc, t_usage_errors_exit_2);
    tcase_add_test(tc, t_bind_error_exit_2);
    tcase_add_test(tc, t_sigterm_clean_exit_json_report);
    tcase_add_test(tc, t_sigint_clean_exit_md_report);
    tcase_add_test(tc, t_report_unwritable_exit_1);
    tcase_add_test(tc, t_limits_from_the_command_line);
    tcase_add_test(tc, t_spec_option);
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
