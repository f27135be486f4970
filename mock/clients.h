/* mock/clients.h (internal to quo-mock) - who sent a request, and what the
 * certification knows about each client: counts, time span, coverage and
 * the distinct problems of its requests.
 *
 * A client is told apart by its Quo-Client header when present, else its
 * User-Agent, else a fingerprint of its API key ("key-" and 8 hex digits
 * of a 32-bit FNV-1a hash: enough to tell keys apart, too short to carry
 * one), else it is "anonymous". The key itself is never kept.
 *
 * Not thread-safe: the record (record.c) holds its lock around every call.
 * Ownership: the table owns its clients and their strings; free with
 * mock_clients_clear().
 */
#ifndef QUO_MOCK_CLIENTS_H
#define QUO_MOCK_CLIENTS_H

#include <stddef.h>
#include <stdint.h>

#include "quo-mock/mock.h"

#include "coverage.h"
#include "record.h"

/* Clients tracked one by one; later ones share the last entry. */
#define MOCK_CLIENTS_MAX 256
/* Distinct problems kept per client; more are counted. */
#define MOCK_PROBLEMS_MAX 64
#define MOCK_CLIENT_ID_MAX 128

typedef struct mock_problem {
    char *rule, *path, *message, *hint, *value; /* hint, value may be NULL */
    size_t count;
    int64_t first_ms, last_ms; /* wall clock, ms since the epoch */
    uint64_t first_request;    /* the record's request number */
} mock_problem;

typedef struct mock_client {
    char *id;
    const char *source; /* static: "Quo-Client", "User-Agent", "key", "none" */
    size_t requests, conforming, non_conforming, forced, not_judged;
    int64_t first_ms, last_ms;
    mock_cov_bits cov;
    mock_problem *problems;
    size_t n_problems, problems_cap, problems_dropped;
} mock_client;

typedef struct mock_clients {
    mock_client *items;
    size_t count, cap;
} mock_clients;

/* The client id of req into id (idsz >= 16) and where it came from. */
void mock_client_identify(const quo_mock_request *req, char *id, size_t idsz,
                          const char **source);
/* The client named id, created when new; NULL on ENOMEM. */
mock_client *mock_clients_get(mock_clients *t, const char *id, const char *source,
                              int64_t now_ms);
/* Counts one violation among the client's distinct problems: the same rule
 * at the same place with the same hint (or message) is one problem. */
void mock_client_problem(mock_client *c, const mock_finding *it, int64_t now_ms,
                         uint64_t request);
void mock_clients_clear(mock_clients *t);

#endif
