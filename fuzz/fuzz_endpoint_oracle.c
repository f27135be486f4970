/* fuzz_endpoint_oracle.c - see fuzz_endpoint_oracle.h. */
#include "fuzz_endpoint_oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "embedded.h"

/* Fixture pairs: the corpus's (the embedded mock's) and the target's. */
#define FE_PAIRS 4
static struct {
    char *from[FE_PAIRS];
    char *to[FE_PAIRS];
    size_t n;
    char *api_key;
} fe;

static void add_pair(const char *from, const char *to)
{
    if (!from || !to || !*from || strcmp(from, to) == 0 || fe.n == FE_PAIRS)
        return;
    fe.from[fe.n] = qc_strdup(from);
    fe.to[fe.n] = qc_strdup(to);
    if (fe.from[fe.n] && fe.to[fe.n])
        fe.n++;
}

const char *fe_init(const quo_spec *spec)
{
    const char *path = getenv("QUO_CONFIG");
    if (!path || !*path)
        return NULL;
    qc_layer file;
    qc_layer_init(&file);
    quo_error err = {0};
    qc_config mock;
    qc_config_init(&mock);
    if (qc_config_load_file(path, &file, &err) != QUO_OK ||
        qc_embedded_configure(spec, &mock, &err) != QUO_OK) {
        fprintf(stderr, "fuzz_endpoint: %s\n", err.message);
        exit(2);
    }
    add_pair(mock.fixtures.phone_number_id, file.fixtures.phone_number_id);
    add_pair(mock.fixtures.conversation_id, file.fixtures.conversation_id);
    add_pair(mock.fixtures.activity_id, file.fixtures.activity_id);
    add_pair(mock.fixtures.user_id, file.fixtures.user_id);
    fe.api_key = file.api_key;
    file.api_key = NULL;
    qc_layer_free(&file);
    qc_config_free(&mock);
    return fe.api_key;
}

void fe_shutdown(void)
{
    for (size_t i = 0; i < fe.n; i++) {
        free(fe.from[i]);
        free(fe.to[i]);
    }
    free(fe.api_key);
    memset(&fe, 0, sizeof fe);
}

/* The input with every corpus fixture id replaced by the target's. */
static char *substitute(const uint8_t *data, size_t size, size_t *len)
{
    quo_buf b;
    quo_buf_init(&b);
    for (size_t i = 0; i < size;) {
        size_t k = 0;
        for (; k < fe.n; k++) {
            size_t fl = strlen(fe.from[k]);
            if (fl <= size - i && memcmp(data + i, fe.from[k], fl) == 0)
                break;
        }
        if (k < fe.n) {
            quo_buf_puts(&b, fe.to[k]);
            i += strlen(fe.from[k]);
        } else {
            quo_buf_putc(&b, (char)data[i++]);
        }
    }
    return quo_buf_take(&b, len);
}

bool fe_prepare(const uint8_t *data, size_t size, fe_input *out)
{
    memset(out, 0, sizeof *out);
    qe_req_init(&out->req);
    qc_strlist_init(&out->headers);
    out->body = substitute(data, size, &out->body_len);
    if (!out->body)
        return false;
    /* FNV-1a of the bytes picks the framing: 1 in 4 chunked, 1 in 8
     * Expect, 1 in 8 a Content-Type variant, 1 in 16 one of the repeated
     * header variations (qe_framings() past the first two). */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    size_t nct;
    qe_content_types(&nct);
    size_t nf;
    const qe_framing *f = qe_framings(&nf);
    out->req.framing = ((h & 3) == 0 ? QE_F_CHUNKED : 0) | (((h >> 2) & 7) == 0 ? QE_F_EXPECT : 0) |
                       (((h >> 5) & 15) == 0 ? f[2 + (h >> 16) % (nf - 2)].bit : 0);
    out->req.ctype = ((h >> 9) & 7) == 0 ? (unsigned)((h >> 12) % nct) : 0;
    /* Bytes from a fuzzer may hold any id: 403/404 answer a valid body fine. */
    out->req.ids_touched = true;
    out->req.raw = qc_strndup(out->body, out->body_len);
    out->req.raw_len = out->body_len;
    return out->req.raw && qe_req_headers(&out->req, "application/json", out->body_len, &out->headers);
}

void fe_input_free(fe_input *in)
{
    qe_req_free(&in->req);
    free(in->body);
    qc_strlist_free(&in->headers);
    memset(in, 0, sizeof *in);
}

bool fe_judge(const quo_spec *spec, const fe_input *in, int status, const char *ctype,
              const char *body, size_t len, const char *error, char *signature, size_t sigsz,
              char *detail, size_t detsz)
{
    qe_answer a = {.status = status, .content_type = (char *)ctype, .body = (char *)body,
                   .body_len = len, .error = (char *)error};
    if (error) {
        a.status = 0;
        a.timeout = strstr(error, "Timeout") != NULL;
        a.reset = strstr(error, "reset") || strstr(error, "Recv failure") ||
                  strstr(error, "Failure when receiving");
        a.empty = strstr(error, "nothing") != NULL;
    }
    qe_verdict v;
    if (qe_judge(spec, &in->req, in->body, in->body_len, &a, &v) != QUO_OK) {
        snprintf(signature, sigsz, "out of memory");
        snprintf(detail, detsz, "out of memory judging the answer");
        return true;
    }
    if (v.finding) {
        snprintf(signature, sigsz, "%s", v.signature);
        snprintf(detail, detsz, "%s", v.detail);
    }
    qe_verdict_free(&v);
    return v.finding;
}
