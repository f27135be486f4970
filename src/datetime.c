/* datetime.c - RFC 3339 date-time check (see datetime.h). */
#include "datetime.h"

/* Two ASCII digits at s as a number, or -1. */
static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static bool valid_date(const char *s)
{
    int hi = two_digits(s), lo = two_digits(s + 2);
    if (hi < 0 || lo < 0 || s[4] != '-' || s[7] != '-')
        return false;
    int y = hi * 100 + lo, m = two_digits(s + 5), d = two_digits(s + 8);
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

bool quo_datetime_valid(const char *s, size_t len)
{
    /* "YYYY-MM-DDTHH:MM:SS" + at least "Z" */
    if (!s || len < 20 || !valid_date(s) || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return false;
    int h = two_digits(s + 11), mi = two_digits(s + 14), sec = two_digits(s + 17);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return false;

    size_t i = 19;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    if (i >= len)
        return false;

    int offset = 0; /* minutes east of UTC */
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        if (len - i < 6 || s[i + 3] != ':')
            return false;
        int oh = two_digits(s + i + 1), om = two_digits(s + i + 4);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return false;
        offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
        i += 6;
    } else {
        return false;
    }
    if (i != len)
        return false;
    if (sec == 60) {
        int utc = ((h * 60 + mi - offset) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return false;
    }
    return true;
}
