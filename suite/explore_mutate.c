/* suite/explore_mutate.c - seeds and mutations of explored requests.
 *
 * Seeds are the derived cases' bodies (valid and near-valid, with the
 * config's fixtures, so the success path is reached). Mutations work on
 * three levels: the member tree (values replaced by sized generators for
 * strings, numbers, date-times, nesting and member counts; duplicates;
 * escaped spellings of names; members added or removed), the bytes (once
 * a byte is touched the body is kept as bytes, since it is often not JSON
 * any more) and the HTTP layer (chunked, Expect, Content-Type, repeated
 * headers). Which members are strings, resource ids (a pattern) or
 * date-times is the contract's answer (quo_contract), never a name here.
 */
#include "explore.h"

#include <stdlib.h>
#include <string.h>

#include "quo/quo.h"

uint64_t qe_rand(qe_rng *g)
{
    /* splitmix64: one word of state, good enough to spread choices. */
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

size_t qe_below(qe_rng *g, size_t n)
{
    return n ? (size_t)(qe_rand(g) % n) : 0;
}

void qe_pool_free(qe_req *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        qe_req_free(&p[i]);
    free(p);
}

/* ---- seeds ------------------------------------------------------------- */

static bool seed_members(const char *body, size_t len, qe_req *r)
{
    quo_json_doc *doc = NULL;
    quo_error e = {0};
    if (quo_json_parse(body, len, 0, &doc, &e) != QUO_OK) {
        r->raw = qc_strndup(body, len);
        r->raw_len = len;
        return r->raw != NULL || e.status != QUO_ENOMEM;
    }
    const cJSON *root = quo_json_root(doc);
    bool ok = true;
    const cJSON *it;
    if (!cJSON_IsObject(root)) {
        ok = (r->raw = qc_strndup(body, len)) != NULL;
        r->raw_len = len;
    } else {
        cJSON_ArrayForEach(it, root)
        {
            cJSON *name = cJSON_CreateString(it->string);
            char *nt = name ? cJSON_PrintUnformatted(name) : NULL;
            char *vt = cJSON_PrintUnformatted(it);
            qe_member m = {0};
            ok = nt && vt && qe_member_set(&m, nt, strlen(nt), QE_V_RAW, 0, 0, vt, strlen(vt)) &&
                 (m.plain = qc_strdup(it->string)) != NULL && qe_req_add(r, &m);
            qe_member_free(&m);
            cJSON_Delete(name);
            free(nt);
            free(vt);
            if (!ok)
                break;
        }
    }
    quo_json_free(doc);
    return ok;
}

quo_status qe_seeds(const qc_case_list *cases, qe_req **out, size_t *n, quo_error *err)
{
    *out = NULL;
    *n = 0;
    qe_req *p = calloc(cases->count ? cases->count : 1, sizeof *p);
    if (!p)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < cases->count; i++) {
        const qc_case *c = &cases->items[i];
        /* Only requests whose auth and media type are the working ones:
         * the variations here are the body's and the framing's. */
        if (c->auth != QC_AUTH_KEY || c->prefer || !c->body || !c->content_type ||
            strcmp(c->method, cases->method) != 0 || c->exchange != i || c->skip)
            continue;
        qe_req *r = &p[k];
        qe_req_init(r);
        r->ids_touched = qc_case_accepts(c, 403) || qc_case_accepts(c, 404);
        r->op = "seed";
        size_t nct;
        const qe_ctype *t = qe_content_types(&nct);
        if (strcmp(c->content_type, t[0].value) != 0)
            continue;
        if (!seed_members(c->body, c->body_len, r)) {
            qe_pool_free(p, k + 1);
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        }
        k++;
    }
    if (k == 0) {
        free(p);
        return quo_error_set(err, QUO_ESPEC, 0,
                             "--explore: no derived case sends a body with the API key to seed "
                             "the exploration");
    }
    *out = p;
    *n = k;
    return QUO_OK;
}

/* ---- tree mutations ---------------------------------------------------- */

static const quo_contract_member *contract_member(const quo_spec *spec, const qe_member *m)
{
    return m->plain ? quo_contract_member_find(quo_spec_contract(spec), m->plain) : NULL;
}

static bool is_id(const quo_spec *spec, const qe_member *m)
{
    const quo_contract_member *cm = contract_member(spec, m);
    return cm && cm->pattern;
}

/* The string content of a member's value (between the quotes), for
 * string generators that keep the valid prefix (so "PN1" stays "PN1...",
 * matching its pattern, and the title stays a title). */
static void string_prefix(const qe_member *m, const char **p, size_t *n)
{
    *p = "";
    *n = 0;
    if (m->kind == QE_V_RAW && m->raw_len >= 2 && m->raw[0] == '"') {
        *p = m->raw + 1;
        *n = m->raw_len - 2;
    } else if (m->kind == QE_V_SPECIAL || m->kind == QE_V_LONGSTR) {
        *p = m->raw;
        *n = m->raw_len;
    }
}

/* Mostly small sizes (cheap to send, so more requests per second), now
 * and then thousands, rarely near the size limit (the 0 entry: between
 * half of max and max, so the large-body classes reach the target's limit
 * once it is learnt, and --explore-max-body otherwise). */
static size_t pick_size(qe_rng *g, size_t small, size_t max)
{
    static const size_t sizes[] = {2,    10,   100,  2,     10,    100,    2,      10,
                                   100,  1000, 1000, 5000,  20000, 100000, 300000, 0};
    size_t n = sizes[qe_below(g, sizeof sizes / sizeof sizes[0])] * small;
    if (n == 0)
        return max / 2 + qe_below(g, max / 2 + 1);
    n += qe_below(g, n / 2 + 1);
    return n > max ? max : n;
}

static size_t pick_member(qe_rng *g, const qe_req *r)
{
    return qe_below(g, r->nm);
}

/* Sets member i (or a new member `name` when i == r->nm) to a generator. */
static bool set_value(qe_req *r, size_t i, const char *name, qe_kind kind, size_t n,
                      unsigned cls, const char *raw, size_t raw_len)
{
    if (i < r->nm) {
        char *keep = qc_strndup(raw ? raw : "", raw ? raw_len : 0);
        if (!keep)
            return false;
        bool ok = qe_member_set(&r->m[i], r->m[i].name, r->m[i].name_len, kind, n, cls, keep,
                                raw ? raw_len : 0);
        free(keep);
        return ok;
    }
    qe_member m = {0};
    bool ok = qe_member_set(&m, name, name ? strlen(name) : 0, kind, n, cls, raw, raw_len) &&
              qe_req_add(r, &m);
    qe_member_free(&m);
    return ok;
}

static const quo_contract_member *datetime_member(const quo_spec *spec)
{
    const quo_contract *c = quo_spec_contract(spec);
    for (size_t a = 0; a < quo_contract_alt_count(c); a++) {
        const quo_contract_alt *alt = quo_contract_alt_at(c, a);
        for (size_t k = 0; k < alt->member_count; k++)
            if (alt->members[k].format && strcmp(alt->members[k].format, "date-time") == 0)
                return &alt->members[k];
    }
    return NULL;
}

static const quo_contract_member *any_member(const quo_spec *spec, qe_rng *g)
{
    const quo_contract *c = quo_spec_contract(spec);
    size_t na = quo_contract_alt_count(c);
    if (!na)
        return NULL;
    const quo_contract_alt *alt = quo_contract_alt_at(c, qe_below(g, na));
    return alt->member_count ? &alt->members[qe_below(g, alt->member_count)] : NULL;
}

/* A JSON string text for a contract member's name (NUL-free names only). */
static char *name_text(const char *name)
{
    cJSON *s = cJSON_CreateString(name);
    char *t = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    return t;
}

static bool add_contract_member(const quo_spec *spec, qe_rng *g, qe_req *r,
                                const quo_contract_member *cm, qe_kind kind, size_t n,
                                unsigned cls, const char *raw)
{
    if (!cm || strlen(cm->name) != cm->name_len)
        return true;
    for (size_t i = 0; i < r->nm; i++)
        if (r->m[i].plain && strcmp(r->m[i].plain, cm->name) == 0)
            return set_value(r, i, NULL, kind, n, cls, raw, raw ? strlen(raw) : 0);
    char *nt = name_text(cm->name);
    if (!nt)
        return false;
    bool ok = set_value(r, r->nm, nt, kind, n, cls, raw, raw ? strlen(raw) : 0);
    if (ok && !(r->m[r->nm - 1].plain = qc_strdup(cm->name)))
        ok = false;
    free(nt);
    (void)spec;
    (void)g;
    return ok;
}

/* A member name spelt with one character as a \u escape: the same name. */
static char *escaped_name(const qe_member *m, qe_rng *g)
{
    if (m->name_len < 3)
        return NULL;
    size_t at = 1 + qe_below(g, m->name_len - 2);
    unsigned char ch = (unsigned char)m->name[at];
    if (ch == '\\' || ch == '"' || ch >= 0x80 || (at > 1 && m->name[at - 1] == '\\'))
        return NULL;
    char *s = malloc(m->name_len + 6);
    if (!s)
        return NULL;
    memcpy(s, m->name, at);
    static const char hex[] = "0123456789abcdef";
    char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
    memcpy(s + at, esc, 6);
    memcpy(s + at + 6, m->name + at + 1, m->name_len - at - 1);
    s[m->name_len + 5] = '\0';
    return s;
}

static bool op_duplicate(qe_rng *g, qe_req *r, bool escaped)
{
    if (!r->nm)
        return true;
    size_t i = pick_member(g, r);
    qe_member m = {0};
    static const char *const alts[] = {"\"other\"", "1", "null", "\"\""};
    const char *v = alts[qe_below(g, 4)];
    if (!qe_member_set(&m, r->m[i].name, r->m[i].name_len, QE_V_RAW, 0, 0, v, strlen(v)))
        return false;
    if (escaped) {
        char *e = escaped_name(&r->m[i], g);
        if (e) {
            free(m.name);
            m.name = e;
            m.name_len = strlen(e);
        }
    }
    bool ok = (!r->m[i].plain || (m.plain = qc_strdup(r->m[i].plain))) && qe_req_add(r, &m);
    qe_member_free(&m);
    return ok;
}

static bool op_respell(qe_rng *g, qe_req *r)
{
    if (!r->nm)
        return true;
    qe_member *m = &r->m[pick_member(g, r)];
    if (m->kind == QE_V_SPLICE)
        return true;
    char *e = escaped_name(m, g);
    if (!e)
        return true;
    free(m->name);
    m->name = e;
    m->name_len = strlen(e);
    return true;
}

static bool op_string(const quo_spec *spec, qe_rng *g, size_t max, qe_req *r, bool longstr)
{
    if (!r->nm)
        return true;
    size_t i = pick_member(g, r);
    const char *p;
    size_t n;
    string_prefix(&r->m[i], &p, &n);
    if (is_id(spec, &r->m[i]))
        r->ids_touched = true;
    char *keep = qc_strndup(p, n);
    if (!keep)
        return false;
    unsigned cls = (unsigned)qe_below(g, qe_class_count(QE_V_LONGSTR));
    bool ok = longstr ? set_value(r, i, NULL, QE_V_LONGSTR,
                                  pick_size(g, 1, max / qe_unit_bytes(QE_V_LONGSTR, cls)), cls,
                                  keep, n)
                      : set_value(r, i, NULL, QE_V_SPECIAL, 0,
                                  (unsigned)qe_below(g, qe_class_count(QE_V_SPECIAL)), keep, n);
    free(keep);
    return ok;
}

static bool op_number(qe_rng *g, qe_req *r)
{
    if (!r->nm)
        return true;
    size_t i = pick_member(g, r);
    if (qe_below(g, 2))
        return set_value(r, i, NULL, QE_V_NUMBER, 0,
                         (unsigned)qe_below(g, qe_class_count(QE_V_NUMBER)), NULL, 0);
    return set_value(r, i, NULL, QE_V_DIGITS, pick_size(g, 2, 100000), (unsigned)qe_below(g, 3),
                     NULL, 0);
}

static bool op_retype(qe_rng *g, qe_req *r)
{
    static const char *const vals[] = {"123", "null", "true", "[]", "{}", "\"\"", "[\"x\"]",
                                       "{\"a\":\"b\"}"};
    if (!r->nm)
        return true;
    const char *v = vals[qe_below(g, sizeof vals / sizeof vals[0])];
    return set_value(r, pick_member(g, r), NULL, QE_V_RAW, 0, 0, v, strlen(v));
}

static bool op_structure(qe_rng *g, size_t max, qe_req *r, bool nest)
{
    qe_kind kind = nest ? QE_V_NEST : (qe_below(g, 2) ? QE_V_SPLICE : QE_V_MANY);
    unsigned cls = (unsigned)qe_below(g, 3);
    size_t n = pick_size(g, 1, max / qe_unit_bytes(kind, cls));
    if (kind == QE_V_SPLICE || !r->nm || qe_below(g, 2))
        return set_value(r, r->nm, kind == QE_V_SPLICE ? NULL : "\"extra\"", kind, n, cls, NULL,
                         0);
    return set_value(r, pick_member(g, r), NULL, kind, n, cls, NULL, 0);
}

static bool op_tree(const quo_spec *spec, qe_rng *g, size_t max, qe_req *r)
{
    const quo_contract_member *cm;
    /* Special characters in strings are a third of the tree mutations:
     * they are the richest class (22 kinds). */
    size_t k = qe_below(g, 18);
    switch (k < 7 ? 0 : k - 6) {
    case 0:
    case 1:
        r->op = "string: special characters";
        return op_string(spec, g, max, r, false);
    case 2:
        r->op = "string: long";
        return op_string(spec, g, max, r, true);
    case 3:
        r->op = "number";
        return op_number(g, r);
    case 4:
        r->op = "date-time";
        cm = datetime_member(spec);
        return add_contract_member(spec, g, r, cm, QE_V_DATETIME, 0,
                                   (unsigned)qe_below(g, qe_class_count(QE_V_DATETIME)), NULL);
    case 5:
        r->op = "structure: nesting";
        return op_structure(g, max, r, true);
    case 6:
        r->op = "structure: many members";
        return op_structure(g, max, r, false);
    case 7:
        r->op = "duplicate member";
        return op_duplicate(g, r, qe_below(g, 2));
    case 8:
        r->op = "name spelt with an escape";
        return op_respell(g, r);
    case 9:
        r->op = "member removed";
        if (r->nm)
            qe_req_remove(r, pick_member(g, r));
        return true;
    case 10:
        r->op = "contract member added";
        cm = any_member(spec, g);
        if (cm && cm->pattern)
            r->ids_touched = true;
        return add_contract_member(spec, g, r, cm, QE_V_RAW, 0, 0, "\"x\"");
    default:
        r->op = "value of another type";
        return op_retype(g, r);
    }
}

/* ---- byte and HTTP mutations ------------------------------------------- */

static const char *const tokens[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800",
                                     "null", "1e999", "-0", "\x00", "\xff", "\r\n", " ", "{}",
                                     "\"a\":1", "//", "/*", "\xef\xbb\xbf"};

static bool op_bytes(qe_rng *g, size_t max, qe_req *r)
{
    if (!qe_req_to_raw(r))
        return false;
    /* A byte may land in a resource id: 403/404 become acceptable. */
    r->ids_touched = true;
    size_t len = r->raw_len;
    size_t at = qe_below(g, len + 1);
    switch (qe_below(g, 5)) {
    case 0:
        r->op = "byte flipped";
        if (len)
            r->raw[at % len] ^= (char)(1u << qe_below(g, 8));
        return true;
    case 1: {
        r->op = "token inserted";
        size_t ti = qe_below(g, sizeof tokens / sizeof tokens[0]);
        size_t tl = ti == 13 ? 1 : strlen(tokens[ti]);
        char *p = realloc(r->raw, len + tl + 1);
        if (!p)
            return false;
        memmove(p + at + tl, p + at, len - at + 1);
        memcpy(p + at, tokens[ti], tl);
        r->raw = p;
        r->raw_len += tl;
        return true;
    }
    case 2: {
        r->op = "bytes deleted";
        size_t n = qe_below(g, len - (at < len ? at : len) + 1);
        if (n > 64)
            n = 64;
        memmove(r->raw + at, r->raw + at + n, len - at - n + 1);
        r->raw_len -= n;
        return true;
    }
    case 3:
        r->op = "truncated";
        r->raw_len = at;
        r->raw[at] = '\0';
        return true;
    default: {
        r->op = "bytes repeated";
        /* The tail from `at`, repeated once; up to the limit in force. */
        size_t n = qe_below(g, len - (at < len ? at : len) + 1);
        if (len + n > max)
            return true;
        char *p = realloc(r->raw, len + n + 1);
        if (!p)
            return false;
        memmove(p + at + n, p + at, len - at + 1);
        memcpy(p + at + n, p + at, n);
        r->raw = p;
        r->raw_len += n;
        return true;
    }
    }
}

/* One HTTP-layer variation: framing bits from their one list
 * (qe_framings), or the Content-Type. */
static void op_http(qe_rng *g, qe_req *r)
{
    size_t nct, nf;
    qe_content_types(&nct);
    const qe_framing *f = qe_framings(&nf);
    size_t k = qe_below(g, nf + 1);
    if (k == nf) {
        r->op = "Content-Type varied";
        r->ctype = (unsigned)qe_below(g, nct);
        return;
    }
    r->op = f[k].op;
    r->framing ^= f[k].bit;
}

bool qe_mutate(const quo_spec *spec, qe_rng *g, size_t max_body, qe_req *r)
{
    size_t k = qe_below(g, 10);
    if (k < 2) {
        op_http(g, r);
        return true;
    }
    if (k < 3 || r->raw)
        return op_bytes(g, max_body, r);
    return op_tree(spec, g, max_body, r);
}

/* ---- the sweep: every class once, before the random phase -------------- */

/* The sweep's steps on the valid seed, in order: the cheap and the
 * common first, so a short budget still reaches every class. */
typedef enum sweep_step {
    SW_SPECIAL = 0, SW_NUMBER, SW_DIGITS, SW_DATETIME, SW_NEST, SW_MANY, SW_DUP, SW_RESPELL,
    SW_HTTP, SW_LONG, SW_INVALID_SPECIAL, SW_INVALID_LONG, SW_END
} sweep_step;

static size_t step_count(sweep_step s)
{
    size_t nct, nf;
    qe_content_types(&nct);
    qe_framings(&nf);
    switch (s) {
    case SW_SPECIAL: case SW_INVALID_SPECIAL: return qe_class_count(QE_V_SPECIAL);
    case SW_NUMBER: return qe_class_count(QE_V_NUMBER);
    case SW_DIGITS: return 3;
    case SW_DATETIME: return qe_class_count(QE_V_DATETIME);
    case SW_NEST: return 3;
    case SW_MANY: return 2;
    case SW_DUP: return 2;
    case SW_RESPELL: return 1;
    case SW_HTTP: return nf + (nct - 1);
    case SW_LONG: case SW_INVALID_LONG: return 2;
    default: return 0;
    }
}

static bool sweep_apply(const quo_spec *spec, sweep_step s, size_t i, qe_req *r)
{
    const char *p;
    size_t n;
    qe_rng g = {i};
    if (!r->nm && s != SW_HTTP)
        return true;
    string_prefix(&r->m[0], &p, &n);
    char *keep = qc_strndup(p, n);
    if (!keep)
        return false;
    bool ok = true;
    switch (s) {
    case SW_SPECIAL:
    case SW_INVALID_SPECIAL:
        r->op = "string: special characters";
        if (is_id(spec, &r->m[0]))
            r->ids_touched = true;
        ok = set_value(r, 0, NULL, QE_V_SPECIAL, 0, (unsigned)i, keep, n);
        break;
    case SW_LONG:
    case SW_INVALID_LONG:
        r->op = "string: long";
        if (is_id(spec, &r->m[0]))
            r->ids_touched = true;
        ok = set_value(r, 0, NULL, QE_V_LONGSTR, 40000, i ? 3u : 0u, keep, n);
        break;
    case SW_NUMBER:
        r->op = "number";
        ok = set_value(r, 0, NULL, QE_V_NUMBER, 0, (unsigned)i, NULL, 0);
        break;
    case SW_DIGITS:
        r->op = "number";
        ok = set_value(r, 0, NULL, QE_V_DIGITS, 400, (unsigned)i, NULL, 0);
        break;
    case SW_DATETIME:
        r->op = "date-time";
        ok = add_contract_member(spec, &g, r, datetime_member(spec), QE_V_DATETIME, 0,
                                 (unsigned)i, NULL);
        break;
    case SW_NEST:
        r->op = "structure: nesting";
        ok = set_value(r, r->nm, "\"extra\"", QE_V_NEST, 5000, (unsigned)i, NULL, 0);
        break;
    case SW_MANY:
        r->op = "structure: many members";
        ok = i ? set_value(r, r->nm, "\"extra\"", QE_V_MANY, 20000, 0, NULL, 0)
               : set_value(r, r->nm, NULL, QE_V_SPLICE, 2000, 0, NULL, 0);
        break;
    case SW_DUP:
        r->op = "duplicate member";
        ok = op_duplicate(&g, r, i == 1);
        break;
    case SW_RESPELL:
        r->op = "name spelt with an escape";
        ok = op_respell(&g, r);
        break;
    case SW_HTTP: {
        /* Each framing variation, then each Content-Type but the first. */
        size_t nf;
        const qe_framing *f = qe_framings(&nf);
        if (i < nf) {
            r->op = f[i].op;
            r->framing |= f[i].bit;
        } else {
            r->op = "Content-Type varied";
            r->ctype = (unsigned)(i - nf + 1);
        }
        break;
    }
    default:
        break;
    }
    free(keep);
    return ok;
}

bool qe_sweep(const quo_spec *spec, size_t k, const qe_req *valid, const qe_req *invalid,
              qe_req *out, bool *done)
{
    *done = false;
    for (sweep_step s = SW_SPECIAL; s < SW_END; s++) {
        size_t n = step_count(s);
        if (k >= n) {
            k -= n;
            continue;
        }
        const qe_req *base = s >= SW_INVALID_SPECIAL ? invalid : valid;
        if (!base) {
            qe_req_init(out);
            out->op = "sweep: no seed";
            return true; /* an empty request the caller skips */
        }
        return qe_req_copy(out, base) && sweep_apply(spec, s, k, out);
    }
    *done = true;
    return true;
}
