/*
 * The device table, the rescan of BACKEND_DIR, each device's XenbusState
 * handshake and the event loop of a backend daemon (backend.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <public/xen.h>
#include <xen/evtchn.h>

#include "backend.h"
#include "pidfile.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/*
 * Our state, with the daemon's details when going to InitWait, written
 * only while the device's directory is there (Linux's
 * xenbus_switch_state checks the same way, in a transaction).
 */
static int publish(struct backend *be, struct backend_dev *d, XenbusState s, bool details)
{
    char *cur;
    uint32_t tx;
    int rc;

    do {
        rc = hxs_transaction_start(be->xs, &tx);
        if (rc)
            return rc;
        rc = hxs_read(be->xs, tx, d->path, &cur, NULL);
        if (rc) {
            hxs_transaction_end(be->xs, tx, false);
            return rc == ENOENT ? 0 : rc;
        }
        free(cur);
        if ((details && be->ops->details(be, d, tx)) ||
            backend_put_num(be, tx, d->path, "state", (unsigned long long)s)) {
            hxs_transaction_end(be->xs, tx, false);
            return -1;
        }
        rc = hxs_transaction_end(be->xs, tx, true);
    } while (rc == EAGAIN);
    return rc;
}

/* The state, written only when it changes (our own watch sees each write). */
static void set_state(struct backend *be, struct backend_dev *d, XenbusState s)
{
    if (d->state != s && !publish(be, d, s, false))
        d->state = s;
}

static void disconnect(struct backend *be, struct backend_dev *d, const char *why)
{
    if (d->connected) {
        struct ioctl_evtchn_unbind ub = { .port = (unsigned int)d->port };

        be->ops->disconnect(be, d, why);
        ioctl(be->evtchn_fd, IOCTL_EVTCHN_UNBIND, &ub);
    }
    d->connected = false;
    d->port = -1;
}

void backend_fail(struct backend *be, struct backend_dev *d, const char *why)
{
    fprintf(stderr, "%s: %s: %s\n", be->name, d->path, why);
    disconnect(be, d, "protocol error");
    d->failed = true;
    set_state(be, d, XenbusStateClosing);
}

void backend_kick(struct backend *be, struct backend_dev *d)
{
    struct ioctl_evtchn_notify n = { .port = (unsigned int)d->port };

    ioctl(be->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static void dev_free(struct backend *be, struct backend_dev *d, const char *why)
{
    disconnect(be, d, why);
    if (d->watching)
        hxs_unwatch(be->xs, d->fe_state, "fe");
    if (d->opened && be->ops->release)
        be->ops->release(be, d);
    fprintf(stderr, "%s: %s: released (%s)\n", be->name, d->path, why);
    memset(d, 0, sizeof(*d));
}

/* The frontend's node followed, the daemon's open(), details and InitWait. */
static int dev_open(struct backend *be, struct backend_dev *d)
{
    char *fe = backend_get(be, d->path, "frontend");
    int rc = -1;

    if (!fe || strlen(fe) >= sizeof(d->fe_path)) {
        fprintf(stderr, "%s: %s: frontend missing\n", be->name, d->path);
    } else {
        snprintf(d->fe_path, sizeof(d->fe_path), "%s", fe);
        snprintf(d->fe_state, sizeof(d->fe_state), "%s/state", fe);
        d->watching = !hxs_watch(be->xs, d->fe_state, "fe");
        d->opened = true;
        if (!be->ops->open(be, d) && !publish(be, d, XenbusStateInitWait, true)) {
            d->state = XenbusStateInitWait;
            rc = 0;
        }
    }
    free(fe);
    return rc;
}

/* The frontend is Initialised or Connected: its port bound, its rings mapped, Connected. */
static void dev_connect(struct backend *be, struct backend_dev *d)
{
    long port = backend_get_num(be, d->fe_path, "event-channel");
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = d->domid };
    struct ioctl_evtchn_unbind ub;
    const char *why;
    int lport;

    if (port < 0) {
        backend_fail(be, d, "frontend lacks event-channel");
        return;
    }
    bind.remote_port = (unsigned int)port;
    lport = ioctl(be->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (lport < 0) {
        backend_fail(be, d, "cannot bind event-channel");
        return;
    }
    d->port = lport;
    why = be->ops->connect(be, d);
    if (why) {
        ub.port = (unsigned int)lport;
        ioctl(be->evtchn_fd, IOCTL_EVTCHN_UNBIND, &ub);
        d->port = -1;
        backend_fail(be, d, why);
        return;
    }
    d->connected = true;
    set_state(be, d, XenbusStateConnected);
    /*
     * hv signals our end once at the bind (we look at the rings); the
     * frontend is told once too, for responses a killed daemon pushed
     * without notifying it.  On a fresh ring the event finds nothing.
     */
    backend_kick(be, d);
    fprintf(stderr, "%s: %s: connected (%s, port %ld)\n", be->name, d->path, d->rings, port);
}

static struct backend_dev *dev_find(struct backend *be, unsigned int domid, unsigned int devid)
{
    for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++)
        if (be->devs[i].used && be->devs[i].domid == domid && be->devs[i].devid == devid)
            return &be->devs[i];
    return NULL;
}

/* One device node: a new one opened, the frontend's state followed. */
static void dev_track(struct backend *be, unsigned int domid, unsigned int devid)
{
    struct backend_dev *d = dev_find(be, domid, devid);
    long fe_state;
    int err;

    if (!d) {
        for (unsigned int i = 0; i < BACKEND_MAX_DEVS && !d; i++)
            if (!be->devs[i].used)
                d = &be->devs[i];
        if (!d)
            return;
        *d = (struct backend_dev){ .used = true, .domid = domid, .devid = devid, .port = -1 };
        snprintf(d->path, sizeof(d->path), "%s/%u/%u", be->dir, domid, devid);
        d->usable = !dev_open(be, d);
        /* A device that cannot be used stays listed (Closed) until its node goes. */
        if (!d->usable)
            set_state(be, d, XenbusStateClosed);
    }
    d->seen = true;
    if (!d->usable)
        return;
    /* Absent or garbage: the frontend is gone; unreadable: xenstored is. */
    err = backend_read_num(be, d->fe_path, "state", &fe_state);
    if (err && err != ENOENT && err != EINVAL)
        return;
    /*
     * The frontend's Closing is answered with Closing, its Closed (or its
     * going) with Closed, as Linux's backends do: a Linux frontend
     * shutting down waits for the backend's Closing alone
     * (xenbus_otherend_changed ignores other states then).
     */
    if (fe_state == XenbusStateClosing) {
        if (d->connected || d->state == XenbusStateConnected) {
            disconnect(be, d, "frontend closing");
            set_state(be, d, XenbusStateClosing);
        }
    } else if (fe_state < 0 || fe_state == XenbusStateClosed) {
        if (d->connected || d->state == XenbusStateConnected ||
            d->state == XenbusStateClosing) {
            disconnect(be, d, "frontend closed");
            set_state(be, d, XenbusStateClosed);
        }
    } else if (fe_state == XenbusStateInitialising && d->state == XenbusStateClosed &&
               !d->failed) {
        /* A frontend starting again (a new kernel, a driver re-probed)
         * after both sides closed: offered InitWait anew, as Linux's
         * backends "prepare for reconnect". */
        if (!publish(be, d, XenbusStateInitWait, true)) {
            d->state = XenbusStateInitWait;
            fprintf(stderr, "%s: %s: frontend back, InitWait\n", be->name, d->path);
        }
    } else if (!d->connected && !d->failed &&
               (fe_state == XenbusStateInitialised || fe_state == XenbusStateConnected)) {
        dev_connect(be, d);
    }
}

/*
 * Every DOMID/DEVID under the directory; devices whose node went are
 * released.  A directory that cannot be read (xenstored gone) releases
 * nothing.
 */
static void rescan(struct backend *be)
{
    char **doms = NULL;
    unsigned int nd = 0;
    int err;

    for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++)
        be->devs[i].seen = false;
    err = hxs_directory(be->xs, 0, be->dir, &doms, &nd);
    if (err && err != ENOENT)
        return;
    for (unsigned int i = 0; i < nd; i++) {
        char path[96], **devs = NULL;
        unsigned int ndev = 0;

        snprintf(path, sizeof(path), "%s/%s", be->dir, doms[i]);
        err = hxs_directory(be->xs, 0, path, &devs, &ndev);
        if (err && err != ENOENT) {
            free(doms);
            return;
        }
        for (unsigned int j = 0; j < ndev; j++)
            dev_track(be, (unsigned int)strtoul(doms[i], NULL, 10),
                      (unsigned int)strtoul(devs[j], NULL, 10));
        free(devs);
    }
    free(doms);
    for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++)
        if (be->devs[i].used && !be->devs[i].seen)
            dev_free(be, &be->devs[i], "backend node removed");
}

int backend_init(struct backend *be, const char *name, const char *dir,
                 const struct backend_ops *ops)
{
    int err;

    *be = (struct backend){ .name = name, .dir = dir, .ops = ops };
    be->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    be->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (be->evtchn_fd < 0 || be->gntdev_fd < 0) {
        fprintf(stderr, "%s: cannot open /dev/xen/evtchn or /dev/xen/gntdev: %s "
                "(it runs in dom0)\n", name, strerror(errno));
        return -1;
    }
    be->xs = hxs_open(NULL);
    if (!be->xs) {
        fprintf(stderr, "%s: cannot reach xenstored: %s\n", name, strerror(errno));
        return -1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    err = pidfile_write(name);
    if (err)
        fprintf(stderr, "%s: no pid file in " PIDFILE_DIR ": %s\n", name, strerror(err));
    return 0;
}

/*
 * Marks the connected devices whose port fired, and unmasks those ports
 * before they are served: an event sent meanwhile is not lost.  A short
 * read took every port queued; one fired later makes poll() return
 * again, so no read is spent on finding the queue empty (every system
 * call is two page-table switches in a PV dom0).
 */
static void take_events(struct backend *be, bool *pending)
{
    uint32_t ports[64];
    ssize_t n;

    do {
        n = read(be->evtchn_fd, ports, sizeof(ports));
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n / (ssize_t)sizeof(ports[0]); i++)
            for (unsigned int j = 0; j < BACKEND_MAX_DEVS; j++)
                if (be->devs[j].connected && (uint32_t)be->devs[j].port == ports[i])
                    pending[j] = true;
        if (write(be->evtchn_fd, ports, (size_t)n) != n)
            break;
    } while (n == (ssize_t)sizeof(ports));
}

/*
 * If xenstored goes away the connected devices are still served (their
 * rings and ports do not need it, and the guests keep running, as with
 * Xen's backends), but nothing new is noticed: no node, no frontend
 * state, no domain's death.
 */
void backend_run(struct backend *be)
{
    bool xs_up = true;

    hxs_watch(be->xs, be->dir, "dir");
    hxs_watch(be->xs, "@releaseDomain", "release");
    fprintf(stderr, "%s: watching %s\n", be->name, be->dir);
    rescan(be);
    while (!stop) {
        struct pollfd p[2 + BACKEND_POLLFDS] = {
            { .fd = be->evtchn_fd, .events = POLLIN },
            { .fd = xs_up ? hxs_fileno(be->xs) : -1, .events = POLLIN } };
        unsigned int nown = be->ops->pollfds ? be->ops->pollfds(be, p + 2) : 0;
        bool pending[BACKEND_MAX_DEVS] = { false };
        char *path, *token;
        bool changed = false;
        /* Watch events libheronxs already read (while it waited for a
         * reply) do not wake poll(): do not sleep on them. */
        int timeout = xs_up && hxs_events_queued(be->xs) ? 0 : 1000;
        int rc = poll(p, 2 + nown, timeout), err = ETIMEDOUT;

        if (rc < 0 && errno != EINTR)
            break;
        /* Only when there may be an event: a ring's event alone costs no
         * xenstore system call. */
        if (xs_up && (p[1].revents || hxs_events_queued(be->xs))) {
            while (!(err = hxs_read_watch(be->xs, &path, &token, 0))) {
                changed = true;
                free(path);
                free(token);
            }
        }
        if (xs_up && err != ETIMEDOUT) {
            xs_up = false;
            fprintf(stderr, "%s: xenstored went away (%s): serving the devices connected, "
                    "noticing nothing new\n", be->name, strerror(err));
        }
        if (xs_up && (changed || rc == 0))
            rescan(be);
        take_events(be, pending);
        be->ops->serve(be, pending);
        if (rc > 0 && be->ops->polled)
            be->ops->polled(be, p + 2, nown);
    }
}

void backend_fini(struct backend *be)
{
    for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++)
        if (be->devs[i].used)
            dev_free(be, &be->devs[i], "exiting");
    hxs_close(be->xs);
    pidfile_remove(be->name);
}
