/*
 * ITIMER_REAL and alarm(): a per-process deadline checked on every
 * timer tick (so 10 ms resolution), SIGALRM when it passes, re-armed
 * by the interval.  Not inherited across fork; kept across exec.
 * ITIMER_VIRTUAL and ITIMER_PROF are not implemented (EINVAL).
 */
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

#define NS_PER_US 1000ull
#define NS_PER_S  1000000000ull

struct k_itimerval {
	struct k_timeval interval, value;
};

static uint64_t tv_to_ns(const struct k_timeval *tv)
{
	return tv->tv_sec * NS_PER_S + tv->tv_usec * NS_PER_US;
}

static struct k_timeval ns_to_tv(uint64_t ns)
{
	/* A running timer never reads as zero: that would mean disarmed. */
	if (ns && ns < NS_PER_US)
		ns = NS_PER_US;
	return (struct k_timeval){ ns / NS_PER_S, ns % NS_PER_S / NS_PER_US };
}

static void itimer_current(struct k_itimerval *v)
{
	uint64_t now = time_now_ns(), at = current->itimer_at;

	v->value = ns_to_tv(at > now ? at - now : (at ? 1 : 0));
	v->interval = ns_to_tv(current->itimer_interval);
}

long sys_getitimer(int which, uintptr_t uval)
{
	struct k_itimerval v;

	if (which != ITIMER_REAL)
		return -EINVAL;
	itimer_current(&v);
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, uintptr_t unew, uintptr_t uold)
{
	struct k_itimerval v, old;

	if (which != ITIMER_REAL)
		return -EINVAL;
	if (copy_from_user(&v, unew, sizeof(v)))
		return -EFAULT;
	if (v.value.tv_sec < 0 || v.value.tv_usec < 0 || v.value.tv_usec >= 1000000 ||
	    v.interval.tv_sec < 0 || v.interval.tv_usec < 0 || v.interval.tv_usec >= 1000000)
		return -EINVAL;
	itimer_current(&old);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	current->itimer_interval = tv_to_ns(&v.interval);
	current->itimer_at = tv_to_ns(&v.value) ? time_now_ns() + tv_to_ns(&v.value) : 0;
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	uint64_t now = time_now_ns(), at = current->itimer_at;
	/* The old alarm's seconds left, rounded to nearest, at least 1 if armed. */
	unsigned int left = at > now ? (unsigned int)((at - now + NS_PER_S / 2) / NS_PER_S) : 0;

	if (at && !left)
		left = 1;
	current->itimer_interval = 0;
	current->itimer_at = seconds ? now + seconds * NS_PER_S : 0;
	return left;
}

/* From the timer tick: fire what is due. */
void itimer_tick(uint64_t now)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];

		if (!p->itimer_at || now < p->itimer_at ||
		    (p->state != P_RUNNABLE && p->state != P_SLEEPING))
			continue;
		p->itimer_at = p->itimer_interval ? now + p->itimer_interval : 0;
		signal_send(p, SIGALRM);
	}
}
