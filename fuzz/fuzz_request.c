/* fuzz_request.c - the create-task request validator.
 *
 * Properties (abort on violation):
 *  1+2. Deterministic, and the two entry points agree: the body is
 *     validated twice, once from its bytes (quo_request_validate) and once
 *     from the gate's tree (quo_request_validate_tree), and both give the
 *     same list (paths, messages, keywords, types, values) and the same
 *     link branch. (One comparison checks both: validating from bytes is
 *     parsing plus the tree validation.)
 *  3. Text the gate rejects gives exactly one violation, keyword "json",
 *     path "".
 *  4. Every violation is well formed: path and message are valid UTF-8
 *     (they become JSON strings in a 400's errors[]), keyword and schema
 *     type are named, and the path is an RFC 6901 JSON Pointer into the
 *     input: every token but the last names an existing member or element,
 *     and so does the last unless the keyword is "required" (the path of a
 *     missing member names where it would be).
 *  5. A valid body chose a link branch, and stays valid after a parse ->
 *     print round trip.
 *  6. The errors[] rendering (quo_violations_to_json) printed by cJSON is
 *     strict JSON by the gate's own verdict.
 * cJSON's printer cuts strings at U+0000, so 5 and 6 are skipped for bodies
 * holding \u0000 (quo_json_has_nul): the printed text is not the body.
 */
#include <string.h>

#include "fuzz_common.h"
#include "quo/request.h"

static void check_round_trip(const quo_spec *spec, const cJSON *root)
{
    char *printed = cJSON_PrintUnformatted(root);
    FUZZ_CHECK(printed != NULL, "cJSON_PrintUnformatted failed");
    quo_violations again;
    quo_violations_init(&again);
    FUZZ_CHECK(quo_request_validate(spec, printed, strlen(printed), 0, &again, NULL) == QUO_OK,
               "out of memory");
    if (again.count) {
        fuzz_dump("printed", printed, strlen(printed), 512);
        fuzz_dump_violations("after the round trip", &again);
    }
    FUZZ_CHECK(again.count == 0, "a valid body is invalid after a parse/print round trip");
    quo_violations_free(&again);
    cJSON_free(printed);
}

static void check_rendering(const quo_violations *list)
{
    cJSON *errors = quo_violations_to_json(list);
    FUZZ_CHECK(errors != NULL, "quo_violations_to_json failed");
    FUZZ_CHECK(cJSON_GetArraySize(errors) == (int)list->count,
               "errors[] has %d items for %zu violations", cJSON_GetArraySize(errors),
               list->count);
    char *text = cJSON_PrintUnformatted(errors);
    FUZZ_CHECK(text != NULL, "cJSON_PrintUnformatted failed");
    quo_error err;
    quo_status st = quo_json_check(text, strlen(text), 0, &err);
    if (st != QUO_OK)
        fuzz_dump("errors[]", text, strlen(text), 1024);
    FUZZ_CHECK(st == QUO_OK, "the errors[] rendering is not strict JSON: %s", err.message);
    cJSON_free(text);
    cJSON_Delete(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const quo_spec *spec = fuzz_spec();
    const char *body = (const char *)data;
    quo_violations first, by_tree;
    size_t link1, link2;
    const char *why = "";

    quo_violations_init(&first);
    quo_violations_init(&by_tree);
    FUZZ_CHECK(quo_request_validate(spec, body, size, 0, &first, &link1) == QUO_OK,
               "out of memory");

    quo_json_doc *doc = NULL;
    quo_error err;
    if (quo_json_parse(body, size, 0, &doc, &err) != QUO_OK) {
        FUZZ_CHECK(first.count == 1 && strcmp(first.items[0].keyword, "json") == 0 &&
                       first.items[0].path[0] == '\0',
                   "text the gate rejects (%s) must give one \"json\" violation at \"\"",
                   err.message);
        FUZZ_CHECK(link1 == QUO_REQUEST_NO_LINK, "a link was chosen for non-JSON text");
        fuzz_check_violation(&first.items[0], NULL, NULL, "input");
        check_rendering(&first);
    } else {
        const cJSON *root = quo_json_root(doc);
        FUZZ_CHECK(quo_request_validate_tree(spec, root, doc, &by_tree, &link2) == QUO_OK,
                   "out of memory");
        bool same = fuzz_violations_equal(&first, &by_tree, &why);
        if (!same) {
            fuzz_dump_violations("from bytes", &first);
            fuzz_dump_violations("from the tree", &by_tree);
        }
        FUZZ_CHECK(same && link1 == link2, "validating twice gave different verdicts: %s",
                   same ? "different link" : why);
        for (size_t i = 0; i < first.count; i++)
            fuzz_check_violation(&first.items[i], root, doc, "input");
        if (first.count == 0) {
            FUZZ_CHECK(link1 != QUO_REQUEST_NO_LINK, "a valid body chose no link branch");
            if (!quo_json_has_nul(doc))
                check_round_trip(spec, root);
        } else if (!quo_json_has_nul(doc)) {
            check_rendering(&first);
        }
    }
    quo_json_free(doc);
    quo_violations_free(&by_tree);
    quo_violations_free(&first);
    return 0;
}
