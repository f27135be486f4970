/* Unit tests of suite/scrub.c: every spelling a server can echo a secret
 * in is replaced, URL passwords are redacted, short keys spare words. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo_check.h"
#include "scrub.h"

#define KEY "sk_live/Ab+c9 \"q\"x"

static char *scrubbed(const char *text)
{
    qc_scrubber s;
    qc_scrubber_init(&s);
    ck_assert(qc_scrubber_add(&s, KEY, "$QUO_API_KEY"));
    ck_assert(qc_scrubber_add(&s, "k", "$K"));
    char *out = qc_scrub(&s, text, strlen(text));
    qc_scrubber_free(&s);
    ck_assert_ptr_nonnull(out);
    return out;
}

START_TEST(every_spelling_is_replaced)
{
    static const char *const spellings[] = {
        "sk_live/Ab+c9 \"q\"x",                              /* raw */
        "sk_live\\/Ab+c9 \\\"q\\\"x",                       /* JSON, PHP's \/ */
        "\\u0073\\u006b_live\\u002FAb\\u002bc9\\u0020\\u0022q\\u0022x", /* \u, both cases */
        "sk_live%2FAb%2Bc9+%22q%22x",                       /* URL-encoded */
        "sk_live%2fab%2bc9%20%22Q%22X",                     /* lower hex, other case */
        "SK_LIVE/AB+C9 \"Q\"X",                             /* upper case */
        "sK_lIvE\\/aB%2bC9\\u0020\\\"q%22x",               /* mixed */
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(spellings); i++) {
        char text[256];
        snprintf(text, sizeof text, "{\"message\":\"you sent %s!\"}", spellings[i]);
        char *out = scrubbed(text);
        ck_assert_msg(strcmp(out, "{\"message\":\"you sent $QUO_API_KEY!\"}") == 0,
                      "spelling %zu: %s", i, out);
        free(out);
    }
}
END_TEST

START_TEST(short_secret_spares_words)
{
    char *out = scrubbed("tasks k kk k.");
    ck_assert_str_eq(out, "tasks $K kk $K.");
    free(out);
}
END_TEST

START_TEST(url_passwords)
{
    char *r = qc_redact_url("https://ci:s3cr%40t@staging.example:8443/api");
    ck_assert_str_eq(r, "https://ci:***@staging.example:8443/api");
    free(r);
    r = qc_redact_url("https://staging.example/a@b");
    ck_assert_str_eq(r, "https://staging.example/a@b");
    free(r);
    qc_scrubber s;
    qc_scrubber_init(&s);
    ck_assert(qc_scrubber_add_url(&s, "http://u:hunter2hunter2@proxy:3128"));
    const char *t = "proxy said hunter2hunter2";
    char *out = qc_scrub(&s, t, strlen(t));
    ck_assert_str_eq(out, "proxy said ***");
    free(out);
    qc_scrubber_free(&s);
}
END_TEST

START_TEST(nul_bytes_and_empty)
{
    qc_scrubber s;
    qc_scrubber_init(&s);
    qc_scrubber_add(&s, "secretsecret", "$X");
    qc_scrubber_add(&s, "", "$Y");
    qc_scrubber_add(&s, NULL, "$Y");
    ck_assert_uint_eq(s.count, 1);
    const char t[] = "a\0secretsecret";
    quo_buf b;
    quo_buf_init(&b);
    qc_buf_scrubbed(&b, &s, t, sizeof t - 1);
    ck_assert_uint_eq(b.len, 4);
    ck_assert(memcmp(b.data, "a\0$X", 4) == 0);
    quo_buf_free(&b);
    char *e = qc_scrub(&s, "", 0);
    ck_assert_str_eq(e, "");
    free(e);
    qc_scrubber_free(&s);
}
END_TEST

static Suite *scrub_suite(void)
{
    Suite *s = suite_create("scrub");
    TCase *tc = tcase_create("scrub");
    tcase_add_test(tc, every_spelling_is_replaced);
    tcase_add_test(tc, short_secret_spares_words);
    tcase_add_test(tc, url_passwords);
    tcase_add_test(tc, nul_bytes_and_empty);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(scrub_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
