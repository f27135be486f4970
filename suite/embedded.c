/* suite/embedded.c - see embedded.h. */
#include "quo/array.h"
#include "quo/io.h"
#include "embedded.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "text.h"

#include "quo-mock/mock.h"

/* The config's legacy slot (config.h) for link member `member`, or NULL:
 * the other link kinds go to the member-keyed items. */
static char **legacy_slot(qc_fixtures *f, const char *member)
{
    static const char *const legacy[] = {"phoneNumberId", "conversationId", "activityId"};
    char **slots[] = {&f->phone_number_id, &f->conversation_id, &f->activity_id};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(legacy); i++)
        if (strcmp(member, legacy[i]) == 0)
            return slots[i];
    return NULL;
}

static quo_status set_copy(char **slot, const char *value)
{
    char *copy = value ? qc_strdup(value) : NULL;
    if (value && !copy)
        return QUO_ENOMEM;
    free(*slot);
    *slot = copy;
    return QUO_OK;
}

/* The pick into cfg: keys, the legacy slots, the other link kinds as
 * member-keyed items, and the first resource that is no link (the
 * assignee) as the user. */
static quo_status apply_pick(const quo_mock_pick *p, qc_config *cfg)
{
    qc_fixtures *f = &cfg->fixtures;
    quo_status st = set_copy(&cfg->api_key, p->api_key);
    if (st == QUO_OK)
        st = set_copy(&cfg->forbidden_key, p->forbidden_key);
    bool user_set = false;
    for (size_t i = 0; i < p->count && st == QUO_OK; i++) {
        const quo_mock_pick_item *it = &p->items[i];
        char **slot = it->link ? legacy_slot(f, it->member) : user_set ? NULL : &f->user_id;
        user_set = user_set || !it->link;
        if (slot) {
            st = set_copy(slot, it->id);
            continue;
        }
        if (!it->link)
            continue;
        qc_fixture *grown = realloc(f->items, (f->count + 1) * sizeof *grown);
        if (!grown)
            return QUO_ENOMEM;
        f->items = grown;
        qc_fixture *x = &f->items[f->count];
        memset(x, 0, sizeof *x);
        if (set_copy(&x->member, it->member) != QUO_OK || set_copy(&x->id, it->id) != QUO_OK ||
            set_copy(&x->owner_member, it->owner_member) != QUO_OK ||
            set_copy(&x->owner_id, it->owner_id) != QUO_OK) {
            free(x->member);
            free(x->id);
            free(x->owner_member);
            free(x->owner_id);
            return QUO_ENOMEM;
        }
        f->count++;
    }
    cfg->faults = QC_FAULTS_PREFER_HEADER;
    f->from_mock = true;
    return st;
}

quo_status qc_embedded_pick(const quo_spec *spec, const char *fixtures_json, size_t len,
                            qc_config *cfg, quo_error *err)
{
    quo_spec *own = NULL;
    quo_status st = spec ? QUO_OK : quo_spec_load_default(&own, err);
    if (st != QUO_OK)
        return st;
    quo_mock_pick p;
    st = quo_mock_fixtures_pick(spec ? spec : own, fixtures_json, len, &p, err);
    if (st == QUO_OK) {
        if (!p.forbidden_key)
            st = quo_error_set(err, QUO_ESPEC, 0,
                               "the mock's fixtures have no key without access to phone number "
                               "the run uses (the 403 cases need one)");
        else if (apply_pick(&p, cfg) != QUO_OK)
            st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    } else if (st != QUO_ENOMEM) {
        /* Bad fixtures are the mock's (or the test's) problem, not usage. */
        char msg[QUO_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        st = quo_error_set(err, QUO_ESPEC, 0, "%s", msg);
    }
    quo_mock_pick_free(&p);
    quo_spec_free(own);
    return st;
}

quo_status qc_embedded_resource(const quo_spec *spec, const char *member, qc_fixture *out,
                                quo_error *err)
{
    memset(out, 0, sizeof *out);
    quo_status st = quo_mock_default_resource(spec, member, &out->id, &out->owner_member,
                                              &out->owner_id, err);
    if (st == QUO_OK && !(out->member = qc_strdup(member))) {
        free(out->id);
        free(out->owner_member);
        free(out->owner_id);
        memset(out, 0, sizeof *out);
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    return st;
}

quo_status qc_embedded_configure(const quo_spec *spec, qc_config *cfg, quo_error *err)
{
    return qc_embedded_pick(spec, NULL, 0, cfg, err);
}

/* The mock runs in a child process of its own: the runner forks a child per
 * case, and forking a process whose other threads (the mock's) may hold
 * locks is unsafe; in its own process the mock is also a target like any
 * other server. The child reports its port (or an error) on one pipe and
 * stops when the parent closes the other. */
struct qc_embedded {
    pid_t pid;
    int control; /* write end; closing it stops the mock */
};

static void mock_child(const quo_spec *spec, int report, int control)
{
    quo_mock_options opts;
    quo_mock_options_init(&opts);
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.quiet = true;
    quo_mock_server *server = NULL;
    quo_error err = {0};
    char line[QUO_ERROR_MESSAGE_MAX + 16];
    if (quo_mock_server_start(spec, &opts, &server, &err) != QUO_OK)
        snprintf(line, sizeof line, "E%s\n", err.message);
    else
        snprintf(line, sizeof line, "P%u\n", quo_mock_server_port(server));
    ssize_t w = write(report, line, strlen(line));
    close(report);
    if (server && w > 0) {
        char c;
        while (read(control, &c, 1) != 0 && errno == EINTR)
            ; /* EOF: the parent is done (or gone) */
    }
    quo_mock_server_stop(server);
    close(control);
}

quo_status qc_embedded_start(const quo_spec *spec, qc_embedded **out, char **base_url,
                             quo_error *err)
{
    int rep[2], ctl[2];
    if (pipe(rep) != 0)
        return quo_error_set(err, QUO_EIO, 0, "cannot start the embedded mock: %s",
                             quo_errno_text(errno).text);
    if (pipe(ctl) != 0) {
        close(rep[0]);
        close(rep[1]);
        return quo_error_set(err, QUO_EIO, 0, "cannot start the embedded mock: %s",
                             quo_errno_text(errno).text);
    }
    fflush(stdout); /* the child must not print the parent's buffer */
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(rep[0]);
        close(ctl[1]);
        mock_child(spec, rep[1], ctl[0]);
        exit(0); /* LeakSanitizer checks the mock's process too */
    }
    close(rep[1]);
    close(ctl[0]);
    if (pid < 0) {
        close(rep[0]);
        close(ctl[1]);
        return quo_error_set(err, QUO_EIO, 0, "cannot start the embedded mock: %s",
                             quo_errno_text(errno).text);
    }
    qc_embedded *e = calloc(1, sizeof *e);
    char line[QUO_ERROR_MESSAGE_MAX + 16] = "";
    size_t n = 0;
    struct pollfd pfd = {.fd = rep[0], .events = POLLIN};
    while (n + 1 < sizeof line && poll(&pfd, 1, 10000) > 0) {
        ssize_t r = read(rep[0], line + n, sizeof line - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (memchr(line, '\n', n))
            break;
    }
    line[n] = '\0';
    close(rep[0]);
    line[strcspn(line, "\n")] = '\0';
    char *end = line;
    unsigned long port = line[0] == 'P' ? strtoul(line + 1, &end, 10) : 0;
    if (e && end != line + 1 && *end == '\0' && port > 0 && port <= 65535) {
        e->pid = pid;
        e->control = ctl[1];
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%lu", port);
        *base_url = qc_strdup(url);
        if (*base_url) {
            *out = e;
            return QUO_OK;
        }
    }
    close(ctl[1]);
    int status;
    waitpid(pid, &status, 0);
    free(e);
    if (line[0] == 'E')
        return quo_error_set(err, QUO_EIO, 0, "cannot start the embedded mock: %s", line + 1);
    return quo_error_set(err, QUO_EIO, 0, "cannot start the embedded mock (no port reported)");
}

void qc_embedded_stop(qc_embedded *e)
{
    if (!e)
        return;
    close(e->control);
    int status = 0;
    while (waitpid(e->pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* Not a verdict on the target, but worth saying (a sanitizer report,
     * a crash while stopping). */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "quo-conformance: warning: the embedded mock exited abnormally (%s %d)\n",
                WIFEXITED(status) ? "status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    free(e);
}
