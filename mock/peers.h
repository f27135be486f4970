/* mock/peers.h (internal to quo-mock) - the connections that never made a
 * request the mock could judge (no request line, TLS to a plain port,
 * closed before a request, answered by libmicrohttpd itself), by the peer
 * address they came from, and the clients seen from each address.
 *
 * Such a connection names no client: the peer address is all there is.
 * The report attributes an address's connections to a client only when
 * exactly one client was seen from that address in the run; otherwise to
 * "unidentified peer ADDRESS" (on loopback every client shares 127.0.0.1).
 *
 * Not thread-safe: the record (record.c) holds its lock around every call.
 * Ownership: a fixed table inside the caller's struct; nothing to free.
 */
#ifndef QUO_MOCK_PEERS_H
#define QUO_MOCK_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

/* Addresses tracked one by one; later ones are counted in `other`. */
#define MOCK_PEERS_MAX 64
#define MOCK_PEER_CLIENTS 4
#define MOCK_PEER_REASONS 12
#define MOCK_PEER_STATUSES 8

typedef struct mock_peer {
    char addr[MOCK_PEER_TEXT];
    uint32_t clients[MOCK_PEER_CLIENTS]; /* indices into the record's clients */
    size_t n_clients;
    bool more_clients;
    const char *reasons[MOCK_PEER_REASONS]; /* static strings */
    size_t reason_count[MOCK_PEER_REASONS];
    int statuses[MOCK_PEER_STATUSES];       /* libmicrohttpd's answers */
    size_t status_count[MOCK_PEER_STATUSES];
    size_t events;
    int64_t first_ms, last_ms;              /* of the events */
} mock_peer;

typedef struct mock_peers {
    mock_peer items[MOCK_PEERS_MAX];
    size_t count;
    size_t other; /* events from addresses past the table */
} mock_peers;

/* The entry of addr, made when new; NULL when the table is full. */
mock_peer *mock_peers_get(mock_peers *t, const char *addr);
/* Client index `client` was seen from p. */
void mock_peer_client(mock_peer *p, uint32_t client);
/* One connection of p that made no judged request; status: the answer
 * libmicrohttpd sent (0: none or not known). */
void mock_peer_event(mock_peer *p, const char *reason, int status, int64_t now_ms);
/* The one client p is attributed to, or -1 (none, or several). */
long mock_peer_sole_client(const mock_peer *p);
void mock_peers_clear(mock_peers *t);

#endif
