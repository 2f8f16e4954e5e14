/*
 * sched_op (hypercall 29): yield, block, poll, shutdown.  Blocking never
 * waits inside hv: the vCPU is marked and the scheduler runs on the way
 * back to the guest; the hypercall "returns" when the vCPU runs again.
 */
#include <hv/sched.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/sched.h>

#define MAX_POLL_PORTS 128

long sched_op_poll(const struct sched_poll *p)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    evtchn_port_t port = 0;
    long rc = 0;

    if (p->nr_ports > MAX_POLL_PORTS)
        return -EINVAL;
    /* An HVM guest's addresses are its own: the copies below check them. */
    if (!v->hvm && !guest_access_ok(p->ports, (size_t)p->nr_ports * sizeof(port)))
        return -EFAULT;

    /* Mark first, then look: an event set meanwhile wakes us. */
    v->poll_evtchn = -1;
    __atomic_fetch_or(&d->poll_mask, 1UL << v->vcpu_id, __ATOMIC_SEQ_CST);
    vcpu_pause_flag(v, VPF_blocked);

    if (vcpu_events_need_delivery(v))
        goto out;
    for (unsigned int i = 0; i < p->nr_ports; i++) {
        if (copy_from_guest(&port, guest_elem(p->ports, i, evtchn_port_t),
                            sizeof(port))) {
            rc = -EFAULT;
            goto out;
        }
        if (!evtchn_port_valid(d, port)) {
            rc = -EINVAL;
            goto out;
        }
        if (evtchn_port_is_pending(d, port))
            goto out;
    }
    /* Port 0 is never bound: Xen takes a poll on it alone as one on any
     * port, and so does sched_poll_wake with -1. */
    if (p->nr_ports == 1 && port)
        v->poll_evtchn = port;
    if (p->timeout)
        set_timer(&v->poll_timer, p->timeout);
    return 0;

out:
    vcpu_unblock(v);
    return rc;
}

static bool shutdown_reason_ok(u32 reason)
{
    return reason <= SHUTDOWN_soft_reset;
}

long do_sched_op(int cmd, xen_guest_handle_t arg)
{
    struct sched_shutdown sd;
    struct sched_remote_shutdown rs;
    struct sched_poll poll;
    struct domain *d;

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;
    case SCHEDOP_block:
        vcpu_block_enable_events();
        return 0;
    case SCHEDOP_shutdown:
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -EFAULT;
        if (!shutdown_reason_ok(sd.reason))
            return -EINVAL;
        domain_shutdown(current->domain, sd.reason);
        return 0;
    case SCHEDOP_shutdown_code:
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -EFAULT;
        if (!shutdown_reason_ok(sd.reason))
            return -EINVAL;
        d = current->domain;
        spin_lock(&d->shutdown_lock);
        if (d->shutdown_code == SHUTDOWN_CODE_NONE)
            d->shutdown_code = sd.reason;
        spin_unlock(&d->shutdown_lock);
        return 0;
    case SCHEDOP_poll:
        if (copy_from_guest(&poll, arg, sizeof(poll)))
            return -EFAULT;
        return sched_op_poll(&poll);
    case SCHEDOP_remote_shutdown:
        if (copy_from_guest(&rs, arg, sizeof(rs)))
            return -EFAULT;
        d = get_domain_by_id(rs.domain_id);
        if (!d)
            return -ESRCH;
        if (!current->domain->is_privileged) {
            put_domain(d);
            return -EPERM;
        }
        if (!shutdown_reason_ok(rs.reason)) {
            put_domain(d);
            return -EINVAL;
        }
        domain_shutdown(d, rs.reason);
        put_domain(d);
        return 0;
    default:
        return -ENOSYS;     /* sched_op watchdog, pin_override, unknown */
    }
}
