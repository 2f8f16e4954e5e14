/*
 * xen_version (hypercall 17) and vm_assist (21).
 *
 * hv presents Xen's interface version 4.17 (hv/xen_version.h) and the
 * feature bits of what it implements for a 64-bit PV guest; an HVM guest
 * gets none of those (they are PV page-table features) and no PV
 * hypervisor hole in platform_parameters.  As with Xen's
 * default policy, any guest may read the version strings; the hv command
 * line is for dom0 only.
 */
#include <hv/domain.h>
#include <hv/hvm.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/bootinfo.h>
#include <hv/xen_version.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/version.h>
#include <public/features.h>

#define XEN_CAPABILITIES "xen-3.0-x86_64"
#define XEN_DENIED       "<denied>"

static u32 feature_submap0(const struct domain *d)
{
    u32 f;

    if (is_hvm_domain(d))
        return 0;
    f = (1U << XENFEAT_mmu_pt_update_preserve_ad) |
            (1U << XENFEAT_highmem_assist) |        /* CLEAR_PAGE, COPY_PAGE */
            (1U << XENFEAT_gnttab_map_avail_bits) | /* Linux PV requires it */
            (1U << XENFEAT_direct_mapped);

    if (vm_assist_enabled(d, VMASST_TYPE_pae_extended_cr3))
        f |= 1U << XENFEAT_pae_pgdir_above_4gb;
    if (d->is_privileged && d->domain_id == 0)
        f |= 1U << XENFEAT_dom0;
    return f;
}

static long copy_string_out(xen_guest_handle_t arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size) ? -EFAULT : 0;
}

long do_xen_version(int cmd, xen_guest_handle_t arg)
{
    struct domain *d = current->domain;
    struct xen_compile_info info;
    struct xen_feature_info fi;
    struct xen_platform_parameters pp;
    u8 handle[16];

    switch (cmd) {
    case XENVER_version:
        return (XEN_INTERFACE_MAJOR << 16) | XEN_INTERFACE_MINOR;
    case XENVER_extraversion:
        return copy_string_out(arg, XEN_EXTRAVERSION, sizeof(xen_extraversion_t));
    case XENVER_compile_info:
        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, "gcc " __VERSION__, sizeof(info.compiler));
        strlcpy(info.compile_by, "heron", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "heron", sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__ " " __TIME__, sizeof(info.compile_date));
        return copy_to_guest(arg, &info, sizeof(info)) ? -EFAULT : 0;
    case XENVER_capabilities:
        return copy_string_out(arg, XEN_CAPABILITIES, sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string_out(arg, "unavailable", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters:
        pp.virt_start = is_hvm_domain(d) ? 0 : HYPERVISOR_VIRT_START;
        return copy_to_guest(arg, &pp, sizeof(pp)) ? -EFAULT : 0;
    case XENVER_get_features:
        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx != 0)
            return -EINVAL;
        fi.submap = feature_submap0(d);
        return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
    case XENVER_pagesize:
        return arg ? -EINVAL : (long)PAGE_SIZE;
    case XENVER_guest_handle:
        memset(handle, 0, sizeof(handle));
        return copy_to_guest(arg, handle, sizeof(handle)) ? -EFAULT : 0;
    case XENVER_commandline:
        return copy_string_out(arg, d->is_privileged ? bootinfo.cmdline : XEN_DENIED,
                               sizeof(xen_commandline_t));
    case XENVER_build_id:
        return d->is_privileged ? -XEN_ENODATA : -EPERM;
    default:
        return -ENOSYS;
    }
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct domain *d = current->domain;

    if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        __atomic_fetch_or(&d->vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
        break;
    case VMASST_CMD_disable:
        __atomic_fetch_and(&d->vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
        break;
    default:
        return -ENOSYS;
    }
    /* architectural_iopl moves the guest kernel's virtual CPL. */
    pv_io_privilege_changed_domain(d);
    return 0;
}
