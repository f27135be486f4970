/* faults.c - the fault plan and the rate limit. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "quo/io.h"
#include "quo/json.h"

#include "faults.h"
#include "prefer.h"

#define PLAN_MAX_BYTES (1024u * 1024u)
#define PLAN_MAX_RULES 256
#define PLAN_MAX_NUMBERS 4096
#define RATE_SLOTS 1024

typedef struct plan_rule {
    uint64_t *numbers; /* sorted request numbers, or NULL */
    size_t n_numbers;
    uint64_t every;    /* 0 = not by period */
    double probability; /* < 0 = not by chance */
    char *prefer;
} plan_rule;

typedef struct rate_slot {
    time_t second;
    unsigned count;
} rate_slot;

struct mock_faults {
    plan_rule *rules;
    size_t n_rules;
    uint64_t seed;
    unsigned rate;
    pthread_mutex_t lock;
    rate_slot slots[RATE_SLOTS];
};

static uint64_t mix(uint64_t x)
{
    /* splitmix64: a good spread from consecutive inputs. */
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool positive_int(const cJSON *v, uint64_t *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 9.0e15 ||
        v->valuedouble != (double)(uint64_t)v->valuedouble)
        return false;
    *out = (uint64_t)v->valuedouble;
    return true;
}

/* The first member of obj whose name is none of names[] (compared by full
 * length, so "prefer\u0000x" is not "prefer"), or NULL. A misspelt key
 * would otherwise leave a rule silently meaning something else. */
static const cJSON *unknown_member(const quo_json_doc *doc, const cJSON *obj,
                                   const char *const *names, size_t n)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        size_t len = quo_json_keylen(doc, m);
        bool known = false;
        for (size_t k = 0; k < n && !known; k++)
            known = strlen(names[k]) == len && memcmp(m->string, names[k], len) == 0;
        if (!known)
            return m;
    }
    return NULL;
}

static const char *const rule_members[] = {"prefer", "requests", "every", "probability"};
static const char *const plan_members[] = {"faults", "seed"};

static quo_status rule_load(const char *path, size_t i, const quo_json_doc *doc,
                            const cJSON *r, plan_rule *out, quo_error *err)
{
    memset(out, 0, sizeof *out);
    out->probability = -1;
    if (!cJSON_IsObject(r))
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu] is not an object", path, i);
    if (unknown_member(doc, r, rule_members, sizeof rule_members / sizeof *rule_members))
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu] has an unknown member (known: "
                             "prefer, requests, every, probability)", path, i);
    const cJSON *pref = quo_json_member(doc, r, "prefer");
    /* A \u0000 inside the text would be cut off by every C string use of
     * it (the Prefer parser, the copy kept): refuse it instead. */
    if (!cJSON_IsString(pref) || !*pref->valuestring ||
        quo_json_strlen(doc, pref) != strlen(pref->valuestring))
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu] needs \"prefer\", a text "
                             "without \\u0000, e.g. \"code=503\" or \"drop\"", path, i);
    /* The text must mean something: a fault, or a status. */
    quo_mock_header h = {"Prefer", pref->valuestring};
    /* Only the header matters for parsing. */
    quo_mock_request req = {"POST", "", &h, 1, NULL, 0};
    mock_fault f;
    char bad[200] = "";
    int code = 0;
    int kf = mock_prefer_faults(&req, &f, bad, sizeof bad);
    int kc = kf < 0 ? 0 : mock_prefer_parse(&req, &code, bad, sizeof bad);
    if (kf < 0 || kc < 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu]: %s", path, i, bad);
    if (kf == 0 && kc == 0)
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu]: \"prefer\" names no fault "
                             "(code=, delay=, drop, reset, truncate, extra-members, chunked)",
                             path, i);
    const cJSON *nums = quo_json_member(doc, r, "requests");
    const cJSON *every = quo_json_member(doc, r, "every");
    const cJSON *prob = quo_json_member(doc, r, "probability");
    if ((nums != NULL) + (every != NULL) + (prob != NULL) != 1)
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu] needs exactly one of "
                             "\"requests\", \"every\", \"probability\"", path, i);
    if (every && !positive_int(every, &out->every))
        return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu].every is not a positive "
                             "integer", path, i);
    if (prob) {
        if (!cJSON_IsNumber(prob) || prob->valuedouble < 0 || prob->valuedouble > 1)
            return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu].probability is not a "
                                 "number from 0 to 1", path, i);
        out->probability = prob->valuedouble;
    }
    if (nums) {
        int n = cJSON_GetArraySize(nums);
        if (!cJSON_IsArray(nums) || n < 1 || n > PLAN_MAX_NUMBERS)
            return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu].requests is not an "
                                 "array of 1 to %d request numbers", path, i, PLAN_MAX_NUMBERS);
        if (!(out->numbers = malloc((size_t)n * sizeof *out->numbers)))
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
        const cJSON *v;
        cJSON_ArrayForEach(v, nums)
        {
            if (!positive_int(v, &out->numbers[out->n_numbers]))
                return quo_error_set(err, QUO_EUSAGE, 0, "%s: faults[%zu].requests[%zu] is not "
                                     "a request number (1, 2, ...)", path, i, out->n_numbers);
            out->n_numbers++;
        }
        qsort(out->numbers, out->n_numbers, sizeof *out->numbers, cmp_u64);
    }
    if (!(out->prefer = strdup(pref->valuestring)))
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    return QUO_OK;
}

static quo_status plan_load(mock_faults *m, const char *path, quo_error *err)
{
    char *text;
    size_t len;
    quo_status st = quo_io_read_file(path, PLAN_MAX_BYTES, &text, &len, err);
    if (st != QUO_OK)
        return st;
    quo_json_doc *doc = NULL;
    quo_error jerr = {0};
    st = quo_json_parse(text, len, 0, &doc, &jerr);
    free(text);
    if (st != QUO_OK)
        return quo_error_set(err, st == QUO_ENOMEM ? QUO_ENOMEM : QUO_EUSAGE, 0,
                             "%s: not valid JSON at byte %zu: %s", path, jerr.offset,
                             jerr.message);
    const cJSON *root = quo_json_root(doc);
    const cJSON *rules = quo_json_member(doc, root, "faults");
    const cJSON *seed = quo_json_member(doc, root, "seed");
    int n = cJSON_GetArraySize(rules);
    if (!cJSON_IsObject(root) || !cJSON_IsArray(rules) || n > PLAN_MAX_RULES)
        st = quo_error_set(err, QUO_EUSAGE, 0, "%s: a fault plan is an object with a \"faults\" "
                           "array of at most %d rules", path, PLAN_MAX_RULES);
    else if (unknown_member(doc, root, plan_members, sizeof plan_members / sizeof *plan_members))
        st = quo_error_set(err, QUO_EUSAGE, 0, "%s: the plan has an unknown member (known: "
                           "faults, seed)", path);
    else if (seed && !positive_int(seed, &m->seed) && !(cJSON_IsNumber(seed) && seed->valuedouble == 0))
        st = quo_error_set(err, QUO_EUSAGE, 0, "%s: \"seed\" is not a non-negative integer", path);
    if (st == QUO_OK && n > 0 && !(m->rules = calloc((size_t)n, sizeof *m->rules)))
        st = quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    const cJSON *r;
    size_t i = 0;
    if (st == QUO_OK) {
        cJSON_ArrayForEach(r, rules)
        {
            if (st != QUO_OK)
                break;
            st = rule_load(path, i, doc, r, &m->rules[i], err);
            m->n_rules = ++i;
        }
    }
    quo_json_free(doc);
    return st;
}

quo_status mock_faults_new(const quo_mock_options *opts, mock_faults **out, quo_error *err)
{
    *out = NULL;
    mock_faults *m = calloc(1, sizeof *m);
    if (!m)
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return quo_error_set(err, QUO_ENOMEM, 0, "cannot create a mutex");
    }
    m->rate = opts->rate_limit;
    quo_status st = opts->faults_path ? plan_load(m, opts->faults_path, err) : QUO_OK;
    if (st != QUO_OK) {
        mock_faults_free(m);
        return st;
    }
    *out = m;
    return QUO_OK;
}

void mock_faults_free(mock_faults *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_rules; i++) {
        free(m->rules[i].numbers);
        free(m->rules[i].prefer);
    }
    free(m->rules);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

const char *mock_faults_plan(mock_faults *m, uint64_t n)
{
    for (size_t i = 0; i < m->n_rules; i++) {
        const plan_rule *r = &m->rules[i];
        bool hit;
        if (r->numbers)
            hit = bsearch(&n, r->numbers, r->n_numbers, sizeof n, cmp_u64) != NULL;
        else if (r->every)
            hit = n % r->every == 0;
        else
            hit = (double)(mix(m->seed ^ mix(n * 131 + i)) >> 11) / 9007199254740992.0 <
                  r->probability;
        if (hit)
            return r->prefer;
    }
    return NULL;
}

bool mock_faults_rate_limited(mock_faults *m, const char *key, unsigned *retry_after)
{
    if (!m->rate)
        return false;
    uint64_t h = 1469598103934665603ull;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    time_t now = time(NULL);
    bool over = false;
    pthread_mutex_lock(&m->lock);
    /* One slot per hash bucket: two keys sharing a bucket share a budget,
     * which only makes the limit stricter, never looser. */
    rate_slot *s = &m->slots[h % RATE_SLOTS];
    if (s->second != now) {
        s->second = now;
        s->count = 0;
    }
    over = ++s->count > m->rate;
    pthread_mutex_unlock(&m->lock);
    *retry_after = 1;
    return over;
}
