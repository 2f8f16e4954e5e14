/*
 * vcpu_op (hypercall 24) and set_timer_op (15): bringing a domain's
 * other vCPUs up and down, vCPU state queries, runstate and time areas,
 * the one-shot and periodic timers that raise VIRQ_TIMER, and moving
 * vcpu_info out of shared_info.
 *
 * A vCPU is created offline (VPF_down).  VCPUOP_initialise gives it its
 * first context (once), VCPUOP_up clears VPF_down and the scheduler runs
 * it; VCPUOP_down sets VPF_down again (for the caller itself, it leaves
 * the CPU on its way out of hv and the hypercall returns 0 when it is
 * brought up again).  Taking the last online vCPU down powers the
 * domain off, as in Xen.
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/vtime.h>
#include <hv/time.h>
#include <hv/mm.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/vcpu.h>
#include <public/sched.h>

#define STIME_DELTA_MAX ((s_time_t)(~0ULL >> 2))
/* Linux's jiffies wrap can ask for absurd deadlines; Xen fires those
 * after 100 ms instead (2^50 ns is about 13 days). */
#define TIMEOUT_TOO_FAR (1LL << 50)

long do_set_timer_op(s64 timeout)
{
    struct vcpu *v = current;
    s_time_t offset = timeout - NOW();

    if (timeout == 0)
        stop_timer(&v->singleshot_timer);
    else if (timeout < 0 || offset > TIMEOUT_TOO_FAR)
        set_timer(&v->singleshot_timer, NOW() + MILLISECS(100));
    else
        set_timer(&v->singleshot_timer, timeout);
    return 0;
}

static void runstate_now(const struct vcpu *v, struct vcpu_runstate_info *r)
{
    s_time_t now = NOW();

    *r = v->runstate;
    if (now > (s_time_t)r->state_entry_time)
        r->time[r->state] += now - r->state_entry_time;
}

/*
 * vcpu_info moves into a frame of the guest's (typed writable while it
 * is there).  Everything is marked pending so no event is lost.
 */
static long register_vcpu_info(struct vcpu *v, xen_guest_handle_t arg)
{
    struct vcpu_register_vcpu_info info;
    struct domain *d = v->domain;
    struct page_info *pg;
    vcpu_info_t *new;

    if (copy_from_guest(&info, arg, sizeof(info)))
        return -EFAULT;
    if (v->vcpu_info_page)
        return -EINVAL;                 /* once only */
    if (v != current && !(v->pause_flags & VPF_down))
        return -EINVAL;
    if (!mfn_valid(info.mfn))
        return -EINVAL;
    /* Inside one page, naturally aligned (Xen's -ENXIO). */
    if (info.offset > PAGE_SIZE - sizeof(vcpu_info_t) ||
        (info.offset & (__alignof__(vcpu_info_t) - 1)))
        return -XEN_ENXIO;
    pg = mfn_to_page(info.mfn);
    if (get_page_and_type(pg, d, PGT_writable))
        return -EINVAL;

    new = (vcpu_info_t *)((u8 *)page_to_virt(pg) + info.offset);
    memcpy(new, v->vcpu_info, sizeof(*new));
    v->vcpu_info = new;
    v->vcpu_info_page = pg;
    __atomic_store_n(&new->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&new->evtchn_pending_sel, ~0UL, __ATOMIC_SEQ_CST);
    update_vcpu_system_time(v);
    vcpu_kick(v);
    return 0;
}

static long vcpu_up(struct vcpu *v)
{
    if (!v->is_initialised)
        return -EINVAL;
    vcpu_unpause_flag(v, VPF_down);
    return 0;
}

static long vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *o = d->vcpu[i];

        if (o && o != v && !(o->pause_flags & VPF_down)) {
            vcpu_pause_flag(v, VPF_down);
            return 0;
        }
    }
    domain_shutdown(d, SHUTDOWN_poweroff);
    return 0;
}

/* The runstate area of another vCPU of the caller's domain is written at
 * once, through the caller's page tables (Xen writes it at once too). */
static long register_runstate_area(struct vcpu *v, xen_guest_handle_t arg)
{
    struct vcpu_register_runstate_memory_area area;
    struct vcpu_runstate_info r;

    if (copy_from_guest(&area, arg, sizeof(area)))
        return -EFAULT;
    if (!guest_access_ok(area.addr, sizeof(r)))
        return -EFAULT;
    v->runstate_guest = area.addr;
    if (v == current) {
        vcpu_update_runstate_area(v);
    } else if (area.addr) {
        runstate_now(v, &r);
        copy_to_guest(area.addr, &r, sizeof(r));
    }
    return 0;
}

long do_vcpu_op(int cmd, unsigned int vcpuid, xen_guest_handle_t arg)
{
    struct vcpu *v = domain_vcpu(current->domain, vcpuid);
    struct vcpu_runstate_info r;
    struct vcpu_set_periodic_timer pt;
    struct vcpu_set_singleshot_timer st;
    struct vcpu_register_time_memory_area ta;

    if (!v)
        return -ENOENT;

    switch (cmd) {
    case VCPUOP_initialise:
        return pv_vcpu_initialise(v, arg);

    case VCPUOP_up:
        return vcpu_up(v);

    case VCPUOP_down:
        return vcpu_down(v);

    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_down);

    case VCPUOP_get_runstate_info:
        runstate_now(v, &r);
        return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;

    case VCPUOP_register_runstate_memory_area:
        return register_runstate_area(v, arg);

    case VCPUOP_set_periodic_timer:
        if (copy_from_guest(&pt, arg, sizeof(pt)))
            return -EFAULT;
        if (pt.period_ns < (u64)MILLISECS(1) || pt.period_ns > (u64)STIME_DELTA_MAX)
            return -EINVAL;
        vcpu_set_periodic_timer(v, pt.period_ns);
        return 0;

    case VCPUOP_stop_periodic_timer:
        vcpu_set_periodic_timer(v, 0);
        return 0;

    case VCPUOP_set_singleshot_timer:
        if (v != current)
            return -EINVAL;
        if (copy_from_guest(&st, arg, sizeof(st)))
            return -EFAULT;
        /* Xen 4.17 ignores VCPU_SSHOTTMR_future (Linux misused it): a
         * deadline in the past fires at once. */
        set_timer(&v->singleshot_timer, st.timeout_abs_ns);
        return 0;

    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;

    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);

    case VCPUOP_register_vcpu_time_memory_area:
        if (copy_from_guest(&ta, arg, sizeof(ta)))
            return -EFAULT;
        if (!guest_access_ok(ta.addr, sizeof(vcpu_time_info_t)))
            return -EFAULT;
        v->time_info_guest = ta.addr;
        v->arch.time_update_pending = false;
        if (v == current)
            update_vcpu_system_time(v);
        return 0;

    default:
        return -ENOSYS;     /* send_nmi, get_physid, the phys areas */
    }
}
