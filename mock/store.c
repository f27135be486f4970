/* store.c - the task ring behind mock/store.h. Slots keep fixture indices
 * as 32-bit values so a million tasks take 20 MB, not 40. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "store.h"

#define STORE_TASK_PREFIX "TK"
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
    char prefix[9];    /* process-unique part of task ids */
};

static void make_prefix(char *out, size_t outsz)
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
}

mock_store *mock_store_new(size_t max_tasks)
{
    mock_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    s->max = max_tasks ? max_tasks : 1;
    make_prefix(s->prefix, sizeof s->prefix);
    return s;
}

void mock_store_free(mock_store *store)
{
    if (!store)
        return;
    free(store->tasks);
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

void mock_store_task_id(const mock_store *s, uint64_t seq, char *out, size_t outsz)
{
    snprintf(out, outsz, STORE_TASK_PREFIX "%s%012llx", s->prefix, (unsigned long long)seq);
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
    size_t tp = strlen(STORE_TASK_PREFIX), pp = strlen(s->prefix);
    if (!id || strlen(id) != tp + pp + 12 || strncmp(id, STORE_TASK_PREFIX, tp) != 0 ||
        strncmp(id + tp, s->prefix, pp) != 0)
        return false;
    char *end;
    unsigned long long seq = strtoull(id + tp + pp, &end, 16);
    if (*end || seq == 0)
        return false;
    bool found = false;
    task_slot t;
    pthread_mutex_lock(&s->lock);
    uint64_t kept = s->seq < s->max ? s->seq : s->max;
    if (seq <= s->seq && seq > s->seq - kept) {
        t = s->tasks[(seq - 1) % s->max];
        found = t.stored;
    }
    pthread_mutex_unlock(&s->lock);
    if (found && out)
        *out = (mock_task_refs){idx_size(t.phone), idx_size(t.conv), idx_size(t.act),
                                idx_size(t.user)};
    return found;
}
