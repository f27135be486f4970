/* mock/record.h (internal to quo-mock) - what the mock finds wrong with a
 * client's requests, and the certification record of every request.
 *
 * A finding is either a violation (the client broke the contract: schema
 * errors, wrong media type, missing or Bearer auth, unknown method or path,
 * an undocumented Prefer code, a body or header over the limit), which makes
 * the request non-conforming, or a note (advice, e.g. "the key is not in
 * the fixtures"), which does not. Violations may carry a hint naming the
 * usual mistake behind them.
 *
 * The record is bounded: it keeps the details of at most `max_entries`
 * requests and `max_bytes` of text; later requests still count in the
 * summary and are reported as omitted. API keys are never recorded (no
 * finding ever quotes the Authorization value).
 *
 * Thread-safe: mock_record_add() and the readers take the record's lock.
 * Ownership: mock_findings owns its strings; free with mock_findings_free().
 * Rendered texts are malloc'd and owned by the caller.
 */
#ifndef QUO_MOCK_RECORD_H
#define QUO_MOCK_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"
#include "quo-mock/mock.h"

typedef struct mock_finding {
    const char *rule; /* static: "prefer", "path", "method", "auth", "media-type", "body", "limit" */
    char *path;       /* JSON Pointer into the body for "body" findings, else "" */
    char *message;
    char *hint;       /* NULL, or the usual mistake behind it */
} mock_finding;

typedef struct mock_findings {
    mock_finding *items;
    size_t count, cap;
    char **notes;
    size_t n_notes, notes_cap;
    bool failed; /* an allocation failed: some findings are missing */
} mock_findings;

void mock_findings_init(mock_findings *f);
void mock_findings_free(mock_findings *f);
/* Adds a violation. hint may be NULL. Allocation failures set f->failed. */
void mock_findings_add(mock_findings *f, const char *rule, const char *path,
                       const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
void mock_findings_note(mock_findings *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The violations as a compact JSON array, pure ASCII (fit for an HTTP
 * header): [{"rule","path","message","hint"?}]. When max_bytes > 0 and the
 * array would be longer, it ends with {"rule":"truncated","message":...}
 * counting the items left out. NULL on ENOMEM. */
char *mock_findings_json(const mock_findings *f, size_t max_bytes, size_t *len);

typedef struct mock_record mock_record;

mock_record *mock_record_new(size_t max_entries, size_t max_bytes);
void mock_record_free(mock_record *r);

/* Records one request with its status and findings. Never fails the
 * request: on ENOMEM the request is counted and its details omitted. */
void mock_record_add(mock_record *r, const char *method, const char *path, int status,
                     const mock_findings *f);

void mock_record_summary(mock_record *r, quo_mock_summary *out);

/* The report as text (JSON or Markdown), or NULL on ENOMEM. */
char *mock_record_render(mock_record *r, quo_mock_report_format fmt, size_t *len);

/* Renders and writes the report atomically (temp file in the same
 * directory, fsync, rename, fsync of the directory). */
quo_status mock_record_write(mock_record *r, const char *path, quo_mock_report_format fmt,
                             quo_error *err);


#endif
