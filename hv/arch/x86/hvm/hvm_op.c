/*
 * hvm_op (hypercall 34) from an HVM guest: HVMOP_set_param and
 * HVMOP_get_param of its own HVM_PARAM_CALLBACK_IRQ, the vector its
 * event-channel upcalls arrive on (irq.c injects it while vCPU 0..N's
 * evtchn_upcall_pending is set, as Xen's vector callback does).  The
 * GSI and PCI INTx callback types need a platform PCI device hv does not
 * have: -EINVAL, as is every other parameter (docs/hvm.md).
 */
#include <hv/hvm.h>
#include <hv/hvm_irq.h>
#include <hv/guest_access.h>
#include <hv/errno.h>
#include <public/hvm/hvm_op.h>

/* Exceptions and the 8259's usual bases stay out of reach. */
#define CALLBACK_VECTOR_MIN 0x20

static long set_callback(struct domain *d, u64 value)
{
    unsigned int type = value >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;
    u64 arg = value & ((1ull << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) - 1);

    if (value != 0 && (type != HVM_PARAM_CALLBACK_TYPE_VECTOR ||
                       arg < CALLBACK_VECTOR_MIN || arg > 0xff))
        return -EINVAL;
    d->hvm->callback_param = value;
    /* An upcall already pending is delivered now. */
    hvm_kick_all(d);
    return 0;
}

long hvm_do_hvm_op(unsigned int cmd, u64 arg)
{
    struct domain *d = current->domain;
    struct xen_hvm_param p;

    if (cmd != HVMOP_set_param && cmd != HVMOP_get_param)
        return -ENOSYS;
    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.domid != DOMID_SELF && p.domid != d->domain_id)
        return -EPERM;
    if (p.index != HVM_PARAM_CALLBACK_IRQ)
        return -EINVAL;
    if (cmd == HVMOP_set_param)
        return set_callback(d, p.value);
    p.value = d->hvm->callback_param;
    return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
}
