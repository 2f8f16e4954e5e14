/*
 * Signals: sending, default actions, and delivery with Linux's x86-64
 * rt_sigframe (return address = sa_restorer, ucontext, siginfo, fxsave
 * state), rt_sigreturn, and syscall restart after a handler.
 * Job-control stops are not implemented: stop signals are ignored.
 */
#include "lib.h"
#include "proc.h"
#include "uaccess.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext uc;
	siginfo_t info;
};

/* No core files are written, so "core" signals just terminate. */
enum sig_default { DFL_TERM, DFL_IGNORE };

static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return DFL_IGNORE;
	default:
		return DFL_TERM;
	}
}

static bool discarded(struct proc *p, int sig)
{
	uint64_t h = p->sigact[sig - 1].handler;

	if (sig == SIGKILL)
		return false;
	if (h == (uint64_t)SIG_IGN)
		return true;
	return h == (uint64_t)SIG_DFL && default_action(sig) == DFL_IGNORE;
}

int signal_send(struct proc *p, int sig)
{
	if (sig < 1 || sig > NSIGS)
		return -EINVAL;
	if (p->state == P_UNUSED || p->state == P_ZOMBIE || discarded(p, sig))
		return 0;
	p->sig_pending |= SIGBIT(sig);
	p->sig_sender[sig - 1] = current ? current->pid : 0;
	if (p->state == P_SLEEPING && !p->noint &&
	    (SIGBIT(sig) & (~p->sig_blocked | UNBLOCKABLE)))
		proc_set_state(p, P_RUNNABLE);
	return 0;
}

void signal_pgrp(int pgid, int sig)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].pgid == pgid)
			signal_send(&procs[i], sig);
}

int signal_kill(int pid, int sig)
{
	bool found = false;

	if (sig < 0 || sig > NSIGS)
		return -EINVAL;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];

		if (p->state == P_UNUSED || p->state == P_ZOMBIE)
			continue;
		if (pid > 0 ? p->pid != pid :
		    pid == 0 ? p->pgid != current->pgid :
		    pid == -1 ? (p->pid == 1 || p == current) :
		    p->pgid != -pid)
			continue;
		found = true;
		if (sig)
			signal_send(p, sig);
	}
	return found ? 0 : -ESRCH;
}

bool signal_pending(struct proc *p)
{
	return p->sig_pending & (~p->sig_blocked | UNBLOCKABLE);
}

/* A synchronous fault signal: it cannot be blocked or ignored away. */
void signal_force(int sig)
{
	struct k_sigaction *sa = &current->sigact[sig - 1];

	if ((current->sig_blocked & SIGBIT(sig)) || sa->handler == (uint64_t)SIG_IGN) {
		current->sig_blocked &= ~SIGBIT(sig);
		sa->handler = (uint64_t)SIG_DFL;
	}
	current->sig_pending |= SIGBIT(sig);
}

void signal_exec_reset(struct proc *p)
{
	for (int s = 0; s < NSIGS; s++) {
		if (p->sigact[s].handler != (uint64_t)SIG_IGN)
			p->sigact[s].handler = (uint64_t)SIG_DFL;
		p->sigact[s].flags = 0;
		p->sigact[s].mask = 0;
		p->sigact[s].restorer = 0;
	}
}

static void fill_sigcontext(struct sigcontext *sc, const struct trapframe *tf)
{
	sc->r8 = tf->r8; sc->r9 = tf->r9; sc->r10 = tf->r10; sc->r11 = tf->r11;
	sc->r12 = tf->r12; sc->r13 = tf->r13; sc->r14 = tf->r14; sc->r15 = tf->r15;
	sc->rdi = tf->rdi; sc->rsi = tf->rsi; sc->rbp = tf->rbp; sc->rbx = tf->rbx;
	sc->rdx = tf->rdx; sc->rax = tf->rax; sc->rcx = tf->rcx; sc->rsp = tf->rsp;
	sc->rip = tf->rip; sc->eflags = tf->rflags; sc->cs = tf->cs; sc->ss = tf->ss;
}

static void fill_siginfo(siginfo_t *si, int sig)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		si->si_code = current->fault_code;
		si->si_addr = (void *)current->fault_addr;
	} else {
		si->si_code = SI_USER;
		si->si_pid = current->sig_sender[sig - 1];
		si->si_uid = 0;
	}
}

/* Builds the handler frame on the user stack; false if the stack is unusable. */
static bool setup_frame(struct trapframe *tf, int sig, struct k_sigaction *sa,
			ksigset_t old_mask)
{
	struct rt_sigframe f;
	uintptr_t sp = tf->rsp - 128, fpstate, frame;

	if (!(sa->flags & SA_RESTORER))
		return false;
	pv_ops.cpu.fpu_save(current->fpu);
	fpstate = (sp - sizeof(current->fpu)) & ~63UL;
	frame = ((fpstate - sizeof(f)) & ~15UL) - 8;
	memset(&f, 0, sizeof(f));
	f.pretcode = sa->restorer;
	f.uc.uc_stack.ss_flags = SS_DISABLE;
	fill_sigcontext(&f.uc.uc_mcontext, tf);
	f.uc.uc_mcontext.trapno = tf->vector;
	f.uc.uc_mcontext.err = tf->error;
	f.uc.uc_mcontext.cr2 = current->fault_addr;
	f.uc.uc_mcontext.oldmask = old_mask;
	f.uc.uc_mcontext.fpstate = (void *)fpstate;
	f.uc.uc_sigmask = old_mask;
	fill_siginfo(&f.info, sig);
	if (copy_to_user(fpstate, current->fpu, sizeof(current->fpu)) ||
	    clear_user(fpstate + 464, 48) ||
	    copy_to_user(frame, &f, sizeof(f)))
		return false;
	tf->rip = sa->handler;
	tf->rsp = frame;
	tf->rdi = sig;
	tf->rsi = frame + offsetof(struct rt_sigframe, info);
	tf->rdx = frame + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~0x500UL;          /* TF, DF */
	return true;
}

static int next_signal(struct proc *p)
{
	ksigset_t ready = p->sig_pending & (~p->sig_blocked | UNBLOCKABLE);

	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

/* Runs on every return to user mode with a signal or a restart pending. */
void signal_deliver(struct trapframe *tf)
{
	bool in_syscall = tf->vector == VEC_SYSCALL;
	ksigset_t old_mask = current->restore_saved_mask ? current->saved_mask
							 : current->sig_blocked;
	int sig;

	while ((sig = next_signal(current))) {
		struct k_sigaction *sa = &current->sigact[sig - 1];

		current->sig_pending &= ~SIGBIT(sig);
		if (sig != SIGKILL && sa->handler == (uint64_t)SIG_IGN)
			continue;
		if (sig == SIGKILL || sa->handler == (uint64_t)SIG_DFL) {
			enum sig_default d = default_action(sig);

			if (d == DFL_IGNORE && sig != SIGKILL)
				continue;
			proc_exit(sig);
		}
		if (in_syscall && (long)tf->rax == -ERESTARTSYS) {
			if (sa->flags & SA_RESTART) {
				tf->rax = tf->error;
				tf->rip -= 2;
			} else {
				tf->rax = -EINTR;
			}
		}
		if (!setup_frame(tf, sig, sa, old_mask)) {
			current->fault_code = SI_KERNEL;
			proc_exit(SIGSEGV);
		}
		current->sig_blocked |= sa->mask;
		if (!(sa->flags & SA_NODEFER))
			current->sig_blocked |= SIGBIT(sig);
		current->sig_blocked &= ~UNBLOCKABLE;
		if (sa->flags & SA_RESETHAND)
			sa->handler = (uint64_t)SIG_DFL;
		current->restore_saved_mask = false;
		tf->vector = 0;
		return;
	}
	/* No handler ran: an interrupted call restarts transparently. */
	if (in_syscall && (long)tf->rax == -ERESTARTSYS) {
		tf->rax = tf->error;
		tf->rip -= 2;
	}
	if (current->restore_saved_mask) {
		current->sig_blocked = current->saved_mask;
		current->restore_saved_mask = false;
	}
	tf->vector = 0;
}

long signal_return(struct trapframe *tf)
{
	struct rt_sigframe f;
	struct sigcontext *sc = &f.uc.uc_mcontext;

	if (copy_from_user(&f, tf->rsp - 8, sizeof(f))) {
		signal_force(SIGSEGV);
		return 0;
	}
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	if (sc->rip >= 0x800000000000UL || sc->rsp >= 0x800000000000UL) {
		tf->rip = 0;              /* non-canonical: fault in user mode instead */
		signal_force(SIGSEGV);
	}
	tf->rflags = (tf->rflags & ~RFLAGS_USER_MASK) | (sc->eflags & RFLAGS_USER_MASK);
	if (sc->fpstate) {
		if (copy_from_user(current->fpu, (uintptr_t)sc->fpstate, sizeof(current->fpu))) {
			signal_force(SIGSEGV);
			return 0;
		}
		uint32_t *mxcsr = (uint32_t *)(current->fpu + 24);

		*mxcsr &= 0xffff;
		pv_ops.cpu.fpu_restore(current->fpu);
	}
	current->sig_blocked = f.uc.uc_sigmask & ~UNBLOCKABLE;
	tf->vector = 0;                   /* not a restartable syscall any more */
	return tf->rax;
}
