/* fuzz_mock.c - a whole HTTP request through quo-mock's request handling,
 * without sockets (quo_mock_core_handle).
 *
 * Input: a framed request (method, path, headers, body; see fuzz_frame.h).
 * The core (compiled-in fixtures) is shared by CORE_INPUTS inputs, then
 * replaced: creating one per input would cost most of the time, and the
 * mock's answers do not depend on earlier requests (its state is the task
 * counter and the certification record), so a crash still reproduces from
 * its input alone. Replacing it bounds the memory the record grows to.
 *
 * Properties (abort on violation):
 *  1. The answer's status is documented by the spec, or 405 (another method
 *     on the endpoint; it then carries `Allow: POST`), 404 (another path),
 *     or one of the mock's documented limits (413, 431).
 *  2. Every answer is application/json, and where the status is documented
 *     quo_response_parse() finds it conforming (constants, schema, strict
 *     JSON); any other answer is at least strict JSON.
 *  3. Response headers are safe to send: names are tokens, values hold no
 *     control character (no header injection through echoed input).
 *  4. A 201 without a Prefer header answers a POST whose body the library's
 *     validator finds valid: the mock never creates a task from a body
 *     the spec forbids.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_frame.h"
#include "quo-mock/mock.h"
#include "quo/request.h"
#include "quo/response.h"

/* Documented statuses, 405 for other methods, and the two limits the mock
 * documents for requests too large to judge (413 body, 431 headers; see
 * mock/server.c). */
static bool status_allowed(const quo_spec *spec, int status)
{
    return quo_spec_response_schema(spec, status) != NULL || status == 404 || status == 405 ||
           status == 413 || status == 431;
}

static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

static void check_headers(const quo_mock_response *resp)
{
    for (size_t i = 0; i < resp->header_count; i++) {
        const quo_mock_header *h = &resp->headers[i];
        FUZZ_CHECK(h->name && h->value && h->name[0], "response header %zu is NULL or unnamed", i);
        for (const unsigned char *p = (const unsigned char *)h->name; *p; p++)
            FUZZ_CHECK(is_token_char(*p), "response header name \"%s\" is not a token",
                       h->name);
        for (const unsigned char *p = (const unsigned char *)h->value; *p; p++)
            FUZZ_CHECK(*p == '\t' || (*p >= 0x20 && *p != 0x7f),
                       "response header %s holds control byte 0x%02x", h->name, *p);
    }
}

static void check_answer(const quo_spec *spec, const fuzz_frame *frame,
                         const quo_mock_response *resp)
{
    const char *ctype = fuzz_frame_header(resp->headers, resp->header_count, "Content-Type");
    FUZZ_CHECK(status_allowed(spec, resp->status), "the mock answered status %d", resp->status);
    FUZZ_CHECK(quo_media_type_is(ctype, "application/json"),
               "status %d answered with Content-Type %s", resp->status, ctype ? ctype : "(none)");
    FUZZ_CHECK(resp->body || resp->body_len == 0, "status %d: NULL body of %zu bytes",
               resp->status, resp->body_len);
    check_headers(resp);

    const char *body = resp->body ? resp->body : "";
    if (quo_spec_response_schema(spec, resp->status)) {
        quo_response r;
        FUZZ_CHECK(quo_response_parse(spec, resp->status, ctype, body, resp->body_len, &r) ==
                       QUO_OK,
                   "out of memory");
        if (!quo_response_conforms(&r)) {
            fuzz_dump("answer body", body, resp->body_len, 1024);
            fuzz_dump_violations("response parser", &r.violations);
        }
        FUZZ_CHECK(quo_response_conforms(&r), "the mock's %d does not conform to the spec",
                   resp->status);
        quo_response_free(&r);
    } else {
        quo_error err;
        quo_status st = quo_json_check(body, resp->body_len, 0, &err);
        if (st != QUO_OK)
            fuzz_dump("answer body", body, resp->body_len, 1024);
        FUZZ_CHECK(st == QUO_OK, "the mock's %d body is not strict JSON: %s", resp->status,
                   err.message);
    }
    if (resp->status == 405) {
        const char *allow = fuzz_frame_header(resp->headers, resp->header_count, "Allow");
        FUZZ_CHECK(allow && strstr(allow, "POST"), "a 405 without Allow: POST");
    }

    const quo_mock_request *req = &frame->request;
    if (resp->status == 201 && !fuzz_frame_header(req->headers, req->header_count, "Prefer")) {
        quo_violations v;
        quo_violations_init(&v);
        FUZZ_CHECK(quo_request_validate(spec, req->body, req->body_len, 0, &v, NULL) == QUO_OK,
                   "out of memory");
        if (v.count)
            fuzz_dump_violations("request body", &v);
        FUZZ_CHECK(v.count == 0, "the mock created a task from an invalid body");
        FUZZ_CHECK(strcmp(req->method, "POST") == 0,
                   "a 201 for method \"%s\" (methods are case-sensitive)", req->method);
        quo_violations_free(&v);
    }
}

#define CORE_INPUTS 1024

static quo_mock_core *core;
static unsigned core_used;

static void free_core(void)
{
    quo_mock_core_free(core);
    core = NULL;
}

static quo_mock_core *get_core(const quo_spec *spec)
{
    if (core && core_used++ < CORE_INPUTS)
        return core;
    if (!core)
        atexit(free_core);
    free_core();
    core_used = 1;
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.quiet = true;
    quo_error err;
    FUZZ_CHECK(quo_mock_core_new(spec, &opts, &core, &err) == QUO_OK,
               "quo_mock_core_new: %s", err.message);
    return core;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const quo_spec *spec = fuzz_spec();
    fuzz_frame frame;
    FUZZ_CHECK(fuzz_frame_parse(data, size, &frame), "out of memory");
    quo_mock_core *c = get_core(spec);

    quo_mock_response resp;
    memset(&resp, 0, sizeof resp);
    FUZZ_CHECK(quo_mock_core_handle(c, &frame.request, &resp) == QUO_OK,
               "quo_mock_core_handle failed (out of memory?)");
    check_answer(spec, &frame, &resp);

    quo_mock_response_free(&resp);
    fuzz_frame_free(&frame);
    return 0;
}
