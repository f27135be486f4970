/* Unit tests of datetime.c: RFC 3339 date, time, date-time (section 5.6)
 * and duration (appendix A). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo_check.h"
#include "datetime.h"

static bool valid(const char *s)
{
    return quo_datetime_valid(s, strlen(s));
}

static const char *const good[] = {
    "2026-11-28T17:00:00Z",
    "1963-06-19T08:30:06.283185Z",
    "1937-01-01T12:00:27.87+00:20",
    "1990-12-31T15:59:50.123-08:00",
    "1963-06-19t08:30:06.283185z", /* T and Z in either case (RFC 3339 5.6 NOTE) */
    "1985-04-12T00:59:59.999999999999999Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59+23:59",
    "2000-02-29T00:00:00Z", /* divisible by 400: leap */
    "2024-02-29T12:00:00Z", /* divisible by 4: leap */
    "2023-04-30T00:00:00Z",
    "1998-12-31T23:59:60Z",          /* leap second, UTC */
    "1998-12-31T15:59:60.123-08:00", /* 23:59:60 once moved to UTC */
    "1999-01-01T00:59:60+01:00",
    "1998-12-31T23:29:60-00:30",
    "2016-12-31T23:59:60.5Z",
    "2017-01-01T05:29:60+05:30",
};

static const char *const bad[] = {
    "",
    "2026-11-28",
    "2026-11-28T17:00:00",           /* no offset */
    "2026-11-28T17:00Z",             /* no seconds */
    "2026-11-28 17:00:00Z",          /* space instead of T */
    "1900-02-29T00:00:00Z",          /* divisible by 100, not 400: common year */
    "2023-02-29T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "1990-02-31T15:59:59.123-08:00",
    "2023-04-31T00:00:00Z",
    "2023-00-10T00:00:00Z",
    "2023-13-10T00:00:00Z",
    "2023-01-00T00:00:00Z",
    "2023-01-32T00:00:00Z",
    "1990-12-31T24:00:00Z",
    "1990-12-31T15:60:00Z",
    "1998-12-31T23:59:61Z",
    "1998-12-31T23:58:60Z",          /* leap second on a wrong minute */
    "1998-12-31T22:59:60Z",          /* on a wrong hour */
    "1998-12-31T23:59:60+01:00",     /* 22:59:60 UTC */
    "1998-12-31T15:59:60-07:00",     /* 22:59:60 UTC */
    "2016-12-31T24:59:60+01:00",
    "1990-12-31T15:59:59-24:00",
    "1990-12-31T10:00:00+10:60",
    "1985-04-12T23:20:50+01",
    "1985-04-12T23:20:50+0100",
    "1963-06-19T08:30:06.28123+01:00Z",
    "1963-06-19T08:30:06.Z",         /* empty fraction */
    "1963-06-19T08:30:06,5Z",
    "06/19/1963 08:30:06 PST",
    "2013-350T01:01:01",
    "1963-6-19T08:30:06.283185Z",
    "1963-06-1T08:30:06.283185Z",
    "1963-06-1\xe0\xa7\xaaT00:00:00Z", /* Bengali digit four */
    "1963-06-11T0\xe0\xa7\xaa:00:00Z",
    "+11963-06-19T08:30:06.283185Z",
    "1985-04-12T23:20:50Z\n",
    " 1985-04-12T23:20:50Z",
    "1985-04-12T23:20:50ZZ",
    "1985-04-12T23:20:50+01:00:00",
    "1985-04-12X23:20:50Z",
    "1985/04/12T23:20:50Z",
    "1985-04-12T23-20-50Z",
};

START_TEST(accepts_rfc3339)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(good); i++)
        ck_assert_msg(valid(good[i]), "should accept \"%s\"", good[i]);
}
END_TEST

START_TEST(rejects_the_rest)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bad); i++)
        ck_assert_msg(!valid(bad[i]), "should reject \"%s\"", bad[i]);
}
END_TEST

START_TEST(length_is_respected)
{
    /* The verdict is on len bytes, not on the C string: a NUL cuts nothing
     * and a shorter len cuts the offset off. */
    const char s[] = "2026-11-28T17:00:00Z\0junk";
    ck_assert(quo_datetime_valid(s, 20));
    ck_assert(!quo_datetime_valid(s, sizeof s - 1));
    ck_assert(!quo_datetime_valid(s, 19));
    ck_assert(!quo_datetime_valid("2026-11-28T17:00:00+01:00", 24));
    ck_assert(!quo_datetime_valid(NULL, 0));
}
END_TEST

#define OK(fn, s) ck_assert_msg(fn(s, strlen(s)), #fn " rejects %s", s)
#define NO(fn, s) ck_assert_msg(!fn(s, strlen(s)), #fn " accepts %s", s)

START_TEST(date_time_and_duration)
{
    OK(quo_date_valid, "2024-02-29");
    OK(quo_date_valid, "2000-02-29");
    NO(quo_date_valid, "1900-02-29"); /* not a leap year */
    NO(quo_date_valid, "2026-04-31");
    NO(quo_date_valid, "2026-1-01");
    NO(quo_date_valid, "2026-01-01T00:00:00Z");
    OK(quo_time_valid, "00:00:00z");
    OK(quo_time_valid, "12:34:56.789+05:45");
    OK(quo_time_valid, "00:29:60-23:30"); /* 23:59:60 in UTC */
    NO(quo_time_valid, "23:59:60+01:00");
    NO(quo_time_valid, "12:34:56");
    NO(quo_time_valid, "12:34:56.Z");
    NO(quo_time_valid, "12:34:56+0545");
    OK(quo_duration_valid, "P1Y2M3DT4H5M6S");
    OK(quo_duration_valid, "PT36H");
    OK(quo_duration_valid, "P3W");
    OK(quo_duration_valid, "P1M2D");
    NO(quo_duration_valid, "P1Y2D");   /* months skipped */
    NO(quo_duration_valid, "PT1H2S");  /* minutes skipped */
    NO(quo_duration_valid, "P1W1D");   /* weeks stand alone */
    NO(quo_duration_valid, "P1DT");    /* a T with nothing after */
    NO(quo_duration_valid, "P1.5D");
    OK(quo_duration_valid, "p1dt2h");  /* ABNF strings are case-insensitive */
    NO(quo_duration_valid, "P");
    ck_assert(!quo_duration_valid(NULL, 0));
    ck_assert(!quo_date_valid(NULL, 0));
    ck_assert(!quo_time_valid(NULL, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("datetime");
    TCase *tc = tcase_create("rfc3339");
    tcase_add_test(tc, accepts_rfc3339);
    tcase_add_test(tc, rejects_the_rest);
    tcase_add_test(tc, length_is_respected);
    tcase_add_test(tc, date_time_and_duration);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
