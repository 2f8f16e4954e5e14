/* heron-dm's hv operations (dm_hv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/domctl.h>
#include <public/hvm/dm_op.h>
#include <xen/evtchn.h>
#include <xen/privcmd.h>

#include "dm_hv.h"


static long hypercall(struct dm_hv *h, unsigned int op, uint64_t a0, uint64_t a1,
                      uint64_t a2)
{
    struct privcmd_hypercall c = { .op = op, .arg = { a0, a1, a2, 0, 0 } };
    long rc = ioctl(h->privcmd, IOCTL_PRIVCMD_HYPERCALL, &c);

    return rc < 0 ? -errno : rc;
}

/* One dm_op with op in the argument page; the answer is copied back. */
static int dm_op(struct dm_hv *h, struct xen_dm_op *op)
{
    struct xen_dm_op *buf = (struct xen_dm_op *)h->arg;
    struct xen_dm_op_buf *b = (struct xen_dm_op_buf *)(h->arg + 256);
    long rc;

    *buf = *op;
    *b = (struct xen_dm_op_buf){ (uintptr_t)buf, sizeof(*buf) };
    rc = hypercall(h, __HYPERVISOR_dm_op, h->domid, 1, (uintptr_t)b);
    if (!rc)
        *op = *buf;
    return (int)rc;
}

int dm_hv_claim_ports(struct dm_hv *h, uint16_t first, unsigned int n)
{
    struct xen_dm_op op = { .op = XEN_DMOP_map_io_range_to_ioreq_server };

    op.u.map_io_range_to_ioreq_server = (xen_dm_op_ioreq_server_range_t){
        .id = h->server, .type = XEN_DMOP_IO_RANGE_PORT, .start = first,
        .end = first + n - 1,
    };
    return dm_op(h, &op);
}

int dm_hv_release_ports(struct dm_hv *h, uint16_t first, unsigned int n)
{
    struct xen_dm_op op = { .op = XEN_DMOP_unmap_io_range_from_ioreq_server };

    op.u.unmap_io_range_from_ioreq_server = (xen_dm_op_ioreq_server_range_t){
        .id = h->server, .type = XEN_DMOP_IO_RANGE_PORT, .start = first,
        .end = first + n - 1,
    };
    return dm_op(h, &op);
}

int dm_hv_enable(struct dm_hv *h)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state };

    op.u.set_ioreq_server_state.id = h->server;
    op.u.set_ioreq_server_state.enabled = 1;
    return dm_op(h, &op);
}

/* A foreign mapping of the domain's frame gfn (its RAM, or the ioreq page). */
static void *map_frame(struct dm_hv *h, xen_pfn_t gfn, int *rc)
{
    int err = 0;
    struct privcmd_mmapbatch_v2 batch = { .num = 1, .dom = h->domid, .arr = &gfn,
                                          .err = &err };
    void *addr = mmap(NULL, DM_PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
                      h->privcmd, 0);

    if (addr == MAP_FAILED) {
        *rc = -errno;
        return NULL;
    }
    batch.addr = (uintptr_t)addr;
    if (ioctl(h->privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0 || err) {
        *rc = err ? (err < 0 ? err : -err) : -errno;
        munmap(addr, DM_PAGE_BYTES);
        return NULL;
    }
    *rc = 0;
    return addr;
}

static int map_ioreq_page(struct dm_hv *h, xen_pfn_t gfn)
{
    int rc;

    h->ioreq_gfn = gfn;
    h->page = map_frame(h, gfn, &rc);
    return rc;
}

uint8_t *dm_hv_guest_page(struct dm_hv *h, uint64_t gfn)
{
    int rc;

    if (h->guest && h->guest_gfn == gfn)
        return h->guest;
    /* Not RAM, though mappable: the guest's string I/O or DMA aimed at it
     * would rewrite the request being served. */
    if (gfn == h->ioreq_gfn)
        return NULL;
    if (h->guest)
        munmap(h->guest, DM_PAGE_BYTES);
    h->guest = map_frame(h, gfn, &rc);
    h->guest_gfn = gfn;
    return h->guest;
}

/* One setup step: on failure, the step and the error, then undo. */
#define step(what, expr)                                                  \
    do {                                                                  \
        if ((rc = (expr)) < 0) {                                          \
            snprintf(err, errlen, "%s: %s", what, strerror(-rc));         \
            goto fail;                                                    \
        }                                                                 \
    } while (0)

int dm_hv_open(struct dm_hv *h, domid_t domid, char *err, size_t errlen)
{
    struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
    struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = domid };
    int rc, port;

    *h = (struct dm_hv){ .domid = domid, .privcmd = -1, .evtchn = -1 };
    h->privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    step("/dev/xen/privcmd", h->privcmd < 0 ? -errno : 0);
    h->evtchn = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    step("/dev/xen/evtchn", h->evtchn < 0 ? -errno : 0);
    h->arg = mmap(NULL, DM_PAGE_BYTES, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    step("argument page", h->arg == MAP_FAILED ? -ENOMEM : 0);
    mlock(h->arg, DM_PAGE_BYTES);
    step("create_ioreq_server", dm_op(h, &op));
    h->server = op.u.create_ioreq_server.id;
    h->have_server = true;
    op = (struct xen_dm_op){ .op = XEN_DMOP_get_ioreq_server_info };
    op.u.get_ioreq_server_info.id = h->server;
    step("get_ioreq_server_info", dm_op(h, &op));
    step("mapping the ioreq page", map_ioreq_page(h, op.u.get_ioreq_server_info.ioreq_gfn));
    bind.remote_port = h->page->vcpu_ioreq[0].vp_eport;
    port = ioctl(h->evtchn, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    step("binding the ioreq event channel", port < 0 ? -errno : 0);
    h->port = (uint32_t)port;
    return 0;
fail:
    dm_hv_close(h);
    return rc;
}

void dm_hv_close(struct dm_hv *h)
{
    if (h->have_server) {
        struct xen_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };

        op.u.destroy_ioreq_server.id = h->server;
        dm_op(h, &op);              /* fails if the domain is gone: fine */
        h->have_server = false;
    }
    if (h->page)
        munmap(h->page, DM_PAGE_BYTES);
    if (h->guest)
        munmap(h->guest, DM_PAGE_BYTES);
    if (h->arg && h->arg != MAP_FAILED)
        munmap(h->arg, DM_PAGE_BYTES);
    if (h->evtchn >= 0)
        close(h->evtchn);
    if (h->privcmd >= 0)
        close(h->privcmd);
    h->page = NULL;
    h->guest = NULL;
    h->arg = NULL;
    h->evtchn = h->privcmd = -1;
}

int dm_hv_set_irq(struct dm_hv *h, unsigned int irq, bool level)
{
    struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };

    op.u.set_isa_irq_level.isa_irq = (uint8_t)irq;
    op.u.set_isa_irq_level.level = level;
    return dm_op(h, &op);
}

void dm_hv_ack_events(struct dm_hv *h)
{
    uint32_t ports[16];
    ssize_t n;

    while ((n = read(h->evtchn, ports, sizeof(ports))) > 0)
        if (write(h->evtchn, ports, (size_t)n) != n)
            break;
}

void dm_hv_notify(struct dm_hv *h)
{
    struct ioctl_evtchn_notify n = { .port = h->port };

    ioctl(h->evtchn, IOCTL_EVTCHN_NOTIFY, &n);
}

bool dm_hv_domain_alive(struct dm_hv *h)
{
    struct xen_domctl *d = (struct xen_domctl *)(h->arg + 1024);

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_getdomaininfo;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = h->domid;
    /* getdomaininfo answers with the next domain up if ours is gone. */
    if (hypercall(h, __HYPERVISOR_domctl, (uintptr_t)d, 0, 0))
        return false;
    return d->domain == h->domid && !(d->u.getdomaininfo.flags & XEN_DOMINF_dying);
}
