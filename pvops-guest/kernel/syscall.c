/*
 * The Linux x86-64 system-call table.  Arguments arrive in RDI, RSI, RDX,
 * R10, R8, R9 and the number in the trapframe's error slot (RAX at entry);
 * the result goes back in RAX.  Unknown numbers return -ENOSYS and are
 * logged once each.
 */
#include "lib.h"
#include "proc.h"
#include "syscalls.h"

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Handlers take typed arguments; the ABI passes six integer registers. */
#define S(nr, fn) [nr] = (syscall_fn)(void (*)(void))(fn)

static const syscall_fn syscall_table[] = {
	S(__NR_read, sys_read),
	S(__NR_write, sys_write),
	S(__NR_open, sys_open),
	S(__NR_close, sys_close),
	S(__NR_stat, sys_stat),
	S(__NR_fstat, sys_fstat),
	S(__NR_lstat, sys_lstat),
	S(__NR_poll, sys_poll),
	S(__NR_lseek, sys_lseek),
	S(__NR_mmap, sys_mmap),
	S(__NR_mprotect, sys_mprotect),
	S(__NR_munmap, sys_munmap),
	S(__NR_brk, sys_brk),
	S(__NR_rt_sigaction, sys_rt_sigaction),
	S(__NR_rt_sigprocmask, sys_rt_sigprocmask),
	S(__NR_rt_sigreturn, sys_rt_sigreturn),
	S(__NR_ioctl, sys_ioctl),
	S(__NR_pread64, sys_pread64),
	S(__NR_pwrite64, sys_pwrite64),
	S(__NR_readv, sys_readv),
	S(__NR_writev, sys_writev),
	S(__NR_access, sys_access),
	S(__NR_pipe, sys_pipe),
	S(__NR_select, sys_select),
	S(__NR_sched_yield, sys_sched_yield),
	S(__NR_dup, sys_dup),
	S(__NR_dup2, sys_dup2),
	S(__NR_pause, sys_pause),
	S(__NR_nanosleep, sys_nanosleep),
	S(__NR_getitimer, sys_getitimer),
	S(__NR_alarm, sys_alarm),
	S(__NR_setitimer, sys_setitimer),
	S(__NR_getpid, sys_getpid),
	S(__NR_sendfile, sys_sendfile),
	S(__NR_clone, sys_clone),
	S(__NR_fork, sys_fork),
	S(__NR_vfork, sys_vfork),
	S(__NR_execve, sys_execve),
	S(__NR_exit, sys_exit),
	S(__NR_wait4, sys_wait4),
	S(__NR_kill, sys_kill),
	S(__NR_uname, sys_uname),
	S(__NR_fcntl, sys_fcntl),
	S(__NR_fsync, sys_fsync),
	S(__NR_fdatasync, sys_fsync),
	S(__NR_truncate, sys_truncate),
	S(__NR_ftruncate, sys_ftruncate),
	S(__NR_getcwd, sys_getcwd),
	S(__NR_chdir, sys_chdir),
	S(__NR_fchdir, sys_fchdir),
	S(__NR_rename, sys_rename),
	S(__NR_mkdir, sys_mkdir),
	S(__NR_rmdir, sys_rmdir),
	S(__NR_creat, sys_creat),
	S(__NR_link, sys_link),
	S(__NR_unlink, sys_unlink),
	S(__NR_symlink, sys_symlink),
	S(__NR_readlink, sys_readlink),
	S(__NR_chmod, sys_chmod),
	S(__NR_fchmod, sys_fchmod),
	S(__NR_umask, sys_umask),
	S(__NR_gettimeofday, sys_gettimeofday),
	S(__NR_getrlimit, sys_getrlimit),
	S(__NR_getrusage, sys_getrusage),
	S(__NR_sysinfo, sys_sysinfo),
	S(__NR_times, sys_times),
	S(__NR_getuid, sys_getuid),
	S(__NR_getgid, sys_getuid),
	S(__NR_setuid, sys_setuid),
	S(__NR_setgid, sys_setuid),
	S(__NR_geteuid, sys_getuid),
	S(__NR_getegid, sys_getuid),
	S(__NR_setpgid, sys_setpgid),
	S(__NR_getppid, sys_getppid),
	S(__NR_getpgrp, sys_getpgrp),
	S(__NR_setsid, sys_setsid),
	S(__NR_setresuid, sys_setresuid),
	S(__NR_getresuid, sys_getresuid),
	S(__NR_setresgid, sys_setresuid),
	S(__NR_getresgid, sys_getresuid),
	S(__NR_getgroups, sys_getgroups),
	S(__NR_getpgid, sys_getpgid),
	S(__NR_getsid, sys_getsid),
	S(__NR_rt_sigpending, sys_rt_sigpending),
	S(__NR_rt_sigsuspend, sys_rt_sigsuspend),
	S(__NR_mlock, sys_mlock),
	S(__NR_munlock, sys_munlock),
	S(__NR_prctl, sys_prctl),
	S(__NR_arch_prctl, sys_arch_prctl),
	S(__NR_setrlimit, sys_setrlimit),
	S(__NR_sync, sys_sync),
	S(__NR_reboot, sys_reboot),
	S(__NR_sethostname, sys_sethostname),
	S(__NR_gettid, sys_getpid),
	S(__NR_tkill, sys_tkill),
	S(__NR_time, sys_time),
	S(__NR_set_tid_address, sys_set_tid_address),
	S(__NR_getdents64, sys_getdents64),
	S(__NR_clock_gettime, sys_clock_gettime),
	S(__NR_clock_getres, sys_clock_getres),
	S(__NR_clock_nanosleep, sys_clock_nanosleep),
	S(__NR_exit_group, sys_exit),
	S(__NR_tgkill, sys_tgkill),
	S(__NR_openat, sys_openat),
	S(__NR_mkdirat, sys_mkdirat),
	S(__NR_newfstatat, sys_newfstatat),
	S(__NR_unlinkat, sys_unlinkat),
	S(__NR_renameat, sys_renameat),
	S(__NR_symlinkat, sys_symlinkat),
	S(__NR_readlinkat, sys_readlinkat),
	S(__NR_fchmodat, sys_fchmodat),
	S(__NR_faccessat, sys_faccessat),
	S(__NR_pselect6, sys_pselect6),
	S(__NR_ppoll, sys_ppoll),
	S(__NR_set_robust_list, sys_set_robust_list),
	S(__NR_utimensat, sys_utimensat),
	S(__NR_dup3, sys_dup3),
	S(__NR_pipe2, sys_pipe2),
	S(__NR_prlimit64, sys_prlimit64),
	S(__NR_renameat2, sys_renameat2),
	S(__NR_getrandom, sys_getrandom),
	S(__NR_faccessat2, sys_faccessat2),
	/* AF_UNIX sockets (net/) */
	S(__NR_socket, sys_socket),
	S(__NR_connect, sys_connect),
	S(__NR_accept, sys_accept),
	S(__NR_sendto, sys_sendto),
	S(__NR_recvfrom, sys_recvfrom),
	S(__NR_sendmsg, sys_sendmsg),
	S(__NR_recvmsg, sys_recvmsg),
	S(__NR_shutdown, sys_shutdown),
	S(__NR_bind, sys_bind),
	S(__NR_listen, sys_listen),
	S(__NR_getsockname, sys_getsockname),
	S(__NR_getpeername, sys_getpeername),
	S(__NR_socketpair, sys_socketpair),
	S(__NR_setsockopt, sys_setsockopt),
	S(__NR_getsockopt, sys_getsockopt),
	S(__NR_accept4, sys_accept4),
};

static uint64_t unknown_logged[8];   /* one bit per number below 512 */

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->error;
	long ret;

	if (nr < ARRAY_SIZE(syscall_table) && syscall_table[nr]) {
		ret = syscall_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	} else {
		if (nr < 512 && !(unknown_logged[nr / 64] & (1UL << (nr % 64)))) {
			unknown_logged[nr / 64] |= 1UL << (nr % 64);
			printk("pvops-guest: unimplemented syscall %lu (pid %d, %s)\n",
			       nr, current->pid, current->name);
		}
		ret = -ENOSYS;
	}
	/* rt_sigreturn and execve set the whole frame, RAX included. */
	if (nr != __NR_rt_sigreturn)
		tf->rax = ret;
}
