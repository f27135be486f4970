/* mock_http.h - helpers for the quo-mock tests: a mock started in-process
 * on an ephemeral port, requests over real HTTP with libcurl, and the
 * conformance check every response body is held to.
 *
 * Ownership: http_get()/http_do() return a malloc'd http_res freed with
 * http_res_free(). The mock started by th_start() is stopped by th_stop().
 */
#ifndef QUO_TEST_MOCK_HTTP_H
#define QUO_TEST_MOCK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "quo-mock/mock.h"
#include "quo/spec.h"

typedef struct http_res {
    long status;
    char *body;
    size_t body_len;
    char *headers; /* raw header block of the final response */
    cJSON *json;   /* body parsed, or NULL */
} http_res;

/* A running mock, its spec and its base URL. */
typedef struct th_mock {
    quo_spec *spec;
    quo_mock_server *server;
    unsigned port;
    char base[64];
} th_mock;

extern th_mock TM; /* the mock of the current test (forked: one per test) */

/* Starts TM with opts (NULL = defaults, quiet). */
void th_start(const quo_mock_options *opts);
void th_stop(void);
/* Options with test defaults: port 0, quiet, and a thread per connection
 * when env QUO_MOCK_TEST_THREAD_PER_CONNECTION=1 (else the default). */
void th_options(quo_mock_options *o);

/* A request to TM: method, path, body (NULL = none), then header lines
 * ("Name: value"), NULL-terminated. */
http_res *http_do(const char *method, const char *path, const char *body, ...);
/* Same with an explicit header list (NULL-terminated array). */
http_res *http_do_v(CURL *reuse, const char *method, const char *path, const char *body,
                    size_t body_len, const char *const *headers);
void http_res_free(http_res *r);

/* The value of a response header (last occurrence), malloc'd, or NULL. */
char *http_header(const http_res *r, const char *name);

/* A POST of body with the usual good headers and the given key. */
http_res *http_create(const char *key, const char *body);

/* ck_assert()s that the response is what the mock promises for its status:
 * application/json, and for a documented status a body quo_response_parse
 * finds conforming; for the statuses the mock adds (405, 413, 431, 503) the
 * API's error shape with the spec's docs and a code derived from the
 * documented one. */
void th_assert_conforms(const http_res *r);

/* errors[] of an error body as "path|path|..." in order (static buffer). */
const char *th_error_paths(const http_res *r);
/* The taskId of a 201 body, or NULL. */
const char *th_task_id(const http_res *r);
const char *th_data(const http_res *r, const char *member);

/* Sleeps ms milliseconds (usleep is not POSIX 2008). */
void th_sleep_ms(long ms);

/* A temporary file holding text; returns its path (malloc'd). */
char *th_temp_file(const char *text);

/* Raw sockets to TM, for what an HTTP library will not send: a TCP
 * connection to 127.0.0.1 (ck_assert on failure); all bytes of s sent;
 * everything read until EOF or timeout_ms (a static buffer; *eof set when
 * the peer closed). Close the fd with close(). */
int th_raw_connect(void);
void th_raw_send(int fd, const char *s);
const char *th_raw_read(int fd, int timeout_ms, bool *eof);

#endif
