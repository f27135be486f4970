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
#include "quo/json.h"
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

/* What one request exercised, in two parts so the body is parsed once
 * (by the core, which validates it):
 *   the shapes and members the parsed body carries at its top level
 *   (nothing when its root is not an object), ORed into out;
 *   its answer's status when the spec documents it, ORed into out. */
void mock_coverage_observe_body(const mock_coverage *m, const quo_json_doc *doc,
                                mock_cov_bits *out);
void mock_coverage_observe_status(const mock_coverage *m, int status, mock_cov_bits *out);

#endif
