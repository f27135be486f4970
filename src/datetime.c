/* datetime.c - RFC 3339 date, time, date-time and duration checks (see
 * datetime.h). */
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

bool quo_date_valid(const char *s, size_t len)
{
    if (!s || len != 10)
        return false;
    int hi = two_digits(s), lo = two_digits(s + 2);
    if (hi < 0 || lo < 0 || s[4] != '-' || s[7] != '-')
        return false;
    int y = hi * 100 + lo, m = two_digits(s + 5), d = two_digits(s + 8);
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

bool quo_time_valid(const char *s, size_t len)
{
    /* "HH:MM:SS" + at least "Z" */
    if (!s || len < 9 || s[2] != ':' || s[5] != ':')
        return false;
    int h = two_digits(s), mi = two_digits(s + 3), sec = two_digits(s + 6);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return false;

    size_t i = 8;
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

bool quo_datetime_valid(const char *s, size_t len)
{
    return s && len >= 20 && quo_date_valid(s, 10) && (s[10] == 'T' || s[10] == 't') &&
           quo_time_valid(s + 11, len - 11);
}

/* RFC 3339 appendix A:
 *   duration = "P" (dur-date / dur-time / dur-week)
 *   dur-date = (dur-day / dur-month / dur-year) [dur-time]
 *   dur-time = "T" (dur-hour / dur-minute / dur-second)
 *   dur-year = 1*DIGIT "Y" [dur-month]   dur-hour = 1*DIGIT "H" [dur-minute]
 *   dur-month = 1*DIGIT "M" [dur-day]    dur-minute = 1*DIGIT "M" [dur-second]
 *   dur-day = 1*DIGIT "D"                dur-second = 1*DIGIT "S"
 *   dur-week = 1*DIGIT "W"
 * so the elements of each part are consecutive units in order (Y M D, or
 * H M S), starting at any of them, without gaps. Designators are upper
 * case, as RFC 3339 writes them (and ISO 8601 requires). */
static size_t dur_part(const char *s, size_t len, size_t i, const char *units)
{
    int next = -1; /* index in units the next element must have, -1 any */
    size_t count = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i >= len)
            return 0; /* a number without a unit */
        int u = -1;
        for (int k = 0; units[k]; k++)
            if (s[i] == units[k])
                u = k;
        if (u < 0 || (next >= 0 && u != next) || next == 3)
            return 0;
        next = u + 1;
        count++;
        i++;
    }
    return count ? i : 0;
}

bool quo_duration_valid(const char *s, size_t len)
{
    if (!s || len < 3 || s[0] != 'P')
        return false;
    size_t i = 1;
    if (s[i] >= '0' && s[i] <= '9') {
        /* a week alone: 1*DIGIT "W" and nothing else */
        size_t j = i;
        while (j < len && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j < len && s[j] == 'W')
            return j + 1 == len;
        i = dur_part(s, len, i, "YMD");
        if (!i)
            return false;
        if (i == len)
            return true;
    }
    if (s[i] != 'T')
        return false;
    i = dur_part(s, len, i + 1, "HMS");
    return i == len;
}
