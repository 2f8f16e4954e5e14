/*
 * heron-blkback: dom0's PV block backend, a program as QEMU's qdisk
 * backend is.  It watches /local/domain/0/backend/vbd (the handshake is
 * the backend library's, toolstack/backend/backend.h), and for each vbd
 * the toolstack writes (backend/vbd/DOMID/DEVID: params, mode,
 * frontend) opens the disk (an image file or a dom0 block device),
 * publishes sectors, info and features and goes to InitWait; once the
 * frontend is Initialised it maps the ring page through /dev/xen/gntdev,
 * binds the event channel through /dev/xen/evtchn and goes Connected.
 * Requests are served by blkif_serve.c through the vbd's buffer, their
 * data copied to and from the frontend's pages with one grant copy per
 * request: each system call is two page-table switches in a PV dom0,
 * and mapping the pages per request took five calls.  A vbd whose node
 * is removed, whose frontend closes or breaks the protocol, or whose
 * domain dies is disconnected: the ring unmapped, the port unbound, the
 * disk closed.  Logs to stderr; its pid is in
 * /run/heron/heron-blkback.pid while it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "backend.h"
#include "blkif_serve.h"

_Static_assert(BLKIF_RUN_SEGS <= BACKEND_COPY_MAX,
               "a run's copies go in one call");

static struct backend be;
static struct blkif_backend vbds[BACKEND_MAX_DEVS];

static struct blkif_backend *vbd_of(struct backend_dev *d)
{
    return &vbds[backend_index(&be, d)];
}

/* params opened read-only unless mode is w; its size in sectors; the buffer. */
static int vbd_open(struct backend *b, struct backend_dev *d)
{
    struct blkif_backend *v = vbd_of(d);
    char *params = backend_get(b, d->path, "params"), *mode = backend_get(b, d->path, "mode");
    struct stat st;
    uint64_t bytes = 0;
    int rc = -1;

    *v = (struct blkif_backend){ .fd = -1, .domid = (uint16_t)d->domid,
                                 .ops = backend_copy_ops(b) };
    v->buf = aligned_alloc(4096, BLKIF_BUF_SIZE);
    if (!v->buf) {
        fprintf(stderr, "heron-blkback: %s: no memory for its buffer\n", d->path);
        goto out;
    }
    if (!params || !mode) {
        fprintf(stderr, "heron-blkback: %s: params or mode missing\n", d->path);
        goto out;
    }
    v->readonly = mode[0] != 'w';
    v->fd = open(params, (v->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (v->fd < 0 || fstat(v->fd, &st)) {
        fprintf(stderr, "heron-blkback: %s: %s: %s\n", d->path, params, strerror(errno));
        goto out;
    }
    if (S_ISBLK(st.st_mode))
        ioctl(v->fd, BLKGETSIZE64, &bytes);
    else
        bytes = (uint64_t)st.st_size;
    v->nr_sectors = bytes / 512;
    fprintf(stderr, "heron-blkback: %s: %s, %llu sectors, %s\n", d->path, params,
            (unsigned long long)v->nr_sectors, v->readonly ? "read-only" : "read-write");
    rc = 0;
out:
    free(params);
    free(mode);
    return rc;
}

/* What the frontend reads before connecting. */
static int vbd_details(struct backend *b, struct backend_dev *d, uint32_t tx)
{
    struct blkif_backend *v = vbd_of(d);

    return backend_put_num(b, tx, d->path, "sectors", v->nr_sectors) ||
           backend_put_num(b, tx, d->path, "sector-size", 512) ||
           backend_put_num(b, tx, d->path, "info", v->readonly ? VDISK_READONLY : 0) ||
           backend_put_num(b, tx, d->path, "feature-flush-cache", 1) ||
           backend_put_num(b, tx, d->path, "feature-barrier", 0) ? -1 : 0;
}

/*
 * ring-ref mapped.  The ring goes on from its last response: a fresh
 * one starts at 0, and one left by a heron-blkback that was killed is
 * taken over with its unanswered requests.
 */
static const char *vbd_connect(struct backend *b, struct backend_dev *d)
{
    struct blkif_backend *v = vbd_of(d);
    long ref = backend_get_num(b, d->fe_path, "ring-ref");
    char *proto = backend_get(b, d->fe_path, "protocol");
    bool proto_ok = !proto || !strcmp(proto, "x86_64-abi");
    grant_ref_t gref = (grant_ref_t)ref;
    blkif_sring_t *ring;

    free(proto);
    if (ref < 0 || !proto_ok)
        return "frontend details unusable";
    ring = backend_map(b, (uint16_t)d->domid, &gref, 1, false);
    if (!ring)
        return "cannot map ring-ref";
    BACK_RING_INIT(&v->ring, ring, 4096);
    v->ring.req_cons = v->ring.rsp_prod_pvt = ring->rsp_prod;
    snprintf(d->rings, sizeof(d->rings), "ring-ref %ld", ref);
    return NULL;
}

static void vbd_disconnect(struct backend *b, struct backend_dev *d, const char *why)
{
    struct blkif_backend *v = vbd_of(d);

    backend_unmap(b, v->ring.sring, 1);
    fprintf(stderr, "heron-blkback: %s: disconnected (%s), %lu requests, %lu errors\n",
            d->path, why, v->done, v->errors);
}

static void vbd_release(struct backend *b, struct backend_dev *d)
{
    struct blkif_backend *v = vbd_of(d);

    (void)b;
    if (v->fd >= 0)
        close(v->fd);
    v->fd = -1;
    free(v->buf);
    v->buf = NULL;
}

static void vbd_serve(struct backend *b, bool *pending)
{
    for (unsigned int i = 0; i < BACKEND_MAX_DEVS; i++) {
        struct backend_dev *d = &b->devs[i];

        if (!pending[i] || !d->connected)
            continue;
        if (blkif_serve(&vbds[i]))
            backend_kick(b, d);
        if (vbds[i].broken)
            backend_fail(b, d, "frontend ring indices out of range");
    }
}

static const struct backend_ops vbd_ops = {
    .open = vbd_open,
    .details = vbd_details,
    .connect = vbd_connect,
    .disconnect = vbd_disconnect,
    .release = vbd_release,
    .serve = vbd_serve,
};

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "heron-blkback takes no arguments\n");
        return 2;
    }
    if (backend_init(&be, "heron-blkback", "/local/domain/0/backend/vbd", &vbd_ops))
        return 1;
    backend_run(&be);
    backend_fini(&be);
    return 0;
}
