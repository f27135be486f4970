/* io.c - bounded reads and atomic writes. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quo/io.h"

/* XSI strerror_r (int result): the build defines _POSIX_C_SOURCE and never
 * _GNU_SOURCE, which would select glibc's char * variant instead. */
#if defined(_GNU_SOURCE)
#error "io.c needs the XSI strerror_r; do not define _GNU_SOURCE here"
#endif

const char *quo_strerror(int errnum, char *buf, size_t size)
{
    if (!buf || size == 0)
        return "";
    if (strerror_r(errnum, buf, size) != 0)
        snprintf(buf, size, "error %d", errnum);
    return buf;
}

quo_errtext quo_errno_text(int errnum)
{
    quo_errtext t;
    quo_strerror(errnum, t.text, sizeof t.text);
    return t;
}

quo_status quo_io_read_stream(FILE *f, const char *name, size_t max_bytes,
                              char **out, size_t *len, quo_error *err)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    *out = NULL;
    *len = 0;
    if (!buf)
        return quo_error_set(err, QUO_ENOMEM, 0, "%s: out of memory", name);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes + 1) {
                free(buf);
                return quo_error_set(err, QUO_ELIMIT, 0, "%s: larger than %zu bytes",
                                     name, max_bytes);
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return quo_error_set(err, QUO_ENOMEM, 0, "%s: out of memory", name);
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > max_bytes) {
            free(buf);
            return quo_error_set(err, QUO_ELIMIT, 0, "%s: larger than %zu bytes", name,
                                 max_bytes);
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        return quo_error_set(err, QUO_EIO, 0, "%s: read error: %s", name,
                             e ? quo_errno_text(e).text : "unknown");
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return QUO_OK;
}

quo_status quo_io_read_file(const char *path, size_t max_bytes, char **out,
                            size_t *len, quo_error *err)
{
    if (strcmp(path, "-") == 0)
        return quo_io_read_stream(stdin, "<stdin>", max_bytes, out, len, err);
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return quo_error_set(err, QUO_EIO, 0, "%s: %s", path, quo_errno_text(errno).text);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
        int e = S_ISDIR(sb.st_mode) ? EISDIR : errno;
        close(fd);
        return quo_error_set(err, QUO_EIO, 0, "%s: %s", path, quo_errno_text(e).text);
    }
    /* Regular files: one allocation and one read in the common case. */
    if (S_ISREG(sb.st_mode)) {
        if ((size_t)sb.st_size > max_bytes) {
            close(fd);
            return quo_error_set(err, QUO_ELIMIT, 0, "%s: larger than %zu bytes", path,
                                 max_bytes);
        }
        size_t want = (size_t)sb.st_size, n = 0;
        char *buf = malloc(want + 1);
        if (!buf) {
            close(fd);
            return quo_error_set(err, QUO_ENOMEM, 0, "%s: out of memory", path);
        }
        while (n < want) {
            ssize_t got = read(fd, buf + n, want - n);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                int e = got < 0 ? errno : 0;
                free(buf);
                close(fd);
                return quo_error_set(err, QUO_EIO, 0, "%s: %s", path,
                                     e ? quo_errno_text(e).text : "file shrank while reading");
            }
            n += (size_t)got;
        }
        close(fd);
        buf[n] = '\0';
        *out = buf;
        *len = n;
        return QUO_OK;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return quo_error_set(err, QUO_EIO, 0, "%s: %s", path, quo_errno_text(e).text);
    }
    quo_status st = quo_io_read_stream(f, path, max_bytes, out, len, err);
    fclose(f);
    return st;
}

static quo_status write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return QUO_EIO;
        p += w;
        len -= (size_t)w;
    }
    return QUO_OK;
}

quo_status quo_io_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return QUO_EIO;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    return rc == 0 || e == EINVAL ? QUO_OK : QUO_EIO;
}

/* The folder part of path ("." when there is none); the caller frees it. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, slash ? path : ".", n);
        dir[n] = '\0';
    }
    return dir;
}

quo_status quo_io_write_atomic(const char *path, const void *data, size_t len,
                               quo_error *err)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return quo_error_set(err, QUO_ENOMEM, 0, "%s: out of memory", path);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return quo_error_set(err, QUO_EIO, 0, "%s: cannot create a temporary file: %s",
                             path, quo_errno_text(e).text);
    }
    quo_status st = write_all(fd, data, len);
    int e = errno;
    /* mkstemp makes 0600; reports are meant to be read by CI and people.
     * (umask cannot be read without changing it, which is not thread-safe.) */
    if (st == QUO_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0)) {
        st = QUO_EIO;
        e = errno;
    }
    if (close(fd) != 0 && st == QUO_OK) {
        st = QUO_EIO;
        e = errno;
    }
    if (st == QUO_OK && rename(tmp, path) != 0) {
        st = QUO_EIO;
        e = errno;
    }
    if (st != QUO_OK) {
        unlink(tmp);
        quo_error_set(err, st, 0, "%s: write failed: %s", path, quo_errno_text(e).text);
    } else {
        /* Make the rename itself durable. */
        char *dir = dir_of(path);
        if (!dir || quo_io_sync_dir(dir) != QUO_OK)
            st = quo_error_set(err, dir ? QUO_EIO : QUO_ENOMEM, 0,
                               "%s: written, but its folder could not be synced", path);
        free(dir);
    }
    free(tmp);
    return st;
}

quo_status quo_io_mkdirs(const char *path, quo_error *err)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return quo_error_set(err, QUO_ENOMEM, 0, "%s: out of memory", path);
    memcpy(p, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            quo_error_set(err, QUO_EIO, 0, "cannot create folder %s: %s", p, quo_errno_text(e).text);
            free(p);
            return QUO_EIO;
        }
        p[i] = c;
    }
    free(p);
    return QUO_OK;
}
