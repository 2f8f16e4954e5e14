/*
 * The daemon's event loop: one poll() over the listening socket, every
 * client socket and the event-channel device.  Each connection is served
 * without blocking, so a slow or stuck client only ever delays itself.
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xsd.h"

static void accept_clients(struct xsd *x, int listen_fd)
{
    int fd;

    while ((fd = accept4(listen_fd, NULL, NULL,
                         SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        if (!socket_conn_new(x, fd))
            close(fd);
    }
}

static void flush_all(struct xsd *x)
{
    struct conn *c;

    for (c = x->conns; c; c = c->next)
        if (c->out_head && !c->dead)
            conn_flush(c);
}

int xsd_run(struct xsd *x, int listen_fd, volatile int *stop)
{
    struct pollfd *pfd = NULL;
    struct conn **who = NULL;
    size_t cap = 0, n, i;
    sigset_t unblocked;
    struct conn *c;
    int evfd;

    sigemptyset(&unblocked);
    while (!*stop) {
        xsd_reap(x);
        n = 2;
        for (c = x->conns; c; c = c->next)
            n += c->fd >= 0;
        if (n > cap) {
            struct pollfd *p = realloc(pfd, n * sizeof(*p));
            struct conn **w = p ? realloc(who, n * sizeof(*w)) : NULL;

            if (p)
                pfd = p;
            if (!w) {
                free(pfd);
                free(who);
                return ENOMEM;
            }
            who = w;
            cap = n;
        }
        evfd = x->backend && x->backend->poll_fd
               ? x->backend->poll_fd(x->backend->arg) : -1;
        pfd[0] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
        pfd[1] = (struct pollfd){ .fd = evfd, .events = POLLIN };
        n = 2;
        for (c = x->conns; c; c = c->next) {
            if (c->fd < 0)
                continue;
            who[n] = c;
            pfd[n].fd = c->fd;
            pfd[n].events = (c->out_bytes < CONN_OUT_THROTTLE ? POLLIN : 0) |
                            (c->out_head ? POLLOUT : 0);
            pfd[n++].revents = 0;
        }
        /* Signals are let in only while we sleep: no lost wake-up. */
        if (ppoll(pfd, n, NULL, &unblocked) < 0)
            continue;
        if (pfd[0].revents & POLLIN)
            accept_clients(x, listen_fd);
        if (evfd >= 0 && (pfd[1].revents & POLLIN)) {
            x->backend->drain(x->backend->arg);
            domain_service_all(x);
        }
        for (i = 2; i < n; i++) {
            if (!pfd[i].revents)
                continue;
            if ((pfd[i].revents & (POLLERR | POLLNVAL)) ||
                ((pfd[i].revents & POLLHUP) && !(pfd[i].revents & POLLIN)))
                who[i]->dead = true;
            else
                conn_service(who[i]);
        }
        /* Requests above may have queued watch events for anyone. */
        flush_all(x);
    }
    free(pfd);
    free(who);
    return 0;
}
