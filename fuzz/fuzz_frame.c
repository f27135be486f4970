/* fuzz_frame.c - parses fuzz_mock's framed HTTP requests (fuzz_frame.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_frame.h"

/* Ends the line starting at s (length n, no LF inside): drops one trailing
 * CR and writes the terminating NUL. */
static char *end_line(char *s, size_t n)
{
    if (n > 0 && s[n - 1] == '\r')
        n--;
    s[n] = '\0';
    return s;
}

static void split_header(char *line, quo_mock_header *h)
{
    char *colon = strchr(line, ':');
    h->name = line;
    h->value = "";
    if (!colon)
        return;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    h->value = v;
}

bool fuzz_frame_parse(const uint8_t *data, size_t size, fuzz_frame *out)
{
    memset(out, 0, sizeof *out);
    /* The head is everything up to the blank line (or the whole input). */
    size_t head = size, body = size;
    for (size_t i = 0; i < size; i++) {
        if (data[i] != '\n')
            continue;
        size_t next = i + 1;
        if (next < size && data[next] == '\r' && next + 1 < size && data[next + 1] == '\n')
            next++;
        if (next < size && data[next] == '\n') {
            head = i;
            body = next + 1;
            break;
        }
    }
    out->storage = malloc(head + 1);
    if (!out->storage)
        return false;
    memcpy(out->storage, data, head);
    out->storage[head] = '\0';

    char *s = out->storage;
    size_t line_no = 0;
    while (s) {
        char *lf = memchr(s, '\n', (size_t)(out->storage + head - s));
        size_t n = lf ? (size_t)(lf - s) : strlen(s);
        char *line = end_line(s, n);
        s = lf ? lf + 1 : NULL;
        if (line_no++ == 0) {
            char *sp = strchr(line, ' ');
            out->request.method = line;
            out->request.path = "";
            if (sp) {
                *sp = '\0';
                out->request.path = sp + 1;
            }
        } else if (out->request.header_count < FUZZ_FRAME_MAX_HEADERS) {
            split_header(line, &out->headers[out->request.header_count++]);
        }
    }
    out->request.headers = out->headers;
    out->request.body = body < size ? (const char *)data + body : "";
    out->request.body_len = size - body;
    return true;
}

const char *fuzz_frame_header(const quo_mock_header *headers, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (headers[i].name && strcasecmp(headers[i].name, name) == 0)
            return headers[i].value;
    return NULL;
}

void fuzz_frame_free(fuzz_frame *frame)
{
    free(frame->storage);
    memset(frame, 0, sizeof *frame);
}
