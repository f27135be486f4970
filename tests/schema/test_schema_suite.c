/* JSON-Schema-Test-Suite (draft2020-12) runner for the supported keywords.
 *
 * Every test group's schema is compiled and every test's verdict compared,
 * both in collect-all mode and with quo_schema_is_valid(). A group whose
 * schema is rejected as unsupported (QUO_ESCHEMA) is skipped only when it
 * is listed in docs/schema-suite.md; a listed group that compiles, or a
 * listed group that no longer exists, fails the run, so the list can
 * neither hide a regression nor go stale. Files are parsed with the
 * strict gate (quo_json_parse): some strings hold \u0000.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/json.h"
#include "quo/schema.h"

static const char *const files[] = {
    "type.json", "required.json", "properties.json", "additionalProperties.json",
    "anyOf.json", "oneOf.json", "allOf.json", "const.json", "enum.json", "items.json",
    "minLength.json", "maxLength.json", "minimum.json", "maximum.json", "pattern.json",
    "ref.json", "optional/format/date-time.json", "optional/ecmascript-regex.json",
};

#define MAX_EXCLUSIONS 128

typedef struct exclusion {
    char file[64];
    char group[192];
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

/* Rows of the exclusion table look like
 *   | `ref.json` | `remote ref, containing refs itself` | why |
 * The group description is the text between the second pair of
 * backticks; a description with a backtick in it could not be listed. */
static void load_exclusions(const char *doc_path)
{
    size_t len;
    char *text = read_file(doc_path, &len);
    ck_assert_msg(text != NULL, "cannot read %s: %s", doc_path, strerror(errno));
    char *save = NULL, *copy = text;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "| `", 3) != 0)
            continue;
        char *f1 = line + 3, *f2 = strchr(f1, '`');
        char *g1 = f2 ? strchr(f2 + 1, '`') : NULL;
        char *g2 = g1 ? strchr(g1 + 1, '`') : NULL;
        ck_assert_msg(g2 != NULL, "malformed exclusion row: %s", line);
        ck_assert_msg(nexcl < MAX_EXCLUSIONS, "too many exclusions");
        exclusion *e = &excl[nexcl++];
        ck_assert_msg((size_t)(f2 - f1) < sizeof e->file && (size_t)(g2 - g1 - 1) < sizeof e->group,
                      "exclusion row too long: %s", line);
        memcpy(e->file, f1, (size_t)(f2 - f1));
        memcpy(e->group, g1 + 1, (size_t)(g2 - g1 - 1));
        e->used = false;
    }
    free(copy);
}

static exclusion *find_exclusion(const char *file, const char *group)
{
    for (size_t i = 0; i < nexcl; i++)
        if (strcmp(excl[i].file, file) == 0 && strcmp(excl[i].group, group) == 0)
            return &excl[i];
    return NULL;
}

typedef struct totals {
    size_t passed, skipped, groups_skipped, failed;
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
    exclusion *ex = find_exclusion(file, gname);
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
        if (vst != QUO_OK)
            failure(t, "%s: \"%s\" / \"%s\": %s", file, gname, tdesc->valuestring,
                    "validation failed (out of memory?)");
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

START_TEST(draft2020_12)
{
    const char *data = getenv("QUO_TESTDATA_DIR");
    const char *src = getenv("QUO_SOURCE_DIR");
    char dir[1024], doc_path[1200];
    snprintf(dir, sizeof dir, "%s/JSON-Schema-Test-Suite/tests/draft2020-12", data ? data : "");
    FILE *probe = data ? fopen(dir, "r") : NULL;
    if (!probe) {
        printf("SKIP JSON-Schema-Test-Suite: %s is absent (set QUO_TESTDATA_DIR)\n",
               data ? dir : "QUO_TESTDATA_DIR unset, test data");
        return;
    }
    fclose(probe);
    ck_assert_msg(src != NULL, "QUO_SOURCE_DIR is not set (where docs/schema-suite.md is)");
    snprintf(doc_path, sizeof doc_path, "%s/docs/schema-suite.md", src);
    load_exclusions(doc_path);

    totals t = {0, 0, 0, 0, ""};
    printf("JSON-Schema-Test-Suite draft2020-12 (%s)\n", dir);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        run_file(&t, dir, files[i]);
    for (size_t i = 0; i < nexcl; i++)
        if (!excl[i].used)
            failure(&t, "%s: \"%s\" is listed in docs/schema-suite.md but not in the suite",
                    excl[i].file, excl[i].group);
    printf("total: %zu passed, %zu skipped (%zu groups listed in docs/schema-suite.md), "
           "%zu failed\n",
           t.passed, t.skipped, t.groups_skipped, t.failed);
    fflush(stdout);
    ck_assert_msg(t.failed == 0, "%zu failures, first: %s", t.failed, t.first_failure);
    ck_assert_uint_gt(t.passed, 0);
}
END_TEST

int main(void)
{
    char dir[4096];
    if (!quo_check_testdata("JSON-Schema-Test-Suite/tests/draft2020-12", dir, sizeof dir))
        return QUO_CHECK_SKIP;
    Suite *s = suite_create("schema-suite");
    TCase *tc = tcase_create("draft2020-12");
    tcase_add_test(tc, draft2020_12);
    suite_add_tcase(s, tc);
    int failed = quo_check_run(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
