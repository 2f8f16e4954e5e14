/* Processes, the scheduler and signals. */
#ifndef GUEST_PROC_H
#define GUEST_PROC_H

#include "pvops.h"
#include "trapframe.h"
#include "uapi.h"

#define NPROC 64
#define NOFILE 64
#define KSTACK_SIZE 32768

struct mm;
struct file;
struct inode;

enum proc_state { P_UNUSED, P_RUNNABLE, P_SLEEPING, P_ZOMBIE };

struct proc {
	uint8_t fpu[512] __attribute__((aligned(16)));  /* fxsave image */
	int pid, ppid, pgid, sid;
	enum proc_state state;
	char name[16];
	struct mm *mm;
	void *kstack;
	uint64_t ksp;               /* saved kernel RSP while switched out */
	struct trapframe *tf;       /* user frame at the top of kstack */
	uint64_t fs_base, gs_base;
	/* Sleeping: on wchan, until wake_at (ns, 0 = none). */
	const void *wchan;
	uint64_t wake_at;
	bool noint;                 /* signals do not wake this sleep */
	int exit_status;            /* wait status */
	bool vfork_pending;         /* a vfork parent waits for exec/exit */
	int exit_signal;            /* sent to the parent on exit (clone flags) */
	uintptr_t set_child_tid;    /* CLONE_CHILD_SETTID: written on first run */
	uintptr_t fault_addr;       /* for SIGSEGV's si_addr */
	int fault_code;
	/* Signals. */
	ksigset_t sig_pending, sig_blocked, saved_mask;
	int sig_sender[NSIGS];      /* pid that sent each pending signal (si_pid) */
	bool restore_saved_mask;
	struct k_sigaction sigact[NSIGS];
	/* Files. */
	struct file *files[NOFILE];
	uint64_t cloexec;
	struct inode *cwd;
	unsigned int umask;
	uintptr_t clear_child_tid;
	uint64_t start_ns, utime_ns;
	uint64_t itimer_at, itimer_interval;    /* ITIMER_REAL (ns; 0 = off) */
};

extern struct proc procs[NPROC];
extern struct proc *current;
extern bool need_resched;

/* sched.c */
void sched_init(void);
void proc_set_state(struct proc *p, enum proc_state state);   /* the only writer of p->state */
void schedule(void);
void sched_tick(void);
int sleep_on(const void *chan);             /* 0, or -EINTR if a signal is pending */
void sleep_on_noint(const void *chan);
int sleep_until(const void *chan, uint64_t deadline_ns);
void wakeup(const void *chan);
void proc_make_runnable(struct proc *p);
_Noreturn void sched_start(void);

/* proc.c */
struct proc *proc_alloc(void);
struct proc *proc_find(int pid);
_Noreturn void proc_exit(int wait_status);
long proc_fork(struct trapframe *tf, unsigned long flags, uintptr_t child_stack,
	       uintptr_t ptid, uintptr_t ctid, uintptr_t tls);
long proc_wait(int pid, uintptr_t status_ptr, int options);
void proc_switch_to(struct proc *p);
void proc_init_first(const char *cmdline);

/* signal.c */
int signal_send(struct proc *p, int sig);
int signal_kill(int pid, int sig);
void signal_pgrp(int pgid, int sig);
bool signal_pending(struct proc *p);
void signal_deliver(struct trapframe *tf);
long signal_return(struct trapframe *tf);
void signal_force(int sig);                  /* fault: deliver now or die */
void signal_exec_reset(struct proc *p);

/* exec.c */
long do_execve(const char *path, char *const *argv, int argc, char *const *envp,
	       int envc);
int exec_init(const char *path, const char *cmdline);

extern bool kernel_debug;      /* "kdebug" on the command line */

/* time.c */
uint64_t time_now_ns(void);
void itimer_tick(uint64_t now);             /* itimer.c */
uint64_t time_wall_ns(void);

/* syscall.c, trap.c */
void syscall_dispatch(struct trapframe *tf);
void trap_dispatch(struct trapframe *tf);
void irq_register(int irq, void (*fn)(void));
void irq_dispatch(int irq);               /* acknowledge, run the handler */
void trap_exit_to_user(struct trapframe *tf);

static inline bool tf_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

#endif
