/*
 * Local ports of xenbr0: dom0 processes (heron-dm's emulated NICs) join
 * the bridge through a unix stream socket (dom0's kernel, pvops-guest,
 * has no SOCK_SEQPACKET), one connection per port.  Each way the stream
 * is a sequence of Ethernet frames (header onwards, no CRC, 1 to
 * LOCAL_PORT_FRAME_MAX bytes), each preceded by its length in 2 bytes,
 * little-endian; any other length ends the connection.  Their bridge
 * port numbers are base + slot, above every vif's.  A frame the peer's
 * socket cannot take while part of an earlier one still waits is
 * dropped, as a busy wire would drop it.
 */
#ifndef HERON_LOCAL_PORT_H
#define HERON_LOCAL_PORT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"

#define LOCAL_PORT_SOCKET_DEFAULT "/run/heron/xenbr0.sock"
#define LOCAL_PORT_MAX       8
#define LOCAL_PORT_FRAME_MAX 1514
#define LOCAL_PORT_HDR       2
#define LOCAL_PORT_POLLFDS   (1 + LOCAL_PORT_MAX)

/* Where frames from a local port go among the vifs (out as bridge_forward says). */
typedef void local_port_deliver_fn(void *ctx, int out, int in, const uint8_t *frame,
                                   size_t len);

struct local_port {
    int fd;                         /* -1: free */
    uint8_t in[LOCAL_PORT_HDR + LOCAL_PORT_FRAME_MAX];
    size_t in_len;                  /* bytes of the next frame(s) read so far */
    uint8_t out[LOCAL_PORT_HDR + LOCAL_PORT_FRAME_MAX];
    size_t out_off, out_len;        /* the rest of a frame the socket did not take */
};

struct local_ports {
    int listen_fd;
    struct local_port port[LOCAL_PORT_MAX];
    int base;
    char path[108];
};

/* Listens on path (replacing a stale socket); 0 or a negative errno. */
int local_ports_open(struct local_ports *lp, const char *path, int base);
void local_ports_close(struct local_ports *lp);
/* Fills p (LOCAL_PORT_POLLFDS entries) for poll(); returns how many. */
unsigned int local_ports_pollfds(const struct local_ports *lp, struct pollfd *p);
/*
 * After poll(): accepts new ports, switches the frames waiting on them
 * through br (to other local ports directly, to vifs through deliver)
 * and drops closed ports (they leave br).
 */
void local_ports_serve(struct local_ports *lp, const struct pollfd *p, unsigned int n,
                       struct bridge *br, uint64_t now_ns, local_port_deliver_fn *deliver,
                       void *ctx);
/* A frame switched to out (a port or BRIDGE_FLOOD) from in: sent to the local ports meant. */
void local_ports_send(struct local_ports *lp, int out, int in, const uint8_t *frame,
                      size_t len);

#endif
