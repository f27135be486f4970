/* format.h (internal) - the JSON Schema `format` values this engine asserts,
 * each by its RFC (the list and the RFCs are documented once, in
 * quo/schema.h). A format is looked up once at compile time; validation
 * calls quo_format_valid() with the id. No state; thread-safe.
 */
#ifndef QUO_FORMAT_H
#define QUO_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum quo_format_id {
    QUO_FORMAT_NONE = 0,
    QUO_FORMAT_DATE,
    QUO_FORMAT_TIME,
    QUO_FORMAT_DATE_TIME,
    QUO_FORMAT_DURATION,
    QUO_FORMAT_EMAIL,
    QUO_FORMAT_URI,
    QUO_FORMAT_URI_REFERENCE,
    QUO_FORMAT_UUID,
    QUO_FORMAT_IPV4,
    QUO_FORMAT_IPV6,
    QUO_FORMAT_HOSTNAME
} quo_format_id;

/* The id of the format named name[0..len), QUO_FORMAT_NONE if unknown. */
quo_format_id quo_format_lookup(const char *name, size_t len);

/* The names of all known formats, comma separated (for messages). */
const char *quo_format_names(void);

/* Whether s[0..len) (UTF-8, may hold NUL) is valid for the format. */
bool quo_format_valid(quo_format_id id, const char *s, size_t len);

/* The violation message for a string that is not valid, e.g. "must be an
 * RFC 3339 date such as 2026-11-28". Static storage. */
const char *quo_format_message(quo_format_id id);

#endif
