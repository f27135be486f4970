/* suite/explore.h - response-guided exploration of a server (--explore).
 *
 * After the deterministic cases, quo-conformance can generate new requests
 * for a time budget and judge each against the library's verdict of it:
 *
 *   explore_req.c     the request model: a body as a list of members whose
 *                     values are sized generators (or raw bytes once a byte
 *                     mutation made it not JSON), plus HTTP framing
 *                     (chunked, Expect, Content-Type parameters, repeated
 *                     headers); rendering; the saved request file format.
 *   explore_mutate.c  seeds (the derived cases: contract + fixtures) and the
 *                     tree, byte and HTTP mutations.
 *   explore_oracle.c  the verdict: library (quo_request_validate) versus
 *                     the server's answer (quo_response_parse, transport),
 *                     giving a finding signature and a feedback key.
 *   explore_min.c     minimisation of a finding (tree first, then bytes).
 *   explore_limit.c   the target's body size limit, learnt from its 413s
 *                     (or closed connections) by binary search.
 *   explore_send.c    the ONE adapter onto the suite's HTTP client.
 *   explore.c         the loop (pool, feedback, budget), findings, replay,
 *                     and the findings as failed MUST cases for the reports.
 *
 * Nothing here walks the OpenAPI document: member names, formats and
 * patterns come from quo_contract, valid values from the derived cases.
 *
 * Ownership: qe_findings owns its cases' results arrays (qe_findings_free);
 * the cases it appends to a qc_case_list belong to that list.
 */
#ifndef QC_EXPLORE_H
#define QC_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quo/error.h"
#include "quo/spec.h"
#include "cases.h"
#include "config.h"
#include "http.h"
#include "report.h"
#include "text.h"

/* Bodies are never generated larger than cfg->explore.max_body
 * (--explore-max-body, QC_EXPLORE_MAX_BODY_DEFAULT), nor, once learnt,
 * than the target's limit (qe_limit below). */
/* The library judges nesting up to this depth; deeper is "not judged". */
#define QE_JUDGE_DEPTH 1000u

/* ---- the request model (explore_req.c) -------------------------------- */

typedef enum qe_kind {
    QE_V_RAW = 0,   /* raw JSON text */
    QE_V_SPECIAL,   /* a string: prefix + special fragment `cls` */
    QE_V_LONGSTR,   /* a string: prefix + n units of class `cls` */
    QE_V_NEST,      /* n nested arrays (cls 0) or objects (cls 1) */
    QE_V_MANY,      /* an object of n members */
    QE_V_SPLICE,    /* n members spliced into the enclosing object (no name) */
    QE_V_DIGITS,    /* a number of n digits (cls: 0 integer, 1 fraction, 2 exponent) */
    QE_V_NUMBER,    /* number edge `cls` */
    QE_V_DATETIME   /* date-time edge `cls` */
} qe_kind;

typedef struct qe_member {
    char *name;      /* the name as JSON text, quotes included; NULL for SPLICE */
    size_t name_len;
    char *plain;     /* the decoded name (for contract lookups), or NULL */
    qe_kind kind;
    size_t n;
    unsigned cls;
    char *raw;       /* RAW text, or the prefix (string content) of string kinds */
    size_t raw_len;
} qe_member;

/* HTTP-layer variations, a bit each (qe_req.framing); qe_framings() is
 * their one list: file word, and whether the body's verdict still holds. */
enum {
    QE_F_CHUNKED = 1u,       /* Transfer-Encoding: chunked */
    QE_F_EXPECT = 2u,        /* Expect: 100-continue */
    QE_F_DUPHDR = 4u,        /* Content-Type twice (same value) */
    QE_F_DUP_AUTH = 8u,      /* the auth header twice, the same key */
    QE_F_AUTH_OTHER = 16u,   /* the auth header twice: the key, then another value */
    QE_F_DUP_ACCEPT = 32u,   /* Accept twice (the media type, then * / *) */
    QE_F_EXPECT_TWICE = 64u, /* Expect: 100-continue twice */
    QE_F_DUP_PARAM = 128u    /* each required header parameter twice (two values) */
};

typedef struct qe_framing {
    unsigned bit;
    const char *word;  /* in saved request files ("framing: chunked ...") */
    const char *op;    /* the mutation's name, for people */
    /* RFC 9110 5.3: a field that is not a list may not be repeated, and a
     * server given it twice may refuse (400) or use either value; for list
     * fields (Accept, Expect) and chunked framing the body's verdict holds.
     * Expect twice is judged as not judged too: 417 is a fair answer to an
     * expectation the server will not parse (qe_judge). */
    bool judged;
} qe_framing;
const qe_framing *qe_framings(size_t *n);
/* The value sent as the "other" auth value (QE_F_AUTH_OTHER): not a key. */
#define QE_OTHER_KEY "quo-explore-other-key-0000"

typedef struct qe_req {
    qe_member *m;       /* tree form (raw == NULL) */
    size_t nm;
    char *raw;          /* byte form: once set, the members are gone */
    size_t raw_len;
    unsigned framing;   /* QE_F_* */
    unsigned ctype;     /* index into qe_content_types() */
    bool ids_touched;   /* a resource id differs from the fixtures' */
    const char *op;     /* the last mutation (static), for people */
} qe_req;

void qe_req_init(qe_req *r);
void qe_req_free(qe_req *r);
bool qe_req_copy(qe_req *dst, const qe_req *src);
/* The body bytes (caller frees), NULL on ENOMEM. */
char *qe_req_render(const qe_req *r, size_t *len);
/* Turns the tree into raw bytes (for byte mutations). */
bool qe_req_to_raw(qe_req *r);
bool qe_member_set(qe_member *m, const char *name, size_t name_len, qe_kind kind,
                   size_t n, unsigned cls, const char *raw, size_t raw_len);
void qe_member_free(qe_member *m);
/* How many classes (cls values) a generated kind has. */
size_t qe_class_count(qe_kind kind);
/* Appends a member (copied); false on ENOMEM. */
bool qe_req_add(qe_req *r, const qe_member *m);
void qe_req_remove(qe_req *r, size_t i);

/* Content-Type values: [0] is the contract's media type. Those flagged
 * `same` name that media type (parameters allowed) and keep the body's
 * verdict; the others make the request "not judged". */
typedef struct qe_ctype {
    const char *value;  /* NULL: no Content-Type header */
    bool same;
} qe_ctype;
const qe_ctype *qe_content_types(size_t *n);
/* Header lines to send (no auth): Content-Type, framing. An empty body
 * is never sent chunked or with Expect: libcurl sends no terminating
 * chunk for it, and a correct server would wait for one (a false
 * "timeout"). */
bool qe_req_headers(const qe_req *r, const char *media, size_t body_len, qc_strlist *out);
/* The auth header line(s) of r: "Name: [scheme ]key", repeated as its
 * framing says (QE_F_DUP_AUTH, QE_F_AUTH_OTHER). No line when name is NULL.
 * `key` is the real key when sending, "$QUO_API_KEY" for reproducers. */
bool qe_auth_lines(const qe_req *r, const char *name, const char *scheme, const char *key,
                   qc_strlist *out);
/* A line per required header parameter, "Name: qe-<tag>" (unique per
 * request: an Idempotency-Key must not repeat), twice with QE_F_DUP_PARAM
 * (the second "qe-<tag>-b"). */
bool qe_param_lines(const qe_req *r, const qc_strlist *required, const char *tag,
                    qc_strlist *out);
/* Bytes one unit of a sized generator renders to (about, for members). */
size_t qe_unit_bytes(qe_kind kind, unsigned cls);

/* A saved request (explore/<name>.req): a text head, a blank line, the raw
 * body. The API key is never saved: the head says "auth: key" and the key
 * is put in at send time. */
quo_status qe_req_save(const qe_req *r, const char *media, const char *dir, const char *name,
                       quo_error *err);
/* Loads a saved request into the byte form. */
quo_status qe_req_load(const char *path, qe_req *r, char **media, quo_error *err);

/* ---- sending (explore_send.c, the adapter onto suite/http.h) ----------- */

typedef struct qe_sender qe_sender;
typedef struct qe_answer {
    int status;          /* 0: no answer */
    char *content_type;
    char *body;
    size_t body_len;
    double seconds;
    char *error;         /* transport error text, or NULL */
    bool timeout, reset, empty, too_big;
} qe_answer;

/* required: the contract's required header parameters (kept, not copied). */
quo_status qe_sender_open(const qc_config *cfg, const char *base_url, const char *path,
                          const char *auth_header, const char *auth_scheme,
                          const qc_strlist *required, qe_sender **out, quo_error *err);
void qe_sender_close(qe_sender *s);
quo_status qe_send(qe_sender *s, const qe_req *r, const char *media, qe_answer *out);
void qe_answer_free(qe_answer *a);
/* A curl command reproducing the saved request file (key as $QUO_API_KEY). */
void qe_curl_command(quo_buf *b, const char *method, const char *path,
                     const char *auth_header, const char *auth_scheme,
                     const qc_strlist *required, const qe_req *r, const char *media,
                     const char *body_file);

/* ---- oracle (explore_oracle.c) ----------------------------------------- */

typedef enum qe_expect {
    QE_EXPECT_VALID = 0,  /* the library accepts the body: success (403/404 if ids changed) */
    QE_EXPECT_INVALID,    /* the library rejects the body: a 4xx other than 403/404 */
    QE_EXPECT_UNJUDGED    /* beyond the library's limits or the HTTP layer varied */
} qe_expect;

typedef struct qe_verdict {
    qe_expect expect;
    bool finding;
    char signature[160];  /* bucket: what broke, and how */
    char detail[512];     /* one sentence for people */
    uint64_t feedback;    /* hash of the answer's shape */
    char *task_id;        /* a 2xx's created task id (owned), or NULL */
} qe_verdict;

/* The library's verdict of a request. */
quo_status qe_expectation(const quo_spec *spec, const qe_req *r, const char *body, size_t len,
                          qe_expect *out);
/* Judges one answer. */
quo_status qe_judge(const quo_spec *spec, const qe_req *r, const char *body, size_t len,
                    const qe_answer *a, qe_verdict *out);
void qe_verdict_free(qe_verdict *v);

/* ---- mutation (explore_mutate.c) --------------------------------------- */

/* xoshiro-style PRNG: reproducible from one seed. */
typedef struct qe_rng { uint64_t s; } qe_rng;
uint64_t qe_rand(qe_rng *g);
size_t qe_below(qe_rng *g, size_t n);

/* Seeds from the derived cases (valid and near-valid bodies with the
 * fixtures' ids). *out is an array the caller frees with qe_pool_free. */
quo_status qe_seeds(const qc_case_list *cases, qe_req **out, size_t *n, quo_error *err);
void qe_pool_free(qe_req *p, size_t n);
/* One mutation of r in place (tree, byte or HTTP); sizes are picked up to
 * max_body (the limit in force; the caller fits what still renders larger,
 * qe_fit). false on ENOMEM. */
bool qe_mutate(const quo_spec *spec, qe_rng *g, size_t max_body, qe_req *r);

/* The sweep, before the random phase: step k of applying every class of
 * every generator once, to the first member of a valid seed (and the
 * string classes to a near-valid one too: echo bugs need an error
 * answer). *done when k is past the end. An out with op "sweep: no seed"
 * is to be skipped. false on ENOMEM. */
bool qe_sweep(const quo_spec *spec, size_t k, const qe_req *valid, const qe_req *invalid,
              qe_req *out, bool *done);

/* ---- minimisation (explore_min.c) -------------------------------------- */

/* Does the candidate still give `signature`? */
typedef bool (*qe_still_fn)(void *ctx, const qe_req *candidate);
/* Shrinks r in place while still() holds, within `max_tries` sends and
 * until `deadline` (monotonic seconds). Returns the sends used. */
size_t qe_minimise(qe_req *r, qe_still_fn still, void *ctx, size_t max_tries, double deadline);

/* ---- the target's body limit (explore_limit.c) -------------------------- */

/* What the target's answers say about its body size limit. A 413 (or,
 * while the target never answered 413, a closed connection on a body of
 * QE_LIMIT_CLOSE_MIN bytes or more) refuses a size; any other answer
 * accepts it. Between the largest accepted and the smallest refused size
 * the explorer binary-searches (qe_limit_next), then generates up to the
 * largest accepted (qe_limit_cap). */
#define QE_LIMIT_CLOSE_MIN (64u * 1024u)
typedef struct qe_limit {
    size_t max;          /* the configured cap (--explore-max-body) */
    size_t accepted;     /* largest body size not refused (0: none) */
    size_t refused;      /* smallest size refused above `accepted`; SIZE_MAX: none */
    bool by_close;       /* refused by closing, never by a 413 */
    bool seen_413;
    unsigned probes;     /* search sends so far (the caller counts its own) */
    size_t odd_413;      /* 413s for bodies no larger than one accepted before */
    size_t odd_413_min;  /* the smallest such body */
} qe_limit;

void qe_limit_init(qe_limit *l, size_t max);
/* Bodies are generated up to this: max, or the largest accepted size once
 * a refusal is known. */
size_t qe_limit_cap(const qe_limit *l);
/* Learns from one answer to a body of `size` bytes. Returns true when that
 * answer is the target's limit speaking (a 413, or a close while the limit
 * is known to be enforced by closing): never a finding. */
bool qe_limit_note(qe_limit *l, size_t size, const qe_answer *a);
/* The next size the binary search wants sent, or 0 when it is done. */
size_t qe_limit_next(const qe_limit *l);
/* Fits r (tree form) to at most cap body bytes by shrinking its largest
 * generator; *len is the rendered size. false when it cannot (byte form,
 * nothing sized) or on ENOMEM (*oom). */
bool qe_fit(qe_req *r, size_t cap, size_t *len, bool *oom);
/* A body of exactly `size` bytes (or the nearest above the base): the valid
 * seed with a long ASCII string added. false on ENOMEM. */
bool qe_limit_body(const qe_req *base, size_t size, qe_req *out);
/* One sentence for the report: the learnt limit and the odd 413s. */
void qe_limit_describe(const qe_limit *l, char *out, size_t outsz);

/* ---- the run (explore.c) ----------------------------------------------- */

typedef struct qe_setup {
    const quo_spec *spec;
    const qc_config *cfg;
    const char *base_url;
    const qc_scrubber *scrub;
} qe_setup;

typedef struct qe_findings {
    qc_case_result *results; /* the deterministic results, then the explore ones */
    size_t count;
    qc_strlist *failures;    /* per explore result */
    char **reasons;
    qc_exchange *exchanges;
    size_t extra;            /* how many explore results */
    size_t confirmed;        /* findings that reproduced (failed MUST cases) */
    size_t requests;
    double seconds;
    uint64_t seed;
    qe_limit limit;          /* what the run learnt of the target's body limit */
} qe_findings;

void qe_findings_init(qe_findings *f);
void qe_findings_free(qe_findings *f);

/* Explores for cfg->explore_seconds, then appends one case per finding
 * (and one summary case) to `cases` and builds f->results = base results +
 * explore results (pointers into `cases` re-taken after the append).
 * Created task ids go to `created`. QUO_OK, QUO_ENOMEM or QUO_EIO. */
quo_status qe_explore(const qe_setup *s, qc_case_list *cases, const qc_case_result *base,
                      size_t base_count, qc_strlist *created, qe_findings *f, quo_error *err);

/* --replay FILE: re-sends one saved request and judges it. Prints the
 * verdict; returns 0 clean, 1 a finding, 2 on error. */
int qe_replay(const qe_setup *s, const qc_case_list *cases, const char *path);

#endif
