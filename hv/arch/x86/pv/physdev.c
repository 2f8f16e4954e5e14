/*
 * physdev_op (hypercall 33).  hv gives guests no physical IRQs yet; the
 * only operation is set_iopl, which records the virtual I/O privilege
 * level.  It decides whether the vCPU's port I/O is emulated (ioport.c:
 * the hardware domain reaches the ports hv does not drive itself) or a
 * #GP, and shows in the RFLAGS.IOPL of bounce frames when the guest
 * enabled VMASST_TYPE_architectural_iopl.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/errno.h>
#include <public/physdev.h>
#include "private.h"

long do_physdev_op(int cmd, xen_guest_handle_t arg)
{
    struct physdev_set_iopl iopl;

    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        if (copy_from_guest(&iopl, arg, sizeof(iopl)))
            return -EFAULT;
        if (iopl.iopl > 3)
            return -EINVAL;
        current->arch.iopl = iopl.iopl << 12;
        pv_io_privilege_changed(current);
        return 0;
    default:
        return -ENOSYS;
    }
}
