/* judge.c - large bodies judged on a thread of their own (judge.h). */
#include <pthread.h>
#include <stdlib.h>

#include "judge.h"

typedef struct job {
    struct job *next;
    judge_job_fn fn;
    void *arg;
} job;

struct mock_judge {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    job *head, *tail;
    bool stop;
};

static void *run(void *arg)
{
    mock_judge *j = arg;
    pthread_mutex_lock(&j->lock);
    for (;;) {
        while (!j->head && !j->stop)
            pthread_cond_wait(&j->wake, &j->lock);
        job *it = j->head;
        if (!it)
            break; /* stopping, and nothing left */
        j->head = it->next;
        if (!j->head)
            j->tail = NULL;
        pthread_mutex_unlock(&j->lock);
        it->fn(it->arg);
        free(it);
        pthread_mutex_lock(&j->lock);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

mock_judge *mock_judge_start(void)
{
    mock_judge *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    if (pthread_mutex_init(&j->lock, NULL) != 0) {
        free(j);
        return NULL;
    }
    if (pthread_cond_init(&j->wake, NULL) != 0) {
        pthread_mutex_destroy(&j->lock);
        free(j);
        return NULL;
    }
    if (pthread_create(&j->thread, NULL, run, j) != 0) {
        pthread_cond_destroy(&j->wake);
        pthread_mutex_destroy(&j->lock);
        free(j);
        return NULL;
    }
    return j;
}

bool mock_judge_submit(mock_judge *j, judge_job_fn fn, void *arg)
{
    job *it = malloc(sizeof *it);
    if (!it)
        return false;
    *it = (job){NULL, fn, arg};
    pthread_mutex_lock(&j->lock);
    if (j->tail)
        j->tail->next = it;
    else
        j->head = it;
    j->tail = it;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    return true;
}

void mock_judge_stop(mock_judge *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stop = true;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL);
    pthread_cond_destroy(&j->wake);
    pthread_mutex_destroy(&j->lock);
    free(j);
}
