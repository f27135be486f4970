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
#include <stdint.h>

#include "quo/error.h"
#include "quo/spec.h"
#include "quo-mock/mock.h"

#include "coverage.h"

typedef struct mock_finding {
    const char *rule; /* static: "prefer", "path", "method", "auth", "media-type", "body", "limit" */
    char *path;       /* JSON Pointer into the body for "body" findings, else "" */
    char *message;
    char *hint;       /* NULL, or the usual mistake behind it */
    char *value;      /* NULL, or a printable excerpt of the offending value
                         (never an API key) */
} mock_finding;

typedef struct mock_findings {
    mock_finding *items;
    size_t count, cap;
    char **notes;
    size_t n_notes, notes_cap;
    size_t more;  /* violations past MOCK_FINDINGS_MAX: counted, not kept */
    bool failed; /* an allocation failed: some findings are missing */
} mock_findings;

/* A request keeps at most this many violations (a body of 70,000 unknown
 * members is still one request: its answer and record stay small). */
#define MOCK_FINDINGS_MAX 256

void mock_findings_init(mock_findings *f);
void mock_findings_free(mock_findings *f);
/* Adds a violation. hint may be NULL. Allocation failures set f->failed. */
void mock_findings_add(mock_findings *f, const char *rule, const char *path,
                       const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Appends copies of every violation and note of from (NULL: nothing). */
void mock_findings_copy(mock_findings *to, const mock_findings *from);
/* Attaches a printable excerpt of s[0..n) to the last violation. */
void mock_findings_value(mock_findings *f, const char *s, size_t n);
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

/* The record of a core serving `spec` with `opts` (both read at once, not
 * kept): the coverage model, the provenance (version, spec hash, fixtures,
 * options) and the caps (opts->record_max entries, max_bytes of text). */
mock_record *mock_record_new(const quo_spec *spec, const quo_mock_options *opts,
                             size_t max_bytes);
void mock_record_free(mock_record *r);
/* The record's coverage model (owned by the record, immutable): what the
 * core observes a request's body against. */
const mock_coverage *mock_record_coverage(const mock_record *r);

/* One answered request. */
typedef struct mock_record_info {
    const quo_mock_request *req;
    const quo_mock_response *resp;
    const mock_findings *f;
    const char *forced;  /* the fault that shaped the answer ("code=503"), or NULL:
                            recorded, never counted against the client */
    bool not_judged;     /* the mock's own limit answered (503 at capacity, out
                            of memory, body budget): no verdict on the request */
    const mock_cov_bits *body_cov; /* the shapes and members the body carried
                                      (mock_coverage_observe_body()), NULL when
                                      it was not read as JSON */
} mock_record_info;

/* Records one request. Never fails the request: on ENOMEM the request is
 * counted and its details omitted. The client is told apart by its
 * Quo-Client header, else its User-Agent, else a fingerprint of its key. */
void mock_record_add(mock_record *r, const mock_record_info *in);

/* Counts a request the mock or libmicrohttpd could not answer or judge
 * (reason: a static string such as "header-timeout"), for
 * summary.unanswered. */
void mock_record_unanswered(mock_record *r, const char *reason);

/* Counts a connection that made no request the mock judged, by reason
 * (as mock_record_unanswered()) and by the peer address it came from
 * (text, e.g. "127.0.0.1"); status: the answer libmicrohttpd sent itself,
 * 0 when none or not known. Rendered in the report's "connections". */
void mock_record_connection(mock_record *r, const char *reason, const char *peer, int status);
/* True when a connection ended for `reason` with libmicrohttpd's `status`
 * means its peer sent bytes that are no HTTP/1.1 request (RFC 9112
 * section 3: a request line; TLS to the plain port is none either): the
 * client's fault whoever it was (summary.malformed_connections). A 414 or
 * 431 is a limit of the mock (or of libmicrohttpd), not the client's. */
bool mock_record_reason_malformed(const char *reason, int status);

/* The client that sent req was seen from the address peer: what comes
 * from that address without a request can be attributed to it when it is
 * the only one (peers.h). */
void mock_record_peer_seen(mock_record *r, const char *peer, const quo_mock_request *req);

/* Forgets every request and client (POST /__quo/reset); keeps the
 * provenance and restarts its time span. */
void mock_record_reset(mock_record *r);

void mock_record_summary(mock_record *r, quo_mock_summary *out);

/* Changes whenever the record does (a request, an unanswered one, a reset):
 * lets the periodic report writer skip a record that has not changed. */
uint64_t mock_record_generation(mock_record *r);

/* 0 when every item of the comma-separated list (e.g.
 * "shape:activityId,status:404") was exercised by some client; else the
 * count of items nobody exercised, named in missing (NUL-terminated).
 * -1 when an item is not defined by the spec (named in missing). */
int mock_record_require(mock_record *r, const char *items, char *missing, size_t missingsz);

/* The report as text, or NULL on ENOMEM. JSON is the model: the other
 * formats are rendered from it (report.c). */
char *mock_record_render(mock_record *r, quo_mock_report_format fmt, size_t *len);

/* Renders and writes the report atomically (temp file in the same
 * directory, fsync, rename, fsync of the directory). */
quo_status mock_record_write(mock_record *r, const char *path, quo_mock_report_format fmt,
                             quo_error *err);

#endif
