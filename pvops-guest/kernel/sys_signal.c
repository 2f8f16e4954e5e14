/* Signal system calls. */
#include "lib.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

long sys_rt_sigaction(int sig, uintptr_t uact, uintptr_t uoact, size_t size)
{
	struct k_sigaction act, *sa;

	if (size != sizeof(ksigset_t) || sig < 1 || sig > NSIGS)
		return -EINVAL;
	sa = &current->sigact[sig - 1];
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uoact && copy_to_user(uoact, sa, sizeof(*sa)))
		return -EFAULT;
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		*sa = act;
		/* Setting SIG_IGN (or a default of ignore) discards what is pending. */
		if (act.handler == (uint64_t)SIG_IGN)
			current->sig_pending &= ~SIGBIT(sig);
	}
	return 0;
}

long sys_rt_sigprocmask(int how, uintptr_t uset, uintptr_t uoset, size_t size)
{
	ksigset_t set, old = current->sig_blocked;

	if (size != sizeof(ksigset_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: current->sig_blocked |= set; break;
		case SIG_UNBLOCK: current->sig_blocked &= ~set; break;
		case SIG_SETMASK: current->sig_blocked = set; break;
		default: return -EINVAL;
		}
		current->sig_blocked &= ~UNBLOCKABLE;
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigreturn(void)
{
	return signal_return(current->tf);
}

/* Waits for a signal with a temporary mask; the old mask returns after the handler. */
long sys_rt_sigsuspend(uintptr_t umask, size_t size)
{
	ksigset_t m;

	if (size != sizeof(m))
		return -EINVAL;
	if (copy_from_user(&m, umask, sizeof(m)))
		return -EFAULT;
	current->saved_mask = current->sig_blocked;
	current->restore_saved_mask = true;
	current->sig_blocked = m & ~UNBLOCKABLE;
	while (!sleep_on(current))
		;
	return -EINTR;
}

long sys_rt_sigpending(uintptr_t uset, size_t size)
{
	ksigset_t p = current->sig_pending & current->sig_blocked;

	if (size > sizeof(p))
		return -EINVAL;
	return copy_to_user(uset, &p, size);
}

long sys_pause(void)
{
	while (!sleep_on(current))
		;
	return -EINTR;
}
