/* Unit tests of suite/report_html.c on the sample run (sample.h): the page
 * is self-contained, puts the verdict first, carries every failure with its
 * reproducer and response, filters without script, and renders hostile
 * server bytes as text with the key scrubbed. The browser test
 * (check_html.sh) checks the same page as Chromium renders it. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo_check.h"
#include "report_html.h"
#include "sample.h"

static const qc_report *rep;
static char *html;

static void setup(void)
{
    rep = sample_build();
    html = qc_report_html(rep);
    ck_assert_ptr_nonnull(html);
}

static void teardown(void)
{
    free(html);
    sample_free();
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

START_TEST(verdict_first_then_matrix_failures_cases)
{
    const char *verdict = strstr(html, "<h1 id=\"verdict\">FAILED</h1>");
    const char *matrix = strstr(html, "<section id=\"matrix\">");
    const char *failures = strstr(html, "<section id=\"failures\">");
    const char *cases = strstr(html, "<section id=\"cases\">");
    ck_assert_ptr_nonnull(verdict);
    ck_assert_ptr_nonnull(matrix);
    ck_assert_ptr_nonnull(failures);
    ck_assert_ptr_nonnull(cases);
    ck_assert(verdict < matrix && matrix < failures && failures < cases);
    /* No other element with visible text before the verdict. */
    const char *para = strstr(html, "<p");
    ck_assert(para && para > verdict);
    /* One tile and one table row per case; one article per failure. */
    ck_assert_uint_eq(count(html, "<a class=\"t c "), rep->count);
    ck_assert_uint_eq(count(html, "<tr class=\"c "), rep->count);
    ck_assert_uint_eq(count(html, "<article class=\"failure"), 4);
    ck_assert_ptr_nonnull(strstr(html, "Failures (4)"));
    /* A row per (suite, test case) pair of the shipped spec. */
    ck_assert_ptr_nonnull(strstr(html, "<code>400-errors-path</code>"));
    ck_assert_ptr_nonnull(strstr(html, "<code>201-echo</code>"));
}
END_TEST

START_TEST(failure_has_reproducer_and_response)
{
    const char *art = strstr(html, "<code>" SAMPLE_FAILED_ID "</code> <span class=\"badge");
    ck_assert_ptr_nonnull(art);
    const char *end = strstr(art, "</article>");
    ck_assert_ptr_nonnull(end);
    char *part = strndup(art, (size_t)(end - art));
    ck_assert_ptr_nonnull(strstr(part, SAMPLE_FAILED_MESSAGE));
    ck_assert_ptr_nonnull(strstr(part, "<pre class=\"curl\">curl -sS -i -X POST &quot;$QUO_BASE_URL/v1/tasks&quot;"));
    ck_assert_ptr_nonnull(strstr(part, "$QUO_API_KEY"));
    ck_assert_ptr_nonnull(strstr(part, "<pre class=\"response\">"));
    ck_assert_ptr_nonnull(strstr(part, "Response: 201"));
    free(part);
}
END_TEST

START_TEST(hostile_bytes_render_as_text)
{
    /* The page has no element of these kinds, so any is server data. */
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "<img"));
    ck_assert_ptr_null(strstr(html, "<b "));
    ck_assert_ptr_null(strstr(html, "onerror=\""));
    ck_assert_ptr_nonnull(strstr(html, "&lt;/script&gt;&lt;script&gt;document.title="));
    ck_assert_ptr_nonnull(strstr(html, "&lt;img src=x onerror="));
    ck_assert_ptr_nonnull(strstr(html, "&quot;&gt;&lt;b onmouseover"));
    /* NUL and invalid UTF-8 became U+FFFD; the page holds neither. */
    ck_assert_ptr_nonnull(strstr(html, "a\xEF\xBF\xBD" "b"));
    for (const unsigned char *p = (const unsigned char *)html; *p; p++)
        ck_assert(*p != 0xFF && *p != 0xFE);
    /* The key in the body, the failure message and the target is scrubbed. */
    ck_assert_ptr_null(strstr(html, SAMPLE_API_KEY));
    ck_assert_ptr_null(strstr(html, "SAMPLE_SECRET"));
    ck_assert_ptr_nonnull(strstr(html, "key=$QUO_API_KEY"));
}
END_TEST

START_TEST(self_contained_and_filters_without_script)
{
    static const char *const external[] = {"<link", "<script", "@import", "url(", "src=\"",
                                            "href=\"http", "<iframe", "<object"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(external); i++) {
        const char *hit = strstr(html, external[i]);
        ck_assert_msg(!hit, "external reference %s: %.60s", external[i], hit ? hit : "");
    }
    ck_assert_ptr_nonnull(strstr(html, "Content-Security-Policy\" content=\"default-src 'none';"));
    ck_assert_ptr_nonnull(strstr(html, "#fr-fail:checked~main .c:not(.r-fail)"));
    ck_assert_ptr_nonnull(strstr(html, "#fl-should:checked~main .c:not(.l-should)"));
    ck_assert_ptr_nonnull(strstr(html, "<input class=\"f-radio\" type=\"radio\" name=\"fr\" id=\"fr-skip\">"));
    ck_assert_ptr_nonnull(strstr(html, "<label for=\"fl-must\">MUST</label>"));
    /* A crashed SHOULD case carries the fail class (the filter groups it). */
    ck_assert_ptr_nonnull(strstr(html, "class=\"c l-should r-fail\" id=\"c"));
}
END_TEST

START_TEST(passing_run_says_so)
{
    qc_report r = *rep;
    r.passed = true;
    char *p = qc_report_html(&r);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "<header class=\"verdict v-pass\">\n<h1 id=\"verdict\">PASSED</h1>"));
    free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report_html");
    TCase *tc = tcase_create("html");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, verdict_first_then_matrix_failures_cases);
    tcase_add_test(tc, failure_has_reproducer_and_response);
    tcase_add_test(tc, hostile_bytes_render_as_text);
    tcase_add_test(tc, self_contained_and_filters_without_script);
    tcase_add_test(tc, passing_run_says_so);
    suite_add_tcase(s, tc);
    return quo_check_run(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
