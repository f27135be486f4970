/* quo_check.h - the one way every libcheck test program runs its suite. */
#ifndef QUO_CHECK_H
#define QUO_CHECK_H

#include <check.h>

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
