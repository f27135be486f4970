/* quo/buf.h - a growable text buffer, the one every module and program
 * builds strings with (messages, paths, reports, response bodies), and the
 * project's one HTML escape (quo_buf_put_html).
 *
 * An allocation failure sets `failed` and turns every later append into a
 * no-op, so a writer appends freely and checks once at the end.
 *
 * Ownership: a quo_buf owns `data`; release it with quo_buf_free() or take
 * it with quo_buf_take() (the caller then free()s the text).
 */
#ifndef QUO_BUF_H
#define QUO_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quo_buf {
    char *data; /* NUL-terminated while !failed; NULL until the first append */
    size_t len;
    size_t cap;
    bool failed;
} quo_buf;

#define QUO_BUF_INIT {NULL, 0, 0, false}

void quo_buf_init(quo_buf *b);
void quo_buf_free(quo_buf *b);
/* Empties b for reuse, keeping its storage (and clearing `failed`). */
void quo_buf_reset(quo_buf *b);
/* The text (the caller frees it; "" for an empty buffer), or NULL when an
 * append failed. b is left empty either way. */
char *quo_buf_take(quo_buf *b, size_t *len);
/* Room for `extra` more bytes; false (and `failed`) when it cannot be had. */
bool quo_buf_reserve(quo_buf *b, size_t extra);
void quo_buf_append(quo_buf *b, const char *s, size_t n);
void quo_buf_puts(quo_buf *b, const char *s);
void quo_buf_putc(quo_buf *b, char c);
void quo_buf_printf(quo_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Appends s[0..n) as HTML text that is also safe inside a quoted
 * attribute value: & < > " ' become character references; NUL, other C0
 * controls (except TAB, LF, CR), DEL, C1 controls and every byte that is
 * not part of a valid UTF-8 sequence become U+FFFD. The one HTML escape of
 * the project (the suite's and the mock's HTML reports), so untrusted
 * bytes from a server or client always render as text. */
void quo_buf_put_html(quo_buf *b, const char *s, size_t n);

/* A new malloc'd string formatted from fmt/ap (the caller frees it), or
 * NULL on ENOMEM or an encoding error. */
char *quo_vformat(const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 0)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
