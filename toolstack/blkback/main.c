/*
 * heron-blkback: dom0's PV block backend, a program as QEMU's qdisk
 * backend is.  It watches /local/domain/0/backend/vbd, and for each vbd
 * the toolstack writes (backend/vbd/DOMID/DEVID: params, mode,
 * frontend) opens the disk (an image file or a dom0 block device),
 * publishes sectors, info and features and goes to InitWait; once the
 * frontend is Initialised it maps the ring page through /dev/xen/gntdev,
 * binds the event channel through /dev/xen/evtchn and goes Connected.
 * Requests are served by blkif_serve.c, mapping each request's pages for
 * that request only.  A vbd whose node is removed, whose frontend closes
 * or breaks the protocol, or whose domain dies is disconnected: the ring
 * unmapped, the port unbound, the disk closed.  Logs to stderr.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include <public/xen.h>
#include <public/grant_table.h>
#include <public/io/xenbus.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "blkif_serve.h"
#include "xs.h"

#define BACKEND_DIR "/local/domain/0/backend/vbd"
#define MAX_VBDS 32

struct vbd {
    bool used, seen;
    unsigned int domid, devid;
    char path[96];                 /* backend/vbd/DOMID/DEVID */
    char fe_path[96];
    char fe_state[112];            /* fe_path/state, watched */
    bool watching;
    bool connected;
    bool closing;                  /* answered the frontend's Closing */
    uint64_t ring_index;           /* gntdev offset of the ring mapping */
    int port;                      /* local evtchn port, -1 none */
    struct blkif_backend b;
};

static struct vbd vbds[MAX_VBDS];
static int evtchn_fd = -1, gntdev_fd = -1;
static struct hxs *xs;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void *grant_map(void *ctx, uint16_t domid, const grant_ref_t *refs, unsigned int n,
                       bool readonly)
{
    /* The ioctl's refs[] runs on past its declared one element. */
    union {
        struct ioctl_gntdev_map_grant_ref m;
        char bytes[sizeof(struct ioctl_gntdev_map_grant_ref) +
                   BLKIF_MAX_SEGMENTS_PER_REQUEST * sizeof(struct ioctl_gntdev_grant_ref)];
    } op;
    struct ioctl_gntdev_grant_ref *r = (struct ioctl_gntdev_grant_ref *)
        (op.bytes + offsetof(struct ioctl_gntdev_map_grant_ref, refs));
    void *area;

    (void)ctx;
    if (n > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return NULL;
    memset(&op, 0, sizeof(op));
    op.m.count = n;
    for (unsigned int i = 0; i < n; i++)
        r[i] = (struct ioctl_gntdev_grant_ref){ .domid = domid, .ref = refs[i] };
    if (ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op))
        return NULL;
    area = mmap(NULL, n * 4096ul, PROT_READ | (readonly ? 0 : PROT_WRITE), MAP_SHARED,
                gntdev_fd, (off_t)op.m.index);
    if (area == MAP_FAILED) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = op.m.index, .count = n };

        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        return NULL;
    }
    return area;
}

static void grant_unmap(void *ctx, void *area, unsigned int n)
{
    struct ioctl_gntdev_get_offset_for_vaddr q = { .vaddr = (uintptr_t)area };

    (void)ctx;
    if (!ioctl(gntdev_fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q)) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = q.offset, .count = n };

        munmap(area, n * 4096ul);
        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    } else {
        munmap(area, n * 4096ul);
    }
}

static char *xs_get(const char *dir, const char *key)
{
    char path[192], *v;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return hxs_read(xs, 0, path, &v, NULL) ? NULL : v;
}

static int xs_put_tx(uint32_t tx, const char *dir, const char *key, const char *fmt,
                     unsigned long long v)
{
    char path[192], val[32];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    snprintf(val, sizeof(val), fmt, v);
    return hxs_write(xs, tx, path, val, strlen(val));
}

/*
 * Our state (and, with the disk's details, what the frontend reads
 * before connecting), written only while the vbd's directory is there:
 * the toolstack removes it when the domain goes, and a late write would
 * bring nodes back for good (Linux's xenbus_switch_state checks the same
 * way, in a transaction).
 */
static int vbd_publish(const struct vbd *v, unsigned long long state, bool details)
{
    char *cur;
    uint32_t tx;
    int rc;

    do {
        rc = hxs_transaction_start(xs, &tx);
        if (rc)
            return rc;
        rc = hxs_read(xs, tx, v->path, &cur, NULL);
        if (rc) {
            hxs_transaction_end(xs, tx, false);
            return rc == ENOENT ? 0 : rc;
        }
        free(cur);
        if ((details &&
             (xs_put_tx(tx, v->path, "sectors", "%llu", v->b.nr_sectors) ||
              xs_put_tx(tx, v->path, "sector-size", "%llu", 512) ||
              xs_put_tx(tx, v->path, "info", "%llu", v->b.readonly ? VDISK_READONLY : 0) ||
              xs_put_tx(tx, v->path, "feature-flush-cache", "%llu", 1) ||
              xs_put_tx(tx, v->path, "feature-barrier", "%llu", 0))) ||
            xs_put_tx(tx, v->path, "state", "%llu", state)) {
            hxs_transaction_end(xs, tx, false);
            return -1;
        }
        rc = hxs_transaction_end(xs, tx, true);
    } while (rc == EAGAIN);
    return rc;
}

static int vbd_set_state(const struct vbd *v, unsigned long long state)
{
    return vbd_publish(v, state, false);
}

static long xs_num(const char *dir, const char *key)
{
    char *v = xs_get(dir, key), *end;
    long n;

    if (!v)
        return -1;
    n = strtol(v, &end, 10);
    if (!*v || *end || n < 0)
        n = -1;
    free(v);
    return n;
}

static void disconnect(struct vbd *v, const char *why)
{
    if (v->connected) {
        struct ioctl_evtchn_unbind ub = { .port = (unsigned int)v->port };

        ioctl(evtchn_fd, IOCTL_EVTCHN_UNBIND, &ub);
        grant_unmap(NULL, v->b.ring.sring, 1);
        fprintf(stderr, "heron-blkback: %s: disconnected (%s), %lu requests, %lu errors\n",
                v->path, why, v->b.done, v->b.errors);
    }
    v->connected = false;
    v->port = -1;
}

static void vbd_free(struct vbd *v, const char *why)
{
    disconnect(v, why);
    if (v->watching)
        hxs_unwatch(xs, v->fe_state, "fe");
    if (v->b.fd >= 0)
        close(v->b.fd);
    fprintf(stderr, "heron-blkback: %s: released (%s)\n", v->path, why);
    memset(v, 0, sizeof(*v));
}

/* params opened, sectors/info/features published, InitWait. */
static int vbd_open(struct vbd *v)
{
    char *params = xs_get(v->path, "params"), *mode = xs_get(v->path, "mode"),
         *fe = xs_get(v->path, "frontend");
    struct stat st;
    uint64_t bytes = 0;
    int rc = -1;

    v->b.fd = -1;
    v->port = -1;
    if (!params || !mode || !fe || strlen(fe) >= sizeof(v->fe_path)) {
        fprintf(stderr, "heron-blkback: %s: params, mode or frontend missing\n", v->path);
        goto out;
    }
    snprintf(v->fe_path, sizeof(v->fe_path), "%s", fe);
    snprintf(v->fe_state, sizeof(v->fe_state), "%s/state", fe);
    v->watching = !hxs_watch(xs, v->fe_state, "fe");
    v->b.readonly = mode[0] != 'w';
    v->b.fd = open(params, (v->b.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (v->b.fd < 0 || fstat(v->b.fd, &st)) {
        fprintf(stderr, "heron-blkback: %s: %s: %s\n", v->path, params, strerror(errno));
        goto out;
    }
    if (S_ISBLK(st.st_mode))
        ioctl(v->b.fd, BLKGETSIZE64, &bytes);
    else
        bytes = (uint64_t)st.st_size;
    v->b.nr_sectors = bytes / 512;
    v->b.domid = (uint16_t)v->domid;
    v->b.ops = (struct blkif_grant_ops){ grant_map, grant_unmap, NULL };
    rc = vbd_publish(v, XenbusStateInitWait, true) ? -1 : 0;
    if (!rc)
        fprintf(stderr, "heron-blkback: %s: %s, %llu sectors, %s\n", v->path, params,
                (unsigned long long)v->b.nr_sectors, v->b.readonly ? "read-only" : "read-write");
out:
    free(params);
    free(mode);
    free(fe);
    return rc;
}

/* The frontend published ring-ref and event-channel: map, bind, Connected. */
static void vbd_connect(struct vbd *v)
{
    long ref = xs_num(v->fe_path, "ring-ref"), port = xs_num(v->fe_path, "event-channel");
    char *proto = xs_get(v->fe_path, "protocol");
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = v->domid };
    grant_ref_t gref = (grant_ref_t)ref;
    bool proto_ok = !proto || !strcmp(proto, "x86_64-abi");
    void *ring;
    int lport;

    free(proto);
    if (ref < 0 || port < 0 || !proto_ok) {
        fprintf(stderr, "heron-blkback: %s: frontend details unusable\n", v->path);
        vbd_set_state(v, XenbusStateClosing);
        return;
    }
    ring = grant_map(NULL, (uint16_t)v->domid, &gref, 1, false);
    if (!ring) {
        fprintf(stderr, "heron-blkback: %s: cannot map ring-ref %ld\n", v->path, ref);
        vbd_set_state(v, XenbusStateClosing);
        return;
    }
    bind.remote_port = (unsigned int)port;
    lport = ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (lport < 0) {
        grant_unmap(NULL, ring, 1);
        fprintf(stderr, "heron-blkback: %s: cannot bind port %ld\n", v->path, port);
        vbd_set_state(v, XenbusStateClosing);
        return;
    }
    BACK_RING_INIT(&v->b.ring, (blkif_sring_t *)ring, 4096);
    v->b.broken = false;
    v->port = lport;
    v->connected = true;
    vbd_set_state(v, XenbusStateConnected);
    fprintf(stderr, "heron-blkback: %s: connected (ring-ref %ld, port %ld)\n", v->path, ref,
            port);
}

static void kick(struct vbd *v)
{
    struct ioctl_evtchn_notify n = { .port = (unsigned int)v->port };

    ioctl(evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static void serve(struct vbd *v)
{
    if (!v->connected)
        return;
    if (blkif_serve(&v->b))
        kick(v);
    if (v->b.broken) {
        fprintf(stderr, "heron-blkback: %s: frontend ring indices out of range\n", v->path);
        disconnect(v, "protocol error");
        vbd_set_state(v, XenbusStateClosing);
    }
}

static struct vbd *find(unsigned int domid, unsigned int devid)
{
    for (unsigned int i = 0; i < MAX_VBDS; i++)
        if (vbds[i].used && vbds[i].domid == domid && vbds[i].devid == devid)
            return &vbds[i];
    return NULL;
}

/* One vbd node: new ones opened, the frontend's state followed. */
static void track(unsigned int domid, unsigned int devid)
{
    struct vbd *v = find(domid, devid);
    long fe_state;

    if (!v) {
        for (unsigned int i = 0; i < MAX_VBDS && !v; i++)
            if (!vbds[i].used)
                v = &vbds[i];
        if (!v)
            return;
        *v = (struct vbd){ .used = true, .domid = domid, .devid = devid };
        snprintf(v->path, sizeof(v->path), BACKEND_DIR "/%u/%u", domid, devid);
        /* A vbd that cannot open stays listed (Closed) until its node goes. */
        if (vbd_open(v))
            vbd_set_state(v, XenbusStateClosed);
    }
    v->seen = true;
    if (v->b.fd < 0)
        return;
    fe_state = xs_num(v->fe_path, "state");
    /*
     * The frontend's Closing is answered with Closing, its Closed (or its
     * going) with Closed: a Linux frontend shutting down waits for the
     * backend's Closing alone.
     */
    if (fe_state == XenbusStateClosing) {
        if (v->connected) {
            disconnect(v, "frontend closing");
            v->closing = true;
            vbd_set_state(v, XenbusStateClosing);
        }
    } else if (fe_state < 0 || fe_state == XenbusStateClosed) {
        if (v->connected || v->closing) {
            if (v->connected)
                disconnect(v, "frontend closed");
            v->closing = false;
            vbd_set_state(v, XenbusStateClosed);
        }
    } else if (!v->connected && !v->b.broken &&
               (fe_state == XenbusStateInitialised || fe_state == XenbusStateConnected)) {
        vbd_connect(v);
    }
}

/* Every backend/vbd/DOMID/DEVID; vbds whose node went are released. */
static void rescan(void)
{
    char **doms = NULL;
    unsigned int nd = 0;

    for (unsigned int i = 0; i < MAX_VBDS; i++)
        vbds[i].seen = false;
    if (!hxs_directory(xs, 0, BACKEND_DIR, &doms, &nd)) {
        for (unsigned int i = 0; i < nd; i++) {
            char path[96], **devs = NULL;
            unsigned int ndev = 0;

            snprintf(path, sizeof(path), BACKEND_DIR "/%s", doms[i]);
            if (hxs_directory(xs, 0, path, &devs, &ndev))
                continue;
            for (unsigned int j = 0; j < ndev; j++)
                track((unsigned int)strtoul(doms[i], NULL, 10),
                      (unsigned int)strtoul(devs[j], NULL, 10));
            free(devs);
        }
        free(doms);
    }
    for (unsigned int i = 0; i < MAX_VBDS; i++)
        if (vbds[i].used && !vbds[i].seen)
            vbd_free(&vbds[i], "backend node removed");
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "heron-blkback takes no arguments\n");
        return 2;
    }
    evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (evtchn_fd < 0 || gntdev_fd < 0) {
        fprintf(stderr, "heron-blkback: cannot open /dev/xen/evtchn or /dev/xen/gntdev: %s "
                "(it runs in dom0)\n", strerror(errno));
        return 1;
    }
    xs = hxs_open(NULL);
    if (!xs) {
        fprintf(stderr, "heron-blkback: cannot reach xenstored: %s\n", strerror(errno));
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    hxs_watch(xs, BACKEND_DIR, "vbd");
    hxs_watch(xs, "@releaseDomain", "release");
    fprintf(stderr, "heron-blkback: watching " BACKEND_DIR "\n");
    rescan();
    while (!stop) {
        struct pollfd p[2] = { { .fd = evtchn_fd, .events = POLLIN },
                               { .fd = hxs_fileno(xs), .events = POLLIN } };
        uint32_t ports[64];
        char *path, *token;
        bool changed = false;
        ssize_t n;
        int rc = poll(p, 2, 1000);

        if (rc < 0 && errno != EINTR)
            break;
        while (!hxs_read_watch(xs, &path, &token, 0)) {
            changed = true;
            free(path);
            free(token);
        }
        if (changed || rc == 0)
            rescan();
        while ((n = read(evtchn_fd, ports, sizeof(ports))) > 0) {
            for (ssize_t i = 0; i < n / (ssize_t)sizeof(ports[0]); i++)
                for (unsigned int j = 0; j < MAX_VBDS; j++)
                    if (vbds[j].connected && (uint32_t)vbds[j].port == ports[i])
                        serve(&vbds[j]);
            if (write(evtchn_fd, ports, (size_t)n) != n)
                break;
        }
    }
    for (unsigned int i = 0; i < MAX_VBDS; i++)
        if (vbds[i].used)
            vbd_free(&vbds[i], "exiting");
    hxs_close(xs);
    return 0;
}
