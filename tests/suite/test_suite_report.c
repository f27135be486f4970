/* Unit tests of suite/report.c and suite/text.c: the three reports carry
 * what CI needs, never a key, stay valid (XML, strict JSON, UTF-8) on
 * hostile response bytes, and are written atomically. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quo/array.h"
#include "quo_check.h"
#include "helpers.h"
#include "report.h"
#include "scrub.h"
#include "text.h"

static qc_scrubber scrub;
static qc_case_result results[4];
static qc_strlist failures, created, empty;
static qc_exchange ex_ok, ex_bad;
static qc_report rep;
static char hostile[512];

static void setup(void)
{
    th_setup();
    th_cfg.embedded = false;
    qc_scrubber_init(&scrub);
    qc_scrubber_add(&scrub, th_cfg.api_key, "$QUO_API_KEY");
    qc_scrubber_add(&scrub, th_cfg.forbidden_key, "$QUO_FORBIDDEN_API_KEY");
    qc_strlist_init(&failures);
    qc_strlist_init(&created);
    qc_strlist_init(&empty);
    qc_strlist_add(&failures, "status 201, expected 400");
    qc_strlist_addf(&failures, "the server said <%s> & \"more\"", th_cfg.api_key);
    qc_strlist_add(&created, "TK1");
    ex_ok = th_exchange(201, "application/json",
                        "{\"data\":{\"taskId\":\"TK1\",\"revision\":\"1\",\"phoneNumberId\":\"PN1\"}}");
    /* A response that echoes the key, holds markup, invalid UTF-8 and a NUL. */
    int n = snprintf(hostile, sizeof hostile, "{\"echo\":\"%s\",\"x\":\"<&>\xff\xfe", th_cfg.api_key);
    hostile[n] = '\0';
    memcpy(hostile + n + 1, "after-nul\"}", 12);
    ex_bad = th_exchange(201, "text/html", hostile);
    ex_bad.body_len = (size_t)n + 12;
    results[0] = (qc_case_result){.c = th_case("201.phoneNumberId"), .x = &ex_ok,
                                  .outcome = QC_OUT_PASSED, .failures = &empty, .task_id = "TK1"};
    results[1] = (qc_case_result){.c = th_case("400.type.title.number"), .x = &ex_bad,
                                  .outcome = QC_OUT_FAILED, .failures = &failures};
    results[2] = (qc_case_result){.c = th_case("403.activityId"), .outcome = QC_OUT_SKIPPED,
                                  .reason = "no forbidden.apiKey in the config",
                                  .failures = &empty};
    results[3] = (qc_case_result){.c = th_case("400.type.title.number.errors-path"), .x = &ex_bad,
                                  .outcome = QC_OUT_CRASHED, .reason = "Received signal 11",
                                  .failures = &empty};
    rep = (qc_report){.cfg = &th_cfg, .target = "https://staging.example", .cases = &th_cases,
                      .results = results, .count = 4, .created = &created, .scrub = &scrub,
                      .seconds = 1.5, .passed = false, .tap_file = "conformance.tap",
                      .verdict = QC_RUN_FAILED, .started = 1764547200, .hostname = "ci-7"};
}

static void teardown(void)
{
    qc_strlist_free(&failures);
    qc_strlist_free(&created);
    qc_scrubber_free(&scrub);
    th_teardown();
}

static size_t occurrences(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void no_secret(const char *text)
{
    ck_assert_msg(!strstr(text, th_cfg.api_key), "the API key leaked");
    ck_assert_msg(!strstr(text, th_cfg.forbidden_key), "the forbidden key leaked");
}

START_TEST(counts_follow_outcomes)
{
    qc_counts n;
    qc_report_count(&rep, &n);
    ck_assert_uint_eq(n.generated, th_cases.count);
    ck_assert_uint_eq(n.selected, 4);
    ck_assert_uint_eq(n.run, 3);
    ck_assert_uint_eq(n.passed, 1);
    ck_assert_uint_eq(n.failed, 2);
    ck_assert_uint_eq(n.must_failed, 1);
    ck_assert_uint_eq(n.should_failed, 1);
    ck_assert_uint_eq(n.skipped, 1);
}
END_TEST

START_TEST(junit_is_escaped_and_scrubbed)
{
    char *x = qc_report_junit(&rep);
    ck_assert_ptr_nonnull(x);
    no_secret(x);
    /* The common JUnit schema: no `skipped` on <testsuites>; timestamp and
     * hostname on every <testsuite>. */
    ck_assert(strstr(x, "<testsuites name=\"quo-conformance\" tests=\"4\" failures=\"1\" "
                        "errors=\"1\" time="));
    ck_assert_uint_eq(occurrences(x, "<testsuite "),
                      occurrences(x, "timestamp=\"2025-12-01T00:00:00\" hostname=\"ci-7\""));
    ck_assert_uint_eq(occurrences(x, "<testcase "), 4);
    ck_assert_uint_eq(occurrences(x, "</testcase>"), 4);
    ck_assert(strstr(x, "<failure type=\"MUST\" message=\"status 201, expected 400\">"));
    ck_assert(strstr(x, "<error type=\"SHOULD\" message=\"Received signal 11\">"));
    ck_assert(strstr(x, "<skipped message=\"no forbidden.apiKey in the config\"/>"));
    ck_assert(strstr(x, "&lt;$QUO_API_KEY&gt; &amp; &quot;more&quot;"));
    ck_assert(strstr(x, "&lt;&amp;&gt;\xEF\xBF\xBD\xEF\xBF\xBD")); /* invalid bytes replaced */
    ck_assert(strstr(x, "after-nul")); /* the NUL did not cut the excerpt */
    ck_assert(strstr(x, "name=\"400.type.title.number\""));
    free(x);
}
END_TEST

START_TEST(json_is_strict_and_complete)
{
    char *j = qc_report_json(&rep);
    ck_assert_ptr_nonnull(j);
    no_secret(j);
    quo_json_doc *doc = NULL;
    quo_error err;
    ck_assert_msg(quo_json_parse(j, strlen(j), 0, &doc, &err) == QUO_OK, "%s", err.message);
    const cJSON *root = quo_json_root(doc);
    const cJSON *counts = cJSON_GetObjectItem(root, "counts");
    ck_assert_int_eq(cJSON_GetObjectItem(counts, "generated")->valueint, (int)th_cases.count);
    ck_assert_int_eq(cJSON_GetObjectItem(counts, "failed")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(counts, "skipped")->valueint, 1);
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "createdTaskIds"), 0)->valuestring,
                     "TK1");
    const cJSON *c1 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "cases"), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(c1, "id")->valuestring, "400.type.title.number");
    ck_assert_str_eq(cJSON_GetObjectItem(c1, "level")->valuestring, "MUST");
    ck_assert_str_eq(cJSON_GetObjectItem(c1, "result")->valuestring, "failed");
    ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItem(c1, "specLocation")->valuestring,
                                 "/properties/title/type"));
    const cJSON *req = cJSON_GetObjectItem(c1, "request");
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(req, "headers"), 0)->valuestring,
                     "Authorization: $QUO_API_KEY");
    ck_assert(strstr(cJSON_GetObjectItem(req, "body")->valuestring, "\"title\":42"));
    const cJSON *resp = cJSON_GetObjectItem(c1, "response");
    ck_assert_int_eq(cJSON_GetObjectItem(resp, "status")->valueint, 201);
    ck_assert(strstr(cJSON_GetObjectItem(resp, "bodyExcerpt")->valuestring, "$QUO_API_KEY"));
    const cJSON *c3 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "cases"), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(c3, "request"), "sharedWith")->valuestring,
                     "400.type.title.number");
    quo_json_free(doc);
    free(j);
}
END_TEST

START_TEST(markdown_puts_failures_first)
{
    char *m = qc_report_markdown(&rep);
    ck_assert_ptr_nonnull(m);
    no_secret(m);
    ck_assert(strstr(m, "# quo-conformance: FAILED") == m);
    const char *fails = strstr(m, "## Failures");
    const char *cases = strstr(m, "## Cases");
    ck_assert(fails && cases && fails < cases);
    ck_assert(strstr(fails, "curl -sS -i -X POST \"$QUO_BASE_URL/v1/tasks\""));
    ck_assert(strstr(fails, "-H \"Authorization: $QUO_API_KEY\""));
    /* In the table failures come before skips and passes. */
    const char *f = strstr(cases, "**FAIL**"), *s = strstr(cases, "| skip |"),
               *p = strstr(cases, "| pass |");
    ck_assert(f && s && p && f < s && s < p);
    ck_assert(strstr(m, "## Tasks created by this run (1)"));
    ck_assert(strstr(m, "- `TK1`"));
    free(m);
}
END_TEST

START_TEST(curl_reproducers)
{
    static const struct { const char *id; const char *want; } rows[] = {
        {"401.empty", "-H 'Authorization;'"},
        {"401.no-header", "-H 'Content-Type: application/json'"},
        {"401.bearer", "-H \"Authorization: Bearer $QUO_API_KEY\""},
        {"403.phoneNumberId", "-H \"Authorization: $QUO_FORBIDDEN_API_KEY\""},
        {"500.prefer", "-H 'Prefer: code=500'"},
        {"400.body.empty", "--data-binary ''"},
        {"http.405-allow", "-X GET"},
        {"400.type.title.number.errors-path", "\"title\":42"}, /* the shared request */
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        quo_buf b;
        quo_buf_init(&b);
        qc_report_curl(&b, &rep, th_case(rows[i].id));
        ck_assert(!b.failed);
        ck_assert_msg(strstr(b.data, rows[i].want), "%s: %s", rows[i].id, b.data);
        if (strcmp(rows[i].id, "401.no-header") == 0)
            ck_assert(!strstr(b.data, "Authorization"));
        quo_buf_free(&b);
    }
}
END_TEST

START_TEST(text_helpers)
{
    quo_buf b;
    quo_buf_init(&b);
    qc_buf_shell_word(&b, "it's", 4);
    ck_assert_str_eq(b.data, "'it'\\''s'");
    quo_buf_free(&b);
    qc_buf_shell_word(&b, "a\nb'", 4);
    ck_assert_str_eq(b.data, "$'a\\x0ab\\''");
    quo_buf_free(&b);
    qc_buf_utf8(&b, "ok\xC0\xAF\xED\xA0\x80\xF0\x9F\x98\x80", 11, 0);
    ck_assert_str_eq(b.data, "ok\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                             "\xF0\x9F\x98\x80");
    quo_buf_free(&b);
    qc_buf_xml(&b, "a\x01<b>\xEF\xBF\xBF\n", true);
    ck_assert_str_eq(b.data, "a\xEF\xBF\xBD&lt;b&gt;\xEF\xBF\xBD&#10;");
    quo_buf_free(&b);
    qc_buf_xml(&b, "x\ny\x02", false);
    ck_assert_str_eq(b.data, "x\ny\xEF\xBF\xBD");
    quo_buf_free(&b);
    qc_scrubber s;
    qc_scrubber_init(&s);
    qc_scrubber_add(&s, "key", "$A");
    qc_scrubber_add(&s, "key-long", "$B");
    qc_scrubber_add(&s, "k", "$C");
    qc_scrubber_add(&s, "secret-key-0123", "$D");
    char *out = qc_scrub(&s, "x key-long key y tasks: k", 25);
    ck_assert_str_eq(out, "x $B $A y tasks: $C"); /* short keys only as whole words */
    free(out);
    out = qc_scrub(&s, "xsecret-key-0123x", 17);
    ck_assert_str_eq(out, "x$Dx"); /* long ones anywhere */
    free(out);
    qc_scrubber_free(&s);
    ck_assert(qc_glob_match("400.type.*", "400.type.title.number"));
    ck_assert(!qc_glob_match("400.type.*", "401.empty"));
}
END_TEST

START_TEST(atomic_writes)
{
    char dir[] = "/tmp/qc-report-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char nested[256];
    snprintf(nested, sizeof nested, "%s/a/b", dir);
    quo_error err;
    ck_assert_int_eq(qc_ensure_dir(nested, &err), QUO_OK);
    ck_assert_int_eq(qc_report_write(&rep, nested, &err), QUO_OK);
    ck_assert_int_eq(qc_write_atomic(nested, "x.txt", "hello", 5, &err), QUO_OK);
    DIR *d = opendir(nested);
    ck_assert_ptr_nonnull(d);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
            continue;
        ck_assert_msg(strstr(e->d_name, ".tmp") == NULL, "left %s behind", e->d_name);
        files++;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", nested, e->d_name);
        unlink(path);
    }
    closedir(d);
    ck_assert_uint_eq(files, 6); /* junit.xml report.json report.md report.html TAP x.txt */
    ck_assert_int_eq(qc_write_atomic("/nonexistent/dir", "x", "y", 1, &err), QUO_EIO);
    ck_assert(strstr(err.message, "/nonexistent/dir"));
    rmdir(nested);
    snprintf(nested, sizeof nested, "%s/a", dir);
    rmdir(nested);
    rmdir(dir);
}
END_TEST

START_TEST(tap_names_every_case)
{
    char *t = qc_report_tap(&rep);
    ck_assert_ptr_nonnull(t);
    no_secret(t);
    ck_assert(strstr(t, "1..4\n"));
    ck_assert(strstr(t, "ok 1 - 201.phoneNumberId [MUST]\n"));
    ck_assert(strstr(t, "not ok 2 - 400.type.title.number [MUST]: status 201, expected 400\n"));
    ck_assert(strstr(t, "ok 3 - 403.activityId [MUST] # SKIP no forbidden.apiKey in the config\n"));
    ck_assert(strstr(t, "not ok 4 - 400.type.title.number.errors-path"));
    /* Every result line carries its case id; nothing points at a source file. */
    ck_assert(!strstr(t, ".c:"));
    free(t);
}
END_TEST

/* A key that straddles the 2 KiB excerpt's end leaves no prefix behind. */
START_TEST(key_cut_by_the_excerpt_leaves_nothing)
{
    static char body[4096];
    static const char key[] = "ZQXJ-staging-secret-0123456789";
    qc_scrubber_add(&scrub, key, "$QUO_API_KEY");
    memset(body, 'a', sizeof body);
    size_t kl = strlen(key);
    memcpy(body + 2048 - kl / 2, key, kl);
    body[sizeof body - 1] = '\0';
    ex_bad = th_exchange(400, "application/json", body);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%.*s", (int)(kl / 2), key);
    char *outs[] = {qc_report_junit(&rep), qc_report_json(&rep), qc_report_markdown(&rep)};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_ptr_nonnull(outs[i]);
        ck_assert_msg(!strstr(outs[i], prefix), "report %zu holds the key's first half", i);
        free(outs[i]);
    }
}
END_TEST

START_TEST(early_end_is_one_junit_error)
{
    for (size_t i = 0; i < 4; i++)
        if (results[i].outcome == QC_OUT_PASSED) {
            results[i].outcome = QC_OUT_NOT_RUN;
            results[i].not_run = QC_NR_STOPPED;
            results[i].reason = "not sent: the run stopped before this case";
        }
    rep.end = QC_END_INTERRUPTED;
    rep.end_reason = "SIGTERM received";
    ck_assert_int_eq(qc_report_verdict(&rep), QC_RUN_INCONCLUSIVE);
    char *x = qc_report_junit(&rep);
    ck_assert(strstr(x, "<testcase classname=\"quo.run\" name=\"interrupted\""));
    ck_assert(strstr(x, "<error type=\"interrupted\" message=\"SIGTERM received\">"));
    free(x);
    char *j = qc_report_json(&rep);
    ck_assert(strstr(j, "\"interrupted\":\ttrue"));
    ck_assert(strstr(j, "\"notRun\":\t\"stopped\""));
    free(j);
    char *m = qc_report_markdown(&rep);
    ck_assert(strstr(m, "# quo-conformance: INTERRUPTED") == m);
    free(m);
    char *t = qc_report_tap(&rep);
    ck_assert(strstr(t, "ok 1 - 201.phoneNumberId [MUST] # SKIP not run: not sent"));
    free(t);
}
END_TEST

/* The set is committed whole or not at all: a report that cannot be
 * written leaves the previous set in place and no temp file. */
START_TEST(report_set_is_all_or_nothing)
{
    char dir[] = "/tmp/qc-set-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    quo_error err;
    ck_assert_int_eq(qc_report_write(&rep, dir, &err), QUO_OK);
    char path[512], block[256];
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    struct stat before;
    ck_assert_int_eq(stat(path, &before), 0);
    /* report.md's temp name is taken by a directory: its write fails. */
    snprintf(block, sizeof block, "%s/.report.md.tmp.%ld", dir, (long)getpid());
    ck_assert_int_eq(mkdir(block, 0755), 0);
    rep.seconds = 99; /* a different set */
    ck_assert_int_eq(qc_report_write(&rep, dir, &err), QUO_EIO);
    ck_assert(strstr(err.message, "report.md"));
    char *j = NULL;
    snprintf(path, sizeof path, "%s/report.json", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    j = strstr(buf, "\"seconds\":\t1.5");
    ck_assert_msg(j != NULL, "report.json was replaced although the set was not written");
    rmdir(block);
    DIR *d = opendir(dir);
    for (struct dirent *e; (e = readdir(d));) {
        ck_assert_msg(!strstr(e->d_name, ".tmp."), "left %s behind", e->d_name);
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, counts_follow_outcomes);
    tcase_add_test(tc, junit_is_escaped_and_scrubbed);
    tcase_add_test(tc, json_is_strict_and_complete);
    tcase_add_test(tc, markdown_puts_failures_first);
    tcase_add_test(tc, curl_reproducers);
    tcase_add_test(tc, text_helpers);
    tcase_add_test(tc, atomic_writes);
    tcase_add_test(tc, tap_names_every_case);
    tcase_add_test(tc, key_cut_by_the_excerpt_leaves_nothing);
    tcase_add_test(tc, early_end_is_one_junit_error);
    tcase_add_test(tc, report_set_is_all_or_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(report_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
