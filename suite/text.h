/* suite/text.h - byte buffers and the text transformations the reports
 * need: UTF-8 repair, secret scrubbing, XML / Markdown / shell quoting.
 *
 * The buffers are the library's quo_buf (quo/buf.h). A qc_strlist owns
 * its strings.
 */
#ifndef QC_TEXT_H
#define QC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/buf.h"

/* A list of owned strings. */
typedef struct qc_strlist {
    char **items;
    size_t count;
    size_t cap;
} qc_strlist;

void qc_strlist_init(qc_strlist *l);
void qc_strlist_free(qc_strlist *l);
/* Copies s. false on ENOMEM (list unchanged). */
bool qc_strlist_add(qc_strlist *l, const char *s);
bool qc_strlist_addf(qc_strlist *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
bool qc_strlist_contains(const qc_strlist *l, const char *s);

/* A heap copy of s, or NULL when s is NULL or on ENOMEM. */
char *qc_strdup(const char *s);
char *qc_strndup(const char *s, size_t n);

/* Appends s[0..n) as valid UTF-8 text: invalid sequences and NUL become
 * U+FFFD; with `max` > 0 the text is cut after `max` source bytes (on a
 * character boundary) and "..." is appended. */
void qc_buf_utf8(quo_buf *b, const char *s, size_t n, size_t max);

/* XML character data (attr false) or an attribute value (attr true):
 * & < > " ' escaped, and in attributes TAB LF CR too (as character
 * references, which attribute normalisation keeps); characters XML 1.0
 * forbids (other controls, U+FFFE, U+FFFF) become U+FFFD. Input must be
 * valid UTF-8 (pass it through qc_buf_utf8 first). */
void qc_buf_xml(quo_buf *b, const char *s, bool attr);
/* One Markdown table cell: | escaped, line breaks as spaces, cut at max
 * bytes (0 = no limit). */
void qc_buf_md_cell(quo_buf *b, const char *s, size_t max);
/* One shell word: '...' with embedded ' handled, or $'...' with \xNN
 * escapes when s[0..n) holds control bytes. */
void qc_buf_shell_word(quo_buf *b, const char *s, size_t n);

/* Shell-style glob match (fnmatch without flags). */
bool qc_glob_match(const char *glob, const char *s);

#endif
