/*
 * heron-netback: dom0's PV network backend and its bridge, one process
 * for every vif (as blkback is for vbds).  It watches
 * /local/domain/0/backend/vif; for each vif the toolstack writes
 * (backend/vif/DOMID/DEVID: frontend, mac, bridge) it publishes
 * feature-rx-copy and goes to InitWait; once the frontend has published
 * tx-ring-ref, rx-ring-ref, event-channel and request-rx-copy = 1 it
 * maps both rings through /dev/xen/gntdev, binds the event channel
 * through /dev/xen/evtchn and goes Connected.  The vif is then a port of
 * xenbr0 (bridge.c): frames the guest sends are copied out of its tx
 * buffers and into the rx buffers of the vifs the bridge picks, both
 * with grant copy (IOCTL_GNTDEV_GRANT_COPY), batched per ring.
 * A vif whose node is removed, whose frontend closes or breaks the
 * protocol is disconnected and leaves the bridge; the others go on.
 * dom0's own processes (heron-dm's emulated NICs) join xenbr0 as local
 * ports on a unix socket (local_port.c; $HERON_NETBACK_SOCKET, else
 * LOCAL_PORT_SOCKET_DEFAULT).  Logs to stderr.
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
#include <time.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/grant_table.h>
#include <public/io/xenbus.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "bridge.h"
#include "local_port.h"
#include "netif_serve.h"
#include "xs.h"

#define BACKEND_DIR "/local/domain/0/backend/vif"
#define BRIDGE_NAME "xenbr0"
#define MAX_VIFS 32

struct vif {
    bool used, seen;
    unsigned int domid, devid;
    char path[96];                 /* backend/vif/DOMID/DEVID */
    char fe_path[96];
    char fe_state[112];            /* fe_path/state, watched */
    bool watching;
    bool usable;                   /* nodes complete, on our bridge: InitWait */
    bool connected;
    bool kick;                     /* notify the frontend after this round */
    XenbusState be_state;          /* what we last wrote to path/state */
    int port;                      /* local evtchn port, -1 none */
    struct netif_backend b;
};

static struct vif vifs[MAX_VIFS];
static struct bridge br;
static struct local_ports lports;
static int evtchn_fd = -1, gntdev_fd = -1;
static struct hxs *xs;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int grant_copy(void *ctx, uint16_t domid, struct netif_copy *c, unsigned int n)
{
    struct gntdev_grant_copy_segment seg[NETIF_BATCH];
    struct ioctl_gntdev_grant_copy op = { .count = n, .segments = seg };

    (void)ctx;
    if (n > NETIF_BATCH)
        return -1;
    memset(seg, 0, n * sizeof(seg[0]));
    for (unsigned int i = 0; i < n; i++) {
        seg[i].len = c[i].len;
        if (c[i].to_guest) {
            seg[i].source.virt = c[i].local;
            seg[i].dest.foreign.ref = c[i].ref;
            seg[i].dest.foreign.offset = c[i].offset;
            seg[i].dest.foreign.domid = domid;
            seg[i].flags = GNTCOPY_dest_gref;
        } else {
            seg[i].source.foreign.ref = c[i].ref;
            seg[i].source.foreign.offset = c[i].offset;
            seg[i].source.foreign.domid = domid;
            seg[i].dest.virt = c[i].local;
            seg[i].flags = GNTCOPY_source_gref;
        }
    }
    if (ioctl(gntdev_fd, IOCTL_GNTDEV_GRANT_COPY, &op))
        return -1;
    for (unsigned int i = 0; i < n; i++)
        c[i].status = seg[i].status;
    return 0;
}

/* One ring page of domid, writable, through gntdev; NULL on failure. */
static void *ring_map(uint16_t domid, grant_ref_t ref)
{
    struct ioctl_gntdev_map_grant_ref op = { .count = 1, .refs[0] = { domid, ref } };
    void *area;

    if (ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &op))
        return NULL;
    area = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev_fd, (off_t)op.index);
    if (area == MAP_FAILED) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = op.index, .count = 1 };

        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        return NULL;
    }
    return area;
}

static void ring_unmap(void *area)
{
    struct ioctl_gntdev_get_offset_for_vaddr q = { .vaddr = (uintptr_t)area };
    bool known = !ioctl(gntdev_fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &q);

    munmap(area, 4096);
    if (known) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = q.offset, .count = 1 };

        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    }
}

static char *xs_get(const char *dir, const char *key)
{
    char path[192], *v;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return hxs_read(xs, 0, path, &v, NULL) ? NULL : v;
}

static int xs_put(const char *dir, const char *key, const char *val)
{
    char path[192];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return hxs_write(xs, 0, path, val, strlen(val));
}

/* The backend's state, written only when it changes (our own watch sees each write). */
static int vif_state(struct vif *v, XenbusState s)
{
    char val[4];

    if (v->be_state == s)
        return 0;
    snprintf(val, sizeof(val), "%d", s);
    if (xs_put(v->path, "state", val))
        return -1;
    v->be_state = s;
    return 0;
}

/* A decimal node, -1 if absent or not a number. */
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

static void disconnect(struct vif *v, const char *why)
{
    if (v->connected) {
        struct ioctl_evtchn_unbind ub = { .port = (unsigned int)v->port };

        ioctl(evtchn_fd, IOCTL_EVTCHN_UNBIND, &ub);
        ring_unmap(v->b.tx.sring);
        ring_unmap(v->b.rx.sring);
        bridge_forget_port(&br, (int)(v - vifs));
        fprintf(stderr, "heron-netback: %s: disconnected (%s): from guest %lu frames, "
                "%lu errors; to guest %lu frames, %lu errors, %lu dropped; checksums "
                "completed %lu, frames of several slots %lu\n", v->path, why,
                v->b.tx_packets, v->b.tx_errors, v->b.rx_packets, v->b.rx_errors,
                v->b.rx_dropped, v->b.tx_csum, v->b.tx_multislot);
    }
    v->connected = false;
    v->port = -1;
}

static void vif_free(struct vif *v, const char *why)
{
    disconnect(v, why);
    if (v->watching)
        hxs_unwatch(xs, v->fe_state, "fe");
    fprintf(stderr, "heron-netback: %s: released (%s)\n", v->path, why);
    memset(v, 0, sizeof(*v));
}

/* frontend and bridge checked, features published, InitWait (Linux's netback_probe). */
static int vif_open(struct vif *v)
{
    char *fe = xs_get(v->path, "frontend"), *bridge = xs_get(v->path, "bridge"),
         *mac = xs_get(v->path, "mac");
    int rc = -1;

    v->port = -1;
    if (!fe || strlen(fe) >= sizeof(v->fe_path) || !mac) {
        fprintf(stderr, "heron-netback: %s: frontend or mac missing\n", v->path);
        goto out;
    }
    if (bridge && strcmp(bridge, BRIDGE_NAME)) {
        fprintf(stderr, "heron-netback: %s: bridge %s unknown (there is only " BRIDGE_NAME
                ")\n", v->path, bridge);
        goto out;
    }
    snprintf(v->fe_path, sizeof(v->fe_path), "%s", fe);
    snprintf(v->fe_state, sizeof(v->fe_state), "%s/state", fe);
    v->watching = !hxs_watch(xs, v->fe_state, "fe");
    rc = xs_put(v->path, "feature-rx-copy", "1") || xs_put(v->path, "feature-rx-flip", "0") ||
         xs_put(v->path, "feature-sg", "0") || xs_put(v->path, "feature-gso-tcpv4", "0") ||
         xs_put(v->path, "feature-gso-tcpv6", "0") || vif_state(v, XenbusStateInitWait)
         ? -1 : 0;
    if (!rc)
        fprintf(stderr, "heron-netback: %s: mac %s on " BRIDGE_NAME "\n", v->path, mac);
out:
    free(fe);
    free(bridge);
    free(mac);
    return rc;
}

static void refuse(struct vif *v, const char *why)
{
    fprintf(stderr, "heron-netback: %s: %s\n", v->path, why);
    v->b.broken = true;        /* no retry until the node is made again */
    vif_state(v, XenbusStateClosing);
}

/* The frontend is Initialised or Connected: rings, port, Connected (Linux's connect). */
static void vif_connect(struct vif *v)
{
    long tx_ref = xs_num(v->fe_path, "tx-ring-ref"), rx_ref = xs_num(v->fe_path, "rx-ring-ref"),
         port = xs_num(v->fe_path, "event-channel"),
         rx_copy = xs_num(v->fe_path, "request-rx-copy"),
         rx_notify = xs_num(v->fe_path, "feature-rx-notify"),
         queues = xs_num(v->fe_path, "multi-queue-num-queues");
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = v->domid };
    void *tx, *rx;
    int lport;

    if (tx_ref < 0 || rx_ref < 0 || port < 0) {
        refuse(v, "frontend lacks tx-ring-ref, rx-ring-ref or event-channel");
        return;
    }
    if (rx_copy != 1 || rx_notify != 1 || (queues >= 0 && queues != 1)) {
        refuse(v, "frontend must use request-rx-copy = 1, feature-rx-notify = 1, one queue");
        return;
    }
    tx = ring_map((uint16_t)v->domid, (grant_ref_t)tx_ref);
    rx = tx ? ring_map((uint16_t)v->domid, (grant_ref_t)rx_ref) : NULL;
    if (!rx) {
        if (tx)
            ring_unmap(tx);
        refuse(v, "cannot map tx-ring-ref or rx-ring-ref");
        return;
    }
    bind.remote_port = (unsigned int)port;
    lport = ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (lport < 0) {
        ring_unmap(tx);
        ring_unmap(rx);
        refuse(v, "cannot bind event-channel");
        return;
    }
    memset(&v->b, 0, sizeof(v->b));
    BACK_RING_INIT(&v->b.tx, (netif_tx_sring_t *)tx, 4096);
    BACK_RING_INIT(&v->b.rx, (netif_rx_sring_t *)rx, 4096);
    v->b.domid = (uint16_t)v->domid;
    v->b.ops = (struct netif_copy_ops){ grant_copy, NULL };
    v->port = lport;
    v->connected = true;
    vif_state(v, XenbusStateConnected);
    fprintf(stderr, "heron-netback: %s: connected (tx-ring-ref %ld, rx-ring-ref %ld, port %ld)\n",
            v->path, tx_ref, rx_ref, port);
}

static void kick(struct vif *v)
{
    struct ioctl_evtchn_notify n = { .port = (unsigned int)v->port };

    ioctl(evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
    v->kick = false;
}

static void check_broken(struct vif *v)
{
    if (v->connected && v->b.broken) {
        fprintf(stderr, "heron-netback: %s: frontend ring indices out of range\n", v->path);
        disconnect(v, "protocol error");
        vif_state(v, XenbusStateClosing);
    }
}

/* One batch of v's tx ring through the bridge; true if more is waiting. */
static bool switch_batch(struct vif *v)
{
    static struct netif_frame frames[NETIF_BATCH];
    int in = (int)(v - vifs);
    uint64_t now = now_ns();
    bool notify, more;
    unsigned int n = netif_tx_take(&v->b, frames, NETIF_BATCH, &notify, &more);

    v->kick |= notify;
    for (unsigned int i = 0; i < n; i++) {
        int out = bridge_forward(&br, frames[i].data, frames[i].len, in, now);

        local_ports_send(&lports, out, in, frames[i].data, frames[i].len);
        for (int j = 0; j < MAX_VIFS; j++)
            if (vifs[j].connected && j != in && (out == BRIDGE_FLOOD || out == j))
                netif_rx_queue(&vifs[j].b, frames[i].data, frames[i].len);
    }
    /* frames[] is reused by the next batch: every copy out of it is done now. */
    for (int j = 0; j < MAX_VIFS; j++)
        if (vifs[j].connected)
            vifs[j].kick |= netif_rx_flush(&vifs[j].b);
    return more && !v->b.broken;
}

/* A local port's frame, switched to out: queued on the vifs meant, then sent. */
static void to_vifs(void *ctx, int out, int in, const uint8_t *frame, size_t len)
{
    (void)ctx;
    for (int j = 0; j < MAX_VIFS; j++)
        if (vifs[j].connected && j != in && (out == BRIDGE_FLOOD || out == j)) {
            netif_rx_queue(&vifs[j].b, frame, len);
            vifs[j].kick |= netif_rx_flush(&vifs[j].b);
        }
}

/* Serves every vif in pending[] until their tx rings are empty. */
static void serve(bool *pending)
{
    bool any = true;

    while (any) {
        any = false;
        for (int i = 0; i < MAX_VIFS; i++)
            if (pending[i] && vifs[i].connected) {
                pending[i] = switch_batch(&vifs[i]);
                any |= pending[i];
            }
        for (int i = 0; i < MAX_VIFS; i++) {
            check_broken(&vifs[i]);
            if (vifs[i].connected && vifs[i].kick)
                kick(&vifs[i]);
        }
    }
}

static struct vif *find(unsigned int domid, unsigned int devid)
{
    for (unsigned int i = 0; i < MAX_VIFS; i++)
        if (vifs[i].used && vifs[i].domid == domid && vifs[i].devid == devid)
            return &vifs[i];
    return NULL;
}

/* One vif node: new ones opened, the frontend's state followed. */
static void track(unsigned int domid, unsigned int devid)
{
    struct vif *v = find(domid, devid);
    long fe_state;

    if (!v) {
        for (unsigned int i = 0; i < MAX_VIFS && !v; i++)
            if (!vifs[i].used)
                v = &vifs[i];
        if (!v)
            return;
        *v = (struct vif){ .used = true, .domid = domid, .devid = devid };
        snprintf(v->path, sizeof(v->path), BACKEND_DIR "/%u/%u", domid, devid);
        v->usable = !vif_open(v);
        /* A vif that cannot be used stays listed (Closed) until its node goes. */
        if (!v->usable)
            vif_state(v, XenbusStateClosed);
    }
    v->seen = true;
    if (!v->usable)
        return;
    fe_state = xs_num(v->fe_path, "state");
    /*
     * The frontend's Closing is answered with Closing, its Closed (or its
     * going) with Closed, as Linux's netback does: a Linux frontend
     * shutting down waits for the backend's Closing alone
     * (xenbus_otherend_changed ignores other states then).
     */
    if (fe_state == XenbusStateClosing) {
        if (v->be_state == XenbusStateConnected) {
            disconnect(v, "frontend closing");
            vif_state(v, XenbusStateClosing);
        }
    } else if (fe_state < 0 || fe_state == XenbusStateClosed) {
        if (v->be_state == XenbusStateConnected || v->be_state == XenbusStateClosing) {
            disconnect(v, "frontend closed");
            vif_state(v, XenbusStateClosed);
        }
    } else if (!v->connected && !v->b.broken &&
               (fe_state == XenbusStateInitialised || fe_state == XenbusStateConnected)) {
        vif_connect(v);
    }
}

/* Every backend/vif/DOMID/DEVID; vifs whose node went are released. */
static void rescan(void)
{
    char **doms = NULL;
    unsigned int nd = 0;

    for (unsigned int i = 0; i < MAX_VIFS; i++)
        vifs[i].seen = false;
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
    for (unsigned int i = 0; i < MAX_VIFS; i++)
        if (vifs[i].used && !vifs[i].seen)
            vif_free(&vifs[i], "backend node removed");
}

int main(int argc, char **argv)
{
    const char *sock;
    int rc;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "heron-netback takes no arguments\n");
        return 2;
    }
    evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (evtchn_fd < 0 || gntdev_fd < 0) {
        fprintf(stderr, "heron-netback: cannot open /dev/xen/evtchn or /dev/xen/gntdev: %s "
                "(it runs in dom0)\n", strerror(errno));
        return 1;
    }
    xs = hxs_open(NULL);
    if (!xs) {
        fprintf(stderr, "heron-netback: cannot reach xenstored: %s\n", strerror(errno));
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    bridge_init(&br, BRIDGE_AGEING_NS);
    sock = getenv("HERON_NETBACK_SOCKET");
    if (!sock || !*sock)
        sock = LOCAL_PORT_SOCKET_DEFAULT;
    rc = local_ports_open(&lports, sock, MAX_VIFS);
    if (rc)
        fprintf(stderr, "heron-netback: no local ports (%s: %s)\n", sock, strerror(-rc));
    else
        fprintf(stderr, "heron-netback: local ports on %s\n", sock);
    hxs_watch(xs, BACKEND_DIR, "vif");
    hxs_watch(xs, "@releaseDomain", "release");
    fprintf(stderr, "heron-netback: watching " BACKEND_DIR ", bridge " BRIDGE_NAME "\n");
    rescan();
    while (!stop) {
        struct pollfd p[2 + LOCAL_PORT_POLLFDS] = {
            { .fd = evtchn_fd, .events = POLLIN }, { .fd = hxs_fileno(xs), .events = POLLIN } };
        unsigned int nlocal = local_ports_pollfds(&lports, p + 2);
        bool pending[MAX_VIFS] = { false };
        uint32_t ports[64];
        char *path, *token;
        bool changed = false;
        ssize_t n;

        rc = poll(p, 2 + nlocal, 1000);
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
                for (unsigned int j = 0; j < MAX_VIFS; j++)
                    if (vifs[j].connected && (uint32_t)vifs[j].port == ports[i])
                        pending[j] = true;
            /* Unmasked before serving: an event sent meanwhile is not lost. */
            if (write(evtchn_fd, ports, (size_t)n) != n)
                break;
        }
        serve(pending);
        if (rc > 0) {
            local_ports_serve(&lports, p + 2, nlocal, &br, now_ns(), to_vifs, NULL);
            for (int j = 0; j < MAX_VIFS; j++)
                if (vifs[j].connected && vifs[j].kick)
                    kick(&vifs[j]);
        }
    }
    local_ports_close(&lports);
    for (unsigned int i = 0; i < MAX_VIFS; i++)
        if (vifs[i].used)
            vif_free(&vifs[i], "exiting");
    hxs_close(xs);
    return 0;
}
