/* mock/store.h (internal to quo-mock) - the tasks quo-mock has created.
 *
 * A ring of at most max_tasks tasks, each remembering which fixtures it
 * links (indices into mock_fixtures, or MOCK_FIX_NONE). Task ids are made
 * from the pattern of the success body's id member (mock/idgen.h; "TK" and
 * 16 hex digits for "^TK(.*)$"): value (offset + sequence number) of it,
 * the offset random per process, so ids are unique within a run (the
 * pattern must allow more ids than tasks are kept) and unlikely to repeat
 * across runs. Thread-safe: every call takes the store's lock.
 *
 * Ownership: mock_store_new() returns a store the caller releases with
 * mock_store_free(). Nothing it returns needs freeing.
 */
#ifndef QUO_MOCK_STORE_H
#define QUO_MOCK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quo/spec.h"

/* What a task links: fixture indices, MOCK_FIX_NONE where none. */
typedef struct mock_task_refs {
    size_t phone, conv, act, user;
} mock_task_refs;

typedef struct mock_store mock_store;

/* NULL when out of memory (*why NULL) or when the id member's pattern
 * cannot give max_tasks ids (*why says why, static text). */
mock_store *mock_store_new(const quo_spec *spec, size_t max_tasks, const char **why);
void mock_store_free(mock_store *store);

/* A process-unique tag (8 hex digits) for the core's trace ids. */
const char *mock_store_prefix(const mock_store *store);

/* Issues an id and keeps the task; `stored` false keeps a slot that
 * mock_store_find() will not report (an id shown by a forced 2xx).
 * Returns the id's sequence number (> 0), or 0 when out of memory. */
uint64_t mock_store_issue(mock_store *store, const mock_task_refs *refs, bool stored);

/* The id of sequence number seq, written to out ("" when out is smaller
 * than mock_store_id_max()). */
void mock_store_task_id(const mock_store *store, uint64_t seq, char *out, size_t outsz);
/* Bytes a task id needs, with its NUL. */
size_t mock_store_id_max(const mock_store *store);

/* Tasks really created (stored) so far. */
size_t mock_store_created(mock_store *store);

/* True when id names a stored task still in the ring; *out (if not NULL)
 * receives what it links. */
bool mock_store_find(mock_store *store, const char *id, mock_task_refs *out);

#endif
