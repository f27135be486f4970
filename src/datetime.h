/* datetime.h (internal) - the JSON Schema "date-time" format, asserted
 * strictly per RFC 3339 section 5.6:
 *
 *   YYYY-MM-DD "T" HH:MM:SS [ "." 1*DIGIT ] ( "Z" / ("+" / "-") HH:MM )
 *
 * with ASCII digits only, "T" and "Z" in either case (RFC 3339 5.6 NOTE,
 * and what JSON-Schema-Test-Suite expects), a real calendar day (leap years
 * by the Gregorian rule), hours 00-23, minutes 00-59, offset hours 00-23 and
 * minutes 00-59, and seconds 00-59 - or 60 only when the instant, moved to
 * UTC by the offset, is 23:59:60. Whether a leap second was actually
 * inserted on that date (the IERS table) is not checked. No state.
 */
#ifndef QUO_DATETIME_H
#define QUO_DATETIME_H

#include <stdbool.h>
#include <stddef.h>

bool quo_datetime_valid(const char *s, size_t len);

#endif
