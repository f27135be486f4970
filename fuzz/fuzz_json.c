/* fuzz_json.c - the strict JSON gate against cJSON.
 *
 * Properties (abort on violation):
 *  1. quo_json_check() and quo_json_parse() give the same verdict.
 *  2. The gate never accepts what cJSON rejects: whatever the gate accepts,
 *     cJSON_ParseWithLengthOpts with NUL termination required (so trailing
 *     text is an error) accepts too.
 *  3. For accepted input, print -> re-parse -> print is a fixed point:
 *     p1 = print(gate tree); the gate accepts p1; print(gate(p1)) == p1 and
 *     print(cJSON(p1)) == p1.
 *  4. For accepted input, the gate's tree equals cJSON's tree of the same
 *     text: same types, member names in the same order, strings, numbers
 *     as doubles (a differential check of the tree the gate builds itself).
 * cJSON's printer cuts strings at U+0000, so for documents holding \u0000
 * (quo_json_has_nul) properties 3 and 4 are skipped: the printed text
 * legitimately differs, and truncated member names may even collide.
 * Property 3 is also skipped for numbers within 1e-15 of DBL_MAX, which
 * cJSON 1.7.15 prints as text that overflows (see printer_overflows).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

/* True when cJSON's printer would write a number of `node` as text that
 * no longer parses to a finite double. cJSON 1.7.15 prints with %1.15g
 * and keeps that when re-reading it "compares equal" by a relative test
 * that also holds for inf, so values within 1e-15 of DBL_MAX print as
 * 1.79769313486232e+308, which overflows. A cJSON limitation, not the
 * gate's: such trees are left out of the fixed-point check. */
static bool printer_overflows(const cJSON *node)
{
    if (cJSON_IsNumber(node) && isfinite(node->valuedouble)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%1.15g", node->valuedouble);
        if (isinf(strtod(buf, NULL)))
            return true;
    }
    for (const cJSON *c = node->child; c; c = c->next)
        if (printer_overflows(c))
            return true;
    return false;
}

static char *print_tree(const cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    FUZZ_CHECK(text != NULL, "cJSON_PrintUnformatted failed (out of memory?)");
    return text;
}

static void check_fixed_point(const cJSON *root)
{
    char *p1 = print_tree(root);
    size_t len = strlen(p1);
    quo_json_doc *again = NULL;
    quo_error err;
    quo_status st = quo_json_parse(p1, len, 0, &again, &err);
    if (st != QUO_OK)
        fuzz_dump("printed", p1, len, 512);
    FUZZ_CHECK(st == QUO_OK, "the gate rejects cJSON's printout of a tree it built: %s",
               err.message);
    char *p2 = print_tree(quo_json_root(again));
    if (strcmp(p1, p2) != 0) {
        fuzz_dump("print 1", p1, len, 512);
        fuzz_dump("print 2", p2, strlen(p2), 512);
    }
    FUZZ_CHECK(strcmp(p1, p2) == 0, "print -> gate parse -> print is not a fixed point");

    cJSON *theirs = cJSON_ParseWithLength(p1, len);
    FUZZ_CHECK(theirs != NULL, "cJSON rejects its own printout");
    char *p3 = print_tree(theirs);
    if (strcmp(p1, p3) != 0) {
        fuzz_dump("print 1", p1, len, 512);
        fuzz_dump("print via cJSON", p3, strlen(p3), 512);
    }
    FUZZ_CHECK(strcmp(p1, p3) == 0, "print -> cJSON parse -> print is not a fixed point");

    cJSON_free(p3);
    cJSON_Delete(theirs);
    cJSON_free(p2);
    quo_json_free(again);
    cJSON_free(p1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    quo_error check_err, parse_err;
    quo_json_doc *doc = NULL;

    quo_status checked = quo_json_check(text, size, 0, &check_err);
    quo_status parsed = quo_json_parse(text, size, 0, &doc, &parse_err);
    FUZZ_CHECK(checked == parsed, "quo_json_check says %s, quo_json_parse says %s",
               quo_status_name(checked), quo_status_name(parsed));
    FUZZ_CHECK((parsed == QUO_OK) == (doc != NULL),
               "quo_json_parse returned %s with document %p", quo_status_name(parsed),
               (void *)doc);
    if (parsed != QUO_OK)
        return 0;

    /* cJSON's "require NUL termination" wants the NUL inside the length:
     * it is how it rejects trailing text. The gate accepted the input, so
     * the input itself holds no NUL byte. */
    char *terminated = malloc(size + 1);
    FUZZ_CHECK(terminated != NULL, "out of memory");
    memcpy(terminated, text, size);
    terminated[size] = '\0';
    cJSON *theirs = cJSON_ParseWithLengthOpts(terminated, size + 1, NULL, 1);
    free(terminated);
    if (!theirs)
        fuzz_dump("input", data, size, 512);
    FUZZ_CHECK(theirs != NULL, "the gate accepted a text cJSON rejects");

    if (!quo_json_has_nul(doc)) {
        const cJSON *ours = quo_json_root(doc);
        FUZZ_CHECK(fuzz_json_equal(ours, theirs),
                   "the gate's tree differs from cJSON's tree of the same text");
        if (!printer_overflows(ours))
            check_fixed_point(ours);
    }
    cJSON_Delete(theirs);
    quo_json_free(doc);
    return 0;
}
