/* End-to-end tests of the quo-conformance program (env QC_PROGRAM) against
 * a test target that breaks the contract one way at a time: exit codes,
 * reports, --strict, --list, --filter, CK_EXCLUDE_TAGS, 429 retries,
 * scrubbing of a key the server echoes, and exit 2 before any case runs. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "quo_check.h"
#include "embedded.h"
#include "helpers.h"
#include "tamper_server.h"

static char dir[64];
static ts_server *server;
static char config_path[128], report_dir[128], out_path[128], err_path[128];

static void setup(void)
{
    th_setup();
    snprintf(dir, sizeof dir, "/tmp/qc-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(config_path, sizeof config_path, "%s/config.json", dir);
    snprintf(report_dir, sizeof report_dir, "%s/reports", dir);
    snprintf(out_path, sizeof out_path, "%s/stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    server = NULL;
}

static void teardown(void)
{
    if (server)
        ts_stop(server);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    th_teardown();
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* A config naming the test target and the mock's default fixtures. */
static void write_config(const char *base_url, bool forbidden, bool faults, const char *extra)
{
    const qc_fixtures *f = &th_cfg.fixtures;
    FILE *fp = fopen(config_path, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp,
            "{\"baseUrl\":\"%s\",\"apiKey\":\"%s\",\"fixtures\":{\"phoneNumberId\":\"%s\","
            "\"conversationId\":\"%s\",\"activityId\":\"%s\",\"userId\":\"%s\"}",
            base_url, th_cfg.api_key, f->phone_number_id, f->conversation_id, f->activity_id,
            f->user_id);
    if (forbidden)
        fprintf(fp, ",\"forbidden\":{\"apiKey\":\"%s\"}", th_cfg.forbidden_key);
    if (faults)
        fprintf(fp, ",\"faults\":\"prefer-header\"");
    fprintf(fp, "%s}", extra ? extra : "");
    fclose(fp);
}

static void start(ts_mode mode, bool forbidden, bool faults)
{
    server = ts_start(th_spec, mode);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", ts_port(server));
    write_config(url, forbidden, faults, NULL);
}

/* Runs the program with --config and --report-dir plus `extra` args;
 * `envset` is "NAME=value" or NULL. Returns the exit status. */
static int run(const char *const *extra, size_t nextra, const char *envset)
{
    const char *program = getenv("QC_PROGRAM");
    ck_assert_msg(program != NULL, "QC_PROGRAM is not set");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        const char *argv[16] = {program, "--config", config_path, "--report-dir", report_dir};
        size_t n = 5;
        for (size_t i = 0; i < nextra && n < 15; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(err, 2);
        unsetenv("QUO_BASE_URL");
        unsetenv("QUO_API_KEY");
        unsetenv("QUO_CONFIG");
        unsetenv("CK_RUN_SUITE");
        unsetenv("CK_RUN_CASE");
        unsetenv("CK_EXCLUDE_TAGS");
        unsetenv("CK_FORK");
        unsetenv("QUO_CONFORMANCE_TEST_CRASH");
        if (envset) {
            char name[64];
            const char *eq = strchr(envset, '=');
            snprintf(name, sizeof name, "%.*s", (int)(eq - envset), envset);
            setenv(name, eq + 1, 1);
        }
        execv(program, (char *const *)argv);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "the program died");
    return WEXITSTATUS(status);
}

static char *report(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", report_dir, name);
    char *text = slurp(path);
    ck_assert_msg(text != NULL, "no %s", name);
    return text;
}

/* counts.<key> of report.json. */
static int count(const char *key)
{
    char *text = report("report.json");
    cJSON *root = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(root);
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "counts"), key);
    ck_assert_ptr_nonnull(v);
    int n = v->valueint;
    cJSON_Delete(root);
    return n;
}

static void nothing_leaks(void)
{
    const char *files[] = {"report.json", "report.md", "junit.xml", "conformance.tap"};
    for (size_t i = 0; i < 4; i++) {
        char *t = report(files[i]);
        ck_assert_msg(!strstr(t, th_cfg.api_key), "key in %s", files[i]);
        ck_assert_msg(!strstr(t, th_cfg.forbidden_key), "forbidden key in %s", files[i]);
        free(t);
    }
    const char *streams[] = {out_path, err_path};
    for (size_t i = 0; i < 2; i++) {
        char *t = slurp(streams[i]);
        ck_assert_msg(t && !strstr(t, th_cfg.api_key), "key in %s", streams[i]);
        free(t);
    }
}

START_TEST(faithful_server_passes_everything)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--strict"};
    ck_assert_int_eq(run(args, 1, NULL), 0);
    ck_assert_int_eq(count("failed"), 0);
    ck_assert_int_eq(count("skipped"), 0);
    ck_assert_int_eq(count("run"), count("generated"));
    char *out = slurp(out_path);
    size_t lines = 0;
    for (const char *p = strstr(out, "\n["); p; p = strstr(p + 1, "\n["))
        lines++;
    ck_assert_int_eq((int)lines, count("generated")); /* a progress line per case */
    free(out);
    nothing_leaks();
}
END_TEST

START_TEST(should_failure_counts_only_with_strict)
{
    start(TS_DROP_ALLOW, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    ck_assert_int_eq(count("failedShould"), 1);
    ck_assert_int_eq(count("failedMust"), 0);
    const char *args[] = {"--strict"};
    ck_assert_int_eq(run(args, 1, NULL), 1);
    char *md = report("report.md");
    ck_assert(strstr(md, "# quo-conformance: FAILED"));
    ck_assert(strstr(md, "### `http.405-allow` (SHOULD, failed)"));
    ck_assert(strstr(md, "405 without an Allow header"));
    free(md);
}
END_TEST

START_TEST(must_failures_fail_the_run)
{
    start(TS_WRONG_400_CODE, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 1);
    ck_assert_int_ge(count("failedMust"), 70);
    char *md = report("report.md");
    ck_assert(strstr(md, "### `400.required.title` (MUST, failed)"));
    ck_assert(strstr(md, "curl -sS -i -X POST \"$QUO_BASE_URL/v1/tasks\""));
    free(md);
    char *x = report("junit.xml");
    ck_assert(strstr(x, "<failure type=\"MUST\" message=\"const at /code"));
    free(x);
    char *tap = report("conformance.tap");
    ck_assert(strstr(tap, "not ok"));
    free(tap);
    nothing_leaks();
}
END_TEST

START_TEST(echoed_key_is_scrubbed)
{
    start(TS_ECHO_KEY, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    nothing_leaks();
    char *j = report("report.json");
    ck_assert(strstr(j, "you sent $QUO_API_KEY"));
    ck_assert(strstr(j, "you sent $QUO_FORBIDDEN_API_KEY"));
    free(j);
}
END_TEST

START_TEST(rate_limit_is_retried)
{
    start(TS_RATE_LIMIT_FIRST, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    char *j = report("report.json");
    ck_assert(strstr(j, "\"attempts\":\t2"));
    free(j);
}
END_TEST

START_TEST(yes_server_is_caught)
{
    start(TS_ALWAYS_201, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 1);
    char *j = report("report.json");
    ck_assert(strstr(j, "was already returned to another request of this run"));
    ck_assert(strstr(j, "status 201, expected 400"));
    free(j);
}
END_TEST

START_TEST(unreachable_target_exits_2_before_any_case)
{
    write_config("http://127.0.0.1:1", true, true, NULL);
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    char *err = slurp(err_path), *out = slurp(out_path);
    ck_assert(strstr(err, "cannot reach http://127.0.0.1:1"));
    ck_assert(!strchr(out, '['));
    free(err);
    free(out);
}
END_TEST

START_TEST(bad_config_exits_2)
{
    write_config("http://127.0.0.1:1", true, true, ",\"timeout\":5");
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    char *err = slurp(err_path);
    ck_assert(strstr(err, "unknown key \"timeout\""));
    free(err);
    const char *args[] = {"--rate", "fast"};
    ck_assert_int_eq(run(args, 2, NULL), 2);
}
END_TEST

START_TEST(list_sends_nothing)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--list"};
    ck_assert_int_eq(run(args, 1, NULL), 0);
    ck_assert_uint_eq(ts_requests(server), 0);
    char *out = slurp(out_path);
    ck_assert(strstr(out, "400.type.title.number"));
    ck_assert(strstr(out, "SHOULD"));
    free(out);
}
END_TEST

START_TEST(filter_reruns_one_case)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--filter", "400.type.title.number"};
    ck_assert_int_eq(run(args, 2, NULL), 0);
    ck_assert_int_eq(count("selected"), 1);
    ck_assert_int_eq(count("passed"), 1);
    /* The case's request plus the preflight's (each printed as it is sent). */
    char *out = slurp(out_path);
    unsigned sent = 0;
    for (const char *p = strstr(out, "\n  > "); p; p = strstr(p + 1, "\n  > "))
        sent++;
    free(out);
    ck_assert_uint_eq(ts_requests(server), sent);
    ck_assert_uint_le(sent, 5);
    const char *none[] = {"--filter", "no.such.case"};
    ck_assert_int_eq(run(none, 2, NULL), 2);
}
END_TEST

START_TEST(target_without_forbidden_key_or_faults_skips)
{
    start(TS_FAITHFUL, false, false);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    ck_assert_int_eq(count("skipped"), 4); /* 403 x 3, 500 */
    char *x = report("junit.xml");
    ck_assert(strstr(x, "<skipped message=\"no forbidden.apiKey in the config\"/>"));
    free(x);
}
END_TEST

START_TEST(exclude_tags_leaves_should_out)
{
    start(TS_DROP_ALLOW, true, true);
    const char *args[] = {"--strict"};
    ck_assert_int_eq(run(args, 1, "CK_EXCLUDE_TAGS=SHOULD"), 0);
    ck_assert_int_gt(count("notRun"), 80);
    ck_assert_int_eq(count("failed"), 0);
}
END_TEST

START_TEST(crashing_check_hides_no_other_case)
{
    start(TS_FAITHFUL, true, true);
    ck_assert_int_eq(run(NULL, 0, "QUO_CONFORMANCE_TEST_CRASH=400.type.title.number"), 1);
    ck_assert_int_eq(count("run"), count("generated"));
    ck_assert_int_eq(count("failed"), 1);
    ck_assert_int_eq(count("passed"), count("generated") - 1);
    char *j = report("report.json");
    ck_assert(strstr(j, "\"result\":\t\"crashed\""));
    free(j);
    char *x = report("junit.xml");
    ck_assert(strstr(x, "<error type=\"MUST\""));
    free(x);
}
END_TEST

static Suite *e2e_suite(void)
{
    Suite *s = suite_create("e2e");
    TCase *tc = tcase_create("program");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, faithful_server_passes_everything);
    tcase_add_test(tc, should_failure_counts_only_with_strict);
    tcase_add_test(tc, must_failures_fail_the_run);
    tcase_add_test(tc, echoed_key_is_scrubbed);
    tcase_add_test(tc, rate_limit_is_retried);
    tcase_add_test(tc, yes_server_is_caught);
    tcase_add_test(tc, unreachable_target_exits_2_before_any_case);
    tcase_add_test(tc, bad_config_exits_2);
    tcase_add_test(tc, list_sends_nothing);
    tcase_add_test(tc, filter_reruns_one_case);
    tcase_add_test(tc, target_without_forbidden_key_or_faults_skips);
    tcase_add_test(tc, exclude_tags_leaves_should_out);
    tcase_add_test(tc, crashing_check_hides_no_other_case);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(e2e_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
