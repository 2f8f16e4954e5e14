/*
 * Network figures over UDP (pvops-guest's stack has no TCP).  One program,
 * installed under three names:
 *
 *   net_rtt    [-t MS] [-n N] [PEER]  one operation: a 64-byte request
 *                                     to net_serve and its echo back (the
 *                                     median round trip of the batch)
 *   net_stream [-t MS] [-n N] [PEER]  one operation: one 1400-byte
 *                                     datagram to net_serve, at most
 *                                     WINDOW ahead of what it acknowledged
 *   net_serve                         echoes requests and acknowledges
 *                                     data on UDP port NET_PORT, forever
 *
 * PEER is the IPv4 address of a running net_serve.  Without it the
 * client forks its own server on 127.0.0.1 (the host row: loopback).
 *
 * The stream is paced by the receiver: the server acknowledges every
 * ACK_EVERY datagrams with the highest sequence number it has seen and
 * how many of this batch it received, and the sender never has more than
 * WINDOW datagrams beyond that, so nothing overruns a socket, netfront's
 * receive buffers or netback's queues.  A datagram or an acknowledgement
 * that is lost anyway stalls the window until a timeout, after which
 * the sender asks for an acknowledgement at once (SYNC).  At the end of
 * each batch a SYNC gives the count received: the lost ones are reported
 * (a batch losing more than MAX_LOSS_PERCENT fails).
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NET_PORT         7100
#define RTT_BYTES        64
#define STREAM_BYTES     1400
#define WINDOW           32
#define ACK_EVERY        8
#define TIMEOUT_MS       200
#define SYNC_TRIES       50
#define MAX_LOSS_PERCENT 1
#define RCVBUF_BYTES     (256 * 1024)
/* Round trips whose ticks are kept for the median (the first ones). */
#define MAX_SAMPLES      65536

enum net_type { NET_PING = 1, NET_DATA, NET_SYNC, NET_ACK };

/* Every datagram starts with this; the rest of it is padding. */
struct net_msg {
	uint32_t type;
	uint32_t batch;   /* DATA, SYNC, ACK: the client's batch; PING: 1 in setup */
	uint32_t seq;     /* PING, DATA: its number; ACK: the highest seen */
	uint32_t count;   /* ACK: DATA of this batch received */
	uint32_t sync;    /* SYNC: a number its ACK echoes */
};

static struct {
	int fd;
	pid_t server;                /* the loopback server, or 0 */
	struct sockaddr_in peer;
	uint32_t batch, sync;
	uint64_t sent, received, lost, stalls, repeats;
	uint64_t ticks[MAX_SAMPLES];
	uint64_t nticks;
	uint8_t buf[2048];
} net = { .fd = -1 };

static int udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), size = RCVBUF_BYTES;

	if (fd < 0)
		return bench_fail("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size))) {
		close(fd);
		return bench_fail("SO_RCVBUF");
	}
	return fd;
}

/* ---- the server ---- */

/* Answers what arrives on fd until it fails. */
static int serve(int fd)
{
	struct net_msg *m = (struct net_msg *)net.buf, ack = { .type = NET_ACK };
	uint32_t batch = 0, high = 0, count = 0;

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, net.buf, sizeof(net.buf), 0, (struct sockaddr *)&from, &fl);
		int reply = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bench_fail("recvfrom");
		if ((size_t)n < sizeof(*m))
			continue;
		if (m->type == NET_PING) {
			if (sendto(fd, net.buf, (size_t)n, 0, (struct sockaddr *)&from, fl) < 0)
				return bench_fail("sendto");
			continue;
		}
		if (m->type != NET_DATA && m->type != NET_SYNC)
			continue;
		if (m->batch != batch) {
			batch = m->batch;
			high = count = 0;
		}
		if (m->type == NET_DATA) {
			count++;
			if (m->seq > high)
				high = m->seq;
			reply = (m->seq + 1) % ACK_EVERY == 0;
			ack.sync = 0;       /* SYNCs are numbered from 1 */
		} else {
			ack.sync = m->sync;
			reply = 1;
		}
		if (reply) {
			ack.batch = batch;
			ack.seq = high;
			ack.count = count;
			if (sendto(fd, &ack, sizeof(ack), 0, (struct sockaddr *)&from, fl) < 0)
				return bench_fail("sendto");
		}
	}
}

static int serve_main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(NET_PORT) };
	int fd = udp_socket();

	if (fd < 0)
		return 1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		bench_fail("bind");
		return 1;
	}
	printf("net_serve: ready on port %d\n", NET_PORT);
	fflush(stdout);
	return serve(fd) ? 1 : 0;
}

/* ---- the client ---- */

static int take_peer(int argc, char **argv)
{
	net.peer.sin_family = AF_INET;
	net.peer.sin_port = htons(NET_PORT);
	if (argc == 0)
		return 0;
	if (argc > 1 || inet_pton(AF_INET, argv[0], &net.peer.sin_addr) != 1) {
		fprintf(stderr, "%s: want one IPv4 address of a net_serve\n", argc ? argv[0] : "");
		return -1;
	}
	return 0;
}

/* Without a peer: a server child on a loopback socket of its own. */
static int start_loopback_server(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fd = udp_socket();

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		close(fd);
		return bench_fail("bind 127.0.0.1");
	}
	net.server = fork();
	if (net.server < 0) {
		net.server = 0;
		close(fd);
		return bench_fail("fork");
	}
	if (net.server == 0)
		_exit(serve(fd) ? 1 : 0);
	close(fd);
	net.peer = a;
	return 0;
}

/* Waits up to ms for a datagram; 1 when one is there. */
static int readable(int ms)
{
	struct pollfd p = { .fd = net.fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return bench_fail("poll");
	return n > 0;
}

static int send_msg(const struct net_msg *m, size_t bytes)
{
	memset(net.buf, 0, bytes);
	memcpy(net.buf, m, sizeof(*m));
	if (send(net.fd, net.buf, bytes, 0) != (ssize_t)bytes)
		return bench_fail("send");
	return 0;
}

/* The next datagram if one is queued: its length, 0 if none, -1. */
static ssize_t take_msg(struct net_msg *m)
{
	ssize_t n = recv(net.fd, net.buf, sizeof(net.buf), MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : bench_fail("recv");
	if ((size_t)n < sizeof(*m))
		return 0;
	memcpy(m, net.buf, sizeof(*m));
	return n;
}

/* Retries the first exchange for up to SYNC_TRIES timeouts: the server
 * domain may still be configuring its address, or ARP resolving.  Its
 * requests carry batch 1, the timed ones batch 0, so that a late echo of
 * one is never taken for the other. */
static int connect_peer(const char *progdir)
{
	struct net_msg m = { .type = NET_PING, .batch = 1 };

	(void)progdir;
	if (!net.peer.sin_addr.s_addr && start_loopback_server())
		return -1;
	net.fd = udp_socket();
	if (net.fd < 0)
		return -1;
	if (connect(net.fd, (struct sockaddr *)&net.peer, sizeof(net.peer)))
		return bench_fail("connect");
	for (int tries = 0; tries < SYNC_TRIES; tries++) {
		const struct net_msg *r = (const struct net_msg *)net.buf;
		ssize_t n;
		int ready;

		m.seq = (uint32_t)tries;
		memcpy(net.buf, &m, sizeof(m));
		/* ECONNREFUSED: an earlier request found no server yet. */
		if (send(net.fd, net.buf, RTT_BYTES, 0) < 0 && errno != ECONNREFUSED)
			return bench_fail("send");
		ready = readable(TIMEOUT_MS);
		if (ready < 0)
			return -1;
		if (!ready)
			continue;
		n = recv(net.fd, net.buf, sizeof(net.buf), MSG_DONTWAIT);
		if (n >= (ssize_t)sizeof(*r) && r->type == NET_PING)
			return 0;
		if (n < 0 && errno != ECONNREFUSED && errno != EAGAIN)
			return bench_fail("recv");
		usleep(TIMEOUT_MS * 1000);
	}
	fprintf(stderr, "net: no answer from %s:%d\n", inet_ntoa(net.peer.sin_addr), NET_PORT);
	return -1;
}

static int ping_pong(uint64_t n)
{
	static uint32_t seq;
	struct net_msg m = { .type = NET_PING }, r;

	net.nticks = 0;
	while (n--) {
		uint64_t t0 = __builtin_ia32_rdtsc();

		m.seq = ++seq;
		if (send_msg(&m, RTT_BYTES))
			return -1;
		for (;;) {
			int ready = readable(TIMEOUT_MS);
			ssize_t got;

			if (ready < 0)
				return -1;
			if (!ready) {
				/* Lost one way or the other: ask again. */
				net.repeats++;
				if (send_msg(&m, RTT_BYTES))
					return -1;
				continue;
			}
			got = take_msg(&r);
			if (got < 0)
				return -1;
			if (got > 0 && r.type == NET_PING && r.batch == 0 && r.seq == seq)
				break;
		}
		if (net.nticks < MAX_SAMPLES)
			net.ticks[net.nticks++] = __builtin_ia32_rdtsc() - t0;
		net.sent++;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of the last batch's round trips; their spread is printed
 * too, since round trips on one CPU shared by three domains need not all
 * take one path. */
static double median_rtt(void)
{
	uint64_t n = net.nticks, *t = net.ticks;

	qsort(t, n, sizeof(t[0]), cmp_u64);
	printf("net_rtt: %llu round trips timed, tsc ticks min %llu, 10%% %llu, median %llu, "
	       "90%% %llu, max %llu\n", (unsigned long long)n, (unsigned long long)t[0],
	       (unsigned long long)t[n / 10], (unsigned long long)t[n / 2],
	       (unsigned long long)t[n * 9 / 10], (unsigned long long)t[n - 1]);
	return n % 2 ? (double)t[n / 2] : ((double)t[n / 2 - 1] + (double)t[n / 2]) / 2;
}

/* Takes the queued acknowledgements of this batch into *acked (the next
 * datagram not known received) and *count; sets *synced once the answer
 * to the latest SYNC is among them. */
static int take_acks(uint32_t *acked, uint32_t *count, int *synced)
{
	struct net_msg r;
	ssize_t got;

	while ((got = take_msg(&r)) > 0) {
		if (r.type != NET_ACK || r.batch != net.batch)
			continue;
		if (r.count > *count)
			*count = r.count;
		if (r.count && r.seq + 1 > *acked)
			*acked = r.seq + 1;
		if (r.sync == net.sync)
			*synced = 1;
	}
	return got < 0 ? -1 : 0;
}

/* Asks the server for its count at once.  What was sent before and is
 * not counted is lost (one path: nothing overtakes), so all of it is
 * acknowledged: *acked becomes sent. */
static int sync_peer(uint32_t sent, uint32_t *acked, uint32_t *count)
{
	struct net_msg m = { .type = NET_SYNC };
	int synced = 0;

	m.batch = net.batch;
	m.sync = ++net.sync;
	for (int tries = 0; tries < SYNC_TRIES && !synced; tries++) {
		int ready;

		if (send_msg(&m, sizeof(m)))
			return -1;
		ready = readable(TIMEOUT_MS);
		if (ready < 0)
			return -1;
		if (ready && take_acks(acked, count, &synced))
			return -1;
	}
	if (!synced) {
		fprintf(stderr, "net_stream: no acknowledgement from the server\n");
		return -1;
	}
	*acked = sent;
	return 0;
}

static int stream(uint64_t n)
{
	struct net_msg m = { .type = NET_DATA };
	uint32_t sent = 0, acked = 0, count = 0;
	int synced = 0;

	if (n > UINT32_MAX) {
		fprintf(stderr, "net_stream: batch of %llu too large\n", (unsigned long long)n);
		return -1;
	}
	m.batch = ++net.batch;
	while (sent < n) {
		if (sent - acked < WINDOW) {
			m.seq = sent++;
			if (send_msg(&m, STREAM_BYTES))
				return -1;
			continue;
		}
		switch (readable(TIMEOUT_MS)) {
		case 1:
			if (take_acks(&acked, &count, &synced))
				return -1;
			break;
		case 0:
			net.stalls++;
			if (sync_peer(sent, &acked, &count))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (sync_peer(sent, &acked, &count))
		return -1;
	net.sent += n;
	net.received += count;
	net.lost += n - count;
	if ((n - count) * 100 > n * MAX_LOSS_PERCENT) {
		fprintf(stderr, "net_stream: %llu of %llu datagrams lost\n",
			(unsigned long long)(n - count), (unsigned long long)n);
		return -1;
	}
	return 0;
}

static void disconnect(int is_stream)
{
	if (is_stream)
		printf("net_stream: %llu datagrams of %d bytes sent, %llu received, %llu lost, "
		       "%llu stalls\n", (unsigned long long)net.sent, STREAM_BYTES,
		       (unsigned long long)net.received, (unsigned long long)net.lost,
		       (unsigned long long)net.stalls);
	else
		printf("net_rtt: %llu round trips of %d bytes, %llu requests repeated\n",
		       (unsigned long long)net.sent, RTT_BYTES, (unsigned long long)net.repeats);
	fflush(stdout);
	if (net.fd >= 0)
		close(net.fd);
	if (net.server > 0) {
		kill(net.server, SIGTERM);
		waitpid(net.server, NULL, 0);
	}
}

static void disconnect_rtt(void)
{
	disconnect(0);
}

static void disconnect_stream(void)
{
	disconnect(1);
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	const char *name = slash ? slash + 1 : argv[0];
	static const struct bench rtt = {
		.name = "net_rtt",
		.unit = "ns/roundtrip",
		.setup = connect_peer,
		.run = ping_pong,
		.teardown = disconnect_rtt,
		.operands = take_peer,
		.operand_usage = "[PEER]",
		.median_tsc = median_rtt,
	};
	static const struct bench str = {
		.name = "net_stream",
		.unit = "ns/dgram",
		.setup = connect_peer,
		.run = stream,
		.teardown = disconnect_stream,
		.operands = take_peer,
		.operand_usage = "[PEER]",
	};

	if (!strcmp(name, "net_rtt"))
		return bench_main(argc, argv, &rtt);
	if (!strcmp(name, "net_stream"))
		return bench_main(argc, argv, &str);
	if (!strcmp(name, "net_serve") && argc == 1)
		return serve_main();
	fprintf(stderr, "net: run me as net_rtt [PEER], net_stream [PEER] or net_serve, not %s\n",
		name);
	return 2;
}
