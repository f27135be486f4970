/* tests/html/html_sample.c - writes the sample report set (sample.h) into
 * DIR through qc_report_write, the path quo-conformance takes, so the
 * browser test renders exactly what a run writes. It runs as a libcheck
 * test because the shared fixtures (tests/suite/helpers.c) assert.
 *   html_sample DIR      exit 0 written, 1 error, 2 usage */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "quo_check.h"
#include "report.h"
#include "sample.h"

static const char *dir;

START_TEST(write_sample)
{
    quo_error err = {0};
    const qc_report *r = sample_build();
    quo_status st = qc_ensure_dir(dir, &err);
    if (st == QUO_OK)
        st = qc_report_write(r, dir, &err);
    sample_free();
    ck_assert_msg(st == QUO_OK, "html_sample: %s", err.message);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: html_sample DIR\n");
        return 2;
    }
    dir = argv[1];
    Suite *s = suite_create("html_sample");
    TCase *tc = tcase_create("write");
    tcase_add_test(tc, write_sample);
    suite_add_tcase(s, tc);
    return quo_check_run(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
