/* suite/config.c - see config.h. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "quo/json.h"
#include "text.h"

#define QC_CONFIG_MAX_FILE (1u << 20)

void qc_layer_init(qc_layer *l)
{
    memset(l, 0, sizeof *l);
}

static void fixtures_free(qc_fixtures *f)
{
    free(f->phone_number_id);
    free(f->conversation_id);
    free(f->activity_id);
    free(f->user_id);
    memset(f, 0, sizeof *f);
}

void qc_layer_free(qc_layer *l)
{
    free(l->base_url);
    free(l->api_key);
    free(l->forbidden_key);
    fixtures_free(&l->fixtures);
    qc_layer_init(l);
}

void qc_cli_init(qc_cli *c)
{
    memset(c, 0, sizeof *c);
}

void qc_cli_free(qc_cli *c)
{
    free(c->config_path);
    free(c->report_dir);
    free(c->filter);
    free(c->spec_path);
    free(c->explore.replay); /* explore hook */
    qc_cli_init(c);
}

void qc_config_init(qc_config *c)
{
    memset(c, 0, sizeof *c);
}

void qc_config_free(qc_config *c)
{
    free(c->base_url);
    free(c->api_key);
    free(c->forbidden_key);
    fixtures_free(&c->fixtures);
    free(c->config_path);
    free(c->report_dir);
    free(c->filter);
    free(c->spec_path);
    free(c->explore.replay); /* explore hook */
    qc_config_init(c);
}

const char *qc_config_usage(void)
{
    return "usage: quo-conformance [--config FILE] [--base-url URL] [--api-key KEY]\n"
           "                       [--report-dir DIR] [--strict] [--filter GLOB] [--list]\n"
           "                       [--timeout SECONDS] [--rate N] [--spec FILE]\n"
           "                       [--explore SECONDS [--seed N] [--explore-remote]]\n"
           "                       [--replay FILE]\n"
           "\n"
           "Certifies a server's POST /v1/tasks against the Quo API spec.\n"
           "With no base URL anywhere it starts the embedded mock on a loopback port.\n"
           "\n"
           "  --config FILE       JSON config (env QUO_CONFIG): baseUrl, apiKey, fixtures,\n"
           "                      forbidden, faults\n"
           "  --base-url URL      target (env QUO_BASE_URL), e.g. https://staging.example\n"
           "  --api-key KEY       API key (env QUO_API_KEY; prefer the environment)\n"
           "  --report-dir DIR    where junit.xml, report.json, report.md and\n"
           "                      conformance.tap go (default reports/)\n"
           "  --strict            SHOULD failures fail the run too\n"
           "  --filter GLOB       run only the cases whose id matches GLOB\n"
           "  --list              print the cases with ids and levels; send nothing\n"
           "  --timeout SECONDS   per request (default 10)\n"
           "  --rate N            requests per second (default 5 remote, 0 = no pacing\n"
           "                      on loopback and the embedded mock)\n"
           "  --spec FILE         another OpenAPI document of the same API\n"
           "  --explore SECONDS   after the cases, generate requests for SECONDS and\n"
           "                      report what the server gets wrong (docs/explore.md)\n"
           "  --seed N            the exploration's random seed (reproducible runs)\n"
           "  --explore-remote    allow --explore against a non-loopback target\n"
           "  --replay FILE       re-send one saved request (explore/*.req) and judge it\n"
           "\n"
           "Flags win over the environment, the environment over the file.\n"
           "Exit status: 0 every MUST check passed, 1 a check failed (with --strict a\n"
           "SHOULD check too), 2 usage, config, or the target cannot be reached.\n";
}

static quo_status set_string(char **slot, const char *value, quo_error *err)
{
    char *copy = qc_strdup(value);
    if (!copy)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    free(*slot);
    *slot = copy;
    return QUO_OK;
}

static quo_status parse_seconds(const char *flag, const char *text, double *out,
                                bool allow_zero, quo_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v) || v < 0 ||
        (!allow_zero && v == 0) || v > 86400)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "%s: \"%s\" is not a %s number (at most 86400)", flag,
                             text, allow_zero ? "non-negative" : "positive");
    *out = v;
    return QUO_OK;
}

/* The flags that take a value, and where it goes. */
static quo_status take_value(const char *name, const char *value, qc_cli *cli,
                             qc_layer *flags, quo_error *err)
{
    if (strcmp(name, "--config") == 0)
        return set_string(&cli->config_path, value, err);
    if (strcmp(name, "--base-url") == 0)
        return set_string(&flags->base_url, value, err);
    if (strcmp(name, "--api-key") == 0)
        return set_string(&flags->api_key, value, err);
    if (strcmp(name, "--report-dir") == 0)
        return set_string(&cli->report_dir, value, err);
    if (strcmp(name, "--filter") == 0)
        return set_string(&cli->filter, value, err);
    if (strcmp(name, "--spec") == 0)
        return set_string(&cli->spec_path, value, err);
    if (strcmp(name, "--timeout") == 0) {
        cli->timeout_set = true;
        return parse_seconds("--timeout", value, &cli->timeout, false, err);
    }
    if (strcmp(name, "--rate") == 0) {
        cli->rate_set = true;
        return parse_seconds("--rate", value, &cli->rate, true, err);
    }
    /* explore hook */
    if (strcmp(name, "--explore") == 0) {
        cli->explore.on = true;
        return parse_seconds("--explore", value, &cli->explore.seconds, false, err);
    }
    if (strcmp(name, "--seed") == 0) {
        char *end = NULL;
        errno = 0;
        cli->explore.seed = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-')
            return quo_error_set(err, QUO_EUSAGE, 0, "--seed: \"%.40s\" is not a non-negative integer",
                                 value);
        cli->explore.seed_set = true;
        return QUO_OK;
    }
    if (strcmp(name, "--replay") == 0)
        return set_string(&cli->explore.replay, value, err);
    /* end explore hook */
    return quo_error_set(err, QUO_EUSAGE, 0, "unknown option \"%s\" (see --help)", name);
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {"--config", "--base-url", "--api-key",
                                        "--report-dir", "--filter", "--spec",
                                        "--timeout", "--rate",
                                        "--explore", "--seed", "--replay"}; /* explore hook */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

quo_status qc_config_parse_args(int argc, char *const *argv, qc_cli *cli,
                                qc_layer *flags, quo_error *err)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--strict") == 0)
            cli->strict = true;
        else if (strcmp(arg, "--list") == 0)
            cli->list = true;
        else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            cli->help = true;
        else if (strcmp(arg, "--version") == 0)
            cli->version = true;
        else if (strcmp(arg, "--explore-remote") == 0) /* explore hook */
            cli->explore.remote = true;
        else if (strncmp(arg, "--", 2) == 0) {
            const char *eq = strchr(arg, '=');
            char name[32];
            const char *value;
            if (eq) {
                size_t n = (size_t)(eq - arg);
                if (n >= sizeof name)
                    return quo_error_set(err, QUO_EUSAGE, 0, "unknown option \"%.40s\" (see --help)", arg);
                memcpy(name, arg, n);
                name[n] = '\0';
                value = eq + 1;
            } else {
                if (strlen(arg) >= sizeof name)
                    return quo_error_set(err, QUO_EUSAGE, 0, "unknown option \"%.40s\" (see --help)", arg);
                strcpy(name, arg);
                if (!takes_value(name))
                    return quo_error_set(err, QUO_EUSAGE, 0, "unknown option \"%s\" (see --help)", name);
                if (i + 1 >= argc)
                    return quo_error_set(err, QUO_EUSAGE, 0, "%s needs a value", name);
                value = argv[++i];
            }
            if (!takes_value(name))
                return quo_error_set(err, QUO_EUSAGE, 0, "%s takes no value", name);
            quo_status st = take_value(name, value, cli, flags, err);
            if (st != QUO_OK)
                return st;
        } else {
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "unexpected argument \"%.60s\" (see --help)", arg);
        }
    }
    return QUO_OK;
}

quo_status qc_config_from_env(qc_getenv_fn get, qc_layer *env, char **config_path,
                              quo_error *err)
{
    static const char *const names[] = {"QUO_BASE_URL", "QUO_API_KEY", "QUO_CONFIG"};
    char **slots[] = {&env->base_url, &env->api_key, config_path};
    for (size_t i = 0; i < 3; i++) {
        const char *v = get(names[i]);
        if (v && *v) {
            quo_status st = set_string(slots[i], v, err);
            if (st != QUO_OK)
                return st;
        }
    }
    return QUO_OK;
}

/* Copies the string member `name` of obj into *slot; `where` is the key's
 * dotted name for messages. Absent is fine; another type is not. */
static quo_status file_string(const cJSON *obj, const char *name, const char *where,
                              const char *origin, char **slot, quo_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!item)
        return QUO_OK;
    if (!cJSON_IsString(item) || !item->valuestring || !*item->valuestring)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "config file %s: \"%s\" must be a non-empty string", origin, where);
    return set_string(slot, item->valuestring, err);
}

/* Every member name of obj must be in allowed[0..n). */
static quo_status only_keys(const cJSON *obj, const char *const *allowed, size_t n,
                            const char *prefix, const char *origin, quo_error *err)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strcmp(m->string, allowed[i]) == 0;
        if (!ok) {
            char list[160] = "";
            for (size_t i = 0; i < n; i++) {
                strncat(list, allowed[i], sizeof list - strlen(list) - 1);
                if (i + 1 < n)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "config file %s: unknown key \"%s%.60s\" (allowed: %s)",
                                 origin, prefix, m->string, list);
        }
    }
    return QUO_OK;
}

static quo_status file_object(const cJSON *root, const char *name, const char *origin,
                              const cJSON **out, quo_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, name);
    *out = NULL;
    if (!item)
        return QUO_OK;
    if (!cJSON_IsObject(item))
        return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: \"%s\" must be an object",
                             origin, name);
    *out = item;
    return QUO_OK;
}

static quo_status parse_tree(const cJSON *root, const char *origin, qc_layer *file,
                             quo_error *err)
{
    static const char *const top[] = {"baseUrl", "apiKey", "fixtures", "forbidden", "faults"};
    static const char *const fix[] = {"phoneNumberId", "conversationId", "activityId", "userId"};
    static const char *const forb[] = {"apiKey"};
    if (!cJSON_IsObject(root))
        return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: the top level must be an object",
                             origin);
    quo_status st = only_keys(root, top, 5, "", origin, err);
    if (st == QUO_OK)
        st = file_string(root, "baseUrl", "baseUrl", origin, &file->base_url, err);
    if (st == QUO_OK)
        st = file_string(root, "apiKey", "apiKey", origin, &file->api_key, err);
    const cJSON *fx = NULL, *fb = NULL;
    if (st == QUO_OK)
        st = file_object(root, "fixtures", origin, &fx, err);
    if (st == QUO_OK && fx) {
        char **slots[] = {&file->fixtures.phone_number_id, &file->fixtures.conversation_id,
                          &file->fixtures.activity_id, &file->fixtures.user_id};
        st = only_keys(fx, fix, 4, "fixtures.", origin, err);
        for (size_t i = 0; i < 4 && st == QUO_OK; i++) {
            char where[48];
            snprintf(where, sizeof where, "fixtures.%s", fix[i]);
            st = file_string(fx, fix[i], where, origin, slots[i], err);
        }
    }
    if (st == QUO_OK)
        st = file_object(root, "forbidden", origin, &fb, err);
    if (st == QUO_OK && fb) {
        st = only_keys(fb, forb, 1, "forbidden.", origin, err);
        if (st == QUO_OK)
            st = file_string(fb, "apiKey", "forbidden.apiKey", origin, &file->forbidden_key, err);
    }
    const cJSON *faults = cJSON_GetObjectItemCaseSensitive(root, "faults");
    if (st == QUO_OK && faults) {
        if (cJSON_IsString(faults) && strcmp(faults->valuestring, "prefer-header") == 0)
            file->faults = QC_FAULTS_PREFER_HEADER;
        else if (cJSON_IsString(faults) && strcmp(faults->valuestring, "none") == 0)
            file->faults = QC_FAULTS_NONE;
        else
            st = quo_error_set(err, QUO_EUSAGE, 0,
                               "config file %s: \"faults\" must be \"prefer-header\" or \"none\"",
                               origin);
    }
    return st;
}

quo_status qc_config_parse_file(const char *text, size_t len, const char *origin,
                                qc_layer *file, quo_error *err)
{
    quo_json_doc *doc = NULL;
    quo_error jerr;
    quo_status st = quo_json_parse(text, len, 0, &doc, &jerr);
    if (st == QUO_ENOMEM)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (st != QUO_OK)
        return quo_error_set(err, QUO_EUSAGE, jerr.offset,
                             "config file %s: not valid JSON at byte %zu: %s", origin,
                             jerr.offset, jerr.message);
    if (quo_json_has_nul(doc)) {
        quo_json_free(doc);
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "config file %s: a string holds \\u0000, which no setting allows",
                             origin);
    }
    st = parse_tree(quo_json_root(doc), origin, file, err);
    quo_json_free(doc);
    return st;
}

quo_status qc_config_load_file(const char *path, qc_layer *file, quo_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return quo_error_set(err, QUO_EIO, 0, "config file %s: %s", path, strerror(errno));
    quo_buf b;
    quo_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        quo_buf_append(&b, chunk, n);
        if (b.len > QC_CONFIG_MAX_FILE)
            break;
    }
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (read_error) {
        quo_buf_free(&b);
        return quo_error_set(err, QUO_EIO, 0, "config file %s: read error", path);
    }
    if (b.len > QC_CONFIG_MAX_FILE) {
        quo_buf_free(&b);
        return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: larger than 1 MiB", path);
    }
    size_t len = 0;
    char *text = quo_buf_take(&b, &len);
    if (!text)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    quo_status st = qc_config_parse_file(text, len, path, file, err);
    free(text);
    return st;
}

/* Checks scheme and host of a base URL; *loopback tells whether the host
 * is this machine. */
static quo_status check_base_url(const char *url, const char *source, bool *loopback,
                                 quo_error *err)
{
    const char *host;
    if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "base URL from %s must start with http:// or https://", source);
    size_t hl;
    if (*host == '[') {
        const char *close = strchr(host, ']');
        if (!close)
            return quo_error_set(err, QUO_EUSAGE, 0, "base URL from %s: unterminated [IPv6] host",
                                 source);
        hl = (size_t)(close - host) + 1;
    } else {
        hl = strcspn(host, ":/?#");
    }
    if (hl == 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "base URL from %s has no host", source);
    if (strpbrk(url, " \t\r\n?#"))
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "base URL from %s must not hold spaces, a query or a fragment",
                             source);
    *loopback = (hl == 9 && strncmp(host, "localhost", 9) == 0) ||
                (hl == 5 && strncmp(host, "[::1]", 5) == 0) ||
                (hl >= 4 && strncmp(host, "127.", 4) == 0);
    return QUO_OK;
}

static const char *pick(const char *flag, const char *env, const char *file)
{
    return flag ? flag : env ? env : file;
}

static quo_status copy_fixtures(const qc_fixtures *from, qc_fixtures *to, quo_error *err)
{
    const char *src[] = {from->phone_number_id, from->conversation_id, from->activity_id,
                         from->user_id};
    char **dst[] = {&to->phone_number_id, &to->conversation_id, &to->activity_id, &to->user_id};
    for (size_t i = 0; i < 4; i++)
        if (src[i] && set_string(dst[i], src[i], err) != QUO_OK)
            return QUO_ENOMEM;
    return QUO_OK;
}

static quo_status resolve_target(const qc_layer *flags, const qc_layer *env,
                                 const qc_layer *file, qc_config *out, quo_error *err)
{
    const char *url = pick(flags->base_url, env->base_url, file->base_url);
    out->base_url_source = flags->base_url ? "--base-url"
                           : env->base_url ? "QUO_BASE_URL"
                           : file->base_url ? "the config file" : NULL;
    if (!url) {
        out->embedded = true;
        out->loopback = true;
        return QUO_OK;
    }
    quo_status st = check_base_url(url, out->base_url_source, &out->loopback, err);
    if (st != QUO_OK)
        return st;
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--; /* the API path is appended with its own slash */
    out->base_url = qc_strndup(url, n);
    const char *key = pick(flags->api_key, env->api_key, file->api_key);
    if (!out->base_url)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (!key)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "no API key for %s: give --api-key, QUO_API_KEY or \"apiKey\" in "
                             "the config file", out->base_url);
    if (set_string(&out->api_key, key, err) != QUO_OK)
        return QUO_ENOMEM;
    if (copy_fixtures(&file->fixtures, &out->fixtures, err) != QUO_OK)
        return QUO_ENOMEM;
    const char *names[] = {"phoneNumberId", "conversationId", "activityId", "userId"};
    const char *vals[] = {out->fixtures.phone_number_id, out->fixtures.conversation_id,
                          out->fixtures.activity_id, out->fixtures.user_id};
    for (size_t i = 0; i < 4; i++)
        if (!vals[i])
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "a remote target needs \"fixtures.%s\" in the config file "
                                 "(resources that exist and the key may use)", names[i]);
    if (file->forbidden_key && set_string(&out->forbidden_key, file->forbidden_key, err) != QUO_OK)
        return QUO_ENOMEM;
    out->faults = file->faults == QC_FAULTS_UNSET ? QC_FAULTS_NONE : file->faults;
    return QUO_OK;
}

quo_status qc_config_resolve(const qc_cli *cli, const qc_layer *flags,
                             const qc_layer *env, const qc_layer *file,
                             const char *config_path, qc_config *out,
                             quo_error *err)
{
    quo_status st = resolve_target(flags, env, file, out, err);
    if (st != QUO_OK)
        return st;
    if (set_string(&out->report_dir, cli->report_dir ? cli->report_dir : QC_DEFAULT_REPORT_DIR,
                   err) != QUO_OK ||
        (cli->filter && set_string(&out->filter, cli->filter, err) != QUO_OK) ||
        (cli->spec_path && set_string(&out->spec_path, cli->spec_path, err) != QUO_OK) ||
        (config_path && set_string(&out->config_path, config_path, err) != QUO_OK))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (!*out->report_dir)
        return quo_error_set(err, QUO_EUSAGE, 0, "--report-dir must not be empty");
    out->strict = cli->strict;
    out->list = cli->list;
    out->timeout = cli->timeout_set ? cli->timeout : QC_DEFAULT_TIMEOUT;
    if (cli->rate_set)
        out->rate = cli->rate;
    else
        out->rate = out->loopback ? 0.0 : QC_DEFAULT_REMOTE_RATE;
    /* explore hook: never against a remote target unless asked for by name */
    out->explore = cli->explore;
    out->explore.replay = NULL;
    if (cli->explore.replay && set_string(&out->explore.replay, cli->explore.replay, err) != QUO_OK)
        return QUO_ENOMEM;
    if (out->explore.on && !out->embedded && !out->loopback && !out->explore.remote)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "--explore sends thousands of malformed requests: against a "
                             "non-loopback target it needs --explore-remote too");
    if ((out->explore.seed_set || out->explore.remote) && !out->explore.on)
        return quo_error_set(err, QUO_EUSAGE, 0, "--seed and --explore-remote need --explore");
    /* end explore hook */
    return QUO_OK;
}
