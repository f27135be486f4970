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
    QUO_MOCK_REPORT_MARKDOWN
} quo_mock_report_format;

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
    unsigned threads;          /* epoll workers; 0 = one per CPU (at most 8) */
    bool thread_per_connection; /* instead of epoll workers: a thread per connection */
    size_t max_tasks;          /* created tasks kept in memory; 0 = default */
    size_t record_max;         /* requests whose details the record keeps; 0 = default */
    int log_fd;                /* per-request log lines go here; 0 = stderr */
} quo_mock_options;

void quo_mock_options_init(quo_mock_options *opts);

/* The compiled-in fixtures (mock/default-fixtures.json, documented in
 * docs/mock.md) as NUL-terminated JSON text; static storage. */
const char *quo_mock_default_fixtures(size_t *len);

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
} quo_mock_summary;
void quo_mock_core_summary(quo_mock_core *core, quo_mock_summary *out);
/* The report as text (caller frees), or NULL on ENOMEM. */
char *quo_mock_core_report(quo_mock_core *core, quo_mock_report_format fmt, size_t *len);
/* Writes the report atomically (temp file + fsync + rename). */
quo_status quo_mock_core_write_report(quo_mock_core *core, const char *path,
                                      quo_mock_report_format fmt, quo_error *err);

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
/* Stops accepting, finishes requests in flight, frees everything. */
void quo_mock_server_stop(quo_mock_server *server);

#ifdef __cplusplus
}
#endif
#endif
