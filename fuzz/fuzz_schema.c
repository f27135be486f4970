/* fuzz_schema.c - the schema engine on schemas and instances it has never
 * seen (a --spec document is user input too).
 *
 * Input: a JSON array (strict gate); element 0 is the schema, compiled with
 * the array as its document (so "$ref": "#/1" style references resolve),
 * and every other element is an instance validated against it. Inputs the
 * gate rejects or that are not arrays are only parsed.
 *
 * Properties (abort on violation):
 *  1. Compilation takes a verdict: QUO_OK, or QUO_ESCHEMA / QUO_ENOMEM
 *     with a message naming the problem.
 *  2. For every instance the fast check (quo_schema_is_valid) and the
 *     collecting validation agree, and the collecting validation is
 *     deterministic; an instance not judged (QUO_ELIMIT: a limit of the
 *     engine) is never judged, and has no violations.
 *  3. Every violation is well formed (UTF-8 path and message, named keyword
 *     and type) and its path resolves into the instance as fuzz_request
 *     checks it (the last token of a "required" path may be missing).
 *  4. A top-level anyOf/oneOf exposes every branch.
 */
#include <string.h>

#include "fuzz_common.h"
#include "quo/schema.h"

static void check_instance(const quo_schema *schema, const cJSON *inst, const quo_json_doc *doc)
{
    quo_violations a, b;
    quo_violations_init(&a);
    quo_violations_init(&b);
    bool fast = quo_schema_is_valid(schema, inst, doc);
    quo_status sa = quo_schema_validate(schema, inst, doc, &a);
    quo_status sb = quo_schema_validate(schema, inst, doc, &b);
    if (sa == QUO_ELIMIT) {
        /* not judged (a limit of ours): said the same way every time */
        FUZZ_CHECK(sb == QUO_ELIMIT && !fast && a.count == 0 && b.count == 0,
                   "a document not judged once is judged the next time");
        quo_violations_free(&b);
        quo_violations_free(&a);
        return;
    }
    FUZZ_CHECK(sa == QUO_OK && sb == QUO_OK, "out of memory");
    if (fast != (a.count == 0))
        fuzz_dump_violations("collecting mode", &a);
    FUZZ_CHECK(fast == (a.count == 0), "quo_schema_is_valid says %d, validate found %zu", fast,
               a.count);
    const char *why = "";
    FUZZ_CHECK(fuzz_violations_equal(&a, &b, &why), "validation is not deterministic: %s", why);
    for (size_t i = 0; i < a.count; i++)
        fuzz_check_violation(&a.items[i], inst, doc, "instance");
    quo_violations_free(&b);
    quo_violations_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    quo_json_doc *doc = NULL;
    quo_error err;
    if (quo_json_parse((const char *)data, size, 0, &doc, &err) != QUO_OK)
        return 0;
    const cJSON *root = quo_json_root(doc);
    if (!cJSON_IsArray(root) || !root->child) {
        quo_json_free(doc);
        return 0;
    }
    quo_schema *schema = NULL;
    memset(&err, 0, sizeof err);
    quo_status st = quo_schema_compile(root, doc, "/0", &schema, &err);
    FUZZ_CHECK(st == QUO_OK || st == QUO_ESCHEMA || st == QUO_ENOMEM,
               "quo_schema_compile returned %s", quo_status_name(st));
    FUZZ_CHECK((st == QUO_OK) == (schema != NULL), "verdict %s with schema %p",
               quo_status_name(st), (void *)schema);
    if (st != QUO_OK) {
        FUZZ_CHECK(err.message[0] != '\0', "compile failed (%s) without a message",
                   quo_status_name(st));
        FUZZ_CHECK(fuzz_utf8_valid(err.message, strlen(err.message)),
                   "compile message is not valid UTF-8: %s", err.message);
        quo_json_free(doc);
        return 0;
    }
    for (size_t i = 0; i < quo_schema_branch_count(schema); i++)
        FUZZ_CHECK(quo_schema_branch(schema, i) != NULL, "branch %zu is NULL", i);
    for (const cJSON *inst = root->child->next; inst; inst = inst->next)
        check_instance(schema, inst, doc);
    quo_schema_free(schema);
    quo_json_free(doc);
    return 0;
}
