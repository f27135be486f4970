/* suite/explore_oracle.c - judges one explored request: the library's
 * verdict of what was sent against what the server answered.
 *
 * A finding needs a reason the product can stand behind:
 *   - no answer (timeout, reset, empty reply): always;
 *   - a 5xx: always (exploration never asks for one: no Prefer header);
 *   - a response that does not conform (quo_response_parse): always;
 *   - a body the library accepts answered with anything but the success
 *     status (or 403/404 when a resource id is not the fixtures');
 *   - a body the library rejects answered 2xx, 403 or 404.
 * The last two need a verdict: when the library cannot give one (nesting
 * beyond its limits, a Content-Type that is not the contract's media type,
 * a repeated header that is not a list field, qe_framings()) only the first
 * three apply. Limit answers (413, 429 after the client's retries, 431, and
 * 417 to an Expect sent twice) are never findings: a server may refuse more
 * than it wants to read. A close on a body over the learnt limit is the
 * limit too (explore_limit.c, decided by the caller).
 */
#include "explore.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/quo.h"

quo_status qe_expectation(const quo_spec *spec, const qe_req *r, const char *body, size_t len,
                          qe_expect *out)
{
    size_t n;
    const qe_ctype *t = qe_content_types(&n);
    *out = QE_EXPECT_UNJUDGED;
    if (!t[r->ctype % n].same)
        return QUO_OK;
    size_t nf;
    const qe_framing *f = qe_framings(&nf);
    for (size_t i = 0; i < nf; i++)
        if ((r->framing & f[i].bit) && !f[i].judged)
            return QUO_OK;
    quo_error e = {0};
    /* Deeper than any server needs to read: the server's depth limit
     * answers, not the library's. */
    quo_status st = quo_json_check(body, len, QUO_JSON_DEFAULT_MAX_DEPTH, &e);
    if (st == QUO_ENOMEM)
        return st;
    if (st == QUO_EDEPTH || st == QUO_ELIMIT)
        return QUO_OK;
    quo_violations v;
    quo_violations_init(&v);
    st = quo_request_validate(spec, body, len, QE_JUDGE_DEPTH, &v, NULL);
    if (st == QUO_OK)
        *out = v.count ? QE_EXPECT_INVALID : QE_EXPECT_VALID;
    quo_violations_free(&v);
    return st;
}

void qe_verdict_free(qe_verdict *v)
{
    free(v->task_id);
    v->task_id = NULL;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
    return s ? mix(h, s, strlen(s) + 1) : mix(h, "", 1);
}

/* An instance path with array indices as "*": "/errors/0/value" ->
 * "/errors/ * /value" (bucketed by shape, not position). */
static void shape_path(const char *path, char *out, size_t outsz)
{
    size_t o = 0;
    for (const char *p = path; *p && o + 2 < outsz; p++) {
        if (*p >= '0' && *p <= '9' && p > path && p[-1] == '/') {
            out[o++] = '*';
            while (p[1] >= '0' && p[1] <= '9')
                p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static int latency_class(double seconds)
{
    double ms = seconds * 1000;
    return ms < 1 ? 0 : (int)log2(ms) + 1;
}

static const char *expect_name(qe_expect e)
{
    return e == QE_EXPECT_VALID ? "valid" : e == QE_EXPECT_INVALID ? "invalid" : "not judged";
}

static void set_finding(qe_verdict *v, const char *sig, const char *detail, int status)
{
    v->finding = true;
    snprintf(v->signature, sizeof v->signature, "%.140s (%d)", sig, status);
    snprintf(v->detail, sizeof v->detail, "%s, but the server answered %d", detail, status);
}

static uint64_t error_shape(uint64_t h, const quo_response *resp)
{
    const cJSON *errs = resp->kind == QUO_RESPONSE_ERROR ? resp->error.errors : NULL;
    const cJSON *it;
    size_t k = 0;
    cJSON_ArrayForEach(it, errs)
    {
        if (k++ == 8)
            break;
        const cJSON *p = quo_json_member(resp->doc, it, "path");
        const cJSON *m = quo_json_member(resp->doc, it, "message");
        char shaped[128];
        shape_path(cJSON_IsString(p) ? p->valuestring : "?", shaped, sizeof shaped);
        h = mix_str(h, shaped);
        /* the message's first word: its shape, not the value it quotes */
        if (cJSON_IsString(m)) {
            size_t w = strcspn(m->valuestring, " :\"");
            h = mix(h, m->valuestring, w < 24 ? w : 24);
        }
    }
    return h;
}

static void judge_answer(const quo_spec *spec, const qe_req *r, const qe_answer *a,
                         const quo_response *resp, qe_verdict *out)
{
    int success = quo_contract_success_status(quo_spec_contract(spec));
    int s = a->status;
    if (resp->violations.count) {
        const quo_violation *vi = &resp->violations.items[0];
        char shaped[96];
        shape_path(vi->path, shaped, sizeof shaped);
        char sig[160];
        snprintf(sig, sizeof sig, "non-conforming %d response: %s at \"%s\"", s, vi->keyword,
                 shaped);
        out->finding = true;
        snprintf(out->signature, sizeof out->signature, "%s", sig);
        snprintf(out->detail, sizeof out->detail,
                 "the %d response does not conform to the contract: %s at \"%s\": %.300s "
                 "(request body: %s)",
                 s, vi->keyword, vi->path, vi->message, expect_name(out->expect));
        return;
    }
    if (out->expect == QE_EXPECT_VALID && s != success &&
        !(r->ids_touched && (s == 403 || s == 404)))
        set_finding(out, s / 100 == 2 ? "valid body answered another 2xx" : "valid body rejected",
                    "the library accepts the body", s);
    else if (out->expect == QE_EXPECT_INVALID && (s / 100 == 2 || s == 403 || s == 404))
        set_finding(out, s / 100 == 2 ? "invalid body accepted" : "invalid body answered 403/404",
                    "the library rejects the body (it breaks the contract)", s);
}

quo_status qe_judge(const quo_spec *spec, const qe_req *r, const char *body, size_t len,
                    const qe_answer *a, qe_verdict *out)
{
    memset(out, 0, sizeof *out);
    /* A limit answer is never a finding: the body's verdict is not needed
     * (it is not worked out: a refused body is often the largest sent). */
    bool limit = a->status == 413 || a->status == 429 || a->status == 431 ||
                 (a->status == 417 && (r->framing & QE_F_EXPECT_TWICE));
    out->expect = QE_EXPECT_UNJUDGED;
    quo_status st = limit ? QUO_OK : qe_expectation(spec, r, body, len, &out->expect);
    if (st != QUO_OK)
        return st;
    uint64_t h = mix(1469598103934665603ull, &out->expect, sizeof out->expect);
    h = mix(h, &a->status, sizeof a->status);
    int lc = latency_class(a->seconds);
    h = mix(h, &lc, sizeof lc);
    if (a->status == 0) {
        if (a->too_big) {
            out->feedback = mix_str(h, "too-big");
            return QUO_OK;
        }
        const char *how = a->timeout ? "timeout" : a->reset ? "connection reset"
                          : a->empty ? "empty reply" : "transport error";
        out->finding = true;
        snprintf(out->signature, sizeof out->signature, "no answer: %s", how);
        snprintf(out->detail, sizeof out->detail, "the server gave no answer (%s: %.200s)", how,
                 a->error ? a->error : "?");
        out->feedback = mix_str(h, how);
        return QUO_OK;
    }
    h = mix_str(h, a->content_type);
    if (limit) {
        out->feedback = h;
        return QUO_OK;
    }
    if (a->status >= 500) {
        out->finding = true;
        snprintf(out->signature, sizeof out->signature, "server error %d", a->status);
        snprintf(out->detail, sizeof out->detail,
                 "the server answered %d and nothing asked for one (request body: %s)", a->status,
                 expect_name(out->expect));
        out->feedback = h;
        return QUO_OK;
    }
    quo_response resp;
    st = quo_response_parse(spec, a->status, a->content_type, a->body, a->body_len, &resp);
    if (st != QUO_OK) {
        quo_response_free(&resp);
        return st;
    }
    h = mix_str(h, resp.violations.count ? resp.violations.items[0].keyword : "conforms");
    out->feedback = error_shape(h, &resp);
    judge_answer(spec, r, a, &resp, out);
    if (resp.kind == QUO_RESPONSE_TASK && resp.task.task_id) {
        out->task_id = qc_strndup(resp.task.task_id, resp.task.task_id_len);
        if (!out->task_id)
            st = QUO_ENOMEM;
    }
    quo_response_free(&resp);
    return st;
}
