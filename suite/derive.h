/* suite/derive.h (internal to quo-conformance) - the state of one case
 * derivation and the spec walk that fills it (derive_spec.c), shared with
 * the case generators (derive.c).
 *
 * The walk reads the compiled contract only (quo/contract.h; nothing here
 * walks the OpenAPI document): the request's alternatives and the union
 * of their members; make one valid value per property (a fixture the
 * property's own compiled schema accepts, a date-time for a date-time
 * format, the spec's example for plain strings). The generators then build
 * each case's body by adding, removing or replacing members of a branch's
 * minimal valid body. Nothing here names a member of the API: names,
 * patterns, formats, statuses and the auth header all come from the
 * document.
 *
 * Ownership: a deriver owns the pointers and values of its props and
 * branches (freed by qd_free); the cases it makes go to `out`.
 */
#ifndef QC_DERIVE_H
#define QC_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/contract.h"
#include "quo/violation.h"
#include "cases.h"

#define MAX_PROPS 32
#define MAX_BRANCHES QUO_SPEC_MAX_LINKS
/* Above this many optional members the positives are each one alone and
 * all together instead of every subset. */
#define MAX_SUBSET_OPTIONALS 4

typedef struct prop {
    const char *name;
    const quo_contract_member *m; /* the contract's member (home branch) */
    const cJSON *schema; /* m->schema_json: after $ref */
    char *pointer;       /* of the resolved schema */
    size_t home;         /* first branch that declares it */
    bool is_link;
    bool from_fixture;   /* its valid value names a resource */
    cJSON *valid;        /* a value its schema accepts, or NULL */
    char *owner_member;  /* a fixture's owner (from the fixtures), or NULL */
    char *owner_id;
} prop;

typedef struct branch {
    const quo_contract_alt *alt; /* the contract's alternative */
    char *pointer;
    size_t link;         /* index of the link prop this branch requires */
} branch;

typedef struct deriver {
    const quo_spec *spec;
    const qc_derive_input *in;
    qc_case_list *out;
    quo_error *err;
    const char *rp;      /* request schema pointer */
    const char *combiner; /* "anyOf" / "oneOf" / NULL */
    char *combiner_ptr;  /* its pointer (owned), or NULL */
    branch br[MAX_BRANCHES];
    size_t nbr;
    prop props[MAX_PROPS];
    size_t nprops;
    size_t links[MAX_BRANCHES]; /* prop index of link i */
    size_t nlinks;
    size_t marker;       /* prop that carries the case id, or MAX_PROPS */
    const char *constraint; /* static keyword the cases being made aim at
                               (copied into each new case), or NULL */
    int success;         /* the documented 2xx status */
    quo_violations v;
    char idbuf[256];
} deriver;

/* An error value for ENOMEM (also filling d->err). */
quo_status qd_oom(deriver *d);

/* RFC 6901 helpers: a new pointer with one token (escaped) appended. */
char *qd_ptr_join(const char *base, const char *token);
char *qd_ptr_index(const char *base, size_t i);

/* Reading a schema the contract handed out (a member's schema_json, $ref
 * followed): a keyword by full name length, a string keyword, whether a
 * string node is exactly `text` (NUL-aware). Whether a branch requires /
 * declares a member, a prop's index (MAX_PROPS if none). */
const cJSON *qd_keyword(const deriver *d, const cJSON *schema, const char *key);
const char *qd_keyword_string(const deriver *d, const cJSON *schema, const char *key);
bool qd_text_is(const deriver *d, const cJSON *node, const char *text);
bool qd_is_required(const branch *b, const char *name);
bool qd_declares(const branch *b, const char *name);
size_t qd_prop_index(const deriver *d, const char *name);
/* The literal prefix a pattern anchors ("PN" for ^PN(.*)$) into out. */
size_t qd_pattern_prefix(const char *pattern, char *out, size_t outsz);

/* The walk's steps, in order. */
quo_status qd_read_branches(deriver *d);
quo_status qd_read_props(deriver *d);
quo_status qd_read_success(deriver *d);
quo_status qd_make_valid_values(deriver *d);
/* The auth header of the operation's apiKey scheme (into d->out) and the
 * scheme's pointer (*pointer, caller frees). */
quo_status qd_read_auth(deriver *d, char **pointer);
char *qd_scheme_pointer(deriver *d, const char *scheme);

/* Member values of a body under construction: NULL = absent. Values are
 * borrowed. */
typedef struct body_spec {
    const cJSON *values[MAX_PROPS];
    const char *extra_name;
    const cJSON *extra_value;
} body_spec;

/* Branch bi's minimal valid body (its required members). */
void qd_body_base(const deriver *d, size_t bi, body_spec *bs);
/* The body's text (caller frees); the marker member names case `id`. */
char *qd_body_render(deriver *d, const body_spec *bs, const char *id, size_t *len);
/* The library's validator on a body: *valid, and (paths non-NULL) the
 * instance paths of its violations. */
quo_status qd_classify(deriver *d, const char *body, size_t len, bool *valid, qc_strlist *paths);

/* ---- further steps of qc_cases_derive, one file per kind ------------- */

/* derive_request.c: each header parameter missing (when required) and with
 * values its schema rejects (400-header); the key under another scheme
 * word (401-scheme). */
quo_status qd_derive_headers(deriver *d);
quo_status qd_derive_auth_scheme(deriver *d);
/* A header parameter's pointer (caller frees; NULL on ENOMEM), and whether
 * a value can be sent in a header at all (visible ASCII, no edge spaces). */
char *qd_param_pointer(const quo_contract_param *p);
bool qd_header_sendable(const char *text);
/* derive_combos.c: every pair of optionals above MAX_SUBSET_OPTIONALS
 * (201); with oneOf, a body two alternatives accept (400-combiner); a
 * closed alternative given another's member or an unknown one (400-closed). */
quo_status qd_derive_pairs(deriver *d);
quo_status qd_derive_oneof(deriver *d);
quo_status qd_derive_closed(deriver *d);
/* derive_values.c: for every member of every alternative and every header
 * parameter, one case per value suite/valgen.h generates for its schema:
 * a positive is a 2xx case (201-values), a negative a 400 with its
 * errors-path companion (400-values, 400-header). */
quo_status qd_derive_values(deriver *d);

/* ---- case construction (derive.c), for the generators in derive_*.c --- */

/* A new case at the end of d->out (id from a format, constraint from
 * d->constraint), or NULL when out of memory. Its level (and source) come
 * from the check registry's row (registry.c), set when the derivation
 * ends: a step decides what to send, never how much it matters. */
qc_case *qd_case_new(deriver *d, const char *suite, const char *tcase, qc_expect expect,
                     const char *pointer, const char *summary, const char *idfmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
bool qd_case_accept(qc_case *c, int status);
/* The rendered body of bs and the JSON content type. */
quo_status qd_case_body(deriver *d, qc_case *c, const body_spec *bs);
/* Drops the last case and lists it in `discarded` with why. */
quo_status qd_discard_last(deriver *d, const char *why);
/* QUO_ESPEC unless c's body is valid (a positive the fixtures cannot make). */
quo_status qd_require_valid(deriver *d, qc_case *c);
/* A case id from a format (d->idbuf, valid until the next call). */
const char *qd_idf(deriver *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The positive for branch bi with the optional members opt[k] whose bit k
 * is set in mask (id "<2xx>.<link>+<member>..."), and its echo companion. */
quo_status qd_add_positive(deriver *d, size_t bi, const size_t *opt, size_t nopt,
                           unsigned mask);
/* The 2xx expectations of link li on c: the MUST fields (echo false) or
 * the SHOULD echo fields (echo true). */
quo_status qd_task_fields(deriver *d, qc_case *c, size_t li, bool echo);
/* A 400 case: body rendered from bs (or the raw bytes when raw is non-NULL),
 * judged by the library: dropped to `discarded` when valid, or when it does
 * not fail at (or inside) one of the `offending` paths; with noff > 0 an
 * errors-path SHOULD companion follows it. */
quo_status qd_add_negative(deriver *d, const char *tcase, const char *pointer,
                           const char *summary, const body_spec *bs, const char *raw,
                           size_t raw_len, const char *const *offending, size_t noff,
                           const char *id);
/* A case with branch bi's minimal valid body, varying something else
 * (auth, headers, Prefer); *out is the new case. */
quo_status qd_simple_case(deriver *d, qc_case **out, const char *suite, const char *tcase,
                          qc_expect expect, int status, const char *pointer,
                          const char *summary, size_t bi, const char *id);

#endif
