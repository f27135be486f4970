/* JSON-Schema-Test-Suite (draft2020-12) runner: every file of the
 * draft2020-12 folder, its optional/ folder and optional/format/.
 *
 * Every test group's schema is compiled and every test's verdict compared,
 * both in collect-all mode and with quo_schema_is_valid(). A group whose
 * schema is rejected as unsupported (QUO_ESCHEMA) is skipped only when it
 * is listed in docs/schema-suite.md; a single test is skipped only when it
 * is listed there and really gets the other verdict. A listed group that
 * compiles, a listed test that passes, or a listed entry that no longer
 * exists fails the run, so the list can neither hide a regression nor go
 * stale. Files are parsed with the strict gate (quo_json_parse): some
 * strings hold \u0000. Without the test data the program exits 77
 * (skipped).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/json.h"
#include "quo/schema.h"

/* The folders run, relative to tests/draft2020-12. */
static const char *const folders[] = {"", "optional/", "optional/format/"};

#define MAX_EXCLUSIONS 256

typedef struct exclusion {
    char file[64];
    char group[192];
    char test[192]; /* empty: the whole group */
    bool used;
} exclusion;

static exclusion excl[MAX_EXCLUSIONS];
static size_t nexcl;

/* The whole file, NUL-terminated; NULL on error. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, (cap *= 2) + 1);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Copies the text of the code span starting at *p (a backtick) into
 * out[cap] and moves *p past it; false when there is none. */
static bool code_span(char **p, char *out, size_t cap, const char *line)
{
    char *a = strchr(*p, '`'), *b = a ? strchr(a + 1, '`') : NULL;
    if (!b)
        return false;
    ck_assert_msg((size_t)(b - a - 1) < cap, "exclusion row too long: %s", line);
    memcpy(out, a + 1, (size_t)(b - a - 1));
    out[b - a - 1] = '\0';
    *p = b + 1;
    return true;
}

/* Rows of the exclusion tables look like
 *   | `ref.json` | `remote ref, containing refs itself` | why |
 *   | `format.json` | `email format` | `invalid email string is ...` | why |
 * The second form (a third cell that starts with a code span) names one
 * test. A description with a backtick in it could not be listed; a reason
 * never starts with one. */
static void load_exclusions(const char *doc_path)
{
    size_t len;
    char *text = read_file(doc_path, &len);
    ck_assert_msg(text != NULL, "cannot read %s: %s", doc_path, strerror(errno));
    char *save = NULL, *copy = text;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "| `", 3) != 0)
            continue;
        ck_assert_msg(nexcl < MAX_EXCLUSIONS, "too many exclusions");
        exclusion *e = &excl[nexcl++];
        memset(e, 0, sizeof *e);
        char *p = line;
        ck_assert_msg(code_span(&p, e->file, sizeof e->file, line) &&
                          code_span(&p, e->group, sizeof e->group, line),
                      "malformed exclusion row: %s", line);
        if (strncmp(p, " | `", 4) == 0)
            ck_assert_msg(code_span(&p, e->test, sizeof e->test, line),
                          "malformed exclusion row: %s", line);
    }
    free(copy);
}

static exclusion *find_exclusion(const char *file, const char *group, const char *test)
{
    for (size_t i = 0; i < nexcl; i++)
        if (strcmp(excl[i].file, file) == 0 && strcmp(excl[i].group, group) == 0 &&
            strcmp(excl[i].test, test ? test : "") == 0)
            return &excl[i];
    return NULL;
}

typedef struct totals {
    size_t passed, skipped, groups_skipped, tests_skipped, failed;
    char first_failure[512];
} totals;

static void failure(totals *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void failure(totals *t, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    t->failed++;
    fprintf(stderr, "FAIL %s\n", line);
    if (t->failed == 1)
        snprintf(t->first_failure, sizeof t->first_failure, "%s", line);
}

static void run_group(totals *t, const char *file, const quo_json_doc *doc, const cJSON *group)
{
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(group, "description");
    const cJSON *schema_json = cJSON_GetObjectItemCaseSensitive(group, "schema");
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(group, "tests");
    ck_assert(cJSON_IsString(desc) && schema_json && cJSON_IsArray(tests));
    const char *gname = desc->valuestring;

    quo_schema *schema = NULL;
    quo_error err = {QUO_OK, 0, ""};
    quo_status st = quo_schema_compile(schema_json, doc, "", &schema, &err);
    exclusion *ex = find_exclusion(file, gname, NULL);
    if (ex) {
        ex->used = true;
        if (st == QUO_OK) {
            failure(t, "%s: \"%s\" compiles now: remove it from docs/schema-suite.md", file,
                    gname);
            quo_schema_free(schema);
            return;
        }
        if (st != QUO_ESCHEMA) {
            failure(t, "%s: \"%s\": %s", file, gname, err.message);
            return;
        }
        t->skipped += (size_t)cJSON_GetArraySize(tests);
        t->groups_skipped++;
        return;
    }
    if (st != QUO_OK) {
        failure(t, "%s: \"%s\" does not compile: %s", file, gname, err.message);
        return;
    }
    for (const cJSON *test = tests->child; test; test = test->next) {
        const cJSON *tdesc = cJSON_GetObjectItemCaseSensitive(test, "description");
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(test, "data");
        const cJSON *expect = cJSON_GetObjectItemCaseSensitive(test, "valid");
        ck_assert(cJSON_IsString(tdesc) && data && cJSON_IsBool(expect));
        quo_violations v;
        quo_violations_init(&v);
        quo_status vst = quo_schema_validate(schema, data, doc, &v);
        bool quick = quo_schema_is_valid(schema, data, doc);
        bool want = cJSON_IsTrue(expect);
        exclusion *tex = find_exclusion(file, gname, tdesc->valuestring);
        if (tex) {
            tex->used = true;
            if (vst == QUO_OK && (v.count == 0) != want && quick != want) {
                t->skipped++;
                t->tests_skipped++;
            }
            else
                failure(t, "%s: \"%s\" / \"%s\" is listed in docs/schema-suite.md but gets "
                        "the suite's verdict now: remove it", file, gname, tdesc->valuestring);
        } else if (vst != QUO_OK)
            failure(t, "%s: \"%s\" / \"%s\": %s", file, gname, tdesc->valuestring,
                    vst == QUO_ELIMIT ? "not judged (QUO_ELIMIT)" : "validation failed");
        else if ((v.count == 0) != want || quick != want)
            failure(t, "%s: \"%s\" / \"%s\": %s", file, gname, tdesc->valuestring,
                    v.count ? v.items[0].message
                            : want ? "is_valid says invalid" : "accepted but must be rejected");
        else
            t->passed++;
        quo_violations_free(&v);
    }
    quo_schema_free(schema);
}

static void run_file(totals *t, const char *dir, const char *file)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len;
    char *text = read_file(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s: %s", path, strerror(errno));
    quo_json_doc *doc = NULL;
    quo_error err;
    quo_status st = quo_json_parse(text, len, 0, &doc, &err);
    free(text);
    ck_assert_msg(st == QUO_OK, "%s does not parse: %s", path, err.message);
    const cJSON *root = quo_json_root(doc);
    ck_assert(cJSON_IsArray(root));
    size_t before = t->passed, skipped = t->skipped;
    for (const cJSON *g = root->child; g; g = g->next)
        run_group(t, file, doc, g);
    printf("  %-32s %4zu passed %4zu skipped\n", file, t->passed - before, t->skipped - skipped);
    quo_json_free(doc);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json file of dir/folder, in name order. */
static void run_folder(totals *t, const char *dir, const char *folder)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, folder);
    DIR *d = opendir(path);
    ck_assert_msg(d != NULL, "cannot open %s: %s", path, strerror(errno));
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        ck_assert_msg(n < sizeof names / sizeof names[0], "too many files in %s", path);
        names[n] = malloc(strlen(folder) + len + 1);
        ck_assert_ptr_nonnull(names[n]);
        snprintf(names[n], strlen(folder) + len + 1, "%s%s", folder, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    for (size_t i = 0; i < n; i++) {
        run_file(t, dir, names[i]);
        free(names[i]);
    }
}

static char suite_dir[1024];

START_TEST(draft2020_12)
{
    const char *src = getenv("QUO_SOURCE_DIR");
    char doc_path[1200];
    ck_assert_msg(src != NULL, "QUO_SOURCE_DIR is not set (where docs/schema-suite.md is)");
    snprintf(doc_path, sizeof doc_path, "%s/docs/schema-suite.md", src);
    load_exclusions(doc_path);

    totals t = {0, 0, 0, 0, 0, ""};
    printf("JSON-Schema-Test-Suite draft2020-12 (%s)\n", suite_dir);
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++)
        run_folder(&t, suite_dir, folders[i]);
    for (size_t i = 0; i < nexcl; i++)
        if (!excl[i].used)
            failure(&t, "%s: \"%s\"%s%s%s is listed in docs/schema-suite.md but not in the suite",
                    excl[i].file, excl[i].group, excl[i].test[0] ? " / \"" : "", excl[i].test,
                    excl[i].test[0] ? "\"" : "");
    printf("total: %zu passed, %zu skipped (%zu groups and %zu tests listed in "
           "docs/schema-suite.md), %zu failed\n",
           t.passed, t.skipped, t.groups_skipped, t.tests_skipped, t.failed);
    fflush(stdout);
    ck_assert_msg(t.failed == 0, "%zu failures, first: %s", t.failed, t.first_failure);
    ck_assert_uint_gt(t.passed, 0);
}
END_TEST

int main(void)
{
    const char *data = getenv("QUO_TESTDATA_DIR");
    snprintf(suite_dir, sizeof suite_dir, "%s/JSON-Schema-Test-Suite/tests/draft2020-12",
             data ? data : "");
    DIR *probe = data ? opendir(suite_dir) : NULL;
    if (!probe) {
        printf("SKIP JSON-Schema-Test-Suite: %s is absent (set QUO_TESTDATA_DIR)\n",
               data ? suite_dir : "QUO_TESTDATA_DIR unset, test data");
        return 77;
    }
    closedir(probe);
    Suite *s = suite_create("schema-suite");
    TCase *tc = tcase_create("draft2020-12");
    tcase_add_test(tc, draft2020_12);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
