/* The fake hypervisor of the toolstack's unit tests (fake_hv.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <public/grant_table.h>
#include <public/sched.h>

#include "fake_hv.h"

#define PG 4096
#define FREE_FRAME 0xffffu
#define XEN_FRAME  DOMID_XEN

struct fake_hv {
    struct hv_ops ops;
    int memfd;
    uint8_t *mem;
    unsigned int nr_frames;
    domid_t *owner;
    uint64_t *m2p;
    struct fake_domain dom[FAKE_MAX_DOMAINS];
    unsigned int calls, fail_at, live_maps;
};

/* Counts a call; true if this one is to fail. */
static bool failing(struct fake_hv *f)
{
    f->calls++;
    if (f->fail_at && --f->fail_at == 0)
        return true;
    return false;
}

static struct fake_domain *dom(struct fake_hv *f, domid_t domid)
{
    for (unsigned int i = 0; i < FAKE_MAX_DOMAINS; i++)
        if (f->dom[i].exists && f->dom[i].domid == domid)
            return &f->dom[i];
    return NULL;
}

static int alloc_frame(struct fake_hv *f, domid_t owner, xen_pfn_t *mfn)
{
    for (xen_pfn_t m = 1; m < f->nr_frames; m++)    /* frame 0 stays unused */
        if (f->owner[m] == FREE_FRAME) {
            f->owner[m] = owner;
            memset(f->mem + m * PG, 0xa5, PG);      /* stale contents */
            *mfn = m;
            return 0;
        }
    return -ENOMEM;
}

static void free_frames_of(struct fake_hv *f, domid_t owner, struct fake_domain *d)
{
    for (xen_pfn_t m = 0; m < f->nr_frames; m++)
        if (f->owner[m] == owner ||
            (f->owner[m] == XEN_FRAME && d && ((d->has_grant && m == d->grant_mfn) ||
                                               m == d->shared_info_mfn))) {
            f->owner[m] = FREE_FRAME;
            f->m2p[m] = ~0ull;
        }
}

static int f_create(void *ctx, const struct xen_domctl_createdomain *cfg, domid_t *domid)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d = NULL;
    domid_t id = *domid;
    int rc;

    if (failing(f))
        return -ENOMEM;
    /* The fake machine is hv without SVM/VMX: no HVM domains. */
    if (cfg->flags & XEN_DOMCTL_CDF_hvm)
        return -EOPNOTSUPP;
    if (!id)
        for (id = 1; dom(f, id); id++)
            ;
    else if (dom(f, id))
        return -EEXIST;
    for (unsigned int i = 0; i < FAKE_MAX_DOMAINS && !d; i++)
        if (!f->dom[i].exists)
            d = &f->dom[i];
    if (!d)
        return -ENOSPC;
    memset(d, 0, sizeof(*d));
    rc = alloc_frame(f, XEN_FRAME, &d->shared_info_mfn);
    if (rc)
        return rc;
    d->exists = d->paused = true;
    d->domid = id;
    d->cfg = *cfg;
    *domid = id;
    return 0;
}

static int f_destroy(void *ctx, domid_t domid)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    free_frames_of(f, domid, d);
    memset(d, 0, sizeof(*d));
    return 0;
}

static int f_pause_flag(void *ctx, domid_t domid, bool paused)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    d->paused = paused;
    return 0;
}

static int f_pause(void *ctx, domid_t domid) { return f_pause_flag(ctx, domid, true); }
static int f_unpause(void *ctx, domid_t domid) { return f_pause_flag(ctx, domid, false); }

static int f_max_vcpus(void *ctx, domid_t domid, unsigned int max)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (max == 0 || max > d->cfg.max_vcpus)
        return -EINVAL;
    d->max_vcpus = max;
    return 0;
}

static int f_max_mem(void *ctx, domid_t domid, uint64_t kb)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    d->max_kb = kb;
    return 0;
}

static int f_populate(void *ctx, domid_t domid, const xen_pfn_t *pfns, unsigned int n,
                      xen_pfn_t *mfns)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if ((d->tot_pages + n) * 4 > d->max_kb || n > fake_hv_free_frames(f))
        return -ENOMEM;
    for (unsigned int i = 0; i < n; i++) {
        alloc_frame(f, domid, &mfns[i]);
        f->m2p[mfns[i]] = pfns[i];
    }
    d->tot_pages += n;
    return 0;
}

int fake_hv_map_at(struct fake_hv *f, domid_t domid, const xen_pfn_t *mfns,
                   unsigned int n, void *addr)
{
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    for (unsigned int i = 0; i < n; i++)
        if (mfns[i] >= f->nr_frames ||
            (f->owner[mfns[i]] != domid &&
             !(d->has_grant && mfns[i] == d->grant_mfn)))
            return -EPERM;
    for (unsigned int i = 0; i < n; i++)
        if (mmap((uint8_t *)addr + (size_t)i * PG, PG, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED, f->memfd, (off_t)mfns[i] * PG) == MAP_FAILED)
            abort();
    f->live_maps += n;
    return 0;
}

static void *f_map(void *ctx, domid_t domid, const xen_pfn_t *mfns, unsigned int n,
                   int *rc)
{
    struct fake_hv *f = ctx;
    uint8_t *va = mmap(NULL, (size_t)n * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);

    if (va == MAP_FAILED) {
        *rc = -ENOMEM;
        return NULL;
    }
    *rc = fake_hv_map_at(f, domid, mfns, n, va);
    if (*rc) {
        munmap(va, (size_t)n * PG);
        return NULL;
    }
    return va;
}

static void f_unmap(void *ctx, void *addr, unsigned int n)
{
    struct fake_hv *f = ctx;

    munmap(addr, (size_t)n * PG);
    f->live_maps -= n;
}

static int f_pin_l4(void *ctx, domid_t domid, xen_pfn_t mfn)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (mfn >= f->nr_frames || f->owner[mfn] != domid)
        return -EINVAL;
    d->pinned_l4 = mfn;
    return 0;
}

static int f_hypercall_page(void *ctx, domid_t domid, xen_pfn_t mfn)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (mfn >= f->nr_frames || f->owner[mfn] != domid)
        return -EINVAL;
    memset(f->mem + mfn * PG, 0xcc, PG);
    d->hypercall_mfn = mfn;
    return 0;
}

static int f_evtchn(void *ctx, domid_t domid, domid_t remote, evtchn_port_t *port)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (d->nr_ports + 1 >= FAKE_MAX_PORTS)
        return -ENOSPC;
    *port = ++d->nr_ports;                  /* port 0 is never valid */
    d->port_remote[*port] = remote;
    return 0;
}

static int f_gnttab_frame(void *ctx, domid_t domid, xen_pfn_t *mfn)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;
    int rc;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (!d->has_grant) {
        rc = alloc_frame(f, XEN_FRAME, &d->grant_mfn);
        if (rc)
            return rc;
        memset(f->mem + d->grant_mfn * PG, 0, PG);
        d->has_grant = true;
    }
    *mfn = d->grant_mfn;
    return 0;
}

static int f_set_vcpu_context(void *ctx, domid_t domid, unsigned int vcpu,
                              const struct vcpu_guest_context *c)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (vcpu >= d->max_vcpus)
        return -EINVAL;
    if (vcpu == 0) {
        d->ctx = *c;
        d->has_ctx = true;
    }
    return 0;
}

static void fill_info(const struct fake_domain *d, xen_domctl_getdomaininfo_t *info)
{
    memset(info, 0, sizeof(*info));
    info->domain = d->domid;
    info->flags = (d->paused ? XEN_DOMINF_paused : XEN_DOMINF_blocked) |
                  (d->shut_down ? XEN_DOMINF_shutdown |
                   d->shutdown_reason << XEN_DOMINF_shutdownshift : 0);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_kb / 4;
    info->shared_info_frame = d->shared_info_mfn;
    info->nr_online_vcpus = d->has_ctx ? 1 : 0;
    info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
    memcpy(info->handle, d->cfg.handle, sizeof(info->handle));
}

static int f_domain_info(void *ctx, domid_t domid, xen_domctl_getdomaininfo_t *info)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    fill_info(d, info);
    return 0;
}

static int f_list_domains(void *ctx, domid_t first, xen_domctl_getdomaininfo_t *info,
                          unsigned int max, unsigned int *n)
{
    struct fake_hv *f = ctx;

    if (failing(f))
        return -ENOMEM;
    *n = 0;
    for (unsigned int id = first; id < DOMID_FIRST_RESERVED && *n < max; id++) {
        struct fake_domain *d = dom(f, id);

        if (d)
            fill_info(d, &info[(*n)++]);
    }
    return 0;
}

static int f_vcpu_info(void *ctx, domid_t domid, unsigned int vcpu,
                       struct xen_domctl_getvcpuinfo *info)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (vcpu >= d->max_vcpus)
        return -EINVAL;
    memset(info, 0, sizeof(*info));
    info->vcpu = vcpu;
    info->online = vcpu == 0 && d->has_ctx;
    info->blocked = !d->paused;
    info->cpu_time = 1000000ull * (vcpu + 1);
    return 0;
}

static int f_physinfo(void *ctx, struct xen_sysctl_physinfo *info)
{
    struct fake_hv *f = ctx;

    if (failing(f))
        return -ENOMEM;
    memset(info, 0, sizeof(*info));
    info->nr_cpus = 2;
    info->threads_per_core = 1;
    info->cores_per_socket = 2;
    info->cpu_khz = 2000000;
    info->capabilities = XEN_SYSCTL_PHYSCAP_pv;
    info->total_pages = f->nr_frames;
    info->free_pages = fake_hv_free_frames(f);
    return 0;
}

static int f_shutdown(void *ctx, domid_t domid, unsigned int reason)
{
    struct fake_hv *f = ctx;
    struct fake_domain *d;

    if (failing(f))
        return -ENOMEM;
    if (!(d = dom(f, domid)))
        return -ESRCH;
    if (reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    d->shut_down = true;
    d->shutdown_reason = reason;
    return 0;
}

/* Zeroed memory a forked child (a daemon under test) sees the changes of. */
static void *shared(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        abort();
    return p;
}

struct fake_hv *fake_hv_new(unsigned int nr_frames)
{
    struct fake_hv *f = shared(sizeof(*f));

    f->nr_frames = nr_frames;
    f->memfd = memfd_create("fake-hv", 0);
    if (f->memfd < 0 || ftruncate(f->memfd, (off_t)nr_frames * PG))
        abort();
    f->mem = mmap(NULL, (size_t)nr_frames * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
                  f->memfd, 0);
    f->owner = shared(nr_frames * sizeof(*f->owner));
    f->m2p = shared(nr_frames * sizeof(*f->m2p));
    if (f->mem == MAP_FAILED || !f->owner || !f->m2p)
        abort();
    for (unsigned int i = 0; i < nr_frames; i++) {
        f->owner[i] = FREE_FRAME;
        f->m2p[i] = ~0ull;
    }
    f->ops = (struct hv_ops){
        .ctx = f, .create = f_create, .destroy = f_destroy, .pause = f_pause,
        .unpause = f_unpause, .max_vcpus = f_max_vcpus, .max_mem = f_max_mem,
        .populate = f_populate, .map = f_map, .unmap = f_unmap, .pin_l4 = f_pin_l4,
        .hypercall_page = f_hypercall_page, .evtchn_alloc_unbound = f_evtchn,
        .gnttab_frame = f_gnttab_frame, .set_vcpu_context = f_set_vcpu_context,
        .domain_info = f_domain_info, .list_domains = f_list_domains,
        .vcpu_info = f_vcpu_info, .physinfo = f_physinfo, .shutdown = f_shutdown,
    };
    return f;
}

void fake_hv_free(struct fake_hv *f)
{
    munmap(f->mem, (size_t)f->nr_frames * PG);
    close(f->memfd);
    munmap(f->owner, f->nr_frames * sizeof(*f->owner));
    munmap(f->m2p, f->nr_frames * sizeof(*f->m2p));
    munmap(f, sizeof(*f));
}

int fake_hv_grant_page(struct fake_hv *f, domid_t domid, unsigned int ref, int *fd,
                       off_t *off)
{
    struct fake_domain *d = dom(f, domid);
    const grant_entry_v1_t *e;

    if (!d || !d->has_grant || ref >= PG / sizeof(*e))
        return -EINVAL;
    e = (const grant_entry_v1_t *)(f->mem + d->grant_mfn * PG) + ref;
    if (!(e->flags & GTF_permit_access) || e->domid != 0 || e->frame >= f->nr_frames ||
        f->owner[e->frame] != domid)
        return -EINVAL;
    *fd = f->memfd;
    *off = (off_t)e->frame * PG;
    return 0;
}

const struct hv_ops *fake_hv_ops(struct fake_hv *f) { return &f->ops; }
void fake_hv_fail_at(struct fake_hv *f, unsigned int n) { f->fail_at = n; }
unsigned int fake_hv_calls(const struct fake_hv *f) { return f->calls; }
unsigned int fake_hv_live_mappings(const struct fake_hv *f) { return f->live_maps; }
void *fake_hv_frame(struct fake_hv *f, xen_pfn_t mfn) { return f->mem + mfn * PG; }
uint64_t fake_hv_m2p(const struct fake_hv *f, xen_pfn_t mfn) { return f->m2p[mfn]; }
domid_t fake_hv_owner(const struct fake_hv *f, xen_pfn_t mfn) { return f->owner[mfn]; }
struct fake_domain *fake_hv_domain(struct fake_hv *f, domid_t domid) { return dom(f, domid); }

unsigned int fake_hv_free_frames(const struct fake_hv *f)
{
    unsigned int n = 0;

    for (unsigned int i = 1; i < f->nr_frames; i++)
        n += f->owner[i] == FREE_FRAME;
    return n;
}

unsigned int fake_hv_nr_domains(const struct fake_hv *f)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < FAKE_MAX_DOMAINS; i++)
        n += f->dom[i].exists;
    return n;
}
