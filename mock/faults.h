/* mock/faults.h (internal to quo-mock) - faults the mock injects on its
 * own, for testing how a client copes: a plan read from --faults FILE, and
 * the real rate limit of --rate-limit N/s.
 *
 * A plan is a JSON file (docs/mock.md has an example):
 *   {"seed": 7, "faults": [
 *     {"requests": [3, 5], "prefer": "code=503"},
 *     {"every": 10, "prefer": "drop"},
 *     {"probability": 0.05, "prefer": "delay=300,extra-members"}]}
 * Each rule names requests by number (from 1, in arrival order), every Nth
 * request, or a probability (a deterministic draw from the seed and the
 * request number, so a run repeats). "prefer" is Prefer header text
 * (prefer.h). Rules are validated when the plan is loaded; the first rule
 * that matches a request applies.
 *
 * Thread-safe. Ownership: mock_faults_new() returns an object freed with
 * mock_faults_free(); texts returned are owned by it.
 */
#ifndef QUO_MOCK_FAULTS_H
#define QUO_MOCK_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "quo/error.h"
#include "quo-mock/mock.h"

typedef struct mock_faults mock_faults;

/* Loads opts->faults_path (when set) and sets up opts->rate_limit.
 * QUO_EUSAGE / QUO_EIO name the file and the problem. */
quo_status mock_faults_new(const quo_mock_options *opts, mock_faults **out, quo_error *err);
void mock_faults_free(mock_faults *m);

/* The Prefer text the plan applies to request number n, or NULL. */
const char *mock_faults_plan(mock_faults *m, uint64_t n);

/* Counts one request of the client `key` (any stable string; "" for
 * requests without a key); true when it is over the rate limit in the
 * current second, with *retry_after the seconds to wait. */
bool mock_faults_rate_limited(mock_faults *m, const char *key, unsigned *retry_after);

#endif
