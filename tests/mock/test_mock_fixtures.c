/* test_mock_fixtures.c - fixtures files: every kind of malformed or
 * inconsistent file is refused with a message naming the problem, by the
 * engine (quo_mock_core_new) and by the quo-mock program (exit status 2);
 * a good custom file is served; the compiled-in set is what docs/mock.md
 * says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "quo/array.h"
#include "quo_check.h"
#include "quo-mock/mock.h"

#include "cli_run.h"
#include "mock_http.h"

#define KEYS "\"apiKeys\":[{\"key\":\"k1\",\"phoneNumbers\":[\"PN1\"]}]"
#define PHONES "\"phoneNumbers\":[\"PN1\",\"PN2\"]"
#define CONVS "\"conversations\":[{\"id\":\"CN1\",\"phoneNumberId\":\"PN1\"}]"
#define ACTS "\"activities\":[{\"id\":\"AC1\",\"conversationId\":\"CN1\"}]"
#define USERS "\"users\":[\"US1\"]"
#define FX(k, p, c, a, u) "{" k "," p "," c "," a "," u "}"

static const struct bad_case {
    const char *name, *text, *expect;
} bad[] = {
    {"not JSON", "{\"apiKeys\": [", "not valid JSON"},
    {"duplicate member names", "{\"users\":[],\"users\":[]}", "not valid JSON"},
    {"top level not an object", "[]", "the top level must be an object"},
    {"unknown top-level member", "{" KEYS "," PHONES "," CONVS "," ACTS "," USERS ",\"extra\":1}",
     "the top level has an unknown member \"extra\""},
    {"missing member", "{" KEYS "," PHONES "," CONVS "," ACTS "}",
     "the top level lacks the member \"users\""},
    {"list not an array", FX(KEYS, "\"phoneNumbers\":\"PN1\"", CONVS, ACTS, USERS),
     "phoneNumbers must be an array"},
    {"id not a string", FX(KEYS, "\"phoneNumbers\":[\"PN1\",2]", CONVS, ACTS, USERS),
     "phoneNumbers[1] must be a string"},
    {"phone id breaks the pattern", FX(KEYS, "\"phoneNumbers\":[\"PN1\",\"XX1\"]", CONVS, ACTS, USERS),
     "phoneNumbers[1] \"XX1\" is not a valid phoneNumberId (the spec's pattern is ^PN(.*)$)"},
    {"conversation id breaks the pattern",
     FX(KEYS, PHONES, "\"conversations\":[{\"id\":\"PN5\",\"phoneNumberId\":\"PN1\"}]", ACTS, USERS),
     "conversations[0].id \"PN5\" is not a valid conversationId"},
    {"owner id breaks the pattern",
     FX(KEYS, PHONES, CONVS, "\"activities\":[{\"id\":\"AC1\",\"conversationId\":\"XX\"}]", USERS),
     "activities[0].conversationId \"XX\" is not a valid conversationId"},
    {"activity id breaks the pattern",
     FX(KEYS, PHONES, CONVS, "\"activities\":[{\"id\":\"A1\",\"conversationId\":\"CN1\"}]", USERS),
     "activities[0].id \"A1\" is not a valid activityId"},
    {"user id breaks the pattern", FX(KEYS, PHONES, CONVS, ACTS, "\"users\":[\"U1\"]"),
     "users[0] \"U1\" is not a valid assignedTo"},
    {"duplicate phone number", FX(KEYS, "\"phoneNumbers\":[\"PN1\",\"PN2\",\"PN1\"]", CONVS, ACTS, USERS),
     "phoneNumbers[2] \"PN1\" duplicates phoneNumbers[0]"},
    {"duplicate conversation",
     FX(KEYS, PHONES,
        "\"conversations\":[{\"id\":\"CN1\",\"phoneNumberId\":\"PN1\"},{\"id\":\"CN1\",\"phoneNumberId\":\"PN2\"}]",
        ACTS, USERS),
     "conversations[1] \"CN1\" duplicates conversations[0]"},
    {"duplicate activity",
     FX(KEYS, PHONES, CONVS,
        "\"activities\":[{\"id\":\"AC1\",\"conversationId\":\"CN1\"},{\"id\":\"AC1\",\"conversationId\":\"CN1\"}]",
        USERS),
     "activities[1] \"AC1\" duplicates activities[0]"},
    {"duplicate user", FX(KEYS, PHONES, CONVS, ACTS, "\"users\":[\"US1\",\"US1\"]"),
     "users[1] \"US1\" duplicates users[0]"},
    {"conversation of an unknown phone number",
     FX(KEYS, PHONES, "\"conversations\":[{\"id\":\"CN1\",\"phoneNumberId\":\"PN9\"}]", ACTS, USERS),
     "conversations[0].phoneNumberId \"PN9\" is not listed in phoneNumbers (unknown owner)"},
    {"activity of an unknown conversation",
     FX(KEYS, PHONES, CONVS, "\"activities\":[{\"id\":\"AC1\",\"conversationId\":\"CN9\"}]", USERS),
     "activities[0].conversationId \"CN9\" is not listed in conversations (unknown owner)"},
    {"key for an unknown phone number",
     FX("\"apiKeys\":[{\"key\":\"k1\",\"phoneNumbers\":[\"PN9\"]}]", PHONES, CONVS, ACTS, USERS),
     "apiKeys[0].phoneNumbers[0] \"PN9\" is not listed in phoneNumbers"},
    {"key lists a phone number twice",
     FX("\"apiKeys\":[{\"key\":\"k1\",\"phoneNumbers\":[\"PN1\",\"PN1\"]}]", PHONES, CONVS, ACTS, USERS),
     "apiKeys[0].phoneNumbers lists \"PN1\" twice"},
    {"duplicate key",
     FX("\"apiKeys\":[{\"key\":\"dup-secret\",\"phoneNumbers\":[]},{\"key\":\"dup-secret\",\"phoneNumbers\":[]}]",
        PHONES, CONVS, ACTS, USERS),
     "apiKeys[1].key duplicates apiKeys[0].key"},
    {"empty key", FX("\"apiKeys\":[{\"key\":\"\",\"phoneNumbers\":[]}]", PHONES, CONVS, ACTS, USERS),
     "apiKeys[0].key is empty"},
    {"key HTTP cannot carry",
     FX("\"apiKeys\":[{\"key\":\"k1 \",\"phoneNumbers\":[]}]", PHONES, CONVS, ACTS, USERS),
     "apiKeys[0].key has surrounding blanks or a control character"},
    {"unknown member in an item",
     FX(KEYS, PHONES, "\"conversations\":[{\"id\":\"CN1\",\"phoneNumberId\":\"PN1\",\"owner\":1}]", ACTS,
        USERS),
     "conversations[0] has an unknown member \"owner\""},
    {"missing member in an item",
     FX(KEYS, PHONES, "\"conversations\":[{\"phoneNumberId\":\"PN1\"}]", ACTS, USERS),
     "conversations[0] lacks the member \"id\""},
    {"key without phone numbers", FX("\"apiKeys\":[{\"key\":\"k1\"}]", PHONES, CONVS, ACTS, USERS),
     "apiKeys[0] lacks the member \"phoneNumbers\""},
};
#define N_BAD (QUO_ARRAY_SIZE(bad))

START_TEST(t_bad_fixtures_refused_by_engine)
{
    const struct bad_case *c = &bad[_i];
    char *path = th_temp_file(c->text);
    quo_spec *spec;
    ck_assert_int_eq(quo_spec_load_default(&spec, NULL), QUO_OK);
    quo_mock_options o;
    quo_mock_options_init(&o);
    o.fixtures_path = path;
    quo_mock_core *core = NULL;
    quo_error err = {0};
    quo_status st = quo_mock_core_new(spec, &o, &core, &err);
    ck_assert_msg(st == QUO_EUSAGE, "%s: status %s", c->name, quo_status_name(st));
    ck_assert_ptr_null(core);
    ck_assert_msg(strstr(err.message, c->expect), "%s: message \"%s\" lacks \"%s\"", c->name,
                  err.message, c->expect);
    ck_assert_msg(strncmp(err.message, path, strlen(path)) == 0, "%s: no file name in \"%s\"",
                  c->name, err.message);
    ck_assert_ptr_null(strstr(err.message, "secret"));
    quo_spec_free(spec);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(t_bad_fixtures_refused_by_cli)
{
    const struct bad_case *c = &bad[_i];
    char *path = th_temp_file(c->text);
    const char *args[] = {"--fixtures", path, "--port", "0", "--quiet", NULL};
    cli_result r = cli_run(args, 10000);
    ck_assert_msg(r.exit_code == 2, "%s: exit %d", c->name, r.exit_code);
    ck_assert_msg(strstr(r.err, c->expect), "%s: stderr \"%s\"", c->name, r.err);
    ck_assert_msg(strncmp(r.err, "quo-mock: ", 10) == 0, "stderr: %s", r.err);
    ck_assert_str_eq(r.out, ""); /* nothing was served */
    ck_assert_ptr_null(strstr(r.err, "secret"));
    cli_result_free(&r);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(t_missing_fixtures_file)
{
    const char *args[] = {"--fixtures", "/nonexistent/fixtures.json", "--port", "0", NULL};
    cli_result r = cli_run(args, 10000);
    ck_assert_int_eq(r.exit_code, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/fixtures.json: cannot open"));
    cli_result_free(&r);
}
END_TEST

START_TEST(t_custom_fixtures_served)
{
    char *path = th_temp_file(FX(KEYS, PHONES, CONVS, ACTS, USERS));
    quo_mock_options o;
    th_options(&o);
    o.fixtures_path = path;
    th_start(&o);
    http_res *r = http_create("k1", "{\"title\":\"t\",\"description\":\"d\",\"activityId\":\"AC1\"}");
    ck_assert_int_eq(r->status, 201);
    th_assert_conforms(r);
    ck_assert_str_eq(th_data(r, "phoneNumberId"), "PN1");
    ck_assert_str_eq(th_data(r, "conversationId"), "CN1");
    http_res_free(r);
    /* k1 may use PN1 only; the default set's keys mean nothing here. */
    r = http_create("k1", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN2\"}");
    ck_assert_int_eq(r->status, 403);
    http_res_free(r);
    r = http_create("test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}");
    ck_assert_int_eq(r->status, 401);
    http_res_free(r);
    th_stop();
    unlink(path);
    free(path);
}
END_TEST

/* The compiled-in set is the one docs/mock.md documents: its table rows
 * are checked against what the mock serves. */
START_TEST(t_default_fixtures_match_docs)
{
    th_start(NULL);
    static const struct {
        const char *key, *body;
        long status;
    } rows[] = {
        {"test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}", 201},
        {"test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN2\"}", 201},
        {"test-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN3\"}", 403},
        {"other-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN3\"}", 201},
        {"other-key", "{\"title\":\"t\",\"description\":\"d\",\"conversationId\":\"CN1\"}", 403},
        {"no-access-key", "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}", 403},
        {"test-key", "{\"title\":\"t\",\"description\":\"d\",\"activityId\":\"AC2\",\"assignedTo\":\"US2\"}", 201},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        http_res *r = http_create(rows[i].key, rows[i].body);
        ck_assert_msg(r->status == rows[i].status, "row %zu: %ld", i, r->status);
        http_res_free(r);
    }
    th_stop();
    /* docs/mock.md names every default key and id. */
    const char *src = getenv("QUO_SOURCE_DIR");
    ck_assert_ptr_nonnull(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/mock.md", src);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    static char doc[1 << 16];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
    static const char *const names[] = {"`test-key`", "`other-key`", "`no-access-key`", "`PN1`",
                                        "`PN2`", "`PN3`", "`CN1`", "`CN2`", "`CN3`", "`AC1`",
                                        "`AC2`", "`AC3`", "`US1`", "`US2`"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names); i++)
        ck_assert_msg(strstr(doc, names[i]), "docs/mock.md does not mention %s", names[i]);
}
END_TEST

START_TEST(t_print_fixtures)
{
    const char *args[] = {"--print-fixtures", NULL};
    cli_result r = cli_run(args, 10000);
    ck_assert_int_eq(r.exit_code, 0);
    char *path = th_temp_file(r.out);
    /* What it prints is a fixtures file the mock accepts. */
    quo_spec *spec;
    ck_assert_int_eq(quo_spec_load_default(&spec, NULL), QUO_OK);
    quo_mock_options o;
    quo_mock_options_init(&o);
    o.fixtures_path = path;
    quo_mock_core *core;
    quo_error err = {0};
    ck_assert_msg(quo_mock_core_new(spec, &o, &core, &err) == QUO_OK, "%s", err.message);
    ck_assert_ptr_nonnull(strstr(r.out, "\"no-access-key\""));
    quo_mock_core_free(core);
    quo_spec_free(spec);
    unlink(path);
    free(path);
    cli_result_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mock_fixtures");
    TCase *tc = tcase_create("fixtures");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, t_bad_fixtures_refused_by_engine, 0, (int)N_BAD);
    tcase_add_loop_test(tc, t_bad_fixtures_refused_by_cli, 0, (int)N_BAD);
    tcase_add_test(tc, t_missing_fixtures_file);
    tcase_add_test(tc, t_custom_fixtures_served);
    tcase_add_test(tc, t_default_fixtures_match_docs);
    tcase_add_test(tc, t_print_fixtures);
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
