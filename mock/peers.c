/* peers.c - connections without a judged request, by peer address. */
#include <string.h>

#include "peers.h"

mock_peer *mock_peers_get(mock_peers *t, const char *addr)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i].addr, addr) == 0)
            return &t->items[i];
    if (t->count == MOCK_PEERS_MAX)
        return NULL;
    mock_peer *p = &t->items[t->count++];
    memset(p, 0, sizeof *p);
    size_t n = strnlen(addr, sizeof p->addr - 1);
    memcpy(p->addr, addr, n);
    p->addr[n] = '\0';
    return p;
}

void mock_peer_client(mock_peer *p, uint32_t client)
{
    for (size_t i = 0; i < p->n_clients; i++)
        if (p->clients[i] == client)
            return;
    if (p->n_clients < MOCK_PEER_CLIENTS)
        p->clients[p->n_clients++] = client;
    else
        p->more_clients = true;
}

void mock_peer_event(mock_peer *p, const char *reason, int status, int64_t now_ms)
{
    p->events++;
    if (!p->first_ms)
        p->first_ms = now_ms;
    p->last_ms = now_ms;
    for (size_t i = 0; i < MOCK_PEER_REASONS; i++) {
        if (!p->reasons[i])
            p->reasons[i] = reason;
        if (strcmp(p->reasons[i], reason) == 0) {
            p->reason_count[i]++;
            break;
        }
    }
    for (size_t i = 0; status > 0 && i < MOCK_PEER_STATUSES; i++) {
        if (!p->statuses[i])
            p->statuses[i] = status;
        if (p->statuses[i] == status) {
            p->status_count[i]++;
            break;
        }
    }
}

long mock_peer_sole_client(const mock_peer *p)
{
    return p->n_clients == 1 && !p->more_clients ? (long)p->clients[0] : -1;
}

void mock_peers_clear(mock_peers *t)
{
    t->count = 0;
    t->other = 0;
}
