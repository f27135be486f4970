/* mock/judge.h (internal to quo-mock) - a thread that judges large bodies
 * away from the event loop.
 *
 * Validating a 1 MiB body of 70,000 unknown members takes ~150 ms of CPU.
 * Done on a libmicrohttpd worker, it holds up every other connection of
 * that worker; 100 such bodies arriving together kept a well-behaved
 * client waiting up to seconds (bench/mock/availability.py,
 * amplification). So the server suspends a connection with a large body,
 * submits it here, and the job resumes it when the answer is ready; small
 * bodies are still judged inline, so they never queue behind large ones.
 * One thread: large bodies are judged one at a time, and the workers keep
 * the other CPU.
 *
 * Thread-safe. Ownership: a job's argument stays the caller's; the queue's
 * cells are the judge's. mock_judge_stop() runs every job still queued,
 * then frees the judge.
 */
#ifndef QUO_MOCK_JUDGE_H
#define QUO_MOCK_JUDGE_H

#include <stdbool.h>

typedef struct mock_judge mock_judge;
typedef void (*judge_job_fn)(void *arg);

/* NULL when the thread cannot be started. */
mock_judge *mock_judge_start(void);
/* Queues fn(arg); false (nothing queued) when memory runs out. */
bool mock_judge_submit(mock_judge *j, judge_job_fn fn, void *arg);
void mock_judge_stop(mock_judge *j);

#endif
