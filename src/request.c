/* request.c - the create-task body validator.
 *
 * The verdict is the request schema's, exactly (JSON Schema semantics for
 * anyOf/oneOf/allOf): a body is valid iff the compiled schema accepts it.
 * Only when it rejects a body does this module look further, to say what
 * a user needs to hear instead of "matches none of the anyOf branches":
 * which link id to send ("provide exactly one of ..."), or what is wrong
 * with the alternative the body chose (the violations of that
 * alternative's own schemas, from the contract's analysis). */
#include <stdio.h>
#include <string.h>

#include "quo/request.h"

/* Enough for "phoneNumberId, conversationId, activityId" and longer specs. */
#define LINK_LIST_MAX 256

/* The link index member `m` names, or QUO_REQUEST_NO_LINK. */
static size_t link_of(const quo_contract *c, const quo_json_doc *doc, const cJSON *m)
{
    return quo_contract_link_find(c, m->string, quo_json_keylen(doc, m));
}

/* Counts the link properties present; *first receives the index of the first. */
static size_t count_links(const quo_contract *c, const cJSON *root,
                          const quo_json_doc *doc, size_t *first)
{
    size_t found = 0;
    *first = QUO_REQUEST_NO_LINK;
    for (const cJSON *m = root->child; m; m = m->next) {
        size_t i = link_of(c, doc, m);
        if (i != QUO_REQUEST_NO_LINK && found++ == 0)
            *first = i;
    }
    return found;
}

/* Appends s to buf[0..*used) (size bytes), cut where it does not fit;
 * plain copies: this runs for every body rejected for its link ids. */
static void list_put(char *buf, size_t size, size_t *used, const char *s)
{
    size_t n = strlen(s);
    if (*used + 1 >= size)
        return;
    if (n > size - 1 - *used)
        n = size - 1 - *used;
    memcpy(buf + *used, s, n);
    *used += n;
    buf[*used] = '\0';
}

/* "phoneNumberId, conversationId, activityId" for the message. */
static void link_list(const quo_contract *c, char *buf, size_t size)
{
    size_t n = quo_contract_link_count(c), used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            list_put(buf, size, &used, ", ");
        list_put(buf, size, &used, quo_contract_link_at(c, i)->name);
    }
}

static quo_status report_link_count(const quo_contract *c, const cJSON *root,
                                    const quo_json_doc *doc, size_t found,
                                    quo_violations *out)
{
    char all[LINK_LIST_MAX];
    link_list(c, all, sizeof all);
    if (found == 0)
        return quo_violations_add(out, "", NULL, "anyOf", "object",
                                  "provide exactly one of %s (none was given)", all);
    /* Name the ones that were sent, so the user knows what to remove. */
    char sent[LINK_LIST_MAX] = "";
    size_t used = 0;
    for (const cJSON *m = root->child; m; m = m->next)
        if (link_of(c, doc, m) != QUO_REQUEST_NO_LINK) {
            if (used)
                list_put(sent, sizeof sent, &used, ", ");
            list_put(sent, sizeof sent, &used, m->string);
        }
    return quo_violations_add(out, "", NULL, "anyOf", "object",
                              "provide exactly one of %s (%zu were given: %s)", all, found, sent);
}

/* The violations of alternative `alt`'s own schemas. */
static quo_status alt_violations(const quo_contract_alt *alt, const cJSON *root,
                                 const quo_json_doc *doc, quo_violations *out)
{
    quo_status st = QUO_OK;
    for (size_t i = 0; i < alt->part_count && st == QUO_OK; i++)
        st = quo_schema_validate(alt->parts[i], root, doc, out);
    return st;
}

static bool alt_accepts(const quo_contract_alt *alt, const cJSON *root, const quo_json_doc *doc)
{
    for (size_t i = 0; i < alt->part_count; i++)
        if (!quo_schema_is_valid(alt->parts[i], root, doc))
            return false;
    return true;
}

/* The first link present whose alternative accepts the body (which link
 * a valid body chose), else the first present. */
static size_t chosen_link(const quo_contract *c, const cJSON *root, const quo_json_doc *doc)
{
    size_t only, found = count_links(c, root, doc, &only);
    if (found <= 1) /* none, or the only one: no alternative to try (the hot path) */
        return only;
    size_t first = QUO_REQUEST_NO_LINK;
    for (const cJSON *m = root->child; m; m = m->next) {
        size_t i = link_of(c, doc, m);
        if (i == QUO_REQUEST_NO_LINK)
            continue;
        if (first == QUO_REQUEST_NO_LINK)
            first = i;
        if (alt_accepts(quo_contract_alt_at(c, quo_contract_link_at(c, i)->alt), root, doc))
            return i;
    }
    return first;
}

/* Says why the schema rejected an object body: its link members when they
 * are the cause, else what is wrong with the chosen alternative. */
static quo_status explain(const quo_contract *c, const cJSON *root, const quo_json_doc *doc,
                          quo_violations *out, size_t chosen)
{
    size_t first, found = count_links(c, root, doc, &first);
    const quo_contract_alt *alt =
        chosen == QUO_REQUEST_NO_LINK ? NULL
                                      : quo_contract_alt_at(c, quo_contract_link_at(c, chosen)->alt);
    /* Zero links: every alternative requires its own. Several: rejected
     * because of them when the chosen alternative, closed, forbids the
     * others (without them it would have been judged on the rest). */
    if (found == 0 || (found > 1 && alt && alt->closed))
        return report_link_count(c, root, doc, found, out);
    size_t before = out->count;
    quo_status st = alt ? alt_violations(alt, root, doc, out) : QUO_OK;
    if (st == QUO_OK && out->count == before) /* the rejection lies elsewhere */
        st = quo_schema_validate(quo_contract_body_schema(c), root, doc, out);
    return st;
}

quo_status quo_request_validate_tree(const quo_spec *spec, const cJSON *root,
                                     const quo_json_doc *doc,
                                     quo_violations *out, size_t *link)
{
    const quo_contract *c = quo_spec_contract(spec);
    const quo_schema *schema = quo_contract_body_schema(c);
    if (link)
        *link = QUO_REQUEST_NO_LINK;
    bool links = quo_contract_link_count(c) > 0 && cJSON_IsObject(root);
    if (quo_schema_is_valid(schema, root, doc)) {
        if (link && links)
            *link = chosen_link(c, root, doc);
        return QUO_OK;
    }
    if (quo_contract_link_count(c) > 0 && !cJSON_IsObject(root))
        return quo_violations_add_doc(out, doc, "", root, "type", "object",
                                      "the body must be a JSON object, not %s",
                                      quo_json_type_name(root));
    if (!links)
        return quo_schema_validate(schema, root, doc, out);
    size_t chosen = chosen_link(c, root, doc);
    if (link)
        *link = chosen;
    return explain(c, root, doc, out, chosen);
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
