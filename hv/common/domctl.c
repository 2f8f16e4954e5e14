/*
 * domctl (hypercall 36): the toolstack's control of domains, with Xen
 * 4.17's ABI (interface version 0x15) and semantics.  docs/domctl.md
 * lists the sub-ops and the order a domain builder uses them in.
 *
 * The order of the checks is Xen's: the struct is read (-EFAULT), the
 * interface version must match (-EACCES), the named domain must exist
 * (-ESRCH; not for createdomain, and getdomaininfo looks further), and
 * only then is the caller's privilege checked (-EPERM).  Unknown
 * commands are -ENOSYS.  Each sub-op validates its arguments before it
 * changes anything; the struct is copied back only by the sub-ops that
 * return something in it (createdomain, getdomaininfo, getvcpuinfo,
 * getvcpucontext).
 */
#include <hv/domain.h>
#include <hv/domctl.h>
#include <hv/sched.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/grant_table.h>
#include <hv/mm.h>
#include <hv/hvm.h>
#include <hv/hvm_build.h>
#include <hv/pv.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/domctl.h>
#include <public/sched.h>

/* The flags a PV domain may be created with; the others need hardware or
 * features hv does not have (an IOMMU, a vPMU, TBOOT) or are HVM-only. */
#define CDF_PV_OK (XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain)
#define CDF_KNOWN (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | \
                   XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off | \
                   XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu | \
                   XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu)
#define GRANT_V1  1
#define XEN_MAX_MAPTRACK_FRAMES 1024    /* Xen's default gnttab_max_maptrack_frames */

void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    u32 flags = XEN_DOMINF_blocked;
    u32 code = d->shutdown_code == SHUTDOWN_CODE_NONE ? ~0u : d->shutdown_code;
    u64 cpu_time = 0;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    /* Blocked only if every online vCPU is; running if any one is. */
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        cpu_time += vcpu_run_time(v);
        info->max_vcpu_id = i;
        if (v->pause_flags & VPF_down)
            continue;
        if (!(v->pause_flags & VPF_blocked))
            flags &= ~XEN_DOMINF_blocked;
        if (v->is_running)
            flags |= XEN_DOMINF_running;
        info->nr_online_vcpus++;
    }
    info->cpu_time = cpu_time;
    /* Xen's shutdown code is ~0 until the domain names one: the reason
     * field then reads 255 (and bits above it are set too). */
    info->flags = (info->nr_online_vcpus ? flags : 0) |
                  (d->is_dying ? XEN_DOMINF_dying : 0) |
                  (d->shutdown_state != SHUTDOWN_RUNNING ? XEN_DOMINF_shutdown : 0) |
                  (d->controller_pause_count ? XEN_DOMINF_paused : 0) |
                  (d->is_xs_domain ? XEN_DOMINF_xs_domain : 0) |
                  (is_hvm_domain(d) ? XEN_DOMINF_hvm_guest | XEN_DOMINF_hap : 0) |
                  code << XEN_DOMINF_shutdownshift;
    /* The guest's own frames: shared_info and the grant table are hv's
     * in Xen and count elsewhere. */
    info->tot_pages = d->tot_pages - d->extra_pages - grant_table_nr_frames(d);
    info->max_pages = d->max_pages - d->extra_pages - GNTTAB_DEFAULT_MAX_FRAMES;
    /* PV: the gfn of a frame is its mfn. */
    info->shared_info_frame = d->shared_info ? virt_to_maddr(d->shared_info) >> PAGE_SHIFT : 0;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->gpaddr_bits = 52;
}

/* Xen's rover: ids are handed out in increasing order, wrapping. */
static domid_t next_free_domid(void)
{
    static domid_t rover;

    for (domid_t id = rover + 1; id != rover; id++) {
        if (id >= DOMID_FIRST_RESERVED)
            id = 1;
        if (!domain_id_in_use(id)) {
            rover = id;
            return id;
        }
    }
    return 0;
}

static int check_createdomain(const struct xen_domctl_createdomain *c)
{
    if (c->flags & ~CDF_KNOWN)
        return -EINVAL;
    if (c->flags & XEN_DOMCTL_CDF_hvm) {
        /* No SVM with NPT, no VMX with EPT (hv said why at boot); and hv
         * has no shadow paging, so HVM needs HAP. */
        if (hvm_unavailable_reason() || !(c->flags & XEN_DOMCTL_CDF_hap))
            return -EOPNOTSUPP;
        if (c->flags & ~(CDF_PV_OK | XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap))
            return -EINVAL;
        if (c->max_vcpus != 1)          /* one vCPU per HVM domain */
            return -EINVAL;
    } else if (c->flags & ~CDF_PV_OK) {
        return -EINVAL;
    }
    if (c->max_vcpus == 0 || c->max_vcpus > MAX_VIRT_CPUS)
        return -EINVAL;
    if (c->iommu_opts || c->vmtrace_size || c->arch.emulation_flags ||
        c->arch.misc_flags)
        return -EINVAL;
    if (c->cpupool_id)
        return -ENOENT;
    if ((c->grant_opts & XEN_DOMCTL_GRANT_version_mask) != GRANT_V1 ||
        (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask))
        return -EINVAL;
    /* Xen's limits (-1: the default).  The grant frames count against
     * the domain's quota up to hv's default, so no more may be asked for;
     * the maptrack size is checked but hv keeps its own (in entries). */
    if (c->max_grant_frames == 0 || c->max_grant_frames > GNTTAB_DEFAULT_MAX_FRAMES ||
        c->max_maptrack_frames > XEN_MAX_MAPTRACK_FRAMES)
        return -EINVAL;
    return 0;
}

static long createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    struct domain *d;
    domid_t id = op->domain;
    int rc;

    /* The id first, as in Xen: a refused request still moves the rover. */
    if (id > 0 && id < DOMID_FIRST_RESERVED) {
        if (domain_id_in_use(id))
            return -EEXIST;
    } else if ((id = next_free_domid()) == 0) {
        return -ENOMEM;
    }
    rc = check_createdomain(c);
    if (rc)
        return rc;
    if (c->flags & XEN_DOMCTL_CDF_hvm)
        d = domain_create_hvm_controlled(id, c->max_vcpus, &rc);
    else
        d = domain_create_controlled(id, c->max_vcpus, &rc);
    if (!d)
        return rc;
    if (c->max_grant_frames > 0) {
        rc = grant_table_set_limits(d, c->max_grant_frames,
                                    GNTTAB_DEFAULT_MAX_MAPTRACK);
        if (rc) {
            domain_destroy_unstarted(d);
            return rc;
        }
    }
    memcpy(d->handle, c->handle, sizeof(d->handle));
    d->is_xs_domain = c->flags & XEN_DOMCTL_CDF_xs_domain;
    d->has_memory_map = !is_hvm_domain(d);
    printk("hv: domain %u created by domain %u (%u vCPUs%s)\n", id,
           current->domain->domain_id, c->max_vcpus, is_hvm_domain(d) ? ", HVM" : "");
    op->domain = id;
    return 0;
}

static long max_mem(struct domain *d, const struct xen_domctl_max_mem *m)
{
    u64 pages = m->max_memkb >> (PAGE_SHIFT - 10);
    u64 overhead = d->extra_pages + GNTTAB_DEFAULT_MAX_FRAMES;

    /* As Xen: lowering it below tot_pages is allowed (no new allocations
     * until the domain is back under it). */
    spin_lock(&d->page_alloc_lock);
    d->max_pages = pages > ~0ULL - overhead ? ~0ULL : pages + overhead;
    spin_unlock(&d->page_alloc_lock);
    return 0;
}

static long max_vcpus(struct domain *d, const struct xen_domctl_max_vcpus *m)
{
    /* The count is fixed at createdomain; this makes the vCPUs. */
    if (d == current->domain || m->max != d->max_vcpus)
        return -EINVAL;
    return domain_create_vcpus(d);
}

static long setvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc;

    if (d == current->domain || is_hvm_domain(d) || !(v = domain_vcpu(d, vc->vcpu)))
        return -EINVAL;
    if (!vc->ctxt)
        return -EOPNOTSUPP;     /* Xen resets the vCPU; hv cannot yet */
    c = xmalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    rc = copy_from_guest(c, vc->ctxt, sizeof(*c)) ? -EFAULT : 0;
    if (!rc)
        rc = pv_set_vcpu_context(v, c);
    xfree(c);
    return rc;
}

static long getvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc;

    if (!(v = domain_vcpu(d, vc->vcpu)) || v == current || is_hvm_domain(d))
        return -EINVAL;
    if (!v->is_initialised)
        return -XEN_ENODATA;
    c = xmalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    pv_get_vcpu_context(v, c);
    rc = copy_to_guest(vc->ctxt, c, sizeof(*c)) ? -EFAULT : 0;
    xfree(c);
    return rc;
}

static long getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu *v;

    if (vi->vcpu >= d->max_vcpus)
        return -EINVAL;
    if (!(v = domain_vcpu(d, vi->vcpu)))
        return -ESRCH;
    vi->online = !(v->pause_flags & VPF_down);
    vi->blocked = !!(v->pause_flags & VPF_blocked);
    vi->running = v->is_running;
    vi->cpu_time = vcpu_run_time(v);
    vi->cpu = v->processor;
    return 0;
}

/*
 * Writes the hypercall stubs into frame gmfn of d (PV: gmfn is the
 * machine frame), as Xen does for a toolstack-built domain: a frame d
 * does not own is -EINVAL, one in use as a page table or descriptor
 * page -EPERM.
 */
static long hypercall_init(struct domain *d, const struct xen_domctl_hypercall_init *h)
{
    struct page_info *pg;

    if (is_hvm_domain(d) || !mfn_valid(h->gmfn))
        return -EINVAL;
    pg = mfn_to_page(h->gmfn);
    if (get_page(pg, d))
        return -EINVAL;
    if (get_page_type(pg, PGT_writable)) {
        put_page(pg);
        return -EPERM;
    }
    pv_write_hypercall_page(page_to_virt(pg));
    put_page_and_type(pg);
    return 0;
}

/* The largest kernel image and initrd HERON_DOMCTL_hvm_build copies in. */
#define HVM_BUILD_MAX_FILE (64ull << 20)
#define HVM_BUILD_MSG_MAX  256

static unsigned int order_of_bytes(u64 len)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < len)
        order++;
    return order;
}

/* A copy in hv of len bytes at the caller's src, or NULL (*rc set). */
static void *copy_file_in(xen_guest_handle_t src, u64 len, int *rc)
{
    void *p = alloc_xenheap_pages(order_of_bytes(len));

    *rc = -ENOMEM;
    if (p && copy_from_guest(p, src, len)) {
        free_xenheap_pages(p, order_of_bytes(len));
        *rc = -EFAULT;
        return NULL;
    }
    return p;
}

static int check_hvm_build(struct domain *d, const struct heron_domctl_hvm_build *b,
                           char *msg)
{
    u64 room = d->max_pages - d->extra_pages - GNTTAB_DEFAULT_MAX_FRAMES;

#define refuse(...) ({ snprintf(msg, HVM_BUILD_MSG_MAX, __VA_ARGS__); -EINVAL; })
    if (!is_hvm_domain(d))
        return refuse("domain %u is not an HVM domain", d->domain_id);
    if (d == current->domain || d->is_dying || d->shutdown_state != SHUTDOWN_RUNNING)
        return refuse("domain %u cannot be built now", d->domain_id);
    if (b->ram_kb % (PAGE_SIZE >> 10) || b->ram_kb < (HVM_MIN_RAM >> 10))
        return refuse("RAM of %lu KiB: not a whole number of pages of at least 2 MiB",
                      (unsigned long)b->ram_kb);
    if ((b->ram_kb >> (PAGE_SHIFT - 10)) > room)
        return refuse("RAM of %lu KiB is above the domain's max_mem",
                      (unsigned long)b->ram_kb);
    if ((b->ram_kb >> (PAGE_SHIFT - 10)) > free_frames()) {
        snprintf(msg, HVM_BUILD_MSG_MAX, "RAM of %lu KiB is more than hv has free "
                 "(%lu KiB)", (unsigned long)b->ram_kb,
                 (unsigned long)(free_frames() << (PAGE_SHIFT - 10)));
        return -ENOMEM;
    }
    if (!b->image || !b->image_len || b->image_len > HVM_BUILD_MAX_FILE)
        return refuse("no kernel, or a kernel above 64 MiB");
    if (!b->initrd != !b->initrd_len || b->initrd_len > HVM_BUILD_MAX_FILE)
        return refuse("an initrd without a length, or above 64 MiB");
    if (b->cmdline_len >= BZ_CMDLINE_MAX || (b->cmdline_len && !b->cmdline))
        return refuse("a command line of %u bytes (at most %u)", b->cmdline_len,
                      BZ_CMDLINE_MAX - 1);
#undef refuse
    return 0;
}

/*
 * HERON_DOMCTL_hvm_build: the arguments checked, the files copied into hv
 * (the caller's buffers, at most 64 MiB each), then hv's HVM builder.
 * The reason for a refusal goes back to the caller's msg buffer.
 */
static long hvm_build(struct domain *d, const struct heron_domctl_hvm_build *b)
{
    struct hvm_build_params p = { .domid = d->domain_id, .initrd_cmdline = "" };
    char *msg = xzalloc(HVM_BUILD_MSG_MAX), *cmdline = NULL;
    void *image = NULL, *initrd = NULL;
    int rc;

    if (!msg)
        return -ENOMEM;
    rc = check_hvm_build(d, b, msg);
    if (rc)
        goto out;
    p.nr_pages = b->ram_kb >> (PAGE_SHIFT - 10);
    cmdline = xzalloc(b->cmdline_len + 1);
    rc = !cmdline ? -ENOMEM
         : b->cmdline_len && copy_from_guest(cmdline, b->cmdline, b->cmdline_len) ? -EFAULT
         : 0;
    if (rc)
        goto copy_failed;
    if (strlen(cmdline) != b->cmdline_len) {
        rc = -EINVAL;
        snprintf(msg, HVM_BUILD_MSG_MAX, "a NUL inside the command line");
        goto out;
    }
    if (!(image = copy_file_in(b->image, b->image_len, &rc)) ||
        (b->initrd && !(initrd = copy_file_in(b->initrd, b->initrd_len, &rc))))
        goto copy_failed;
    p.image = image;
    p.image_len = b->image_len;
    p.initrd = initrd;
    p.initrd_len = b->initrd_len;
    p.cmdline = cmdline;
    rc = hvm_build_into(d, &p, msg, HVM_BUILD_MSG_MAX);
    goto out;

copy_failed:
    snprintf(msg, HVM_BUILD_MSG_MAX, rc == -EFAULT ? "cannot read the caller's buffers"
             : "no hv memory for a copy of the files");
out:
    if (rc) {
        printk("hv: domain %u: HVM build refused: %s\n", d->domain_id, msg);
        if (b->msg && b->msg_len) {
            if (b->msg_len < HVM_BUILD_MSG_MAX)
                msg[b->msg_len - 1] = '\0';    /* cut to fit, still terminated */
            copy_to_guest(b->msg, msg, strlen(msg) + 1);
        }
    }
    if (image)
        free_xenheap_pages(image, order_of_bytes(b->image_len));
    if (initrd)
        free_xenheap_pages(initrd, order_of_bytes(b->initrd_len));
    xfree(cmdline);
    xfree(msg);
    return rc;
}

/* The sub-ops that name an existing domain d (a reference is held). */
static long domain_op(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    long rc;

    switch (op->cmd) {
    case XEN_DOMCTL_destroydomain:
        return domain_kill(d);
    case XEN_DOMCTL_pausedomain:
        return d == current->domain ? -EINVAL : domain_pause_by_controller(d);
    case XEN_DOMCTL_unpausedomain:
        return domain_unpause_by_controller(d);
    case XEN_DOMCTL_getdomaininfo:
        getdomaininfo(d, &op->u.getdomaininfo);
        op->domain = d->domain_id;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_max_mem:
        return max_mem(d, &op->u.max_mem);
    case XEN_DOMCTL_max_vcpus:
        return max_vcpus(d, &op->u.max_vcpus);
    case XEN_DOMCTL_setvcpucontext:
        return setvcpucontext(d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpucontext:
        rc = getvcpucontext(d, &op->u.vcpucontext);
        *copyback = rc == 0;
        return rc;
    case XEN_DOMCTL_hypercall_init:
        return hypercall_init(d, &op->u.hypercall_init);
    case HERON_DOMCTL_hvm_build:
        return hvm_build(d, &op->u.hvm_build);
    case XEN_DOMCTL_getvcpuinfo:
        rc = getvcpuinfo(d, &op->u.getvcpuinfo);
        *copyback = rc == 0;
        return rc;
    default:
        return -ENOSYS;
    }
}

long do_domctl(xen_guest_handle_t arg)
{
    struct xen_domctl op;
    struct domain *d = NULL;
    bool copyback = false;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;

    if (op.cmd == XEN_DOMCTL_getdomaininfo) {
        /* The first domain with an id at or above the one asked for; the
         * xenstore domain may ask too (Xen's XSM_XS_PRIV). */
        if (!current->domain->is_privileged && !current->domain->is_xs_domain)
            return -EPERM;
        if (op.domain >= DOMID_FIRST_RESERVED)
            return -EINVAL;
        if (!(d = get_domain_from_id(op.domain)))
            return -ESRCH;
    } else if (op.cmd != XEN_DOMCTL_createdomain) {
        if (!(d = get_domain_by_id(op.domain)))
            return -ESRCH;
        if (!current->domain->is_privileged) {
            rc = -EPERM;
            goto out;
        }
    } else if (!current->domain->is_privileged) {
        return -EPERM;
    }

    if (op.cmd == XEN_DOMCTL_createdomain) {
        rc = createdomain(&op);
        copyback = rc == 0;
    } else {
        rc = domain_op(&op, d, &copyback);
        /* A vCPU of the domain is still on a CPU: try again later. */
        if (rc == -EAGAIN && op.cmd == XEN_DOMCTL_destroydomain) {
            put_domain(d);
            return hypercall_create_continuation(__HYPERVISOR_domctl, arg,
                                                 0, 0, 0, 0);
        }
    }
    if (copyback && copy_to_guest(arg, &op, sizeof(op)))
        rc = -EFAULT;
out:
    if (d)
        put_domain(d);
    return rc;
}
