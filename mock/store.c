/* store.c - the task ring behind mock/store.h. Slots keep fixture indices
 * as 32-bit values so a million tasks take 20 MB, not 40. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "quo/contract.h"

#include "fixtures.h"
#include "idgen.h"
#include "store.h"

/* The ids of a success schema whose id member states no pattern. */
#define STORE_PATTERN_NONE "^[0-9a-f]+$"
#define STORE_SLOT_NONE UINT32_MAX

typedef struct task_slot {
    uint32_t phone, conv, act, user; /* fixture indices; STORE_SLOT_NONE = none */
    bool stored;                     /* false: an id shown by a forced 2xx */
} task_slot;

struct mock_store {
    pthread_mutex_t lock;
    task_slot *tasks;
    size_t cap, max;
    uint64_t seq;      /* ids handed out so far */
    size_t created;    /* of which real creations */
    char prefix[9];    /* process-unique part of trace ids */
    mock_idgen *ids;   /* task ids: the id member's pattern */
    uint64_t ncap;     /* values of ids */
    uint64_t offset;   /* where this process starts in them (random) */
};

static uint32_t make_prefix(char *out, size_t outsz)
{
    uint32_t r = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, &r, sizeof r) != (ssize_t)sizeof r)
            r = 0;
        close(fd);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* Mixed with time and pid so two processes differ even without urandom. */
    r ^= (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7) ^ ((uint32_t)getpid() << 16);
    snprintf(out, outsz, "%08x", (unsigned)r);
    return r;
}

/* The pattern of the success body's id member (e.g. "^TK(.*)$"). */
static const char *id_pattern(const quo_spec *spec)
{
    const quo_contract *k = quo_spec_contract(spec);
    const quo_json_doc *sd = quo_spec_doc(spec);
    const char *idm = quo_contract_success_id(k), *wrapper;
    const cJSON *obj = quo_contract_success_object(k, &wrapper);
    const cJSON *props = quo_json_member(sd, obj, "properties");
    const cJSON *m = idm ? quo_json_member(sd, props, idm) : NULL;
    const cJSON *p = m ? quo_json_member(sd, quo_contract_resolve(k, m), "pattern") : NULL;
    return cJSON_IsString(p) ? p->valuestring : STORE_PATTERN_NONE;
}

mock_store *mock_store_new(const quo_spec *spec, size_t max_tasks, const char **why)
{
    *why = NULL;
    mock_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    s->max = max_tasks ? max_tasks : 1;
    uint32_t r = make_prefix(s->prefix, sizeof s->prefix);
    /* As many ids as 64 bits count where the pattern allows, else all it
     * allows, as long as that outnumbers the tasks kept. */
    const char *pattern = id_pattern(spec);
    s->ids = mock_idgen_new(pattern, UINT64_MAX, why);
    if (!s->ids && *why && strcmp(*why, "out of memory") != 0)
        s->ids = mock_idgen_new(pattern, (uint64_t)s->max + 1, why);
    if (!s->ids) {
        if (*why && strcmp(*why, "out of memory") == 0)
            *why = NULL;
        mock_store_free(s);
        return NULL;
    }
    s->ncap = mock_idgen_capacity(s->ids);
    s->offset = (((uint64_t)r << 32) ^ ((uint64_t)r * 0x9E3779B97F4A7C15ull)) % s->ncap;
    return s;
}

void mock_store_free(mock_store *store)
{
    if (!store)
        return;
    free(store->tasks);
    mock_idgen_free(store->ids);
    pthread_mutex_destroy(&store->lock);
    free(store);
}

const char *mock_store_prefix(const mock_store *store)
{
    return store->prefix;
}

static uint32_t idx32(size_t i)
{
    return i == MOCK_FIX_NONE || i > UINT32_MAX ? STORE_SLOT_NONE : (uint32_t)i;
}

static size_t idx_size(uint32_t i)
{
    return i == STORE_SLOT_NONE ? MOCK_FIX_NONE : (size_t)i;
}

uint64_t mock_store_issue(mock_store *s, const mock_task_refs *refs, bool stored)
{
    task_slot t = {idx32(refs->phone), idx32(refs->conv), idx32(refs->act),
                   idx32(refs->user), stored};
    uint64_t seq = 0;
    pthread_mutex_lock(&s->lock);
    size_t at = (size_t)(s->seq % s->max);
    if (at >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        if (cap > s->max)
            cap = s->max;
        task_slot *p = realloc(s->tasks, cap * sizeof *p);
        if (p) {
            s->tasks = p;
            s->cap = cap;
        }
    }
    if (at < s->cap) {
        s->tasks[at] = t;
        seq = ++s->seq;
        if (stored)
            s->created++;
    }
    pthread_mutex_unlock(&s->lock);
    return seq;
}

/* (a + b) mod m for a, b < m, without overflow. */
static uint64_t add_mod(uint64_t a, uint64_t b, uint64_t m)
{
    return a >= m - b ? a - (m - b) : a + b;
}

void mock_store_task_id(const mock_store *s, uint64_t seq, char *out, size_t outsz)
{
    quo_buf b;
    quo_buf_init(&b);
    uint64_t n = add_mod(s->offset, seq % s->ncap, s->ncap);
    if (!mock_idgen_nth(s->ids, n, &b) || b.failed || b.len >= outsz) {
        if (outsz)
            out[0] = '\0';
    } else {
        memcpy(out, b.data, b.len + 1);
    }
    quo_buf_free(&b);
}

size_t mock_store_id_max(const mock_store *s)
{
    return mock_idgen_width(s->ids) + 1;
}

size_t mock_store_created(mock_store *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->created;
    pthread_mutex_unlock(&s->lock);
    return n;
}

bool mock_store_find(mock_store *s, const char *id, mock_task_refs *out)
{
    uint64_t n;
    if (!id || !mock_idgen_index(s->ids, id, strlen(id), &n))
        return false;
    uint64_t d = add_mod(n, s->ncap - s->offset == s->ncap ? 0 : s->ncap - s->offset, s->ncap);
    bool found = false;
    task_slot t;
    pthread_mutex_lock(&s->lock);
    /* d is the sequence number modulo cap: the newest one issued. */
    uint64_t seq = d <= s->seq ? d + (s->seq - d) / s->ncap * s->ncap : 0;
    uint64_t kept = s->seq < s->max ? s->seq : s->max;
    if (seq != 0 && seq <= s->seq && seq > s->seq - kept) {
        t = s->tasks[(seq - 1) % s->max];
        found = t.stored;
    }
    pthread_mutex_unlock(&s->lock);
    if (found && out)
        *out = (mock_task_refs){idx_size(t.phone), idx_size(t.conv), idx_size(t.act),
                                idx_size(t.user)};
    return found;
}
