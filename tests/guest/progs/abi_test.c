/*
 * Exercises the Linux system-call ABI and prints only deterministic
 * results.  Built twice, with musl-gcc -static for the guest initrd and with
 * the host gcc, so the scenario test can require identical output from a
 * Linux host and from pvops-guest.  usage: abi_test WORKDIR
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static sigjmp_buf segv_jump;
static volatile sig_atomic_t got_sig, got_code, got_usr_value;
static void *volatile got_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(segv_jump, 1);
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_usr_value = si->si_pid == getpid();
}

static void on_alarm_like(int sig) { got_sig = sig; }

static int faults_on_write(volatile char *p)
{
	got_sig = 0;
	if (sigsetjmp(segv_jump, 1) == 0) {
		*p = 1;
		return 0;
	}
	return got_sig == SIGSEGV && got_addr == (void *)p;
}

static void section(const char *name) { printf("== %s\n", name); }

/* Reports a call's result and whether errno is the expected one (read right after the call). */
static void report(const char *what, long r, int want, const char *want_name)
{
	int e = errno;

	printf("%s: %ld errno %s %d\n", what, r, want_name, e == want);
}

static void test_process(void)
{
	int status;
	pid_t pid;

	section("process");
	pid = fork();
	if (pid == 0)
		_exit(42);
	printf("waitpid same child: %d\n", waitpid(pid, &status, 0) == pid);
	printf("exit status: %d exited %d\n", WEXITSTATUS(status), WIFEXITED(status));
	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("killed by signal: %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));
	report("wait with no children", (long)(wait(&status)), ECHILD, "ECHILD");
	pid = vfork();
	if (pid == 0)
		_exit(5);
	waitpid(pid, &status, 0);
	printf("vfork child status: %d\n", WEXITSTATUS(status));
	printf("getppid differs from getpid: %d\n", getppid() != getpid());
	report("kill(-12345, 0)", (long)(kill(-12345, 0)), ESRCH, "ESRCH");
}

static void test_files(const char *dir)
{
	char path[256], buf[64];
	struct stat st;
	struct iovec iov[2];
	int fd;

	section("files");
	if (chdir(dir) != 0) {
		printf("chdir failed\n");
		return;
	}
	mkdir("sub", 0755);
	fd = open("sub/data", O_CREAT | O_RDWR | O_TRUNC, 0644);
	printf("write: %zd\n", write(fd, "hello, world\n", 13));
	printf("lseek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
	printf("pread: %zd ", pread(fd, buf, 5, 7));
	printf("'%.5s'\n", buf);
	iov[0] = (struct iovec){ "abc", 3 };
	iov[1] = (struct iovec){ "defg\n", 5 };
	printf("writev: %zd\n", writev(fd, iov, 2));
	fstat(fd, &st);
	printf("size: %ld regular %d\n", (long)st.st_size, S_ISREG(st.st_mode));
	close(fd);
	printf("rename: %d\n", rename("sub/data", "sub/renamed"));
	report("open old name", (long)(open("sub/data", O_RDONLY)), ENOENT, "ENOENT");
	printf("symlink: %d\n", symlink("renamed", "sub/link"));
	printf("readlink: %zd\n", readlink("sub/link", buf, sizeof(buf)));
	printf("stat via link size: %d\n", stat("sub/link", &st) == 0 ? (int)st.st_size : -1);
	printf("lstat is link: %d\n", lstat("sub/link", &st) == 0 && S_ISLNK(st.st_mode));
	report("O_EXCL on existing", (long)(open("sub/renamed", O_CREAT | O_EXCL | O_WRONLY, 0644)), EEXIST, "EEXIST");
	report("rmdir non-empty", (long)(rmdir("sub")), ENOTEMPTY, "ENOTEMPTY");
	report("unlink dir", (long)(unlink("sub")), EISDIR, "EISDIR");

	DIR *d = opendir("sub");
	struct dirent *e;
	int n = 0, seen = 0;

	while ((e = readdir(d))) {
		n++;
		seen |= (strcmp(e->d_name, "renamed") == 0) | ((strcmp(e->d_name, "link") == 0) << 1);
	}
	closedir(d);
	printf("readdir entries: %d both seen %d\n", n, seen == 3);
	printf("getcwd ends with dir: %d\n", getcwd(path, sizeof(path)) &&
	       !strcmp(path + strlen(path) - strlen(strrchr(dir, '/')), strrchr(dir, '/')));
	fd = open("sub/renamed", O_RDONLY);
	int fd2 = dup(fd), fd3 = fcntl(fd, F_DUPFD_CLOEXEC, 20);

	printf("dup: %d fcntl dupfd >= 20: %d cloexec %d\n", fd2 > fd, fd3 >= 20,
	       fcntl(fd3, F_GETFD) & FD_CLOEXEC);
	ssize_t got = read(fd, buf, 6);

	printf("shared offset: %zd %ld\n", got, (long)lseek(fd2, 0, SEEK_CUR));
	close(fd);
	close(fd2);
	close(fd3);
	unlink("sub/link");
	unlink("sub/renamed");
	printf("rmdir empty: %d\n", rmdir("sub"));
	int zero = open("/dev/zero", O_RDONLY);
	void *volatile bad = (void *)8;

	report("bad pointer read", read(zero, bad, 4), EFAULT, "EFAULT");
	close(zero);
}

static void test_pipes(void)
{
	int p[2], status;
	char buf[32];

	section("pipes");
	pipe(p);
	if (fork() == 0) {
		close(p[0]);
		for (int i = 0; i < 1000; i++)
			write(p[1], "0123456789", 10);
		_exit(0);
	}
	close(p[1]);
	long total = 0;
	ssize_t r;

	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		total += r;
	wait(&status);
	printf("bytes through pipe: %ld then EOF %zd\n", total, r);
	close(p[0]);
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	report("write to closed pipe", (long)(write(p[1], "x", 1)), EPIPE, "EPIPE");
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	pipe2(p, O_NONBLOCK);
	report("nonblocking empty read", (long)(read(p[0], buf, 1)), EAGAIN, "EAGAIN");
	close(p[0]);
	close(p[1]);
}

static void test_memory(const char *dir)
{
	section("memory");
	long pg = sysconf(_SC_PAGESIZE);
	char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("page size: %ld\n", pg);
	printf("anonymous zeroed: %d\n", a[0] == 0 && a[4 * pg - 1] == 0);
	memset(a, 7, 4 * pg);
	printf("munmap middle: %d\n", munmap(a + pg, pg));
	printf("access unmapped faults: %d\n", faults_on_write(a + pg));
	printf("neighbours intact: %d\n", a[0] == 7 && a[2 * pg] == 7);
	printf("mprotect read-only: %d\n", mprotect(a, pg, PROT_READ));
	int faulted = faults_on_write(a);

	printf("write to read-only faults: %d code SEGV_ACCERR %d\n", faulted, got_code == SEGV_ACCERR);
	printf("mprotect back: %d\n", mprotect(a, pg, PROT_READ | PROT_WRITE));
	a[0] = 1;
	printf("writable again: %d\n", a[0] == 1);
	report("mprotect hole", (long)(mprotect(a, 3 * pg, PROT_READ)), ENOMEM, "ENOMEM");
	printf("mlock, partial pages: %d\n", mlock(a + 2 * pg + 10, pg));
	printf("mlock nothing: %d\n", mlock(a + pg, 0));
	printf("munlock: %d\n", munlock(a, pg));
	report("mlock hole", (long)mlock(a, 3 * pg), ENOMEM, "ENOMEM");
	report("munlock hole", (long)munlock(a + pg, 2 * pg), ENOMEM, "ENOMEM");
	munmap(a, 4 * pg);

	char path[256];
	snprintf(path, sizeof(path), "%s/mapped", dir);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	for (int i = 0; i < 3000; i++)
		write(fd, "abcdefghij", 10);
	char *f = mmap(NULL, 30000, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("file mapping: %.10s %.4s\n", f, f + 29996);
	printf("past EOF in last page is zero: %d\n", f[30000] == 0 && f[32767] == 0);
	char *g = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, pg);
	g[0] = 'Z';
	char c;
	pread(fd, &c, 1, pg);
	printf("private write not in file: %c %c\n", g[0], c);
	munmap(f, 30000);
	munmap(g, pg);
	close(fd);
	unlink(path);

	char *b = (char *)syscall(SYS_brk, 0);
	printf("brk grows: %d\n", (char *)syscall(SYS_brk, b + 3 * pg) == b + 3 * pg);
	b[3 * pg - 1] = 1;
	printf("brk shrinks: %d\n", (char *)syscall(SYS_brk, b) == b);

	int *shared = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*shared = 1;
	if (fork() == 0) {
		*shared = 2;
		_exit(*shared);
	}
	int status;
	wait(&status);
	printf("copy-on-write: child saw %d parent keeps %d\n", WEXITSTATUS(status), *shared);
	printf("null write faults: %d\n", faults_on_write(NULL));
}

static void test_signals(void)
{
	struct sigaction sa = { 0 };
	sigset_t set, old;
	int p[2];

	section("signals");
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	got_sig = 0;
	kill(getpid(), SIGUSR1);
	printf("handler ran: sig %d code SI_USER %d pid ok %d\n", got_sig, got_code == SI_USER, got_usr_value);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	got_sig = 0;
	kill(getpid(), SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	printf("blocked: not run %d pending %d\n", got_sig == 0, sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: ran %d\n", got_sig == SIGUSR1);

	/* A handler interrupts a blocking read: EINTR without SA_RESTART. */
	sa = (struct sigaction){ 0 };
	sa.sa_handler = on_alarm_like;
	sigaction(SIGUSR2, &sa, NULL);
	pipe(p);
	pid_t parent = getpid(), child = fork();
	if (child == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	char c;
	ssize_t r = read(p[0], &c, 1);
	printf("interrupted read: %zd errno EINTR %d sig %d\n", r, errno == EINTR, got_sig);
	waitpid(child, NULL, 0);
	/* With SA_RESTART the read restarts and sees the data written later. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	child = fork();
	if (child == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		kill(parent, SIGUSR2);
		nanosleep(&ts, NULL);
		write(p[1], "R", 1);
		_exit(0);
	}
	got_sig = 0;
	r = read(p[0], &c, 1);
	printf("restarted read: %zd '%c' sig %d\n", r, c, got_sig);
	waitpid(child, NULL, 0);
	close(p[0]);
	close(p[1]);
	signal(SIGCHLD, SIG_DFL);
	report("SIGKILL cannot be caught", (long)(sigaction(SIGKILL, &sa, NULL)), EINVAL, "EINVAL");
}

static void test_misc(void)
{
	struct utsname u;
	struct timespec t0, t1, d = { 0, 20 * 1000 * 1000 };

	section("misc");
	uname(&u);
	printf("sysname: %s machine: %s\n", u.sysname, u.machine);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("nanosleep 20ms took at least 20ms: %d\n", ms >= 20);
	printf("realtime after 2020: %d\n", time(NULL) > 1577836800);
	mode_t before = umask(027);
	mode_t during = umask(before);

	printf("umask set and read back: %d\n", during == 027);
	printf("uid equals euid: %d\n", getuid() == geteuid());
	report("unknown syscall", (long)(syscall(400)), ENOSYS, "ENOSYS");
	report("bad fd", (long)(write(99, "x", 1)), EBADF, "EBADF");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: abi_test WORKDIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	test_process();
	test_files(argv[1]);
	test_pipes();
	test_memory(argv[1]);
	test_signals();
	test_misc();
	printf("== done\n");
	return 0;
}
