/* bench_schema - throughput of the schema engine on create-task bodies.
 *
 *   bench_schema [SPEC.json] [ITERATIONS]
 *
 * Compiles the request schema of POST /v1/tasks from the spec (default:
 * spec/create-task.openapi.json under QUO_SOURCE_DIR or the current
 * directory), parses sample bodies once, then times validation alone (no
 * parsing) and prints nanoseconds per call and calls per second. A
 * measurement, not a test: nothing here passes or fails on speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quo/json.h"
#include "quo/schema.h"

static const char request_ptr[] =
    "/paths/~1v1~1tasks/post/requestBody/content/application~1json/schema";

static const char valid_body[] =
    "{\"title\":\"Follow up with customer\",\"description\":\"Discuss pricing and onboarding "
    "next steps.\",\"phoneNumberId\":\"PNabc123XYZ\",\"dueDate\":\"2026-11-28T17:00:00Z\","
    "\"assignedTo\":\"US123abcXYZ\"}";

static const char valid_body_cn[] =
    "{\"title\":\"Follow up with customer\",\"description\":\"Discuss pricing and onboarding "
    "next steps.\",\"conversationId\":\"CNabc123XYZ\",\"dueDate\":\"2026-11-28T17:00:00Z\","
    "\"assignedTo\":\"US123abcXYZ\"}";

static const char invalid_body[] =
    "{\"title\":5,\"description\":\"Discuss pricing and onboarding next steps.\","
    "\"phoneNumberId\":\"XXabc123\",\"dueDate\":\"2026-02-30T17:00:00Z\",\"extra\":true}";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

typedef enum { QUICK, COLLECT } mode;

static void measure(const char *label, const quo_schema *s, const char *body, mode m, long iters)
{
    quo_json_doc *doc = NULL;
    quo_error err;
    if (quo_json_parse(body, strlen(body), 0, &doc, &err) != QUO_OK) {
        fprintf(stderr, "schema_bench: sample does not parse: %s\n", err.message);
        exit(2);
    }
    const cJSON *root = quo_json_root(doc);
    quo_violations v;
    quo_violations_init(&v);
    size_t found = 0;
    volatile int sink = 0;
    double t0 = now();
    for (long i = 0; i < iters; i++) {
        if (m == QUICK) {
            sink += quo_schema_is_valid(s, root, doc);
        } else {
            quo_violations_clear(&v);
            if (quo_schema_validate(s, root, doc, &v) != QUO_OK) {
                fprintf(stderr, "schema_bench: out of memory\n");
                exit(2);
            }
            found = v.count;
        }
    }
    double dt = now() - t0;
    printf("%-44s %8.1f ns/call %12.0f calls/s  (%zu bytes, %s%zu violations)\n", label,
           dt / (double)iters * 1e9, (double)iters / dt, strlen(body),
           m == QUICK ? (sink ? "valid, " : "invalid, ") : "", found);
    quo_violations_free(&v);
    quo_json_free(doc);
}

int main(int argc, char **argv)
{
    char def[1024];
    const char *src = getenv("QUO_SOURCE_DIR");
    snprintf(def, sizeof def, "%s/spec/create-task.openapi.json", src ? src : ".");
    const char *path = argc > 1 ? argv[1] : def;
    long iters = argc > 2 ? atol(argv[2]) : 2000000;
    if (iters <= 0) {
        fprintf(stderr, "usage: schema_bench [SPEC.json] [ITERATIONS]\n");
        return 2;
    }
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        fprintf(stderr, "schema_bench: cannot read %s\n", path);
        return 2;
    }
    quo_json_doc *spec = NULL;
    quo_schema *s = NULL;
    quo_error err;
    if (quo_json_parse(text, len, 0, &spec, &err) != QUO_OK ||
        quo_schema_compile(quo_json_root(spec), spec, request_ptr, &s, &err) != QUO_OK) {
        fprintf(stderr, "schema_bench: %s: %s\n", path, err.message);
        return 2;
    }
    free(text);
    quo_json_free(spec);

    printf("schema_bench: %ld iterations each, validation only (bodies parsed once)\n", iters);
    measure("is_valid, anyOf root, phoneNumberId body", s, valid_body, QUICK, iters);
    measure("validate, anyOf root, phoneNumberId body", s, valid_body, COLLECT, iters);
    measure("validate, branch 0, phoneNumberId body", quo_schema_branch(s, 0), valid_body,
            COLLECT, iters);
    measure("validate, anyOf root, conversationId body", s, valid_body_cn, COLLECT, iters);
    measure("validate, branch 0, invalid body (4 errors)", quo_schema_branch(s, 0), invalid_body,
            COLLECT, iters / 10);
    quo_schema_free(s);
    return 0;
}
