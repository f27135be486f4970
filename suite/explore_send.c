/* suite/explore_send.c - the exploration's ONE adapter onto the suite's
 * HTTP client (suite/http.h): pacing, --timeout and the 429 policy are the
 * client's. When the shared client changes, only this file follows. */
#include "explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qe_sender {
    qc_http *http;
    char *url;
    const char *auth_header;
    const char *auth_scheme;
    const char *key;
    const qc_strlist *required;
    size_t serial;       /* numbers the required parameters' values */
};

quo_status qe_sender_open(const qc_config *cfg, const char *base_url, const char *path,
                          const char *auth_header, const char *auth_scheme,
                          const qc_strlist *required, qe_sender **out, quo_error *err)
{
    qe_sender *s = calloc(1, sizeof *s);
    if (!s)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    size_t bl = strlen(base_url);
    while (bl && base_url[bl - 1] == '/')
        bl--;
    s->url = malloc(bl + strlen(path) + 1);
    if (!s->url) {
        free(s);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    memcpy(s->url, base_url, bl);
    memcpy(s->url + bl, path, strlen(path) + 1);
    /* The run's own policy: its pacing, timeout, TLS and proxy settings,
     * and the 429 rule (Retry-After honoured up to the cap, never earlier). */
    qc_http_options o = {.timeout = cfg->timeout, .rate = cfg->rate,
                         .max_retries = QC_HTTP_MAX_RETRIES,
                         .max_retry_after = QC_HTTP_MAX_RETRY_AFTER,
                         .transport = &cfg->transport, .no_proxy = cfg->embedded};
    quo_status st = qc_http_open(&o, &s->http, err);
    if (st != QUO_OK) {
        free(s->url);
        free(s);
        return st;
    }
    s->auth_header = auth_header;
    s->auth_scheme = auth_scheme;
    s->key = cfg->api_key ? cfg->api_key : "";
    s->required = required;
    *out = s;
    return QUO_OK;
}

void qe_sender_close(qe_sender *s)
{
    if (!s)
        return;
    qc_http_close(s->http);
    free(s->url);
    free(s);
}

void qe_answer_free(qe_answer *a)
{
    free(a->content_type);
    free(a->body);
    free(a->error);
    memset(a, 0, sizeof *a);
}

static bool contains(const char *s, const char *w)
{
    return s && strstr(s, w) != NULL;
}

quo_status qe_send(qe_sender *s, const qe_req *r, const char *media, qe_answer *out)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *body = qe_req_render(r, &len);
    qc_strlist lines;
    qc_strlist_init(&lines);
    char tag[32];
    snprintf(tag, sizeof tag, "%zu", ++s->serial);
    bool ok = body && qe_req_headers(r, media, len, &lines) &&
              qe_param_lines(r, s->required, tag, &lines) &&
              qe_auth_lines(r, s->auth_header, s->auth_scheme, s->key, &lines);
    if (!ok) {
        free(body);
        qc_strlist_free(&lines);
        return QUO_ENOMEM;
    }
    qc_http_request req = {.method = "POST", .url = s->url, .headers = &lines, .body = body,
                           .body_len = len};
    qc_exchange x;
    qc_exchange_init(&x);
    quo_status st = qc_http_send(s->http, &req, &x);
    qc_strlist_free(&lines); /* holds the key: dropped at once */
    free(body);
    if (st != QUO_OK) {
        qc_exchange_free(&x);
        return st;
    }
    out->status = x.status;
    out->seconds = x.seconds;
    out->content_type = x.content_type;
    out->body = x.body;
    out->body_len = x.body_len;
    out->error = x.error;
    x.content_type = x.body = x.error = NULL;
    if (out->error) {
        out->status = 0;
        out->timeout = x.timed_out;
        out->too_big = contains(out->error, "larger than");
        out->timeout = out->timeout || contains(out->error, "timed out");
        out->reset = contains(out->error, "reset") || contains(out->error, "Recv failure") ||
                     contains(out->error, "Send failure") ||
                     contains(out->error, "Failure when receiving");
        out->empty = contains(out->error, "nothing") || contains(out->error, "Empty reply");
    }
    qc_exchange_free(&x);
    return QUO_OK;
}

void qe_curl_command(quo_buf *b, const char *method, const char *path, const char *auth_header,
                     const char *auth_scheme, const qc_strlist *required, const qe_req *r,
                     const char *media, const char *body_file)
{
    quo_buf_printf(b, "curl -sS -i -X %s \"$QUO_BASE_URL%s\"", method, path);
    qc_strlist h;
    qc_strlist_init(&h);
    size_t len = 0;
    char *body = qe_req_render(r, &len);
    if (!body || !qe_req_headers(r, media, len, &h))
        b->failed = true;
    free(body);
    bool expect = false;
    for (size_t i = 0; i < h.count; i++)
        expect = expect || strncmp(h.items[i], "Expect", 6) == 0;
    /* The key stays in the environment: double quotes, so the shell puts
     * it in (names and schemes are the contract's tokens). */
    qc_strlist auth;
    qc_strlist_init(&auth);
    if (!qe_auth_lines(r, auth_header, auth_scheme, "$QUO_API_KEY", &auth) ||
        !qe_param_lines(r, required, "replay", &auth))
        b->failed = true;
    for (size_t i = 0; i < auth.count; i++)
        quo_buf_printf(b, " -H \"%s\"", auth.items[i]);
    qc_strlist_free(&auth);
    if (!expect)
        quo_buf_puts(b, " -H 'Expect:'");
    for (size_t i = 0; i < h.count; i++) {
        quo_buf_puts(b, " -H ");
        qc_buf_shell_word(b, h.items[i], strlen(h.items[i]));
    }
    if (!h.count || strncmp(h.items[0], "Content-Type", 12) != 0)
        quo_buf_puts(b, " -H 'Content-Type:'");
    qc_strlist_free(&h);
    quo_buf_puts(b, " --data-binary @");
    qc_buf_shell_word(b, body_file, strlen(body_file));
    (void)0; /* one line: it goes into a failure message */
}
