/*
 * vCPUs: creation and destruction, runstate accounting, and the timers
 * that raise VIRQ_TIMER (one-shot, periodic) or end a SCHEDOP_poll.
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/event.h>
#include <hv/hvm.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/time.h>
#include <hv/lib.h>
#include <public/xen.h>

/* VMASST_TYPE_runstate_update_flag: bit 63 of state_entry_time marks an
 * update in progress. */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

static void singleshot_timer_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

/*
 * The periodic timer runs only while its vCPU runs (as in Xen): the
 * scheduler stops it when the vCPU leaves the CPU and calls this when it
 * comes back, which sends the tick it missed, if any, at once.
 */
void vcpu_periodic_timer_work(struct vcpu *v)
{
    s_time_t now = NOW(), next;

    if (!v->periodic_period)
        return;
    next = v->periodic_last_event + v->periodic_period;
    if (now >= next) {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        v->periodic_last_event = now;
        next = now + v->periodic_period;
    }
    set_timer(&v->periodic_timer, next);
}

void vcpu_set_periodic_timer(struct vcpu *v, s_time_t period)
{
    stop_timer(&v->periodic_timer);
    v->periodic_period = period;
    if (v->is_running)
        vcpu_periodic_timer_work(v);
}

static void periodic_timer_fn(void *data)
{
    vcpu_periodic_timer_work(data);
}

static void poll_timer_fn(void *data)
{
    vcpu_unblock(data);
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v;

    ASSERT(id < d->max_vcpus && !d->vcpu[id]);
    v = xzalloc(sizeof(*v));
    if (!v)
        return NULL;
    v->vcpu_id = id;
    v->domain = d;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    v->pause_flags = VPF_down;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
    init_timer(&v->singleshot_timer, singleshot_timer_fn, v);
    init_timer(&v->periodic_timer, periodic_timer_fn, v);
    init_timer(&v->poll_timer, poll_timer_fn, v);
    if (pv_vcpu_init(v)) {
        xfree(v);
        return NULL;
    }
    /* HVM vCPUs keep the FPU area; the rest of their state is HVM's. */
    if (is_hvm_domain(d) && hvm_vcpu_initialise(v)) {
        hvm_vcpu_destroy(v);
        pv_vcpu_destroy(v);
        xfree(v);
        return NULL;
    }
    d->vcpu[id] = v;
    return v;
}

void vcpu_destroy(struct vcpu *v)
{
    ASSERT(!v->is_running);
    stop_timer(&v->singleshot_timer);
    stop_timer(&v->periodic_timer);
    stop_timer(&v->poll_timer);
    sched_remove_vcpu(v);
    if (v->vcpu_info_page)
        put_page_and_type(v->vcpu_info_page);
    hvm_vcpu_destroy(v);
    pv_vcpu_destroy(v);
    v->domain->vcpu[v->vcpu_id] = NULL;
    xfree(v);
}

struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
    return id < d->max_vcpus && id < MAX_VIRT_CPUS ? d->vcpu[id] : NULL;
}

void vcpu_runstate_change(struct vcpu *v, int state, s_time_t now)
{
    struct vcpu_runstate_info *r = &v->runstate;

    if (r->state == state)
        return;
    if (now > (s_time_t)r->state_entry_time)
        r->time[r->state] += now - r->state_entry_time;
    r->state = state;
    r->state_entry_time = now;
}

bool vcpu_update_runstate_area(struct vcpu *v)
{
    struct vcpu_runstate_info r = v->runstate;
    xen_guest_handle_t h = v->runstate_guest;
    xen_guest_handle_t entry = h + offsetof(struct vcpu_runstate_info, state_entry_time);
    bool flag = vm_assist_enabled(v->domain, VMASST_TYPE_runstate_update_flag);
    u64 t;

    if (!h)
        return true;
    if (flag) {
        t = r.state_entry_time | XEN_RUNSTATE_UPDATE;
        if (copy_to_guest(entry, &t, sizeof(t)))
            return false;
    }
    if (copy_to_guest(h, &r, sizeof(r)))
        return false;
    if (flag) {
        t = r.state_entry_time;
        if (copy_to_guest(entry, &t, sizeof(t)))
            return false;
    }
    return true;
}
