/*
 * sysctl (hypercall 35): host-wide queries for the toolstack, Xen 4.17's
 * ABI (interface version 0x15).  As in Xen: the struct is read
 * (-EFAULT), the version must match (-EACCES), the caller must be
 * privileged (-EPERM), unknown commands are -ENOSYS.
 */
#include <hv/domain.h>
#include <hv/domctl.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/hvm.h>
#include <hv/mm.h>
#include <hv/alloc_fault.h>
#include <hv/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/time.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/sysctl.h>

/* hv runs its vCPUs on the boot CPU only. */
#define HV_NR_CPUS 1

static void physinfo(struct xen_sysctl_physinfo *pi)
{
    struct mm_stats s;

    mm_get_stats(&s);
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = 1;
    pi->nr_cpus = HV_NR_CPUS;
    pi->max_cpu_id = HV_NR_CPUS - 1;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = tsc_khz;
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv;
    if (!hvm_unavailable_reason())
        pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
    pi->total_pages = s.ram;
    pi->free_pages = free_frames();
    pi->max_mfn = max_mfn - 1;
}

/* Domains with id >= first_domain, in id order, at most max_domains. */
static long getdomaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    u32 n = 0;
    u32 next = l->first_domain;
    struct domain *d;

    while (n < l->max_domains && next < DOMID_FIRST_RESERVED &&
           (d = get_domain_from_id(next)) != NULL) {
        getdomaininfo(d, &info);
        next = d->domain_id + 1;
        put_domain(d);
        if (copy_to_guest(guest_elem(l->buffer, n, struct xen_domctl_getdomaininfo),
                          &info, sizeof(info)))
            return -EFAULT;
        n++;
    }
    l->num_domains = n;
    return 0;
}

long do_sysctl(xen_guest_handle_t arg)
{
    struct xen_sysctl op;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!current->domain->is_privileged)
        return -EPERM;

    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        rc = 0;
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = getdomaininfolist(&op.u.getdomaininfolist);
        break;
    case HERON_SYSCTL_fail_alloc:
        /* A test hook: only an hv booted with `fail_alloc` offers it. */
        rc = cmdline_find(bootinfo.cmdline, "fail_alloc", NULL, 0) ?
             alloc_fault_control(&op.u.fail_alloc) : -EOPNOTSUPP;
        break;
    default:
        return -ENOSYS;
    }
    if (rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
