/* suite/derive_request.c - cases from the request's non-body parts: each
 * header parameter (missing when required, values its schema rejects) and
 * the security scheme (the valid key under another scheme word). Steps of
 * qc_cases_derive (derive.h). */
#include "derive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "quo/array.h"
#include "quo/schema.h"

/* A header parameter's pointer: its schema's parent (".../parameters/0"). */
char *qd_param_pointer(const quo_contract_param *p)
{
    const char *sp = p->pointer ? p->pointer : "";
    const char *slash = strrchr(sp, '/');
    return slash && strcmp(slash, "/schema") == 0 ? qc_strndup(sp, (size_t)(slash - sp))
                                                  : qc_strdup(sp);
}

/* Whether `text` can be sent as a header value at all (visible ASCII and
 * inner spaces, RFC 9110 field-value): a value no client could send says
 * nothing about the server. */
bool qd_header_sendable(const char *text)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x20 || ch >= 0x7f)
            return false;
    }
    return n == 0 || (text[0] != ' ' && text[n - 1] != ' ');
}

/* One 400 case for header parameter p: `value` NULL leaves it out. */
static quo_status header_case(deriver *d, const quo_contract_param *p, const char *pointer,
                              const char *label, const char *value, const char *summary)
{
    qc_case *c = NULL;
    char id[200];
    snprintf(id, sizeof id, "400.header.%s.%s", p->name, label);
    quo_status st = qd_simple_case(d, &c, "validation", "400-header", QC_EXPECT_ERROR,
                                   400, pointer, summary, 0, id);
    if (st != QUO_OK)
        return st;
    if (!(c->header_name = qc_strdup(p->name)) || (value && !(c->header_value = qc_strdup(value))))
        return qd_oom(d);
    return QUO_OK;
}

/* Values a header schema may reject; each one it does reject is a case. */
static const struct { const char *label, *value, *why; } header_breakers[] = {
    {"empty", "", "the empty string"},
    {"space", "quo conformance", "a value with a space"},
    {"word", "quo-conformance", "a plain word"},
    {"number", "-1", "a negative number"},
};

static quo_status derive_one_header(deriver *d, const quo_contract_param *p)
{
    char *pointer = qd_param_pointer(p);
    if (!pointer)
        return qd_oom(d);
    quo_status st = QUO_OK;
    char summary[240];
    if (p->required) {
        d->constraint = "required";
        snprintf(summary, sizeof summary, "the required %s header missing", p->name);
        st = header_case(d, p, pointer, "missing", NULL, summary);
    }
    d->constraint = "schema";
    for (size_t i = 0; st == QUO_OK && p->schema && i < QUO_ARRAY_SIZE(header_breakers); i++) {
        cJSON *v = cJSON_CreateString(header_breakers[i].value);
        if (!v) {
            st = qd_oom(d);
            break;
        }
        bool rejected = !quo_schema_is_valid(p->schema, v, NULL);
        cJSON_Delete(v);
        if (!rejected || !qd_header_sendable(header_breakers[i].value))
            continue;
        snprintf(summary, sizeof summary, "the %s header breaks its schema: %s", p->name,
                 header_breakers[i].why);
        st = header_case(d, p, pointer, header_breakers[i].label, header_breakers[i].value,
                         summary);
    }
    free(pointer);
    return st;
}

quo_status qd_derive_headers(deriver *d)
{
    const quo_contract *k = quo_spec_contract(d->spec);
    quo_status st = QUO_OK;
    for (size_t i = 0; st == QUO_OK && i < quo_contract_param_count(k); i++) {
        const quo_contract_param *p = quo_contract_param_at(k, i);
        if (p->in == QUO_IN_HEADER)
            st = derive_one_header(d, p);
    }
    return st;
}

/* The valid key under another scheme word. With an http scheme the spec
 * names the only scheme it takes (RFC 9110 section 11: the scheme word
 * selects how the credentials are read), so another word is MUST 401;
 * with a raw-key scheme "Basic <key>" is merely not the key (SHOULD, like
 * "Bearer <key>"). */
quo_status qd_derive_auth_scheme(deriver *d)
{
    const quo_contract *k = quo_spec_contract(d->spec);
    const quo_contract_security *s = quo_contract_security_at(k, 0);
    if (!s || s->in != QUO_IN_HEADER || !quo_spec_documents(d->spec, 401))
        return QUO_OK;
    d->constraint = "security";
    char *base = qd_scheme_pointer(d, s->scheme_name);
    char *ptr = base && s->scheme ? qd_ptr_join(base, "scheme") : base ? qc_strdup(base) : NULL;
    free(base);
    if (!ptr)
        return qd_oom(d);
    char summary[200];
    const char *other = s->scheme && strcasecmp(s->scheme, "Basic") != 0 ? "Basic"
                        : s->scheme ? "Bearer" : "Basic";
    snprintf(summary, sizeof summary, "the valid key under the %s scheme (the spec: %s)", other,
             s->scheme ? s->scheme : "the raw key");
    qc_case *c = NULL;
    quo_status st = qd_simple_case(d, &c, "auth", "401-scheme",
                                   QC_EXPECT_ERROR, 401, ptr, summary, 0,
                                   s->scheme ? "401.other-scheme" : "401.scheme-word");
    if (c)
        c->auth = QC_AUTH_OTHER_SCHEME;
    free(ptr);
    return st;
}
