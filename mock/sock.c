/* sock.c - what the kernel knows about a client's socket (sock.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include <linux/sockios.h>
#include <linux/tcp.h>

#include "sock.h"

void mock_sock_peer_text(const struct sockaddr *a, char *out, size_t outsz)
{
    const void *bytes = NULL;
    int family = a ? a->sa_family : AF_UNSPEC;
    if (family == AF_INET)
        bytes = &((const struct sockaddr_in *)(const void *)a)->sin_addr;
    else if (family == AF_INET6)
        bytes = &((const struct sockaddr_in6 *)(const void *)a)->sin6_addr;
    if (!bytes || outsz < 2 || !inet_ntop(family, bytes, out, (socklen_t)outsz))
        snprintf(out, outsz, "?");
}

bool mock_sock_bytes_now(int fd, mock_sock_bytes *out)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    out->in = out->out = 0;
    if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return false;
    out->in = ti.tcpi_bytes_received;
    /* Written = sent once (retransmissions left out) + not sent yet: one
     * number that only grows, whatever the peer has acknowledged. It is
     * taken after every answer, so one system call, not two: a kernel
     * older than 4.19 lacks these fields and gets the acknowledged count
     * plus the send queue instead. */
    if (len >= offsetof(struct tcp_info, tcpi_bytes_retrans) + sizeof ti.tcpi_bytes_retrans) {
        out->out = ti.tcpi_bytes_sent - ti.tcpi_bytes_retrans + ti.tcpi_notsent_bytes;
        return true;
    }
    int queued = 0;
    if (ioctl(fd, SIOCOUTQ, &queued) != 0)
        queued = 0;
    out->out = ti.tcpi_bytes_acked + (uint64_t)(queued > 0 ? queued : 0);
    return true;
}

mock_first mock_sock_first(int fd)
{
    unsigned char b[3];
    ssize_t n = recv(fd, b, sizeof b, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0)
        return MOCK_FIRST_EOF;
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? MOCK_FIRST_NOTHING
                                                                        : MOCK_FIRST_EOF;
    /* A TLS record: content type 22 (handshake), then major version 3.
     * No HTTP method starts with byte 0x16. */
    if (b[0] == 0x16 && (n < 2 || b[1] == 0x03))
        return MOCK_FIRST_TLS;
    return MOCK_FIRST_OTHER;
}

bool mock_sock_peer_closed(int fd)
{
    char b;
    ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}
