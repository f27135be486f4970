/* error.c - quo_error values. */
#include <stdarg.h>
#include <stdio.h>

#include "quo/error.h"
#include "quo/utf8.h"

quo_status quo_error_set(quo_error *err, quo_status status, size_t offset,
                         const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = status;
        err->offset = offset;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        /* Messages quote outside text and may be cut: keep them UTF-8. */
        quo_utf8_scrub(err->message);
    }
    return status;
}

const char *quo_status_name(quo_status status)
{
    switch (status) {
    case QUO_OK: return "ok";
    case QUO_ENOMEM: return "enomem";
    case QUO_EIO: return "eio";
    case QUO_ESYNTAX: return "esyntax";
    case QUO_EUTF8: return "eutf8";
    case QUO_EDEPTH: return "edepth";
    case QUO_EDUPLICATE: return "eduplicate";
    case QUO_ESURROGATE: return "esurrogate";
    case QUO_ESCHEMA: return "eschema";
    case QUO_ESPEC: return "espec";
    case QUO_EUSAGE: return "eusage";
    case QUO_ELIMIT: return "elimit";
    }
    return "unknown";
}
