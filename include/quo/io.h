/* quo/io.h - file I/O the programs share: bounded whole-file reads and
 * atomic writes (so a report a user relies on is never left half-written
 * or silently replaced by a partial one).
 *
 * Ownership: quo_io_read_file() returns a malloc'd buffer the caller
 * free()s. Nothing here keeps state.
 */
#ifndef QUO_IO_H
#define QUO_IO_H

#include <stdio.h>
#include <stddef.h>

#include "quo/error.h"

#ifdef __cplusplus
extern "C" {
#endif

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
