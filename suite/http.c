/* suite/http.c - see http.h. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>
#include <time.h>

#include <curl/curl.h>

struct qc_http {
    CURL *curl;
    qc_http_options opts;
    struct curl_slist *resolve; /* CURLOPT_RESOLVE, built once */
    double next_start; /* monotonic seconds before which no request starts */
    char errbuf[CURL_ERROR_SIZE];
};

double qc_http_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool stop_requested(const qc_http *h)
{
    return h->opts.stop && h->opts.stop(h->opts.user);
}

/* Sleeps s seconds in short slices, so a stop request (a signal) ends
 * the wait at once. false when stopped. */
static bool wait_seconds(const qc_http *h, double s)
{
    double end = qc_http_now() + s;
    for (;;) {
        if (stop_requested(h))
            return false;
        double left = end - qc_http_now();
        if (left <= 0)
            return true;
        if (left > 0.1)
            left = 0.1;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL); /* EINTR: the loop re-checks */
    }
}

static void progress(const qc_http *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void progress(const qc_http *h, const char *fmt, ...)
{
    if (!h->opts.progress)
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    h->opts.progress(h->opts.user, text);
}

/* ---- transport ---------------------------------------------------------- */

void qc_transport_init(qc_transport *t)
{
    memset(t, 0, sizeof *t);
    qc_strlist_init(&t->headers);
    qc_strlist_init(&t->resolve);
}

void qc_transport_free(qc_transport *t)
{
    free(t->cacert);
    free(t->capath);
    free(t->cert);
    free(t->key);
    free(t->proxy);
    free(t->noproxy);
    qc_strlist_free(&t->headers);
    qc_strlist_free(&t->resolve);
    qc_transport_init(t);
}

static bool copy_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? qc_strdup(src) : NULL;
    return !src || *dst;
}

bool qc_transport_copy(qc_transport *dst, const qc_transport *src)
{
    bool ok = copy_str(&dst->cacert, src->cacert) && copy_str(&dst->capath, src->capath) &&
              copy_str(&dst->cert, src->cert) && copy_str(&dst->key, src->key) &&
              copy_str(&dst->proxy, src->proxy) && copy_str(&dst->noproxy, src->noproxy);
    dst->insecure = src->insecure;
    for (size_t i = 0; ok && i < src->headers.count; i++)
        ok = qc_strlist_add(&dst->headers, src->headers.items[i]);
    for (size_t i = 0; ok && i < src->resolve.count; i++)
        ok = qc_strlist_add(&dst->resolve, src->resolve.items[i]);
    return ok;
}

/* ---- loopback by address ------------------------------------------------ */

static bool addr_text_loopback(const char *a)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, a, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, a, &v6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&v6) ||
               (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
    return false;
}

/* "HOST:PORT:ADDR[,ADDR...]" for host:port: every ADDR loopback? -1 when
 * no entry names host:port. */
static int resolve_entry_loopback(const qc_transport *t, const char *host, long port)
{
    for (size_t i = 0; t && i < t->resolve.count; i++) {
        const char *e = t->resolve.items[i];
        if (*e == '+' || *e == '-')
            e++;
        size_t hl = strlen(host);
        if (strncasecmp(e, host, hl) != 0 || e[hl] != ':')
            continue;
        char *end;
        long p = strtol(e + hl + 1, &end, 10);
        if (p != port || *end != ':')
            continue;
        bool all = true;
        for (const char *a = end + 1; *a && all;) {
            size_t n = strcspn(a, ",");
            char one[64];
            snprintf(one, sizeof one, "%.*s", (int)(n < 63 ? n : 63), a);
            size_t ol = strlen(one);
            if (ol > 1 && one[0] == '[' && one[ol - 1] == ']') {
                memmove(one, one + 1, ol - 2);
                one[ol - 2] = '\0';
            }
            all = addr_text_loopback(one);
            a += n + (a[n] == ',');
        }
        return all;
    }
    return -1;
}

bool qc_http_is_loopback(const char *url, const qc_transport *transport)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    bool loopback = false;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        char name[256];
        size_t hl = strlen(host);
        if (hl > 1 && host[0] == '[' && host[hl - 1] == ']')
            snprintf(name, sizeof name, "%.*s", (int)(hl - 2), host + 1);
        else
            snprintf(name, sizeof name, "%s", host);
        int forced = resolve_entry_loopback(transport, host, strtol(port, NULL, 10));
        if (forced < 0 && hl > 1 && host[0] == '[')
            forced = resolve_entry_loopback(transport, name, strtol(port, NULL, 10));
        if (forced >= 0) {
            loopback = forced == 1;
        } else {
            struct addrinfo hints, *res = NULL;
            memset(&hints, 0, sizeof hints);
            hints.ai_socktype = SOCK_STREAM;
            if (getaddrinfo(name, NULL, &hints, &res) == 0) {
                loopback = res != NULL;
                for (struct addrinfo *ai = res; ai && loopback; ai = ai->ai_next) {
                    char text[INET6_ADDRSTRLEN] = "";
                    const void *a = ai->ai_family == AF_INET
                        ? (const void *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr
                        : (const void *)&((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
                    loopback = (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
                               inet_ntop(ai->ai_family, a, text, sizeof text) &&
                               addr_text_loopback(text);
                }
                freeaddrinfo(res);
            }
        }
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return loopback;
}

double qc_http_default_rate(bool loopback)
{
    return loopback ? 0.0 : QC_HTTP_DEFAULT_REMOTE_RATE;
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
    x->timed_out = false;
    x->retry_after = 0;
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
    if (h->opts.max_retry_after <= 0)
        h->opts.max_retry_after = QC_HTTP_MAX_RETRY_AFTER;
    const qc_transport *t = opts->transport;
    for (size_t i = 0; t && i < t->resolve.count; i++) {
        struct curl_slist *n = curl_slist_append(h->resolve, t->resolve.items[i]);
        if (!n) {
            qc_http_close(h);
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        }
        h->resolve = n;
    }
    *out = h;
    return QUO_OK;
}

void qc_http_close(qc_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    curl_slist_free_all(h->resolve);
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

/* The option that would fix a transport error, or "". */
static const char *fix_hint(CURLcode rc)
{
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION: /* also CURLE_SSL_CACERT in curl >= 7.62 */
        return " (the server's certificate is not trusted here: give its CA with --cacert "
               "FILE or --capath DIR; --insecure skips the check, loudly)";
    case CURLE_SSL_CACERT_BADFILE:
        return " (check the --cacert / --capath you gave)";
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ENGINE_NOTFOUND:
        return " (check --cert FILE and --key FILE: a PEM client certificate and its key)";
    case CURLE_SSL_CONNECT_ERROR:
        return " (a TLS handshake failed: is this a TLS port? does the server want a client "
               "certificate (--cert, --key)?)";
    case CURLE_COULDNT_RESOLVE_HOST:
        return " (the name does not resolve: check the base URL, or map it with --resolve "
               "HOST:PORT:ADDR)";
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return " (is the target up? behind a proxy? see --proxy and --noproxy)";
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return " (the connection closed: plain http:// to a TLS port?)";
    default:
        return "";
    }
}

static quo_status transport_error(qc_http *h, qc_exchange *x, CURLcode rc)
{
    char msg[CURL_ERROR_SIZE + 400];
    const char *detail = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(msg, sizeof msg, "timed out after %g s (--timeout %g): %s", h->opts.timeout,
                 h->opts.timeout, detail);
    else
        snprintf(msg, sizeof msg, "%s%s", detail, fix_hint(rc));
    x->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    return set_error(x, msg);
}

/* The settings every transfer of this client shares. */
static void apply_policy(qc_http *h, CURL *c)
{
    const qc_transport *t = h->opts.transport;
    long ms = (long)(h->opts.timeout * 1000);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
    h->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "quo-conformance");
    if (h->resolve)
        curl_easy_setopt(c, CURLOPT_RESOLVE, h->resolve);
    if (h->opts.no_proxy) {
        curl_easy_setopt(c, CURLOPT_PROXY, "");
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    }
    if (!t)
        return;
    if (t->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, t->cacert);
    if (t->capath)
        curl_easy_setopt(c, CURLOPT_CAPATH, t->capath);
    if (t->cert)
        curl_easy_setopt(c, CURLOPT_SSLCERT, t->cert);
    if (t->key)
        curl_easy_setopt(c, CURLOPT_SSLKEY, t->key);
    if (t->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!h->opts.no_proxy && t->proxy)
        curl_easy_setopt(c, CURLOPT_PROXY, t->proxy);
    if (!h->opts.no_proxy && t->noproxy)
        curl_easy_setopt(c, CURLOPT_NOPROXY, t->noproxy);
}

static bool has_header(const qc_strlist *l, const char *line)
{
    size_t n = strcspn(line, ":;");
    for (size_t i = 0; l && i < l->count; i++)
        if (strncasecmp(l->items[i], line, n) == 0 &&
            (l->items[i][n] == ':' || l->items[i][n] == ';'))
            return true;
    return false;
}

/* The request's header lines: the case's own, then the transport's extra
 * headers the case does not set, then curl's defaults switched off. */
static struct curl_slist *header_lines(const qc_http *h, const qc_http_request *req)
{
    struct curl_slist *hdrs = NULL;
    const qc_transport *t = h->opts.transport;
    size_t n = req->headers ? req->headers->count : 0;
    size_t extra = t ? t->headers.count : 0;
    for (size_t i = 0; i < n + extra + 2; i++) {
        const char *line;
        if (i < n)
            line = req->headers->items[i];
        else if (i < n + extra) {
            line = t->headers.items[i - n];
            if (has_header(req->headers, line))
                continue;
        } else if (i == n + extra) {
            line = "Expect:"; /* no "Expect: 100-continue" round trip */
        } else {
            /* No form content type unless the case sets one. */
            if (has_header(req->headers, "Content-Type:") ||
                (t && has_header(&t->headers, "Content-Type:")))
                continue;
            line = "Content-Type:";
        }
        struct curl_slist *next = curl_slist_append(hdrs, line);
        if (!next) {
            curl_slist_free_all(hdrs);
            return NULL;
        }
        hdrs = next;
    }
    return hdrs;
}

/* One attempt. */
static quo_status attempt(qc_http *h, const qc_http_request *req, qc_exchange *x)
{
    CURL *c = h->curl;
    exchange_clear_response(x);
    struct curl_slist *hdrs = header_lines(h, req);
    if (!hdrs)
        return QUO_ENOMEM;
    transfer t = {.x = x};
    quo_buf_init(&t.body);
    /* reset keeps the live connection: keep-alive survives. */
    curl_easy_reset(c);
    apply_policy(h, c);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
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
    double t0 = qc_http_now();
    CURLcode rc = curl_easy_perform(c);
    x->seconds = qc_http_now() - t0;
    x->attempts++;
    x->done = true;
    long sent = 0;
    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
    x->sent = x->sent || sent > 0;
    curl_slist_free_all(hdrs);
    quo_status st = QUO_OK;
    if (t.oom) {
        st = QUO_ENOMEM;
    } else if (t.too_big) {
        st = set_error(x, "the response body is larger than 256 KiB");
    } else if (rc != CURLE_OK) {
        st = transport_error(h, x, rc);
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

/* How long a 429 asks us to wait: Retry-After in seconds or as a date
 * (libcurl parses both), else -1. */
static double retry_after(qc_http *h, const qc_exchange *x)
{
    const char *v = qc_exchange_header(x, "Retry-After");
    if (!v)
        return -1;
    double d = qc_http_retry_after(v);
    if (d >= 0)
        return d;
    curl_off_t after = 0;
    if (curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
        return (double)after;
    return -1;
}

quo_status qc_http_send(qc_http *h, const qc_http_request *req, qc_exchange *out)
{
    double backoff = 1.0;
    for (unsigned n = 0;; n++) {
        if (h->opts.rate > 0) {
            double wait = h->next_start - qc_http_now();
            if (wait > 0 && !wait_seconds(h, wait)) {
                out->stopped = true;
                return QUO_OK;
            }
            h->next_start = qc_http_now() + 1.0 / h->opts.rate;
        }
        if (stop_requested(h)) {
            out->stopped = true;
            return QUO_OK;
        }
        quo_status st = attempt(h, req, out);
        if (st != QUO_OK || out->status != 429 || n >= h->opts.max_retries)
            return st;
        double asked = retry_after(h, out);
        double delay = asked >= 0 ? asked : backoff;
        backoff *= 2;
        /* Never earlier than the server allows: beyond the cap (or the
         * run's deadline) the 429 stands and the caller decides. */
        if (delay > h->opts.max_retry_after ||
            (h->opts.deadline > 0 && qc_http_now() + delay > h->opts.deadline)) {
            out->retry_after = delay;
            progress(h, "429 Too Many Requests: the server asks for %g s, more than %s", delay,
                     delay > h->opts.max_retry_after ? "the cap" : "the run has left");
            return QUO_OK;
        }
        progress(h, "429 Too Many Requests: waiting %g s (%s), then retry %u of %u", delay,
                 asked >= 0 ? "Retry-After" : "backoff", n + 1, h->opts.max_retries);
        if (!wait_seconds(h, delay)) {
            out->stopped = true;
            return QUO_OK;
        }
    }
}

quo_status qc_http_probe(qc_http *h, const char *url, quo_error *err)
{
    CURL *c = curl_easy_init();
    if (!c)
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create an HTTP client");
    apply_policy(h, c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK)
        return QUO_OK;
    qc_exchange x;
    qc_exchange_init(&x);
    quo_status st = transport_error(h, &x, rc);
    if (st == QUO_OK)
        st = quo_error_set(err, QUO_EIO, 0, "cannot reach %s: %s", url, x.error);
    else
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    qc_exchange_free(&x);
    return st;
}
