/*
 * heron-consoled: dom0's console backend (xenconsoled-like).  For every
 * domU in xenstore with console/port it maps grant reference 0
 * (GNTTAB_RESERVED_CONSOLE, seeded by the builder) with /dev/xen/gntdev,
 * binds the console event channel with /dev/xen/evtchn, appends the
 * guest's output to /var/log/heron/console-DOMID.log and relays it to
 * `heron console` clients on a UNIX socket (console_proto.h), whose
 * input goes to the guest.  $HERON_CONSOLE_LOG_DIR overrides the log
 * directory.  @introduceDomain / @releaseDomain watches
 * (and a once-a-second rescan) find domains coming and going.
 *
 * HVM domains have no console ring: their COM1 is emulated by heron-dm,
 * which connects as the domain's console *source* ("source DOMID\n"):
 * what it sends is the domain's output (logged and relayed the same
 * way), clients' input goes to it.  Such a domain is served while the
 * source is connected and its xenstore home exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/grant_table.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "console_proto.h"
#include "ring.h"
#include "xs.h"

#define MAX_DOMAINS 64
#define MAX_CLIENTS 16

struct client {
    int fd;
    domid_t domid;
};

struct cdom {
    bool used, seen;
    domid_t domid;
    int src_fd;             /* a device model's connection, or -1 (a ring) */
    struct xencons_interface *intf;
    uint64_t gnt_index;
    uint32_t port;          /* our local port */
    int log_fd;
};

static struct cdom doms[MAX_DOMAINS];
static struct client clients[MAX_CLIENTS];
static int evtchn_fd = -1, gntdev_fd = -1;
static bool xs_up = true;      /* false once xenstored went away */
static const char *log_dir;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void kick(uint32_t port)
{
    struct ioctl_evtchn_notify n = { .port = port };

    ioctl(evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static void detach(struct cdom *d)
{
    struct ioctl_gntdev_unmap_grant_ref unmap = { .index = d->gnt_index, .count = 1 };
    struct ioctl_evtchn_unbind unbind = { .port = d->port };

    if (d->src_fd >= 0) {
        close(d->src_fd);
    } else {
        ioctl(evtchn_fd, IOCTL_EVTCHN_UNBIND, &unbind);
        munmap(d->intf, 4096);
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
    }
    close(d->log_fd);
    for (unsigned int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd >= 0 && clients[i].domid == d->domid) {
            close(clients[i].fd);
            clients[i].fd = -1;
        }
    fprintf(stderr, "heron-consoled: domain %u gone\n", d->domid);
    memset(d, 0, sizeof(*d));
}

static int attach(struct hxs *xs, domid_t domid)
{
    struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
    struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = domid };
    struct cdom *d = NULL;
    char path[256], *val;
    void *page;
    int port;

    for (unsigned int i = 0; i < MAX_DOMAINS && !d; i++)
        if (!doms[i].used)
            d = &doms[i];
    snprintf(path, sizeof(path), "/local/domain/%u/console/port", domid);
    if (!d || hxs_read(xs, 0, path, &val, NULL))
        return -1;
    bind.remote_port = strtoul(val, NULL, 10);
    free(val);
    map.refs[0].domid = domid;
    map.refs[0].ref = GNTTAB_RESERVED_CONSOLE;
    if (ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map))
        return -1;
    unmap.index = map.index;
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev_fd, map.index);
    if (page == MAP_FAILED) {
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
        return -1;
    }
    port = ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (port < 0) {
        munmap(page, 4096);
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/console-%u.log", log_dir, domid);
    *d = (struct cdom){ .used = true, .seen = true, .domid = domid, .src_fd = -1,
                        .intf = page,
                        .gnt_index = map.index, .port = (uint32_t)port,
                        .log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                                       0644) };
    fprintf(stderr, "heron-consoled: serving domain %u (log %s)\n", domid, path);
    kick(d->port);
    return 0;
}

/* Attaches new domains, detaches those whose xenstore home is gone. */
static void rescan(struct hxs *xs)
{
    char **ids;
    unsigned int n;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        doms[i].seen = false;
    if (!hxs_directory(xs, 0, "/local/domain", &ids, &n)) {
        for (unsigned int k = 0; k < n; k++) {
            char *end;
            unsigned long id = strtoul(ids[k], &end, 10);
            bool have = false;

            if (*end || id == 0 || id >= DOMID_FIRST_RESERVED)
                continue;
            for (unsigned int i = 0; i < MAX_DOMAINS; i++)
                if (doms[i].used && doms[i].domid == id)
                    have = doms[i].seen = true;
            if (!have)
                attach(xs, (domid_t)id);
        }
        free(ids);
    }
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (doms[i].used && !doms[i].seen)
            detach(&doms[i]);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Output to the log and the attached clients. */
static void relay(struct cdom *d, const char *buf, size_t n)
{
    if (d->log_fd >= 0)
        write_all(d->log_fd, buf, n);
    for (unsigned int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd >= 0 && clients[i].domid == d->domid)
            write_all(clients[i].fd, buf, n);
}

static void drain(struct cdom *d)
{
    char buf[XENCONS_OUT_SIZE];
    size_t n = cons_ring_take_output(d->intf, buf, sizeof(buf));

    if (!n)
        return;
    kick(d->port);
    relay(d, buf, n);
}

/* A device model's output; its closing ends the domain's console. */
static void source_output(struct cdom *d)
{
    char buf[4096];
    ssize_t n = read(d->src_fd, buf, sizeof(buf));

    if (n <= 0)
        detach(d);
    else
        relay(d, buf, (size_t)n);
}

static struct cdom *served(domid_t domid)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (doms[i].used && doms[i].domid == domid)
            return &doms[i];
    return NULL;
}

/* "source DOMID": fd becomes the console of domid, whose home must exist. */
static const char *add_source(struct hxs *xs, int fd, unsigned long id)
{
    struct cdom *d = NULL;
    char path[64], *val;

    if (id == 0 || id >= DOMID_FIRST_RESERVED)
        return "error bad domain id\n";
    if (served((domid_t)id))
        return "error domain already has a console\n";
    snprintf(path, sizeof(path), "/local/domain/%lu/name", id);
    if (hxs_read(xs, 0, path, &val, NULL))
        return "error no such domain in xenstore\n";
    free(val);
    for (unsigned int i = 0; i < MAX_DOMAINS && !d; i++)
        if (!doms[i].used)
            d = &doms[i];
    if (!d)
        return "error too many domains\n";
    snprintf(path, sizeof(path), "%s/console-%lu.log", log_dir, id);
    *d = (struct cdom){ .used = true, .seen = true, .domid = (domid_t)id, .src_fd = fd,
                        .log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                                       0644) };
    fprintf(stderr, "heron-consoled: serving domain %lu from its device model (log %s)\n",
            id, path);
    return NULL;
}

/* A new client: "attach DOMID\n", or a device model's "source DOMID\n"
 * (two seconds to send it). */
static void accept_client(struct hxs *xs, int lfd)
{
    struct timeval tv = { .tv_sec = 2 };
    char line[64];
    size_t n = 0;
    unsigned long id;
    char *end;
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    unsigned int slot;

    if (fd < 0)
        return;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (n + 1 < sizeof(line) && read(fd, line + n, 1) == 1 && line[n] != '\n')
        n++;
    line[n] = '\0';
    if (!strncmp(line, "source ", 7) && (id = strtoul(line + 7, &end, 10), !*end)) {
        const char *why = add_source(xs, fd, id);

        dprintf(fd, "%s", why ? why : "ok\n");
        if (why)
            close(fd);
        return;
    }
    for (slot = 0; slot < MAX_CLIENTS && clients[slot].fd >= 0; slot++)
        ;
    if (strncmp(line, "attach ", 7) || (id = strtoul(line + 7, &end, 10), *end)) {
        dprintf(fd, "error bad request\n");
    } else if (!served((domid_t)id)) {
        dprintf(fd, "error domain %lu has no console served here\n", id);
    } else if (slot == MAX_CLIENTS) {
        dprintf(fd, "error too many clients\n");
    } else {
        dprintf(fd, "ok\n");
        clients[slot] = (struct client){ .fd = fd, .domid = (domid_t)id };
        return;
    }
    close(fd);
}

static void client_input(struct client *c)
{
    char buf[XENCONS_IN_SIZE];
    struct cdom *d = served(c->domid);
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n <= 0 || !d) {
        close(c->fd);
        c->fd = -1;
        return;
    }
    /* Input beyond what the ring holds now is dropped, as on a real UART. */
    if (d->src_fd >= 0)
        write_all(d->src_fd, buf, (size_t)n);
    else if (cons_ring_give_input(d->intf, buf, (size_t)n))
        kick(d->port);
}

static int listen_on(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
        return -1;
    strcpy(sa.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
        close(fd);
        return -1;
    }
    chmod(path, 0600);
    return fd;
}

int main(int argc, char *argv[])
{
    const char *sock = getenv("HERON_CONSOLE_SOCKET");
    struct hxs *xs;
    int lfd;

    if (argc > 1) {
        fprintf(stderr, "%s takes no arguments (socket: $HERON_CONSOLE_SOCKET or "
                CONSOLE_SOCKET_DEFAULT ")\n", argv[0]);
        return 2;
    }
    if (!sock || !*sock)
        sock = CONSOLE_SOCKET_DEFAULT;
    log_dir = getenv("HERON_CONSOLE_LOG_DIR");
    if (!log_dir || !*log_dir)
        log_dir = CONSOLE_LOG_DIR;
    for (unsigned int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (evtchn_fd < 0 || gntdev_fd < 0) {
        fprintf(stderr, "heron-consoled: cannot open /dev/xen/evtchn or /dev/xen/gntdev: "
                "%s (it runs in dom0)\n", strerror(errno));
        return 1;
    }
    xs = hxs_open(NULL);
    if (!xs) {
        fprintf(stderr, "heron-consoled: cannot reach xenstored: %s\n", strerror(errno));
        return 1;
    }
    mkdir(log_dir, 0755);
    if (!strcmp(sock, CONSOLE_SOCKET_DEFAULT))
        mkdir("/run/heron", 0755);
    lfd = listen_on(sock);
    if (lfd < 0) {
        fprintf(stderr, "heron-consoled: cannot listen on %s: %s\n", sock, strerror(errno));
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    hxs_watch(xs, "@introduceDomain", "intro");
    hxs_watch(xs, "@releaseDomain", "release");
    rescan(xs);
    while (!stop) {
        struct pollfd p[3 + MAX_CLIENTS + MAX_DOMAINS];
        unsigned int np = 3;
        char *path, *token;
        uint32_t ports[64];
        ssize_t n;
        int rc, err = ETIMEDOUT;
        bool xs_events;

        p[0] = (struct pollfd){ .fd = evtchn_fd, .events = POLLIN };
        /* A dead xenstored's socket is always readable: not polled. */
        p[1] = (struct pollfd){ .fd = xs_up ? hxs_fileno(xs) : -1, .events = POLLIN };
        p[2] = (struct pollfd){ .fd = lfd, .events = POLLIN };
        for (unsigned int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd >= 0)
                p[np++] = (struct pollfd){ .fd = clients[i].fd, .events = POLLIN };
        for (unsigned int i = 0; i < MAX_DOMAINS; i++)
            if (doms[i].used && doms[i].src_fd >= 0)
                p[np++] = (struct pollfd){ .fd = doms[i].src_fd, .events = POLLIN };
        /* Watch events libheronxs already read (while it waited for a
         * reply) do not wake poll(): do not sleep on them. */
        rc = poll(p, np, xs_up && hxs_events_queued(xs) ? 0 : 1000);
        if (rc < 0 && errno != EINTR)
            break;
        xs_events = xs_up && ((rc > 0 && p[1].revents) || hxs_events_queued(xs));
        /* Fired ports are read, then written back to unmask them. */
        while ((n = read(evtchn_fd, ports, sizeof(ports))) > 0)
            if (write(evtchn_fd, ports, (size_t)n) != n)
                break;
        if (xs_events) {
            while (!(err = hxs_read_watch(xs, &path, &token, 0))) {
                free(path);
                free(token);
            }
        }
        /*
         * Without xenstored no domain can be told apart from a gone one:
         * the consoles attached stay served, nothing new is noticed (as
         * the backends do).
         */
        if (xs_up && err != ETIMEDOUT) {
            xs_up = false;
            fprintf(stderr, "heron-consoled: xenstored went away (%s): serving the consoles "
                    "attached, noticing nothing new\n", strerror(err));
        }
        if (xs_up && (rc == 0 || xs_events))
            rescan(xs);
        for (unsigned int i = 0; i < MAX_DOMAINS; i++)
            if (doms[i].used && doms[i].src_fd < 0)
                drain(&doms[i]);
        for (unsigned int k = 3; k < np; k++) {
            if (!p[k].revents)
                continue;
            for (unsigned int i = 0; i < MAX_CLIENTS; i++)
                if (clients[i].fd == p[k].fd)
                    client_input(&clients[i]);
            for (unsigned int i = 0; i < MAX_DOMAINS; i++)
                if (doms[i].used && doms[i].src_fd == p[k].fd)
                    source_output(&doms[i]);
        }
        if (p[2].revents)
            accept_client(xs, lfd);
    }
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (doms[i].used)
            detach(&doms[i]);
    unlink(sock);
    hxs_close(xs);
    return 0;
}
