/* fuzz_spec.c - loading an OpenAPI document (`--spec FILE` is user input).
 *
 * Input: the document's bytes, given to quo_spec_load_buffer().
 *
 * Properties (abort on violation):
 *  1. Loading takes a verdict: a spec, or an error status with a message
 *     that is valid UTF-8 (it is printed and may land in reports).
 *  2. A loaded spec is coherent: statuses strictly ascending, each with a
 *     schema, a JSON Pointer and a media type, or none of them (no body); error constants, where the
 *     spec has them, are all set; link names are non-empty and at most
 *     QUO_SPEC_MAX_LINKS.
 *  3. A loaded spec can be used: a few fixed request bodies validate and a
 *     fixed response parses under every documented status without
 *     incident (the verdicts themselves depend on the document).
 */
#include <string.h>

#include "fuzz_common.h"
#include "quo/array.h"
#include "quo/request.h"
#include "quo/response.h"

static const char *const bodies[] = {
    "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}",
    "{\"title\":1,\"conversationId\":\"CN1\",\"activityId\":\"AC1\",\"x\":[null]}",
    "[]",
    "{",
};

static void check_spec(const quo_spec *spec)
{
    size_t n = quo_spec_status_count(spec);
    FUZZ_CHECK(n <= QUO_SPEC_MAX_STATUSES, "%zu statuses", n);
    for (size_t i = 0; i < n; i++) {
        int status = quo_spec_status_at(spec, i);
        FUZZ_CHECK(i == 0 || quo_spec_status_at(spec, i - 1) < status,
                   "statuses not strictly ascending at %zu", i);
        /* A response without content (a 204) has none of them. */
        bool body = quo_spec_response_media_type(spec, status) != NULL;
        FUZZ_CHECK(quo_spec_documents(spec, status) &&
                       body == (quo_spec_response_schema(spec, status) != NULL) &&
                       body == (quo_spec_response_schema_json(spec, status) != NULL) &&
                       body == (quo_spec_response_pointer(spec, status) != NULL),
                   "documented status %d: schema, pointer and media type disagree", status);
        quo_spec_error_consts k;
        if (quo_spec_error_constants(spec, status, &k) == QUO_OK)
            FUZZ_CHECK(k.code && k.docs && k.title, "error status %d: a NULL constant", status);
    }
    size_t links = quo_spec_link_count(spec);
    FUZZ_CHECK(links <= QUO_SPEC_MAX_LINKS, "%zu links", links);
    for (size_t i = 0; i < links; i++)
        FUZZ_CHECK(quo_spec_link_name(spec, i) && quo_spec_link_name(spec, i)[0],
                   "link %zu has no name", i);
    FUZZ_CHECK(quo_spec_request_schema(spec) && quo_spec_request_pointer(spec),
               "no request schema");
}

static void use_spec(const quo_spec *spec)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(bodies); i++) {
        quo_violations v;
        quo_violations_init(&v);
        FUZZ_CHECK(quo_request_validate(spec, bodies[i], strlen(bodies[i]), 0, &v, NULL) ==
                       QUO_OK,
                   "out of memory");
        quo_violations_free(&v);
    }
    for (size_t i = 0; i < quo_spec_status_count(spec); i++) {
        quo_response r;
        FUZZ_CHECK(quo_response_parse(spec, quo_spec_status_at(spec, i), "application/json",
                                      bodies[0], strlen(bodies[0]), &r) == QUO_OK,
                   "out of memory");
        quo_response_free(&r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quo_spec *spec = NULL;
    quo_error err;
    memset(&err, 0, sizeof err);
    quo_status st = quo_spec_load_buffer((const char *)data, size, &spec, &err);
    FUZZ_CHECK((st == QUO_OK) == (spec != NULL), "verdict %s with spec %p", quo_status_name(st),
               (void *)spec);
    if (st != QUO_OK) {
        FUZZ_CHECK(err.message[0], "load failed (%s) without a message", quo_status_name(st));
        FUZZ_CHECK(fuzz_utf8_valid(err.message, strlen(err.message)),
                   "load message is not valid UTF-8: %s", err.message);
        return 0;
    }
    check_spec(spec);
    use_spec(spec);
    quo_spec_free(spec);
    return 0;
}
