/*
 * Round-robin scheduler for one CPU.  The kernel is not preemptible: it runs
 * with interrupts disabled and switches only in schedule(), so interrupts
 * are taken in user mode or while idle.  The timer tick asks for a
 * reschedule, which happens on the way back to user mode.
 *
 * Which processes are runnable and which sleep is also kept in two masks
 * (one bit per slot of procs[]), so picking the next process and waking
 * sleepers touch only those processes: a struct proc is 3.5 KiB, and a
 * scan of the table touches 56 pages, which a PV kernel walks again after
 * every page-table switch.
 */
#include "lib.h"
#include "proc.h"
#include "vm.h"

struct proc procs[NPROC];
struct proc *current;
bool need_resched;
int poll_waitq;

static uint64_t runnable_procs, sleeping_procs;
_Static_assert(NPROC <= 64, "one mask bit per process slot");

void proc_set_state(struct proc *p, enum proc_state state)
{
	uint64_t bit = 1ULL << (p - procs);

	p->state = state;
	runnable_procs = state == P_RUNNABLE ? runnable_procs | bit : runnable_procs & ~bit;
	sleeping_procs = state == P_SLEEPING ? sleeping_procs | bit : sleeping_procs & ~bit;
}

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

/* Round robin: the first runnable slot after current's, wrapping. */
static struct proc *pick_next(void)
{
	unsigned int after = current ? (current - procs + 1) % NPROC : 0;
	uint64_t later = runnable_procs & (~0ULL << after);

	if (!runnable_procs)
		return NULL;
	return &procs[__builtin_ctzll(later ? later : runnable_procs)];
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

	for (uint64_t m = sleeping_procs; m; m &= m - 1) {
		struct proc *p = &procs[__builtin_ctzll(m)];

		if (p->wake_at && now >= p->wake_at)
			proc_set_state(p, P_RUNNABLE);
	}
	itimer_tick(now);
	need_resched = true;
}

void proc_make_runnable(struct proc *p)
{
	if (p->state == P_SLEEPING)
		proc_set_state(p, P_RUNNABLE);
}

int sleep_until(const void *chan, uint64_t deadline_ns)
{
	if (signal_pending(current))
		return -EINTR;
	current->wchan = chan;
	current->wake_at = deadline_ns;
	proc_set_state(current, P_SLEEPING);
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
	proc_set_state(current, P_SLEEPING);
	schedule();
	current->noint = false;
	current->wchan = NULL;
}

/* Wakes sleepers on chan, and every poll() sleeper (they recheck their files). */
void wakeup(const void *chan)
{
	for (uint64_t m = sleeping_procs; m; m &= m - 1) {
		struct proc *p = &procs[__builtin_ctzll(m)];

		if (p->wchan == chan || p->wchan == &poll_waitq)
			proc_set_state(p, P_RUNNABLE);
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
