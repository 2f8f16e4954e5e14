/*
 * How a PV guest tells hv where to bounce it: the virtual IDT
 * (set_trap_table), the event, failsafe and syscall callbacks
 * (set_callbacks, callback_op), its kernel stack (stack_switch) and its
 * virtual CR0.TS (fpu_taskswitch).  Addresses must be canonical: hv
 * returns to them with iretq.
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/page.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/callback.h>
#include "private.h"

/* A table longer than the IDT would only repeat vectors. */
#define MAX_TRAP_ENTRIES 256

long do_set_trap_table(xen_guest_handle_t traps)
{
    struct vcpu *v = current;
    struct trap_info *table;
    struct trap_info cur;
    unsigned int i;
    long rc = 0;

    if (traps == 0) {
        memset(v->arch.trap_ctxt, 0, sizeof(v->arch.trap_ctxt));
        return 0;
    }
    /* Validate the whole list into a copy; only a good list replaces the
     * current table (entries not named keep their handler, as in Xen). */
    table = xmalloc(sizeof(v->arch.trap_ctxt));
    if (!table)
        return -ENOMEM;
    memcpy(table, v->arch.trap_ctxt, sizeof(v->arch.trap_ctxt));
    for (i = 0;; i++) {
        if (copy_from_guest(&cur, guest_elem(traps, i, struct trap_info),
                            sizeof(cur))) {
            rc = -EFAULT;
            break;
        }
        if (cur.address == 0)
            break;
        if (i == MAX_TRAP_ENTRIES || !is_canonical_address(cur.address)) {
            rc = -EINVAL;
            break;
        }
        table[cur.vector] = cur;
    }
    if (rc == 0)
        memcpy(v->arch.trap_ctxt, table, sizeof(v->arch.trap_ctxt));
    xfree(table);
    return rc;
}

static long register_callback(struct vcpu *v, const struct callback_register *cb)
{
    bool mask = cb->flags & CALLBACKF_mask_events;

    if (!is_canonical_address(cb->address) || (cb->flags & ~CALLBACKF_mask_events))
        return -EINVAL;
    switch (cb->type) {
    case CALLBACKTYPE_event:
        v->arch.event_callback = cb->address;           /* always masks */
        return 0;
    case CALLBACKTYPE_failsafe:
        v->arch.failsafe_callback = cb->address;
        v->arch.vgc_flags = mask ? v->arch.vgc_flags | VGCF_failsafe_disables_events
                                 : v->arch.vgc_flags & ~VGCF_failsafe_disables_events;
        return 0;
    case CALLBACKTYPE_syscall:
        v->arch.syscall_callback = cb->address;
        v->arch.vgc_flags = mask ? v->arch.vgc_flags | VGCF_syscall_disables_events
                                 : v->arch.vgc_flags & ~VGCF_syscall_disables_events;
        return 0;
    case CALLBACKTYPE_syscall32:
        v->arch.syscall32_callback = cb->address;
        return 0;
    case CALLBACKTYPE_nmi:
        v->arch.nmi_callback = cb->address;
        return 0;
    default:
        return -ENOSYS;             /* sysenter and unknown types */
    }
}

/* As Xen: each registration stands alone; a refused one (non-canonical
 * address) changes nothing and the call still returns 0. */
long do_set_callbacks(u64 event, u64 failsafe, u64 syscall)
{
    const struct callback_register cbs[3] = {
        { .type = CALLBACKTYPE_event, .address = event },
        { .type = CALLBACKTYPE_failsafe, .address = failsafe },
        { .type = CALLBACKTYPE_syscall, .address = syscall },
    };

    for (unsigned int i = 0; i < 3; i++)
        register_callback(current, &cbs[i]);
    return 0;
}

long do_callback_op(int cmd, xen_guest_handle_t arg)
{
    struct callback_register reg;
    struct callback_unregister unreg;

    switch (cmd) {
    case CALLBACKOP_register:
        if (copy_from_guest(&reg, arg, sizeof(reg)))
            return -EFAULT;
        return register_callback(current, &reg);
    case CALLBACKOP_unregister:
        if (copy_from_guest(&unreg, arg, sizeof(unreg)))
            return -EFAULT;
        switch (unreg.type) {
        case CALLBACKTYPE_nmi:
            current->arch.nmi_callback = 0;
            return 0;
        case CALLBACKTYPE_event:
        case CALLBACKTYPE_failsafe:
        case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32:
        case CALLBACKTYPE_sysenter:
            return -EINVAL;         /* these can only be replaced */
        default:
            return -ENOSYS;
        }
    default:
        return -ENOSYS;
    }
}

/* Any value is taken, as in Xen: a bad stack only shows (as a crash of
 * the domain) when a bounce from user mode tries to write a frame on it. */
__hot_path long do_stack_switch(u64 ss, u64 esp)
{
    struct vcpu *v = current;

    v->arch.kernel_ss = ss | 3;
    v->arch.kernel_sp = esp;
    return 0;
}

long do_fpu_taskswitch(int set)
{
    fpu_set_guest_ts(current, set != 0);
    return 0;
}
