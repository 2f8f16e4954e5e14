/*
 * The UNIX-socket transport.  Like Xen's, every socket client is the
 * control domain: the socket's file mode is the access control.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "xsd.h"

static ssize_t sock_read(struct conn *c, void *buf, size_t len)
{
    ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);

    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -XENSTORE_ERROR_COMM;        /* closed or broken */
}

static ssize_t sock_write(struct conn *c, const void *buf, size_t len)
{
    ssize_t n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    return -XENSTORE_ERROR_COMM;
}

static bool sock_always(struct conn *c)
{
    (void)c;
    return true;
}

static void sock_release(struct conn *c)
{
    close(c->fd);
}

static const struct conn_ops socket_ops = {
    .read = sock_read,
    .write = sock_write,
    .can_read = sock_always,
    .can_write = sock_always,
    .release = sock_release,
};

struct conn *socket_conn_new(struct xsd *x, int fd)
{
    return conn_new(x, &socket_ops, NULL, fd, 0, true);
}
