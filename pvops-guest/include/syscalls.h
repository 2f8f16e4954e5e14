/* System-call implementations (Linux x86-64 numbering, see kernel/syscall.c). */
#ifndef GUEST_SYSCALLS_H
#define GUEST_SYSCALLS_H

#include "kernel.h"

/* mm/mmap.c */
long sys_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags,
	      int fd, uint64_t off);
long sys_munmap(uintptr_t addr, size_t len);
long sys_mlock(uintptr_t addr, size_t len);
long sys_munlock(uintptr_t addr, size_t len);
long sys_mprotect(uintptr_t addr, size_t len, unsigned long prot);
long sys_brk(uintptr_t want);

/* kernel/sys_file.c */
long sys_read(int fd, uintptr_t buf, size_t n);
long sys_write(int fd, uintptr_t buf, size_t n);
long sys_pread64(int fd, uintptr_t buf, size_t n, int64_t off);
long sys_pwrite64(int fd, uintptr_t buf, size_t n, int64_t off);
long sys_readv(int fd, uintptr_t iov, int cnt);
long sys_writev(int fd, uintptr_t iov, int cnt);
long sys_open(uintptr_t path, int flags, unsigned int mode);
long sys_openat(int dirfd, uintptr_t path, int flags, unsigned int mode);
long sys_creat(uintptr_t path, unsigned int mode);
long sys_close(int fd);
long sys_lseek(int fd, int64_t off, int whence);
long sys_dup(int fd);
long sys_dup2(int fd, int nfd);
long sys_dup3(int fd, int nfd, int flags);
long sys_fcntl(int fd, int cmd, uintptr_t arg);
long sys_ioctl(int fd, unsigned int cmd, uintptr_t arg);
long sys_pipe(uintptr_t fds);
long sys_pipe2(uintptr_t fds, int flags);
long sys_getdents64(int fd, uintptr_t buf, size_t n);
long sys_sendfile(int out, int in, uintptr_t offp, size_t n);
long sys_ftruncate(int fd, int64_t len);
long sys_fsync(int fd);
long sys_sync(void);
long sys_poll(uintptr_t fds, unsigned int n, int timeout_ms);
long sys_ppoll(uintptr_t fds, unsigned int n, uintptr_t ts, uintptr_t mask, size_t sz);
long sys_select(int n, uintptr_t r, uintptr_t w, uintptr_t e, uintptr_t tv);
long sys_pselect6(int n, uintptr_t r, uintptr_t w, uintptr_t e, uintptr_t ts, uintptr_t m);

/* kernel/sys_path.c */
long sys_stat(uintptr_t path, uintptr_t st);
long sys_lstat(uintptr_t path, uintptr_t st);
long sys_fstat(int fd, uintptr_t st);
long sys_newfstatat(int dirfd, uintptr_t path, uintptr_t st, int flags);
long sys_access(uintptr_t path, int mode);
long sys_faccessat(int dirfd, uintptr_t path, int mode);
long sys_faccessat2(int dirfd, uintptr_t path, int mode, int flags);
long sys_mkdir(uintptr_t path, unsigned int mode);
long sys_mkdirat(int dirfd, uintptr_t path, unsigned int mode);
long sys_rmdir(uintptr_t path);
long sys_unlink(uintptr_t path);
long sys_unlinkat(int dirfd, uintptr_t path, int flags);
long sys_rename(uintptr_t from, uintptr_t to);
long sys_renameat(int ofd, uintptr_t from, int nfd, uintptr_t to);
long sys_renameat2(int ofd, uintptr_t from, int nfd, uintptr_t to, unsigned int flags);
long sys_link(uintptr_t from, uintptr_t to);
long sys_symlink(uintptr_t target, uintptr_t path);
long sys_symlinkat(uintptr_t target, int dirfd, uintptr_t path);
long sys_readlink(uintptr_t path, uintptr_t buf, size_t n);
long sys_readlinkat(int dirfd, uintptr_t path, uintptr_t buf, size_t n);
long sys_chdir(uintptr_t path);
long sys_fchdir(int fd);
long sys_getcwd(uintptr_t buf, size_t n);
long sys_umask(unsigned int mask);
long sys_chmod(uintptr_t path, unsigned int mode);
long sys_fchmod(int fd, unsigned int mode);
long sys_fchmodat(int dirfd, uintptr_t path, unsigned int mode);
long sys_truncate(uintptr_t path, int64_t len);
long sys_utimensat(int dirfd, uintptr_t path, uintptr_t times, int flags);

/* kernel/sys_proc.c */
long sys_fork(void);
long sys_vfork(void);
long sys_clone(unsigned long flags, uintptr_t stack, uintptr_t ptid, uintptr_t ctid,
	       uintptr_t tls);
long sys_execve(uintptr_t path, uintptr_t argv, uintptr_t envp);
long sys_exit(int code);
long sys_wait4(int pid, uintptr_t status, int options, uintptr_t rusage);
long sys_kill(int pid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_tkill(int tid, int sig);
long sys_getpid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_setuid(unsigned int uid);
long sys_setresuid(unsigned int r, unsigned int e, unsigned int s);
long sys_getresuid(uintptr_t r, uintptr_t e, uintptr_t s);
long sys_getgroups(int n, uintptr_t list);
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(int pid);
long sys_uname(uintptr_t buf);
long sys_sethostname(uintptr_t name, size_t len);
long sys_arch_prctl(int code, uintptr_t addr);
long sys_prctl(int op, uintptr_t a2);
long sys_set_tid_address(uintptr_t p);
long sys_set_robust_list(uintptr_t head, size_t len);
long sys_prlimit64(int pid, unsigned int res, uintptr_t nl, uintptr_t ol);
long sys_getrlimit(unsigned int res, uintptr_t rl);
long sys_setrlimit(unsigned int res, uintptr_t rl);
long sys_getrusage(int who, uintptr_t ru);
long sys_times(uintptr_t buf);
long sys_sysinfo(uintptr_t info);
long sys_reboot(int magic, int magic2, unsigned int cmd);
long sys_sched_yield(void);
long sys_getrandom(uintptr_t buf, size_t n, unsigned int flags);

/* kernel/sys_signal.c */
long sys_rt_sigaction(int sig, uintptr_t act, uintptr_t oact, size_t size);
long sys_rt_sigprocmask(int how, uintptr_t set, uintptr_t oset, size_t size);
long sys_rt_sigreturn(void);
long sys_rt_sigsuspend(uintptr_t mask, size_t size);
long sys_rt_sigpending(uintptr_t set, size_t size);
long sys_pause(void);

/* kernel/sys_time.c */
long sys_nanosleep(uintptr_t req, uintptr_t rem);
long sys_getitimer(int which, uintptr_t val);
long sys_setitimer(int which, uintptr_t val, uintptr_t old);
long sys_alarm(unsigned int seconds);
long sys_clock_nanosleep(int clk, int flags, uintptr_t req, uintptr_t rem);
long sys_clock_gettime(int clk, uintptr_t ts);
long sys_clock_getres(int clk, uintptr_t ts);
long sys_gettimeofday(uintptr_t tv, uintptr_t tz);
long sys_time(uintptr_t t);

/* net/sys_socket.c */
long sys_socket(int domain, int type, int protocol);
long sys_socketpair(int domain, int type, int protocol, uintptr_t sv);
long sys_bind(int fd, uintptr_t addr, int len);
long sys_listen(int fd, int backlog);
long sys_connect(int fd, uintptr_t addr, int len);
long sys_accept(int fd, uintptr_t addr, uintptr_t len);
long sys_accept4(int fd, uintptr_t addr, uintptr_t len, int flags);
long sys_getsockname(int fd, uintptr_t addr, uintptr_t len);
long sys_getpeername(int fd, uintptr_t addr, uintptr_t len);
long sys_shutdown(int fd, int how);
long sys_getsockopt(int fd, int level, int name, uintptr_t val, uintptr_t len);
long sys_setsockopt(int fd, int level, int name, uintptr_t val, unsigned int len);
long sys_sendto(int fd, uintptr_t buf, size_t n, int flags, uintptr_t addr, int alen);
long sys_recvfrom(int fd, uintptr_t buf, size_t n, int flags, uintptr_t addr, uintptr_t alen);
long sys_sendmsg(int fd, uintptr_t msg, int flags);
long sys_recvmsg(int fd, uintptr_t msg, int flags);

/* kernel/fd.c: descriptor table helpers shared by the file syscalls. */
struct file;
struct file *fd_get(int fd);
int fd_install(struct file *f, int min, bool cloexec);
int fd_at_path(int dirfd, uintptr_t upath, char *path, struct inode **base);

#endif
