/* format.h (internal) - the JSON Schema `format` values this engine asserts,
 * each by its RFC (the list and the RFCs are documented once, in
 * quo/schema.h). A format is looked up once at compile time, which also
 * prepares what its check needs (quo_format_prepare: a PCRE2 pattern for
 * the Unicode rules of hostname and email, owned by the caller); then
 * validation calls quo_format_check() with both. No state; thread-safe.
 */
#ifndef QUO_FORMAT_H
#define QUO_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"

#include "regex.h"

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

/* *aux: what the check of `id` needs (NULL for most formats); the caller
 * frees it with quo_regex_free(). QUO_OK or QUO_ENOMEM. */
quo_status quo_format_prepare(quo_format_id id, quo_regex **aux, quo_error *err);

/* Whether s[0..len) (UTF-8, may hold NUL) is valid for the format: 1
 * valid, 0 not, -1 out of memory. aux as quo_format_prepare() made it. */
int quo_format_check(quo_format_id id, const quo_regex *aux, const char *s, size_t len);

/* The violation message for a string that is not valid, e.g. "must be an
 * RFC 3339 date such as 2026-11-28". Static storage. */
const char *quo_format_message(quo_format_id id);

#endif
