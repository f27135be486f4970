/* consumer.c - a program outside the tree that uses the installed libquo
 * and libquo-mock: validates the body in FILE with quo_request_validate(),
 * then sends it to the in-process mock engine and prints its status.
 *   consumer FILE   exit 0 valid and answered 201, 1 invalid, 2 error */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <quo/quo.h>
#include <quo-mock/mock.h>

static int mock_status(const quo_spec *spec, const char *body, size_t len)
{
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.quiet = true;
    quo_mock_core *core;
    quo_error err;
    if (quo_mock_core_new(spec, &opts, &core, &err) != QUO_OK) {
        fprintf(stderr, "consumer: mock: %s\n", err.message);
        return -1;
    }
    static const quo_mock_header headers[] = {
        {"Authorization", "test-key"}, {"Content-Type", "application/json"}};
    quo_mock_request req = {"POST", "/v1/tasks", headers, 2, body, len};
    quo_mock_response resp;
    int status = -1;
    if (quo_mock_core_handle(core, &req, &resp) == QUO_OK) {
        status = resp.status;
        quo_mock_response_free(&resp);
    }
    quo_mock_core_free(core);
    return status;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: consumer FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static char body[65536];
    size_t len = f ? fread(body, 1, sizeof body, f) : 0;
    if (!f || ferror(f)) {
        fprintf(stderr, "consumer: cannot read %s\n", argv[1]);
        if (f)
            fclose(f);
        return 2;
    }
    fclose(f);

    quo_spec *spec;
    quo_error err;
    if (quo_spec_load_default(&spec, &err) != QUO_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 2;
    }
    quo_violations v;
    quo_violations_init(&v);
    int rc = 2;
    if (quo_request_validate(spec, body, len, 0, &v, NULL) == QUO_OK) {
        printf("quo %s: %s (%zu violation(s))", QUO_VERSION, v.count ? "invalid" : "valid",
               v.count);
        for (size_t i = 0; i < v.count; i++)
            printf("; %s: %s", v.items[i].path, v.items[i].message);
        int status = mock_status(spec, body, len);
        printf("; mock answered %d\n", status);
        rc = status < 0 ? 2 : v.count ? 1 : status == 201 ? 0 : 2;
    }
    quo_violations_free(&v);
    quo_spec_free(spec);
    return rc;
}
