/* Process system calls: creation, exit, ids, groups, limits, identity. */
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "random.h"
#include "syscalls.h"
#include "uaccess.h"
#include "vm.h"

static char hostname[65] = "heron";

long sys_fork(void) { return proc_fork(current->tf, SIGCHLD, 0, 0, 0, 0); }
long sys_vfork(void) { return proc_fork(current->tf, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0); }

long sys_clone(unsigned long flags, uintptr_t stack, uintptr_t ptid, uintptr_t ctid,
	       uintptr_t tls)
{
	return proc_fork(current->tf, flags, stack, ptid, ctid, tls);
}

long sys_exit(int code)
{
	proc_exit((code & 0xff) << 8);
}

long sys_wait4(int pid, uintptr_t status, int options, uintptr_t rusage)
{
	long r = proc_wait(pid, status, options);

	if (r > 0 && rusage && clear_user(rusage, 144))
		return -EFAULT;
	return r;
}

long sys_kill(int pid, int sig) { return signal_kill(pid, sig); }

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0 || tgid != tid)
		return tgid <= 0 || tid <= 0 ? -EINVAL : -ESRCH;
	return signal_kill(tid, sig);
}

long sys_tkill(int tid, int sig)
{
	return tid <= 0 ? -EINVAL : signal_kill(tid, sig);
}

long sys_getpid(void) { return current->pid; }
long sys_getppid(void) { return current->ppid; }

/* There is one user, root. */
long sys_getuid(void) { return 0; }
long sys_setuid(unsigned int uid) { return uid == 0 ? 0 : -EPERM; }

long sys_setresuid(unsigned int r, unsigned int e, unsigned int s)
{
	return ((r + 1) | (e + 1) | (s + 1)) <= 1 ? 0 : -EPERM;
}

long sys_getresuid(uintptr_t r, uintptr_t e, uintptr_t s)
{
	unsigned int zero = 0;

	if (copy_to_user(r, &zero, 4) || copy_to_user(e, &zero, 4) || copy_to_user(s, &zero, 4))
		return -EFAULT;
	return 0;
}

long sys_getgroups(int n, uintptr_t list)
{
	(void)list;
	return n < 0 ? -EINVAL : 0;
}

long sys_setpgid(int pid, int pgid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	if (pgid < 0)
		return -EINVAL;
	if (!p || (p != current && p->ppid != current->pid))
		return -ESRCH;
	if (p->pid == p->sid)
		return -EPERM;
	p->pgid = pgid ? pgid : p->pid;
	return 0;
}

long sys_getpgid(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(void) { return current->pgid; }

long sys_setsid(void)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_UNUSED && procs[i].pgid == current->pid)
			return -EPERM;
	current->sid = current->pgid = current->pid;
	return current->sid;
}

long sys_getsid(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current;

	return p ? p->sid : -ESRCH;
}

long sys_uname(uintptr_t buf)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	memcpy(u.sysname, "Linux", 6);
	memcpy(u.nodename, hostname, sizeof(hostname));
	memcpy(u.release, "6.1.0-heron", 12);
	snprintf(u.version, sizeof(u.version), "#1 heron pvops-guest (%s)", pv_ops.name);
	memcpy(u.machine, "x86_64", 7);
	memcpy(u.domainname, "(none)", 7);
	return copy_to_user(buf, &u, sizeof(u));
}

long sys_sethostname(uintptr_t name, size_t len)
{
	char tmp[65];

	if (len > 64)
		return -EINVAL;
	if (copy_from_user(tmp, name, len))
		return -EFAULT;
	tmp[len] = 0;
	memcpy(hostname, tmp, len + 1);
	return 0;
}

long sys_arch_prctl(int code, uintptr_t addr)
{
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		if (code == ARCH_SET_FS) {
			current->fs_base = addr;
			pv_ops.cpu.set_fs_base(addr);
		} else {
			current->gs_base = addr;
			pv_ops.cpu.set_gs_base(addr);
		}
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(addr, &current->fs_base, 8);
	case ARCH_GET_GS:
		return copy_to_user(addr, &current->gs_base, 8);
	default:
		return -EINVAL;
	}
}

long sys_prctl(int op, uintptr_t a2)
{
	char name[16];

	switch (op) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, a2, sizeof(name)) < 0 &&
		    copy_from_user(name, a2, sizeof(name) - 1))
			return -EFAULT;
		name[15] = 0;
		memcpy(current->name, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(a2, current->name, sizeof(current->name));
	default:
		return -EINVAL;
	}
}

long sys_set_tid_address(uintptr_t p)
{
	current->clear_child_tid = p;
	return current->pid;
}

/* Single-threaded processes: no robust futexes to clean up, so nothing to record. */
long sys_set_robust_list(uintptr_t head, size_t len)
{
	(void)head;
	return len == 24 ? 0 : -EINVAL;
}

static void rlimit_of(unsigned int res, struct rlimit *rl)
{
	rl->rlim_cur = rl->rlim_max = RLIM_INFINITY;
	if (res == RLIMIT_STACK)
		rl->rlim_cur = STACK_SIZE;
	else if (res == RLIMIT_NOFILE)
		rl->rlim_cur = rl->rlim_max = NOFILE;
	else if (res == RLIMIT_NPROC)
		rl->rlim_cur = rl->rlim_max = NPROC;
}

/* Limits are fixed; setting them to what they already are is allowed. */
long sys_prlimit64(int pid, unsigned int res, uintptr_t nl, uintptr_t ol)
{
	struct rlimit cur, want;

	if (pid && pid != current->pid)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	rlimit_of(res, &cur);
	if (nl) {
		if (copy_from_user(&want, nl, sizeof(want)))
			return -EFAULT;
		if (want.rlim_cur > want.rlim_max)
			return -EINVAL;
		if (want.rlim_max > cur.rlim_max)
			return -EPERM;
	}
	if (ol && copy_to_user(ol, &cur, sizeof(cur)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(unsigned int res, uintptr_t rl) { return sys_prlimit64(0, res, 0, rl); }
long sys_setrlimit(unsigned int res, uintptr_t rl) { return sys_prlimit64(0, res, rl, 0); }

long sys_getrusage(int who, uintptr_t ru)
{
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	return clear_user(ru, 144);
}

long sys_times(uintptr_t buf)
{
	uint64_t ticks = time_now_ns() / 10000000;
	uint64_t t[4] = { 0, 0, 0, 0 };

	if (buf && copy_to_user(buf, t, sizeof(t)))
		return -EFAULT;
	return ticks;
}

long sys_sysinfo(uintptr_t uinfo)
{
	struct sysinfo si;
	int n = 0;

	for (int i = 0; i < NPROC; i++)
		n += procs[i].state != P_UNUSED;
	memset(&si, 0, sizeof(si));
	si.uptime = time_now_ns() / 1000000000;
	si.totalram = frames_total();
	si.freeram = frames_free_count();
	si.procs = n;
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(uinfo, &si, sizeof(si));
}

long sys_reboot(int magic, int magic2, unsigned int cmd)
{
	if ((unsigned int)magic != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
		printk("pvops-guest: power off\n");
		pv_ops.cpu.poweroff(0);
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		printk("pvops-guest: reboot\n");
		pv_ops.cpu.reboot();
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_sched_yield(void)
{
	schedule();
	return 0;
}

long sys_getrandom(uintptr_t buf, size_t n, unsigned int flags)
{
	uint8_t k[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	while (done < n) {
		size_t len = MIN(n - done, sizeof(k));

		random_bytes(k, len);
		if (copy_to_user(buf + done, k, len))
			return done ? (long)done : -EFAULT;
		done += len;
	}
	return done;
}
