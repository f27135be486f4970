/* suite/scrub.h - the one scrubber every writer uses (stdout, stderr,
 * junit.xml, report.json, report.md, conformance.tap, created-tasks).
 *
 * A secret (an API key, a password in a URL, a credential header value) is
 * replaced by its placeholder ("$QUO_API_KEY", "***") in every spelling a
 * server can echo it in, in any mix and in any letter case:
 *   raw                     sk_live/abc
 *   JSON-escaped            sk_live\/abc   (PHP's json_encode), \" \\ \n ...
 *   \u-escaped              \u0073\u006B... (either hex case)
 *   URL-encoded             sk_live%2Fabc, %2f, '+' for a space
 * Each secret byte is matched by one "unit" of the text: the byte itself
 * (ASCII case folded), a JSON escape, a \uXXXX escape of an ASCII
 * character, or a %XX escape. A secret shorter than 8 bytes is replaced
 * only where it is not part of a longer word (letters, digits, '_' and
 * '-'), so a toy key such as "k" does not mangle "tasks".
 *
 * Scrub BEFORE cutting: a writer that keeps an excerpt scrubs the whole
 * text first and cuts the result, so a key cut by the excerpt's end
 * cannot leave its first characters behind.
 *
 * Ownership: the scrubber copies the values it is given (qc_scrubber_free).
 */
#ifndef QC_SCRUB_H
#define QC_SCRUB_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/buf.h"

#define QC_SCRUB_MAX_SECRETS 24

typedef struct qc_secret {
    char *value;             /* owned copy */
    const char *placeholder; /* static, e.g. "$QUO_API_KEY" */
} qc_secret;

typedef struct qc_scrubber {
    qc_secret secrets[QC_SCRUB_MAX_SECRETS];
    size_t count;
    bool full; /* a secret did not fit: qc_scrubber_add returned false */
} qc_scrubber;

void qc_scrubber_init(qc_scrubber *s);
void qc_scrubber_free(qc_scrubber *s);
/* Adds a copy of value (NULL or "" is ignored, a duplicate too). false on
 * ENOMEM or when the table is full (then s->full is set). */
bool qc_scrubber_add(qc_scrubber *s, const char *value, const char *placeholder);
/* Adds the password of a URL's user-info ("https://user:pass@host"). */
bool qc_scrubber_add_url(qc_scrubber *s, const char *url);

/* A new string (caller frees) with every secret replaced, or NULL on ENOMEM. */
char *qc_scrub(const qc_scrubber *s, const char *text, size_t len);
/* Appends text with every secret replaced. */
void qc_buf_scrubbed(quo_buf *b, const qc_scrubber *s, const char *text, size_t len);

/* A copy of url with the user-info password replaced by "***"
 * ("https://user:***@host"); NULL on ENOMEM or when url is NULL. */
char *qc_redact_url(const char *url);

#endif
