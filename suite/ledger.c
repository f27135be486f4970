/* suite/ledger.c - see ledger.h. */
#include "quo/io.h"
#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quo/response.h"

struct qc_ledger {
    int fd;
    const quo_spec *spec;
    const qc_scrubber *scrub;
    qc_strlist ids;
    size_t unknown;
    char error[256];
};

quo_status qc_ledger_open(const char *dir, const quo_spec *spec, const qc_scrubber *scrub,
                          qc_ledger **out, quo_error *err)
{
    qc_ledger *l = calloc(1, sizeof *l);
    quo_buf path;
    quo_buf_init(&path);
    quo_buf_printf(&path, "%s/%s", dir, QC_LEDGER_FILE);
    if (!l || path.failed) {
        free(l);
        quo_buf_free(&path);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    l->fd = open(path.data, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (l->fd < 0) {
        quo_status st = quo_error_set(err, QUO_EIO, 0, "cannot create %s: %s", path.data,
                                      quo_errno_text(errno).text);
        quo_buf_free(&path);
        free(l);
        return st;
    }
    quo_buf_free(&path);
    l->spec = spec;
    l->scrub = scrub;
    qc_strlist_init(&l->ids);
    *out = l;
    static const char head[] =
        "# quo-conformance created-task ledger: case<TAB>status<TAB>task id or why unknown\n";
    if (write(l->fd, head, sizeof head - 1) != (ssize_t)(sizeof head - 1))
        snprintf(l->error, sizeof l->error, "cannot write %s: %s", QC_LEDGER_FILE,
                 quo_errno_text(errno).text);
    return QUO_OK;
}

static void append(qc_ledger *l, const char *case_id, const char *status, const char *what)
{
    quo_buf line;
    quo_buf_init(&line);
    quo_buf_printf(&line, "%s\t%s\t", case_id, status);
    for (const char *p = what; *p; p++) /* one line per record */
        quo_buf_putc(&line, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
    quo_buf_putc(&line, '\n');
    char *text = line.failed ? NULL : qc_scrub(l->scrub, line.data, line.len);
    quo_buf_free(&line);
    size_t n = text ? strlen(text) : 0;
    if (!text || write(l->fd, text, n) != (ssize_t)n) {
        if (!l->error[0])
            snprintf(l->error, sizeof l->error, "cannot append to %s: %s", QC_LEDGER_FILE,
                     text ? quo_errno_text(errno).text : "out of memory");
    }
    free(text);
}

void qc_ledger_record(qc_ledger *l, const char *case_id, const qc_exchange *x)
{
    if (!l || !x->done)
        return;
    if (x->error) {
        if (!x->sent)
            return; /* never left this machine */
        char what[600];
        snprintf(what, sizeof what, "may have created a task: sent, then %s", x->error);
        append(l, case_id, "-", what);
        l->unknown++;
        return;
    }
    if (x->status < 200 || x->status > 299)
        return;
    char status[16];
    snprintf(status, sizeof status, "%d", x->status);
    quo_response r;
    const char *id = NULL;
    bool parsed = quo_response_parse(l->spec, x->status, x->content_type, x->body ? x->body : "",
                                     x->body_len, &r) == QUO_OK;
    if (parsed && r.kind == QUO_RESPONSE_TASK)
        id = r.task.task_id;
    if (id && *id) {
        append(l, case_id, status, id);
        if (!qc_strlist_contains(&l->ids, id) && !qc_strlist_add(&l->ids, id) && !l->error[0])
            snprintf(l->error, sizeof l->error, "out of memory listing created tasks");
    } else {
        /* The body may still name it: keep its start, scrubbed before the cut. */
        char *body = qc_scrub(l->scrub, x->body ? x->body : "", x->body_len);
        quo_buf what;
        quo_buf_init(&what);
        quo_buf_puts(&what, "id unknown: the body is not a conforming task; it begins: ");
        qc_buf_utf8(&what, body ? body : "", body ? strlen(body) : 0, 200);
        free(body);
        append(l, case_id, status, what.data && !what.failed ? what.data : "id unknown");
        quo_buf_free(&what);
        l->unknown++;
    }
    if (parsed)
        quo_response_free(&r);
}

const qc_strlist *qc_ledger_ids(const qc_ledger *l)
{
    return &l->ids;
}

size_t qc_ledger_unknown(const qc_ledger *l)
{
    return l ? l->unknown : 0;
}

const char *qc_ledger_error(const qc_ledger *l)
{
    return l && l->error[0] ? l->error : NULL;
}

void qc_ledger_close(qc_ledger *l)
{
    if (!l)
        return;
    if (l->fd >= 0)
        close(l->fd);
    qc_strlist_free(&l->ids);
    free(l);
}
