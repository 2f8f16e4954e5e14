/*
 * Round-robin scheduler for one CPU.  The kernel is not preemptible: it runs
 * with interrupts disabled and switches only in schedule(), so interrupts
 * are taken in user mode or while idle.  The timer tick asks for a
 * reschedule, which happens on the way back to user mode.
 */
#include "lib.h"
#include "proc.h"
#include "vm.h"

struct proc procs[NPROC];
struct proc *current;
bool need_resched;
int poll_waitq;

void swtch(uint64_t *old_ksp, uint64_t new_ksp);

void proc_switch_to(struct proc *next)
{
	struct proc *prev = current;

	if (next == prev)
		return;
	pv_ops.cpu.fpu_save(prev->fpu);
	current = next;
	pv_ops.cpu.set_kernel_stack((uintptr_t)next->kstack + KSTACK_SIZE);
	pv_ops.cpu.set_fs_base(next->fs_base);
	pv_ops.cpu.set_gs_base(next->gs_base);
	/* Last, so that a batching backend issues the whole switch at once. */
	if (!prev->mm || next->mm != prev->mm)
		mm_activate(next->mm);
	pv_ops.cpu.fpu_restore(next->fpu);
	swtch(&prev->ksp, next->ksp);
}

static struct proc *pick_next(void)
{
	int start = current ? current - procs : 0;

	for (int i = 1; i <= NPROC; i++) {
		struct proc *p = &procs[(start + i) % NPROC];

		if (p->state == P_RUNNABLE)
			return p;
	}
	return NULL;
}

void schedule(void)
{
	for (;;) {
		struct proc *next = pick_next();

		if (next) {
			need_resched = false;
			proc_switch_to(next);
			return;
		}
		pv_ops.cpu.safe_halt();
	}
}

void sched_tick(void)
{
	uint64_t now = time_now_ns();

	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];

		if (p->state == P_SLEEPING && p->wake_at && now >= p->wake_at)
			p->state = P_RUNNABLE;
	}
	itimer_tick(now);
	need_resched = true;
}

void proc_make_runnable(struct proc *p)
{
	if (p->state == P_SLEEPING)
		p->state = P_RUNNABLE;
}

int sleep_until(const void *chan, uint64_t deadline_ns)
{
	if (signal_pending(current))
		return -EINTR;
	current->wchan = chan;
	current->wake_at = deadline_ns;
	current->state = P_SLEEPING;
	schedule();
	current->wchan = NULL;
	current->wake_at = 0;
	return signal_pending(current) ? -EINTR : 0;
}

int sleep_on(const void *chan)
{
	return sleep_until(chan, 0);
}

/* A sleep signals do not end (the vfork parent's wait for its child). */
void sleep_on_noint(const void *chan)
{
	current->wchan = chan;
	current->noint = true;
	current->state = P_SLEEPING;
	schedule();
	current->noint = false;
	current->wchan = NULL;
}

/* Wakes sleepers on chan, and every poll() sleeper (they recheck their files). */
void wakeup(const void *chan)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];

		if (p->state == P_SLEEPING && (p->wchan == chan || p->wchan == &poll_waitq))
			p->state = P_RUNNABLE;
	}
}

void sched_init(void)
{
	irq_register(pv_ops.time.timer_irq, sched_tick);
}

/* Leaves the boot stack for the first process; never returns. */
_Noreturn void sched_start(void)
{
	static struct proc boot;
	struct proc *first = pick_next();

	BUG_ON(!first);
	current = &boot;
	boot.mm = NULL;
	proc_switch_to(first);
	panic("boot context resumed");
}
