/* quo-mock/mock.h - the quo-mock engine: a faithful, stateful mock of
 * POST /v1/tasks, usable in-process (tests, quo-conformance's embedded
 * target, fuzz_mock) or as the quo-mock server program.
 *
 * Two layers:
 *   - quo_mock_core: request handling without sockets. Given a method,
 *     path, headers and body it produces the status, headers and body the
 *     mock answers with, and records the request for the certification
 *     report. Thread-safe (internal locking for ids and the record).
 *   - quo_mock_server: the core behind libmicrohttpd on host:port, with the
 *     limits (body, header, connections, idle timeout) enforced there.
 *
 * Semantics, in order (docs/mock.md): Prefer: code=NNN; other paths 404 /
 * other methods 405; Authorization; media type; body validation; linked
 * resources from the fixtures (404); access (403); 201.
 *
 * Ownership: each *_new/start returns an object the caller releases with
 * the matching *_free/stop. Responses filled by quo_mock_core_handle() are
 * released with quo_mock_response_free(). The spec passed to *_new/start is
 * borrowed: it must outlive the core/server.
 */
#ifndef QUO_MOCK_H
#define QUO_MOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"
#include "quo/spec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quo_mock_core quo_mock_core;
typedef struct quo_mock_server quo_mock_server;

typedef enum quo_mock_report_format {
    QUO_MOCK_REPORT_JSON = 0,
    QUO_MOCK_REPORT_MARKDOWN,
    QUO_MOCK_REPORT_JUNIT, /* JUnit XML: a testsuite per client */
    QUO_MOCK_REPORT_HTML   /* one self-contained page */
} quo_mock_report_format;

/* The format a report file's extension names: .json, .md, .xml (JUnit),
 * .html or .htm; -1 for any other. */
int quo_mock_report_format_for(const char *path);

/* Defaults, used where an option is 0. */
#define QUO_MOCK_DEFAULT_PORT 4010u
#define QUO_MOCK_DEFAULT_MAX_BODY (1024u * 1024u)
#define QUO_MOCK_DEFAULT_MAX_HEADER (8u * 1024u)
#define QUO_MOCK_DEFAULT_MAX_CONNECTIONS 256u
#define QUO_MOCK_DEFAULT_TIMEOUT 15u
#define QUO_MOCK_DEFAULT_MAX_TASKS 1000000u
#define QUO_MOCK_DEFAULT_RECORD_MAX 100000u
/* The Quo-Mock-Violations header is cut (with a "truncated" item) here. */
#define QUO_MOCK_VIOLATIONS_HEADER_MAX 4096u
#define QUO_MOCK_DEFAULT_DRAIN 3u            /* seconds shutdown waits for requests */
#define QUO_MOCK_DEFAULT_REPORT_INTERVAL 1000u /* ms between rewrites of the reports */
#define QUO_MOCK_DEFAULT_HEADER_DEADLINE 10u  /* seconds for a whole header block */
#define QUO_MOCK_DEFAULT_BODY_DEADLINE 30u    /* seconds for a whole body */
#define QUO_MOCK_DEFAULT_BODY_BUDGET (64u * 1024u * 1024u) /* bodies held at once */
#define QUO_MOCK_REPORT_MAX 8u               /* report files at once */

typedef struct quo_mock_options {
    const char *host;          /* default "127.0.0.1" */
    unsigned port;             /* 0 = ephemeral */
    const char *fixtures_path; /* NULL = compiled-in fixtures */
    size_t max_body;           /* bytes; 0 = 1 MiB */
    size_t max_header;         /* bytes; 0 = default */
    unsigned max_connections;  /* 0 = default */
    unsigned timeout_seconds;  /* idle connection timeout; 0 = default */
    unsigned max_depth;        /* JSON depth; 0 = QUO_JSON_DEFAULT_MAX_DEPTH; at most 1000 */
    bool quiet;                /* no per-request log lines */
    /* Added for quo-mock's CLI and tests; zero-initialised means default. */
    const char *report_path;   /* written by quo_mock_server_finish(); NULL = none */
    quo_mock_report_format report_format;
    unsigned threads;          /* epoll workers; 0 = one per CPU but one (1 to 8) */
    bool thread_per_connection; /* instead of epoll workers: a thread per connection */
    size_t max_tasks;          /* created tasks kept in memory; 0 = default */
    size_t record_max;         /* requests whose details the record keeps; 0 = default */
    int log_fd;                /* per-request log lines go here; 0 = stderr */
    /* Client certification kit (docs/mock.md). */
    const char *report_paths[QUO_MOCK_REPORT_MAX]; /* more reports, format from the
                                                  extension; NULL-ended */
    unsigned report_interval_ms; /* reports rewritten this often while serving;
                                    0 = default */
    unsigned drain_seconds;    /* shutdown waits this long for requests; 0 = default */
    unsigned header_deadline;  /* seconds for a whole header block; 0 = default */
    unsigned body_deadline;    /* seconds for a whole body; 0 = default */
    size_t body_budget;        /* request-body bytes held at once; 0 = default */
    unsigned rate_limit;       /* requests per second per client key; 0 = none */
    bool cors;                 /* answer CORS preflights (not recorded) */
    const char *faults_path;   /* a fault plan (JSON); NULL = none */
    const char *command_line;  /* shown in the report's provenance; NULL = none */
} quo_mock_options;

void quo_mock_options_init(quo_mock_options *opts);

/* The compiled-in fixtures (mock/default-fixtures.json, documented in
 * docs/mock.md) as NUL-terminated JSON text; static storage. */
const char *quo_mock_default_fixtures(size_t *len);
/* The resource of kind `member` (a link member of `spec`) that quo-mock
 * serves from its compiled-in fixtures, listed or synthesized: its id and
 * its owner's member name and id (both NULL when it has no owner). Caller
 * frees the three strings. QUO_OK, QUO_ENOMEM, or QUO_ESPEC (none; err
 * says why). For the suite's embedded mock (docs/conformance.md). */
quo_status quo_mock_default_resource(const quo_spec *spec, const char *member, char **id,
                                     char **owner_member, char **owner_id, quo_error *err);

/* One resource of a pick: the request member naming its kind, its id, and
 * its owner's member and id (both NULL when it has none). */
typedef struct quo_mock_pick_item {
    char *member;
    char *id;
    char *owner_member;
    char *owner_id;
    bool link; /* a link id of the spec (else another member, e.g. the assignee) */
} quo_mock_pick_item;

/* What a client needs to exercise the mock (the suite's embedded target):
 * a key, a phone number it may use and, for every other kind a request
 * member of `spec` names, one resource, all consistent with each other's
 * owners (an activity of a conversation of that phone number), and a key
 * without access to that phone number (403). */
typedef struct quo_mock_pick {
    char *api_key;
    char *forbidden_key; /* NULL when every key may use the phone number */
    quo_mock_pick_item *items;
    size_t count;
} quo_mock_pick;

/* Loads fixtures as quo-mock would for `spec`: json[0..len) in either file
 * format, or (json NULL) the compiled-in set with its synthesized or
 * refitted ids, and picks from them: the first key (in file order) with a
 * phone number for which every link kind has a resource. QUO_OK,
 * QUO_ENOMEM, QUO_EUSAGE (the document is not valid fixtures) or
 * QUO_ESPEC (nothing fits; err says why). Release with quo_mock_pick_free(). */
quo_status quo_mock_fixtures_pick(const quo_spec *spec, const char *json, size_t len,
                                  quo_mock_pick *out, quo_error *err);
void quo_mock_pick_free(quo_mock_pick *pick);

typedef struct quo_mock_header {
    const char *name;
    const char *value;
} quo_mock_header;

typedef struct quo_mock_request {
    const char *method;
    const char *path;
    const quo_mock_header *headers;
    size_t header_count;
    const char *body;
    size_t body_len;
} quo_mock_request;

typedef struct quo_mock_response {
    int status;
    char *body;                 /* JSON text, owned */
    size_t body_len;
    quo_mock_header *headers;   /* owned name/value strings */
    size_t header_count;
} quo_mock_response;

/* QUO_OK; QUO_EUSAGE / QUO_EIO for bad fixtures (err names the problem);
 * QUO_ESPEC when the spec lacks what the mock needs; QUO_ENOMEM. */
quo_status quo_mock_core_new(const quo_spec *spec, const quo_mock_options *opts,
                             quo_mock_core **out, quo_error *err);
void quo_mock_core_free(quo_mock_core *core);
/* Always fills *out (a response to send) unless it returns QUO_ENOMEM, in
 * which case *out is empty and the caller answers 500 itself. */
quo_status quo_mock_core_handle(quo_mock_core *core, const quo_mock_request *req,
                                quo_mock_response *out);
void quo_mock_response_free(quo_mock_response *resp);
/* The value of a response header (case-insensitive name), or NULL. */
const char *quo_mock_response_header(const quo_mock_response *resp, const char *name);

/* Certification record. */
typedef struct quo_mock_summary {
    size_t requests;
    size_t conforming;
    size_t non_conforming;
    size_t omitted;  /* requests counted but whose details were not kept */
    size_t omitted_non_conforming; /* of which non-conforming */
    size_t not_judged; /* answered by the mock's own limit: no verdict */
    size_t forced;     /* answers shaped by a fault the client asked for */
    size_t unanswered; /* refused, dropped or timed out before an answer */
    size_t malformed_connections; /* of which a peer sent bytes that are no
                                     HTTP/1.1 request: no request line, TLS to
                                     the plain port, or libmicrohttpd's own 400
                                     or 505 (never its 414/431: the mock's limits) */
    size_t clients;
    size_t clients_non_conforming;
} quo_mock_summary;
void quo_mock_core_summary(quo_mock_core *core, quo_mock_summary *out);
/* The report as text (caller frees), or NULL on ENOMEM. */
char *quo_mock_core_report(quo_mock_core *core, quo_mock_report_format fmt, size_t *len);
/* Writes the report atomically (temp file + fsync + rename). */
quo_status quo_mock_core_write_report(quo_mock_core *core, const char *path,
                                      quo_mock_report_format fmt, quo_error *err);

/* 0 when some client exercised every item of the comma-separated list
 * ("shape:activityId,member:dueDate,status:404"; docs/mock.md); else the
 * number of items nobody exercised, named in missing; -1 when the spec
 * defines no such item (named in missing). */
int quo_mock_core_require(quo_mock_core *core, const char *items, char *missing,
                          size_t missingsz);

/* Tasks created so far (kept in memory, the newest max_tasks of them). */
typedef struct quo_mock_task {
    const char *phone_number_id;  /* owned by the core's fixtures */
    const char *conversation_id;  /* NULL when not linked */
    const char *activity_id;      /* NULL when not linked */
    const char *assigned_to;      /* NULL when absent */
} quo_mock_task;
size_t quo_mock_core_task_count(quo_mock_core *core);
/* True when task_id was created by this core and is still kept. */
bool quo_mock_core_find_task(quo_mock_core *core, const char *task_id, quo_mock_task *out);

quo_status quo_mock_server_start(const quo_spec *spec, const quo_mock_options *opts,
                                 quo_mock_server **out, quo_error *err);
unsigned quo_mock_server_port(const quo_mock_server *server);
quo_mock_core *quo_mock_server_core(quo_mock_server *server);
/* Stops accepting, finishes requests in flight (bounded by the timeout),
 * closes idle connections and writes the report when opts.report_path was
 * set. Safe to call once; quo_mock_server_stop() calls it if needed.
 * Returns QUO_OK or the report's write error. */
quo_status quo_mock_server_finish(quo_mock_server *server, quo_error *err);
/* Writes every report now (they are also rewritten every
 * report_interval_ms while serving). */
quo_status quo_mock_server_write_reports(quo_mock_server *server, quo_error *err);
/* Ends a quo_mock_server_finish() drain now (a second signal). Safe from
 * any thread. */
void quo_mock_server_hurry(quo_mock_server *server);
/* Checks, before serving, that each report path's folder is writable and
 * removes the stale temp files (report.json.tmp.*) a killed run left. */
quo_status quo_mock_reports_prepare(const quo_mock_options *opts, quo_error *err);
/* Stops accepting, finishes requests in flight, frees everything. */
void quo_mock_server_stop(quo_mock_server *server);

#ifdef __cplusplus
}
#endif
#endif
