/* fuzz_frame.h - the framed HTTP request format of fuzz_mock's inputs.
 *
 * An input is an HTTP/1.1-like request, small enough to mutate well:
 *
 *     METHOD SP PATH LF
 *     Name: value LF          (zero or more header lines)
 *     LF
 *     body bytes (the rest of the input, taken as they are)
 *
 * A CR before an LF is dropped, so CRLF framing works too. The first space
 * of the request line splits method from path (no space: the whole line is
 * the method and the path is empty). A header line splits at its first ':'
 * (no ':': the whole line is the name, the value is empty); spaces and
 * tabs after the ':' are skipped. At most FUZZ_FRAME_MAX_HEADERS headers
 * are kept, later lines are read and dropped. An input that ends before
 * the blank line has an empty body. Method, path, names and values are C
 * strings: a NUL byte inside one ends it, as it would end it for any C
 * server.
 *
 * Ownership: fuzz_frame_parse() fills a caller-owned fuzz_frame whose
 * strings live in one allocation; release it with fuzz_frame_free().
 */
#ifndef QUO_FUZZ_FRAME_H
#define QUO_FUZZ_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quo-mock/mock.h"

#define FUZZ_FRAME_MAX_HEADERS 32

typedef struct fuzz_frame {
    quo_mock_request request; /* points into storage/headers below */
    quo_mock_header headers[FUZZ_FRAME_MAX_HEADERS];
    char *storage;
} fuzz_frame;

/* Returns false only when out of memory. */
bool fuzz_frame_parse(const uint8_t *data, size_t size, fuzz_frame *out);

/* The value of the first header named `name` (case-insensitive), or NULL. */
const char *fuzz_frame_header(const quo_mock_header *headers, size_t count,
                              const char *name);

void fuzz_frame_free(fuzz_frame *frame);

#endif
