/* mock/text.h (internal to quo-mock) - the two ways quo-mock turns
 * untrusted bytes into text: a JSON string literal that is pure ASCII
 * (valid UTF-8 kept as \u escapes, invalid bytes as U+FFFD, so it is safe
 * in an HTTP header and in any report), and a short printable excerpt for
 * messages and log lines. Buffers are the library's quo_buf (quo/buf.h).
 */
#ifndef QUO_MOCK_TEXT_H
#define QUO_MOCK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/buf.h"

/* Appends s[0..n) as a quoted JSON string, ASCII only. */
void mock_buf_json_string(quo_buf *b, const char *s, size_t n);

/* Writes a printable excerpt of s[0..n) into out (size outsz > 4): bytes
 * outside printable ASCII become \xNN, and the excerpt is cut with "..."
 * after `max` source bytes. Always NUL-terminates. */
void mock_text_excerpt(char *out, size_t outsz, const char *s, size_t n, size_t max);

/* The first byte of p after optional whitespace (OWS, RFC 9110 5.6.3). */
const char *mock_text_skip_ows(const char *p);

/* Case-insensitive ASCII comparison of s[0..n) with the C string lit. */
bool mock_text_ieq(const char *s, size_t n, const char *lit);

#endif
