/* suite/config.c - see config.h. */
#include "quo/array.h"
#include "quo/io.h"
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    for (size_t i = 0; i < f->count; i++) {
        free(f->items[i].member);
        free(f->items[i].id);
        free(f->items[i].owner_member);
        free(f->items[i].owner_id);
    }
    free(f->items);
    memset(f, 0, sizeof *f);
}

static void selection_free(qc_selection *s)
{
    qc_strlist_free(&s->filters);
    qc_strlist_free(&s->excludes);
    s->max_requests = 0;
}

bool qc_selection_matches(const qc_selection *s, const char *id)
{
    bool in = s->filters.count == 0;
    for (size_t i = 0; !in && i < s->filters.count; i++)
        in = qc_glob_match(s->filters.items[i], id);
    for (size_t i = 0; in && i < s->excludes.count; i++)
        in = !qc_glob_match(s->excludes.items[i], id);
    return in;
}

void qc_layer_free(qc_layer *l)
{
    selection_free(&l->select);
    free(l->base_url);
    free(l->api_key);
    free(l->forbidden_key);
    fixtures_free(&l->fixtures);
    qc_transport_free(&l->transport);
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
    selection_free(&c->select);
    free(c->spec_path);
    qc_transport_free(&c->transport);
    free(c->explore.replay); /* explore hook */
    qc_config_init(c);
}

const char *qc_config_usage(void)
{
    return "usage: quo-conformance [--config FILE] [--base-url URL] [--api-key KEY]\n"
           "                       [--report-dir DIR] [--strict] [--filter GLOB[,GLOB]]...\n"
           "                       [--exclude GLOB[,GLOB]]... [--max-requests N]\n"
           "                       [--list] [--list-checks]\n"
           "                       [--timeout SECONDS] [--rate N] [--max-run-time SECONDS]\n"
           "                       [--cacert FILE] [--capath DIR] [--cert FILE --key FILE]\n"
           "                       [--insecure] [--proxy URL] [--noproxy HOSTS]\n"
           "                       [--header 'Name: value']... [--resolve HOST:PORT:ADDR]...\n"
           "                       [--spec FILE]\n"
           "                       [--explore SECONDS [--seed N] [--explore-remote]\n"
           "                        [--explore-max-body SIZE]]\n"
           "                       [--replay FILE]\n"
           "\n"
           "Certifies a server's POST /v1/tasks against the Quo API spec.\n"
           "With no base URL anywhere it starts the embedded mock on a loopback port.\n"
           "\n"
           "  --config FILE       JSON config (env QUO_CONFIG): baseUrl, apiKey, fixtures,\n"
           "                      forbidden, faults, and the transport keys below\n"
           "  --base-url URL      target (env QUO_BASE_URL), e.g. https://staging.example\n"
           "  --api-key KEY       API key (env QUO_API_KEY; prefer the environment); the\n"
           "                      key without access for 403 cases: env QUO_FORBIDDEN_API_KEY\n"
           "                      or forbidden.apiKey in the file\n"
           "  --report-dir DIR    where junit.xml, report.json, report.md, report.html,\n"
           "                      conformance.tap and created-tasks go (default reports/)\n"
           "  --strict            SHOULD failures fail the run too\n"
           "  --filter GLOB       run only the cases whose id matches a GLOB (repeatable,\n"
           "                      and comma-separated; config \"filter\")\n"
           "  --exclude GLOB      leave out the cases whose id matches a GLOB (repeatable,\n"
           "                      and comma-separated; config \"exclude\")\n"
           "  --max-requests N    send at most N case requests, the most important first\n"
           "                      (MUST before SHOULD, one per check and schema before\n"
           "                      combinations); the rest are reported \"not run\"\n"
           "                      (config \"maxRequests\")\n"
           "  --list              print the cases with ids, levels and sources; send nothing\n"
           "  --list-checks       print the check registry as a Markdown table\n"
           "  --timeout SECONDS   per request, 0.1 to 600 (default 10)\n"
           "  --rate N            requests per second: 0 (no pacing) or 0.1 to 1000\n"
           "                      (default 5 remote, 0 when the target resolves to loopback)\n"
           "  --max-run-time S    the whole run, 1 to 86400 seconds (default 3600); then it\n"
           "                      stops like on SIGTERM: reports marked interrupted, exit 2\n"
           "  --cacert FILE       CA bundle to trust (config cacert; env CURL_CA_BUNDLE,\n"
           "                      SSL_CERT_FILE)\n"
           "  --capath DIR        hashed CA directory (config capath; env SSL_CERT_DIR)\n"
           "  --cert FILE         client certificate, PEM (config cert), with --key FILE\n"
           "  --insecure          do NOT verify TLS certificates (said in every report)\n"
           "  --proxy URL         proxy for the target (config proxy; else libcurl's\n"
           "                      https_proxy / http_proxy / all_proxy environment)\n"
           "  --noproxy HOSTS     hosts never proxied, comma-separated, \"*\" = all (config\n"
           "                      noproxy; env no_proxy). The embedded mock is never proxied\n"
           "  --header 'N: v'     an extra header on every request, e.g. a gateway's\n"
           "                      'X-Env: staging' (repeatable; config headers {\"N\": \"v\"})\n"
           "  --resolve H:P:A     connect to address A for host H port P (repeatable;\n"
           "                      config resolve [\"H:P:A\"])\n"
           "  --spec FILE         another OpenAPI document of the same API\n"
           "  --explore SECONDS   after the cases, generate requests for SECONDS and\n"
           "                      report what the server gets wrong (docs/explore.md)\n"
           "  --seed N            the exploration's random seed (reproducible runs)\n"
           "  --explore-remote    allow --explore against a non-loopback target\n"
           "  --explore-max-body SIZE  the largest body exploration sends (bytes, or with\n"
           "                      KiB/MiB; 1KiB to 64MiB, default 4MiB; config\n"
           "                      exploreMaxBody); lowered to the target's limit once learnt\n"
           "  --replay FILE       re-send one saved request (explore/*.req) and judge it\n"
           "\n"
           "Flags win over the environment, the environment over the file.\n"
           "Exit status: 0 every MUST check passed, 1 a check failed (with --strict a\n"
           "SHOULD check too), 2 no verdict: usage or config error, the target unreachable,\n"
           "the preflight failed (key or gateway refused, fixtures unknown), the run\n"
           "inconclusive, rate-limited, interrupted or out of time, reports unwritable.\n";
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

/* A number in [min, max]; 0 too when allow_zero. `range` documents it. */
static quo_status parse_number(const char *flag, const char *text, double min, double max,
                               bool allow_zero, const char *range, double *out, quo_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v) ||
        !((allow_zero && v == 0) || (v >= min && v <= max)))
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: \"%.40s\" is out of range: %s", flag,
                             text, range);
    *out = v;
    return QUO_OK;
}

static quo_status add_item(qc_strlist *l, const char *value, quo_error *err)
{
    return qc_strlist_add(l, value) ? QUO_OK : quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
}

/* explore hook: a body size, "65536", "512KiB", "4MiB" ("K"/"M" too, any
 * case), in [QC_EXPLORE_MAX_BODY_MIN, QC_EXPLORE_MAX_BODY_MAX]. */
static quo_status parse_body_size(const char *what, const char *text, size_t *out,
                                  quo_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    unsigned long long mul = 1;
    if (end && (strcasecmp(end, "k") == 0 || strcasecmp(end, "kib") == 0))
        mul = 1024;
    else if (end && (strcasecmp(end, "m") == 0 || strcasecmp(end, "mib") == 0))
        mul = 1024 * 1024;
    else if (end && *end)
        end = NULL;
    if (errno || !end || end == text || text[0] == '-' || v > QC_EXPLORE_MAX_BODY_MAX ||
        v * mul < QC_EXPLORE_MAX_BODY_MIN || v * mul > QC_EXPLORE_MAX_BODY_MAX)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "%s: \"%.40s\" is out of range: bytes (or KiB, MiB), 1KiB to 64MiB",
                             what, text);
    *out = (size_t)(v * mul);
    return QUO_OK;
}

/* One --filter / --exclude value (or config string): globs separated by
 * commas, each non-empty. */
static quo_status add_patterns(const char *what, const char *value, qc_strlist *l,
                               quo_error *err)
{
    const char *p = value;
    do {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return quo_error_set(err, QUO_EUSAGE, 0, "%s: an empty pattern in \"%.60s\"", what,
                                 value);
        char *one = qc_strndup(p, n);
        bool ok = one && qc_strlist_add(l, one);
        free(one);
        if (!ok)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        p += n;
    } while (*p++ == ',');
    return QUO_OK;
}

/* A whole number of requests, 1 to QC_MAX_MAX_REQUESTS. */
static quo_status parse_count(const char *what, const char *text, size_t *out, quo_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || text[0] == '+' || v < 1 ||
        v > QC_MAX_MAX_REQUESTS)
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: \"%.40s\" is out of range: a whole "
                             "number of requests, 1 to %d", what, text, QC_MAX_MAX_REQUESTS);
    *out = (size_t)v;
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
        return add_patterns("--filter", value, &flags->select.filters, err);
    if (strcmp(name, "--exclude") == 0)
        return add_patterns("--exclude", value, &flags->select.excludes, err);
    if (strcmp(name, "--max-requests") == 0)
        return parse_count("--max-requests", value, &flags->select.max_requests, err);
    if (strcmp(name, "--spec") == 0)
        return set_string(&cli->spec_path, value, err);
    if (strcmp(name, "--timeout") == 0) {
        cli->timeout_set = true;
        return parse_number("--timeout", value, QC_HTTP_MIN_TIMEOUT, QC_HTTP_MAX_TIMEOUT, false,
                            "seconds per request, 0.1 to 600", &cli->timeout, err);
    }
    if (strcmp(name, "--rate") == 0) {
        cli->rate_set = true;
        return parse_number("--rate", value, QC_HTTP_MIN_RATE, QC_HTTP_MAX_RATE, true,
                            "requests per second, 0 (no pacing) or 0.1 to 1000", &cli->rate,
                            err);
    }
    if (strcmp(name, "--max-run-time") == 0) {
        cli->max_run_time_set = true;
        return parse_number("--max-run-time", value, 1, QC_MAX_MAX_RUN_TIME, false,
                            "seconds for the whole run, 1 to 86400", &cli->max_run_time, err);
    }
    qc_transport *t = &flags->transport;
    if (strcmp(name, "--cacert") == 0)
        return set_string(&t->cacert, value, err);
    if (strcmp(name, "--capath") == 0)
        return set_string(&t->capath, value, err);
    if (strcmp(name, "--cert") == 0)
        return set_string(&t->cert, value, err);
    if (strcmp(name, "--key") == 0)
        return set_string(&t->key, value, err);
    if (strcmp(name, "--proxy") == 0)
        return set_string(&t->proxy, value, err);
    if (strcmp(name, "--noproxy") == 0)
        return set_string(&t->noproxy, value, err);
    if (strcmp(name, "--header") == 0)
        return add_item(&t->headers, value, err);
    if (strcmp(name, "--resolve") == 0)
        return add_item(&t->resolve, value, err);
    /* explore hook */
    if (strcmp(name, "--explore") == 0) {
        cli->explore.on = true;
        return parse_number("--explore", value, 0.1, QC_MAX_MAX_RUN_TIME, false,
                            "seconds of exploration, 0.1 to 86400", &cli->explore.seconds, err);
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
    if (strcmp(name, "--explore-max-body") == 0)
        return parse_body_size("--explore-max-body", value, &cli->explore.max_body, err);
    /* end explore hook */
    return quo_error_set(err, QUO_EUSAGE, 0, "unknown option \"%s\" (see --help)", name);
}

static bool takes_value(const char *name)
{
    static const char *const names[] = {"--config", "--base-url", "--api-key",
                                        "--report-dir", "--filter", "--exclude",
                                        "--max-requests", "--spec",
                                        "--timeout", "--rate", "--max-run-time",
                                        "--cacert", "--capath", "--cert", "--key",
                                        "--proxy", "--noproxy", "--header", "--resolve",
                                        "--explore", "--seed", "--replay",
                                        "--explore-max-body"}; /* explore hook */
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* One argument (and its value) at argv[*i]; *i moves past what it used. */
static quo_status parse_one(int argc, char *const *argv, int *i, qc_cli *cli, qc_layer *flags,
                            quo_error *err)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--strict") == 0)
        cli->strict = true;
    else if (strcmp(arg, "--list") == 0)
        cli->list = true;
    else if (strcmp(arg, "--list-checks") == 0)
        cli->list_checks = true;
    else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
        cli->help = true;
    else if (strcmp(arg, "--version") == 0)
        cli->version = true;
    else if (strcmp(arg, "--insecure") == 0 || strcmp(arg, "-k") == 0)
        flags->transport.insecure = true;
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
            memcpy(name, arg, strlen(arg) + 1);
            if (!takes_value(name))
                return quo_error_set(err, QUO_EUSAGE, 0, "unknown option \"%s\" (see --help)", name);
            if (*i + 1 >= argc)
                return quo_error_set(err, QUO_EUSAGE, 0, "%s needs a value", name);
            value = argv[++*i];
        }
        if (!takes_value(name))
            return quo_error_set(err, QUO_EUSAGE, 0, "%s takes no value", name);
        return take_value(name, value, cli, flags, err);
    } else {
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "unexpected argument \"%.60s\" (see --help)", arg);
    }
    return QUO_OK;
}

/* Every argument is read even after a bad one, so what a run that cannot
 * start still needs (--report-dir, for its junit.xml) is known; the first
 * problem is the one reported. */
quo_status qc_config_parse_args(int argc, char *const *argv, qc_cli *cli,
                                qc_layer *flags, quo_error *err)
{
    quo_status first = QUO_OK;
    quo_error scratch;
    for (int i = 1; i < argc; i++) {
        quo_status st = parse_one(argc, argv, &i, cli, flags, first == QUO_OK ? err : &scratch);
        if (st == QUO_ENOMEM)
            return first == QUO_OK ? st : quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        if (first == QUO_OK)
            first = st;
    }
    return first;
}

quo_status qc_config_from_env(qc_getenv_fn get, qc_layer *env, char **config_path,
                              quo_error *err)
{
    /* Later names do not override earlier ones (CURL_CA_BUNDLE wins). */
    static const char *const names[] = {"QUO_BASE_URL", "QUO_API_KEY", "QUO_CONFIG",
                                        "QUO_FORBIDDEN_API_KEY", "CURL_CA_BUNDLE",
                                        "SSL_CERT_FILE", "SSL_CERT_DIR"};
    char **slots[] = {&env->base_url, &env->api_key, config_path, &env->forbidden_key,
                      &env->transport.cacert, &env->transport.cacert, &env->transport.capath};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names); i++) {
        if (*slots[i])
            continue;
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
static quo_status file_string(const quo_json_doc *doc, const cJSON *obj, const char *name,
                              const char *where, const char *origin, char **slot,
                              quo_error *err)
{
    const cJSON *item = quo_json_member(doc, obj, name);
    if (!item)
        return QUO_OK;
    if (!cJSON_IsString(item) || !item->valuestring || !*item->valuestring)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "config file %s: \"%s\" must be a non-empty string", origin, where);
    return set_string(slot, item->valuestring, err);
}

/* Every member name of obj must be in allowed[0..n), compared by its full
 * length (a name holding \u0000 never passes for a shorter one). */
static quo_status only_keys(const quo_json_doc *doc, const cJSON *obj,
                            const char *const *allowed, size_t n, const char *prefix,
                            const char *origin, quo_error *err)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        size_t len = quo_json_keylen(doc, m);
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strlen(allowed[i]) == len && memcmp(m->string, allowed[i], len) == 0;
        if (!ok) {
            char list[160] = "";
            for (size_t i = 0, used = 0; i < n && used < sizeof list; i++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s", allowed[i],
                                 i + 1 < n ? ", " : "");
                used += w > 0 ? (size_t)w : sizeof list;
            }
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "config file %s: unknown key \"%s%.60s\" (allowed: %s)",
                                 origin, prefix, m->string, list);
        }
    }
    return QUO_OK;
}

static quo_status file_object(const quo_json_doc *doc, const cJSON *root, const char *name,
                              const char *origin, const cJSON **out, quo_error *err)
{
    const cJSON *item = quo_json_member(doc, root, name);
    *out = NULL;
    if (!item)
        return QUO_OK;
    if (!cJSON_IsObject(item))
        return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: \"%s\" must be an object",
                             origin, name);
    *out = item;
    return QUO_OK;
}

/* The transport keys of the config file. */
static quo_status parse_transport(const quo_json_doc *doc, const cJSON *root,
                                  const char *origin, qc_transport *t, quo_error *err)
{
    static const char *const names[] = {"cacert", "capath", "cert", "key", "proxy", "noproxy"};
    char **slots[] = {&t->cacert, &t->capath, &t->cert, &t->key, &t->proxy, &t->noproxy};
    quo_status st = QUO_OK;
    for (size_t i = 0; i < 6 && st == QUO_OK; i++)
        st = file_string(doc, root, names[i], names[i], origin, slots[i], err);
    const cJSON *ins = quo_json_member(doc, root, "insecure");
    if (st == QUO_OK && ins && !cJSON_IsBool(ins))
        st = quo_error_set(err, QUO_EUSAGE, 0, "config file %s: \"insecure\" must be true or false",
                           origin);
    if (st == QUO_OK && ins)
        t->insecure = cJSON_IsTrue(ins);
    const cJSON *h = NULL;
    if (st == QUO_OK)
        st = file_object(doc, root, "headers", origin, &h, err);
    for (const cJSON *m = h ? h->child : NULL; st == QUO_OK && m; m = m->next) {
        if (!cJSON_IsString(m))
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "config file %s: \"headers.%.60s\" must be a string", origin,
                                 m->string);
        if (!qc_strlist_addf(&t->headers, "%s: %s", m->string, m->valuestring))
            st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    const cJSON *r = quo_json_member(doc, root, "resolve");
    if (st == QUO_OK && r && !cJSON_IsArray(r))
        st = quo_error_set(err, QUO_EUSAGE, 0,
                           "config file %s: \"resolve\" must be an array of \"HOST:PORT:ADDR\"",
                           origin);
    for (const cJSON *m = r ? r->child : NULL; st == QUO_OK && m; m = m->next) {
        if (!cJSON_IsString(m))
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "config file %s: \"resolve\" must hold strings", origin);
        st = add_item(&t->resolve, m->valuestring, err);
    }
    return st;
}

/* "filter" / "exclude": a string or an array of strings, each a
 * comma-separated list of globs; "maxRequests": a whole number. */
static quo_status file_patterns(const quo_json_doc *doc, const cJSON *root, const char *key,
                                const char *origin, qc_strlist *l, quo_error *err)
{
    const cJSON *v = quo_json_member(doc, root, key);
    if (!v)
        return QUO_OK;
    const cJSON *one = cJSON_IsString(v) ? v : cJSON_IsArray(v) ? v->child : NULL;
    if (!one && !cJSON_IsArray(v))
        return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: \"%s\" must be a string or "
                             "an array of strings (globs over case ids)", origin, key);
    for (; one; one = one == v ? NULL : one->next) {
        if (!cJSON_IsString(one) || strlen(one->valuestring) != quo_json_strlen(doc, one))
            return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: \"%s\" must hold "
                                 "strings without NUL", origin, key);
        char what[64];
        snprintf(what, sizeof what, "config file \"%s\"", key);
        quo_status st = add_patterns(what, one->valuestring, l, err);
        if (st != QUO_OK)
            return st;
    }
    return QUO_OK;
}

static quo_status parse_selection(const quo_json_doc *doc, const cJSON *root,
                                  const char *origin, qc_selection *s, quo_error *err)
{
    quo_status st = file_patterns(doc, root, "filter", origin, &s->filters, err);
    if (st == QUO_OK)
        st = file_patterns(doc, root, "exclude", origin, &s->excludes, err);
    const cJSON *m = quo_json_member(doc, root, "maxRequests");
    if (st == QUO_OK && m) {
        double v = cJSON_IsNumber(m) ? m->valuedouble : 0;
        if (!cJSON_IsNumber(m) || v < 1 || v > QC_MAX_MAX_REQUESTS || v != (double)(size_t)v)
            return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: \"maxRequests\" must be "
                                 "a whole number, 1 to %d", origin, QC_MAX_MAX_REQUESTS);
        s->max_requests = (size_t)v;
    }
    return st;
}

/* True when node is the string `word`, byte for byte over its full length. */
static bool str_is(const quo_json_doc *doc, const cJSON *node, const char *word)
{
    return cJSON_IsString(node) && quo_json_strlen(doc, node) == strlen(word) &&
           memcmp(node->valuestring, word, strlen(word)) == 0;
}

/* True when member node's name is `word`, over its full length. */
static bool name_is(const quo_json_doc *doc, const cJSON *node, const char *word)
{
    return node->string && quo_json_keylen(doc, node) == strlen(word) &&
           memcmp(node->string, word, strlen(word)) == 0;
}

/* One member-keyed fixture: "<member>": "<id>" or {"id": ..., "owner":
 * {"<member>": "<id>"}}. */
static quo_status parse_member_fixture(const quo_json_doc *doc, const cJSON *v,
                                       const char *origin, qc_fixture *out, quo_error *err)
{
    const char *m = v->string;
    const cJSON *id = v, *owner = NULL;
    if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c; c = c->next)
            if (!name_is(doc, c, "id") && !name_is(doc, c, "owner"))
                return quo_error_set(err, QUO_EUSAGE, 0,
                                     "config file %s: fixtures.%s has an unknown member \"%s\" "
                                     "(allowed: id, owner)", origin, m, c->string);
        id = quo_json_member(doc, v, "id");
        owner = quo_json_member(doc, v, "owner");
        if (owner && (!cJSON_IsObject(owner) || !owner->child || owner->child->next ||
                      !cJSON_IsString(owner->child) || !owner->child->valuestring[0]))
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "config file %s: fixtures.%s.owner must be an object with one "
                                 "member, the owner's member name and id", origin, m);
    }
    if (!cJSON_IsString(id) || !id->valuestring[0])
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "config file %s: fixtures.%s must be a non-empty string or an "
                             "object {\"id\": ..., \"owner\": {...}}", origin, m);
    out->member = qc_strdup(m);
    out->id = qc_strdup(id->valuestring);
    if (owner) {
        out->owner_member = qc_strdup(owner->child->string);
        out->owner_id = qc_strdup(owner->child->valuestring);
    }
    if (!out->member || !out->id || (owner && (!out->owner_member || !out->owner_id)))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    return QUO_OK;
}

/* Every fixtures member other than the legacy keys: an item. */
static quo_status parse_member_fixtures(const quo_json_doc *doc, const cJSON *fx,
                                        const char *const *legacy, size_t n, const char *origin,
                                        qc_fixtures *f, quo_error *err)
{
    for (const cJSON *v = fx->child; v; v = v->next) {
        bool is_legacy = false;
        for (size_t i = 0; i < n && !is_legacy; i++)
            is_legacy = name_is(doc, v, legacy[i]);
        if (is_legacy)
            continue;
        qc_fixture *grown = realloc(f->items, (f->count + 1) * sizeof *grown);
        if (!grown)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        f->items = grown;
        memset(&f->items[f->count], 0, sizeof *f->items);
        f->count++;
        quo_status st = parse_member_fixture(doc, v, origin, &f->items[f->count - 1], err);
        if (st != QUO_OK)
            return st;
    }
    return QUO_OK;
}

const char *qc_fixtures_find(const qc_fixtures *f, const char *member,
                             const char **owner_member, const char **owner_id)
{
    *owner_member = *owner_id = NULL;
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->items[i].member, member) == 0) {
            *owner_member = f->items[i].owner_member;
            *owner_id = f->items[i].owner_id;
            return f->items[i].id;
        }
    /* The legacy keys and the ownership they imply (docs/conformance.md). */
    if (strcmp(member, "phoneNumberId") == 0)
        return f->phone_number_id;
    if (strcmp(member, "conversationId") == 0) {
        *owner_member = f->phone_number_id ? "phoneNumberId" : NULL;
        *owner_id = f->phone_number_id;
        return f->conversation_id;
    }
    if (strcmp(member, "activityId") == 0) {
        *owner_member = f->conversation_id ? "conversationId" : NULL;
        *owner_id = f->conversation_id;
        return f->activity_id;
    }
    return NULL;
}

static quo_status parse_tree(const quo_json_doc *doc, const char *origin, qc_layer *file,
                             quo_error *err)
{
    static const char *const top[] = {"baseUrl", "apiKey", "fixtures", "forbidden", "faults",
                                      "cacert", "capath", "cert", "key", "insecure", "proxy",
                                      "noproxy", "headers", "resolve", "filter", "exclude",
                                      "maxRequests", "exploreMaxBody" /* explore hook */};
    static const char *const fix[] = {"phoneNumberId", "conversationId", "activityId", "userId"};
    static const char *const forb[] = {"apiKey"};
    const cJSON *root = quo_json_root(doc);
    if (!cJSON_IsObject(root))
        return quo_error_set(err, QUO_EUSAGE, 0, "config file %s: the top level must be an object",
                             origin);
    quo_status st = only_keys(doc, root, top, QUO_ARRAY_SIZE(top), "", origin, err);
    if (st == QUO_OK)
        st = file_string(doc, root, "baseUrl", "baseUrl", origin, &file->base_url, err);
    if (st == QUO_OK)
        st = file_string(doc, root, "apiKey", "apiKey", origin, &file->api_key, err);
    const cJSON *fx = NULL, *fb = NULL;
    if (st == QUO_OK)
        st = file_object(doc, root, "fixtures", origin, &fx, err);
    if (st == QUO_OK && fx) {
        char **slots[] = {&file->fixtures.phone_number_id, &file->fixtures.conversation_id,
                          &file->fixtures.activity_id, &file->fixtures.user_id};
        for (size_t i = 0; i < QUO_ARRAY_SIZE(slots) && st == QUO_OK; i++) {
            char where[48];
            snprintf(where, sizeof where, "fixtures.%s", fix[i]);
            st = file_string(doc, fx, fix[i], where, origin, slots[i], err);
        }
        if (st == QUO_OK)
            st = parse_member_fixtures(doc, fx, fix, QUO_ARRAY_SIZE(fix), origin,
                                       &file->fixtures, err);
    }
    if (st == QUO_OK)
        st = file_object(doc, root, "forbidden", origin, &fb, err);
    if (st == QUO_OK && fb) {
        st = only_keys(doc, fb, forb, 1, "forbidden.", origin, err);
        if (st == QUO_OK)
            st = file_string(doc, fb, "apiKey", "forbidden.apiKey", origin, &file->forbidden_key, err);
    }
    const cJSON *faults = quo_json_member(doc, root, "faults");
    if (st == QUO_OK && faults) {
        if (str_is(doc, faults, "prefer-header"))
            file->faults = QC_FAULTS_PREFER_HEADER;
        else if (str_is(doc, faults, "none"))
            file->faults = QC_FAULTS_NONE;
        else
            st = quo_error_set(err, QUO_EUSAGE, 0,
                               "config file %s: \"faults\" must be \"prefer-header\" or \"none\"",
                               origin);
    }
    if (st == QUO_OK)
        st = parse_transport(doc, root, origin, &file->transport, err);
    /* explore hook: exploreMaxBody, a number of bytes or a size string */
    const cJSON *mb = quo_json_member(doc, root, "exploreMaxBody");
    if (st == QUO_OK && mb) {
        char text[48];
        if (cJSON_IsNumber(mb) && mb->valuedouble >= 0 && mb->valuedouble < 1e12)
            snprintf(text, sizeof text, "%.0f%s", mb->valuedouble,
                     mb->valuedouble == floor(mb->valuedouble) ? "" : "x");
        else if (cJSON_IsString(mb))
            snprintf(text, sizeof text, "%s", mb->valuestring);
        else
            snprintf(text, sizeof text, "?");
        char where[400];
        snprintf(where, sizeof where, "config file %s: exploreMaxBody", origin);
        st = parse_body_size(where, text, &file->explore_max_body, err);
    }
    if (st == QUO_OK)
        st = parse_selection(doc, root, origin, &file->select, err);
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
    st = parse_tree(doc, origin, file, err);
    quo_json_free(doc);
    return st;
}

quo_status qc_config_load_file(const char *path, qc_layer *file, quo_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return quo_error_set(err, QUO_EIO, 0, "config file %s: %s", path, quo_errno_text(errno).text);
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

/* Checks scheme and host of a base URL. Whether it is this machine is
 * decided by address later (qc_http_is_loopback), never by the name. */
static quo_status check_base_url(const char *url, const char *source, quo_error *err)
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
    return QUO_OK;
}

/* A key goes into a header line as is: a control character (CR, LF, a
 * trailing newline from `echo` or a secrets file, TAB, NUL) would inject
 * a header or corrupt the request. */
static quo_status check_secret(const char *what, const char *value, const char *source,
                               quo_error *err)
{
    size_t n = strlen(value);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 || c == 0x7F)
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "%s from %s holds a control character (byte 0x%02x at %zu of "
                                 "%zu%s): refused, it would corrupt the request headers",
                                 what, source, c, i, n,
                                 i + 1 == n && (c == '\n' || c == '\r')
                                     ? ", a trailing newline: strip it" : "");
        if (c == ' ' && (i == 0 || i + 1 == n))
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "%s from %s starts or ends with a space: refused", what, source);
    }
    return QUO_OK;
}

/* "Name: value" with a token name and no control character but TAB. */
static quo_status check_header(const char *line, quo_error *err)
{
    static const char token[] = "!#$%&'*+-.^_`|~";
    size_t n = 0;
    while (line[n] && line[n] != ':' &&
           (((unsigned char)line[n] > 0x20 && (unsigned char)line[n] < 0x7F &&
             (isalnum((unsigned char)line[n]) || strchr(token, line[n])))))
        n++;
    if (n == 0 || line[n] != ':')
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "--header \"%.60s\": expected \"Name: value\" (a token name, a colon)",
                             line);
    for (const char *p = line + n + 1; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7F)
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "--header %.*s: the value holds a control character (byte "
                                 "0x%02x; CR/LF would inject headers): refused",
                                 (int)(n > 60 ? 60 : n), line, (unsigned char)*p);
    return QUO_OK;
}

/* HOST:PORT:ADDR[,ADDR...] as curl's CURLOPT_RESOLVE takes it. */
static quo_status check_resolve(const char *e, quo_error *err)
{
    const char *p = e + (*e == '+' || *e == '-');
    const char *c1 = strchr(p, ':');
    char *end = NULL;
    long port = c1 ? strtol(c1 + 1, &end, 10) : 0;
    if (!c1 || c1 == p || !end || end == c1 + 1 || *end != ':' || port < 1 || port > 65535 ||
        !end[1] || strpbrk(e, " \t\r\n"))
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "--resolve \"%.80s\": expected HOST:PORT:ADDR, e.g. "
                             "staging.example:443:127.0.0.1", e);
    return QUO_OK;
}

/* Flags > environment > file, field by field; headers of the file and
 * the flags both apply (a flag replaces a file header of the same name). */
static quo_status merge_transport(const qc_layer *flags, const qc_layer *env,
                                  const qc_layer *file, qc_transport *out, quo_error *err)
{
    const qc_transport *f = &flags->transport, *e = &env->transport, *c = &file->transport;
    const char *src[6][3] = {{f->cacert, e->cacert, c->cacert}, {f->capath, e->capath, c->capath},
                             {f->cert, e->cert, c->cert},       {f->key, e->key, c->key},
                             {f->proxy, e->proxy, c->proxy},    {f->noproxy, e->noproxy, c->noproxy}};
    char **dst[6] = {&out->cacert, &out->capath, &out->cert, &out->key, &out->proxy, &out->noproxy};
    for (size_t i = 0; i < 6; i++) {
        const char *v = src[i][0] ? src[i][0] : src[i][1] ? src[i][1] : src[i][2];
        if (v && set_string(dst[i], v, err) != QUO_OK)
            return QUO_ENOMEM;
    }
    out->insecure = f->insecure || c->insecure;
    if (out->key && !out->cert)
        return quo_error_set(err, QUO_EUSAGE, 0, "--key needs --cert (the client certificate)");
    for (size_t i = 0; i < c->headers.count; i++) {
        size_t n = strcspn(c->headers.items[i], ":");
        bool replaced = false;
        for (size_t k = 0; k < f->headers.count && !replaced; k++)
            replaced = strncasecmp(f->headers.items[k], c->headers.items[i], n) == 0 &&
                       f->headers.items[k][n] == ':';
        if (!replaced && !qc_strlist_add(&out->headers, c->headers.items[i]))
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    for (size_t k = 0; k < f->headers.count; k++)
        if (!qc_strlist_add(&out->headers, f->headers.items[k]))
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    const qc_strlist *res = f->resolve.count ? &f->resolve : &c->resolve;
    for (size_t k = 0; k < res->count; k++)
        if (!qc_strlist_add(&out->resolve, res->items[k]))
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    for (size_t k = 0; k < out->headers.count; k++)
        if (check_header(out->headers.items[k], err) != QUO_OK)
            return QUO_EUSAGE;
    for (size_t k = 0; k < out->resolve.count; k++)
        if (check_resolve(out->resolve.items[k], err) != QUO_OK)
            return QUO_EUSAGE;
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
    for (size_t i = 0; i < QUO_ARRAY_SIZE(src); i++)
        if (src[i] && set_string(dst[i], src[i], err) != QUO_OK)
            return QUO_ENOMEM;
    if (from->count) {
        to->items = calloc(from->count, sizeof *to->items);
        if (!to->items)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        to->count = from->count;
        for (size_t i = 0; i < from->count; i++) {
            const qc_fixture *a = &from->items[i];
            qc_fixture *b = &to->items[i];
            if (set_string(&b->member, a->member, err) != QUO_OK ||
                set_string(&b->id, a->id, err) != QUO_OK ||
                (a->owner_member && set_string(&b->owner_member, a->owner_member, err) != QUO_OK) ||
                (a->owner_id && set_string(&b->owner_id, a->owner_id, err) != QUO_OK))
                return QUO_ENOMEM;
        }
    }
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
    quo_status st = check_base_url(url, out->base_url_source, err);
    if (st != QUO_OK)
        return st;
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--; /* the API path is appended with its own slash */
    out->base_url = qc_strndup(url, n);
    const char *key = pick(flags->api_key, env->api_key, file->api_key);
    if (!out->base_url)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    /* --list sends nothing: it needs neither a key nor fixtures. */
    if (!key && !out->list)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "no API key for %s: give --api-key, QUO_API_KEY or \"apiKey\" in "
                             "the config file", out->base_url);
    if (key && set_string(&out->api_key, key, err) != QUO_OK)
        return QUO_ENOMEM;
    if (copy_fixtures(&file->fixtures, &out->fixtures, err) != QUO_OK)
        return QUO_ENOMEM;
    const char *names[] = {"phoneNumberId", "conversationId", "activityId", "userId"};
    const char *vals[] = {out->fixtures.phone_number_id, out->fixtures.conversation_id,
                          out->fixtures.activity_id, out->fixtures.user_id};
    for (size_t i = 0; i < QUO_ARRAY_SIZE(vals); i++)
        if (!vals[i] && !out->list)
            return quo_error_set(err, QUO_EUSAGE, 0,
                                 "a remote target needs \"fixtures.%s\" in the config file "
                                 "(resources that exist and the key may use)", names[i]);
    const char *forbidden = pick(flags->forbidden_key, env->forbidden_key, file->forbidden_key);
    if (forbidden && set_string(&out->forbidden_key, forbidden, err) != QUO_OK)
        return QUO_ENOMEM;
    st = !key ? QUO_OK /* --list without a key */
              : check_secret("the API key", key, flags->api_key ? "--api-key"
                                          : env->api_key ? "QUO_API_KEY" : "apiKey in the config file", err);
    if (st == QUO_OK && forbidden)
        st = check_secret("the forbidden key", forbidden,
                          flags->forbidden_key ? "a flag"
                          : env->forbidden_key ? "QUO_FORBIDDEN_API_KEY"
                                               : "forbidden.apiKey in the config file", err);
    if (st != QUO_OK)
        return st;
    out->faults = file->faults == QC_FAULTS_UNSET ? QC_FAULTS_NONE : file->faults;
    return QUO_OK;
}

/* The flags' patterns if any, else the file's: a list is replaced whole. */
static bool merge_patterns(const qc_strlist *flag, const qc_strlist *file, qc_strlist *out)
{
    const qc_strlist *from = flag->count ? flag : file;
    for (size_t i = 0; i < from->count; i++)
        if (!qc_strlist_add(out, from->items[i]))
            return false;
    return true;
}

quo_status qc_config_resolve(const qc_cli *cli, const qc_layer *flags,
                             const qc_layer *env, const qc_layer *file,
                             const char *config_path, qc_config *out,
                             quo_error *err)
{
    out->list = cli->list;
    quo_status st = resolve_target(flags, env, file, out, err);
    if (st == QUO_OK)
        st = merge_transport(flags, env, file, &out->transport, err);
    if (st != QUO_OK)
        return st;
    if (set_string(&out->report_dir, cli->report_dir ? cli->report_dir : QC_DEFAULT_REPORT_DIR,
                   err) != QUO_OK ||
        !merge_patterns(&flags->select.filters, &file->select.filters, &out->select.filters) ||
        !merge_patterns(&flags->select.excludes, &file->select.excludes,
                        &out->select.excludes) ||
        (cli->spec_path && set_string(&out->spec_path, cli->spec_path, err) != QUO_OK) ||
        (config_path && set_string(&out->config_path, config_path, err) != QUO_OK))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (!*out->report_dir)
        return quo_error_set(err, QUO_EUSAGE, 0, "--report-dir must not be empty");
    out->select.max_requests = flags->select.max_requests ? flags->select.max_requests
                                                          : file->select.max_requests;
    out->strict = cli->strict;
    out->list = cli->list;
    out->timeout = cli->timeout_set ? cli->timeout : QC_DEFAULT_TIMEOUT;
    out->max_run_time = cli->max_run_time_set ? cli->max_run_time : QC_DEFAULT_MAX_RUN_TIME;
    out->rate_set = cli->rate_set;
    /* Without --rate, main picks the rate once the target's addresses are
     * known (qc_http_default_rate); the embedded mock is loopback. */
    out->rate = cli->rate_set ? cli->rate : qc_http_default_rate(out->loopback);
    /* explore hook: never against a remote target unless asked for by name */
    out->explore = cli->explore;
    out->explore.replay = NULL;
    if (cli->explore.replay && set_string(&out->explore.replay, cli->explore.replay, err) != QUO_OK)
        return QUO_ENOMEM;
    /* Whether the target is loopback is known only once its host resolves:
     * main.c refuses --explore against a remote one without --explore-remote. */
    if ((out->explore.seed_set || out->explore.remote || cli->explore.max_body) &&
        !out->explore.on)
        return quo_error_set(err, QUO_EUSAGE, 0,
                             "--seed, --explore-remote and --explore-max-body need --explore");
    /* The flag over the file's key (a config file may be shared by runs that
     * do not explore: its key alone needs no --explore). */
    if (!out->explore.max_body)
        out->explore.max_body = file->explore_max_body ? file->explore_max_body
                                                       : QC_EXPLORE_MAX_BODY_DEFAULT;
    /* end explore hook */
    return QUO_OK;
}
