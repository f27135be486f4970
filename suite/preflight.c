/* suite/preflight.c - see preflight.h. */
#include "preflight.h"

#include <stdlib.h>
#include <string.h>

#include "quo/response.h"

#define QC_PREFLIGHT_MAX 4

static bool is_json(const qc_exchange *x)
{
    return x->content_type && (quo_media_type_is(x->content_type, "application/json") ||
                               strstr(x->content_type, "+json"));
}

const char *qc_environment_answer(const qc_exchange *x)
{
    if (!x->done || x->error)
        return NULL;
    switch (x->status) {
    case 502: return "502 Bad Gateway: the gateway got no valid answer from the API";
    case 503: return "503 Service Unavailable: the target (or its load balancer) is not serving";
    case 504: return "504 Gateway Timeout: the gateway gave up waiting for the API";
    case 407: return "407: a proxy wants credentials (see --proxy)";
    case 429: return "429 Too Many Requests after every retry: rate-limited";
    case 401:
    case 403:
        if (!is_json(x))
            return "a non-JSON refusal: a gateway or proxy in front of the API refused the "
                   "request (a header it needs? see --header)";
        return NULL;
    default:
        return NULL;
    }
}

/* How many fixture values of `want` the case's body names and are not
 * yet covered. */
static size_t covers(const qc_case *c, const char *const *want, const bool *done)
{
    size_t n = 0;
    for (size_t i = 0; i < 4; i++)
        if (want[i] && !done[i] && c->body && strstr(c->body, want[i]))
            n++;
    return n;
}

/* The positive cases to send: greedy, each naming the most fixtures not
 * yet named, until all are or none adds one. */
static size_t pick(const qc_preflight_input *in, size_t *out)
{
    const char *want[4] = {in->fixtures->phone_number_id, in->fixtures->conversation_id,
                           in->fixtures->activity_id, in->fixtures->user_id};
    bool done[4] = {false};
    size_t n = 0;
    while (n < QC_PREFLIGHT_MAX) {
        size_t best = 0, best_i = 0;
        for (size_t i = 0; i < in->cases->count; i++) {
            const qc_case *c = &in->cases->items[i];
            if (c->expect != QC_EXPECT_TASK || c->exchange != i || c->skip || c->auth != QC_AUTH_KEY)
                continue;
            size_t k = covers(c, want, done);
            if (k > best) {
                best = k;
                best_i = i;
            }
        }
        if (best == 0)
            break;
        out[n++] = best_i;
        for (size_t k = 0; k < 4; k++)
            if (want[k] && in->cases->items[best_i].body &&
                strstr(in->cases->items[best_i].body, want[k]))
                done[k] = true;
    }
    return n;
}

static char *excerpt(const qc_exchange *x)
{
    quo_buf b;
    quo_buf_init(&b);
    qc_buf_utf8(&b, x->body ? x->body : "", x->body_len, 160);
    if (!b.data)
        quo_buf_append(&b, "", 0);
    return quo_buf_take(&b, NULL);
}

/* The problem an answer to a valid request shows, or NULL. */
static char *judge(const qc_case *c, const qc_exchange *x)
{
    quo_buf b;
    quo_buf_init(&b);
    const char *env = qc_environment_answer(x);
    char *body = excerpt(x);
    if (x->status == 429 && x->retry_after > 0) {
        quo_buf_printf(&b, "rate-limited: the server asks to wait %g s (Retry-After) before the "
                           "preflight request %s, more than the %g s cap or the time the run "
                           "has left; retrying earlier would break its limit",
                       x->retry_after, c->id, QC_HTTP_MAX_RETRY_AFTER);
    } else if (x->stopped) {
        quo_buf_printf(&b, "stopped before the preflight request %s was sent", c->id);
    } else if (x->error) {
        quo_buf_printf(&b, "target down: no answer to the preflight request %s: %s", c->id,
                       x->error);
    } else if (x->status >= 200 && x->status < 300) {
        /* the key works and the fixtures exist */
    } else if (env && (x->status == 401 || x->status == 403)) {
        quo_buf_printf(&b, "gateway refused: a valid request (%s) got a non-JSON %d (%s), so "
                           "something in front of the API refused it, not the API: does the "
                           "gateway need a header (--header 'Name: value'), or a proxy "
                           "(--proxy / --noproxy)? The answer begins: %s",
                       c->id, x->status, x->content_type ? x->content_type : "no Content-Type",
                       body ? body : "");
    } else if (env) {
        quo_buf_printf(&b, "target not serving: a valid request (%s) got %s", c->id, env);
    } else if (x->status == 401 || x->status == 403) {
        quo_buf_printf(&b, "key refused: a valid request (%s) with the API key got %d from the "
                           "API: check QUO_API_KEY (revoked? another environment's key?) and "
                           "that it may use the fixtures. The answer begins: %s",
                       c->id, x->status, body ? body : "");
    } else if (x->status == 404) {
        quo_buf_printf(&b, "fixtures unknown: a valid request (%s) naming the fixtures got 404: "
                           "check that fixtures.* in the config exist on this target and "
                           "belong together. The answer begins: %s",
                       c->id, body ? body : "");
    } else if (!is_json(x) && x->status >= 300) {
        quo_buf_printf(&b, "not the API: a valid request (%s) got a non-JSON %d (%s): a "
                           "gateway, a proxy, or another protocol on this port (http:// to a "
                           "TLS port?). The answer begins: %s",
                       c->id, x->status, x->content_type ? x->content_type : "no Content-Type",
                       body ? body : "");
    }
    free(body);
    if (b.failed) {
        quo_buf_free(&b);
        return NULL;
    }
    if (!b.data)
        return qc_strdup("");
    return quo_buf_take(&b, NULL);
}

quo_status qc_preflight(const qc_preflight_input *in, char **problem, bool *rate_limited,
                        quo_error *err)
{
    *problem = NULL;
    *rate_limited = false;
    quo_error perr = {0};
    quo_status st = qc_http_probe(in->http, in->base_url, &perr);
    if (st == QUO_ENOMEM)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st != QUO_OK) {
        quo_buf b;
        quo_buf_init(&b);
        quo_buf_printf(&b, "target down: %s", perr.message);
        *problem = quo_buf_take(&b, NULL);
        return *problem ? QUO_OK : quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    size_t order[QC_PREFLIGHT_MAX];
    size_t n = pick(in, order);
    for (size_t k = 0; k < n; k++) {
        const qc_case *c = &in->cases->items[order[k]];
        qc_exchange *x = &in->exchanges[order[k]];
        qc_strlist lines;
        qc_strlist_init(&lines);
        if (!qc_case_headers(in->cases, c, in->api_key, "", &lines)) {
            qc_strlist_free(&lines);
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        }
        qc_http_request req = {.method = c->method, .url = in->url, .headers = &lines,
                               .body = c->body, .body_len = c->body_len};
        st = qc_http_send(in->http, &req, x);
        qc_strlist_free(&lines);
        if (st != QUO_OK)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory while sending");
        qc_ledger_record(in->ledger, c->id, x);
        if (in->sent)
            in->sent(in->user, c, x);
        char *p = judge(c, x);
        if (!p)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        if (*p) {
            *problem = p;
            *rate_limited = x->status == 429 && x->retry_after > 0;
            return QUO_OK;
        }
        free(p);
    }
    return QUO_OK;
}
