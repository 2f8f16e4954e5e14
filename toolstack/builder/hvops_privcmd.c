/*
 * struct hv_ops over dom0's /dev/xen/privcmd (Linux's ioctl ABI,
 * <xen/privcmd.h>): IOCTL_PRIVCMD_HYPERCALL for domctl, sysctl,
 * memory_op, mmuext_op, event_channel_op, grant_table_op and sched_op;
 * IOCTL_PRIVCMD_MMAPBATCH_V2 for foreign mappings.  Hypercall arguments
 * live in one locked, page-aligned buffer so hv never faults on them.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include <xen/privcmd.h>

#include "hvops.h"

#define ARG_BYTES (64 * 1024)
#define PAGE_BYTES 4096

struct privcmd {
    struct hv_ops ops;
    int fd;
    uint8_t *arg;               /* ARG_BYTES, locked */
};

static long hypercall(struct privcmd *p, unsigned int op, uint64_t a0, uint64_t a1,
                      uint64_t a2, uint64_t a3)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a0, a1, a2, a3, 0 } };
    long rc = ioctl(p->fd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

static int domctl(struct privcmd *p, struct xen_domctl *d)
{
    struct xen_domctl *buf = (struct xen_domctl *)p->arg;
    long rc;

    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    *buf = *d;
    rc = hypercall(p, __HYPERVISOR_domctl, (uintptr_t)buf, 0, 0, 0);
    if (!rc)
        *d = *buf;
    return (int)rc;
}

static int sysctl(struct privcmd *p, struct xen_sysctl *s)
{
    struct xen_sysctl *buf = (struct xen_sysctl *)p->arg;
    long rc;

    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    *buf = *s;
    rc = hypercall(p, __HYPERVISOR_sysctl, (uintptr_t)buf, 0, 0, 0);
    if (!rc)
        *s = *buf;
    return (int)rc;
}

static int simple_domctl(void *ctx, domid_t domid, uint32_t cmd)
{
    struct xen_domctl d = { .cmd = cmd, .domain = domid };

    return domctl(ctx, &d);
}

static int pc_create(void *ctx, const struct xen_domctl_createdomain *cfg, domid_t *domid)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_createdomain, .domain = *domid };
    int rc;

    d.u.createdomain = *cfg;
    rc = domctl(ctx, &d);
    if (!rc)
        *domid = d.domain;
    return rc;
}

static int pc_destroy(void *ctx, domid_t domid)
{
    return simple_domctl(ctx, domid, XEN_DOMCTL_destroydomain);
}

static int pc_pause(void *ctx, domid_t domid)
{
    return simple_domctl(ctx, domid, XEN_DOMCTL_pausedomain);
}

static int pc_unpause(void *ctx, domid_t domid)
{
    return simple_domctl(ctx, domid, XEN_DOMCTL_unpausedomain);
}

static int pc_max_vcpus(void *ctx, domid_t domid, unsigned int max)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_max_vcpus, .domain = domid };

    d.u.max_vcpus.max = max;
    return domctl(ctx, &d);
}

static int pc_max_mem(void *ctx, domid_t domid, uint64_t max_kb)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_max_mem, .domain = domid };

    d.u.max_mem.max_memkb = max_kb;
    return domctl(ctx, &d);
}

/* memory_op returns how many extents it handled; a short count is undone. */
static int pc_populate(void *ctx, domid_t domid, const xen_pfn_t *pfns,
                       unsigned int n, xen_pfn_t *mfns)
{
    struct privcmd *p = ctx;
    struct xen_memory_reservation *r = (void *)p->arg;
    xen_pfn_t *list = (xen_pfn_t *)(p->arg + PAGE_BYTES);
    long done;

    if (n > (ARG_BYTES - PAGE_BYTES) / sizeof(xen_pfn_t))
        return -E2BIG;
    memcpy(list, pfns, n * sizeof(*list));
    *r = (struct xen_memory_reservation){
        .extent_start = (uintptr_t)list, .nr_extents = n, .domid = domid };
    done = hypercall(p, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                     (uintptr_t)r, 0, 0);
    if (done == n) {
        memcpy(mfns, list, n * sizeof(*mfns));
        return 0;
    }
    if (done > 0) {
        memcpy(list, pfns, done * sizeof(*list));
        *r = (struct xen_memory_reservation){
            .extent_start = (uintptr_t)list, .nr_extents = done, .domid = domid };
        hypercall(p, __HYPERVISOR_memory_op, XENMEM_decrease_reservation,
                  (uintptr_t)r, 0, 0);
    }
    return done < 0 ? (int)done : -ENOMEM;
}

static void *pc_map(void *ctx, domid_t domid, const xen_pfn_t *mfns, unsigned int n,
                    int *rc)
{
    struct privcmd *p = ctx;
    int *errs = calloc(n, sizeof(*errs));
    struct privcmd_mmapbatch_v2 batch = { .num = n, .dom = domid, .arr = mfns,
                                          .err = errs };
    void *addr;

    *rc = 0;
    if (!errs) {
        *rc = -ENOMEM;
        return NULL;
    }
    addr = mmap(NULL, (size_t)n * PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
                p->fd, 0);
    if (addr == MAP_FAILED) {
        *rc = -errno;
        free(errs);
        return NULL;
    }
    batch.addr = (uintptr_t)addr;
    if (ioctl(p->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0)
        *rc = -errno;
    for (unsigned int i = 0; !*rc && i < n; i++)
        if (errs[i])
            *rc = errs[i] < 0 ? errs[i] : -errs[i];
    free(errs);
    if (*rc) {
        munmap(addr, (size_t)n * PAGE_BYTES);
        return NULL;
    }
    return addr;
}

static void pc_unmap(void *ctx, void *addr, unsigned int n)
{
    (void)ctx;
    munmap(addr, (size_t)n * PAGE_BYTES);
}

static int pc_pin_l4(void *ctx, domid_t domid, xen_pfn_t mfn)
{
    struct privcmd *p = ctx;
    struct mmuext_op *op = (void *)p->arg;

    memset(op, 0, sizeof(*op));
    op->cmd = MMUEXT_PIN_L4_TABLE;
    op->arg1.mfn = mfn;
    return (int)hypercall(p, __HYPERVISOR_mmuext_op, (uintptr_t)op, 1, 0, domid);
}

static int pc_hypercall_page(void *ctx, domid_t domid, xen_pfn_t mfn)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_hypercall_init, .domain = domid };

    d.u.hypercall_init.gmfn = mfn;
    return domctl(ctx, &d);
}

static int pc_evtchn_alloc_unbound(void *ctx, domid_t domid, domid_t remote,
                                   evtchn_port_t *port)
{
    struct privcmd *p = ctx;
    struct evtchn_alloc_unbound *a = (void *)p->arg;
    long rc;

    *a = (struct evtchn_alloc_unbound){ .dom = domid, .remote_dom = remote };
    rc = hypercall(p, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                   (uintptr_t)a, 0, 0);
    if (!rc)
        *port = a->port;
    return (int)rc;
}

static int pc_gnttab_frame(void *ctx, domid_t domid, xen_pfn_t *mfn)
{
    struct privcmd *p = ctx;
    struct gnttab_setup_table *s = (void *)p->arg;
    uint64_t *frames = (uint64_t *)(p->arg + PAGE_BYTES);
    long rc;

    *s = (struct gnttab_setup_table){ .dom = domid, .nr_frames = 1,
                                      .frame_list = (uintptr_t)frames };
    rc = hypercall(p, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                   (uintptr_t)s, 1, 0);
    if (!rc && s->status != GNTST_okay)
        rc = -EINVAL;
    if (!rc)
        *mfn = frames[0];
    return (int)rc;
}

static int pc_set_vcpu_context(void *ctx, domid_t domid, unsigned int vcpu,
                               const struct vcpu_guest_context *c)
{
    struct privcmd *p = ctx;
    struct vcpu_guest_context *buf = (void *)(p->arg + PAGE_BYTES);
    struct xen_domctl d = { .cmd = XEN_DOMCTL_setvcpucontext, .domain = domid };

    *buf = *c;
    d.u.vcpucontext.vcpu = vcpu;
    d.u.vcpucontext.ctxt = (uintptr_t)buf;
    return domctl(ctx, &d);
}

static int pc_domain_info(void *ctx, domid_t domid, xen_domctl_getdomaininfo_t *info)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = domid };
    int rc = domctl(ctx, &d);

    if (!rc && d.u.getdomaininfo.domain != domid)
        rc = -ESRCH;            /* Xen answers the next domain up */
    if (!rc)
        *info = d.u.getdomaininfo;
    return rc;
}

static int pc_list_domains(void *ctx, domid_t first, xen_domctl_getdomaininfo_t *info,
                           unsigned int max, unsigned int *n)
{
    struct privcmd *p = ctx;
    xen_domctl_getdomaininfo_t *buf = (void *)(p->arg + PAGE_BYTES);
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_getdomaininfolist };
    unsigned int cap = (ARG_BYTES - PAGE_BYTES) / sizeof(*buf);
    int rc;

    s.u.getdomaininfolist.first_domain = first;
    s.u.getdomaininfolist.max_domains = max < cap ? max : cap;
    s.u.getdomaininfolist.buffer = (uintptr_t)buf;
    rc = sysctl(p, &s);
    if (!rc) {
        *n = s.u.getdomaininfolist.num_domains;
        memcpy(info, buf, *n * sizeof(*info));
    }
    return rc;
}

static int pc_vcpu_info(void *ctx, domid_t domid, unsigned int vcpu,
                        struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = domid };
    int rc;

    d.u.getvcpuinfo.vcpu = vcpu;
    rc = domctl(ctx, &d);
    if (!rc)
        *info = d.u.getvcpuinfo;
    return rc;
}

static int pc_physinfo(void *ctx, struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };
    int rc = sysctl(ctx, &s);

    if (!rc)
        *info = s.u.physinfo;
    return rc;
}

static int pc_shutdown(void *ctx, domid_t domid, unsigned int reason)
{
    struct privcmd *p = ctx;
    struct sched_remote_shutdown *r = (void *)p->arg;

    *r = (struct sched_remote_shutdown){ .domain_id = domid, .reason = reason };
    return (int)hypercall(p, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
                          (uintptr_t)r, 0, 0);
}

/* The files stay in the caller's memory (hv copies them in); the command
 * line and the message buffer live in the locked argument area. */
static int pc_hvm_build(void *ctx, domid_t domid, uint64_t ram_kb, const void *image,
                        size_t image_len, const void *initrd, size_t initrd_len,
                        const char *cmdline, char *msg, size_t msglen)
{
    struct privcmd *p = ctx;
    size_t cmdlen = strlen(cmdline), room = ARG_BYTES - 2 * PAGE_BYTES;
    char *cbuf = (char *)p->arg + PAGE_BYTES, *mbuf = cbuf + PAGE_BYTES;
    struct xen_domctl d = { .cmd = HERON_DOMCTL_hvm_build, .domain = domid };
    int rc;

    if (cmdlen >= PAGE_BYTES || msglen == 0)
        return -EINVAL;
    memcpy(cbuf, cmdline, cmdlen);
    mbuf[0] = '\0';
    d.u.hvm_build = (struct heron_domctl_hvm_build){
        .ram_kb = ram_kb, .image = (uintptr_t)image, .image_len = image_len,
        .initrd = (uintptr_t)initrd, .initrd_len = initrd ? initrd_len : 0,
        .cmdline = (uintptr_t)cbuf, .cmdline_len = (uint32_t)cmdlen,
        .msg = (uintptr_t)mbuf, .msg_len = (uint32_t)(msglen < room ? msglen : room),
    };
    /* hv reads the files through dom0's page tables: keep them present. */
    mlock(image, image_len);
    if (initrd)
        mlock(initrd, initrd_len);
    rc = domctl(p, &d);
    munlock(image, image_len);
    if (initrd)
        munlock(initrd, initrd_len);
    snprintf(msg, msglen, "%s", rc && mbuf[0] ? mbuf : "");
    return rc;
}

struct hv_ops *hvops_privcmd_open(void)
{
    struct privcmd *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (p->fd < 0) {
        free(p);
        return NULL;
    }
    p->arg = mmap(NULL, ARG_BYTES, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p->arg == MAP_FAILED) {
        close(p->fd);
        free(p);
        return NULL;
    }
    mlock(p->arg, ARG_BYTES);       /* best effort: MAP_POPULATE made it present */
    p->ops = (struct hv_ops){
        .ctx = p, .create = pc_create, .destroy = pc_destroy, .pause = pc_pause,
        .unpause = pc_unpause, .max_vcpus = pc_max_vcpus, .max_mem = pc_max_mem,
        .populate = pc_populate, .map = pc_map, .unmap = pc_unmap,
        .pin_l4 = pc_pin_l4, .hypercall_page = pc_hypercall_page,
        .evtchn_alloc_unbound = pc_evtchn_alloc_unbound,
        .gnttab_frame = pc_gnttab_frame, .set_vcpu_context = pc_set_vcpu_context,
        .domain_info = pc_domain_info, .list_domains = pc_list_domains,
        .vcpu_info = pc_vcpu_info, .physinfo = pc_physinfo, .shutdown = pc_shutdown,
        .hvm_build = pc_hvm_build,
    };
    return &p->ops;
}

void hvops_privcmd_close(struct hv_ops *ops)
{
    struct privcmd *p = ops->ctx;

    munmap(p->arg, ARG_BYTES);
    close(p->fd);
    free(p);
}
