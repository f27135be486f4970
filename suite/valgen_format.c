/* suite/valgen_format.c - edge values of the formats the schema engine
 * asserts (see quo/schema.h for the RFC each follows): one table, a row
 * per value. The first positive of a format is its example (the string the
 * other string values of such a member are built from).
 */
#include <stdio.h>
#include <string.h>

#include "quo/array.h"
#include "valgen_internal.h"

typedef struct fmt_value {
    const char *format;
    qv_polarity pol;
    const char *label; /* after "format-" */
    const char *value;
    const char *why;
} fmt_value;

#define P QV_POSITIVE
#define N QV_NEGATIVE
static const fmt_value fmt_values[] = {
    {"date", P, "date", "2024-05-17", "a plain full-date"},
    {"date", P, "leap-day", "2024-02-29", "29 February of a leap year"},
    {"date", P, "leap-day-2000", "2000-02-29", "29 February of a year divisible by 400"},
    {"date", N, "non-leap-day", "2023-02-29", "29 February of a common year"},
    {"date", N, "leap-day-1900", "1900-02-29", "29 February of a century not divisible by 400"},
    {"date", N, "month-13", "2024-13-01", "month 13"},
    {"date", N, "day-32", "2024-01-32", "day 32"},
    {"date", N, "unpadded", "2024-5-17", "a month without its leading zero"},

    {"time", P, "time", "10:20:30Z", "a plain full-time in UTC"},
    {"time", P, "fraction", "10:20:30.123456789+05:30", "nine fraction digits and an offset"},
    {"time", P, "leap-second", "23:59:60Z", "a leap second at 23:59:60 UTC"},
    {"time", P, "leap-second-offset", "00:59:60+01:00", "a leap second, 23:59:60 in UTC"},
    {"time", P, "lower-z", "10:20:30z", "a lower-case z"},
    {"time", N, "no-offset", "10:20:30", "no time offset"},
    {"time", N, "hour-24", "24:00:00Z", "hour 24"},
    {"time", N, "leap-second-wrong", "23:59:60+01:00", "second 60 at 22:59 UTC"},
    {"time", N, "empty-fraction", "10:20:30.Z", "a dot without fraction digits"},

    {"date-time", P, "date-time", "2024-05-17T10:20:30Z", "a plain date-time in UTC"},
    {"date-time", P, "leap-day", "2024-02-29T23:59:59Z", "the last second of a leap day"},
    {"date-time", P, "leap-second", "2016-12-31T23:59:60Z", "a leap second"},
    {"date-time", P, "fraction-offset", "2024-05-17T10:20:30.123456789-08:00",
     "nine fraction digits and a negative offset"},
    {"date-time", P, "lower-case", "2024-05-17t10:20:30z", "lower-case t and z"},
    {"date-time", N, "space", "2024-05-17 10:20:30Z", "a space instead of T"},
    {"date-time", N, "no-offset", "2024-05-17T10:20:30", "no time offset"},
    {"date-time", N, "non-leap-day", "2023-02-29T10:20:30Z", "29 February of a common year"},
    {"date-time", N, "leap-second-wrong", "2016-12-31T23:59:60+01:00",
     "second 60 at 22:59 UTC"},
    {"date-time", N, "date-only", "2024-05-17", "a date without its time"},

    {"duration", P, "duration", "P1Y2M3DT4H5M6S", "every unit"},
    {"duration", P, "zero-seconds", "PT0S", "zero seconds"},
    {"duration", P, "weeks", "P4W", "weeks alone"},
    {"duration", N, "empty", "P", "no unit at all"},
    {"duration", N, "empty-time", "P1DT", "a T without a time unit"},
    {"duration", N, "weeks-and-days", "P1W2D", "weeks mixed with days"},
    {"duration", N, "no-p", "1Y", "no leading P"},

    {"email", P, "email", "user@example.com", "a plain address"},
    {"email", P, "dotted-plus", "first.last+tag@mail.example.co.uk",
     "a dotted local part with + and a subdomain"},
    {"email", P, "quoted", "\"quoted local\"@example.com", "a quoted local part"},
    {"email", P, "ip-literal", "user@[192.0.2.1]", "an IPv4 address literal"},
    {"email", P, "local-64",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
     "a local part of 64 octets"},
    {"email", N, "no-domain", "user@", "no domain"},
    {"email", N, "no-local", "@example.com", "no local part"},
    {"email", N, "double-dot", "a..b@example.com", "two dots in a row"},
    {"email", N, "two-at", "a@b@example.com", "two @"},
    {"email", N, "local-65",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
     "a local part of 65 octets"},

    {"uri", P, "uri", "https://example.com/path?q=1#frag", "scheme, path, query, fragment"},
    {"uri", P, "urn", "urn:isbn:0451450523", "a URN"},
    {"uri", P, "escaped", "https://example.com/a%20b", "a %-escape"},
    {"uri", P, "ipv6-host", "http://[2001:db8::1]:8080/", "an IPv6 host and a port"},
    {"uri", N, "relative", "/relative/path", "a relative reference"},
    {"uri", N, "bad-escape", "https://example.com/%zz", "a malformed %-escape"},
    {"uri", N, "space", "https://exa mple.com/", "a space"},
    {"uri", N, "non-ascii", "https://example.com/\xC3\xA9", "a non-ASCII character"},

    {"uri-reference", P, "uri-reference", "https://example.com/x", "an absolute URI"},
    {"uri-reference", P, "relative", "../a/b?c#d", "a relative reference"},
    {"uri-reference", P, "empty", "", "the empty reference"},
    {"uri-reference", N, "bad-escape", "a%zz", "a malformed %-escape"},
    {"uri-reference", N, "space", "a b", "a space"},
    {"uri-reference", N, "backslash", "a\\b", "a backslash"},

    {"uuid", P, "uuid", "123e4567-e89b-12d3-a456-426614174000", "a version-1 UUID"},
    {"uuid", P, "upper-case", "123E4567-E89B-12D3-A456-426614174000", "upper-case hex"},
    {"uuid", P, "nil", "00000000-0000-0000-0000-000000000000", "the nil UUID"},
    {"uuid", N, "no-dashes", "123e4567e89b12d3a456426614174000", "no dashes"},
    {"uuid", N, "short", "123e4567-e89b-12d3-a456-42661417400", "one digit short"},
    {"uuid", N, "non-hex", "123e4567-e89b-12d3-a456-42661417400g", "a g"},

    {"ipv4", P, "ipv4", "192.0.2.1", "a documentation address"},
    {"ipv4", P, "max", "255.255.255.255", "every octet 255"},
    {"ipv4", P, "zero", "0.0.0.0", "every octet 0"},
    {"ipv4", N, "octet-256", "256.0.0.1", "an octet of 256"},
    {"ipv4", N, "leading-zero", "01.2.3.4", "a leading zero"},
    {"ipv4", N, "three-octets", "1.2.3", "three octets"},

    {"ipv6", P, "ipv6", "2001:db8::1", "a compressed address"},
    {"ipv6", P, "unspecified", "::", "the unspecified address"},
    {"ipv6", P, "ipv4-mapped", "::ffff:192.0.2.1", "an IPv4-mapped address"},
    {"ipv6", P, "full", "2001:0db8:0000:0000:0000:ff00:0042:8329", "all eight groups"},
    {"ipv6", N, "triple-colon", "2001:db8:::1", "three colons"},
    {"ipv6", N, "nine-groups", "1:2:3:4:5:6:7:8:9", "nine groups"},
    {"ipv6", N, "zone", "fe80::1%eth0", "a zone index"},
    {"ipv6", N, "long-group", "12345::", "a group of five digits"},

    {"hostname", P, "hostname", "example.com", "a plain name"},
    {"hostname", P, "label-63",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
     "a label of 63 octets"},
    {"hostname", P, "a-label", "xn--bcher-kva.example", "a Punycode A-label"},
    {"hostname", N, "label-64",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
     "a label of 64 octets"},
    {"hostname", N, "leading-hyphen", "-leading.example", "a label starting with a hyphen"},
    {"hostname", N, "underscore", "under_score.example", "an underscore"},
    {"hostname", N, "bad-a-label", "xn--a.example", "an A-label that is not Punycode"},
};
#undef P
#undef N

const char *qv_format_example(const char *format)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(fmt_values); i++)
        if (strcmp(fmt_values[i].format, format) == 0)
            return fmt_values[i].value;
    return NULL;
}

bool qv_format_values(const char *format, const char *pointer, qv_list *l)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(fmt_values); i++) {
        const fmt_value *f = &fmt_values[i];
        if (strcmp(f->format, format) != 0)
            continue;
        char label[64];
        snprintf(label, sizeof label, "format-%s", f->label);
        if (!qv_cand_add(l, cJSON_CreateString(f->value), f->pol, "format", pointer, label,
                         "%s %s: %s", format, f->pol == QV_POSITIVE ? "edge" : "near-miss",
                         f->why))
            return false;
    }
    return true;
}
