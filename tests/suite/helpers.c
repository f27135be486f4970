/* tests/suite/helpers.c - see helpers.h. */
#include "quo/array.h"
#include "helpers.h"
#include "registry.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "embedded.h"

quo_spec *th_spec;
qc_config th_cfg;
qc_case_list th_cases;

void th_setup(void)
{
    quo_error err = {0};
    ck_assert_msg(quo_spec_load_default(&th_spec, &err) == QUO_OK, "%s", err.message);
    qc_config_init(&th_cfg);
    ck_assert_msg(qc_embedded_configure(th_spec, &th_cfg, &err) == QUO_OK, "%s", err.message);
    qc_cases_init(&th_cases);
    qc_derive_input in = {.fixtures = &th_cfg.fixtures, .have_forbidden = true,
                          .faults_prefer = true};
    ck_assert_msg(qc_cases_derive(th_spec, &in, &th_cases, &err) == QUO_OK, "%s", err.message);
}

void th_teardown(void)
{
    qc_cases_free(&th_cases);
    qc_config_free(&th_cfg);
    quo_spec_free(th_spec);
    th_spec = NULL;
}

size_t th_case_index(const char *id)
{
    for (size_t i = 0; i < th_cases.count; i++)
        if (strcmp(th_cases.items[i].id, id) == 0)
            return i;
    ck_abort_msg("no case %s", id);
    return 0;
}

const qc_case *th_case(const char *id)
{
    return &th_cases.items[th_case_index(id)];
}

qc_exchange th_exchange(int status, const char *content_type, const char *body)
{
    qc_exchange x;
    qc_exchange_init(&x);
    x.done = true;
    x.attempts = 1;
    x.status = status;
    x.content_type = (char *)content_type;
    x.body = (char *)body;
    x.body_len = body ? strlen(body) : 0;
    return x;
}

void th_add_header(qc_exchange *x, const char *name, const char *value)
{
    ck_assert_uint_lt(x->header_count, QC_HTTP_MAX_HEADERS);
    x->headers[x->header_count].name = (char *)name;
    x->headers[x->header_count].value = (char *)value;
    x->header_count++;
}

qc_verdict th_judge(const char *id, const qc_exchange *x, const char *const *seen, size_t nseen,
                    qc_check_result *r)
{
    qc_check_result_init(r);
    qc_check_input in = {.spec = th_spec, .list = &th_cases, .c = th_case(id), .x = x,
                         .seen_task_ids = seen, .seen_count = nseen};
    ck_assert_int_eq(qc_check_run(&in, r), QUO_OK);
    return r->verdict;
}

bool th_failed_with(const qc_check_result *r, const char *needle)
{
    for (size_t i = 0; i < r->failures.count; i++)
        if (strstr(r->failures.items[i], needle))
            return true;
    return false;
}

void th_error_body(int status, const char *replace_member, const char *with, const char *extra,
                   char *buf, size_t size)
{
    quo_spec_error_consts c;
    ck_assert_int_eq(quo_spec_error_constants(th_spec, status, &c), QUO_OK);
    char code[64], docs[128], title[64], st[16], msg[32] = "\"something went wrong\"";
    snprintf(code, sizeof code, "\"%s\"", c.code);
    snprintf(docs, sizeof docs, "\"%s\"", c.docs);
    snprintf(title, sizeof title, "\"%s\"", c.title);
    snprintf(st, sizeof st, "%d", (int)c.status);
    struct { const char *name; char *value; } m[] = {
        {"message", msg}, {"code", code}, {"status", st}, {"docs", docs}, {"title", title}};
    size_t o = (size_t)snprintf(buf, size, "{");
    bool first = true;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(m); i++) {
        const char *v = m[i].value;
        if (replace_member && strcmp(replace_member, m[i].name) == 0) {
            if (!with)
                continue; /* member removed */
            v = with;
        }
        o += (size_t)snprintf(buf + o, size - o, "%s\"%s\":%s", first ? "" : ",", m[i].name, v);
        first = false;
    }
    snprintf(buf + o, size - o, "%s}", extra);
}

void th_assert_registry(const qc_case_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        const qc_case *c = &l->items[i];
        bool ambiguous = true;
        const qc_check *row = qc_registry_match(c, &ambiguous);
        ck_assert_msg(row && !ambiguous, "%s (%s/%s) matches %s row", c->id, c->suite, c->tcase,
                      ambiguous ? "more than one" : "no");
        ck_assert_msg(c->check == row, "%s: check not set from its row", c->id);
        ck_assert_msg(c->level == row->level, "%s: level not the row's", c->id);
        ck_assert_msg(c->source && *c->source, "%s: no source", c->id);
        if (row->from_spec || c->constraint)
            ck_assert_msg(strncmp(c->source, "spec ", 5) == 0 &&
                              strstr(c->source, c->spec_pointer),
                          "%s: source %s does not name its spec pointer", c->id, c->source);
        if (c->exchange != i)
            ck_assert_msg(qc_case_rank(c) > qc_case_rank(&l->items[c->exchange]),
                          "%s runs before the case it judges", c->id);
    }
}
