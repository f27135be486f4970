/* End-to-end tests of the quo-conformance program (env QC_PROGRAM) against
 * a test target that breaks the contract one way at a time: exit codes,
 * reports, --strict, --list, --filter, CK_EXCLUDE_TAGS, 429 retries,
 * scrubbing of a key the server echoes, and exit 2 before any case runs. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "quo/array.h"
#include "quo_check.h"
#include "embedded.h"
#include "helpers.h"
#include "tamper_server.h"

static char dir[64];
/* RLIMIT_FSIZE for the next run (0 = none): a disk that fills up. */
static long fsize_limit;
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
    fsize_limit = 0;
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


static void put_env(const char *envset)
{
    char name[64];
    const char *eq = strchr(envset, '=');
    snprintf(name, sizeof name, "%.*s", (int)(eq - envset), envset);
    setenv(name, eq + 1, 1);
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
        unsetenv("QUO_FORBIDDEN_API_KEY");
        if (envset)
            put_env(envset);
        if (fsize_limit) {
            struct rlimit rl = {(rlim_t)fsize_limit, (rlim_t)fsize_limit};
            signal(SIGXFSZ, SIG_IGN); /* write() fails with EFBIG instead */
            setrlimit(RLIMIT_FSIZE, &rl);
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
    const char *files[] = {"report.json", "report.md", "report.html", "junit.xml",
                           "conformance.tap", "created-tasks"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(files); i++) {
        char *t = report(files[i]);
        ck_assert_msg(!strstr(t, th_cfg.api_key), "key in %s", files[i]);
        ck_assert_msg(!strstr(t, th_cfg.forbidden_key), "forbidden key in %s", files[i]);
        free(t);
    }
    const char *streams[] = {out_path, err_path};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(streams); i++) {
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
    start(TS_CHARSET_REFUSED, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    ck_assert_int_eq(count("failedShould"), 1);
    ck_assert_int_eq(count("failedMust"), 0);
    const char *args[] = {"--strict"};
    ck_assert_int_eq(run(args, 1, NULL), 1);
    char *md = report("report.md");
    ck_assert(strstr(md, "# quo-conformance: FAILED"));
    ck_assert(strstr(md, "### `http.content-type-charset` (SHOULD, failed)"));
    ck_assert(strstr(md, "status 415"));
    free(md);
}
END_TEST

static bool report_has(const char *name, const char *needle);

/* report.json parsed (caller deletes); a case's string member or NULL;
 * whether the case is listed at all. */
static cJSON *report_json(void)
{
    char *text = report("report.json");
    cJSON *root = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(root);
    return root;
}

static const cJSON *json_case(const cJSON *root, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "cases"))
    {
        const cJSON *v = cJSON_GetObjectItem(c, "id");
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return c;
    }
    return NULL;
}

static const char *case_string(const cJSON *root, const char *id, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(json_case(root, id), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* 405 without Allow is a MUST failure (RFC 9110 section 15.5.6), and
 * every report names that source with the failure. */
START_TEST(reports_show_the_source_of_each_failure)
{
    start(TS_DROP_ALLOW, true, true);
    const char *args[] = {"--filter", "http.*"};
    ck_assert_int_eq(run(args, 2, NULL), 1);
    ck_assert_int_eq(count("failedMust"), 1);
    const char *src = "RFC 9110 section 15.5.6: the origin server MUST generate an Allow";
    char *md = report("report.md");
    ck_assert(strstr(md, "### `http.405-allow` (MUST, failed)"));
    ck_assert_msg(strstr(md, "MUST because: RFC 9110 section 15.5.6"), "%s", md);
    free(md);
    char *x = report("junit.xml");
    ck_assert(strstr(x, "MUST because: RFC 9110 section 15.5.6"));
    free(x);
    char *h = report("report.html");
    ck_assert(strstr(h, "MUST because: RFC 9110 section 15.5.6"));
    free(h);
    cJSON *j = report_json();
    const char *got = case_string(j, "http.405-allow", "source");
    ck_assert_msg(got && strstr(got, src), "%s", got ? got : "(none)");
    cJSON_Delete(j);
}
END_TEST

/* The budget line comes before the first request; --max-requests sends
 * that many case requests and reports the rest as not run, never as
 * passes or failures. */
START_TEST(max_requests_caps_the_run)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--max-requests", "6", "--rate", "50", "--strict"};
    ck_assert_int_eq(run(args, 5, NULL), 0);
    char *out = slurp(out_path);
    const char *budget = strstr(out, "quo-conformance: budget: 6 requests, about 0 s at 50 "
                                     "requests/s; --max-requests 6 leaves out ");
    ck_assert_msg(budget, "%s", out);
    const char *first = strstr(out, "\n  > ");
    ck_assert(first && budget < first);
    free(out);
    ck_assert_int_eq(count("failed"), 0);
    ck_assert_int_eq(count("notRun"), count("selected") - count("passed"));
    ck_assert_int_le(ts_requests(server), 6 + 5); /* and the preflight's, at most */
    cJSON *j = report_json();
    ck_assert_str_eq(case_string(j, "201.phoneNumberId+dueDate", "notRun"), "over-max-requests");
    ck_assert_str_eq(case_string(j, "201.phoneNumberId+dueDate", "result"), "not-run");
    ck_assert_str_eq(case_string(j, "201.phoneNumberId", "result"), "passed");
    ck_assert_int_eq(cJSON_GetObjectItem(j, "maxRequests")->valueint, 6);
    cJSON_Delete(j);
    char *md = report("report.md");
    ck_assert(strstr(md, "not run: over --max-requests 6"));
    ck_assert(strstr(md, "not run: over --max-requests"));
    free(md);
    /* The kept ones are the first of the documented order. */
    ck_assert(report_has("conformance.tap", "ok 1 - 201.phoneNumberId [MUST]\n"));
    ck_assert(report_has("conformance.tap", "201.phoneNumberId+dueDate [MUST] # SKIP not run: "
                                            "not run: over --max-requests"));
}
END_TEST

/* Several --filter and --exclude patterns, repeated and comma-separated. */
START_TEST(filters_and_excludes_combine)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--filter", "401.*,403.*", "--filter", "404.*",
                          "--exclude", "401.bearer", "--exclude=403.activityId,404.assignedTo"};
    ck_assert_int_eq(run(args, 7, NULL), 0);
    /* 401: no-header, empty, unknown-key, scheme-word; 403: 2 of 3; 404: 3 of 4 */
    ck_assert_int_eq(count("selected"), 4 + 2 + 3);
    cJSON *j = report_json();
    ck_assert_ptr_null(json_case(j, "401.bearer"));
    ck_assert_ptr_null(json_case(j, "403.activityId"));
    ck_assert_ptr_null(json_case(j, "404.assignedTo"));
    ck_assert_ptr_nonnull(json_case(j, "403.phoneNumberId"));
    ck_assert_ptr_nonnull(json_case(j, "401.empty"));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "filter")), 3);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "exclude")), 3);
    cJSON_Delete(j);
    const char *all[] = {"--exclude", "*"};
    ck_assert_int_eq(run(all, 2, NULL), 2); /* nothing left: usage */
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
    start(TS_CHARSET_REFUSED, true, true);
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

/* ---- staging environments (issue 11) ---------------------------------- */

static bool contains(const char *path, const char *needle)
{
    char *t = slurp(path);
    bool yes = t && strstr(t, needle);
    free(t);
    return yes;
}

static bool report_has(const char *name, const char *needle)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", report_dir, name);
    return contains(path, needle);
}

START_TEST(key_in_every_spelling_is_scrubbed)
{
    start(TS_ECHO_SPELLINGS, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    nothing_leaks();
    /* Each spelling of each key, in every output. */
    const char *keys[] = {th_cfg.api_key, th_cfg.forbidden_key};
    const char *files[] = {"report.json", "report.md", "junit.xml", "conformance.tap"};
    for (size_t k = 0; k < 2; k++) {
        char up[64], esc[256] = "", enc[256] = "";
        size_t n = strlen(keys[k]);
        for (size_t i = 0; i <= n; i++)
            up[i] = (char)(keys[k][i] >= 'a' && keys[k][i] <= 'z' ? keys[k][i] - 32 : keys[k][i]);
        for (size_t i = 0; i < n; i++) {
            snprintf(esc + strlen(esc), sizeof esc - strlen(esc), "\\u%04X",
                     (unsigned char)keys[k][i]);
            snprintf(enc + strlen(enc), sizeof enc - strlen(enc), "%%%02x",
                     (unsigned char)keys[k][i]);
        }
        for (size_t f = 0; f < 4; f++) {
            ck_assert_msg(!report_has(files[f], up), "upper-case key in %s", files[f]);
            ck_assert_msg(!report_has(files[f], esc + 6), "\\u-escaped key in %s", files[f]);
            ck_assert_msg(!report_has(files[f], enc + 3), "URL-encoded key in %s", files[f]);
        }
    }
    ck_assert(report_has("report.json", "raw $QUO_API_KEY, escaped $QUO_API_KEY, encoded "
                                        "$QUO_API_KEY, loud $QUO_API_KEY"));
}
END_TEST

START_TEST(control_characters_in_keys_and_headers_are_refused)
{
    start(TS_FAITHFUL, true, true);
    ck_assert_int_eq(run(NULL, 0, "QUO_API_KEY=test-key\n"), 2);
    /* The env key does not win over... it does: flags > env > file. */
    ck_assert(contains(err_path, "trailing newline"));
    const char *inject[] = {"--header", "X-Env: staging\r\nX-Injected: 1"};
    ck_assert_int_eq(run(inject, 2, NULL), 2);
    ck_assert(contains(err_path, "control character"));
    const char *bad[] = {"--header", "no colon here"};
    ck_assert_int_eq(run(bad, 2, NULL), 2);
    ck_assert_uint_eq(ts_requests(server), 0);
}
END_TEST

START_TEST(numbers_out_of_range_are_refused)
{
    start(TS_FAITHFUL, true, true);
    const char *cases[][2] = {{"--timeout", "0.0004"}, {"--rate", "0.0001"},
                              {"--rate", "1e-300"}, {"--max-run-time", "0"},
                              {"--timeout", "1e9"}};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(run(cases[i], 2, NULL), 2);
        ck_assert_msg(contains(err_path, "out of range"), "%s %s", cases[i][0], cases[i][1]);
    }
    ck_assert_uint_eq(ts_requests(server), 0);
}
END_TEST

START_TEST(ck_filter_selecting_nothing_is_exit_2)
{
    start(TS_FAITHFUL, true, true);
    ck_assert_int_eq(run(NULL, 0, "CK_RUN_SUITE=typo"), 2);
    ck_assert(contains(err_path, "select no case"));
    ck_assert(report_has("junit.xml", "<error type=\"setup-error\" message=\"CK_RUN_SUITE"));
    ck_assert_int_eq(run(NULL, 0, "CK_RUN_CASE=no-such-tcase"), 2);
    ck_assert_uint_eq(ts_requests(server), 0);
    ck_assert_int_eq(run(NULL, 0, "CK_RUN_SUITE=auth"), 0);
}
END_TEST

START_TEST(revoked_key_is_no_verdict)
{
    start(TS_KEY_REVOKED, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    ck_assert(contains(err_path, "key refused"));
    ck_assert_int_eq(count("failed"), 0);
    ck_assert_int_eq(count("run"), 0);
    ck_assert(report_has("junit.xml", "<error type=\"preflight-failed\" message=\"key refused"));
    ck_assert(report_has("report.json", "\"verdict\":\t\"inconclusive\""));
    ck_assert_uint_le(ts_requests(server), 1);
}
END_TEST

START_TEST(gateway_refusal_and_the_header_that_fixes_it)
{
    start(TS_GATEWAY, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    ck_assert(contains(err_path, "gateway refused"));
    ck_assert(contains(err_path, "--header"));
    ck_assert_int_eq(count("failed"), 0);
    const char *hdr[] = {"--header", "X-Env: staging"};
    ck_assert_int_eq(run(hdr, 2, NULL), 0);
    ck_assert(contains(out_path, "extra header on every request: X-Env: staging"));
}
END_TEST

START_TEST(load_balancer_503_is_no_verdict)
{
    start(TS_UNAVAILABLE, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    ck_assert(contains(err_path, "503"));
    ck_assert_int_eq(count("failed"), 0);
}
END_TEST

START_TEST(mid_run_503s_stop_the_run_inconclusive)
{
    start(TS_UNAVAILABLE_AFTER, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    ck_assert_int_eq(count("failed"), 0); /* unsent cases are not failures */
    ck_assert_int_gt(count("notRunStopped"), 50);
    ck_assert_int_ge(count("notRunEnvironment"), 3); /* and their companions */
    ck_assert(report_has("report.json", "\"run\":\t\"inconclusive\""));
    ck_assert(report_has("conformance.tap", "# SKIP not run: "));
    /* the run stopped: about 20 answered plus the 3 environment answers */
    ck_assert_uint_le(ts_requests(server), 24);
    /* SHOULD companions of unsent cases are not run either, never failed */
    ck_assert(report_has("report.json", "\"notRun\":\t\"stopped\""));
}
END_TEST

START_TEST(silent_target_times_out_named_and_ledgered)
{
    start(TS_SILENT, true, true);
    const char *args[] = {"--timeout", "0.5"};
    ck_assert_int_eq(run(args, 2, NULL), 2);
    ck_assert(contains(err_path, "target down"));
    ck_assert(contains(err_path, "timed out after 0.5 s (--timeout 0.5)"));
    ck_assert(report_has("junit.xml", "<error type=\"preflight-failed\""));
    ck_assert(report_has("created-tasks", "may have created a task"));
}
END_TEST

START_TEST(long_retry_after_stops_rate_limited)
{
    start(TS_RATE_LIMIT_LONG, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 2);
    ck_assert_uint_eq(ts_requests(server), 1); /* never retried earlier than allowed */
    ck_assert(contains(err_path, "3600"));
    ck_assert_uint_eq(ts_early(server), 0);
}
END_TEST

START_TEST(retry_after_is_honoured_with_progress)
{
    start(TS_RATE_LIMIT_EVERY, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    ck_assert_uint_eq(ts_early(server), 0);
    ck_assert(contains(out_path, "429 Too Many Requests: waiting 1 s (Retry-After)"));
}
END_TEST

START_TEST(ledger_keeps_unknown_and_long_ids)
{
    start(TS_201_NOT_JSON, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 1);
    ck_assert(report_has("created-tasks", "\tid unknown: "));
    /* GET answered 201, not 405: nothing to judge, so skipped, not passed. */
    ck_assert(report_has("conformance.tap", "http.405-allow [MUST] # SKIP"));
    const char *one[] = {"--filter", "*.errors-path"};
    /* --filter'ed companions: their primaries' requests are still listed
     * (the companions are skipped: their primaries got no 400). */
    ck_assert_int_eq(run(one, 2, NULL), 0);
    ck_assert(report_has("created-tasks", "400.type.title.number\t201\tid unknown"));
    ts_stop(server);
    start(TS_LONG_TASK_ID, true, true);
    run(NULL, 0, NULL);
    char id[700];
    memset(id, 'L', 600);
    id[600] = '\0';
    ck_assert(report_has("created-tasks", id));
}
END_TEST

START_TEST(insecure_is_loud)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--insecure"};
    ck_assert_int_eq(run(args, 1, NULL), 0);
    ck_assert(contains(out_path, "WARNING: --insecure"));
    ck_assert(report_has("report.md", "WARNING: --insecure"));
    ck_assert(report_has("report.json", "\"insecure\":\ttrue"));
    ck_assert(report_has("junit.xml", "name=\"insecure\""));
}
END_TEST

START_TEST(password_in_url_is_redacted)
{
    server = ts_start(th_spec, TS_FAITHFUL);
    char url[96];
    snprintf(url, sizeof url, "http://ci:pa55w0rd-secret@127.0.0.1:%u", ts_port(server));
    write_config(url, true, true, NULL);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    const char *files[] = {"report.json", "report.md", "junit.xml"};
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(!report_has(files[i], "pa55w0rd-secret"), "password in %s", files[i]);
    ck_assert(!contains(out_path, "pa55w0rd-secret"));
    ck_assert(contains(out_path, "http://ci:***@127.0.0.1"));
}
END_TEST

START_TEST(full_disk_keeps_the_old_set)
{
    start(TS_FAITHFUL, true, true);
    ck_assert_int_eq(run(NULL, 0, NULL), 0);
    char *before = report("report.json");
    fsize_limit = 64 * 1024; /* report.json needs more */
    const char *args[] = {"--filter", "400.*"};
    ck_assert_int_eq(run(args, 2, NULL), 2);
    char *after = report("report.json");
    ck_assert_msg(strcmp(before, after) == 0, "the old set was touched");
    free(before);
    free(after);
    char *out = slurp(out_path);
    size_t n = strlen(out);
    while (n && out[n - 1] == '\n')
        out[--n] = '\0';
    const char *last = strrchr(out, '\n');
    ck_assert_msg(strstr(last ? last : out, "reports were NOT written"), "last line: %s", last);
    free(out);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp\\.'", report_dir);
    ck_assert_int_ne(system(cmd), 0); /* no temp file left */
}
END_TEST

START_TEST(max_run_time_stops_and_reports)
{
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--rate", "20", "--max-run-time", "1"};
    ck_assert_int_eq(run(args, 4, NULL), 2);
    ck_assert(contains(out_path, "--max-run-time 1 s"));
    ck_assert(report_has("report.json", "\"run\":\t\"time-limit\""));
    ck_assert(report_has("report.json", "\"interrupted\":\ttrue"));
    ck_assert_int_eq(count("failed"), 0);
    ck_assert_int_gt(count("notRunStopped"), 50);
}
END_TEST

START_TEST(proxies_apply_to_targets_never_to_the_embedded_mock)
{
    FILE *f = fopen(config_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{}", f); /* no base URL: the embedded mock */
    fclose(f);
    ck_assert_int_eq(run(NULL, 0, "http_proxy=http://127.0.0.1:1"), 0);
    start(TS_FAITHFUL, true, true);
    const char *args[] = {"--proxy", "http://127.0.0.1:1"};
    ck_assert_int_eq(run(args, 2, NULL), 2);
    ck_assert(contains(err_path, "--proxy"));
    ck_assert_uint_eq(ts_requests(server), 0);
    const char *no[] = {"--proxy", "http://127.0.0.1:1", "--noproxy", "127.0.0.1"};
    ck_assert_int_eq(run(no, 4, NULL), 0);
}
END_TEST

/* SIGTERM to quo-conformance, run from a shell as CI would: the shell
 * survives (libcheck's handler would killpg() it), the reports say
 * interrupted, no temp file stays. */
START_TEST(sigterm_mid_run_spares_the_caller)
{
    start(TS_FAITHFUL, true, true);
    const char *program = getenv("QC_PROGRAM");
    char pidfile[160], script[1200], shell_out[160];
    snprintf(pidfile, sizeof pidfile, "%s/pid", dir);
    snprintf(shell_out, sizeof shell_out, "%s/shell", dir);
    snprintf(script, sizeof script,
             "'%s' --config '%s' --report-dir '%s' --rate 20 >'%s' 2>'%s' & echo $! >'%s'; "
             "wait $!; echo \"shell survived, rc=$?\" >'%s'",
             program, config_path, report_dir, out_path, err_path, pidfile, shell_out);
    pid_t sh = fork();
    ck_assert_int_ge(sh, 0);
    if (sh == 0) {
        const char *clear[] = {"CK_FORK", "CK_RUN_SUITE", "CK_RUN_CASE", "CK_EXCLUDE_TAGS",
                               "QUO_BASE_URL", "QUO_API_KEY", "QUO_CONFIG"};
        for (size_t i = 0; i < QUO_ARRAY_SIZE(clear); i++)
            unsetenv(clear[i]);
        execl("/bin/sh", "sh", "-c", script, (char *)NULL);
        _exit(127);
    }
    /* Wait until cases are being judged (the forked checks exist). */
    for (int i = 0; i < 100 && !contains(out_path, "\n["); i++)
        nanosleep(&(struct timespec){0, 50000000}, NULL);
    char *p = slurp(pidfile);
    ck_assert_ptr_nonnull(p);
    pid_t pid = (pid_t)atol(p);
    free(p);
    ck_assert_int_gt(pid, 0);
    int krc = kill(pid, SIGTERM);
    ck_assert_msg(krc == 0, "pid %ld: %s: %s", (long)pid, strerror(errno), slurp(out_path));
    int status;
    ck_assert_int_eq(waitpid(sh, &status, 0), sh);
    ck_assert_msg(WIFEXITED(status), "the calling shell was killed (signal %d)",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ck_assert(contains(shell_out, "shell survived, rc=2"));
    ck_assert(report_has("report.json", "\"run\":\t\"interrupted\""));
    ck_assert(report_has("report.md", "# quo-conformance: INTERRUPTED"));
    ck_assert(report_has("junit.xml", "message=\"SIGTERM received\""));
    ck_assert_int_gt(count("passed"), 0);
    ck_assert_int_gt(count("notRunStopped"), 0);
    ck_assert_int_eq(count("failed"), 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp\\.'", report_dir);
    ck_assert_int_ne(system(cmd), 0);
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
    tcase_add_test(tc, reports_show_the_source_of_each_failure);
    tcase_add_test(tc, max_requests_caps_the_run);
    tcase_add_test(tc, filters_and_excludes_combine);
    tcase_add_test(tc, target_without_forbidden_key_or_faults_skips);
    tcase_add_test(tc, exclude_tags_leaves_should_out);
    tcase_add_test(tc, crashing_check_hides_no_other_case);
    suite_add_tcase(s, tc);
    TCase *st = tcase_create("staging");
    tcase_add_checked_fixture(st, setup, teardown);
    tcase_set_timeout(st, 120);
    tcase_add_test(st, key_in_every_spelling_is_scrubbed);
    tcase_add_test(st, control_characters_in_keys_and_headers_are_refused);
    tcase_add_test(st, numbers_out_of_range_are_refused);
    tcase_add_test(st, ck_filter_selecting_nothing_is_exit_2);
    tcase_add_test(st, revoked_key_is_no_verdict);
    tcase_add_test(st, gateway_refusal_and_the_header_that_fixes_it);
    tcase_add_test(st, load_balancer_503_is_no_verdict);
    tcase_add_test(st, mid_run_503s_stop_the_run_inconclusive);
    tcase_add_test(st, silent_target_times_out_named_and_ledgered);
    tcase_add_test(st, long_retry_after_stops_rate_limited);
    tcase_add_test(st, retry_after_is_honoured_with_progress);
    tcase_add_test(st, ledger_keeps_unknown_and_long_ids);
    tcase_add_test(st, insecure_is_loud);
    tcase_add_test(st, password_in_url_is_redacted);
    tcase_add_test(st, full_disk_keeps_the_old_set);
    tcase_add_test(st, max_run_time_stops_and_reports);
    tcase_add_test(st, sigterm_mid_run_spares_the_caller);
    tcase_add_test(st, proxies_apply_to_targets_never_to_the_embedded_mock);
    suite_add_tcase(s, st);
    return s;
}

int main(void)
{
    int failed = quo_check_run(e2e_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
