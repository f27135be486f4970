/* tests/explore/bug_server.c - a loopback server with ONE planted bug, for
 * the --explore tests.
 *
 * usage: bug_server MODE   (prints the ephemeral port on stdout; stop it
 * with SIGTERM to its pid, which ends its workers too)
 *
 * Every request is answered by the quo-mock core (a correct server) unless
 * the mode's trigger fires; then the planted bug answers instead. One
 * worker process per connection, so a "worker dies" bug only loses that
 * connection. Modes (the bug classes of issue 10):
 *   correct      no bug
 *   deep         the worker dies on nesting deeper than 400
 *   surrogate    500 on a lone surrogate escape
 *   bignum       500 on a number of more than 40 characters or out of range
 *   longstr      hangs (30 s) on a string longer than 20000 bytes
 *   nul          500 when a \u0000 reaches storage (the mock would create it)
 *   dup          duplicate member names pass (201)
 *   quote        a 400 whose message echoes the title raw: a quote breaks it
 *   infinity     a 400 whose errors[].value is Infinity for an overflowing number
 *   leapsecond   500 on a date-time with second 60 (a crash)
 *   datepass     an impossible date-time passes (201 when it is the only error)
 *   chunked      a chunked request body resets the connection
 *   many         503 on more than 1000 members
 *   noctype      a 400 without Content-Type when the body is larger than 32 KiB
 *   bigbody      500 on a body larger than 640 KiB (its limit, 413, is 1 MiB):
 *                found only by an explorer whose bodies reach that size
 *   dupauth      500 when the request has two Authorization header lines
 *   dupparam     500 when the request has two Idempotency-Key header lines (run
 *                with a contract that requires that header parameter)
 *   lastwins     no bug either, but of a header given twice the LAST line
 *                counts (RFC 9110 leaves a recipient free there; the mock
 *                core takes the first): the explorer's repeated-header
 *                requests then get answers a first-wins server never gives,
 *                and a correct server must still come out clean
 * Every mode answers 413 to a body over 1 MiB (read and dropped first, so
 * the client sees the answer, not a reset).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>

#include "quo/quo.h"
#include "quo-mock/mock.h"

#define MAX_HEAD 16384
#define MAX_BODY (1024u * 1024u)
#define BIG_BODY (640u * 1024u)
#define DROP_MAX (80u * 1024u * 1024u) /* read and dropped before a 413, at most */
#define CANONICAL "{\"title\":\"t\",\"description\":\"d\",\"phoneNumberId\":\"PN1\"}"

static const char *g_mode;
static quo_mock_core *g_core;

static bool mode(const char *m)
{
    return strcmp(g_mode, m) == 0;
}

/* ---- body scanners (tokens outside strings) ---------------------------- */

static size_t max_depth(const char *b, size_t n)
{
    size_t d = 0, max = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (in) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in = false;
        } else if (c == '"') {
            in = true;
        } else if (c == '[' || c == '{') {
            if (++d > max)
                max = d;
        } else if ((c == ']' || c == '}') && d) {
            d--;
        }
    }
    return max;
}

static size_t count_colons(const char *b, size_t n)
{
    size_t k = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        if (in) {
            if (b[i] == '\\')
                i++;
            else if (b[i] == '"')
                in = false;
        } else if (b[i] == '"') {
            in = true;
        } else if (b[i] == ':') {
            k++;
        }
    }
    return k;
}

static size_t longest_string(const char *b, size_t n)
{
    size_t max = 0, start = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        if (in) {
            if (b[i] == '\\')
                i++;
            else if (b[i] == '"') {
                in = false;
                if (i - start > max)
                    max = i - start;
            }
        } else if (b[i] == '"') {
            in = true;
            start = i;
        }
    }
    return max;
}

/* A number token that is long or does not fit a double. */
static bool bad_number(const char *b, size_t n, bool overflow_only)
{
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        if (in) {
            if (b[i] == '\\')
                i++;
            else if (b[i] == '"')
                in = false;
            continue;
        }
        if (b[i] == '"') {
            in = true;
            continue;
        }
        if (!(b[i] == '-' || (b[i] >= '0' && b[i] <= '9')))
            continue;
        size_t j = i;
        while (j < n && strchr("+-.eE0123456789", b[j]))
            j++;
        char tok[64];
        size_t tl = j - i;
        if (!overflow_only && tl > 40)
            return true;
        if (tl < sizeof tok) {
            memcpy(tok, b + i, tl);
            tok[tl] = '\0';
            errno = 0;
            double v = strtod(tok, NULL);
            if (isinf(v) || (errno == ERANGE && !overflow_only))
                return true;
        }
        i = j;
    }
    return false;
}

static bool contains(const char *b, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (memcmp(b + i, w, wl) == 0)
            return true;
    return false;
}

/* The raw value of the first "title" member contains an escaped quote. */
static bool title_has_quote(const char *b, size_t n)
{
    for (size_t i = 0; i + 9 <= n; i++) {
        if (memcmp(b + i, "\"title\"", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < n && (b[j] == ' ' || b[j] == ':'))
            j++;
        if (j >= n || b[j] != '"')
            return false;
        for (j++; j < n && b[j] != '"'; j++)
            if (b[j] == '\\') {
                if (j + 1 < n && b[j + 1] == '"')
                    return true;
                j++;
            }
        return false;
    }
    return false;
}

/* ---- HTTP -------------------------------------------------------------- */

typedef struct request {
    char method[16], path[256];
    quo_mock_header headers[32];
    char *names[32], *values[32];
    size_t nh;
    bool chunked, expect, close;
    bool too_big;        /* over MAX_BODY: dropped, answered 413 */
    size_t auth_lines;   /* Authorization header lines */
    size_t idem_lines;   /* Idempotency-Key header lines */
    long content_length;
    char *body;
    size_t body_len;
} request;

static void request_free(request *r)
{
    for (size_t i = 0; i < r->nh; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->body);
    memset(r, 0, sizeof *r);
}

typedef struct conn {
    int fd;
    char buf[MAX_HEAD * 2];
    size_t len;
} conn;

static bool fill(conn *c)
{
    if (c->len == sizeof c->buf)
        return false;
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (n <= 0)
        return false;
    c->len += (size_t)n;
    return true;
}

static void consume(conn *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

static bool read_exact(conn *c, char *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        if (!c->len && !fill(c))
            return false;
        size_t k = c->len < n - got ? c->len : n - got;
        memcpy(out + got, c->buf, k);
        consume(c, k);
        got += k;
    }
    return true;
}

static char *read_line(conn *c)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf) + 1;
            char *line = strndup(c->buf, n);
            consume(c, n);
            return line;
        }
        if (!fill(c))
            return NULL;
    }
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
        if (k <= 0)
            return;
        s += k;
        n -= (size_t)k;
    }
}

static void reset_connection(int fd)
{
    struct linger l = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
    _exit(0);
}

/* Reads and drops n bytes (a body over the limit, before the 413). */
static bool drop_bytes(conn *c, size_t n)
{
    char sink[16384];
    while (n) {
        size_t k = n < sizeof sink ? n : sizeof sink;
        if (!read_exact(c, sink, k))
            return false;
        n -= k;
    }
    return true;
}

static bool read_body(conn *c, request *r)
{
    if (r->chunked) {
        size_t cap = 0;
        for (;;) {
            char *line = read_line(c);
            if (!line)
                return false;
            unsigned long sz = strtoul(line, NULL, 16);
            free(line);
            if (sz == 0) {
                char *end = read_line(c);
                free(end);
                return true;
            }
            if (r->body_len + sz > MAX_BODY || r->too_big) {
                /* over the limit: drop the rest, then answer 413 */
                r->too_big = true;
                if (sz > DROP_MAX || !drop_bytes(c, sz + 2))
                    return false;
                continue;
            }
            if (r->body_len + sz + 1 > cap) {
                cap = (r->body_len + sz + 1) * 2;
                char *p = realloc(r->body, cap);
                if (!p)
                    return false;
                r->body = p;
            }
            if (!read_exact(c, r->body + r->body_len, sz))
                return false;
            r->body_len += sz;
            char crlf[2];
            if (!read_exact(c, crlf, 2))
                return false;
        }
    }
    if (r->content_length < 0 || r->content_length > (long)DROP_MAX)
        return false;
    if (r->content_length > (long)MAX_BODY) {
        r->too_big = true;
        return drop_bytes(c, (size_t)r->content_length);
    }
    r->body = malloc((size_t)r->content_length + 1);
    if (!r->body)
        return false;
    r->body_len = (size_t)r->content_length;
    return read_exact(c, r->body, r->body_len);
}

static bool read_request(conn *c, request *r)
{
    memset(r, 0, sizeof *r);
    char *line = read_line(c);
    if (!line || sscanf(line, "%15s %255s", r->method, r->path) != 2) {
        free(line);
        return false;
    }
    free(line);
    for (;;) {
        line = read_line(c);
        if (!line)
            return false;
        if (line[0] == '\r' || line[0] == '\n') {
            free(line);
            break;
        }
        char *colon = strchr(line, ':');
        if (colon && r->nh < 32) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ')
                v++;
            v[strcspn(v, "\r\n")] = '\0';
            r->names[r->nh] = strdup(line);
            r->values[r->nh] = strdup(v);
            if (strcasecmp(line, "Content-Length") == 0)
                r->content_length = atol(v);
            if (strcasecmp(line, "Transfer-Encoding") == 0 && strcasestr(v, "chunked"))
                r->chunked = true;
            if (strcasecmp(line, "Expect") == 0 && strcasestr(v, "100-continue"))
                r->expect = true;
            if (strcasecmp(line, "Connection") == 0 && strcasestr(v, "close"))
                r->close = true;
            if (strcasecmp(line, "Authorization") == 0)
                r->auth_lines++;
            if (strcasecmp(line, "Idempotency-Key") == 0)
                r->idem_lines++;
            r->headers[r->nh].name = r->names[r->nh];
            r->headers[r->nh].value = r->values[r->nh];
            r->nh++;
        }
        free(line);
    }
    if (r->chunked && mode("chunked"))
        reset_connection(c->fd);
    if (r->expect)
        write_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    return read_body(c, r);
}

static void send_response(int fd, const quo_mock_response *m, const char *body, size_t len,
                          int status, bool with_ctype)
{
    char head[4096];
    size_t hl = (size_t)snprintf(head, sizeof head, "HTTP/1.1 %d X\r\n", status);
    for (size_t i = 0; i < m->header_count && hl < sizeof head - 512; i++) {
        if (strcasecmp(m->headers[i].name, "Content-Length") == 0 ||
            (!with_ctype && strcasecmp(m->headers[i].name, "Content-Type") == 0))
            continue;
        hl += (size_t)snprintf(head + hl, sizeof head - hl, "%s: %.300s\r\n",
                               m->headers[i].name, m->headers[i].value);
    }
    hl += (size_t)snprintf(head + hl, sizeof head - hl, "Content-Length: %zu\r\n\r\n", len);
    write_all(fd, head, hl);
    write_all(fd, body, len);
}

/* The mock's answer to the request, with `prefer` (e.g. "code=500") or a
 * replacement body. */
static int mock_answer(const request *r, const char *prefer, const char *body, size_t len,
                       quo_mock_response *out)
{
    quo_mock_header h[33];
    size_t n = 0;
    for (size_t i = 0; i < r->nh; i++) {
        bool later = false;
        for (size_t k = i + 1; mode("lastwins") && k < r->nh && !later; k++)
            later = strcasecmp(r->headers[k].name, r->headers[i].name) == 0;
        if (!later)
            h[n++] = r->headers[i];
    }
    if (prefer)
        h[n++] = (quo_mock_header){"Prefer", prefer};
    quo_mock_request q = {.method = r->method, .path = r->path, .headers = h,
                          .header_count = n, .body = body ? body : r->body,
                          .body_len = body ? len : r->body_len};
    if (quo_mock_core_handle(g_core, &q, out) != QUO_OK)
        return -1;
    return out->status;
}

/* ---- the planted bugs -------------------------------------------------- */

static void answer(int fd, const request *r)
{
    const char *b = r->body ? r->body : "";
    size_t n = r->body_len;
    if (r->too_big) {
        static const char msg[] = "{\"message\":\"body > 1MiB\"}";
        char head[160];
        int hl = snprintf(head, sizeof head, "HTTP/1.1 413 X\r\nContent-Type: application/json\r\n"
                                             "Connection: close\r\nContent-Length: %zu\r\n\r\n",
                          sizeof msg - 1);
        write_all(fd, head, (size_t)hl);
        write_all(fd, msg, sizeof msg - 1);
        return;
    }
    quo_error e = {0};
    quo_status gate = quo_json_check(b, n, 1000, &e);
    if (mode("deep") && max_depth(b, n) > 400)
        _exit(70); /* the worker dies: no answer at all */
    if (mode("longstr") && longest_string(b, n) > 20000) {
        sleep(30);
        _exit(0);
    }
    const char *prefer = NULL;
    if ((mode("surrogate") && gate == QUO_ESURROGATE) || (mode("bignum") && bad_number(b, n, false)))
        prefer = "code=500";
    if (mode("leapsecond") && contains(b, n, "T23:59:60"))
        prefer = "code=500";
    if ((mode("bigbody") && n > BIG_BODY) || (mode("dupauth") && r->auth_lines > 1) ||
        (mode("dupparam") && r->idem_lines > 1))
        prefer = "code=500";
    quo_mock_response m = {0};
    int st = mock_answer(r, prefer, NULL, 0, &m);
    if (st < 0)
        _exit(71);
    if (mode("nul") && st == 201 && contains(b, n, "\\u0000")) {
        quo_mock_response_free(&m);
        st = mock_answer(r, "code=500", NULL, 0, &m);
    }
    if ((mode("dup") && gate == QUO_EDUPLICATE && st == 400) ||
        (mode("datepass") && st == 400 && contains(m.body, m.body_len, "\"path\":\"/dueDate\"") &&
         !contains(m.body, m.body_len, "},{"))) {
        quo_mock_response_free(&m);
        st = mock_answer(r, NULL, CANONICAL, strlen(CANONICAL), &m);
    }
    if (mode("many") && count_colons(b, n) > 1000) {
        static const char busy[] = "{\"message\":\"busy\"}";
        send_response(fd, &m, busy, sizeof busy - 1, 503, true);
        quo_mock_response_free(&m);
        return;
    }
    if (st == 400 && ((mode("quote") && title_has_quote(b, n)) ||
                      (mode("infinity") && bad_number(b, n, true)))) {
        /* Echo by string pasting: the bug. */
        const char *ins = mode("quote") ? "\"message\":\"title \"" : "\"errors\":[{\"path\":\"\","
                                                                   "\"message\":\"m\",\"value\":Infinity},";
        const char *at = strstr(m.body, mode("quote") ? "\"message\":\"" : "\"errors\":[");
        if (at) {
            size_t skip = strlen(mode("quote") ? "\"message\":\"" : "\"errors\":[");
            size_t pre = (size_t)(at - m.body);
            size_t il = strlen(ins);
            char *nb = malloc(m.body_len + il + 1);
            if (nb) {
                memcpy(nb, m.body, pre);
                memcpy(nb + pre, ins, il);
                memcpy(nb + pre + il, at + skip, m.body_len - pre - skip);
                size_t nl = m.body_len - skip + il;
                send_response(fd, &m, nb, nl, st, true);
                free(nb);
                quo_mock_response_free(&m);
                return;
            }
        }
    }
    bool ctype = !(mode("noctype") && st == 400 && n > 32768);
    send_response(fd, &m, m.body, m.body_len, st, ctype);
    quo_mock_response_free(&m);
}

static void serve(int fd)
{
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1; /* head and body are two writes: no Nagle delay between them */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn *c = calloc(1, sizeof *c);
    if (!c)
        _exit(1);
    c->fd = fd;
    for (;;) {
        request r;
        if (!read_request(c, &r)) {
            request_free(&r);
            break;
        }
        answer(fd, &r);
        bool close_it = r.close || r.too_big;
        request_free(&r);
        if (close_it)
            break;
    }
    free(c);
    close(fd);
    _exit(0);
}

static volatile sig_atomic_t g_stop;

static void on_term(int sig)
{
    (void)sig;
    g_stop = 1;
}

int main(int argc, char **argv)
{
    static const char *const modes[] = {"correct", "deep", "surrogate", "bignum", "longstr",
                                        "nul", "dup", "quote", "infinity", "leapsecond",
                                        "datepass", "chunked", "many", "noctype", "bigbody",
                                        "dupauth", "dupparam", "lastwins"};
    g_mode = argc == 2 ? argv[1] : "";
    bool known = false;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        known = known || mode(modes[i]);
    if (!known) {
        fprintf(stderr, "usage: bug_server MODE (correct, deep, surrogate, bignum, longstr, nul, "
                        "dup, quote, infinity, leapsecond, datepass, chunked, many, noctype, "
                        "bigbody, dupauth, dupparam, lastwins)\n");
        return 2;
    }
    quo_spec *spec = NULL;
    quo_error err = {0};
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.quiet = true;
    if (quo_spec_load_default(&spec, &err) != QUO_OK ||
        quo_mock_core_new(spec, &opts, &g_core, &err) != QUO_OK) {
        fprintf(stderr, "bug_server: %s\n", err.message);
        return 2;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 64) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0) {
        perror("bug_server");
        return 2;
    }
    setpgid(0, 0);
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGCHLD, SIG_IGN); /* workers are reaped by the kernel */
    printf("%u\n", (unsigned)ntohs(a.sin_port));
    fflush(stdout);
    while (!g_stop) {
        int fd = accept(s, NULL, NULL);
        if (fd < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(s);
            signal(SIGTERM, SIG_DFL);
            serve(fd);
        }
        close(fd);
    }
    close(s);
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM); /* the workers: same process group */
    quo_mock_core_free(g_core);
    quo_spec_free(spec);
    return 0;
}
