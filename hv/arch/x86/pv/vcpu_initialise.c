/*
 * VCPUOP_initialise for a PV guest: the context a guest gives one of its
 * own vCPUs before bringing it up (Linux's cpu_initialize_context).  The
 * context is Xen's x86-64 struct vcpu_guest_context and is checked and
 * loaded exactly as the toolstack's setvcpucontext is (vcpu_context.c);
 * a vCPU takes a context only once (-EEXIST after that, as in Xen).
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/arch-x86_64.h>

long pv_vcpu_initialise(struct vcpu *v, xen_guest_handle_t arg)
{
    /* 5 KiB: too big for hv's stack. */
    struct vcpu_guest_context *c = xmalloc(sizeof(*c));
    long rc;

    if (!c)
        return -ENOMEM;
    if (copy_from_guest(c, arg, sizeof(*c)))
        rc = -EFAULT;
    else if (v->is_initialised)
        rc = -EEXIST;
    else
        rc = pv_set_vcpu_context(v, c);
    xfree(c);
    return rc;
}
