/* tests/explore/test_explore_limit.c - the body limit learnt from answers
 * (suite/explore_limit.c): the rules docs/explore.md "Body sizes" states. */
#include <stdint.h>

#include "quo_check.h"
#include "explore.h"

static qe_answer status(int s)
{
    qe_answer a = {0};
    a.status = s;
    return a;
}

static qe_answer reset(void)
{
    qe_answer a = {0};
    a.reset = true;
    return a;
}

/* Runs the search against a server whose limit is `limit` (413 above),
 * answering each size the search asks for; returns the sends. */
static unsigned search(qe_limit *l, size_t limit)
{
    unsigned sends = 0;
    for (size_t want; (want = qe_limit_next(l)) != 0 && sends < 100; sends++) {
        qe_answer a = status(want > limit ? 413 : 400);
        qe_limit_note(l, want, &a);
        l->probes++;
    }
    return sends;
}

START_TEST(a_413_is_searched_to_the_byte)
{
    qe_limit l;
    qe_limit_init(&l, 4u << 20);
    ck_assert_uint_eq(qe_limit_next(&l), 4u << 20); /* one body of the cap first */
    unsigned sends = search(&l, 1048576);
    ck_assert_uint_eq(l.accepted, 1048576);
    ck_assert_uint_eq(l.refused, 1048577);
    ck_assert_uint_eq(qe_limit_cap(&l), 1048576);
    ck_assert_uint_le(sends, 25);
    char said[400];
    qe_limit_describe(&l, said, sizeof said);
    ck_assert_ptr_nonnull(strstr(said, "learnt 1048576 bytes (413 from 1048577"));
    ck_assert_ptr_null(strstr(said, "unfinished"));
}
END_TEST

START_TEST(no_refusal_keeps_the_cap)
{
    qe_limit l;
    qe_limit_init(&l, 2u << 20);
    search(&l, SIZE_MAX);
    ck_assert_uint_eq(qe_limit_cap(&l), 2u << 20);
    ck_assert_uint_eq(qe_limit_next(&l), 0);
}
END_TEST

START_TEST(a_413_is_never_a_finding_and_odd_ones_do_not_move_the_limit)
{
    qe_limit l;
    qe_limit_init(&l, 4u << 20);
    search(&l, 100000);
    qe_answer a = status(413);
    ck_assert(qe_limit_note(&l, 5000000, &a)); /* over the limit: the limit speaking */
    ck_assert(qe_limit_note(&l, 50000, &a));   /* under a size accepted: odd, still not a finding */
    ck_assert_uint_eq(qe_limit_cap(&l), 100000);
    ck_assert_uint_eq(l.odd_413, 1);
    ck_assert_uint_eq(l.odd_413_min, 50000);
    char said[400];
    qe_limit_describe(&l, said, sizeof said);
    ck_assert_ptr_nonnull(strstr(said, "worth a look"));
}
END_TEST

START_TEST(a_close_is_the_limit_only_until_a_413)
{
    qe_limit l;
    qe_limit_init(&l, 4u << 20);
    qe_answer r = reset(), ok = status(201);
    ck_assert(!qe_limit_note(&l, 1000, &ok));
    ck_assert(!qe_limit_note(&l, 1000, &r));             /* small: a crash, a finding */
    ck_assert(qe_limit_note(&l, 4u << 20, &r));          /* large: taken as the limit */
    ck_assert(l.by_close);
    ck_assert(qe_limit_note(&l, 5u << 20, &r));          /* over it: still the limit */
    qe_answer big = status(413);
    ck_assert(qe_limit_note(&l, 3u << 20, &big));        /* it says 413 after all */
    ck_assert(!l.by_close);
    ck_assert(!qe_limit_note(&l, 2u << 20, &r));         /* a reset under its 413: a finding */
    ck_assert_uint_eq(l.accepted, 2u << 20);             /* and not a refusal */
}
END_TEST

START_TEST(fit_shrinks_the_largest_generator)
{
    qe_req r;
    qe_req_init(&r);
    qe_member m = {0};
    ck_assert(qe_member_set(&m, "\"title\"", 7, QE_V_LONGSTR, 100000, 3, "t", 1));
    ck_assert(qe_req_add(&r, &m));
    qe_member_free(&m);
    size_t len = 0;
    bool oom = true;
    ck_assert(qe_fit(&r, 65536, &len, &oom));
    ck_assert(!oom);
    ck_assert_uint_le(len, 65536);
    ck_assert_uint_gt(len, 60000); /* shrunk to fit, not to nothing */
    qe_req_free(&r);
    qe_req body;
    qe_req base;
    qe_req_init(&base);
    ck_assert(qe_limit_body(&base, 5000, &body));
    char *text = qe_req_render(&body, &len);
    ck_assert_uint_eq(len, 5000);
    free(text);
    qe_req_free(&body);
}
END_TEST

static Suite *limit_suite(void)
{
    Suite *s = suite_create("explore_limit");
    TCase *t = tcase_create("limit");
    tcase_add_test(t, a_413_is_searched_to_the_byte);
    tcase_add_test(t, no_refusal_keeps_the_cap);
    tcase_add_test(t, a_413_is_never_a_finding_and_odd_ones_do_not_move_the_limit);
    tcase_add_test(t, a_close_is_the_limit_only_until_a_413);
    tcase_add_test(t, fit_shrinks_the_largest_generator);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return quo_check_run(limit_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
