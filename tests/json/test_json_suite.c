/* test_json_suite.c - the JSON gate against JSONTestSuite's test_parsing
 * files: every y_ accepted, every n_ rejected, by both quo_json_parse and
 * quo_json_check, and every i_ file given exactly the verdict recorded in
 * docs/json-i-verdicts.md (which also lists the y_ files rejected on
 * purpose). A row that no longer matches, an i_ file without a row or a
 * row without a file fails the test, so the table cannot go stale.
 * Skips (with a message) when the test data is absent. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/io.h"
#include "quo_check.h"
#include "quo/json.h"

#ifndef QUO_JSON_VERDICTS_MD
#define QUO_JSON_VERDICTS_MD "docs/json-i-verdicts.md"
#endif

/* ---- reading files ----------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap ? cap * 2 : 4096);
            ck_assert_ptr_nonnull(nb);
            buf = nb;
            cap = cap ? cap * 2 : 4096;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    ck_assert_msg(!ferror(f), "reading %s failed", path);
    fclose(f);
    *len = n;
    return buf;
}

static char *suite_dir(void)
{
    static char dir[4096];
    const char *root = getenv("QUO_TESTDATA_DIR");
    DIR *d;
    if (!root || !*root) {
        printf("QUO_TESTDATA_DIR is not set: JSONTestSuite tests skipped\n");
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s/JSONTestSuite/test_parsing", root);
    if (!(d = opendir(dir))) {
        printf("%s not found: JSONTestSuite tests skipped\n", dir);
        return NULL;
    }
    closedir(d);
    return dir;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the *.json files in dir; NULL-terminated. */
static char **list_json(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 512;
            names = realloc(names, cap * sizeof *names);
            ck_assert_ptr_nonnull(names);
        }
        names[n] = strdup(e->d_name);
        ck_assert_ptr_nonnull(names[n]);
        n++;
    }
    closedir(d);
    if (names) {
        qsort(names, n, sizeof *names, cmp_str);
        names[n] = NULL;
    }
    *count = n;
    return names;
}

static void free_list(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

/* ---- the verdict table ------------------------------------------------- */

typedef struct row {
    char file[160];
    bool accept;
    quo_status status;
    bool seen;
} row;

typedef struct table {
    row *rows;
    size_t n;
} table;

/* Copies a trimmed markdown cell, without surrounding backticks. */
static void cell(char *out, size_t cap, const char *from, const char *to)
{
    while (from < to && (*from == ' ' || *from == '`'))
        from++;
    while (to > from && (to[-1] == ' ' || to[-1] == '`' || to[-1] == '\r'))
        to--;
    size_t n = (size_t)(to - from) < cap - 1 ? (size_t)(to - from) : cap - 1;
    memcpy(out, from, n);
    out[n] = '\0';
}

static bool status_by_name(const char *name, quo_status *st)
{
    for (int s = QUO_OK; s <= QUO_ELIMIT; s++) {
        if (strcmp(quo_status_name((quo_status)s), name) == 0) {
            *st = (quo_status)s;
            return true;
        }
    }
    return false;
}

/* Rows are "| file | accept/reject | status | reason |"; other lines
 * (prose, header, separator) are skipped. */
static table load_table(void)
{
    char path[4096];
    const char *src = getenv("QUO_SOURCE_DIR");
    size_t len;
    table t = {NULL, 0};

    if (src && *src)
        snprintf(path, sizeof path, "%s/docs/json-i-verdicts.md", src);
    else
        snprintf(path, sizeof path, "%s", QUO_JSON_VERDICTS_MD);
    char *text = read_all(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s: %s", path, quo_errno_text(errno).text);
    text = realloc(text, len + 1);
    ck_assert_ptr_nonnull(text);
    text[len] = '\0';

    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        const char *bar[6];
        int nbar = 0;
        char file[160], verdict[32], status[32];

        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] != '|')
            continue;
        for (char *c = line; *c && nbar < 6; c++)
            if (*c == '|')
                bar[nbar++] = c;
        if (nbar < 4)
            continue;
        cell(file, sizeof file, bar[0] + 1, bar[1]);
        size_t fl = strlen(file);
        if (fl < 6 || strcmp(file + fl - 5, ".json") != 0)
            continue;
        cell(verdict, sizeof verdict, bar[1] + 1, bar[2]);
        cell(status, sizeof status, bar[2] + 1, bar[3]);
        row r = {{0}, false, QUO_OK, false};
        snprintf(r.file, sizeof r.file, "%s", file);
        ck_assert_msg(strcmp(verdict, "accept") == 0 ||
                          strcmp(verdict, "reject") == 0,
                      "%s line %d: verdict must be accept or reject, not '%s'",
                      path, lineno, verdict);
        r.accept = strcmp(verdict, "accept") == 0;
        ck_assert_msg(status_by_name(status, &r.status),
                      "%s line %d: unknown status '%s'", path, lineno, status);
        ck_assert_msg(r.accept == (r.status == QUO_OK),
                      "%s line %d: verdict and status disagree", path, lineno);
        for (size_t i = 0; i < t.n; i++)
            ck_assert_msg(strcmp(t.rows[i].file, r.file) != 0,
                          "%s line %d: %s listed twice", path, lineno, r.file);
        t.rows = realloc(t.rows, (t.n + 1) * sizeof *t.rows);
        ck_assert_ptr_nonnull(t.rows);
        t.rows[t.n++] = r;
    }
    free(text);
    return t;
}

static row *find_row(table *t, const char *file)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].file, file) == 0)
            return &t->rows[i];
    return NULL;
}

/* ---- running the gate -------------------------------------------------- */

typedef struct outcome {
    quo_status status;
    char message[QUO_ERROR_MESSAGE_MAX];
} outcome;

/* Runs both entry points; they must agree. For accepted text that cJSON
 * also accepts, the two trees must print the same (skipped when a string
 * holds \u0000, which cJSON cuts short). */
static outcome run_gate(const char *dir, const char *name, char *problems,
                        size_t cap, size_t *nproblems)
{
    char path[4096];
    size_t len;
    outcome o;
    quo_error e1, e2;
    quo_json_doc *doc = NULL;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *buf = read_all(path, &len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    quo_status s1 = quo_json_check(buf, len, 0, &e1);
    o.status = quo_json_parse(buf, len, 0, &doc, &e2);
    snprintf(o.message, sizeof o.message, "%s", e2.message);
    if (s1 != o.status || (s1 && e1.offset != e2.offset)) {
        size_t used = strlen(problems);
        snprintf(problems + used, cap - used,
                 "%s: check says %s, parse says %s\n", name,
                 quo_status_name(s1), quo_status_name(o.status));
        ++*nproblems;
    }
    if (doc && !quo_json_has_nul(doc)) {
        cJSON *ref = cJSON_ParseWithLength(buf, len);
        if (ref) {
            char *a = cJSON_PrintUnformatted(quo_json_root(doc));
            char *b = cJSON_PrintUnformatted(ref);
            if (!a || !b || strcmp(a, b) != 0) {
                size_t used = strlen(problems);
                snprintf(problems + used, cap - used,
                         "%s: tree differs from cJSON's: %.60s vs %.60s\n",
                         name, a ? a : "?", b ? b : "?");
                ++*nproblems;
            }
            cJSON_free(a);
            cJSON_free(b);
            cJSON_Delete(ref);
        }
    }
    quo_json_free(doc);
    free(buf);
    return o;
}

/* Checks every file whose name starts with prefix against the table, or
 * against `want_accept` when the table has no row for it. */
static void run_prefix(const char *prefix, bool table_required,
                       bool want_accept)
{
    static char problems[16384];
    const char *dir = suite_dir();
    size_t count, nproblems = 0, tested = 0;

    if (!dir)
        return;
    table t = load_table();
    char **names = list_json(dir, &count);
    problems[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        if (strncmp(names[i], prefix, strlen(prefix)) != 0)
            continue;
        tested++;
        row *r = find_row(&t, names[i]);
        outcome o = run_gate(dir, names[i], problems, sizeof problems,
                             &nproblems);
        size_t used = strlen(problems);
        if (!r && table_required) {
            snprintf(problems + used, sizeof problems - used,
                     "%s: missing from the verdict table (gate says %s %s)\n",
                     names[i], o.status ? "reject" : "accept",
                     quo_status_name(o.status));
            nproblems++;
        } else if (r ? o.status != r->status
                     : (o.status == QUO_OK) != want_accept) {
            snprintf(problems + used, sizeof problems - used,
                     "%s: expected %s %s, gate says %s (%s)\n", names[i],
                     (r ? r->accept : want_accept) ? "accept" : "reject",
                     r ? quo_status_name(r->status) : "",
                     quo_status_name(o.status), o.message);
            nproblems++;
        }
    }
    free_list(names);
    free(t.rows);
    ck_assert_msg(tested > 0, "no %s*.json files in %s", prefix, dir);
    ck_assert_msg(nproblems == 0, "%zu problem(s):\n%s", nproblems, problems);
    printf("%s: %zu files as expected\n", prefix, tested);
}

START_TEST(y_files_are_accepted)
{
    run_prefix("y_", false, true);
}
END_TEST

START_TEST(n_files_are_rejected)
{
    run_prefix("n_", false, false);
}
END_TEST

START_TEST(i_files_match_the_verdict_table)
{
    run_prefix("i_", true, false);
}
END_TEST

START_TEST(every_table_row_names_a_file)
{
    const char *dir = suite_dir();
    size_t count, stale = 0, irows = 0;
    char msg[4096] = "";

    if (!dir)
        return;
    table t = load_table();
    char **names = list_json(dir, &count);
    for (size_t i = 0; i < t.n; i++) {
        bool found = false;
        for (size_t j = 0; j < count && !found; j++)
            found = strcmp(names[j], t.rows[i].file) == 0;
        irows += strncmp(t.rows[i].file, "i_", 2) == 0;
        if (!found) {
            size_t used = strlen(msg);
            snprintf(msg + used, sizeof msg - used, " %s", t.rows[i].file);
            stale++;
        }
    }
    free_list(names);
    free(t.rows);
    ck_assert_msg(irows > 0, "the verdict table has no i_ rows");
    ck_assert_msg(stale == 0, "table rows without a file:%s", msg);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("JSONTestSuite");
    TCase *tc = tcase_create("test_parsing");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, y_files_are_accepted);
    tcase_add_test(tc, n_files_are_rejected);
    tcase_add_test(tc, i_files_match_the_verdict_table);
    tcase_add_test(tc, every_table_row_names_a_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    char dir[4096];
    if (!quo_check_testdata("JSONTestSuite/test_parsing", dir, sizeof dir))
        return QUO_CHECK_SKIP;
    int failed = quo_check_run(json_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
