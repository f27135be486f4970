/* mock/coverage.h (internal to quo-mock) - what a client can exercise, as
 * the spec defines it, and which of it one request did.
 *
 * Three kinds of item, all read from the spec through quo_spec_* at start
 * (never from member names typed in the mock):
 *   shape   each way the request body links a task (the spec's links,
 *           quo_spec_link_name): "shape:phoneNumberId", ...
 *   member  each optional member of the request schema (a property some
 *           branch lists but does not require, and not a link):
 *           "member:dueDate", ...
 *   status  each status the spec documents for the operation: "status:201"
 * A request exercises a shape or member when its body carries it at the
 * top level, and a status when the mock answered with it.
 *
 * Ownership: mock_coverage_new() returns a model freed with
 * mock_coverage_free(); it borrows nothing from the spec after it returns.
 * The model is immutable: share it between threads.
 */
#ifndef QUO_MOCK_COVERAGE_H
#define QUO_MOCK_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "quo/error.h"
#include "quo/spec.h"

/* At most this many items of one kind are tracked (a bit each). */
#define MOCK_COV_MAX 32

typedef enum mock_cov_kind { MOCK_COV_SHAPE = 0, MOCK_COV_MEMBER, MOCK_COV_STATUS,
                             MOCK_COV_KINDS } mock_cov_kind;

typedef struct mock_cov_bits {
    uint32_t bits[MOCK_COV_KINDS];
} mock_cov_bits;

typedef struct mock_coverage mock_coverage;

quo_status mock_coverage_new(const quo_spec *spec, mock_coverage **out, quo_error *err);
void mock_coverage_free(mock_coverage *m);

size_t mock_coverage_count(const mock_coverage *m, mock_cov_kind kind);
/* The item's name without its kind ("phoneNumberId", "dueDate", "201"). */
const char *mock_coverage_name(const mock_coverage *m, mock_cov_kind kind, size_t i);
/* "shape", "member" or "status". */
const char *mock_coverage_kind_name(mock_cov_kind kind);
/* Finds "kind:name" (e.g. "status:404"); 0 with *kind and *i set, -1 when
 * the spec defines no such item. */
int mock_coverage_find(const mock_coverage *m, const char *item, size_t len,
                       mock_cov_kind *kind, size_t *i);

/* What one request exercised: the shapes and members of body[0..len)
 * (nothing when it is not a JSON object) and `status` when documented. */
void mock_coverage_observe(const mock_coverage *m, const char *body, size_t len,
                           int status, mock_cov_bits *out);

#endif
