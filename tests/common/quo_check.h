/* quo_check.h - the one way every libcheck test program runs its suite. */
#ifndef QUO_CHECK_H
#define QUO_CHECK_H

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit status of a test program whose data or environment is missing:
 * ctest reports the test as skipped, never passed (quo_add_check_test sets
 * SKIP_RETURN_CODE 77 on every test). */
#define QUO_CHECK_SKIP 77

/* $QUO_TESTDATA_DIR/rel (written into buf) when that directory exists;
 * otherwise prints why and returns NULL, and main() returns QUO_CHECK_SKIP. */
static inline const char *quo_check_testdata(const char *rel, char *buf, size_t size)
{
    const char *root = getenv("QUO_TESTDATA_DIR");
    if (!root || !*root) {
        printf("SKIP: QUO_TESTDATA_DIR is not set (%s)\n", rel);
        return NULL;
    }
    if ((size_t)snprintf(buf, size, "%s/%s", root, rel) >= size) {
        printf("SKIP: QUO_TESTDATA_DIR is too long\n");
        return NULL;
    }
    DIR *d = opendir(buf);
    if (!d) {
        printf("SKIP: %s is absent (set QUO_TESTDATA_DIR)\n", buf);
        return NULL;
    }
    closedir(d);
    return buf;
}

/* True when this run is limited to the test cases tagged `tag`
 * (CK_INCLUDE_TAGS=tag): quo_add_check_test(... TAGS tag) registers such a
 * ctest of its own, which main() turns into a skip when what the tag needs
 * is missing; the program's plain ctest excludes the tag. */
static inline bool quo_check_only_tag(const char *tag)
{
    const char *inc = getenv("CK_INCLUDE_TAGS");
    return inc && strcmp(inc, tag) == 0;
}

/* Runs s (the runner takes ownership) with CK_NORMAL output; returns the
 * number of failed checks, so main() can `return quo_check_run(...) ? 1 : 0`
 * after its own clean-up. Environment (CK_FORK, CK_RUN_CASE, CK_TAP_LOG_FILE_NAME,
 * CK_EXCLUDE_TAGS, ...) works as libcheck documents. */
static inline int quo_check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}

#endif
