/* suite/config.h - quo-conformance's settings: command line, environment
 * and config file, merged with flags > environment > file.
 *
 * Three sources each fill a qc_layer (NULL = "not given here"); then
 * qc_config_resolve() merges them into a qc_config and checks that what a
 * run needs is there. With no base URL in any source the run targets the
 * embedded mock (config->embedded), whose fixtures the caller fills in
 * later (see embedded.h).
 *
 * The config file is JSON with exactly the keys baseUrl, apiKey,
 * fixtures {phoneNumberId, conversationId, activityId, userId},
 * forbidden {apiKey} and faults ("prefer-header" | "none"), and the
 * transport keys cacert, capath, cert, key (strings), insecure (bool),
 * proxy, noproxy (strings), headers ({"Name": "value"}) and resolve
 * (["HOST:PORT:ADDR"]), and exploreMaxBody (--explore-max-body: bytes as a
 * number, or a size string "512KiB", "4MiB"); any other key is an error.
 *
 * The environment gives QUO_BASE_URL, QUO_API_KEY, QUO_FORBIDDEN_API_KEY,
 * QUO_CONFIG, and, as libcurl's command-line tool reads them,
 * CURL_CA_BUNDLE / SSL_CERT_FILE (--cacert) and SSL_CERT_DIR (--capath);
 * libcurl itself reads http_proxy, https_proxy, all_proxy and no_proxy.
 *
 * Keys and header values holding a control character (CR, LF, NUL, a
 * trailing newline from a secrets file) are refused: sent as is they
 * would inject headers. It is read through the library's strict JSON gate, so a
 * duplicate key is an error too.
 *
 * Ownership: layers and configs own their strings; release them with
 * qc_layer_free() / qc_config_free(). Error messages never contain a key.
 */
#ifndef QC_CONFIG_H
#define QC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"
#include "http.h"

typedef enum qc_faults {
    QC_FAULTS_UNSET = 0,
    QC_FAULTS_NONE,          /* 500 cases are skipped (the default) */
    QC_FAULTS_PREFER_HEADER  /* the target honours `Prefer: code=500` */
} qc_faults;

/* A fixture keyed by the request member that names it (config
 * "fixtures": {"contactId": "CT1"} or {"contactId": {"id": "CT1",
 * "owner": {"phoneNumberId": "PN1"}}}). */
typedef struct qc_fixture {
    char *member;
    char *id;
    char *owner_member; /* NULL: no owner given */
    char *owner_id;
} qc_fixture;

/* The legacy keys (phoneNumberId, conversationId, activityId, userId) keep
 * their slots; any other member is an item. Read both through
 * qc_fixtures_find(), which knows the legacy keys' ownership. */
typedef struct qc_fixtures {
    char *phone_number_id;
    char *conversation_id; /* belongs to phone_number_id */
    char *activity_id;     /* belongs to conversation_id */
    char *user_id;
    qc_fixture *items;
    size_t count;
    bool from_mock; /* the embedded mock's: kinds not listed are asked of it */
} qc_fixtures;

/* The fixture for request member `member`, or NULL; *owner_member and
 * *owner_id receive its owner (NULL when none). Legacy keys: a conversation
 * is owned by the phone number, an activity by the conversation. */
const char *qc_fixtures_find(const qc_fixtures *f, const char *member,
                             const char **owner_member, const char **owner_id);

/* Which cases run. --filter and --exclude are repeatable and each value
 * may hold several globs separated by commas (case ids hold no comma);
 * the config file's "filter" / "exclude" are a string (comma-separated
 * likewise) or an array of such strings. A case runs when it matches any
 * filter (or there is none) and no exclude. max_requests (--max-requests,
 * config "maxRequests") keeps the most important requests (main.c's
 * budget order, docs/conformance.md); 0 = no limit. Flags replace the
 * file's list or limit as a whole. */
typedef struct qc_selection {
    qc_strlist filters;
    qc_strlist excludes;
    size_t max_requests;
} qc_selection;

/* A case passes the filters and excludes (above). */
bool qc_selection_matches(const qc_selection *s, const char *id);

typedef struct qc_layer {
    char *base_url;
    char *api_key;
    char *forbidden_key;
    qc_fixtures fixtures;
    qc_faults faults;
    qc_transport transport;
    qc_selection select;
    size_t explore_max_body; /* explore hook: config exploreMaxBody, 0 = not given */
} qc_layer;

/* ---- explore hook: --explore/--seed/--replay/--explore-remote (suite/explore.h) */
typedef struct qc_explore_opts {
    bool on;               /* --explore SECONDS given */
    double seconds;
    bool remote;           /* --explore-remote: allowed against a non-loopback target */
    bool seed_set;
    unsigned long long seed;
    char *replay;          /* --replay FILE, or NULL (owned) */
    size_t max_body;       /* --explore-max-body SIZE or config exploreMaxBody, in bytes;
                            * resolved: never 0 (QC_EXPLORE_MAX_BODY_DEFAULT) */
} qc_explore_opts;
/* Generated bodies stay at or below max_body (and below the target's limit
 * once learnt, docs/explore.md). 4 MiB: above the limits most servers and
 * gateways set (1 MiB is common), so their 413 teaches the explorer theirs. */
#define QC_EXPLORE_MAX_BODY_DEFAULT (4u * 1024u * 1024u)
#define QC_EXPLORE_MAX_BODY_MIN 1024u
#define QC_EXPLORE_MAX_BODY_MAX (64u * 1024u * 1024u)
/* ---- end explore hook */

/* Settings only the command line gives. */
typedef struct qc_cli {
    char *config_path;
    char *report_dir;
    char *spec_path;
    bool strict;
    bool list;
    bool list_checks;    /* --list-checks: the check registry as Markdown */
    bool help;
    bool version;
    bool timeout_set;
    double timeout;
    bool rate_set;
    double rate;
    bool max_run_time_set;
    double max_run_time;
    qc_explore_opts explore; /* explore hook */
} qc_cli;

typedef struct qc_config {
    char *base_url;      /* NULL when embedded */
    char *api_key;
    char *forbidden_key; /* NULL: 403 cases are skipped */
    qc_fixtures fixtures;
    qc_faults faults;
    char *config_path;   /* the file read, or NULL */
    char *report_dir;
    qc_selection select; /* --filter / --exclude / --max-requests, or the file's */
    char *spec_path;     /* NULL = the compiled-in spec */
    bool strict;
    bool list;
    bool embedded;
    bool loopback;       /* the target resolves to loopback only (main decides,
                            qc_http_is_loopback; true for the embedded mock) */
    double timeout;      /* seconds per request */
    bool rate_set;       /* --rate given; else main picks qc_http_default_rate() */
    double rate;         /* requests per second; 0 = no pacing */
    double max_run_time; /* seconds for the whole run */
    qc_transport transport; /* TLS, proxy, extra headers, --resolve */
    const char *base_url_source; /* "--base-url", "QUO_BASE_URL", the file, or NULL */
    qc_explore_opts explore; /* explore hook: a copy of the flags (replay owned) */
} qc_config;

#define QC_DEFAULT_REPORT_DIR "reports"
#define QC_DEFAULT_TIMEOUT QC_HTTP_DEFAULT_TIMEOUT
#define QC_DEFAULT_REMOTE_RATE QC_HTTP_DEFAULT_REMOTE_RATE
/* A full run at the default pacing takes about a minute; an hour leaves
 * room for slow servers and back-offs, and still ends a stuck CI job. */
#define QC_DEFAULT_MAX_RUN_TIME 3600.0
#define QC_MAX_MAX_RUN_TIME 86400.0
#define QC_MAX_MAX_REQUESTS 1000000

void qc_layer_init(qc_layer *l);
void qc_layer_free(qc_layer *l);
void qc_cli_init(qc_cli *c);
void qc_cli_free(qc_cli *c);
void qc_config_init(qc_config *c);
void qc_config_free(qc_config *c);

/* Parses argv[1..argc). QUO_OK, QUO_EUSAGE (err names the bad argument) or
 * QUO_ENOMEM. */
quo_status qc_config_parse_args(int argc, char *const *argv, qc_cli *cli,
                                qc_layer *flags, quo_error *err);

/* Reads QUO_BASE_URL and QUO_API_KEY (and *config_path from QUO_CONFIG)
 * through `get` (getenv in the program, a table in tests). An empty
 * variable counts as unset. */
typedef const char *(*qc_getenv_fn)(const char *name);
quo_status qc_config_from_env(qc_getenv_fn get, qc_layer *env, char **config_path,
                              quo_error *err);

/* Parses a config file's text; `origin` names it in messages. QUO_OK,
 * QUO_EUSAGE (bad content) or QUO_ENOMEM. */
quo_status qc_config_parse_file(const char *text, size_t len, const char *origin,
                                qc_layer *file, quo_error *err);
/* Reads and parses a file (QUO_EIO when it cannot be read). */
quo_status qc_config_load_file(const char *path, qc_layer *file, quo_error *err);

/* Merges flags > env > file into *out and checks it. A remote target needs
 * an API key and all four fixtures. QUO_OK, QUO_EUSAGE or QUO_ENOMEM. */
quo_status qc_config_resolve(const qc_cli *cli, const qc_layer *flags,
                             const qc_layer *env, const qc_layer *file,
                             const char *config_path, qc_config *out,
                             quo_error *err);

/* The usage text printed by --help. */
const char *qc_config_usage(void);

#endif
