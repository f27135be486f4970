/* Unit tests of suite/cases.c: the cases are derived from the spec (a
 * changed spec changes them), every negative body is invalid and every
 * positive one valid per the library's own validator. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "quo/array.h"
#include "quo_check.h"
#include "helpers.h"
#include "registry.h"

static void setup(void)
{
    th_setup();
}

static void teardown(void)
{
    th_teardown();
}

static size_t count_tcase(const qc_case_list *l, const char *tcase)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        n += strcmp(l->items[i].tcase, tcase) == 0;
    return n;
}

static bool body_valid(const quo_spec *spec, const qc_case *c)
{
    quo_violations v;
    quo_violations_init(&v);
    ck_assert_int_eq(quo_request_validate(spec, c->body, c->body_len, 0, &v, NULL), QUO_OK);
    bool valid = v.count == 0;
    quo_violations_free(&v);
    return valid;
}

/* The node a JSON Pointer names in the spec document, or NULL. */
static const cJSON *pointer(const cJSON *doc, const char *p)
{
    char tok[256];
    while (doc && *p == '/') {
        size_t n = 0;
        for (p++; *p && *p != '/'; p++) {
            char c = *p;
            if (c == '~') {
                c = p[1] == '1' ? '/' : '~';
                p++;
            }
            tok[n++] = c;
        }
        tok[n] = '\0';
        doc = cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, atoi(tok))
                                 : cJSON_GetObjectItemCaseSensitive(doc, tok);
    }
    return doc;
}

START_TEST(shipped_spec_counts)
{
    ck_assert_uint_eq(count_tcase(&th_cases, "201"), 12);      /* 3 links x dueDate x assignedTo */
    ck_assert_uint_eq(count_tcase(&th_cases, "201-echo"), 8);  /* conversation and activity shapes */
    ck_assert_uint_eq(count_tcase(&th_cases, "400-required"), 2);
    ck_assert_uint_eq(count_tcase(&th_cases, "400-type"), 7 * 5);
    ck_assert_uint_eq(count_tcase(&th_cases, "400-pattern"), 4 * 6);
    ck_assert_uint_eq(count_tcase(&th_cases, "400-links"), 5);
    ck_assert_uint_eq(count_tcase(&th_cases, "400-format"), 4);
    ck_assert_uint_eq(count_tcase(&th_cases, "400-body"), 4);
    ck_assert_uint_eq(count_tcase(&th_cases, "401"), 3);
    ck_assert_uint_eq(count_tcase(&th_cases, "401-bearer"), 1);
    ck_assert_uint_eq(count_tcase(&th_cases, "403"), 3);
    ck_assert_uint_eq(count_tcase(&th_cases, "404"), 3);
    ck_assert_uint_eq(count_tcase(&th_cases, "404-reference"), 1);
    ck_assert_uint_eq(count_tcase(&th_cases, "500"), 1);
    ck_assert_uint_eq(count_tcase(&th_cases, "headers"), 2);
    ck_assert_uint_eq(count_tcase(&th_cases, "405"), 1);
    /* An unknown member in each closed alternative after the first (the
     * first is 400-unknown); the key under another scheme word. */
    ck_assert_uint_eq(count_tcase(&th_cases, "400-closed"), 2);
    ck_assert_uint_eq(count_tcase(&th_cases, "401-scheme"), 1);
    /* The coverage phase (valgen values; the figures are in docs/coverage.md). */
    ck_assert_uint_gt(count_tcase(&th_cases, "201-values"), 0);
    ck_assert_uint_gt(count_tcase(&th_cases, "400-values"), 0);
    ck_assert_uint_eq(th_cases.discarded.count, 0);
    ck_assert_str_eq(th_cases.auth_header, "Authorization");
    ck_assert_str_eq(th_cases.task_member, "data");
    ck_assert_str_eq(th_cases.method, "POST");
}
END_TEST

START_TEST(gate_classifies_every_body)
{
    for (size_t i = 0; i < th_cases.count; i++) {
        const qc_case *c = &th_cases.items[i];
        if (c->exchange != i || !c->body)
            continue;
        bool negative = strcmp(c->suite, "validation") == 0;
        ck_assert_msg(body_valid(th_spec, c) != negative, "%s: body %s", c->id,
                      negative ? "valid" : "invalid");
    }
}
END_TEST

START_TEST(cases_are_well_formed)
{
    for (size_t i = 0; i < th_cases.count; i++) {
        const qc_case *c = &th_cases.items[i];
        for (size_t j = i + 1; j < th_cases.count; j++)
            ck_assert_str_ne(c->id, th_cases.items[j].id);
        ck_assert_msg(c->accept_count > 0, "%s accepts nothing", c->id);
        ck_assert_msg(pointer(quo_spec_document(th_spec), c->spec_pointer) != NULL,
                      "%s: %s does not resolve", c->id, c->spec_pointer);
        ck_assert_uint_lt(c->exchange, th_cases.count);
        const qc_case *owner = &th_cases.items[c->exchange];
        ck_assert_msg(owner->exchange == c->exchange, "%s shares a companion's request", c->id);
        if (c->exchange != i)
            ck_assert_msg(qc_case_rank(owner) < qc_case_rank(c), "%s runs before %s", c->id,
                          owner->id);
        ck_assert_ptr_null(c->skip);
    }
}
END_TEST

START_TEST(bodies_follow_the_schema)
{
    const qc_fixtures *f = &th_cfg.fixtures;
    const qc_case *c = th_case("201.activityId+dueDate+assignedTo");
    ck_assert(strstr(c->body, f->activity_id));
    ck_assert(strstr(c->body, f->user_id));
    ck_assert(strstr(c->body, "\"dueDate\""));
    ck_assert(strstr(c->body, "quo-conformance 201.activityId+dueDate+assignedTo"));
    c = th_case("400.pattern.phoneNumberId.u2028");
    ck_assert(strstr(c->body, "PN\xE2\x80\xA8"));
    c = th_case("400.pattern.assignedTo.lower-case-prefix");
    ck_assert(strstr(c->body, "\"assignedTo\":\"us"));
    c = th_case("400.body.duplicate-name");
    ck_assert(strstr(c->body, "{\"title\":") == c->body);
    ck_assert(strstr(c->body + 1, "{\"title\":") == NULL);
    ck_assert(strstr(strstr(c->body, "\"title\"") + 1, "\"title\""));
    ck_assert_uint_eq(th_case("400.body.empty")->body_len, 0);
    c = th_case("404.activityId");
    ck_assert(strstr(c->body, "Unknown"));
    ck_assert(body_valid(th_spec, c)); /* well-formed: only 404 is the right answer */
    c = th_case("500.prefer");
    ck_assert_str_eq(c->prefer, "code=500");
    c = th_case("http.405-allow");
    ck_assert_str_eq(c->method, "GET");
    ck_assert_ptr_null(c->body);
}
END_TEST

START_TEST(companions_know_the_offence)
{
    const qc_case *c = th_case("400.type.dueDate.null.errors-path");
    ck_assert_int_eq(c->expect, QC_EXPECT_ERRORS_PATH);
    ck_assert_int_eq(c->level, QC_SHOULD);
    ck_assert(qc_strlist_contains(&c->paths, "/dueDate"));
    c = th_case("400.links.none.errors-path");
    ck_assert(qc_strlist_contains(&c->paths, "/phoneNumberId"));
    ck_assert(qc_strlist_contains(&c->paths, ""));
    c = th_case("201.activityId.echo");
    ck_assert_uint_eq(c->field_count, 2);
    ck_assert_uint_eq(th_case("201.phoneNumberId")->field_count, 1); /* phoneNumberId: MUST */
}
END_TEST

START_TEST(headers_hold_keys_only_when_sent)
{
    static const struct { const char *id; const char *want; } rows[] = {
        {"201.phoneNumberId", "Authorization: K"},
        {"401.no-header", NULL},
        {"401.empty", "Authorization;"},
        {"401.unknown-key", "Authorization: " QC_UNKNOWN_KEY},
        {"401.bearer", "Authorization: Bearer K"},
        {"403.phoneNumberId", "Authorization: F"},
        {"http.header-name-case", "authorization: K"},
        {"401.scheme-word", "Authorization: Basic K"},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(rows); i++) {
        qc_strlist l;
        qc_strlist_init(&l);
        ck_assert(qc_case_headers(&th_cases, th_case(rows[i].id), "K", "F", &l));
        bool auth = false;
        for (size_t k = 0; k < l.count; k++)
            if (strncasecmp(l.items[k], "authorization", 13) == 0) {
                auth = true;
                ck_assert_str_eq(l.items[k], rows[i].want);
            }
        ck_assert_msg(auth == (rows[i].want != NULL), "%s", rows[i].id);
        ck_assert(qc_strlist_contains(&l, "Content-Type: application/json"));
        qc_strlist_free(&l);
    }
}
END_TEST

START_TEST(target_limits_become_skips)
{
    qc_case_list l;
    qc_cases_init(&l);
    quo_error err;
    qc_derive_input in = {.fixtures = &th_cfg.fixtures, .have_forbidden = false,
                          .faults_prefer = false};
    ck_assert_int_eq(qc_cases_derive(th_spec, &in, &l, &err), QUO_OK);
    size_t skipped = 0;
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].skip) {
            skipped++;
            ck_assert(strcmp(l.items[i].tcase, "403") == 0 || strcmp(l.items[i].tcase, "500") == 0);
        }
    ck_assert_uint_eq(skipped, 4);
    ck_assert_uint_eq(l.count, th_cases.count);
    qc_cases_free(&l);
}
END_TEST

START_TEST(fixtures_that_break_the_spec_are_refused)
{
    qc_fixtures bad = th_cfg.fixtures;
    bad.phone_number_id = (char *)"XX1"; /* breaks ^PN(.*)$ */
    qc_case_list l;
    qc_cases_init(&l);
    quo_error err;
    qc_derive_input in = {.fixtures = &bad, .have_forbidden = true, .faults_prefer = true};
    ck_assert_int_eq(qc_cases_derive(th_spec, &in, &l, &err), QUO_ESPEC);
    ck_assert_msg(strstr(err.message, "phoneNumberId"), "%s", err.message);
    ck_assert_uint_eq(l.count, 0);
}
END_TEST

/* ---- a changed spec changes the cases --------------------------------- */

/* The shipped document as a tree to edit, and the spec an edited tree
 * makes (the tree is consumed). */
static cJSON *shipped_doc(void)
{
    size_t len;
    const char *text = quo_spec_default_text(&len);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

static quo_spec *spec_of(cJSON *doc)
{
    char *out = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    ck_assert_ptr_nonnull(out);
    quo_spec *spec = NULL;
    quo_error err;
    ck_assert_msg(quo_spec_load_buffer(out, strlen(out), &spec, &err) == QUO_OK, "%s",
                  err.message);
    free(out);
    return spec;
}

/* Loads the shipped spec with `edit` applied to every request branch. */
static quo_spec *edited_spec(void (*edit)(cJSON *branch, cJSON *doc))
{
    cJSON *doc = shipped_doc();
    cJSON *schema = (cJSON *)pointer(doc, quo_spec_request_pointer(th_spec));
    cJSON *branch;
    cJSON_ArrayForEach(branch, cJSON_GetObjectItem(schema, "anyOf")) edit(branch, doc);
    return spec_of(doc);
}

static void add_label(cJSON *branch, cJSON *doc)
{
    (void)doc;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "type", "string");
    cJSON_AddStringToObject(p, "pattern", "^LB[0-9]+$");
    cJSON_AddItemToObject(cJSON_GetObjectItem(branch, "properties"), "label", p);
}

static void drop_due_format(cJSON *branch, cJSON *doc)
{
    (void)doc;
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(cJSON_GetObjectItem(branch, "properties"),
                                                   "dueDate"),
                               "format");
}

static void require_assignee(cJSON *branch, cJSON *doc)
{
    (void)doc;
    cJSON_AddItemToArray(cJSON_GetObjectItem(branch, "required"), cJSON_CreateString("assignedTo"));
}

static qc_case_list derive_with(quo_spec *spec)
{
    qc_case_list l;
    qc_cases_init(&l);
    quo_error err;
    qc_derive_input in = {.fixtures = &th_cfg.fixtures, .have_forbidden = true,
                          .faults_prefer = true};
    ck_assert_msg(qc_cases_derive(spec, &in, &l, &err) == QUO_OK, "%s", err.message);
    th_assert_registry(&l); /* richer and poorer specs: still one row per case */
    return l;
}

START_TEST(new_property_adds_cases)
{
    quo_spec *spec = edited_spec(add_label);
    qc_case_list l = derive_with(spec);
    ck_assert_uint_eq(count_tcase(&l, "201"), 3 * 8);
    ck_assert_uint_eq(count_tcase(&l, "400-type"), 8 * 5);
    ck_assert_uint_eq(count_tcase(&l, "400-pattern"), 5 * 6);
    for (size_t i = 0; i < l.count; i++)
        if (strcmp(l.items[i].id, "201.phoneNumberId+dueDate+assignedTo+label") == 0)
            ck_assert(strstr(l.items[i].body, "\"label\":\"LB1\""));
    qc_cases_free(&l);
    quo_spec_free(spec);
}
END_TEST

START_TEST(dropped_format_drops_cases)
{
    quo_spec *spec = edited_spec(drop_due_format);
    qc_case_list l = derive_with(spec);
    ck_assert_uint_eq(count_tcase(&l, "400-format"), 0);
    ck_assert_uint_eq(count_tcase(&l, "201"), 12);
    qc_cases_free(&l);
    quo_spec_free(spec);
}
END_TEST

START_TEST(new_required_member_changes_cases)
{
    quo_spec *spec = edited_spec(require_assignee);
    qc_case_list l = derive_with(spec);
    ck_assert_uint_eq(count_tcase(&l, "201"), 3 * 2); /* assignedTo no longer optional */
    ck_assert_uint_eq(count_tcase(&l, "400-required"), 3);
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].exchange == i && l.items[i].body && strcmp(l.items[i].suite, "positive") == 0)
            ck_assert(strstr(l.items[i].body, "\"assignedTo\""));
    qc_cases_free(&l);
    quo_spec_free(spec);
}
END_TEST

/* The shipped document with `edit` applied to the whole of it. */
static quo_spec *edited_doc(void (*edit)(cJSON *schema, cJSON *op))
{
    cJSON *doc = shipped_doc();
    cJSON *schema = (cJSON *)pointer(doc, quo_spec_request_pointer(th_spec));
    edit(schema, (cJSON *)pointer(doc, "/paths/~1v1~1tasks/post"));
    return spec_of(doc);
}

static void add_three_optionals(cJSON *branch, cJSON *doc)
{
    (void)doc;
    static const char *const names[] = {"colour", "size", "mood"};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names); i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "type", "string");
        cJSON_AddItemToObject(cJSON_GetObjectItem(branch, "properties"), names[i], p);
    }
}

/* oneOf with open alternatives: a body with two link ids matches two. */
static void oneof_open(cJSON *schema, cJSON *op)
{
    (void)op;
    cJSON *alts = cJSON_DetachItemFromObject(schema, "anyOf");
    cJSON *b;
    cJSON_ArrayForEach(b, alts) cJSON_DeleteItemFromObject(b, "additionalProperties");
    cJSON_AddItemToObject(schema, "oneOf", alts);
}

static void idempotency_key(cJSON *schema, cJSON *op)
{
    (void)schema;
    cJSON_DeleteItemFromObject(op, "parameters");
    cJSON *params = cJSON_Parse("[{\"name\":\"Idempotency-Key\",\"in\":\"header\",\"required\":"
                                "true,\"schema\":{\"type\":\"string\",\"minLength\":8}}]");
    cJSON_AddItemToObject(op, "parameters", params);
}

static const qc_case *case_in(const qc_case_list *l, const char *id)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].id, id) == 0)
            return &l->items[i];
    return NULL;
}

START_TEST(pairs_above_four_optionals)
{
    quo_spec *spec = edited_spec(add_three_optionals);
    qc_case_list l = derive_with(spec);
    /* 5 optionals: none, each alone, all, and the 10 pairs, per link shape */
    ck_assert_uint_eq(count_tcase(&l, "201"), 3 * (1 + 5 + 1 + 10));
    ck_assert_ptr_nonnull(case_in(&l, "201.activityId+colour+mood"));
    ck_assert_ptr_nonnull(case_in(&l, "201.phoneNumberId+dueDate+assignedTo"));
    qc_cases_free(&l);
    quo_spec_free(spec);
}
END_TEST

START_TEST(oneof_bodies_two_alternatives_accept)
{
    quo_spec *spec = edited_doc(oneof_open);
    qc_case_list l = derive_with(spec);
    ck_assert_uint_eq(count_tcase(&l, "400-combiner"), 3);
    const qc_case *c = case_in(&l, "400.oneOf.two.phoneNumberId+conversationId");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->constraint, "oneOf");
    ck_assert(strstr(c->body, "\"phoneNumberId\"") && strstr(c->body, "\"conversationId\""));
    ck_assert(body_valid(spec, c) == false);
    /* Open alternatives: no closed cases. */
    ck_assert_uint_eq(count_tcase(&l, "400-closed"), 0);
    qc_cases_free(&l);
    quo_spec_free(spec);
}
END_TEST

/* http Bearer instead of the raw key (the op's security is unchanged: it
 * names the scheme by its key). */
static quo_spec *bearer_spec(void)
{
    cJSON *doc = shipped_doc();
    cJSON *s = (cJSON *)pointer(doc, "/components/securitySchemes/apiKey");
    ck_assert_ptr_nonnull(s);
    cJSON_DeleteItemFromObject(s, "in");
    cJSON_DeleteItemFromObject(s, "name");
    cJSON_ReplaceItemInObject(s, "type", cJSON_CreateString("http"));
    cJSON_AddStringToObject(s, "scheme", "bearer");
    return spec_of(doc);
}

/* Every row of the check registry makes a case for some spec: the shipped
 * one, or one with the feature its check needs (oneOf, a required header,
 * an http scheme). A row no spec reaches is a check that never runs. */
START_TEST(every_row_is_reachable)
{
    quo_spec *specs[] = {th_spec, edited_doc(oneof_open), edited_doc(idempotency_key),
                         bearer_spec()};
    size_t n = 0;
    const qc_check *rows = qc_registry_rows(&n);
    size_t *hits = calloc(n, sizeof *hits);
    ck_assert_ptr_nonnull(hits);
    for (size_t k = 0; k < QUO_ARRAY_SIZE(specs); k++) {
        qc_case_list l = derive_with(specs[k]);
        for (size_t i = 0; i < l.count; i++)
            hits[qc_registry_index(l.items[i].check)]++;
        qc_cases_free(&l);
        if (k > 0)
            quo_spec_free(specs[k]);
    }
    for (size_t r = 0; r < n; r++)
        ck_assert_msg(hits[r] > 0, "row %s (%s) makes no case", rows[r].id, rows[r].tcase);
    free(hits);
}
END_TEST

START_TEST(header_parameters_make_cases)
{
    quo_spec *spec = edited_doc(idempotency_key);
    qc_case_list l = derive_with(spec);
    const qc_case *missing = case_in(&l, "400.header.Idempotency-Key.missing");
    const qc_case *empty = case_in(&l, "400.header.Idempotency-Key.empty");
    ck_assert_ptr_nonnull(missing);
    ck_assert_ptr_nonnull(empty);
    ck_assert_str_eq(missing->constraint, "required");
    ck_assert(count_tcase(&l, "400-header") >= 3); /* missing, empty, a generated minLength */
    qc_strlist h;
    qc_strlist_init(&h);
    ck_assert(qc_case_headers(&l, missing, "K", "F", &h));
    for (size_t i = 0; i < h.count; i++)
        ck_assert_msg(strncasecmp(h.items[i], "Idempotency-Key", 15) != 0, "%s", h.items[i]);
    qc_strlist_free(&h);
    qc_strlist_init(&h);
    ck_assert(qc_case_headers(&l, empty, "K", "F", &h));
    ck_assert(qc_strlist_contains(&h, "Idempotency-Key;"));
    qc_strlist_free(&h);
    qc_strlist_init(&h);
    ck_assert(qc_case_headers(&l, case_in(&l, "201.phoneNumberId"), "K", "F", &h));
    ck_assert(qc_strlist_contains(&h, "Idempotency-Key: qc-201.phoneNumberId"));
    qc_strlist_free(&h);
    qc_cases_free(&l);
    quo_spec_free(spec);
}
END_TEST

static Suite *cases_suite(void)
{
    Suite *s = suite_create("cases");
    TCase *tc = tcase_create("shipped");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, shipped_spec_counts);
    tcase_add_test(tc, gate_classifies_every_body);
    tcase_add_test(tc, cases_are_well_formed);
    tcase_add_test(tc, bodies_follow_the_schema);
    tcase_add_test(tc, companions_know_the_offence);
    tcase_add_test(tc, headers_hold_keys_only_when_sent);
    tcase_add_test(tc, target_limits_become_skips);
    tcase_add_test(tc, fixtures_that_break_the_spec_are_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("changed-spec");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, new_property_adds_cases);
    tcase_add_test(tc, dropped_format_drops_cases);
    tcase_add_test(tc, new_required_member_changes_cases);
    tcase_add_test(tc, pairs_above_four_optionals);
    tcase_add_test(tc, oneof_bodies_two_alternatives_accept);
    tcase_add_test(tc, header_parameters_make_cases);
    tcase_add_test(tc, every_row_is_reachable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = quo_check_run(cases_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
