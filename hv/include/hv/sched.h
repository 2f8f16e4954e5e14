/*
 * The scheduler as the rest of hv uses it (hv/common/sched.c).
 *
 * One run queue per physical CPU (only the boot CPU runs today), weighted
 * fair: a vCPU's vtime grows by its run time scaled by DEFAULT_WEIGHT /
 * weight and the runnable vCPU with the lowest vtime runs next, for at
 * most one time slice.  Scheduling happens on the way back to the guest
 * and in the idle loop, never in the middle of a hypercall: a hypercall
 * that blocks only marks the vCPU and asks for a reschedule.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/domain.h>
#include <hv/softirq.h>

/* v has a new event upcall pending: make it runnable if it was blocked. */
void vcpu_kick(struct vcpu *v);

/* port of d became pending (masked or not): wake vCPUs polling on it. */
void sched_poll_wake(struct domain *d, evtchn_port_t port);

/* Boot: per-CPU run queues, idle vCPUs, slice length (sched_slice_ms=). */
void scheduler_init(void);

/* Adds v to the scheduler (it becomes runnable when pause_flags clear). */
void sched_add_vcpu(struct vcpu *v);
/* Takes v out of the scheduler; v must not be running. */
void sched_remove_vcpu(struct vcpu *v);

/* Sets / clears pause flags; clearing the last one makes v runnable. */
void vcpu_pause_flag(struct vcpu *v, unsigned int flag);
void vcpu_unpause_flag(struct vcpu *v, unsigned int flag);

/* Wakes v from SCHEDOP_block / poll (clears VPF_blocked). */
void vcpu_unblock(struct vcpu *v);

/* SCHEDOP_block for the current vCPU (events are enabled first). */
void vcpu_block_enable_events(void);
/* SCHEDOP_yield for the current vCPU. */
void vcpu_yield(void);

/* Ask this CPU to reschedule on its way out of hv. */
void sched_raise(void);

/* Per CPU: reschedule on the way out of hv (read on every exit). */
extern bool sched_need_resched[NR_CPUS];

static inline bool sched_pending(void)
{
    return sched_need_resched[smp_processor_id()];
}

/* Anything for run_pending_work() to do: the test every exit to a guest
 * makes, inline, before it calls anything. */
static inline bool exit_work_pending(unsigned int cpu)
{
    return softirq_pending(cpu) || sched_pending() || current->pause_flags ||
           domain_reap_pending();
}

/*
 * The work every way back to a guest does first: softirqs, a pending
 * reschedule (or a paused current vCPU), dead domains to reap.  Called
 * with interrupts off; if there was work it runs it with interrupts on
 * and returns true (check again), else returns false, interrupts still off.
 */
bool run_pending_work(unsigned int cpu);

/*
 * Picks the next vCPU and switches to it.  Returns only if the current
 * vCPU keeps the CPU; otherwise the stack is reset and execution continues
 * in the next vCPU's exit path (or the idle loop).
 */
void schedule(void);

/* Entered on a fresh stack after a switch to the idle vCPU. */
void __attribute__((noreturn)) idle_loop(void);

/* Statistics for the death line. */
s_time_t vcpu_run_time(const struct vcpu *v);

#endif
