/* fuzz_alloc.c - allocation failures: "every malloc failure is handled".
 *
 * Input: bytes 0-1 = N (little-endian), byte 2 picks the operation, byte 3
 * a status, the rest is a body (for the mock: a framed request, see
 * fuzz_frame.h). The operation runs twice: once normally, then with the
 * N-th allocation it makes failing (malloc, calloc and realloc of the
 * library and the mock, linked with --wrap; cJSON's through its hooks).
 *   op 0  quo_request_validate(body)
 *   op 1  quo_response_parse(status, "application/json", body)
 *   op 2  quo_spec_load_buffer(the compiled-in spec)   (the body is unused)
 *   op 3  quo_mock_core_new + quo_mock_core_handle(framed request)
 *
 * Properties (abort on violation; leaks on the failure paths are
 * LeakSanitizer's, which libFuzzer runs after every input):
 *  1. An operation whose allocation failed returns QUO_ENOMEM, or returns
 *     QUO_OK with exactly the result of the normal run (a failure it
 *     recovered from must not change the verdict).
 *  2. Nothing crashes on the way out.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "quo/request.h"
#include "quo/response.h"
#ifdef QUO_FUZZ_WITH_MOCK
#include "fuzz_frame.h"
#include "quo-mock/mock.h"
#endif

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

/* The failure plan: while armed, the fail_at-th allocation returns NULL. */
static struct {
    bool armed;
    unsigned long count;
    unsigned long fail_at;
    bool failed;
} plan;

static bool should_fail(void)
{
    if (!plan.armed || ++plan.count != plan.fail_at)
        return false;
    plan.failed = true;
    return true;
}

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

static void *cjson_malloc(size_t size)
{
    return __wrap_malloc(size);
}

static void arm(unsigned long n)
{
    plan.armed = true;
    plan.count = 0;
    plan.fail_at = n;
    plan.failed = false;
}

static void disarm(void)
{
    plan.armed = false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cJSON_Hooks hooks = {cjson_malloc, free};
    cJSON_InitHooks(&hooks);
    fuzz_spec();
    return 0;
}

static quo_status run_request(const char *body, size_t len, quo_violations *v, size_t *link)
{
    quo_violations_init(v);
    return quo_request_validate(fuzz_spec(), body, len, 0, v, link);
}

static void op_request(unsigned long n, const char *body, size_t len)
{
    quo_violations clean, hurt;
    size_t l1 = 0, l2 = 0;
    FUZZ_CHECK(run_request(body, len, &clean, &l1) == QUO_OK, "out of memory (normal run)");
    arm(n);
    quo_status st = run_request(body, len, &hurt, &l2);
    disarm();
    FUZZ_CHECK(st == QUO_OK || st == QUO_ENOMEM, "validation returned %s", quo_status_name(st));
    const char *why = "";
    if (st == QUO_OK)
        FUZZ_CHECK(fuzz_violations_equal(&clean, &hurt, &why) && l1 == l2,
                   "allocation %lu failed, the verdict changed and no ENOMEM: %s", n, why);
    quo_violations_free(&hurt);
    quo_violations_free(&clean);
}

static void op_response(unsigned long n, int status, const char *body, size_t len)
{
    quo_response clean, hurt;
    const quo_spec *spec = fuzz_spec();
    FUZZ_CHECK(quo_response_parse(spec, status, "application/json", body, len, &clean) == QUO_OK,
               "out of memory (normal run)");
    arm(n);
    quo_status st = quo_response_parse(spec, status, "application/json", body, len, &hurt);
    disarm();
    FUZZ_CHECK(st == QUO_OK || st == QUO_ENOMEM, "parsing returned %s", quo_status_name(st));
    const char *why = "";
    if (st == QUO_OK)
        FUZZ_CHECK(fuzz_violations_equal(&clean.violations, &hurt.violations, &why) &&
                       clean.kind == hurt.kind,
                   "allocation %lu failed, the verdict changed and no ENOMEM: %s", n, why);
    quo_response_free(&hurt);
    quo_response_free(&clean);
}

static void op_spec(unsigned long n)
{
    size_t len;
    const char *text = quo_spec_default_text(&len);
    quo_spec *spec = NULL;
    quo_error err;
    arm(n);
    quo_status st = quo_spec_load_buffer(text, len, &spec, &err);
    disarm();
    FUZZ_CHECK(st == QUO_OK || st == QUO_ENOMEM, "loading returned %s: %s",
               quo_status_name(st), err.message);
    if (st == QUO_OK)
        FUZZ_CHECK(quo_spec_status_count(spec) == quo_spec_status_count(fuzz_spec()) &&
                       quo_spec_link_count(spec) == quo_spec_link_count(fuzz_spec()),
                   "allocation %lu failed, the spec loaded differently", n);
    quo_spec_free(spec);
}

#ifdef QUO_FUZZ_WITH_MOCK
/* The status the mock answers, or 0 when core_new or handle ran out. */
static int mock_status(const fuzz_frame *frame, quo_status *st)
{
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.quiet = true;
    quo_mock_core *core = NULL;
    quo_error err;
    *st = quo_mock_core_new(fuzz_spec(), &opts, &core, &err);
    if (*st != QUO_OK)
        return 0;
    quo_mock_response resp;
    memset(&resp, 0, sizeof resp);
    *st = quo_mock_core_handle(core, &frame->request, &resp);
    int status = *st == QUO_OK ? resp.status : 0;
    quo_mock_response_free(&resp);
    quo_mock_core_free(core);
    return status;
}

static void op_mock(unsigned long n, const uint8_t *data, size_t size)
{
    fuzz_frame frame;
    FUZZ_CHECK(fuzz_frame_parse(data, size, &frame), "out of memory");
    quo_status st;
    int clean = mock_status(&frame, &st);
    FUZZ_CHECK(st == QUO_OK, "the mock failed without an injected failure: %s",
               quo_status_name(st));
    arm(n);
    int hurt = mock_status(&frame, &st);
    disarm();
    FUZZ_CHECK(st == QUO_OK || st == QUO_ENOMEM, "the mock returned %s", quo_status_name(st));
    /* Running out may legitimately become a documented 500 answer. */
    FUZZ_CHECK(st != QUO_OK || hurt == clean || hurt == 500,
               "allocation %lu failed, the mock answered %d instead of %d", n, hurt, clean);
    fuzz_frame_free(&frame);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    unsigned long n = (unsigned long)data[0] | (unsigned long)data[1] << 8;
    int statuses = (int)quo_spec_status_count(fuzz_spec());
    int status = quo_spec_status_at(fuzz_spec(), (size_t)(data[3] % statuses));
    const char *body = (const char *)data + 4;
    size_t len = size - 4;
    switch (data[2] % 4) {
    case 0: op_request(n, body, len); break;
    case 1: op_response(n, status, body, len); break;
    case 2: op_spec(n); break;
    default:
#ifdef QUO_FUZZ_WITH_MOCK
        op_mock(n, data + 4, len);
#endif
        break;
    }
    return 0;
}
