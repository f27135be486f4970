/* request.c - the create-task body validator.
 *
 * The generic schema engine can only say "matches none of the anyOf
 * branches". A user needs more: which link id to send, or what is wrong
 * with the branch they chose. So the anyOf is judged here by its link
 * properties (read from the spec), and the chosen branch is validated in
 * full by the engine. */
#include <stdio.h>
#include <string.h>

#include "quo/request.h"

/* Enough for "phoneNumberId, conversationId, activityId" and longer specs. */
#define LINK_LIST_MAX 256

/* The link index member `m` names, or QUO_REQUEST_NO_LINK. */
static size_t link_of(const quo_spec *spec, const quo_json_doc *doc, const cJSON *m)
{
    size_t klen = quo_json_keylen(doc, m);
    for (size_t i = 0; i < quo_spec_link_count(spec); i++) {
        size_t n;
        const char *name = quo_spec_link_name_len(spec, i, &n);
        if (klen == n && memcmp(m->string, name, n) == 0)
            return i;
    }
    return QUO_REQUEST_NO_LINK;
}

/* Counts the link properties present; *first receives the index of the first. */
static size_t count_links(const quo_spec *spec, const cJSON *root,
                          const quo_json_doc *doc, size_t *first)
{
    size_t found = 0;
    *first = QUO_REQUEST_NO_LINK;
    for (const cJSON *m = root->child; m; m = m->next) {
        size_t i = link_of(spec, doc, m);
        if (i != QUO_REQUEST_NO_LINK && found++ == 0)
            *first = i;
    }
    return found;
}

/* "phoneNumberId, conversationId, activityId" for the message. */
static void link_list(const quo_spec *spec, const char *sep_last, char *buf, size_t size)
{
    size_t n = quo_spec_link_count(spec), used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? sep_last : ", ";
        int w = snprintf(buf + used, size - used, "%s%s", sep, quo_spec_link_name(spec, i));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static quo_status report_link_count(const quo_spec *spec, const cJSON *root,
                                    const quo_json_doc *doc, size_t found,
                                    quo_violations *out)
{
    char all[LINK_LIST_MAX];
    link_list(spec, ", ", all, sizeof all);
    if (found == 0)
        return quo_violations_add(out, "", NULL, "anyOf", "object",
                                  "provide exactly one of %s (none was given)", all);
    /* Name the ones that were sent, so the user knows what to remove. */
    char sent[LINK_LIST_MAX] = "";
    size_t used = 0;
    for (const cJSON *m = root->child; m; m = m->next)
        if (link_of(spec, doc, m) != QUO_REQUEST_NO_LINK && used < sizeof sent) {
            int w = snprintf(sent + used, sizeof sent - used, "%s%s", used ? ", " : "",
                             m->string);
            used += w > 0 ? (size_t)w : 0;
        }
    return quo_violations_add(out, "", NULL, "anyOf", "object",
                              "provide exactly one of %s (%zu were given: %s)", all, found, sent);
}

quo_status quo_request_validate_tree(const quo_spec *spec, const cJSON *root,
                                     const quo_json_doc *doc,
                                     quo_violations *out, size_t *link)
{
    const quo_schema *schema = quo_spec_request_schema(spec);
    size_t chosen = QUO_REQUEST_NO_LINK;
    if (link)
        *link = QUO_REQUEST_NO_LINK;
    if (quo_spec_link_count(spec) == 0)
        return quo_schema_validate(schema, root, doc, out);
    if (!cJSON_IsObject(root))
        return quo_violations_add_doc(out, doc, "", root, "type", "object",
                                  "the body must be a JSON object, not %s", quo_json_type_name(root));

    size_t found = count_links(spec, root, doc, &chosen);
    if (found != 1)
        return report_link_count(spec, root, doc, found, out);
    if (link)
        *link = chosen;
    return quo_schema_validate(quo_schema_branch(schema, chosen), root, doc, out);
}

quo_status quo_request_validate(const quo_spec *spec, const char *body,
                                size_t len, unsigned max_depth,
                                quo_violations *out, size_t *link)
{
    quo_json_doc *doc = NULL;
    quo_error err;
    if (link)
        *link = QUO_REQUEST_NO_LINK;
    quo_status st = quo_json_parse(body, len, max_depth, &doc, &err);
    if (st == QUO_ENOMEM)
        return st;
    if (st != QUO_OK)
        return quo_violations_add(out, "", NULL, "json", "object",
                                  "the body is not valid JSON: %s", err.message);
    st = quo_request_validate_tree(spec, quo_json_root(doc), doc, out, link);
    quo_json_free(doc);
    return st;
}
