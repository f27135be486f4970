/* test_idgen - ids made from patterns (mock/idgen.h): every value the
 * template makes matches the pattern (checked by the schema engine, the
 * same judge the mock's self-check uses), values sort in the order of n,
 * index() inverts nth(), and patterns outside the subset are refused with
 * the reason. */
#include <stdint.h>
#include <string.h>

#include "quo_check.h"

#include "quo/buf.h"
#include "quo/schema.h"

#include "idgen.h"

/* True when s matches `pattern` per the schema engine. */
static bool matches(const char *pattern, const char *s)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "type", "string");
    cJSON_AddStringToObject(doc, "pattern", pattern);
    quo_schema *sch = NULL;
    quo_error err;
    ck_assert_msg(quo_schema_compile(doc, NULL, "", &sch, &err) == QUO_OK, "%s", err.message);
    cJSON *v = cJSON_CreateString(s);
    bool ok = quo_schema_is_valid(sch, v, NULL);
    cJSON_Delete(v);
    quo_schema_free(sch);
    cJSON_Delete(doc);
    return ok;
}

static char *nth(const mock_idgen *g, uint64_t n)
{
    quo_buf b;
    quo_buf_init(&b);
    ck_assert(mock_idgen_nth(g, n, &b));
    size_t len;
    return quo_buf_take(&b, &len);
}

/* Values 0, 1, 2 and a far one match, sort by n and index back. */
static void check_pattern(const char *pattern, uint64_t need, const char *first)
{
    const char *why;
    mock_idgen *g = mock_idgen_new(pattern, need, &why);
    ck_assert_msg(g, "%s: %s", pattern, why ? why : "?");
    ck_assert_uint_ge(mock_idgen_capacity(g), need);
    uint64_t cap = mock_idgen_capacity(g);
    uint64_t ns[] = {0, 1, 2, cap - 1};
    size_t count = cap > 3 ? 4 : (size_t)cap;
    char *prev = NULL;
    for (size_t i = 0; i < count; i++) {
        char *s = nth(g, ns[i]);
        ck_assert_msg(matches(pattern, s), "%s: value %llu \"%s\" does not match", pattern,
                      (unsigned long long)ns[i], s);
        ck_assert_uint_eq(strlen(s), mock_idgen_width(g));
        if (i == 0 && first)
            ck_assert_str_eq(s, first);
        if (prev)
            ck_assert_msg(strcmp(prev, s) < 0, "%s: \"%s\" !< \"%s\"", pattern, prev, s);
        uint64_t back;
        ck_assert(mock_idgen_index(g, s, strlen(s), &back));
        ck_assert_uint_eq(back, ns[i]);
        free(prev);
        prev = s;
    }
    free(prev);
    quo_buf none;
    quo_buf_init(&none);
    ck_assert(cap == UINT64_MAX || !mock_idgen_nth(g, cap, &none)); /* past the end */
    quo_buf_free(&none);
    mock_idgen_free(g);
}

START_TEST(patterns_ids_use)
{
    check_pattern("^PN(.*)$", 2, "PN0");
    check_pattern("^PN[0-9a-f]{24}$", 4, "PN000000000000000000000000");
    check_pattern("^TK(.*)$", UINT64_MAX, "TK0000000000000000");
    check_pattern("^(?:ab|cd)[A-Z]{2}-\\d{3}$", 1000, "abAA-000");
    check_pattern("^[^a-z]{2}x?y*$", 100, NULL);
    check_pattern("^US_[\\w.-]{3,5}$", 100000, NULL);
    check_pattern("^task_[0-9]{12}$", 1000001, "task_000000000000");
    check_pattern("PN", 1, "PN"); /* unanchored: the literal itself matches */
}
END_TEST

START_TEST(value_one_of_the_shipped_patterns)
{
    const char *why;
    mock_idgen *g = mock_idgen_new("^CT(.*)$", 2, &why);
    char *s = nth(g, 1);
    ck_assert_str_eq(s, "CT1"); /* what the start-up note of a synthesized contactId names */
    free(s);
    mock_idgen_free(g);
}
END_TEST

START_TEST(outside_the_subset_is_refused_with_the_reason)
{
    static const struct {
        const char *pattern;
        const char *why;
    } bad[] = {
        {"^a(?=b)$", "group construct"},
        {"^\\bx$", "escape"},
        {"^a$b$", "anchor"},
        {"^[a-z]{3}$", "fewer"}, /* 17576 < 20000 */
        {"^(ab$", "unclosed group"},
        {"^[ab$", "unclosed class"},
        {"^a{99}$", "above 64"},
        {"^[z-a]$", "out of order"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        mock_idgen *g = mock_idgen_new(bad[i].pattern, 20000, &why);
        ck_assert_msg(!g, "%s was accepted", bad[i].pattern);
        ck_assert_msg(why && strstr(why, bad[i].why), "%s: %s", bad[i].pattern, why);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idgen");
    TCase *tc = tcase_create("idgen");
    tcase_add_test(tc, patterns_ids_use);
    tcase_add_test(tc, value_one_of_the_shipped_patterns);
    tcase_add_test(tc, outside_the_subset_is_refused_with_the_reason);
    suite_add_tcase(s, tc);
    return quo_check_run(s) ? 1 : 0;
}
