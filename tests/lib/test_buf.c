/* Unit tests of buf.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/buf.h"

START_TEST(appends_grow_and_take_hands_over)
{
    quo_buf b = QUO_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        quo_buf_printf(&b, "%d,", i % 10);
    quo_buf_putc(&b, '!');
    quo_buf_puts(&b, "end");
    ck_assert_uint_eq(b.len, 2004);
    ck_assert_uint_eq(strlen(b.data), b.len);
    size_t len = 0;
    char *text = quo_buf_take(&b, &len);
    ck_assert_uint_eq(len, 2004);
    ck_assert_str_eq(text + 1998, "9,!end");
    ck_assert_ptr_null(b.data);
    free(text);
}
END_TEST

START_TEST(long_printf_and_empty_take)
{
    quo_buf b;
    quo_buf_init(&b);
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    quo_buf_printf(&b, "<%s>", big);
    ck_assert_uint_eq(b.len, 1001);
    ck_assert_int_eq(b.data[1000], '>');
    quo_buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(b.data, "");
    quo_buf_free(&b);
    char *empty = quo_buf_take(&b, NULL);
    ck_assert_str_eq(empty, "");
    free(empty);
}
END_TEST

START_TEST(failure_is_sticky)
{
    quo_buf b = QUO_BUF_INIT;
    quo_buf_puts(&b, "abc");
    ck_assert(!quo_buf_reserve(&b, (size_t)-1));
    ck_assert(b.failed);
    quo_buf_puts(&b, "def");
    ck_assert_uint_eq(b.len, 3);
    ck_assert_ptr_null(quo_buf_take(&b, NULL));
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(html_escape_renders_untrusted_bytes_as_text)
{
    quo_buf b = QUO_BUF_INIT;
    static const char in[] = "</script><img src=x onerror=\"alert('x')\">&\0\x01\t\n"
                             "\xC3\xA9\xE2\x80\xA8\xC2\x85\xFF\xC3\x7F";
    quo_buf_put_html(&b, in, sizeof in - 1);
    ck_assert_str_eq(b.data, "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;"
                             "&amp;\xEF\xBF\xBD\xEF\xBF\xBD\t\n"
                             "\xC3\xA9\xE2\x80\xA8\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                             "\xEF\xBF\xBD");
    ck_assert_uint_eq(strlen(b.data), b.len);
    quo_buf_reset(&b);
    quo_buf_put_html(&b, "", 0);
    ck_assert_str_eq(b.data, "");
    quo_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("buffer");
    tcase_add_test(tc, appends_grow_and_take_hands_over);
    tcase_add_test(tc, long_printf_and_empty_take);
    tcase_add_test(tc, failure_is_sticky);
    tcase_add_test(tc, html_escape_renders_untrusted_bytes_as_text);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
