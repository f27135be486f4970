/* quo/error.h - error values shared by every libquo module.
 *
 * Library functions never print. A function that can fail returns a
 * quo_status and, when the caller passes a non-NULL quo_error, fills it with
 * a one-line message that names the problem. The struct is plain data on the
 * caller's stack: nothing in it needs freeing.
 */
#ifndef QUO_ERROR_H
#define QUO_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum quo_status {
    QUO_OK = 0,
    QUO_ENOMEM,     /* an allocation failed */
    QUO_EIO,        /* reading or writing a file failed */
    QUO_ESYNTAX,    /* text is not RFC 8259 JSON */
    QUO_EUTF8,      /* text is not valid UTF-8 */
    QUO_EDEPTH,     /* nesting deeper than the configured limit */
    QUO_EDUPLICATE, /* an object repeats a member name (I-JSON) */
    QUO_ESURROGATE, /* \u escape with an unpaired surrogate (I-JSON) */
    QUO_ESCHEMA,    /* a JSON Schema could not be compiled */
    QUO_ESPEC,      /* an OpenAPI document lacks what this API needs */
    QUO_EUSAGE,     /* a caller passed arguments that make no sense */
    QUO_ELIMIT      /* input larger than a configured limit */
} quo_status;

#define QUO_ERROR_MESSAGE_MAX 512 /* room for a file name and a whole schema path */

typedef struct quo_error {
    quo_status status;
    size_t offset;  /* byte offset into the input the error refers to, or 0 */
    char message[QUO_ERROR_MESSAGE_MAX];
} quo_error;

/* Fills *err (if err is non-NULL) and returns status, so callers can write
 * `return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");`. */
quo_status quo_error_set(quo_error *err, quo_status status, size_t offset,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Stable lower-case name of a status ("ok", "enomem", ...). Never NULL. */
const char *quo_status_name(quo_status status);

#ifdef __cplusplus
}
#endif
#endif
