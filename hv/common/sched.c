/*
 * The scheduler: one run queue per physical CPU, weighted fair sharing.
 *
 * Each vCPU has a virtual time, vtime, which grows while it runs by its
 * run time scaled by DEFAULT_WEIGHT / weight: a vCPU of twice the weight
 * burns its vtime half as fast, so it gets twice the CPU.  The runnable
 * vCPU with the lowest vtime runs next, for at most one time slice (the
 * slice timer forces the decision even if the vCPU never enters hv).  A
 * vCPU that wakes up is placed no further back than half a slice behind
 * the queue's minimum, so sleeping earns no unbounded credit.  A vCPU that
 * wakes from a block while it has not used more than its share is
 * boosted (as in Xen's credit scheduler): it preempts an unboosted vCPU
 * and runs before the others, so a waiting domain answers quickly even
 * next to busy ones.
 *
 * Scheduling happens only at safe points: on the way back to a guest
 * (pv_prepare_exit, hvm_prepare_entry) and in the idle loop.  A context
 * switch discards the hv stack (the outgoing guest's state is all in its
 * struct vcpu) and continues in the incoming vCPU's exit path (PV) or run
 * loop (HVM), or in the idle loop.
 */
#include <hv/sched.h>
#include <hv/softirq.h>
#include <hv/timer.h>
#include <hv/event.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/cmdline.h>
#include <hv/bootinfo.h>
#include <hv/time.h>
#include <hv/page.h>
#include <hv/mapping.h>
#include <hv/mm.h>
#include <hv/lib.h>
#include <hv/vtime.h>
#include <hv/hvm.h>

struct runqueue {
    spinlock_t lock;
    struct list_head queue;     /* runnable vCPUs not on the CPU */
    s64 min_vtime;              /* never decreases */
    struct timer slice_timer;
};

static struct runqueue runqueues[NR_CPUS];
__hot_data bool sched_need_resched[NR_CPUS];
static struct vcpu *idle_vcpus[NR_CPUS];
static s_time_t slice = MILLISECS(10);

struct domain idle_domain = {
    .domain_id = DOMID_IDLE,
    .max_vcpus = 1,
};

struct vcpu *idle_vcpu_of(unsigned int cpu)
{
    return idle_vcpus[cpu];
}

static struct runqueue *rq_of(const struct vcpu *v)
{
    return &runqueues[v->processor];
}

static void rq_raise(const struct runqueue *rq)
{
    sched_need_resched[rq - runqueues] = true;
}

static bool vcpu_runnable(const struct vcpu *v)
{
    return v->pause_flags == 0;
}

static int runstate_for(const struct vcpu *v)
{
    if (v->is_running)
        return RUNSTATE_running;
    if (v->pause_flags & (VPF_down | VPF_shutdown))
        return RUNSTATE_offline;
    if (v->pause_flags)
        return RUNSTATE_blocked;
    return RUNSTATE_runnable;
}

static void update_runstate(struct vcpu *v)
{
    if (!is_idle_vcpu(v))
        vcpu_runstate_change(v, runstate_for(v), NOW());
}

void sched_raise(void)
{
    sched_need_resched[smp_processor_id()] = true;
}

bool run_pending_work(unsigned int cpu)
{
    if (softirq_pending(cpu)) {
        local_irq_enable();
        do_softirq();
    } else if (sched_pending() || current->pause_flags) {
        local_irq_enable();
        schedule();
    } else if (domain_reap_pending()) {
        local_irq_enable();
        domain_reap();
    } else {
        return false;
    }
    return true;
}

static void slice_expired(void *data)
{
    rq_raise(data);
}

static void runq_insert(struct runqueue *rq, struct vcpu *v)
{
    if (!v->sched.on_runq) {
        list_add_tail(&v->sched.runq_elem, &rq->queue);
        v->sched.on_runq = true;
    }
}

static void runq_remove(struct vcpu *v)
{
    if (v->sched.on_runq) {
        list_del(&v->sched.runq_elem);
        v->sched.on_runq = false;
    }
}

/* vtime as it would be if v's current run were accounted now. */
static s64 vtime_now(const struct vcpu *v)
{
    s64 t = v->sched.vtime;

    if (v->is_running && !is_idle_vcpu(v))
        t += (NOW() - v->sched.started) * DEFAULT_WEIGHT / v->domain->weight;
    return t;
}

/* v became runnable: queue it and preempt the CPU's vCPU if v should run. */
static void vcpu_wake(struct vcpu *v, bool from_block)
{
    struct runqueue *rq = rq_of(v);
    struct vcpu *cur = cpu_info_of(v->processor)->current_vcpu;

    if (v->is_running || !vcpu_runnable(v))
        return;
    if (v->sched.vtime < rq->min_vtime - slice / 2)
        v->sched.vtime = rq->min_vtime - slice / 2;
    v->sched.boosted = from_block && v->sched.vtime <= rq->min_vtime + slice;
    runq_insert(rq, v);
    if (is_idle_vcpu(cur) || (v->sched.boosted && !cur->sched.boosted) ||
        v->sched.vtime < vtime_now(cur))
        rq_raise(rq);
}

void vcpu_pause_flag(struct vcpu *v, unsigned int flag)
{
    unsigned long flags = local_irq_save();
    struct runqueue *rq = rq_of(v);

    spin_lock(&rq->lock);
    v->pause_flags |= flag;
    runq_remove(v);
    if (v->is_running)
        rq_raise(rq);
    update_runstate(v);
    spin_unlock(&rq->lock);
    local_irq_restore(flags);
}

void vcpu_unpause_flag(struct vcpu *v, unsigned int flag)
{
    unsigned long flags = local_irq_save();
    struct runqueue *rq = rq_of(v);

    spin_lock(&rq->lock);
    if (v->pause_flags & flag) {
        v->pause_flags &= ~flag;
        update_runstate(v);
        vcpu_wake(v, flag == VPF_blocked);
    }
    spin_unlock(&rq->lock);
    local_irq_restore(flags);
}

void vcpu_unblock(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (v->poll_evtchn) {
        v->poll_evtchn = 0;
        __atomic_fetch_and(&d->poll_mask, ~(1UL << v->vcpu_id), __ATOMIC_SEQ_CST);
        stop_timer(&v->poll_timer);
    }
    vcpu_unpause_flag(v, VPF_blocked);
}

void vcpu_kick(struct vcpu *v)
{
    /* An HVM vCPU halts for interrupts, and an event is one only through
     * its callback vector (hvm_vcpu_pending_intr): only an interrupt it
     * can take wakes it.  A poll is woken by sched_poll_wake. */
    if (v->hvm) {
        hvm_vcpu_kick(v);
        return;
    }
    /* A running vCPU sees the event on its way back to the guest; other
     * CPUs would need an IPI here once hv runs SMP. */
    if (v->pause_flags & VPF_blocked)
        vcpu_unblock(v);
}

void sched_poll_wake(struct domain *d, evtchn_port_t port)
{
    unsigned long mask = __atomic_load_n(&d->poll_mask, __ATOMIC_SEQ_CST);

    for (unsigned int id = 0; mask && id < d->max_vcpus; id++) {
        struct vcpu *v = d->vcpu[id];

        if (!(mask & (1UL << id)) || !v)
            continue;
        if (v->poll_evtchn < 0 || v->poll_evtchn == (int)port)
            vcpu_unblock(v);
    }
}

void vcpu_block_enable_events(void)
{
    struct vcpu *v = current;

    v->vcpu_info->evtchn_upcall_mask = 0;
    vcpu_pause_flag(v, VPF_blocked);
    /* An event that is already pending ends the block at once. */
    if (vcpu_events_need_delivery(v))
        vcpu_unpause_flag(v, VPF_blocked);
}

void vcpu_yield(void)
{
    current->sched.yielded = true;
    sched_raise();
}

void sched_add_vcpu(struct vcpu *v)
{
    struct runqueue *rq;

    v->processor = 0;
    rq = rq_of(v);
    list_init(&v->sched.runq_elem);
    v->sched.on_runq = false;
    v->sched.vtime = rq->min_vtime;
    update_runstate(v);
    vcpu_wake(v, false);
}

void sched_remove_vcpu(struct vcpu *v)
{
    unsigned long flags = local_irq_save();
    struct runqueue *rq = rq_of(v);

    ASSERT(!v->is_running);
    spin_lock(&rq->lock);
    runq_remove(v);
    spin_unlock(&rq->lock);
    local_irq_restore(flags);
}

s_time_t vcpu_run_time(const struct vcpu *v)
{
    s_time_t t = v->runstate.time[RUNSTATE_running];

    if (v->is_running)
        t += NOW() - v->runstate.state_entry_time;
    return t;
}

/* The first boosted vCPU, else the one with the lowest vtime (first
 * queued on ties); a vCPU that yielded only if nothing else is runnable. */
static struct vcpu *pick_next(struct runqueue *rq, struct vcpu *prev)
{
    struct vcpu *best = NULL, *v;

    list_for_each_entry(v, &rq->queue, sched.runq_elem) {
        if (v == prev && prev->sched.yielded)
            continue;
        if (v->sched.boosted) {
            best = v;
            break;
        }
        if (!best || v->sched.vtime < best->sched.vtime)
            best = v;
    }
    if (!best && prev->sched.on_runq)
        best = prev;
    prev->sched.yielded = false;
    return best;
}

static void __attribute__((noreturn)) reset_stack_and_jump(void (*fn)(void))
{
    asm volatile("mov %0, %%rsp\n\t"
                 "jmp *%1"
                 :: "r"(get_cpu_info()), "r"(fn) : "memory");
    __builtin_unreachable();
}

static void __attribute__((noreturn)) context_switch(struct vcpu *prev,
                                                     struct vcpu *next)
{
    unsigned int cpu = smp_processor_id();

    if (!is_idle_vcpu(prev)) {
        if (prev->hvm)
            hvm_ctxt_switch_from(prev);
        else
            pv_ctxt_save(prev);
        stop_timer(&prev->periodic_timer);
    }
    prev->is_running = false;
    update_runstate(prev);
    /* As Xen: prev's area shows it left the CPU (prev's tables are still
     * loaded; from user mode it waits for its next kernel entry). */
    if (!is_idle_vcpu(prev) && !prev->hvm &&
        !vcpu_update_runstate_area(prev) && !prev->arch.kernel_mode)
        prev->arch.runstate_update_pending = true;

    get_cpu_info()->current_vcpu = next;
    get_cpu_info()->exit_cr3 = 0;   /* prev's; next's tables are loaded below */
    next->is_running = true;
    next->processor = cpu;
    update_runstate(next);

    /* Idle runs on whatever tables are loaded (hv's half is in every PV
     * L4): waking prev again costs no CR3 write, and so no TLB flush.
     * pv_forget_domain leaves them before they are freed. */
    if (is_idle_vcpu(next))
        reset_stack_and_jump(idle_loop);
    if (next->hvm) {
        hvm_ctxt_switch_to(next);
        reset_stack_and_jump(hvm_resume);
    }
    pv_ctxt_load(next);
    update_vcpu_system_time(next);
    vcpu_periodic_timer_work(next);
    if (!vcpu_update_runstate_area(next) && !next->arch.kernel_mode)
        next->arch.runstate_update_pending = true;
    reset_stack_and_jump(ret_to_guest);
}

void schedule(void)
{
    unsigned long flags = local_irq_save();
    struct runqueue *rq = &runqueues[smp_processor_id()];
    struct vcpu *prev = current, *next;
    s_time_t now = NOW();

    spin_lock(&rq->lock);
    sched_need_resched[smp_processor_id()] = false;
    if (!is_idle_vcpu(prev)) {
        struct domain *d = prev->domain;

        prev->sched.vtime += (now - prev->sched.started) * DEFAULT_WEIGHT / d->weight;
        prev->sched.boosted = false;
        if (vcpu_runnable(prev))
            runq_insert(rq, prev);
    }
    next = pick_next(rq, prev);
    if (next)
        runq_remove(next);
    else
        next = idle_vcpus[smp_processor_id()];

    if (!is_idle_vcpu(next)) {
        s64 least = next->sched.vtime;
        struct vcpu *v;

        list_for_each_entry(v, &rq->queue, sched.runq_elem)
            least = min(least, v->sched.vtime);
        if (least > rq->min_vtime)
            rq->min_vtime = least;
        set_timer(&rq->slice_timer, now + slice);
    } else {
        stop_timer(&rq->slice_timer);
    }
    next->sched.started = now;
    spin_unlock(&rq->lock);

    if (next == prev) {
        local_irq_restore(flags);
        return;
    }
    context_switch(prev, next);
}

void scheduler_init(void)
{
    char val[16];
    struct vcpu *idle;

    if (cmdline_find(bootinfo.cmdline, "sched_slice_ms", val, sizeof(val))) {
        unsigned long ms = 0;
        const char *p = val;

        while (*p >= '0' && *p <= '9')
            ms = ms * 10 + (unsigned long)(*p++ - '0');
        if (*p || ms < 1 || ms > 1000)
            printk("sched: ignoring sched_slice_ms=%s (1-1000)\n", val);
        else
            slice = MILLISECS(ms);
    }
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        spin_lock_init(&runqueues[cpu].lock);
        list_init(&runqueues[cpu].queue);
    }
    init_timer(&runqueues[0].slice_timer, slice_expired, &runqueues[0]);

    idle = xzalloc(sizeof(*idle));
    if (!idle)
        panic("sched: no memory for the idle vCPU");
    idle->domain = &idle_domain;
    idle->is_running = true;
    idle_vcpus[0] = idle;
    idle_domain.vcpu[0] = idle;
    get_cpu_info()->current_vcpu = idle;
    printk("sched: weighted fair, %lu ms slice, %u CPU\n",
           (unsigned long)(slice / MILLISECS(1)), 1u);
}
