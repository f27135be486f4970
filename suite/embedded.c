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

#include <cjson/cJSON.h>

#include "quo/json.h"
#include "text.h"

#include "quo-mock/mock.h"

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool array_has(const cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
        return true;
    return false;
}

/* An activity of a conversation of `phone`: fills *conv and *act. */
static bool chain_for(const cJSON *root, const char *phone, const char **conv, const char **act)
{
    const cJSON *c, *a;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "conversations"))
    {
        const char *cid = str_member(c, "id"), *owner = str_member(c, "phoneNumberId");
        if (!cid || !owner || strcmp(owner, phone) != 0)
            continue;
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(root, "activities"))
        {
            const char *aid = str_member(a, "id"), *in = str_member(a, "conversationId");
            if (aid && in && strcmp(in, cid) == 0) {
                *conv = cid;
                *act = aid;
                return true;
            }
        }
    }
    return false;
}

static quo_status pick_tree(const cJSON *root, qc_config *cfg, quo_error *err)
{
    const char *key = NULL, *phone = NULL, *conv = NULL, *act = NULL;
    const cJSON *k;
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "apiKeys");
    cJSON_ArrayForEach(k, keys)
    {
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(k, "phoneNumbers"))
        {
            if (!key && cJSON_IsString(p) && str_member(k, "key") &&
                chain_for(root, p->valuestring, &conv, &act)) {
                key = str_member(k, "key");
                phone = p->valuestring;
            }
        }
    }
    const char *forbidden = NULL;
    cJSON_ArrayForEach(k, keys)
    {
        const char *kk = str_member(k, "key");
        if (!forbidden && kk && phone &&
            !array_has(cJSON_GetObjectItemCaseSensitive(k, "phoneNumbers"), phone))
            forbidden = kk;
    }
    const cJSON *users = cJSON_GetObjectItemCaseSensitive(root, "users");
    const cJSON *user = cJSON_GetArrayItem(users, 0);
    if (!key || !cJSON_IsString(user) || !forbidden)
        return quo_error_set(err, QUO_ESPEC, 0,
                             "the mock's default fixtures lack a key with a phone number, "
                             "conversation and activity, a user, or a key without access");
    qc_fixtures *f = &cfg->fixtures;
    char **slots[] = {&cfg->api_key, &cfg->forbidden_key, &f->phone_number_id,
                      &f->conversation_id, &f->activity_id, &f->user_id};
    const char *vals[] = {key, forbidden, phone, conv, act, user->valuestring};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(vals); i++) {
        char *copy = qc_strdup(vals[i]);
        if (!copy)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        free(*slots[i]);
        *slots[i] = copy;
    }
    cfg->faults = QC_FAULTS_PREFER_HEADER;
    f->from_mock = true;
    return QUO_OK;
}

quo_status qc_embedded_pick(const char *fixtures_json, size_t len, qc_config *cfg,
                            quo_error *err)
{
    quo_json_doc *doc = NULL;
    quo_error jerr;
    quo_status st = quo_json_parse(fixtures_json, len, 0, &doc, &jerr);
    if (st == QUO_ENOMEM)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st != QUO_OK)
        return quo_error_set(err, QUO_ESPEC, 0, "the mock's default fixtures are not JSON: %s",
                             jerr.message);
    st = pick_tree(quo_json_root(doc), cfg, err);
    quo_json_free(doc);
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

quo_status qc_embedded_configure(qc_config *cfg, quo_error *err)
{
    size_t len;
    const char *fixtures = quo_mock_default_fixtures(&len);
    return qc_embedded_pick(fixtures, len, cfg, err);
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
