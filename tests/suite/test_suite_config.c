/* Unit tests of suite/config.c (flags > env > file, strict config keys)
 * and suite/embedded.c's choice of fixtures. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quo/array.h"
#include "quo_check.h"
#include "config.h"
#include "embedded.h"

static qc_cli cli;
static qc_layer flags, env, file;
static qc_config cfg;
static quo_error err;
static char *env_config;

/* The environment the code under test sees. */
static const char *env_names[8];
static const char *env_values[8];
static size_t env_count;

static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; i < env_count; i++)
        if (strcmp(env_names[i], name) == 0)
            return env_values[i];
    return NULL;
}

static void setenv_fake(const char *name, const char *value)
{
    env_names[env_count] = name;
    env_values[env_count] = value;
    env_count++;
}

static void setup(void)
{
    qc_cli_init(&cli);
    qc_layer_init(&flags);
    qc_layer_init(&env);
    qc_layer_init(&file);
    qc_config_init(&cfg);
    memset(&err, 0, sizeof err);
    env_count = 0;
    env_config = NULL;
}

static void teardown(void)
{
    qc_cli_free(&cli);
    qc_layer_free(&flags);
    qc_layer_free(&env);
    qc_layer_free(&file);
    qc_config_free(&cfg);
    free(env_config);
}

static quo_status args(int argc, const char *const *argv)
{
    return qc_config_parse_args(argc, (char *const *)argv, &cli, &flags, &err);
}

static quo_status file_text(const char *text)
{
    return qc_config_parse_file(text, strlen(text), "test.json", &file, &err);
}

static quo_status resolve(void)
{
    ck_assert_int_eq(qc_config_from_env(fake_getenv, &env, &env_config, &err), QUO_OK);
    return qc_config_resolve(&cli, &flags, &env, &file, env_config, &cfg, &err);
}

static const char full_file[] =
    "{\"baseUrl\":\"https://file.example\",\"apiKey\":\"file-key\","
    "\"fixtures\":{\"phoneNumberId\":\"PNf\",\"conversationId\":\"CNf\",\"activityId\":\"ACf\","
    "\"userId\":\"USf\"},\"forbidden\":{\"apiKey\":\"file-forbidden\"},\"faults\":\"prefer-header\"}";

START_TEST(flags_win_over_env_over_file)
{
    ck_assert_int_eq(file_text(full_file), QUO_OK);
    setenv_fake("QUO_BASE_URL", "https://env.example/");
    setenv_fake("QUO_API_KEY", "env-key");
    const char *argv[] = {"quo-conformance", "--base-url", "https://flag.example", "--api-key=flag-key"};
    ck_assert_int_eq(args(4, argv), QUO_OK);
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert_str_eq(cfg.base_url, "https://flag.example");
    ck_assert_str_eq(cfg.api_key, "flag-key");
    ck_assert_str_eq(cfg.base_url_source, "--base-url");
    /* What only the file gives comes from the file. */
    ck_assert_str_eq(cfg.fixtures.conversation_id, "CNf");
    ck_assert_str_eq(cfg.forbidden_key, "file-forbidden");
    ck_assert_int_eq(cfg.faults, QC_FAULTS_PREFER_HEADER);
    ck_assert(!cfg.embedded);
}
END_TEST

START_TEST(env_wins_over_file)
{
    ck_assert_int_eq(file_text(full_file), QUO_OK);
    setenv_fake("QUO_BASE_URL", "https://env.example/");
    setenv_fake("QUO_API_KEY", "env-key");
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert_str_eq(cfg.base_url, "https://env.example"); /* trailing slash dropped */
    ck_assert_str_eq(cfg.api_key, "env-key");
    ck_assert_str_eq(cfg.base_url_source, "QUO_BASE_URL");
}
END_TEST

START_TEST(file_alone_and_empty_env)
{
    ck_assert_int_eq(file_text(full_file), QUO_OK);
    setenv_fake("QUO_BASE_URL", ""); /* empty = unset: CI secrets that are missing */
    setenv_fake("QUO_CONFIG", "/etc/quo.json");
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert_str_eq(cfg.base_url, "https://file.example");
    ck_assert_str_eq(cfg.api_key, "file-key");
    ck_assert_str_eq(cfg.config_path, "/etc/quo.json");
    ck_assert(cfg.rate == QC_DEFAULT_REMOTE_RATE);
    ck_assert(cfg.timeout == QC_DEFAULT_TIMEOUT);
    ck_assert_str_eq(cfg.report_dir, "reports");
    ck_assert_uint_eq(cfg.select.filters.count, 0);
    ck_assert_uint_eq(cfg.select.max_requests, 0);
}
END_TEST

START_TEST(no_base_url_is_the_embedded_target)
{
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert(cfg.embedded);
    ck_assert(cfg.loopback);
    ck_assert(cfg.rate == 0);
    ck_assert_ptr_null(cfg.base_url);
    ck_assert_int_eq(qc_embedded_configure(NULL, &cfg, &err), QUO_OK);
    ck_assert_ptr_nonnull(cfg.api_key);
    ck_assert_ptr_nonnull(cfg.forbidden_key);
    ck_assert_str_ne(cfg.api_key, cfg.forbidden_key);
    ck_assert_int_eq(cfg.faults, QC_FAULTS_PREFER_HEADER);
}
END_TEST

START_TEST(rate_and_timeout)
{
    setenv_fake("QUO_BASE_URL", "http://127.0.0.1:4010");
    setenv_fake("QUO_API_KEY", "k");
    ck_assert_int_eq(file_text("{\"fixtures\":{\"phoneNumberId\":\"PN1\",\"conversationId\":\"CN1\","
                               "\"activityId\":\"AC1\",\"userId\":\"US1\"}}"),
                     QUO_OK);
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert(!cfg.rate_set); /* main decides by address: qc_http_is_loopback */
    ck_assert_int_eq(cfg.faults, QC_FAULTS_NONE);
    ck_assert_ptr_null(cfg.forbidden_key);
    qc_config_free(&cfg);
    const char *argv[] = {"x", "--rate", "2.5", "--timeout=3", "--strict", "--list",
                          "--filter", "400.*", "--report-dir", "out"};
    ck_assert_int_eq(args(10, argv), QUO_OK);
    ck_assert_int_eq(qc_config_resolve(&cli, &flags, &env, &file, NULL, &cfg, &err), QUO_OK);
    ck_assert(cfg.rate == 2.5);
    ck_assert(cfg.timeout == 3);
    ck_assert(cfg.strict && cfg.list);
    ck_assert_uint_eq(cfg.select.filters.count, 1);
    ck_assert_str_eq(cfg.select.filters.items[0], "400.*");
    ck_assert_str_eq(cfg.report_dir, "out");
}
END_TEST

/* --filter / --exclude: repeatable and comma-separated; the config file's
 * "filter" / "exclude" (a string or an array) are replaced whole by flags;
 * --max-requests likewise. */
START_TEST(filters_and_excludes_take_several_patterns)
{
    ck_assert_int_eq(file_text("{\"filter\":[\"401.*\",\"403.*,404.*\"],\"exclude\":\"*.bearer\","
                               "\"maxRequests\":7}"),
                     QUO_OK);
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert_uint_eq(cfg.select.filters.count, 3);
    ck_assert_str_eq(cfg.select.filters.items[2], "404.*");
    ck_assert_uint_eq(cfg.select.excludes.count, 1);
    ck_assert_uint_eq(cfg.select.max_requests, 7);
    ck_assert(qc_selection_matches(&cfg.select, "403.phoneNumberId"));
    ck_assert(qc_selection_matches(&cfg.select, "404.userId"));
    ck_assert(!qc_selection_matches(&cfg.select, "401.bearer"));   /* excluded */
    ck_assert(!qc_selection_matches(&cfg.select, "400.type.x.y")); /* no filter matches */
    qc_config_free(&cfg);
    const char *argv[] = {"x", "--filter", "400.type.*,400.pattern.*", "--filter=http.*",
                          "--exclude", "*.errors-path", "--exclude=*.null,*.array",
                          "--max-requests", "3"};
    ck_assert_int_eq(args(9, argv), QUO_OK);
    ck_assert_int_eq(qc_config_resolve(&cli, &flags, &env, &file, NULL, &cfg, &err), QUO_OK);
    ck_assert_uint_eq(cfg.select.filters.count, 3); /* the file's three are replaced */
    ck_assert_uint_eq(cfg.select.excludes.count, 3);
    ck_assert_uint_eq(cfg.select.max_requests, 3);
    ck_assert(qc_selection_matches(&cfg.select, "400.type.title.number"));
    ck_assert(qc_selection_matches(&cfg.select, "http.405-allow"));
    ck_assert(!qc_selection_matches(&cfg.select, "400.type.title.null"));
    ck_assert(!qc_selection_matches(&cfg.select, "400.type.title.number.errors-path"));
    ck_assert(!qc_selection_matches(&cfg.select, "401.empty"));
}
END_TEST

START_TEST(bad_selections)
{
    static const struct { int argc; const char *argv[3]; const char *needle; } rows[] = {
        {3, {"x", "--filter", "a,,b"}, "--filter: an empty pattern"},
        {3, {"x", "--exclude", ""}, "--exclude: an empty pattern"},
        {3, {"x", "--max-requests", "0"}, "--max-requests"},
        {3, {"x", "--max-requests", "-4"}, "--max-requests"},
        {3, {"x", "--max-requests", "2x"}, "--max-requests"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qc_cli_free(&cli);
        qc_layer_free(&flags);
        ck_assert_int_eq(args(rows[i].argc, rows[i].argv), QUO_EUSAGE);
        ck_assert_msg(strstr(err.message, rows[i].needle), "%s", err.message);
    }
    ck_assert_int_eq(file_text("{\"filter\":3}"), QUO_EUSAGE);
    ck_assert(strstr(err.message, "\"filter\" must be a string or an array"));
    ck_assert_int_eq(file_text("{\"maxRequests\":1.5}"), QUO_EUSAGE);
    ck_assert_int_eq(file_text("{\"exclude\":[\"a,\"]}"), QUO_EUSAGE);
}
END_TEST

START_TEST(bad_arguments)
{
    static const struct { int argc; const char *argv[4]; const char *needle; } rows[] = {
        {2, {"x", "--nope"}, "unknown option \"--nope\""},
        {2, {"x", "--rate"}, "--rate needs a value"},
        {3, {"x", "--rate", "-1"}, "--rate"},
        {3, {"x", "--timeout", "0"}, "--timeout"},
        {3, {"x", "--timeout", "abc"}, "--timeout"},
        {2, {"x", "positional"}, "unexpected argument"},
        {2, {"x", "--strict=yes"}, "takes no value"},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        teardown();
        setup();
        ck_assert_msg(args(rows[i].argc, rows[i].argv) == QUO_EUSAGE, "row %zu accepted", i);
        ck_assert_msg(strstr(err.message, rows[i].needle), "row %zu: %s", i, err.message);
    }
}
END_TEST

START_TEST(config_file_keys_are_strict)
{
    static const struct { const char *text; const char *needle; } rows[] = {
        {"{\"baseURL\":\"https://x\"}", "unknown key \"baseURL\""},
        {"{\"fixtures\":{\"phoneId\":42}}", "fixtures.phoneId must be a non-empty string"},
        {"{\"forbidden\":{\"key\":\"k\"}}", "unknown key \"forbidden.key\""},
        {"{\"apiKey\":42}", "\"apiKey\" must be a non-empty string"},
        {"{\"apiKey\":\"\"}", "\"apiKey\" must be a non-empty string"},
        {"{\"fixtures\":[]}", "\"fixtures\" must be an object"},
        {"{\"faults\":\"sometimes\"}", "\"faults\" must be"},
        {"{\"apiKey\":\"a\",\"apiKey\":\"b\"}", "not valid JSON"},
        {"{\"apiKey\":\"a\",}", "not valid JSON"},
        {"[]", "top level must be an object"},
        {"{\"apiKey\":\"a\\u0000b\"}", "\\u0000"},
        /* A name or value holding \u0000 never passes for a shorter one. */
        {"{\"baseUrl\\u0000x\":\"https://x\"}", "\\u0000"},
        {"{\"faults\":\"none\\u0000x\"}", "\\u0000"},
        {"{\"fixtures\":{\"phoneNumberId\":\"P1\",\"phoneNumberId\":\"P2\"}}", "not valid JSON"},
        {"{\"headers\":{\"X-A\":\"1\",\"X-A\":\"2\"}}", "not valid JSON"},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        qc_layer_free(&file);
        ck_assert_msg(file_text(rows[i].text) == QUO_EUSAGE, "row %zu accepted", i);
        ck_assert_msg(strstr(err.message, rows[i].needle), "row %zu: %s", i, err.message);
        ck_assert_msg(strstr(err.message, "test.json"), "row %zu: no file name", i);
    }
}
END_TEST

START_TEST(remote_target_needs_key_and_fixtures)
{
    const char *argv[] = {"x", "--base-url", "https://staging.example"};
    ck_assert_int_eq(args(3, argv), QUO_OK);
    ck_assert_int_eq(resolve(), QUO_EUSAGE);
    ck_assert(strstr(err.message, "no API key"));
    qc_config_free(&cfg);
    setenv_fake("QUO_API_KEY", "secret-key-123");
    ck_assert_int_eq(file_text("{\"fixtures\":{\"phoneNumberId\":\"PN1\",\"conversationId\":\"CN1\","
                               "\"activityId\":\"AC1\"}}"),
                     QUO_OK);
    qc_layer_free(&env);
    ck_assert_int_eq(resolve(), QUO_EUSAGE);
    ck_assert(strstr(err.message, "fixtures.userId"));
    ck_assert(!strstr(err.message, "secret-key-123"));
}
END_TEST

START_TEST(bad_base_urls)
{
    static const char *const urls[] = {"ftp://x", "staging.example", "http://", "http://x/a b",
                                       "https://x?q=1"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(urls); i++) {
        teardown();
        setup();
        setenv_fake("QUO_BASE_URL", urls[i]);
        setenv_fake("QUO_API_KEY", "k");
        ck_assert_msg(resolve() == QUO_EUSAGE, "%s accepted", urls[i]);
        ck_assert(strstr(err.message, "QUO_BASE_URL"));
    }
}
END_TEST

START_TEST(config_file_from_disk)
{
    char path[] = "/tmp/qc-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, full_file, strlen(full_file)), (ssize_t)strlen(full_file));
    close(fd);
    ck_assert_int_eq(qc_config_load_file(path, &file, &err), QUO_OK);
    ck_assert_str_eq(file.base_url, "https://file.example");
    unlink(path);
    qc_layer_free(&file);
    ck_assert_int_eq(qc_config_load_file(path, &file, &err), QUO_EIO);
    ck_assert(strstr(err.message, path));
}
END_TEST

START_TEST(embedded_pick_follows_ownership)
{
    /* The first key whose phone number owns a conversation with an activity;
     * the forbidden key is one without that phone number. */
    static const char fx[] =
        "{\"apiKeys\":[{\"key\":\"a\",\"phoneNumbers\":[\"PN9\"]},"
        "{\"key\":\"b\",\"phoneNumbers\":[\"PN8\",\"PN7\"]},{\"key\":\"c\",\"phoneNumbers\":[]}],"
        "\"phoneNumbers\":[\"PN9\",\"PN8\",\"PN7\"],"
        "\"conversations\":[{\"id\":\"CN1\",\"phoneNumberId\":\"PN7\"}],"
        "\"activities\":[{\"id\":\"AC1\",\"conversationId\":\"CN1\"}],\"users\":[\"US5\"]}";
    ck_assert_int_eq(qc_embedded_pick(NULL, fx, strlen(fx), &cfg, &err), QUO_OK);
    ck_assert_str_eq(cfg.api_key, "b");
    ck_assert_str_eq(cfg.fixtures.phone_number_id, "PN7");
    ck_assert_str_eq(cfg.fixtures.conversation_id, "CN1");
    ck_assert_str_eq(cfg.fixtures.activity_id, "AC1");
    ck_assert_str_eq(cfg.fixtures.user_id, "US5");
    ck_assert_str_eq(cfg.forbidden_key, "a");
    static const char none[] = "{\"apiKeys\":[{\"key\":\"a\",\"phoneNumbers\":[\"PN9\"]}],"
                               "\"users\":[\"US1\"]}";
    ck_assert_int_eq(qc_embedded_pick(NULL, none, strlen(none), &cfg, &err), QUO_ESPEC);
}
END_TEST

START_TEST(loopback_is_decided_by_address)
{
    qc_transport t;
    qc_transport_init(&t);
    ck_assert(qc_http_is_loopback("http://127.0.0.1:4010", &t));
    ck_assert(qc_http_is_loopback("http://[::1]:4010/", &t));
    /* A name is not an address: 127.example.com is remote unless it resolves here. */
    qc_strlist_add(&t.resolve, "127.example.com:443:192.0.2.7");
    qc_strlist_add(&t.resolve, "staging.test:8443:127.0.0.1");
    ck_assert(!qc_http_is_loopback("https://127.example.com", &t));
    ck_assert(qc_http_is_loopback("https://staging.test:8443", &t));
    ck_assert(!qc_http_is_loopback("https://staging.test:9443", NULL) ||
              qc_http_is_loopback("https://staging.test:9443", NULL)); /* no crash */
    ck_assert(qc_http_default_rate(false) == QC_HTTP_DEFAULT_REMOTE_RATE);
    ck_assert(qc_http_default_rate(true) == 0);
    qc_transport_free(&t);
}
END_TEST

START_TEST(transport_from_flags_env_and_file)
{
    setenv_fake("QUO_BASE_URL", "https://staging.example");
    setenv_fake("QUO_API_KEY", "k");
    setenv_fake("SSL_CERT_FILE", "/env/ca.pem");
    setenv_fake("QUO_FORBIDDEN_API_KEY", "no-access");
    ck_assert_int_eq(file_text("{\"fixtures\":{\"phoneNumberId\":\"PN1\",\"conversationId\":\"CN1\","
                               "\"activityId\":\"AC1\",\"userId\":\"US1\"},"
                               "\"headers\":{\"X-Env\":\"staging\",\"X-Team\":\"a\"},"
                               "\"proxy\":\"http://proxy:3128\",\"insecure\":false,"
                               "\"resolve\":[\"staging.example:443:127.0.0.1\"]}"),
                     QUO_OK);
    const char *argv[] = {"x", "--header", "X-Team: b", "--cert", "c.pem", "--key", "k.pem",
                          "--max-run-time", "120"};
    ck_assert_int_eq(args(9, argv), QUO_OK);
    ck_assert_int_eq(resolve(), QUO_OK);
    ck_assert_str_eq(cfg.transport.cacert, "/env/ca.pem");
    ck_assert_str_eq(cfg.transport.proxy, "http://proxy:3128");
    ck_assert_str_eq(cfg.transport.cert, "c.pem");
    ck_assert_uint_eq(cfg.transport.headers.count, 2);
    ck_assert_str_eq(cfg.transport.headers.items[0], "X-Env: staging");
    ck_assert_str_eq(cfg.transport.headers.items[1], "X-Team: b"); /* the flag replaces the file's */
    ck_assert_uint_eq(cfg.transport.resolve.count, 1);
    ck_assert_str_eq(cfg.forbidden_key, "no-access");
    ck_assert(cfg.max_run_time == 120);
    ck_assert(cfg.timeout == QC_DEFAULT_TIMEOUT);
}
END_TEST

START_TEST(secrets_and_headers_with_control_characters)
{
    setenv_fake("QUO_BASE_URL", "https://staging.example");
    setenv_fake("QUO_API_KEY", "key-from-a-file\n");
    ck_assert_int_eq(file_text("{\"fixtures\":{\"phoneNumberId\":\"PN1\",\"conversationId\":\"CN1\","
                               "\"activityId\":\"AC1\",\"userId\":\"US1\"}}"),
                     QUO_OK);
    ck_assert_int_eq(resolve(), QUO_EUSAGE);
    ck_assert(strstr(err.message, "QUO_API_KEY"));
    ck_assert(strstr(err.message, "trailing newline"));
    ck_assert(!strstr(err.message, "key-from-a-file"));
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("precedence");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, flags_win_over_env_over_file);
    tcase_add_test(tc, env_wins_over_file);
    tcase_add_test(tc, file_alone_and_empty_env);
    tcase_add_test(tc, no_base_url_is_the_embedded_target);
    tcase_add_test(tc, rate_and_timeout);
    tcase_add_test(tc, loopback_is_decided_by_address);
    tcase_add_test(tc, transport_from_flags_env_and_file);
    tcase_add_test(tc, secrets_and_headers_with_control_characters);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, filters_and_excludes_take_several_patterns);
    tcase_add_test(tc, bad_selections);
    tcase_add_test(tc, config_file_keys_are_strict);
    tcase_add_test(tc, remote_target_needs_key_and_fixtures);
    tcase_add_test(tc, bad_base_urls);
    tcase_add_test(tc, config_file_from_disk);
    suite_add_tcase(s, tc);
    tc = tcase_create("embedded");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, embedded_pick_follows_ownership);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(config_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
