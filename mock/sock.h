/* mock/sock.h (internal to quo-mock) - what the kernel knows about a
 * client's TCP socket, for accounting the connections that never made a
 * request: its peer address as text, how many bytes went each way, whether
 * the peer has closed, and what its first bytes look like (peeked, never
 * taken from the socket).
 *
 * Every call is non-blocking and thread-safe (no state of its own).
 */
#ifndef QUO_MOCK_SOCK_H
#define QUO_MOCK_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define MOCK_PEER_TEXT 64

/* The numeric address of a (IPv4 or IPv6, port left out) into out; "?"
 * when it is neither. */
void mock_sock_peer_text(const struct sockaddr *a, char *out, size_t outsz);

/* Bytes received from the peer and written towards it (sent or still
 * queued) so far. False when the kernel cannot say (not TCP). */
typedef struct mock_sock_bytes {
    uint64_t in, out;
} mock_sock_bytes;
bool mock_sock_bytes_now(int fd, mock_sock_bytes *out);

/* The first bytes a client sent, peeked. */
typedef enum mock_first {
    MOCK_FIRST_NOTHING, /* nothing arrived yet */
    MOCK_FIRST_EOF,     /* the peer closed (or reset) before sending a byte */
    MOCK_FIRST_TLS,     /* a TLS record (a ClientHello to a plain-HTTP port) */
    MOCK_FIRST_OTHER    /* anything else: HTTP's to judge */
} mock_first;
mock_first mock_sock_first(int fd);

/* True when the peer has closed its side and every byte it sent was read
 * (a peek finds end of file, or the connection was reset). */
bool mock_sock_peer_closed(int fd);

#endif
