/* test_utf8.c - src/utf8.c against an independent, naive reading of
 * Unicode's definition of well-formed UTF-8. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/utf8.h"

/* Reference decoder written the long way: take the length from the lead
 * byte's bit pattern, require continuation bytes, then reject what the
 * result says is not allowed (too long for its value, a surrogate, above
 * U+10FFFF). Returns the length or 0. */
static size_t ref_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n;
    uint32_t v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        v = s[0] & 0x1Fu;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        v = s[0] & 0x0Fu;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        v = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min_for_len[n] || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    *cp = v;
    return n;
}

/* Inner loops run millions of times, and every ck_assert records a mark
 * point through a pipe, so mismatches are counted and the first one is
 * reported by a single assertion per test. */
static size_t mismatches;
static char first_mismatch[160];

static void expect_same(const unsigned char *s, size_t len)
{
    uint32_t a = 0xFFFFFFFF, b = 0xFFFFFFFF;
    size_t na = quo_utf8_decode(s, len, &a);
    size_t nb = ref_decode(s, len, &b);
    if (na == nb && (!na || a == b))
        return;
    if (mismatches++ == 0)
        snprintf(first_mismatch, sizeof first_mismatch,
                 "bytes %02X %02X %02X %02X (len %zu): got %zu U+%04X, want "
                 "%zu U+%04X", s[0], len > 1 ? s[1] : 0, len > 2 ? s[2] : 0,
                 len > 3 ? s[3] : 0, len, na, (unsigned)a, nb, (unsigned)b);
}

static void assert_no_mismatch(void)
{
    ck_assert_msg(mismatches == 0, "%zu mismatches, first: %s", mismatches,
                  first_mismatch);
}

START_TEST(every_one_and_two_byte_sequence)
{
    unsigned char s[2];
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        expect_same(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            expect_same(s, 2);
        }
    }
    assert_no_mismatch();
}
END_TEST

START_TEST(every_three_byte_sequence)
{
    unsigned char s[3];
    for (unsigned a = 0xC0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++)
            for (unsigned c = 0; c < 256; c++) {
                s[0] = (unsigned char)a;
                s[1] = (unsigned char)b;
                s[2] = (unsigned char)c;
                expect_same(s, 3);
            }
    assert_no_mismatch();
}
END_TEST

START_TEST(four_byte_sequences)
{
    /* Every lead and second byte, the interesting values for the rest. */
    static const unsigned char tail[] = {0x00, 0x41, 0x7F, 0x80, 0x9F,
                                         0xA0, 0xBF, 0xC0, 0xF0, 0xFF};
    unsigned char s[4];
    for (unsigned a = 0xE0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++)
            for (size_t c = 0; c < sizeof tail; c++)
                for (size_t d = 0; d < sizeof tail; d++) {
                    s[0] = (unsigned char)a;
                    s[1] = (unsigned char)b;
                    s[2] = tail[c];
                    s[3] = tail[d];
                    expect_same(s, 4);
                    expect_same(s, 3); /* truncated */
                }
    assert_no_mismatch();
}
END_TEST

START_TEST(named_rejections)
{
    uint32_t cp;
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xC0\x80", 2, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xE0\x9F\xBF", 3, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xF0\x8F\xBF\xBF", 4, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xED\xBF\xBF", 3, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xF5\x80\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 2, &cp), 0);
    /* Noncharacters are scalar values: accepted. */
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xEF\xBF\xBF", 3, &cp), 3);
    ck_assert_uint_eq(cp, 0xFFFF);
    ck_assert_uint_eq(quo_utf8_decode((const unsigned char *)"\xF4\x8F\xBF\xBF", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x10FFFF);
}
END_TEST

START_TEST(encode_round_trips_every_scalar)
{
    char buf[4];
    uint32_t back = 0;
    size_t bad = 0;
    uint32_t first_bad = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp == 0xD800)
            cp = 0xE000;
        size_t n = quo_utf8_encode(cp, buf);
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n != want ||
            quo_utf8_decode((const unsigned char *)buf, n, &back) != n ||
            back != cp || quo_utf8_count(buf, n) != 1) {
            if (bad++ == 0)
                first_bad = cp;
        }
    }
    ck_assert_msg(bad == 0, "%zu code points fail, first U+%04X", bad,
                  (unsigned)first_bad);
}
END_TEST

START_TEST(count_code_points)
{
    const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"; /* a é € 😀 z */
    ck_assert_uint_eq(quo_utf8_count(s, strlen(s)), 5);
    ck_assert_uint_eq(quo_utf8_count("", 0), 0);
    ck_assert_uint_eq(quo_utf8_count("a\0b", 3), 3);
}
END_TEST

static Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_one_and_two_byte_sequence);
    tcase_add_test(tc, every_three_byte_sequence);
    tcase_add_test(tc, four_byte_sequences);
    tcase_add_test(tc, named_rejections);
    tcase_add_test(tc, encode_round_trips_every_scalar);
    tcase_add_test(tc, count_code_points);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(utf8_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
