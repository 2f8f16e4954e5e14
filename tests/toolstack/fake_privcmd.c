/* The fake /dev/xen/privcmd (fake_privcmd.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
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

#include "fake_privcmd.h"

#define PG 4096
#define MAX_REGIONS 64

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, void *arg);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);

static struct fake_hv *fh;
static const struct hv_ops *ops;
static int dev_fd = -1;
static char trace[FAKE_PRIVCMD_TRACE];
static struct { void *addr; size_t len; unsigned int mapped; } regions[MAX_REGIONS];

void fake_privcmd_attach(struct fake_hv *f)
{
    fh = f;
    ops = fake_hv_ops(f);
}

const char *fake_privcmd_trace(void)
{
    return trace;
}

void fake_privcmd_clear_trace(void)
{
    trace[0] = '\0';
}

static void record(const char *name, unsigned long subop)
{
    size_t n = strlen(trace);

    snprintf(trace + n, sizeof(trace) - n, "%s:%lu\n", name, subop);
}

int __wrap_open(const char *path, int flags, ...)
{
    va_list ap;
    int mode;

    if (!strcmp(path, "/dev/xen/privcmd")) {
        if (!fh) {
            errno = ENOENT;
            return -1;
        }
        dev_fd = __real_open("/dev/null", O_RDWR | O_CLOEXEC);
        return dev_fd;
    }
    if (!(flags & O_CREAT))
        return __real_open(path, flags);
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
    return __real_open(path, flags, mode);
}

static long domctl(struct xen_domctl *d)
{
    struct xen_domctl_getvcpuinfo vi;
    domid_t id = d->domain;
    long rc;

    record("domctl", d->cmd);
    if (d->interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    switch (d->cmd) {
    case XEN_DOMCTL_createdomain:
        rc = ops->create(ops->ctx, &d->u.createdomain, &id);
        d->domain = id;
        return rc;
    case XEN_DOMCTL_destroydomain:
        return ops->destroy(ops->ctx, id);
    case XEN_DOMCTL_pausedomain:
        return ops->pause(ops->ctx, id);
    case XEN_DOMCTL_unpausedomain:
        return ops->unpause(ops->ctx, id);
    case XEN_DOMCTL_getdomaininfo:
        return ops->domain_info(ops->ctx, id, &d->u.getdomaininfo);
    case XEN_DOMCTL_max_mem:
        return ops->max_mem(ops->ctx, id, d->u.max_mem.max_memkb);
    case XEN_DOMCTL_max_vcpus:
        return ops->max_vcpus(ops->ctx, id, d->u.max_vcpus.max);
    case XEN_DOMCTL_hypercall_init:
        return ops->hypercall_page(ops->ctx, id, d->u.hypercall_init.gmfn);
    case XEN_DOMCTL_setvcpucontext:
        return ops->set_vcpu_context(ops->ctx, id, d->u.vcpucontext.vcpu,
                                     (void *)(uintptr_t)d->u.vcpucontext.ctxt);
    case XEN_DOMCTL_getvcpuinfo:
        rc = ops->vcpu_info(ops->ctx, id, d->u.getvcpuinfo.vcpu, &vi);
        if (!rc)
            d->u.getvcpuinfo = vi;
        return rc;
    }
    return -ENOSYS;
}

static long sysctl(struct xen_sysctl *s)
{
    struct xen_sysctl_getdomaininfolist *l = &s->u.getdomaininfolist;
    unsigned int n;
    long rc;

    record("sysctl", s->cmd);
    if (s->interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    switch (s->cmd) {
    case XEN_SYSCTL_physinfo:
        return ops->physinfo(ops->ctx, &s->u.physinfo);
    case XEN_SYSCTL_getdomaininfolist:
        rc = ops->list_domains(ops->ctx, l->first_domain, (void *)(uintptr_t)l->buffer,
                               l->max_domains, &n);
        l->num_domains = n;
        return rc;
    }
    return -ENOSYS;
}

/* populate_physmap: the pfns in extent_start become MFNs (PV). */
static long memory_op(unsigned long cmd, struct xen_memory_reservation *r)
{
    xen_pfn_t *list = (void *)(uintptr_t)r->extent_start, mfns[1024];
    long rc;

    record("memory_op", cmd);
    if (cmd != XENMEM_populate_physmap || r->extent_order || r->nr_extents > 1024)
        return -ENOSYS;
    rc = ops->populate(ops->ctx, r->domid, list, (unsigned int)r->nr_extents, mfns);
    if (rc)
        return 0;               /* nothing done: a short count */
    memcpy(list, mfns, r->nr_extents * sizeof(*mfns));
    return (long)r->nr_extents;
}

static long hypercall(const struct privcmd_hypercall *h)
{
    void *p = (void *)(uintptr_t)h->arg[1];

    switch (h->op) {
    case __HYPERVISOR_domctl:
        return domctl((void *)(uintptr_t)h->arg[0]);
    case __HYPERVISOR_sysctl:
        return sysctl((void *)(uintptr_t)h->arg[0]);
    case __HYPERVISOR_memory_op:
        return memory_op(h->arg[0], p);
    case __HYPERVISOR_mmuext_op: {
        struct mmuext_op *op = (void *)(uintptr_t)h->arg[0];

        record("mmuext_op", op->cmd);
        if (h->arg[1] != 1 || op->cmd != MMUEXT_PIN_L4_TABLE)
            return -ENOSYS;
        return ops->pin_l4(ops->ctx, (domid_t)h->arg[3], op->arg1.mfn);
    }
    case __HYPERVISOR_event_channel_op: {
        struct evtchn_alloc_unbound *a = p;

        record("event_channel_op", h->arg[0]);
        if (h->arg[0] != EVTCHNOP_alloc_unbound)
            return -ENOSYS;
        return ops->evtchn_alloc_unbound(ops->ctx, a->dom, a->remote_dom, &a->port);
    }
    case __HYPERVISOR_grant_table_op: {
        struct gnttab_setup_table *s = p;
        xen_pfn_t mfn;
        long rc;

        record("grant_table_op", h->arg[0]);
        if (h->arg[0] != GNTTABOP_setup_table || h->arg[2] != 1 || s->nr_frames != 1)
            return -ENOSYS;
        rc = ops->gnttab_frame(ops->ctx, s->dom, &mfn);
        s->status = rc ? GNTST_general_error : GNTST_okay;
        if (!rc)
            *(uint64_t *)(uintptr_t)s->frame_list = mfn;
        return 0;
    }
    case __HYPERVISOR_sched_op: {
        struct sched_remote_shutdown *r = p;

        record("sched_op", h->arg[0]);
        if (h->arg[0] != SCHEDOP_remote_shutdown)
            return -ENOSYS;
        return ops->shutdown(ops->ctx, r->domain_id, r->reason);
    }
    }
    record("unknown", h->op);
    return -ENOSYS;
}

/* MMAPBATCH_V2 into a range mmap'd from the device. */
static long mmapbatch(struct privcmd_mmapbatch_v2 *b)
{
    for (unsigned int i = 0; i < MAX_REGIONS; i++) {
        long rc;

        if (regions[i].addr != (void *)(uintptr_t)b->addr || regions[i].mapped ||
            regions[i].len < (size_t)b->num * PG)
            continue;
        rc = fake_hv_map_at(fh, b->dom, b->arr, b->num, regions[i].addr);
        for (unsigned int k = 0; k < b->num; k++)
            b->err[k] = (int)rc;
        if (!rc)
            regions[i].mapped = b->num;
        return 0;               /* per-frame errors, as Linux reports them */
    }
    return -EINVAL;
}

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
    long rc;

    if (fd != dev_fd || dev_fd < 0)
        return __real_ioctl(fd, req, arg);
    if (req == IOCTL_PRIVCMD_HYPERCALL)
        rc = hypercall(arg);
    else if (req == IOCTL_PRIVCMD_MMAPBATCH_V2)
        rc = mmapbatch(arg);
    else
        rc = -ENOTTY;
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return (int)rc;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *va;

    if (fd != dev_fd || dev_fd < 0)
        return __real_mmap(addr, len, prot, flags, fd, off);
    va = __real_mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (unsigned int i = 0; va != MAP_FAILED && i < MAX_REGIONS; i++)
        if (!regions[i].addr) {
            regions[i].addr = va;
            regions[i].len = len;
            regions[i].mapped = 0;
            return va;
        }
    return MAP_FAILED;
}

int __wrap_munmap(void *addr, size_t len)
{
    for (unsigned int i = 0; i < MAX_REGIONS; i++)
        if (regions[i].addr == addr) {
            unsigned int mapped = regions[i].mapped;

            regions[i].addr = NULL;
            if (mapped)
                ops->unmap(ops->ctx, addr, mapped);     /* counts, then unmaps */
            else
                __real_munmap(addr, len);
            return 0;
        }
    return __real_munmap(addr, len);
}
