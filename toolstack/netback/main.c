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
 * LOCAL_PORT_SOCKET_DEFAULT).  The xenbus handshake is the backend
 * library's (toolstack/backend/backend.h).  Logs to stderr; its pid is in
 * /run/heron/heron-netback.pid while it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <public/xen.h>

#include "backend.h"
#include "bridge.h"
#include "local_port.h"
#include "netif_serve.h"

#define BRIDGE_NAME "xenbr0"

_Static_assert(LOCAL_PORT_POLLFDS <= BACKEND_POLLFDS, "the loop polls every local port");
_Static_assert(NETIF_BATCH <= BACKEND_COPY_MAX, "a batch's copies go in one call");

struct vif {
    bool kick;                     /* notify the frontend after this round */
    struct netif_backend b;
};

static struct backend be;
static struct vif vifs[BACKEND_MAX_DEVS];
static struct bridge br;
static struct local_ports lports;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* frontend, mac and bridge checked (Linux's netback_probe). */
static int vif_open(struct backend *b, struct backend_dev *d)
{
    char *bridge = backend_get(b, d->path, "bridge"), *mac = backend_get(b, d->path, "mac");
    int rc = -1;

    if (!mac) {
        fprintf(stderr, "heron-netback: %s: mac missing\n", d->path);
    } else if (bridge && strcmp(bridge, BRIDGE_NAME)) {
        fprintf(stderr, "heron-netback: %s: bridge %s unknown (there is only " BRIDGE_NAME
                ")\n", d->path, bridge);
    } else {
        fprintf(stderr, "heron-netback: %s: mac %s on " BRIDGE_NAME "\n", d->path, mac);
        rc = 0;
    }
    free(bridge);
    free(mac);
    return rc;
}

/* The features offered, read by the frontend before it connects. */
static int vif_details(struct backend *b, struct backend_dev *d, uint32_t tx)
{
    return backend_put(b, tx, d->path, "feature-rx-copy", "1") ||
           backend_put(b, tx, d->path, "feature-rx-flip", "0") ||
           backend_put(b, tx, d->path, "feature-sg", "0") ||
           backend_put(b, tx, d->path, "feature-gso-tcpv4", "0") ||
           backend_put(b, tx, d->path, "feature-gso-tcpv6", "0") ? -1 : 0;
}

/*
 * Both rings mapped (Linux's connect).  Each goes on from its last
 * response: fresh ones start at 0, and those left by a heron-netback
 * that was killed are taken over with their unanswered requests.
 */
static const char *vif_connect(struct backend *b, struct backend_dev *d)
{
    struct vif *v = &vifs[backend_index(b, d)];
    long tx_ref = backend_get_num(b, d->fe_path, "tx-ring-ref"),
         rx_ref = backend_get_num(b, d->fe_path, "rx-ring-ref"),
         rx_copy = backend_get_num(b, d->fe_path, "request-rx-copy"),
         rx_notify = backend_get_num(b, d->fe_path, "feature-rx-notify"),
         queues = backend_get_num(b, d->fe_path, "multi-queue-num-queues");
    grant_ref_t tref = (grant_ref_t)tx_ref, rref = (grant_ref_t)rx_ref;
    netif_tx_sring_t *tx;
    netif_rx_sring_t *rx;

    if (tx_ref < 0 || rx_ref < 0)
        return "frontend lacks tx-ring-ref or rx-ring-ref";
    if (rx_copy != 1 || rx_notify != 1 || (queues >= 0 && queues != 1))
        return "frontend must use request-rx-copy = 1, feature-rx-notify = 1, one queue";
    tx = backend_map(b, (uint16_t)d->domid, &tref, 1, false);
    rx = tx ? backend_map(b, (uint16_t)d->domid, &rref, 1, false) : NULL;
    if (!rx) {
        if (tx)
            backend_unmap(b, tx, 1);
        return "cannot map tx-ring-ref or rx-ring-ref";
    }
    memset(v, 0, sizeof(*v));
    BACK_RING_INIT(&v->b.tx, tx, 4096);
    BACK_RING_INIT(&v->b.rx, rx, 4096);
    v->b.tx.req_cons = v->b.tx.rsp_prod_pvt = tx->rsp_prod;
    v->b.rx.req_cons = v->b.rx.rsp_prod_pvt = rx->rsp_prod;
    v->b.domid = (uint16_t)d->domid;
    v->b.ops = backend_copy_ops(b);
    snprintf(d->rings, sizeof(d->rings), "tx-ring-ref %ld, rx-ring-ref %ld", tx_ref, rx_ref);
    return NULL;
}

static void vif_disconnect(struct backend *b, struct backend_dev *d, const char *why)
{
    struct vif *v = &vifs[backend_index(b, d)];

    backend_unmap(b, v->b.tx.sring, 1);
    backend_unmap(b, v->b.rx.sring, 1);
    bridge_forget_port(&br, (int)backend_index(b, d));
    fprintf(stderr, "heron-netback: %s: disconnected (%s): from guest %lu frames, "
            "%lu errors; to guest %lu frames, %lu errors, %lu dropped; checksums "
            "completed %lu, frames of several slots %lu\n", d->path, why,
            v->b.tx_packets, v->b.tx_errors, v->b.rx_packets, v->b.rx_errors,
            v->b.rx_dropped, v->b.tx_csum, v->b.tx_multislot);
}

/* Notifies every connected vif that asked for it this round. */
static void kick_all(struct backend *b)
{
    for (unsigned int j = 0; j < BACKEND_MAX_DEVS; j++)
        if (b->devs[j].connected && vifs[j].kick) {
            backend_kick(b, &b->devs[j]);
            vifs[j].kick = false;
        }
}

/* One batch of vif in's tx ring through the bridge; true if more is waiting. */
static bool switch_batch(struct backend *b, unsigned int in)
{
    static struct netif_frame frames[NETIF_BATCH];
    struct vif *v = &vifs[in];
    uint64_t now = now_ns();
    bool notify, more;
    unsigned int n = netif_tx_take(&v->b, frames, NETIF_BATCH, &notify, &more);

    v->kick |= notify;
    for (unsigned int i = 0; i < n; i++) {
        int out = bridge_forward(&br, frames[i].data, frames[i].len, (int)in, now);

        local_ports_send(&lports, out, (int)in, frames[i].data, frames[i].len);
        for (unsigned int j = 0; j < BACKEND_MAX_DEVS; j++)
            if (b->devs[j].connected && j != in && (out == BRIDGE_FLOOD || out == (int)j))
                netif_rx_queue(&vifs[j].b, frames[i].data, frames[i].len);
    }
    /* frames[] is reused by the next batch: every copy out of it is done now. */
    for (unsigned int j = 0; j < BACKEND_MAX_DEVS; j++)
        if (b->devs[j].connected)
            vifs[j].kick |= netif_rx_flush(&vifs[j].b);
    return more && !v->b.broken;
}

/* A local port's frame, switched to out: queued on the vifs meant, then sent. */
static void to_vifs(void *ctx, int out, int in, const uint8_t *frame, size_t len)
{
    (void)ctx;
    for (int j = 0; j < BACKEND_MAX_DEVS; j++)
        if (be.devs[j].connected && j != in && (out == BRIDGE_FLOOD || out == j)) {
            netif_rx_queue(&vifs[j].b, frame, len);
            vifs[j].kick |= netif_rx_flush(&vifs[j].b);
        }
}

/* Serves every vif in pending[] until their tx rings are empty. */
static void vif_serve(struct backend *b, bool *pending)
{
    bool any = true;

    while (any) {
        any = false;
        for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++)
            if (pending[i] && b->devs[i].connected) {
                pending[i] = switch_batch(b, i);
                any |= pending[i];
            }
        for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++)
            if (b->devs[i].connected && vifs[i].b.broken)
                backend_fail(b, &b->devs[i], "frontend ring indices out of range");
        kick_all(b);
    }
}

static unsigned int vif_pollfds(struct backend *b, struct pollfd *p)
{
    (void)b;
    return local_ports_pollfds(&lports, p);
}

static void vif_polled(struct backend *b, struct pollfd *p, unsigned int n)
{
    local_ports_serve(&lports, p, n, &br, now_ns(), to_vifs, NULL);
    kick_all(b);
}

static const struct backend_ops vif_ops = {
    .open = vif_open,
    .details = vif_details,
    .connect = vif_connect,
    .disconnect = vif_disconnect,
    .serve = vif_serve,
    .pollfds = vif_pollfds,
    .polled = vif_polled,
};

int main(int argc, char **argv)
{
    const char *sock;
    int rc;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "heron-netback takes no arguments\n");
        return 2;
    }
    if (backend_init(&be, "heron-netback", "/local/domain/0/backend/vif", &vif_ops))
        return 1;
    bridge_init(&br, BRIDGE_AGEING_NS);
    sock = getenv("HERON_NETBACK_SOCKET");
    if (!sock || !*sock)
        sock = LOCAL_PORT_SOCKET_DEFAULT;
    rc = local_ports_open(&lports, sock, BACKEND_MAX_DEVS);
    if (rc)
        fprintf(stderr, "heron-netback: no local ports (%s: %s)\n", sock, strerror(-rc));
    else
        fprintf(stderr, "heron-netback: local ports on %s\n", sock);
    fprintf(stderr, "heron-netback: bridge " BRIDGE_NAME "\n");
    backend_run(&be);
    local_ports_close(&lports);
    backend_fini(&be);
    return 0;
}
