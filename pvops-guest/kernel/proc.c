/* Process lifetime: creation, fork/vfork/clone, exit, wait. */
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

static int next_pid = 1;

void proc_first_entry(void);
_Noreturn void proc_first_return(void);

/* Runs once in every new process before its first return to user mode. */
_Noreturn void proc_first_return(void)
{
	if (current->set_child_tid) {
		int pid = current->pid;

		copy_to_user(current->set_child_tid, &pid, sizeof(pid));
		current->set_child_tid = 0;
	}
	trap_exit_to_user(current->tf);
	pv_ops.cpu.return_to_user(current->tf);
}

struct proc *proc_alloc(void)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];

		if (p->state != P_UNUSED)
			continue;
		void *kstack = kmalloc(KSTACK_SIZE);

		if (!kstack)
			return NULL;
		memset(p, 0, sizeof(*p));
		p->kstack = kstack;
		p->pid = next_pid++;
		p->tf = (struct trapframe *)((char *)kstack + KSTACK_SIZE) - 1;
		/* swtch pops six callee-saved registers, then returns to proc_first_entry. */
		uint64_t *sp = (uint64_t *)p->tf;

		*--sp = (uint64_t)proc_first_entry;
		for (int r = 0; r < 6; r++)
			*--sp = 0;
		p->ksp = (uint64_t)sp;
		p->start_ns = time_now_ns();
		p->exit_signal = SIGCHLD;
		return p;
	}
	return NULL;
}

struct proc *proc_find(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | \
			 CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)

/*
 * fork, vfork and the process form of clone.  The child always gets a
 * copy-on-write copy of the address space; CLONE_VM is accepted only with
 * CLONE_VFORK, where the parent is suspended until the child execs or
 * exits, so sharing and copying cannot be told apart by correct programs.
 */
long proc_fork(struct trapframe *tf, unsigned long flags, uintptr_t child_stack,
	       uintptr_t ptid, uintptr_t ctid, uintptr_t tls)
{
	struct proc *parent = current, *c;

	if (flags & ~(unsigned long)CLONE_SUPPORTED)
		return -EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL;
	c = proc_alloc();
	if (!c)
		return -EAGAIN;
	c->mm = mm_fork(parent->mm);
	if (!c->mm) {
		kfree(c->kstack);
		proc_set_state(c, P_UNUSED);
		return -ENOMEM;
	}
	pv_ops.cpu.fpu_save(parent->fpu);
	memcpy(c->fpu, parent->fpu, sizeof(c->fpu));
	memcpy(c->name, parent->name, sizeof(c->name));
	c->ppid = parent->pid;
	c->pgid = parent->pgid;
	c->sid = parent->sid;
	c->fs_base = flags & CLONE_SETTLS ? tls : parent->fs_base;
	c->gs_base = parent->gs_base;
	c->sig_blocked = parent->sig_blocked;
	memcpy(c->sigact, parent->sigact, sizeof(c->sigact));
	for (int fd = 0; fd < NOFILE; fd++)
		if ((c->files[fd] = parent->files[fd]))
			file_get(c->files[fd]);
	c->cloexec = parent->cloexec;
	c->cwd = parent->cwd;
	inode_get(c->cwd);
	c->umask = parent->umask;
	c->exit_signal = flags & CSIGNAL;
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = ctid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;
	*c->tf = *tf;
	c->tf->rax = 0;
	if (child_stack)
		c->tf->rsp = child_stack;
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(ptid, &c->pid, sizeof(int));
	c->vfork_pending = flags & CLONE_VFORK;
	proc_set_state(c, P_RUNNABLE);
	int pid = c->pid;

	while (c->vfork_pending && c->pid == pid && c->state != P_UNUSED)
		sleep_on_noint(c);
	return pid;
}

static void release_files(struct proc *p)
{
	for (int fd = 0; fd < NOFILE; fd++)
		if (p->files[fd]) {
			file_put(p->files[fd]);
			p->files[fd] = NULL;
		}
}

_Noreturn void proc_exit(int wait_status)
{
	struct proc *p = current, *init = proc_find(1);

	if (p->pid == 1) {
		printk("pvops-guest: init exited (status 0x%x), powering off\n", wait_status);
		pv_ops.cpu.poweroff(0);
	}
	if (p->clear_child_tid) {
		int zero = 0;

		copy_to_user(p->clear_child_tid, &zero, sizeof(zero));
	}
	release_files(p);
	inode_put(p->cwd);
	p->cwd = NULL;
	mm_activate(NULL);
	mm_destroy(p->mm);
	p->mm = NULL;
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].ppid == p->pid) {
			procs[i].ppid = 1;
			if (procs[i].state == P_ZOMBIE)
				wakeup(init);
		}
	p->exit_status = wait_status;
	proc_set_state(p, P_ZOMBIE);
	if (p->vfork_pending) {
		p->vfork_pending = false;
		wakeup(p);
	}
	struct proc *parent = proc_find(p->ppid);

	if (parent) {
		if (p->exit_signal)
			signal_send(parent, p->exit_signal);
		wakeup(parent);
	}
	schedule();
	panic("zombie %d scheduled", p->pid);
}

static bool wait_matches(struct proc *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == current->pgid;
	if (pid < -1)
		return c->pgid == -pid;
	return true;
}

long proc_wait(int pid, uintptr_t status_ptr, int options)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE))
		return -EINVAL;
	for (;;) {
		bool have_child = false;

		for (int i = 0; i < NPROC; i++) {
			struct proc *c = &procs[i];

			if (c->state == P_UNUSED || c->ppid != current->pid || !wait_matches(c, pid))
				continue;
			have_child = true;
			if (c->state != P_ZOMBIE)
				continue;
			if (status_ptr && copy_to_user(status_ptr, &c->exit_status, sizeof(int)))
				return -EFAULT;
			int cpid = c->pid;

			current->utime_ns += c->utime_ns;
			kfree(c->kstack);
			proc_set_state(c, P_UNUSED);
			return cpid;
		}
		if (!have_child)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (sleep_on(current))
			return -ERESTARTSYS;
	}
}

/* Creates pid 1 with the console on descriptors 0-2 and execs /init. */
void proc_init_first(const char *cmdline)
{
	struct proc *p = proc_alloc();
	struct inode *console;
	int err;

	BUG_ON(!p || p->pid != 1);
	p->pgid = p->sid = p->pid;
	memcpy(p->name, "init", 5);
	p->cwd = fs_root;
	inode_get(fs_root);
	p->umask = 022;
	err = path_lookup(fs_root, fs_root, "/dev/console", LOOKUP_FOLLOW, &console);
	if (err)
		panic("no /dev/console (%d)", err);
	for (int fd = 0; fd < 3; fd++) {
		p->files[fd] = file_new(console, O_RDWR, console->fops);
		BUG_ON(!p->files[fd]);
	}
	current = p;
	err = exec_init("/init", cmdline);
	if (err)
		panic("cannot run /init (error %d)", err);
	proc_set_state(p, P_RUNNABLE);
}
