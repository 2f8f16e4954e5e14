/*
 * xenbr0's local ports (local_port.h).  The sockets are used without
 * blocking (MSG_DONTWAIT; the listener only when poll says a peer
 * waits): a busy or vanished peer never stalls the bridge.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "local_port.h"

int local_ports_open(struct local_ports *lp, const char *path, int base)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char dir[sizeof(lp->path)], *slash;
    int err;

    for (unsigned int i = 0; i < LOCAL_PORT_MAX; i++)
        lp->port[i].fd = -1;
    lp->base = base;
    lp->listen_fd = -1;
    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(lp->path, path);
    strcpy(dir, path);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    strcpy(sa.sun_path, path);
    lp->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lp->listen_fd < 0)
        return -errno;
    unlink(path);
    if (bind(lp->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        listen(lp->listen_fd, LOCAL_PORT_MAX)) {
        err = errno;
        close(lp->listen_fd);
        lp->listen_fd = -1;
        return -err;
    }
    return 0;
}

void local_ports_close(struct local_ports *lp)
{
    for (unsigned int i = 0; i < LOCAL_PORT_MAX; i++)
        if (lp->port[i].fd >= 0) {
            close(lp->port[i].fd);
            lp->port[i].fd = -1;
        }
    if (lp->listen_fd >= 0) {
        close(lp->listen_fd);
        unlink(lp->path);
        lp->listen_fd = -1;
    }
}

unsigned int local_ports_pollfds(const struct local_ports *lp, struct pollfd *p)
{
    p[0] = (struct pollfd){ .fd = lp->listen_fd, .events = POLLIN };
    for (unsigned int i = 0; i < LOCAL_PORT_MAX; i++) {
        const struct local_port *c = &lp->port[i];

        p[1 + i] = (struct pollfd){ .fd = c->fd,
                                    .events = POLLIN | (c->out_len ? POLLOUT : 0) };
    }
    return LOCAL_PORT_POLLFDS;
}

static void accept_port(struct local_ports *lp)
{
    int fd = accept4(lp->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    unsigned int i = 0;

    if (fd < 0)
        return;
    while (i < LOCAL_PORT_MAX && lp->port[i].fd >= 0)
        i++;
    if (i == LOCAL_PORT_MAX) {
        close(fd);                  /* every port taken: the peer sees EOF */
        return;
    }
    lp->port[i] = (struct local_port){ .fd = fd };
}

/* Sends what is left of the pending frame; true once nothing is left. */
static bool flush_port(struct local_port *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n <= 0)
            return false;           /* full (or gone: the next read says so) */
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
    return true;
}

void local_ports_send(struct local_ports *lp, int out, int in, const uint8_t *frame,
                      size_t len)
{
    if (!len || len > LOCAL_PORT_FRAME_MAX)
        return;
    for (int i = 0; i < LOCAL_PORT_MAX; i++) {
        struct local_port *c = &lp->port[i];
        int port = lp->base + i;

        if (c->fd < 0 || port == in || (out != BRIDGE_FLOOD && out != port) ||
            !flush_port(c))
            continue;
        c->out[0] = (uint8_t)len;
        c->out[1] = (uint8_t)(len >> 8);
        memcpy(c->out + LOCAL_PORT_HDR, frame, len);
        c->out_len = LOCAL_PORT_HDR + len;
        flush_port(c);
    }
}

static void drop_port(struct local_ports *lp, struct bridge *br, int i)
{
    close(lp->port[i].fd);
    lp->port[i].fd = -1;
    bridge_forget_port(br, lp->base + i);
}

/* Switches the whole frames read from port i; false on a bad length. */
static bool switch_frames(struct local_ports *lp, int i, struct bridge *br, uint64_t now_ns,
                          local_port_deliver_fn *deliver, void *ctx)
{
    struct local_port *c = &lp->port[i];
    size_t used = 0;

    while (c->in_len - used >= LOCAL_PORT_HDR) {
        const uint8_t *f = c->in + used + LOCAL_PORT_HDR;
        size_t len = c->in[used] | (size_t)c->in[used + 1] << 8;
        int in = lp->base + i, out;

        if (!len || len > LOCAL_PORT_FRAME_MAX)
            return false;
        if (c->in_len - used < LOCAL_PORT_HDR + len)
            break;
        used += LOCAL_PORT_HDR + len;
        out = bridge_forward(br, f, len, in, now_ns);
        if (out == BRIDGE_DROP)
            continue;
        local_ports_send(lp, out, in, f, len);
        deliver(ctx, out, in, f, len);
    }
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    return true;
}

void local_ports_serve(struct local_ports *lp, const struct pollfd *p, unsigned int n,
                       struct bridge *br, uint64_t now_ns, local_port_deliver_fn *deliver,
                       void *ctx)
{
    if (n < LOCAL_PORT_POLLFDS)
        return;
    for (int i = 0; i < LOCAL_PORT_MAX; i++) {
        struct local_port *c = &lp->port[i];
        ssize_t len;

        if (c->fd < 0 || p[1 + i].fd != c->fd || !p[1 + i].revents)
            continue;
        if (c->out_len)
            flush_port(c);
        /* Until the socket is drained or gone. */
        while ((len = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
                           MSG_DONTWAIT)) > 0) {
            c->in_len += (size_t)len;
            if (!switch_frames(lp, i, br, now_ns, deliver, ctx))
                break;
        }
        if (len >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            drop_port(lp, br, i);
    }
    if (p[0].revents)
        accept_port(lp);
}
