/* datetime.h (internal) - the JSON Schema "date", "time", "date-time" and
 * "duration" formats, asserted strictly per RFC 3339:
 *
 *   date       full-date (section 5.6): YYYY-MM-DD, a real calendar day
 *              (leap years by the Gregorian rule);
 *   time       full-time (5.6): HH:MM:SS [ "." 1*DIGIT ] ( "Z" / ("+" / "-") HH:MM );
 *   date-time  full-date "T" full-time;
 *   duration   the "duration" ABNF of appendix A (see datetime.c).
 *
 * ASCII digits only; "T" and "Z" in either case (RFC 3339 5.6 NOTE, and
 * what JSON-Schema-Test-Suite expects); hours 00-23, minutes 00-59, offset
 * hours 00-23 and minutes 00-59, and seconds 00-59 - or 60 only when the
 * instant, moved to UTC by the offset, is 23:59:60 (section 5.7). Whether a
 * leap second was actually inserted on that date (the IERS table) is not
 * checked. No state.
 */
#ifndef QUO_DATETIME_H
#define QUO_DATETIME_H

#include <stdbool.h>
#include <stddef.h>

bool quo_date_valid(const char *s, size_t len);
bool quo_time_valid(const char *s, size_t len);
bool quo_datetime_valid(const char *s, size_t len);
bool quo_duration_valid(const char *s, size_t len);

#endif
