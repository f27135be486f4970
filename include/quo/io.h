/* quo/io.h - file I/O the programs share: bounded whole-file reads and
 * atomic writes (so a report a user relies on is never left half-written
 * or silently replaced by a partial one).
 *
 * Also the one wrapper of strerror_r (XSI, thread-safe), used everywhere
 * instead of strerror (scripts/lint.sh bans it).
 *
 * Ownership: quo_io_read_file() returns a malloc'd buffer the caller
 * free()s. quo_strerror writes into the caller's buffer; quo_errno_text
 * returns its text by value. Nothing here keeps state.
 */
#ifndef QUO_IO_H
#define QUO_IO_H

#include <stdio.h>
#include <stddef.h>

#include "quo/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any strerror text (glibc's longest is under 50 bytes). */
#define QUO_STRERROR_MAX 128

/* The text of errno value `errnum` in buf (cut to size), or "error N" for
 * an unknown value; returns buf. Thread-safe, unlike strerror(). */
const char *quo_strerror(int errnum, char *buf, size_t size);

/* The same as a value, for an argument list:
 *     quo_error_set(err, QUO_EIO, 0, "%s: %s", path, quo_errno_text(e).text);
 * The text lives until the end of the full expression (C11 6.2.4p8). */
typedef struct quo_errtext {
    char text[QUO_STRERROR_MAX];
} quo_errtext;
quo_errtext quo_errno_text(int errnum);

/* Reads all of `path` ("-" = stdin) into a new NUL-terminated buffer.
 * More than max_bytes is QUO_ELIMIT (nothing returned); open/read failures
 * are QUO_EIO with strerror text; QUO_ENOMEM. */
quo_status quo_io_read_file(const char *path, size_t max_bytes, char **out,
                            size_t *len, quo_error *err);

/* Same for an open stream (not closed). `name` is used in messages. */
quo_status quo_io_read_stream(FILE *f, const char *name, size_t max_bytes,
                              char **out, size_t *len, quo_error *err);

/* Writes data to `path` atomically and durably: a temporary file in the
 * same folder, fsync, rename over path, fsync of the folder. On any
 * failure path is left untouched and the temporary removed. Creates no
 * folders. The file is mode 0644. */
quo_status quo_io_write_atomic(const char *path, const void *data, size_t len,
                               quo_error *err);

/* fsync of a folder, so a rename in it survives a crash. QUO_OK where the
 * file system cannot sync folders (EINVAL). */
quo_status quo_io_sync_dir(const char *dir);

/* mkdir -p with mode 0777 & ~umask; an existing folder is fine. */
quo_status quo_io_mkdirs(const char *path, quo_error *err);

#ifdef __cplusplus
}
#endif
#endif
