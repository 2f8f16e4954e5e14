/*
 * AF_INET datagram sockets.  usage: inet_test lo | veth
 *   lo:   UDP over 127.0.0.1 only, printing only what a Linux host prints
 *         too (expected/inet.out is a Linux host's run of this source).
 *   veth: UDP between 10.0.0.1 and 10.0.0.2 over the guest's veth pair
 *         (configured by scripts/inetdev.sh), ARP and IPv4 counters from
 *         /proc/net/snmp, the default route, and what the guest does not
 *         implement (TCP, ping sockets).
 * Bulk runs send 100,000 datagrams from a forked sender to a receiver with
 * a window of acknowledgements (the "moderate rate"), each carrying a
 * sequence number and a checksum of its bytes: no loss, no reordering and
 * no corruption are allowed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define BULK_COUNT 100000u
#define BULK_WINDOW 100u            /* datagrams in flight before an ack */
#define BULK_ACK_EVERY 50u
#define BULK_MAX 1200u              /* payload bytes, under the veth MTU */
#define END_SEQ 0xffffffffu

static void section(const char *name) { printf("== %s\n", name); fflush(stdout); }

/* musl has no strerrorname_np: the errno names this test can meet. */
static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EAGAIN, "EAGAIN" }, { EBADF, "EBADF" }, { EINVAL, "EINVAL" },
		{ EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { ENOTCONN, "ENOTCONN" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EDESTADDRREQ, "EDESTADDRREQ" },
		{ EMSGSIZE, "EMSGSIZE" }, { EACCES, "EACCES" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" },
		{ ENETUNREACH, "ENETUNREACH" }, { ENOPROTOOPT, "ENOPROTOOPT" },
		{ ENOTSOCK, "ENOTSOCK" }, { EFAULT, "EFAULT" }, { EEXIST, "EEXIST" },
		{ ESRCH, "ESRCH" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "E?";
}

/* A call's result: the value, or -1 and the errno's name. */
static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s -> -1 %s\n", what, errno_name(errno));
	else
		printf("%s -> %ld\n", what, r);
}

static struct sockaddr_in sin_of(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int udp_socket(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0) {
		perror("socket");
		exit(1);
	}
	return s;
}

/* A UDP socket bound to ip and an ephemeral port; *port gets the port. */
static int udp_bound(const char *ip, uint16_t *port)
{
	struct sockaddr_in a = sin_of(ip, 0);
	socklen_t len = sizeof(a);
	int s = udp_socket();

	if (bind(s, (void *)&a, sizeof(a)) || getsockname(s, (void *)&a, &len)) {
		perror("bind");
		exit(1);
	}
	*port = ntohs(a.sin_port);
	return s;
}

static void print_name(const char *what, int s, bool peer)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char ip[INET_ADDRSTRLEN];
	int r = peer ? getpeername(s, (void *)&a, &len) : getsockname(s, (void *)&a, &len);

	if (r) {
		result(what, r);
		return;
	}
	inet_ntop(AF_INET, &a.sin_addr, ip, sizeof(ip));
	printf("%s -> %s port %s (len %u)\n", what, ip,
	       ntohs(a.sin_port) >= 32768 && ntohs(a.sin_port) <= 60999 ? "ephemeral" :
	       ntohs(a.sin_port) == 0 ? "0" : "fixed", (unsigned int)len);
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Datagram seq: [seq][checksum of the rest][bytes from seq], 16..BULK_MAX long. */
static size_t bulk_fill(uint8_t *buf, uint32_t seq)
{
	size_t len = 16 + (seq * 7919u) % (BULK_MAX - 16);
	uint32_t x = seq * 2654435761u + 1;

	for (size_t i = 8; i < len; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	memcpy(buf, &seq, 4);
	x = fnv1a(buf + 8, len - 8);
	memcpy(buf + 4, &x, 4);
	return len;
}

/*
 * The receiver (a child): checks every datagram in order, acks every
 * BULK_ACK_EVERY to the sender, and exits 0 only after BULK_COUNT intact
 * datagrams and the end marker.
 */
static int bulk_receive(int s)
{
	uint8_t buf[2048];
	uint32_t next = 0, bad = 0;

	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0, (void *)&from, &flen);
		uint32_t seq, sum;

		if (n < 8) {
			fprintf(stderr, "receiver: recvfrom %zd (%s)\n", n, errno_name(errno));
			return 2;
		}
		memcpy(&seq, buf, 4);
		memcpy(&sum, buf + 4, 4);
		if (seq == END_SEQ)
			break;
		if (seq != next || fnv1a(buf + 8, n - 8) != sum ||
		    (size_t)n != 16 + (seq * 7919u) % (BULK_MAX - 16)) {
			if (bad++ < 5)
				fprintf(stderr, "receiver: bad datagram %u (want %u, %zd bytes)\n",
					seq, next, n);
			next = seq + 1;
			continue;
		}
		next++;
		if (next % BULK_ACK_EVERY == 0 &&
		    sendto(s, &next, sizeof(next), 0, (void *)&from, flen) != sizeof(next)) {
			fprintf(stderr, "receiver: ack (%s)\n", errno_name(errno));
			return 2;
		}
	}
	printf("received %u datagrams, %u bad\n", next, bad);
	fflush(stdout);
	return next == BULK_COUNT && bad == 0 ? 0 : 1;
}

/* The sender: connected to the receiver, never more than BULK_WINDOW ahead. */
static void bulk_run(const char *name, const char *src, const char *dst)
{
	uint16_t rport, sport;
	int r = udp_bound(dst, &rport), s = udp_bound(src, &sport), st;
	struct sockaddr_in to = sin_of(dst, rport);
	uint32_t acked = 0, end = END_SEQ;
	uint8_t buf[2048];
	pid_t pid;

	section(name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(s);
		_exit(bulk_receive(r));
	}
	close(r);
	if (connect(s, (void *)&to, sizeof(to))) {
		perror("connect");
		exit(1);
	}
	for (uint32_t seq = 0; seq < BULK_COUNT; seq++) {
		size_t len = bulk_fill(buf, seq);

		while (seq - acked >= BULK_WINDOW) {
			if (recv(s, &acked, sizeof(acked), 0) != sizeof(acked)) {
				printf("sender: ack recv failed (%s)\n", errno_name(errno));
				exit(1);
			}
		}
		if (send(s, buf, len, 0) != (ssize_t)len) {
			printf("sender: send %u failed (%s)\n", seq, errno_name(errno));
			exit(1);
		}
	}
	memcpy(buf, &end, 4);
	send(s, buf, 8, 0);
	waitpid(pid, &st, 0);
	printf("sent %u datagrams, receiver exit %d\n", BULK_COUNT,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	close(s);
}

static void test_names(void)
{
	uint16_t p1, p2;
	int a = udp_bound("127.0.0.1", &p1), b = udp_socket(), c = udp_socket();
	struct sockaddr_in any = sin_of("0.0.0.0", 0), same = sin_of("127.0.0.1", p1);
	struct sockaddr_in wild = sin_of("0.0.0.0", p1);

	section("names");
	print_name("getsockname(unbound)", b, false);
	result("bind(any:0)", bind(b, (void *)&any, sizeof(any)));
	print_name("getsockname(any:0)", b, false);
	result("bind again", bind(b, (void *)&any, sizeof(any)));
	result("bind(same addr:port)", bind(c, (void *)&same, sizeof(same)));
	result("bind(any:same port)", bind(c, (void *)&wild, sizeof(wild)));
	close(c);
	c = udp_socket();
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	result("bind(same, both SO_REUSEADDR)", bind(c, (void *)&same, sizeof(same)));
	close(c);
	c = udp_bound("127.0.0.1", &p2);
	printf("second ephemeral port differs: %s\n", p1 != p2 ? "yes" : "no");
	print_name("getpeername(unconnected)", c, true);
	result("connect(a)", connect(c, (void *)&same, sizeof(same)));
	print_name("getsockname(connected)", c, false);
	print_name("getpeername(connected)", c, true);
	result("connect(AF_UNSPEC)", connect(c, (void *)&(struct sockaddr){ .sa_family = AF_UNSPEC },
					      sizeof(struct sockaddr)));
	print_name("getpeername(disconnected)", c, true);
	close(a), close(b), close(c);

	/* Connecting an unbound socket binds it to the route's source. */
	b = udp_socket();
	result("connect(unbound)", connect(b, (void *)&same, sizeof(same)));
	print_name("getsockname(autobound)", b, false);
	close(b);
}

static void test_bad_addresses(void)
{
	int s = udp_socket();
	struct sockaddr_in a = sin_of("127.0.0.1", 9);
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
	struct sockaddr_in far = sin_of("10.9.9.9", 0);
	char b = 'x';

	section("bad addresses");
	result("bind(len 8)", bind(s, (void *)&a, 8));
	result("bind(AF_INET6)", bind(s, (void *)&six, sizeof(struct sockaddr_in)));
	result("bind(not local)", bind(s, (void *)&far, sizeof(far)));
	result("bind(bad pointer)", bind(s, (void *)16, sizeof(a)));
	result("connect(len 4)", connect(s, (void *)&a, 4));
	result("connect(AF_INET6)", connect(s, (void *)&six, sizeof(struct sockaddr_in)));
	result("send(unconnected)", send(s, &b, 1, 0));
	result("write(unconnected)", write(s, &b, 1));
	result("sendto(len 8)", sendto(s, &b, 1, 0, (void *)&a, 8));
	result("sendto(AF_INET6)", sendto(s, &b, 1, 0, (void *)&six, sizeof(struct sockaddr_in)));
	a.sin_port = 0;
	result("sendto(port 0)", sendto(s, &b, 1, 0, (void *)&a, sizeof(a)));
	a.sin_port = htons(9);
	result("sendto(bad buffer)", sendto(s, (void *)16, 1, 0, (void *)&a, sizeof(a)));
	result("listen(udp)", listen(s, 1));
	result("accept(udp)", accept(s, NULL, NULL));
	result("getsockopt(SO_TYPE)", ({
		int v = 0;
		socklen_t l = sizeof(v);
		getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l) ? -1 : v;
	}));
	result("setsockopt(SO_RCVBUF 4096) then get", ({
		int v = 4096;
		socklen_t l = sizeof(v);
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) ||
			getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l) ? -1 : v;
	}));
	result("bind(fd 0 is not a socket)", bind(0, (void *)&a, sizeof(a)));
	close(s);
}

static void test_io(void)
{
	uint16_t pr, ps;
	int r = udp_bound("127.0.0.1", &pr), s = udp_bound("127.0.0.1", &ps), n;
	struct sockaddr_in to = sin_of("127.0.0.1", pr), from;
	socklen_t flen = sizeof(from);
	char big[200], small[10], part1[4], part2[8];
	struct iovec iov[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = iov, .msg_iovlen = 3 };
	struct pollfd pfd = { .fd = r, .events = POLLIN | POLLOUT };

	section("io");
	memset(big, 'b', sizeof(big));
	result("poll(empty)", poll(&pfd, 1, 0));
	printf("revents POLLIN %d POLLOUT %d\n", !!(pfd.revents & POLLIN), !!(pfd.revents & POLLOUT));
	result("recv(MSG_DONTWAIT, empty)", recv(r, small, sizeof(small), MSG_DONTWAIT));
	fcntl(r, F_SETFL, O_NONBLOCK);
	result("recv(O_NONBLOCK, empty)", recv(r, small, sizeof(small), 0));
	fcntl(r, F_SETFL, 0);
	result("sendto(100)", sendto(s, big, 100, 0, (void *)&to, sizeof(to)));
	result("poll(one queued)", poll(&pfd, 1, 1000));
	printf("revents POLLIN %d POLLOUT %d\n", !!(pfd.revents & POLLIN), !!(pfd.revents & POLLOUT));
	result("ioctl(FIONREAD)", ioctl(r, FIONREAD, &n) ? -1 : n);
	result("recv(MSG_PEEK, 10)", recv(r, small, sizeof(small), MSG_PEEK));
	result("recv(MSG_TRUNC, 10)", recv(r, small, sizeof(small), MSG_PEEK | MSG_TRUNC));
	{
		struct iovec v = { small, sizeof(small) };
		struct msghdr rm = { .msg_iov = &v, .msg_iovlen = 1 };

		result("recvmsg(10 of 100)", recvmsg(r, &rm, 0));
		printf("msg_flags MSG_TRUNC %d\n", !!(rm.msg_flags & MSG_TRUNC));
	}
	result("recv(MSG_DONTWAIT, rest gone)", recv(r, small, sizeof(small), MSG_DONTWAIT));
	result("sendto(0 bytes)", sendto(s, big, 0, 0, (void *)&to, sizeof(to)));
	result("recvfrom(0-byte datagram)", recvfrom(r, small, sizeof(small), 0, (void *)&from, &flen));
	printf("from port matches sender: %s, addrlen %u\n",
	       ntohs(from.sin_port) == ps ? "yes" : "no", (unsigned int)flen);
	result("sendmsg(3 iovecs)", sendmsg(s, &m, 0));
	{
		struct iovec v[2] = { { part1, sizeof(part1) }, { part2, sizeof(part2) } };
		struct sockaddr_in name;
		struct msghdr rm = { .msg_name = &name, .msg_namelen = sizeof(name),
				     .msg_iov = v, .msg_iovlen = 2 };

		result("recvmsg(scatter)", recvmsg(r, &rm, 0));
		printf("got '%.4s' '%.4s', namelen %u, port matches %s\n", part1, part2,
		       (unsigned int)rm.msg_namelen, ntohs(name.sin_port) == ps ? "yes" : "no");
	}
	/* The largest datagram lo carries, and one byte more. */
	{
		static char huge[65508];
		socklen_t l = sizeof(from);

		memset(huge, 'h', sizeof(huge));
		result("sendto(65507)", sendto(s, huge, 65507, 0, (void *)&to, sizeof(to)));
		result("sendto(65508)", sendto(s, huge, 65508, 0, (void *)&to, sizeof(to)));
		memset(huge, 0, sizeof(huge));
		result("recvfrom(65507)", recvfrom(r, huge, sizeof(huge), 0, (void *)&from, &l));
		printf("payload intact: %s\n",
		       huge[0] == 'h' && huge[65506] == 'h' && huge[65507] == 0 ? "yes" : "no");
	}
	/* read/write on a connected socket. */
	result("connect(s to r)", connect(s, (void *)&to, sizeof(to)));
	result("write(connected)", write(s, "hello", 5));
	memset(small, 0, sizeof(small));
	result("read", read(r, small, sizeof(small)));
	printf("read '%s'\n", small);
	/* Datagrams larger than any bounce buffer, through read/write/readv/writev. */
	{
		static char out[9000], in[9000];
		struct iovec wv[2] = { { out, 3000 }, { out + 3000, 6000 } };
		struct iovec rv[2] = { { in, 5000 }, { in + 5000, 4000 } };

		for (size_t i = 0; i < sizeof(out); i++)
			out[i] = (char)(i * 31 + 7);
		result("write(9000)", write(s, out, sizeof(out)));
		result("read(9000)", read(r, in, sizeof(in)));
		printf("intact: %s\n", memcmp(in, out, sizeof(in)) ? "no" : "yes");
		memset(in, 0, sizeof(in));
		result("writev(3000 + 6000)", writev(s, wv, 2));
		result("readv(5000 + 4000)", readv(r, rv, 2));
		printf("intact: %s\n", memcmp(in, out, sizeof(in)) ? "no" : "yes");
		result("write(0)", write(s, out, 0));
		result("read(0 bytes: takes nothing)", read(r, in, 0));
		result("read(0-byte datagram)", read(r, in, sizeof(in)));
		result("write(9000) then read(100)", write(s, out, sizeof(out)) == 9000 ? read(r, in, 100) : -1);
		result("recv(MSG_DONTWAIT, rest gone)", recv(r, in, sizeof(in), MSG_DONTWAIT));
	}
	close(r), close(s);
}

/* A closed port answers with ICMP port unreachable. */
static void test_refused(const char *ip)
{
	uint16_t pc;
	int c = udp_bound(ip, &pc), u = udp_socket();
	struct sockaddr_in closed = sin_of(ip, pc);
	struct pollfd pfd = { .fd = u, .events = POLLIN };
	char b[4];
	int err = -1;
	socklen_t l = sizeof(err);

	section("refused");
	close(c);                       /* pc is now closed */
	result("sendto(closed, unconnected)", sendto(u, "x", 1, 0, (void *)&closed, sizeof(closed)));
	result("recv(unconnected: no error)", recv(u, b, sizeof(b), MSG_DONTWAIT));
	result("connect(closed port)", connect(u, (void *)&closed, sizeof(closed)));
	result("send", send(u, "x", 1, 0));
	result("poll", poll(&pfd, 1, 1000));
	printf("revents POLLERR %d\n", !!(pfd.revents & POLLERR));
	result("recv", recv(u, b, sizeof(b), 0));
	result("recv again", recv(u, b, sizeof(b), MSG_DONTWAIT));
	result("send again", send(u, "x", 1, 0));
	poll(&pfd, 1, 1000);
	result("getsockopt(SO_ERROR)", getsockopt(u, SOL_SOCKET, SO_ERROR, &err, &l) ? -1 : err == ECONNREFUSED);
	result("send after SO_ERROR read", send(u, "x", 1, 0));
	poll(&pfd, 1, 1000);
	result("send reports the error", send(u, "x", 1, 0));
	close(u);
}

/* A full receive queue drops, bounded by SO_RCVBUF; an empty one takes any size. */
static void test_overflow(const char *ip)
{
	uint16_t pr;
	int r = udp_bound(ip, &pr), s = udp_socket(), got = 0, small = 2048;
	struct sockaddr_in to = sin_of(ip, pr);
	char buf[256] = { 0 };

	section("overflow");
	setsockopt(r, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (int i = 0; i < 100; i++)
		if (sendto(s, buf, sizeof(buf), 0, (void *)&to, sizeof(to)) != sizeof(buf))
			printf("sendto %d failed\n", i);
	while (recv(r, buf, sizeof(buf), MSG_DONTWAIT) == sizeof(buf))
		got++;
	printf("queued some, dropped the rest: %s\n", got > 0 && got < 100 ? "yes" : "no");
	{
		static char big[8000];

		result("sendto(8000 > SO_RCVBUF, empty queue)",
		       sendto(s, big, sizeof(big), 0, (void *)&to, sizeof(to)));
		result("recv it", recv(r, big, sizeof(big), MSG_DONTWAIT));
	}
	close(r), close(s);
}

/* SIOCADDRT/SIOCDELRT of the default route through gw. */
static int default_route(int s, unsigned long cmd, const char *gw)
{
	struct rtentry rt = { .rt_flags = RTF_UP | RTF_GATEWAY };
	struct sockaddr_in any = sin_of("0.0.0.0", 0), via = sin_of(gw, 0);

	memcpy(&rt.rt_dst, &any, sizeof(any));
	memcpy(&rt.rt_genmask, &any, sizeof(any));
	memcpy(&rt.rt_gateway, &via, sizeof(via));
	return ioctl(s, cmd, &rt);
}

/* A counter from /proc/net/snmp ("Udp", "NoPorts"), or -1. */
static long snmp(const char *proto, const char *field)
{
	FILE *f = fopen("/proc/net/snmp", "r");
	char names[512], values[512];
	size_t plen = strlen(proto);
	long v = -1;

	while (f && fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		char *sn, *sv, *n, *val;

		if (strncmp(names, proto, plen) || names[plen] != ':')
			continue;
		n = strtok_r(names + plen + 1, " \n", &sn);
		val = strtok_r(values + plen + 1, " \n", &sv);
		while (n && val) {
			if (!strcmp(n, field))
				v = atol(val);
			n = strtok_r(NULL, " \n", &sn);
			val = strtok_r(NULL, " \n", &sv);
		}
	}
	if (f)
		fclose(f);
	return v;
}

static void test_guest_only(void)
{
	int s = udp_socket();
	struct sockaddr_in bcast = sin_of("10.0.0.255", 9), lbcast = sin_of("255.255.255.255", 9);
	struct sockaddr_in nobody = sin_of("10.0.0.7", 9), far = sin_of("192.168.7.7", 9);
	struct sockaddr_in unrouted = sin_of("172.16.1.1", 9);
	long before;

	section("guest only");
	result("socket(SOCK_STREAM)", socket(AF_INET, SOCK_STREAM, 0));
	result("socket(SOCK_DGRAM, IPPROTO_ICMP)", socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	result("socket(SOCK_RAW, IPPROTO_UDP)", socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
	result("socket(SOCK_DGRAM, IPPROTO_TCP)", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	result("socketpair(AF_INET)", socketpair(AF_INET, SOCK_DGRAM, 0, (int[2]){ 0 }));
	result("sendto(subnet broadcast)", sendto(s, "b", 1, 0, (void *)&bcast, sizeof(bcast)));
	result("sendto(255.255.255.255)", sendto(s, "b", 1, 0, (void *)&lbcast, sizeof(lbcast)));
	setsockopt(s, SOL_SOCKET, SO_BROADCAST, &(int){ 1 }, sizeof(int));
	{
		/* Every socket on the port gets a broadcast. */
		int r1 = udp_socket(), r2 = udp_socket();
		struct sockaddr_in port = sin_of("0.0.0.0", 5353);
		char b1 = 0, b2 = 0;

		setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
		setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
		bind(r1, (void *)&port, sizeof(port));
		bind(r2, (void *)&port, sizeof(port));
		bcast.sin_port = htons(5353);
		result("sendto(subnet broadcast, SO_BROADCAST)",
		       sendto(s, "B", 1, 0, (void *)&bcast, sizeof(bcast)));
		recv(r1, &b1, 1, MSG_DONTWAIT);
		recv(r2, &b2, 1, MSG_DONTWAIT);
		printf("both sockets on the port got it: %s\n", b1 == 'B' && b2 == 'B' ? "yes" : "no");
		close(r1), close(r2);
	}
	result("sendto(no route)", sendto(s, "x", 1, 0, (void *)&unrouted, sizeof(unrouted)));
	result("sendto(1473 bytes over veth)", ({
		static char big[1473];
		struct sockaddr_in to = sin_of("10.0.0.2", 9);
		sendto(s, big, sizeof(big), 0, (void *)&to, sizeof(to));
	}));

	/* Nobody answers ARP for 10.0.0.7: 8 frames wait, the rest are dropped. */
	before = snmp("Arp", "PendingDrops");
	for (int i = 0; i < 10; i++)
		sendto(s, "x", 1, 0, (void *)&nobody, sizeof(nobody));
	printf("arp pending drops +%ld\n", snmp("Arp", "PendingDrops") - before);

	/* Through the default gateway 10.0.0.2, which is not a router. */
	result("route add default gw 172.16.0.1", default_route(s, SIOCADDRT, "172.16.0.1"));
	result("route add default gw 10.0.0.2", default_route(s, SIOCADDRT, "10.0.0.2"));
	result("route add it again", default_route(s, SIOCADDRT, "10.0.0.2"));
	before = snmp("Ip", "InAddrErrors");
	result("sendto(via gateway)", sendto(s, "x", 1, 0, (void *)&far, sizeof(far)));
	printf("gateway dropped it (not for it): +%ld\n", snmp("Ip", "InAddrErrors") - before);
	result("route del default", default_route(s, SIOCDELRT, "10.0.0.2"));
	result("route del it again", default_route(s, SIOCDELRT, "10.0.0.2"));
	result("sendto(no route again)", sendto(s, "x", 1, 0, (void *)&far, sizeof(far)));
	close(s);
}

static unsigned long free_bytes(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return si.freeram * si.mem_unit;
}

/*
 * Sockets closed with datagrams still queued, and datagrams dropped at a
 * full queue: their memory comes back (a leak would hold about 200 MiB,
 * far beyond the 16 MiB slack).
 */
static void test_churn(const char *ip)
{
	static char buf[1000];
	unsigned long before = free_bytes();
	int fails = 0;

	section("churn");
	for (int i = 0; i < 2000; i++) {
		uint16_t port;
		int r = udp_bound(ip, &port), s = udp_socket();
		struct sockaddr_in to = sin_of(ip, port);

		if (i % 2)
			setsockopt(r, SOL_SOCKET, SO_RCVBUF, &(int){ 4096 }, sizeof(int));
		for (int k = 0; k < 50; k++)
			if (sendto(s, buf, sizeof(buf), 0, (void *)&to, sizeof(to)) != sizeof(buf))
				fails++;
		close(r), close(s);
	}
	printf("100000 datagrams, %d send failures, memory back: %s\n", fails,
	       free_bytes() + 16 * 1024 * 1024 >= before ? "yes" : "no");
}

int main(int argc, char **argv)
{
	bool veth = argc > 1 && !strcmp(argv[1], "veth");
	const char *a = veth ? "10.0.0.1" : "127.0.0.1", *b = veth ? "10.0.0.2" : "127.0.0.1";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!veth) {
		test_names();
		test_bad_addresses();
		test_io();
	}
	test_refused(b);
	test_overflow(b);
	bulk_run(veth ? "bulk veth0 -> veth1" : "bulk lo", a, b);
	if (veth) {
		test_guest_only();
		test_churn(b);
	}
	section("done");
	return 0;
}
