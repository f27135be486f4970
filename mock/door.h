/* mock/door.h (internal to quo-mock) - the mock's own accept loop, in
 * front of libmicrohttpd.
 *
 * libmicrohttpd 0.9.75 closes a connection whose bytes are not HTTP
 * without a word, and a TLS ClientHello sent to a plain port is not HTTP
 * in a way it cannot tell (its bytes may even parse as a request line).
 * So the door accepts every connection itself, peeks at its first bytes
 * (MSG_PEEK: nothing is taken from the socket) and
 *   - a TLS record: turned away, reason "tls-to-plain-port";
 *   - end of file before a byte: turned away, "closed-before-request";
 *   - anything else: handed to libmicrohttpd (MHD_add_connection), which
 *     applies the accept policy and serves it.
 * A connection whose first bytes have not arrived waits at most hold_ms in
 * the door's epoll set (one thread, never blocking), then is handed over
 * as it is; the door holds at most DOOR_PENDING_MAX of them.
 *
 * Thread-safe. Ownership: the door owns the sockets it holds; a handed
 * socket belongs to the hand callback; mock_door_stop() turns away what
 * it still holds ("refused-while-stopping") and frees the door. The
 * listening socket stays the caller's.
 */
#ifndef QUO_MOCK_DOOR_H
#define QUO_MOCK_DOOR_H

#include <stdbool.h>
#include <sys/socket.h>

#define DOOR_PENDING_MAX 1024

typedef struct mock_door mock_door;

/* Takes fd (closes it in every case). */
typedef void (*door_hand_fn)(void *ctx, int fd, const struct sockaddr *addr, socklen_t len);
/* A connection the door closed itself; peer is its address as text. */
typedef void (*door_turned_fn)(void *ctx, const char *reason, const char *peer);

/* NULL when the thread or its epoll set cannot be made. */
mock_door *mock_door_start(int listen_fd, unsigned hold_ms, door_hand_fn hand,
                           door_turned_fn turned, void *ctx);
void mock_door_stop(mock_door *d);

#endif
