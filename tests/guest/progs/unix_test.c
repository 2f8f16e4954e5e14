/*
 * AF_UNIX stream sockets: connections over a path with forked clients,
 * socketpair, transfers larger than any socket buffer, nonblocking I/O,
 * poll/select readiness, EOF, EPIPE/SIGPIPE, signals, errors and cleanup.
 * Prints only results that are the same on a Linux host (buffer sizes
 * differ, so none is printed).  usage: unix_test WORKDIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 8
#define BIG (1024 * 1024 + 123)

static const char *dir;
static volatile sig_atomic_t sigpipes, usr1s;

static void on_sigpipe(int sig) { (void)sig; sigpipes++; }
static void on_usr1(int sig) { (void)sig; usr1s++; }

static void section(const char *name) { printf("== %s\n", name); }

/* musl has no strerrorname_np: the errno names this test can meet. */
static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EAGAIN, "EAGAIN" }, { EBADF, "EBADF" }, { EINVAL, "EINVAL" },
		{ ENOENT, "ENOENT" }, { ENOTSOCK, "ENOTSOCK" }, { EADDRINUSE, "EADDRINUSE" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { ECONNRESET, "ECONNRESET" },
		{ ENOTCONN, "ENOTCONN" }, { EISCONN, "EISCONN" }, { EPIPE, "EPIPE" },
		{ EINTR, "EINTR" }, { ENXIO, "ENXIO" }, { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENOPROTOOPT, "ENOPROTOOPT" },
		{ EMSGSIZE, "EMSGSIZE" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "E?";
}

/* A call's result: the value, or -1 and the errno's name. */
static void result(const char *what, long r)
{
	if (r >= 0)
		printf("%s = %ld\n", what, r);
	else
		printf("%s = -1 %s\n", what, errno_name(errno));
	fflush(stdout);
}

static struct sockaddr_un addr_of(const char *name, socklen_t *len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, name);
	*len = sizeof(sa);
	return sa;
}

static int stream(void) { return socket(AF_UNIX, SOCK_STREAM, 0); }

static int listener(const char *name, int backlog)
{
	socklen_t len;
	struct sockaddr_un sa = addr_of(name, &len);
	int fd = stream();

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) || listen(fd, backlog)) {
		perror("listener");
		exit(1);
	}
	return fd;
}

static int connect_to(const char *name)
{
	socklen_t len;
	struct sockaddr_un sa = addr_of(name, &len);
	int fd = stream();

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, len)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int wait_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Reads exactly n bytes unless EOF or an error comes first. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r <= 0)
			return r < 0 ? r : (ssize_t)got;
		got += r;
	}
	return got;
}

static void errors(void)
{
	socklen_t len;
	struct sockaddr_un sa = addr_of("err.sock", &len);
	int pfd[2], fd = stream(), fd2 = stream(), one = 1;
	char path[200];
	struct stat st;

	section("errors");
	result("socket bad flags", socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
	result("socket bad protocol", socket(AF_UNIX, SOCK_STREAM, 7));
	result("bind bad fd", bind(-1, (struct sockaddr *)&sa, len));
	pipe(pfd);
	result("bind pipe", bind(pfd[0], (struct sockaddr *)&sa, len));
	result("listen pipe", listen(pfd[0], 1));
	result("accept pipe", accept(pfd[0], NULL, NULL));
	result("getsockopt pipe", setsockopt(pfd[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	result("bind short len", bind(fd, (struct sockaddr *)&sa, 1));
	sa.sun_family = AF_UNIX + 1;
	result("bind bad family", bind(fd, (struct sockaddr *)&sa, len));
	sa.sun_family = AF_UNIX;
	result("listen unbound", listen(fd, 1));
	result("connect missing", connect_to("missing.sock"));
	snprintf(path, sizeof(path), "%s/nodir/x.sock", dir);
	strcpy(sa.sun_path, path);
	result("bind missing dir", bind(fd, (struct sockaddr *)&sa, len));
	sa = addr_of("err.sock", &len);
	result("bind", bind(fd, (struct sockaddr *)&sa, len));
	struct sockaddr_un sa2 = addr_of("err2.sock", &len);

	result("bind again", bind(fd, (struct sockaddr *)&sa2, len));
	result("bind in use", bind(fd2, (struct sockaddr *)&sa, len));
	result("stat is socket", stat(sa.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
	result("open socket node", open(sa.sun_path, O_RDONLY));
	result("connect not listening", connect_to("err.sock"));
	result("accept not listening", accept(fd, NULL, NULL));
	result("sendto unconnected with address", sendto(fd2, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, len));
	result("recv unconnected", recv(fd2, path, 1, 0));
	result("send unconnected", send(fd2, "x", 1, MSG_NOSIGNAL));
	result("getpeername unconnected", getpeername(fd2, (struct sockaddr *)&sa, &len));
	result("accept4 bad flags", accept4(fd, NULL, NULL, 0x1));
	result("shutdown bad how", shutdown(fd2, 7));
	result("shutdown unconnected", shutdown(fd2, SHUT_RDWR));
	snprintf(path, sizeof(path), "%s/plain", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	result("connect regular file", connect_to("plain"));
	close(fd);
	result("connect closed", connect_to("err.sock"));
	result("unlink node", unlink(addr_of("err.sock", &len).sun_path));
	close(fd2);
	close(pfd[0]);
	close(pfd[1]);
}

/* CLIENTS forked clients; the server answers each one in upper case. */
static void many_clients(void)
{
	int l = listener("srv.sock", CLIENTS), ok = 0, fails = 0;
	pid_t pids[CLIENTS];

	section("many clients");
	for (int i = 0; i < CLIENTS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char msg[32], reply[32];
			int fd = connect_to("srv.sock");
			int n = snprintf(msg, sizeof(msg), "hello from %d", i);

			if (fd < 0 || write(fd, msg, n) != n)
				_exit(2);
			if (read_full(fd, reply, n) != n)
				_exit(3);
			for (int k = 0; k < n; k++)
				if (reply[k] != (msg[k] >= 'a' && msg[k] <= 'z' ? msg[k] - 32 : msg[k]))
					_exit(4);
			if (read(fd, reply, 1) != 0)      /* the server closes: EOF */
				_exit(5);
			_exit(0);
		}
	}
	for (int i = 0; i < CLIENTS; i++) {
		struct sockaddr_un peer, me;
		socklen_t plen = sizeof(peer), mlen = sizeof(me);
		char buf[32];
		int c = accept(l, (struct sockaddr *)&peer, &plen);
		ssize_t n;

		if (c < 0) {
			fails++;
			continue;
		}
		if (plen != sizeof(sa_family_t) || peer.sun_family != AF_UNIX)
			fails++;
		if (getsockname(c, (struct sockaddr *)&me, &mlen) ||
		    strcmp(me.sun_path, addr_of("srv.sock", &mlen).sun_path))
			fails++;
		n = read(c, buf, sizeof(buf));
		for (ssize_t k = 0; k < n; k++)
			if (buf[k] >= 'a' && buf[k] <= 'z')
				buf[k] -= 32;
		if (n > 0 && write(c, buf, n) == n)
			ok++;
		close(c);
	}
	for (int i = 0; i < CLIENTS; i++)
		if (wait_status(pids[i]) != 0)
			fails++;
	printf("served %d of %d, failures %d\n", ok, CLIENTS, fails);
	close(l);
	unlink(addr_of("srv.sock", &(socklen_t){ 0 }).sun_path);
}

static uint32_t next_byte(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x & 0xff;
}

/* A child writes BIG pseudo-random bytes; the parent reads and checks them. */
static void big_transfer(int rd, int wr, const char *how)
{
	static char buf[65536];
	uint32_t x = 2463534242u, sum = 0, want = 0;
	size_t got = 0;
	pid_t pid = fork();

	if (pid == 0) {
		close(rd);
		for (size_t done = 0; done < BIG;) {
			size_t n = BIG - done < sizeof(buf) ? BIG - done : sizeof(buf);

			for (size_t i = 0; i < n; i++)
				buf[i] = next_byte(&x);
			for (size_t off = 0; off < n;) {
				ssize_t w = write(wr, buf + off, n - off);

				if (w <= 0)
					_exit(2);
				off += w;
			}
			done += n;
		}
		_exit(0);
	}
	close(wr);
	for (;;) {
		ssize_t r = read(rd, buf, 3000);

		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		got += r;
	}
	for (size_t i = 0; i < BIG; i++)
		want = want * 31 + next_byte(&x);
	printf("%s: %zu bytes, data %s, writer %d\n", how, got,
	       got == BIG && sum == want ? "intact" : "CORRUPT", wait_status(pid));
	close(rd);
}

static void transfers(void)
{
	int sv[2];

	section("large transfers");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	big_transfer(sv[0], sv[1], "socketpair");
	int l = listener("big.sock", 1), c = connect_to("big.sock"), a = accept(l, NULL, NULL);

	close(l);
	big_transfer(a, c, "path");
	unlink(addr_of("big.sock", &(socklen_t){ 0 }).sun_path);
}

static void pair_and_options(void)
{
	int sv[2], v, r;
	socklen_t len = sizeof(v);
	struct ucred cred;
	char buf[16];
	struct iovec iov[2] = { { buf, 3 }, { buf + 3, 4 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	section("socketpair");
	result("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	result("cloexec", fcntl(sv[0], F_GETFD) & FD_CLOEXEC);
	result("write a", write(sv[0], "ping", 4));
	r = read(sv[1], buf, sizeof(buf));
	printf("read b = %d '%.*s'\n", r, r, buf);
	result("write b", write(sv[1], "pong!", 5));
	result("FIONREAD", ioctl(sv[0], FIONREAD, &v) ? -1 : v);
	result("recv peek", recv(sv[0], buf, 2, MSG_PEEK));
	result("recv waitall", recv(sv[0], buf, 5, MSG_WAITALL));
	printf("got '%.5s'\n", buf);
	result("writev", writev(sv[0], (struct iovec[]){ { "abc", 3 }, { "defg", 4 } }, 2));
	result("recvmsg", recvmsg(sv[1], &mh, 0));
	printf("got '%.7s' flags %d\n", buf, mh.msg_flags);
	result("sendto", sendto(sv[1], "xy", 2, 0, NULL, 0));
	result("recvfrom", recvfrom(sv[0], buf, sizeof(buf), 0, NULL, NULL));
	result("sendto with address", sendto(sv[1], "xy", 2, 0, (struct sockaddr *)&(struct sockaddr_un){ AF_UNIX, "x" },
					     sizeof(struct sockaddr_un)));
	result("getsockopt other level", getsockopt(sv[0], 1000, 1, &v, &len));
	result("getsockopt unknown", getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len));
	result("listen connected", listen(sv[0], 1));
	mh.msg_iovlen = 1025;
	result("sendmsg too many iovecs", sendmsg(sv[0], &mh, 0));
	mh.msg_iovlen = 2;
	result("SO_TYPE", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len) ? -1 : v);
	result("SO_ERROR", getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len) ? -1 : v);
	v = 1;
	setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
	result("SO_REUSEADDR", getsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, &len) ? -1 : v);
	v = 8192;
	result("set SO_RCVBUF", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	result("SO_RCVBUF doubled", getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len) ? -1 : v == 16384);
	result("setsockopt short", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, 2));
	len = sizeof(cred);
	r = getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len);
	result("SO_PEERCRED is me", !r && len == sizeof(cred) && cred.pid == getpid());
	result("shutdown wr", shutdown(sv[0], SHUT_WR));
	result("read b after shutdown", read(sv[1], buf, 1));
	result("write a after shutdown", send(sv[0], "x", 1, MSG_NOSIGNAL));
	result("write b still", write(sv[1], "z", 1));
	result("read a", read(sv[0], buf, 1));
	close(sv[0]);
	close(sv[1]);
}

static void nonblocking(void)
{
	int sv[2], l, c1, c2;
	size_t filled = 0;
	char buf[4096];
	struct pollfd p[2];
	fd_set rs, ws;
	struct timeval tv = { 0, 0 };

	section("nonblocking and poll");
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	result("O_NONBLOCK", !!(fcntl(sv[0], F_GETFL) & O_NONBLOCK));
	result("read empty", read(sv[0], buf, 1));
	p[0] = (struct pollfd){ sv[0], POLLIN | POLLOUT, 0 };
	p[1] = (struct pollfd){ sv[1], POLLIN | POLLOUT, 0 };
	result("poll idle", poll(p, 2, 0));
	printf("revents %#x %#x\n", p[0].revents, p[1].revents);
	memset(buf, 'f', sizeof(buf));
	for (;;) {
		ssize_t w = write(sv[0], buf, sizeof(buf));

		if (w < 0) {
			result("write full", w);
			break;
		}
		filled += w;
	}
	p[0].revents = p[1].revents = 0;
	result("poll full", poll(p, 2, 0));
	printf("revents %#x %#x\n", p[0].revents, p[1].revents);
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(sv[1], &rs);
	FD_SET(sv[0], &ws);
	result("select full", select(sv[1] + 1, &rs, &ws, NULL, &tv));
	printf("readable %d writable %d\n", FD_ISSET(sv[1], &rs), FD_ISSET(sv[0], &ws));
	size_t drained = 0;

	for (ssize_t r; (r = read(sv[1], buf, sizeof(buf))) > 0;)
		drained += r;
	result("drained all", drained == filled);
	result("send dontwait empty", recv(sv[1], buf, 1, MSG_DONTWAIT));
	close(sv[1]);
	p[0].revents = 0;
	result("poll peer closed", poll(p, 1, 0));
	printf("revents %#x\n", p[0].revents);
	close(sv[0]);

	l = listener("nb.sock", 0);
	fcntl(l, F_SETFL, O_NONBLOCK);
	result("accept none", accept(l, NULL, NULL));
	p[0] = (struct pollfd){ l, POLLIN, 0 };
	result("poll listener idle", poll(p, 1, 0));
	struct sockaddr_un nb = addr_of("nb.sock", &(socklen_t){ 0 });

	c1 = stream();
	fcntl(c1, F_SETFL, O_NONBLOCK);
	result("connect nonblock", connect(c1, (struct sockaddr *)&nb,
					   sizeof(struct sockaddr_un)));
	result("poll listener pending", poll(p, 1, 0));
	c2 = stream();
	fcntl(c2, F_SETFL, O_NONBLOCK);
	result("connect backlog full", connect(c2, (struct sockaddr *)&nb,
					       sizeof(struct sockaddr_un)));
	int a = accept4(l, NULL, NULL, SOCK_NONBLOCK);

	result("accept4 nonblock", a >= 0 && (fcntl(a, F_GETFL) & O_NONBLOCK));
	result("connect listening", connect(l, (struct sockaddr *)&nb, sizeof(struct sockaddr_un)));
	result("recv listening", recv(l, buf, 1, MSG_DONTWAIT));
	result("connect again", connect(c1, (struct sockaddr *)&nb,
					sizeof(struct sockaddr_un)));
	close(a);
	close(c1);
	close(c2);
	close(l);
	unlink(addr_of("nb.sock", &(socklen_t){ 0 }).sun_path);
}

static void hangups(void)
{
	int sv[2], l, c;
	char buf[8];
	struct pollfd p;

	section("eof and epipe");
	signal(SIGPIPE, on_sigpipe);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[1], "last", 4);
	close(sv[1]);
	p = (struct pollfd){ sv[0], POLLIN, 0 };
	result("poll after close", poll(&p, 1, 0));
	printf("revents %#x\n", p.revents);
	result("read data", read(sv[0], buf, sizeof(buf)));
	result("read eof", read(sv[0], buf, sizeof(buf)));
	result("write epipe", write(sv[0], "x", 1));
	printf("sigpipes %d\n", (int)sigpipes);
	result("send nosignal", send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("sigpipes %d\n", (int)sigpipes);
	close(sv[0]);

	/* The closing end had unread data: the survivor hears ECONNRESET once. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[1], "unread", 6);
	close(sv[0]);
	result("read reset", read(sv[1], buf, sizeof(buf)));
	result("read after reset", read(sv[1], buf, sizeof(buf)));
	close(sv[1]);

	/* A listener closed with a connection it never accepted. */
	l = listener("unacc.sock", 4);
	c = connect_to("unacc.sock");
	result("connected", c >= 0);
	close(l);
	result("read unaccepted", read(c, buf, sizeof(buf)));
	result("read unaccepted again", read(c, buf, sizeof(buf)));
	result("write unaccepted", send(c, "x", 1, MSG_NOSIGNAL));
	close(c);
	result("connect after close", connect_to("unacc.sock"));
	unlink(addr_of("unacc.sock", &(socklen_t){ 0 }).sun_path);
	signal(SIGPIPE, SIG_DFL);

	/* Default SIGPIPE kills the writer. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	pid_t pid = fork();

	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	printf("writer status %d\n", wait_status(pid));
	close(sv[0]);
}

static void signals_and_exit(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };   /* no SA_RESTART */
	int sv[2], l, c;
	char buf[8];
	pid_t pid;

	section("signals and exit");
	sigaction(SIGUSR1, &sa, NULL);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		kill(getppid(), SIGUSR1);
		usleep(200000);
		write(sv[1], "w", 1);
		_exit(0);
	}
	result("read interrupted", read(sv[0], buf, 1));
	printf("usr1 %d\n", (int)usr1s);
	result("read after", read(sv[0], buf, 1));
	wait_status(pid);

	/* A blocked accept is interrupted too. */
	l = listener("intr.sock", 1);
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	result("accept interrupted", accept(l, NULL, NULL));
	wait_status(pid);
	close(l);
	unlink(addr_of("intr.sock", &(socklen_t){ 0 }).sun_path);

	/* A child's sockets close when it exits: its peer sees EOF. */
	close(sv[0]);
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		write(sv[1], "bye", 3);
		_exit(0);
	}
	close(sv[1]);
	printf("child %d\n", wait_status(pid));
	result("read child data", read_full(sv[0], buf, 3));
	result("read child eof", read(sv[0], buf, 1));
	close(sv[0]);

	/* A child's listener goes away with it. */
	pid = fork();
	if (pid == 0) {
		listener("child.sock", 1);
		_exit(0);
	}
	printf("child %d\n", wait_status(pid));
	result("connect dead listener", connect_to("child.sock"));
	unlink(addr_of("child.sock", &(socklen_t){ 0 }).sun_path);

	/* SO_PEERCRED across processes, and getpeername of the client. */
	l = listener("cred.sock", 1);
	pid = fork();
	if (pid == 0) {
		struct ucred cr;
		struct sockaddr_un sa;
		socklen_t len = sizeof(cr), slen = sizeof(sa);

		c = connect_to("cred.sock");
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) || cr.pid != getppid())
			_exit(2);
		if (getpeername(c, (struct sockaddr *)&sa, &slen) ||
		    strcmp(sa.sun_path, addr_of("cred.sock", &len).sun_path))
			_exit(3);
		_exit(read(c, buf, 1) == 0 ? 0 : 4);
	}
	c = accept(l, NULL, NULL);
	struct ucred cr;
	socklen_t len = sizeof(cr);

	result("peer is child", !getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) && cr.pid == pid);
	close(c);
	printf("child %d\n", wait_status(pid));
	close(l);
	unlink(addr_of("cred.sock", &(socklen_t){ 0 }).sun_path);
}

/* A connect that finds the backlog full waits until the server accepts. */
static void backlog_wait(void)
{
	int l = listener("bl.sock", 0), c1, c2;
	pid_t pid;

	section("backlog");
	c1 = connect_to("bl.sock");
	result("first connect", c1 >= 0);
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		int a = accept(l, NULL, NULL);

		_exit(a >= 0 && write(a, "A", 1) == 1 ? 0 : 1);
	}
	c2 = connect_to("bl.sock");
	result("second connect waited", c2 >= 0);
	printf("acceptor %d\n", wait_status(pid));
	char ch = 0;

	result("first got", read(c1, &ch, 1) == 1 && ch == 'A');
	close(c1);
	close(c2);
	close(l);
	unlink(addr_of("bl.sock", &(socklen_t){ 0 }).sun_path);
}

/* A blocked writer interrupted by a handled signal returns what it sent. */
static void interrupted_writer(void)
{
	static char big[4 << 20];
	struct sigaction sa = { .sa_handler = on_usr1 };
	int sv[2];
	pid_t pid;
	ssize_t w;

	section("interrupted writer");
	sigaction(SIGUSR1, &sa, NULL);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	w = write(sv[0], big, sizeof(big));
	result("partial write", w > 0 && w < (ssize_t)sizeof(big));
	wait_status(pid);
	close(sv[0]);
	close(sv[1]);
}

/* Ancillary data: passed (Linux) or refused with nothing sent (pvops-guest). */
static void scm_rights(void)
{
	int sv[2], pfd[2];
	char c = 'r', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	ssize_t r;
	bool ok;

	section("scm_rights");
	memset(cbuf, 0, sizeof(cbuf));
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(pfd);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pfd[0], sizeof(int));
	r = sendmsg(sv[0], &mh, 0);
	if (r == 1) {
		char got;
		int fd = -1;
		struct iovec riov = { &got, 1 };
		struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };

		ok = recvmsg(sv[1], &rm, 0) == 1 && (cm = CMSG_FIRSTHDR(&rm)) &&
		     cm->cmsg_type == SCM_RIGHTS && (memcpy(&fd, CMSG_DATA(cm), sizeof(fd)), fd >= 0);
		if (fd >= 0)
			close(fd);
	} else {
		ok = errno == EOPNOTSUPP && recv(sv[1], &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
	}
	result("passed or refused cleanly", ok);
	result("plain data still flows", write(sv[0], "k", 1) == 1 && read(sv[1], &c, 1) == 1 && c == 'k');
	close(pfd[0]);
	close(pfd[1]);
	close(sv[0]);
	close(sv[1]);
}

static unsigned long free_bytes(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return si.freeram * si.mem_unit;
}

/*
 * Many sockets made and closed in every way: their memory comes back
 * (3000 leaked pairs would hold 96 MiB, three times the slack allowed).
 */
static void churn(void)
{
	unsigned long before;
	int fails = 0, l, sv[2];
	char ch;

	section("churn");
	l = listener("churn.sock", 4);
	before = free_bytes();
	for (int i = 0; i < 3000; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
			fails++;
			continue;
		}
		write(sv[i & 1], "u", 1);           /* unread data at close */
		close(sv[0]);
		close(sv[1]);
	}
	for (int i = 0; i < 1000; i++) {
		int c = connect_to("churn.sock"), a = accept(l, NULL, NULL);

		if (c < 0 || a < 0 || write(c, "x", 1) != 1 || read(a, &ch, 1) != 1)
			fails++;
		close(i & 1 ? c : a);
		close(i & 1 ? a : c);
	}
	for (int i = 0; i < 200; i++) {
		int c1 = connect_to("churn.sock"), c2 = connect_to("churn.sock");

		close(l);                             /* two never accepted */
		if (c1 < 0 || c2 < 0)
			fails++;
		close(c1);
		close(c2);
		unlink(addr_of("churn.sock", &(socklen_t){ 0 }).sun_path);
		l = listener("churn.sock", 4);
	}
	close(l);
	unlink(addr_of("churn.sock", &(socklen_t){ 0 }).sun_path);
	printf("churn failures %d\n", fails);
	result("memory returned", free_bytes() + (32UL << 20) >= before);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unix_test WORKDIR\n");
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	errors();
	many_clients();
	transfers();
	pair_and_options();
	nonblocking();
	hangups();
	signals_and_exit();
	backlog_wait();
	interrupted_writer();
	scm_rights();
	churn();
	printf("== done\n");
	return 0;
}
