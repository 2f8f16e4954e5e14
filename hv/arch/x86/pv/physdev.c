/*
 * physdev_op (hypercall 33).  set_iopl records the virtual I/O privilege
 * level: it decides whether the vCPU's port I/O is emulated (ioport.c:
 * the hardware domain reaches the ports hv does not drive itself) or a
 * #GP, and shows in the RFLAGS.IOPL of bounce frames when the guest
 * enabled VMASST_TYPE_architectural_iopl.  map_pirq, unmap_pirq, eoi and
 * irq_status_query give the hardware domain its ISA interrupt lines
 * (pirq.c): GSIs only, mapped to the domain itself, pirq = GSI.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/errno.h>
#include <hv/pirq.h>
#include <public/physdev.h>
#include "private.h"

/* The hardware domain maps only for itself: no passthrough to others. */
static bool own_domid(domid_t id)
{
    return id == DOMID_SELF || id == current->domain->domain_id;
}

static long physdev_map_pirq(xen_guest_handle_t arg)
{
    struct physdev_map_pirq map;
    int rc;

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (!own_domid(map.domid))
        return -EPERM;
    if (map.type != MAP_PIRQ_TYPE_GSI)
        return -EINVAL;
    rc = pirq_map_gsi(current->domain, map.index, &map.pirq);
    if (rc)
        return rc;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long physdev_unmap_pirq(xen_guest_handle_t arg)
{
    struct physdev_unmap_pirq unmap;

    if (copy_from_guest(&unmap, arg, sizeof(unmap)))
        return -EFAULT;
    if (!own_domid(unmap.domid))
        return -EPERM;
    return pirq_unmap(current->domain, unmap.pirq);
}

static long physdev_irq_status_query(xen_guest_handle_t arg)
{
    struct physdev_irq_status_query q;
    int flags;

    if (copy_from_guest(&q, arg, sizeof(q)))
        return -EFAULT;
    flags = pirq_status(current->domain, q.irq);
    if (flags < 0)
        return flags;
    q.flags = flags;
    return copy_to_guest(arg, &q, sizeof(q)) ? -EFAULT : 0;
}

long do_physdev_op(int cmd, xen_guest_handle_t arg)
{
    struct physdev_set_iopl iopl;
    struct physdev_eoi eoi;

    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        if (copy_from_guest(&iopl, arg, sizeof(iopl)))
            return -EFAULT;
        if (iopl.iopl > 3)
            return -EINVAL;
        current->arch.iopl = iopl.iopl << 12;
        pv_io_privilege_changed(current);
        return 0;
    case PHYSDEVOP_map_pirq:
        return physdev_map_pirq(arg);
    case PHYSDEVOP_unmap_pirq:
        return physdev_unmap_pirq(arg);
    case PHYSDEVOP_eoi:
        if (copy_from_guest(&eoi, arg, sizeof(eoi)))
            return -EFAULT;
        return pirq_eoi(current->domain, eoi.irq);
    case PHYSDEVOP_irq_status_query:
        return physdev_irq_status_query(arg);
    default:
        return -ENOSYS;
    }
}
