/* tests/suite/test_suite_registry.c - the check registry (suite/registry.h)
 * and the --max-requests order (suite/budget.h): every case the derivation
 * makes belongs to exactly one row, every row is reachable, the levels
 * and sources are the rows', the docs' table is the registry's own, and
 * a capped run keeps the most important requests in the documented order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/buf.h"
#include "quo/io.h"
#include "quo_check.h"
#include "budget.h"
#include "helpers.h"
#include "registry.h"

START_TEST(every_case_has_one_row)
{
    th_assert_registry(&th_cases);
}
END_TEST

/* Every row is reachable: test_suite_cases.c every_row_is_reachable, over
 * the shipped spec and the specs with the features some checks need. */

/* In run order (qc_registry_rank) a suite's rows are adjacent, and so are
 * a TCase's, and a suite's companions come after all of its primaries. */
START_TEST(rows_are_grouped)
{
    size_t n = 0;
    const qc_check *rows = qc_registry_rows(&n);
    const qc_check *order[128];
    ck_assert_uint_le(n, 128);
    for (size_t i = 0; i < n; i++) {
        size_t j = i; /* insertion sort by rank */
        while (j > 0 && qc_registry_rank(order[j - 1]) > qc_registry_rank(&rows[i])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = &rows[i];
    }
    for (size_t a = 0; a < n; a++) {
        ck_assert_uint_lt(qc_registry_rank(order[a]), qc_registry_rank_end());
        for (size_t b = a + 2; b < n; b++) {
            if (strcmp(order[a]->suite, order[b]->suite) == 0)
                ck_assert_msg(strcmp(order[b - 1]->suite, order[a]->suite) == 0,
                              "suite %s is split by %s", order[a]->suite, order[b - 1]->tcase);
            if (strcmp(order[a]->tcase, order[b]->tcase) == 0)
                ck_assert_msg(strcmp(order[b - 1]->tcase, order[a]->tcase) == 0,
                              "TCase %s is split by %s", order[a]->tcase, order[b - 1]->tcase);
        }
        for (size_t b = a + 1; b < n; b++)
            if (strcmp(order[a]->suite, order[b]->suite) == 0)
                ck_assert_msg(!order[a]->companion || order[b]->companion,
                              "companion %s runs before primary %s", order[a]->tcase,
                              order[b]->tcase);
    }
    /* The derivation steps: each distinct one once, in row order, and
     * every row's step among them. */
    size_t k = 0;
    while (qc_registry_step(k)) {
        for (size_t j = 0; j < k; j++)
            ck_assert_ptr_ne(qc_registry_step(j), qc_registry_step(k));
        k++;
    }
    ck_assert_uint_le(k, n);
    ck_assert_ptr_eq(qc_registry_step(0), rows[0].derive);
    for (size_t r = 0; r < n; r++) {
        bool found = rows[r].derive == NULL;
        for (size_t j = 0; j < k && !found; j++)
            found = qc_registry_step(j) == rows[r].derive;
        ck_assert_msg(found, "row %s's step is not run", rows[r].id);
    }
}
END_TEST

/* The levels decided by their sources (docs/conformance.md). */
START_TEST(levels_follow_their_sources)
{
    ck_assert_int_eq(th_case("400.body.duplicate-name")->level, QC_SHOULD);
    ck_assert(strstr(th_case("400.body.duplicate-name")->source, "RFC 8259 section 4"));
    ck_assert_int_eq(th_case("http.405-allow")->level, QC_MUST);
    ck_assert(strstr(th_case("http.405-allow")->source, "RFC 9110 section 15.5.6"));
    ck_assert_int_eq(th_case("http.header-name-case")->level, QC_MUST);
    ck_assert(strstr(th_case("http.header-name-case")->source, "RFC 9110 section 5.1"));
    ck_assert_int_eq(th_case("http.content-type-charset")->level, QC_SHOULD);
    ck_assert_int_eq(th_case("401.bearer")->level, QC_SHOULD);
    const qc_case *t = th_case("400.type.title.number");
    ck_assert_int_eq(t->level, QC_MUST);
    ck_assert(strncmp(t->source, "spec ", 5) == 0 && strstr(t->source, t->spec_pointer));
}
END_TEST

/* The skip rule is the row's: without a forbidden key the 403 cases skip. */
START_TEST(skip_rule_comes_from_the_row)
{
    qc_case_list l;
    qc_cases_init(&l);
    quo_error err;
    qc_derive_input in = {.fixtures = &th_cfg.fixtures};
    ck_assert_int_eq(qc_cases_derive(th_spec, &in, &l, &err), QUO_OK);
    size_t skipped = 0;
    for (size_t i = 0; i < l.count; i++) {
        const qc_check *row = l.items[i].check;
        bool needs = row->skip_needs != QC_NEEDS_NOTHING;
        ck_assert_msg(needs == (l.items[i].skip != NULL), "%s", l.items[i].id);
        skipped += needs;
    }
    ck_assert_uint_eq(skipped, 4); /* 403 x 3, 500 */
    qc_cases_free(&l);
}
END_TEST

/* docs/conformance.md holds the registry's table between its markers,
 * exactly as --list-checks prints it: the list exists once. */
START_TEST(docs_table_is_the_registry)
{
    const char *src = getenv("QUO_SOURCE_DIR");
    ck_assert_msg(src != NULL, "QUO_SOURCE_DIR is not set (quo_add_check_test sets it)");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/conformance.md", src);
    size_t len = 0;
    char *doc = NULL;
    quo_error err;
    ck_assert_msg(quo_io_read_file(path, 1 << 20, &doc, &len, &err) == QUO_OK, "%s", err.message);
    const char *begin = "<!-- checks:begin (quo-conformance --list-checks) -->\n";
    char *a = strstr(doc, begin);
    ck_assert_msg(a, "no checks:begin marker in %s", path);
    a += strlen(begin);
    char *z = strstr(a, "<!-- checks:end -->");
    ck_assert_ptr_nonnull(z);
    quo_buf b;
    quo_buf_init(&b);
    qc_registry_markdown(&b);
    ck_assert(!b.failed && b.data);
    size_t dl = (size_t)(z - a), at = 0;
    while (at < dl && at < b.len && a[at] == b.data[at])
        at++;
    while (at > 0 && b.data[at - 1] != '\n')
        at--; /* the start of the first line that differs */
    ck_assert_msg(dl == b.len && at == b.len,
                  "docs/conformance.md's check table differs from --list-checks from: %.200s",
                  b.data + at);
    quo_buf_free(&b);
    free(doc);
}
END_TEST

static size_t position(const size_t *order, size_t n, const char *id)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(th_cases.items[order[k]].id, id) == 0)
            return k;
    ck_abort_msg("%s is not a request of the order", id);
    return n;
}

/* MUST before SHOULD; the first per (row, schema) before the rest; then
 * the run order. Deterministic. */
START_TEST(max_requests_order)
{
    size_t n = 0, n2 = 0;
    size_t *order = qc_budget_order(&th_cases, NULL, &n);
    size_t *again = qc_budget_order(&th_cases, NULL, &n2);
    ck_assert_ptr_nonnull(order);
    ck_assert_uint_eq(n, n2);
    ck_assert(memcmp(order, again, n * sizeof *order) == 0);
    free(again);
    size_t requests = 0;
    for (size_t i = 0; i < th_cases.count; i++)
        requests += th_cases.items[i].exchange == i;
    ck_assert_uint_eq(n, requests);
    bool should = false;
    for (size_t k = 0; k < n; k++) {
        bool s = th_cases.items[order[k]].level == QC_SHOULD;
        ck_assert_msg(!should || s, "MUST %s after a SHOULD", th_cases.items[order[k]].id);
        should = should || s;
    }
    /* The first request is the first positive, the minimal body. */
    ck_assert_str_eq(th_cases.items[order[0]].id, "201.phoneNumberId");
    /* One per (row, schema) first: every link shape's minimal body and the
     * first type breaker of each member before any second value. */
    size_t combos = position(order, n, "201.phoneNumberId+dueDate");
    ck_assert_uint_lt(position(order, n, "201.activityId"), combos);
    ck_assert_uint_lt(position(order, n, "400.type.title.number"), combos);
    ck_assert_uint_lt(position(order, n, "400.type.dueDate.number"), combos);
    ck_assert_uint_lt(position(order, n, "http.405-allow"), combos);
    ck_assert_uint_lt(position(order, n, "400.type.title.number"),
                      position(order, n, "400.type.title.boolean"));
    ck_assert_uint_lt(combos, position(order, n, "400.type.title.boolean"));
    free(order);
}
END_TEST

/* A companion follows its primary: cut together. */
START_TEST(max_requests_cut_keeps_companions_with_primaries)
{
    bool *cut = calloc(th_cases.count, sizeof *cut);
    ck_assert_ptr_nonnull(cut);
    size_t kept = 0, left = 0;
    ck_assert(qc_budget_cut(&th_cases, NULL, 20, cut, &kept, &left));
    ck_assert_uint_eq(kept, 20);
    size_t requests = 0, sent = 0;
    for (size_t i = 0; i < th_cases.count; i++) {
        const qc_case *c = &th_cases.items[i];
        ck_assert_msg(cut[i] == cut[c->exchange], "%s cut apart from its primary", c->id);
        requests += c->exchange == i;
        sent += c->exchange == i && !cut[i];
    }
    ck_assert_uint_eq(sent, 20);
    ck_assert_uint_eq(left, requests - 20);
    ck_assert(!cut[th_case_index("201.phoneNumberId")]);
    ck_assert(cut[th_case_index("201.phoneNumberId+dueDate+assignedTo")]);
    /* No cap: nothing cut. */
    ck_assert(qc_budget_cut(&th_cases, NULL, 0, cut, &kept, &left));
    ck_assert_uint_eq(left, 0);
    for (size_t i = 0; i < th_cases.count; i++)
        ck_assert(!cut[i]);
    free(cut);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, every_case_has_one_row);
    tcase_add_test(tc, rows_are_grouped);
    tcase_add_test(tc, levels_follow_their_sources);
    tcase_add_test(tc, skip_rule_comes_from_the_row);
    tcase_add_test(tc, docs_table_is_the_registry);
    tcase_add_test(tc, max_requests_order);
    tcase_add_test(tc, max_requests_cut_keeps_companions_with_primaries);
    suite_add_tcase(s, tc);
    return quo_check_run(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
