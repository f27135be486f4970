/* suite/http.c - see http.h. */
#include "http.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

struct qc_http {
    CURL *curl;
    qc_http_options opts;
    double next_start; /* monotonic seconds before which no request starts */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s)
{
    if (s <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void qc_exchange_init(qc_exchange *x)
{
    memset(x, 0, sizeof *x);
}

static void exchange_clear_response(qc_exchange *x)
{
    free(x->content_type);
    x->content_type = NULL;
    for (size_t i = 0; i < x->header_count; i++) {
        free(x->headers[i].name);
        free(x->headers[i].value);
    }
    x->header_count = 0;
    free(x->body);
    x->body = NULL;
    x->body_len = 0;
    free(x->error);
    x->error = NULL;
    x->status = 0;
}

void qc_exchange_free(qc_exchange *x)
{
    exchange_clear_response(x);
    qc_exchange_init(x);
}

const char *qc_exchange_header(const qc_exchange *x, const char *name)
{
    for (size_t i = 0; i < x->header_count; i++)
        if (strcasecmp(x->headers[i].name, name) == 0)
            return x->headers[i].value;
    return NULL;
}

double qc_http_retry_after(const char *value)
{
    if (!value)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (errno || end == value || *end || v < 0 || !isfinite(v))
        return -1;
    return v;
}

quo_status qc_http_open(const qc_http_options *opts, qc_http **out, quo_error *err)
{
    qc_http *h = calloc(1, sizeof *h);
    if (!h || !(h->curl = curl_easy_init())) {
        free(h);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create an HTTP client");
    }
    h->opts = *opts;
    if (h->opts.max_backoff <= 0)
        h->opts.max_backoff = 30;
    *out = h;
    return QUO_OK;
}

void qc_http_close(qc_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

/* Per-transfer state for the curl callbacks. */
typedef struct transfer {
    qc_exchange *x;
    quo_buf body;
    bool oom;
    bool too_big;
} transfer;

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    if (t->body.len + len > QC_HTTP_MAX_BODY) {
        t->too_big = true;
        return 0; /* aborts the transfer */
    }
    quo_buf_append(&t->body, data, len);
    if (t->body.failed) {
        t->oom = true;
        return 0;
    }
    return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    qc_exchange *x = t->x;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after 100 Continue): forget earlier headers. */
        for (size_t i = 0; i < x->header_count; i++) {
            free(x->headers[i].name);
            free(x->headers[i].value);
        }
        x->header_count = 0;
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon || x->header_count == QC_HTTP_MAX_HEADERS)
        return len;
    size_t nl = (size_t)(colon - data);
    const char *v = colon + 1;
    const char *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    qc_header *hd = &x->headers[x->header_count];
    hd->name = qc_strndup(data, nl);
    hd->value = qc_strndup(v, (size_t)(end - v));
    if (!hd->name || !hd->value) {
        free(hd->name);
        free(hd->value);
        t->oom = true;
        return 0;
    }
    x->header_count++;
    return len;
}

static quo_status set_error(qc_exchange *x, const char *msg)
{
    free(x->error);
    x->error = qc_strdup(msg);
    return x->error ? QUO_OK : QUO_ENOMEM;
}

/* One attempt. */
static quo_status attempt(qc_http *h, const qc_http_request *req, qc_exchange *x)
{
    CURL *c = h->curl;
    exchange_clear_response(x);
    struct curl_slist *hdrs = NULL;
    bool oom = false;
    for (size_t i = 0; req->headers && i < req->headers->count && !oom; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, req->headers->items[i]);
        oom = n == NULL;
        if (n)
            hdrs = n;
    }
    /* No "Expect: 100-continue" round trip, and no form content type. */
    struct curl_slist *n2 = oom ? NULL : curl_slist_append(hdrs, "Expect:");
    oom = oom || !n2;
    if (n2)
        hdrs = n2;
    bool has_ct = false;
    for (size_t i = 0; req->headers && i < req->headers->count; i++)
        if (strncasecmp(req->headers->items[i], "Content-Type", 12) == 0)
            has_ct = true;
    if (!oom && !has_ct) {
        n2 = curl_slist_append(hdrs, "Content-Type:");
        oom = !n2;
        if (n2)
            hdrs = n2;
    }
    if (oom) {
        curl_slist_free_all(hdrs);
        return QUO_ENOMEM;
    }
    transfer t = {.x = x};
    quo_buf_init(&t.body);
    /* reset keeps the live connection: keep-alive survives. */
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(h->opts.timeout * 1000));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(h->opts.timeout * 1000));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "quo-conformance");
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        if (strcmp(req->method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    }
    double t0 = now_seconds();
    CURLcode rc = curl_easy_perform(c);
    x->seconds = now_seconds() - t0;
    x->attempts++;
    x->done = true;
    curl_slist_free_all(hdrs);
    quo_status st = QUO_OK;
    if (t.oom) {
        st = QUO_ENOMEM;
    } else if (t.too_big) {
        st = set_error(x, "the response body is larger than 256 KiB");
    } else if (rc != CURLE_OK) {
        st = set_error(x, curl_easy_strerror(rc));
    } else {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        x->status = (int)code;
        const char *ct = qc_exchange_header(x, "Content-Type");
        if (ct && !(x->content_type = qc_strdup(ct)))
            st = QUO_ENOMEM;
        if (st == QUO_OK) {
            if (!t.body.data)
                quo_buf_append(&t.body, "", 0);
            x->body = quo_buf_take(&t.body, &x->body_len);
            if (!x->body)
                st = QUO_ENOMEM;
        }
    }
    quo_buf_free(&t.body);
    return st;
}

quo_status qc_http_send(qc_http *h, const qc_http_request *req, qc_exchange *out)
{
    double backoff = 1.0;
    for (unsigned n = 0;; n++) {
        if (h->opts.rate > 0) {
            double wait = h->next_start - now_seconds();
            sleep_seconds(wait);
            h->next_start = now_seconds() + 1.0 / h->opts.rate;
        }
        quo_status st = attempt(h, req, out);
        if (st != QUO_OK || out->status != 429 || n >= h->opts.max_retries)
            return st;
        double delay = qc_http_retry_after(qc_exchange_header(out, "Retry-After"));
        if (delay < 0)
            delay = backoff;
        if (delay > h->opts.max_backoff)
            delay = h->opts.max_backoff;
        backoff = backoff * 2 > h->opts.max_backoff ? h->opts.max_backoff : backoff * 2;
        sleep_seconds(delay);
    }
}

quo_status qc_http_probe(const char *url, double timeout, quo_error *err)
{
    CURL *c = curl_easy_init();
    if (!c)
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create an HTTP client");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout * 1000));
    char msg[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, msg);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK)
        return QUO_OK;
    return quo_error_set(err, QUO_EIO, 0, "cannot reach %s: %s", url,
                         msg[0] ? msg : curl_easy_strerror(rc));
}
