/*
 * multicall (hypercall 13): a batch of hypercalls in 64-byte entries.
 * Each entry's result goes back into the entry; an entry that fails does
 * not stop the batch (the guest checks every result), as in Xen.  A
 * multicall inside a multicall gets -EINVAL as its result.  The batch
 * stops after an iret entry (whose result is written if it still can be,
 * and returned: the guest's RAX), when the domain shuts down, or when an entry
 * or its result cannot be accessed (-EFAULT); between entries it can be
 * preempted (continuation with the rest of the list).
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/errno.h>
#include <hv/lib.h>

__hot_path long do_multicall(xen_guest_handle_t list, unsigned int nr_calls)
{
    struct vcpu *v = current;
    struct multicall_entry call;
    long rc = 0;
    unsigned int i;

    /* As Xen, the count is not bounded up front: entries run until one
     * cannot be read (preemption keeps a huge count from hogging hv). */
    if (v->arch.in_multicall)
        return -EINVAL;

    for (i = 0; i < nr_calls; i++) {
        xen_guest_handle_t entry = guest_elem(list, i, struct multicall_entry);

        if (i && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_multicall, entry,
                                                 nr_calls - i, 0, 0, 0);
        if (copy_from_guest(&call, entry, sizeof(call))) {
            rc = -EFAULT;
            break;
        }
        v->arch.in_multicall = true;
        call.result = hypercall_call(call.op, call.args);
        v->arch.in_multicall = false;
        if (call.op == __HYPERVISOR_iret) {
            /* Best effort, as in Xen, where after an iret to user mode
             * the list is no longer mapped (hv keeps the kernel's tables
             * until the exit).  The result is the guest's RAX. */
            copy_to_guest(entry + offsetof(struct multicall_entry, result),
                          &call.result, sizeof(call.result));
            rc = call.result;
            break;
        }
        if (copy_to_guest(entry + offsetof(struct multicall_entry, result),
                          &call.result, sizeof(call.result))) {
            rc = -EFAULT;
            break;
        }
        if (v->domain->shutdown_state != SHUTDOWN_RUNNING)
            break;
    }
    return rc;
}
