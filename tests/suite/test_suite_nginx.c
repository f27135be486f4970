/* quo-conformance against a staging-like setup: nginx (TLS with a test CA
 * made by openssl here, and a gateway rule: a non-JSON 403 without
 * `X-Env: staging`) in front of the faithful test target. Exits 77
 * (skipped) when nginx or openssl is absent.
 *
 * Shows: an untrusted certificate names --cacert; --cacert and
 * CURL_CA_BUNDLE trust the CA; the gateway's refusal is "gateway refused"
 * (exit 2, no verdict), --header fixes it; --insecure is loud; plain
 * http:// to the TLS port is no verdict; a name that --resolve maps to
 * 127.0.0.1 counts as loopback (unpaced) by its address; a server that
 * wants a client certificate gets one with --cert and --key. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "quo_check.h"
#include "helpers.h"
#include "tamper_server.h"

#define NGINX "/usr/sbin/nginx"
#define OPENSSL "/usr/bin/openssl"

static char dir[64];
static ts_server *server;
static pid_t nginx_pid;
static unsigned tls_port, mtls_port;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static bool port_open(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* A test CA and a server certificate for staging.test and 127.0.0.1. */
static void make_certificates(void)
{
    sh("cd '%s' && " OPENSSL " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
       "-nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=quo-test-ca 2>/dev/null && "
       OPENSSL " req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key "
       "-out srv.csr -subj /CN=staging.test 2>/dev/null && "
       "printf 'subjectAltName=DNS:staging.test,IP:127.0.0.1\\n' > ext.cnf && "
       OPENSSL " x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem "
       "-days 1 -extfile ext.cnf 2>/dev/null && "
       OPENSSL " req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout cli.key "
       "-out cli.csr -subj /CN=quo-conformance 2>/dev/null && "
       OPENSSL " x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem "
       "-days 1 2>/dev/null",
       dir);
}

static void start_nginx(void)
{
    char conf[4096];
    snprintf(conf, sizeof conf,
             "daemon off; master_process off; worker_processes 1;\n"
             "pid %1$s/nginx.pid; error_log %1$s/error.log;\n"
             "events { worker_connections 64; }\n"
             "http {\n access_log off;\n"
             " client_body_temp_path %1$s/t; proxy_temp_path %1$s/t; fastcgi_temp_path %1$s/t;\n"
             " uwsgi_temp_path %1$s/t; scgi_temp_path %1$s/t;\n"
             " server {\n  listen 127.0.0.1:%2$u ssl; server_name staging.test;\n"
             "  ssl_certificate %1$s/srv.pem; ssl_certificate_key %1$s/srv.key;\n"
             "  location / {\n"
             "   if ($http_x_env != \"staging\") { return 403 \"forbidden by the gateway\\n\"; }\n"
             "   proxy_pass http://127.0.0.1:%3$u; proxy_http_version 1.1;\n"
             "   proxy_set_header Connection \"\";\n  }\n }\n"
             " server {\n  listen 127.0.0.1:%4$u ssl; server_name staging.test;\n"
             "  ssl_certificate %1$s/srv.pem; ssl_certificate_key %1$s/srv.key;\n"
             "  ssl_client_certificate %1$s/ca.pem; ssl_verify_client on;\n"
             "  location / { proxy_pass http://127.0.0.1:%3$u; proxy_http_version 1.1;\n"
             "   proxy_set_header Connection \"\"; }\n }\n}\n",
             dir, tls_port, ts_port(server), mtls_port);
    char path[128];
    snprintf(path, sizeof path, "%s/nginx.conf", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(conf, f);
    fclose(f);
    sh("mkdir -p '%s/t'", dir);
    nginx_pid = fork();
    ck_assert_int_ge(nginx_pid, 0);
    if (nginx_pid == 0) {
        execl(NGINX, "nginx", "-q", "-p", dir, "-e", "stderr", "-c", path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !port_open(tls_port); i++)
        nanosleep(&(struct timespec){0, 50000000}, NULL);
    for (int i = 0; i < 100 && !port_open(mtls_port); i++)
        nanosleep(&(struct timespec){0, 50000000}, NULL);
    ck_assert_msg(port_open(tls_port) && port_open(mtls_port),
                  "nginx did not start (see %s/error.log)", dir);
}

static void setup(void)
{
    th_setup();
    snprintf(dir, sizeof dir, "/tmp/qc-nginx-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    make_certificates();
    server = ts_start(th_spec, TS_FAITHFUL);
    tls_port = free_port();
    do
        mtls_port = free_port();
    while (mtls_port == tls_port);
    start_nginx();
    const qc_fixtures *fx = &th_cfg.fixtures;
    char path[128];
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "{\"apiKey\":\"%s\",\"fixtures\":{\"phoneNumberId\":\"%s\",\"conversationId\":\"%s\","
            "\"activityId\":\"%s\",\"userId\":\"%s\"},\"forbidden\":{\"apiKey\":\"%s\"},"
            "\"faults\":\"prefer-header\"}",
            th_cfg.api_key, fx->phone_number_id, fx->conversation_id, fx->activity_id,
            fx->user_id, th_cfg.forbidden_key);
    fclose(f);
}

static void teardown(void)
{
    if (nginx_pid > 0) {
        kill(nginx_pid, SIGTERM);
        waitpid(nginx_pid, NULL, 0);
        nginx_pid = 0;
    }
    ts_stop(server);
    sh("rm -rf '%s'", dir);
    th_teardown();
}

/* Runs quo-conformance with `args` (shell words) against `url`; `env` is
 * prepended ("NAME=value " or ""). Returns the exit status. */
static int run(const char *env, const char *url, const char *args)
{
    const char *program = getenv("QC_PROGRAM");
    ck_assert_ptr_nonnull(program);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd '%1$s' && env -u QUO_BASE_URL -u QUO_API_KEY -u QUO_CONFIG -u CK_RUN_SUITE "
             "-u CK_RUN_CASE -u CK_FORK -u CURL_CA_BUNDLE -u SSL_CERT_FILE %2$s '%3$s' "
             "--config config.json --report-dir reports --base-url '%4$s' "
             "--resolve staging.test:%5$u:127.0.0.1 --resolve staging.test:%6$u:127.0.0.1 "
             "%7$s >out 2>err",
             dir, env, program, url, tls_port, mtls_port, args);
    int rc = system(cmd);
    ck_assert(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

static bool file_has(const char *name, const char *needle)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, needle) != NULL;
}

static char url[96];

static const char *tls_url(void)
{
    snprintf(url, sizeof url, "https://staging.test:%u", tls_port);
    return url;
}

START_TEST(untrusted_certificate_names_cacert)
{
    ck_assert_int_eq(run("", tls_url(), "--header 'X-Env: staging'"), 2);
    ck_assert_msg(file_has("err", "--cacert"), "the error does not name --cacert");
    ck_assert(file_has("err", "target down"));
    ck_assert(file_has("reports/junit.xml", "<error type=\"preflight-failed\""));
}
END_TEST

START_TEST(gateway_refusal_then_the_header)
{
    ck_assert_int_eq(run("", tls_url(), "--cacert ca.pem"), 2);
    ck_assert(file_has("err", "gateway refused"));
    ck_assert(file_has("err", "non-JSON 403"));
    ck_assert(file_has("reports/report.json", "\"failed\":\t0"));
    ck_assert_int_eq(run("", tls_url(), "--cacert ca.pem --header 'X-Env: staging' --strict"), 0);
    ck_assert(file_has("reports/report.json", "\"verdict\":\t\"passed\""));
    /* staging.test resolves (--resolve) to 127.0.0.1: loopback by address. */
    ck_assert(file_has("out", "unpaced (loopback)"));
}
END_TEST

START_TEST(ca_bundle_from_the_environment)
{
    ck_assert_int_eq(run("CURL_CA_BUNDLE=ca.pem", tls_url(), "--header 'X-Env: staging'"), 0);
}
END_TEST

START_TEST(insecure_passes_loudly)
{
    ck_assert_int_eq(run("", tls_url(), "--insecure --header 'X-Env: staging'"), 0);
    ck_assert(file_has("out", "WARNING: --insecure"));
    ck_assert(file_has("reports/report.md", "TLS certificates were NOT verified"));
}
END_TEST

START_TEST(plain_http_to_the_tls_port_is_no_verdict)
{
    char plain[96];
    snprintf(plain, sizeof plain, "http://staging.test:%u", tls_port);
    ck_assert_int_eq(run("", plain, "--header 'X-Env: staging'"), 2);
    ck_assert(file_has("err", "not the API"));
    ck_assert(file_has("reports/report.json", "\"failed\":\t0"));
}
END_TEST

START_TEST(client_certificate)
{
    char murl[96];
    snprintf(murl, sizeof murl, "https://staging.test:%u", mtls_port);
    /* Without one nginx answers a non-JSON 400: no verdict, never a failure. */
    ck_assert_int_eq(run("", murl, "--cacert ca.pem"), 2);
    ck_assert(file_has("reports/report.json", "\"failed\":\t0"));
    ck_assert_int_eq(run("", murl, "--cacert ca.pem --cert cli.pem --key cli.key"), 0);
    ck_assert_int_eq(run("", murl, "--cacert ca.pem --cert nonexistent.pem --key cli.key"), 2);
    ck_assert(file_has("err", "--cert"));
}
END_TEST

static Suite *nginx_suite(void)
{
    Suite *s = suite_create("nginx");
    TCase *tc = tcase_create("staging");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, untrusted_certificate_names_cacert);
    tcase_add_test(tc, gateway_refusal_then_the_header);
    tcase_add_test(tc, ca_bundle_from_the_environment);
    tcase_add_test(tc, insecure_passes_loudly);
    tcase_add_test(tc, plain_http_to_the_tls_port_is_no_verdict);
    tcase_add_test(tc, client_certificate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (access(NGINX, X_OK) != 0 || access(OPENSSL, X_OK) != 0) {
        printf("skipped: %s or %s is not installed (scripts/setup.sh installs nginx-light "
               "and openssl)\n", NGINX, OPENSSL);
        return 77;
    }
    int failed = quo_check_run(nginx_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
