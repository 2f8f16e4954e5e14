/*
 * The guest's IPv4 stack on the host: checksums, IPv4 header checks and
 * the ARP cache as pure functions, then the receive path end to end
 * (pvops-guest/net: netdev, eth, arp, ipv4, icmp, udp) through a test
 * device whose transmitted frames are captured here.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inet_sock.h"

/* uapi.h's iovec (not included: it clashes with the host's libc headers). */
struct k_iovec {
	uint64_t base, len;
};

/* Stand-ins for the kernel around the stack. */
static uint64_t now_ns = 1000;
uint64_t time_now_ns(void) { return now_ns; }
void wakeup(const void *chan) { (void)chan; }
/* The tests hand the stack kernel buffers only. */
int copy_from_user(void *dst, uintptr_t src, size_t n) { (void)dst, (void)src, (void)n; return -1; }
int copy_to_user(uintptr_t dst, const void *src, size_t n) { (void)dst, (void)src, (void)n; return -1; }
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* Datagrams the UDP layer queued for a socket. */
static struct pkt *delivered[8];
static int ndelivered;
void inet_queue_rx(struct inet_sock *s, struct pkt *p)
{
	(void)s;
	ck_assert_int_lt(ndelivered, 8);
	delivered[ndelivered++] = p;
}

/* Only reached when a copy cannot be allocated. */
void inet_count_drop(const struct inet_sock *s) { (void)s; abort(); }

/* The test device: what it sends is kept in sent[]. */
static struct pkt *sent[16];
static int nsent;

static int tap_xmit(struct netdev *dev, struct pkt *p)
{
	(void)dev;
	ck_assert_int_lt(nsent, 16);
	sent[nsent++] = p;
	return 0;
}

static const struct netdev_ops tap_ops = { .xmit = tap_xmit };
static struct netdev tap = {
	.name = "tap0", .mac = { 2, 0, 0, 0, 0, 0x10 }, .mtu = 1500,
	.flags = NETDEV_IFF_UP | NETDEV_IFF_BROADCAST, .carrier = true, .ops = &tap_ops,
};
static const uint8_t peer_mac[6] = { 2, 0, 0, 0, 0, 0x20 };
#define TAP_IP  0x0a000001u         /* 10.0.0.1, host order */
#define PEER_IP 0x0a000002u

static void clear_sent(void)
{
	for (int i = 0; i < nsent; i++)
		pkt_free(sent[i]);
	nsent = 0;
	for (int i = 0; i < ndelivered; i++)
		pkt_free(delivered[i]);
	ndelivered = 0;
}

static void stack_setup(void)
{
	if (!tap.ifindex)
		ck_assert_int_eq(netdev_register(&tap), 0);
	tap.addr = net32(TAP_IP);
	tap.netmask = net32(0xffffff00);
	memset(&inet_stats, 0, sizeof(inet_stats));
	memset(&arp_table, 0, sizeof(arp_table));
	clear_sent();
}

/* ---- checksums ---- */

START_TEST(test_csum_rfc1071_example)
{
	/* RFC 1071's example words sum to 0xddf2 (ones' complement). */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint16_t c = inet_csum(d, sizeof(d));

	ck_assert_uint_eq(net16(c), (uint16_t)~0xddf2);
}
END_TEST

START_TEST(test_csum_odd_length_and_verify)
{
	uint8_t d[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, buf[12];
	uint16_t c = inet_csum(d, sizeof(d));

	/* A message with its checksum appended (even offset) sums to zero. */
	memcpy(buf, d, 9);
	buf[9] = 0;
	memcpy(buf + 10, &c, 2);
	ck_assert_uint_eq(inet_csum(buf, 12), 0);
	ck_assert_uint_ne(inet_csum(d, 8), c);
}
END_TEST

START_TEST(test_csum_udp_pseudo_header)
{
	/* 10.0.0.1:1000 -> 10.0.0.2:2000, "hi": computed by hand. */
	uint8_t u[10] = { 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0a, 0, 0, 'h', 'i' };
	uint16_t c = csum_fold(csum_add(csum_pseudo(net32(TAP_IP), net32(PEER_IP), IPPROTO_UDP, 10),
					 u, sizeof(u)));

	/* 0a00+0001+0a00+0002+0011+000a + 03e8+07d0+000a+0000+6869 = 0x8849 */
	ck_assert_uint_eq(net16(c), (uint16_t)~0x8849);
	memcpy(u + 6, &c, 2);
	ck_assert_uint_eq(csum_fold(csum_add(csum_pseudo(net32(TAP_IP), net32(PEER_IP), IPPROTO_UDP, 10),
					     u, sizeof(u))), 0);
}
END_TEST

/* ---- IPv4 header checks ---- */

static uint8_t *good_hdr(uint8_t *b, uint16_t tot)
{
	memset(b, 0, 64);
	ipv4_hdr_fill((struct ipv4_hdr *)b, net32(PEER_IP), net32(TAP_IP), IPPROTO_UDP, tot, 7);
	return b;
}

static void recsum(uint8_t *b)
{
	struct ipv4_hdr *h = (void *)b;

	h->check = 0;
	h->check = inet_csum(b, (h->ver_ihl & 0xf) * 4);
}

START_TEST(test_hdr_ok)
{
	uint8_t b[64];

	ck_assert_int_eq(ipv4_hdr_check(good_hdr(b, 28), 28), IP_OK);
	/* Link padding after the packet is allowed. */
	ck_assert_int_eq(ipv4_hdr_check(good_hdr(b, 28), 60), IP_OK);
	ck_assert_uint_eq(b[8], IP_TTL_DEFAULT);
}
END_TEST

START_TEST(test_hdr_bad)
{
	uint8_t b[64];
	struct ipv4_hdr *h = (void *)b;

	ck_assert_int_eq(ipv4_hdr_check(good_hdr(b, 28), 19), IP_TRUNCATED);
	good_hdr(b, 28);
	h->ver_ihl = 0x65;
	recsum(b);
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_BAD_VERSION);
	good_hdr(b, 28);
	h->ver_ihl = 0x44;
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_BAD_IHL);
	good_hdr(b, 28);
	h->ver_ihl = 0x48;              /* 32-byte header in a 28-byte packet */
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_BAD_IHL);
	good_hdr(b, 28);
	h->tot_len = net16(29);
	recsum(b);
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_BAD_LENGTH);
	h->tot_len = net16(16);
	recsum(b);
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_BAD_LENGTH);
	good_hdr(b, 28);
	h->ttl--;
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_BAD_CSUM);
	good_hdr(b, 28);
	h->frag_off = net16(IP_MF);
	recsum(b);
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_FRAGMENT);
	h->frag_off = net16(0x4000 | 185);
	recsum(b);
	ck_assert_int_eq(ipv4_hdr_check(b, 28), IP_FRAGMENT);
}
END_TEST

/* ---- ARP cache ---- */

START_TEST(test_arp_cache_lifecycle)
{
	static struct arp_cache c;
	uint64_t drops = 0;
	struct arp_entry *e;

	memset(&c, 0, sizeof(c));
	ck_assert_ptr_null(arp_cache_find(&c, &tap, 1, 0));
	e = arp_cache_new(&c, &tap, 1, 100);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->state, ARP_INCOMPLETE);
	ck_assert_ptr_eq(arp_cache_find(&c, &tap, 1, 200), e);
	ck_assert_ptr_null(arp_cache_find(&c, NULL, 1, 200));   /* per device */
	e->pending = pkt_alloc(10);
	e->pending->next = pkt_alloc(10);
	e->npending = 2;
	arp_cache_flush_pending(e, &drops);
	ck_assert_uint_eq(drops, 2);
	ck_assert_ptr_null(e->pending);
	e->state = ARP_REACHABLE;
	e->stamp = 1000;
	ck_assert_ptr_eq(arp_cache_find(&c, &tap, 1, 1000 + ARP_REACHABLE_NS - 1), e);
	/* Expired: STALE, its address kept for use while it is re-checked. */
	e->tries = 2;
	ck_assert_ptr_eq(arp_cache_find(&c, &tap, 1, 1000 + ARP_REACHABLE_NS), e);
	ck_assert_int_eq(e->state, ARP_STALE);
	ck_assert_uint_eq(e->tries, 0);
}
END_TEST

START_TEST(test_arp_cache_eviction)
{
	static struct arp_cache c;
	struct arp_entry *e;

	memset(&c, 0, sizeof(c));
	for (uint32_t i = 0; i < ARP_CACHE_SIZE; i++) {
		e = arp_cache_new(&c, &tap, 100 + i, 10);
		ck_assert_ptr_nonnull(e);
	}
	/* Every slot waits for an answer: nothing can be evicted. */
	ck_assert_ptr_null(arp_cache_new(&c, &tap, 999, 20));
	for (uint32_t i = 0; i < ARP_CACHE_SIZE; i++) {
		c.e[i].state = ARP_REACHABLE;
		c.e[i].stamp = 50 + (i == 5 ? 0 : 10);
	}
	e = arp_cache_new(&c, &tap, 999, 70);
	ck_assert_ptr_eq(e, &c.e[5]);   /* the oldest confirmed entry */
	ck_assert_ptr_null(arp_cache_find(&c, &tap, 105, 70));
	ck_assert_ptr_eq(arp_cache_find(&c, &tap, 999, 70), e);
}
END_TEST

/* ---- the receive path ---- */

/* A frame from the peer: Ethernet + IPv4 (proto) + payload. */
static struct pkt *frame(uint8_t proto, const void *payload, size_t len, uint32_t dst)
{
	struct pkt *p = pkt_alloc(len);
	struct ipv4_hdr *ih;
	struct eth_hdr *eh;

	memcpy(p->data, payload, len);
	ih = (void *)pkt_push(p, sizeof(*ih));
	ipv4_hdr_fill(ih, net32(PEER_IP), net32(dst), proto, p->len, 1);
	eh = (void *)pkt_push(p, ETH_HLEN);
	memcpy(eh->dst, tap.mac, 6);
	memcpy(eh->src, peer_mac, 6);
	eh->type = net16(ETH_P_IP);
	return p;
}

/* The peer answers our ARP request. */
static void answer_arp(void)
{
	uint8_t msg[28] = { 0, 1, 8, 0, 6, 4, 0, 2 };
	struct pkt *p = pkt_alloc(sizeof(msg));
	struct eth_hdr *eh;
	uint32_t spa = net32(PEER_IP), tpa = net32(TAP_IP);

	memcpy(msg + 8, peer_mac, 6);
	memcpy(msg + 14, &spa, 4);
	memcpy(msg + 18, tap.mac, 6);
	memcpy(msg + 24, &tpa, 4);
	memcpy(p->data, msg, sizeof(msg));
	eh = (void *)pkt_push(p, ETH_HLEN);
	memcpy(eh->dst, tap.mac, 6);
	memcpy(eh->src, peer_mac, 6);
	eh->type = net16(ETH_P_ARP);
	netdev_rx(&tap, p);
}

START_TEST(test_rx_arp_request_answered)
{
	uint8_t msg[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	uint32_t spa = net32(PEER_IP), tpa = net32(TAP_IP);
	struct pkt *p = pkt_alloc(sizeof(msg));
	struct eth_hdr *eh;

	memcpy(msg + 8, peer_mac, 6);
	memcpy(msg + 14, &spa, 4);
	memcpy(msg + 24, &tpa, 4);
	memcpy(p->data, msg, sizeof(msg));
	eh = (void *)pkt_push(p, ETH_HLEN);
	memset(eh->dst, 0xff, 6);
	memcpy(eh->src, peer_mac, 6);
	eh->type = net16(ETH_P_ARP);
	netdev_rx(&tap, p);
	ck_assert_int_eq(nsent, 1);
	ck_assert_mem_eq(sent[0]->data, peer_mac, 6);          /* unicast reply */
	ck_assert_uint_eq(sent[0]->data[ETH_HLEN + 7], 2);      /* ARPOP_REPLY */
	ck_assert_mem_eq(sent[0]->data + ETH_HLEN + 8, tap.mac, 6);
	ck_assert_uint_eq(inet_stats.arp_requests_in, 1);
	/* The requester was learnt. */
	ck_assert_ptr_nonnull(arp_cache_find(&arp_table, &tap, spa, now_ns));
}
END_TEST

START_TEST(test_rx_echo_request_answered_after_arp)
{
	uint8_t echo[16] = { ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g' };
	uint16_t c = inet_csum(echo, sizeof(echo));

	memcpy(echo + 2, &c, 2);
	netdev_rx(&tap, frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP));
	/* The reply waits for ARP: a broadcast request goes out first. */
	ck_assert_int_eq(nsent, 1);
	ck_assert_uint_eq(net16(((struct eth_hdr *)sent[0]->data)->type), ETH_P_ARP);
	ck_assert_uint_eq(sent[0]->data[0], 0xff);
	ck_assert_uint_eq(inet_stats.icmp_in_echos, 1);
	answer_arp();
	ck_assert_int_eq(nsent, 2);
	{
		uint8_t *ip = sent[1]->data + ETH_HLEN, *icmp = ip + 20;

		ck_assert_mem_eq(sent[1]->data, peer_mac, 6);
		ck_assert_int_eq(ipv4_hdr_check(ip, sent[1]->len - ETH_HLEN), IP_OK);
		ck_assert_uint_eq(icmp[0], ICMP_ECHOREPLY);
		ck_assert_mem_eq(icmp + 4, echo + 4, sizeof(echo) - 4);
		ck_assert_uint_eq(inet_csum(icmp, sizeof(echo)), 0);
	}
}
END_TEST

START_TEST(test_rx_bad_packets_counted)
{
	uint8_t echo[8] = { ICMP_ECHO, 0, 0, 0, 0, 1, 0, 1 };
	struct pkt *p;
	struct ipv4_hdr *h;

	/* Bad IPv4 checksum. */
	p = frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP);
	h = (void *)(p->data + ETH_HLEN);
	h->ttl ^= 1;
	netdev_rx(&tap, p);
	ck_assert_uint_eq(inet_stats.ip_in_hdr_errors, 1);
	/* Truncated below the IPv4 length. */
	p = frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP);
	p->len -= 4;
	netdev_rx(&tap, p);
	ck_assert_uint_eq(inet_stats.ip_in_hdr_errors, 2);
	/* A fragment. */
	p = frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP);
	h = (void *)(p->data + ETH_HLEN);
	h->frag_off = net16(IP_MF);
	recsum((uint8_t *)h);
	netdev_rx(&tap, p);
	ck_assert_uint_eq(inet_stats.ip_frag_drops, 1);
	/* For another host (we do not forward). */
	netdev_rx(&tap, frame(IPPROTO_ICMP, echo, sizeof(echo), 0x0a000063));
	ck_assert_uint_eq(inet_stats.ip_in_addr_errors, 1);
	/* Bad ICMP checksum. */
	netdev_rx(&tap, frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP));
	ck_assert_uint_eq(inet_stats.icmp_in_errors, 1);
	/* Unknown protocol. */
	netdev_rx(&tap, frame(6, echo, sizeof(echo), TAP_IP));
	ck_assert_uint_eq(inet_stats.ip_in_unknown_protos, 1);
	/* A frame for another MAC, and a runt. */
	p = frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP);
	p->data[5] ^= 1;
	netdev_rx(&tap, p);
	p = pkt_alloc(10);
	netdev_rx(&tap, p);
	ck_assert_uint_eq(inet_stats.eth_bad, 2);
	ck_assert_int_eq(nsent, 0);                     /* nothing answered */
	ck_assert_uint_eq(tap.stats.rx_errors, 2);
}
END_TEST

START_TEST(test_rx_udp_closed_port_and_bad_udp)
{
	uint8_t u[12] = { 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0, 0, 'd', 'a', 't', 'a' };
	uint8_t *icmp;

	/* Checksum 0: none.  Port 2000 is closed: port unreachable, after ARP. */
	netdev_rx(&tap, frame(IPPROTO_UDP, u, sizeof(u), TAP_IP));
	ck_assert_uint_eq(inet_stats.udp_no_ports, 1);
	answer_arp();
	ck_assert_int_eq(nsent, 2);
	icmp = sent[1]->data + ETH_HLEN + 20;
	ck_assert_uint_eq(icmp[0], ICMP_DEST_UNREACH);
	ck_assert_uint_eq(icmp[1], ICMP_PORT_UNREACH);
	ck_assert_mem_eq(icmp + 8 + 20, u, 8);          /* quotes the UDP header */
	/* Length field past the packet, and a wrong checksum: dropped. */
	u[5] = 0x20;
	netdev_rx(&tap, frame(IPPROTO_UDP, u, sizeof(u), TAP_IP));
	u[5] = 0x0c;
	u[7] = 0x55;
	netdev_rx(&tap, frame(IPPROTO_UDP, u, sizeof(u), TAP_IP));
	ck_assert_uint_eq(inet_stats.udp_in_errors, 2);
	ck_assert_int_eq(nsent, 2);
}
END_TEST

START_TEST(test_rx_udp_delivered_to_bound_socket)
{
	static struct inet_sock s = { .type = SOCK_DGRAM };
	uint8_t u[12] = { 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0, 0, 'd', 'a', 't', 'a' };
	uint16_t c;

	ck_assert_int_eq(udp_bind(&s, 0, net16(2000)), 0);
	ck_assert_int_eq(udp_bind(&s, 0, net16(2001)), -EINVAL);
	c = csum_fold(csum_add(csum_pseudo(net32(PEER_IP), net32(TAP_IP), IPPROTO_UDP, 12), u, 12));
	memcpy(u + 6, &c, 2);
	netdev_rx(&tap, frame(IPPROTO_UDP, u, sizeof(u), TAP_IP));
	ck_assert_int_eq(ndelivered, 1);
	ck_assert_uint_eq(delivered[0]->len, 4);
	ck_assert_mem_eq(delivered[0]->data, "data", 4);
	ck_assert_uint_eq(delivered[0]->sport, net16(1000));
	ck_assert_uint_eq(delivered[0]->saddr, net32(PEER_IP));
	ck_assert_uint_eq(inet_stats.udp_in_datagrams, 1);
	ck_assert_int_eq(nsent, 0);
	udp_unhash(&s);
}
END_TEST

START_TEST(test_rx_broadcast_to_every_match)
{
	static struct inet_sock a = { .type = SOCK_DGRAM, .reuseaddr = true };
	static struct inet_sock b = { .type = SOCK_DGRAM, .reuseaddr = true };
	static struct inet_sock other = { .type = SOCK_DGRAM };
	uint8_t u[12] = { 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0, 0, 'd', 'a', 't', 'a' };

	ck_assert_int_eq(udp_bind(&a, 0, net16(2000)), 0);
	ck_assert_int_eq(udp_bind(&b, 0, net16(2000)), 0);
	ck_assert_int_eq(udp_bind(&other, 0, net16(2001)), 0);
	netdev_rx(&tap, frame(IPPROTO_UDP, u, sizeof(u), 0x0a0000ff));
	ck_assert_int_eq(ndelivered, 2);
	ck_assert_mem_eq(delivered[0]->data, "data", 4);
	ck_assert_mem_eq(delivered[1]->data, "data", 4);
	/* To a broadcast port nobody has: no port unreachable. */
	u[3] = 0xd5;
	netdev_rx(&tap, frame(IPPROTO_UDP, u, sizeof(u), 0x0a0000ff));
	ck_assert_uint_eq(inet_stats.udp_no_ports, 1);
	ck_assert_int_eq(nsent, 0);
	udp_unhash(&a), udp_unhash(&b), udp_unhash(&other);
}
END_TEST

START_TEST(test_rx_port_unreachable_refuses_connected)
{
	static struct inet_sock conn = { .type = SOCK_DGRAM }, unconn = { .type = SOCK_DGRAM };
	/* ICMP 3/3 quoting our datagram 10.0.0.1:3000 -> 10.0.0.2:4000. */
	uint8_t m[8 + 20 + 8] = { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH };
	uint16_t c;

	ck_assert_int_eq(udp_bind(&conn, 0, net16(3000)), 0);
	conn.connected = true;
	conn.raddr = net32(PEER_IP);
	conn.rport = net16(4000);
	ck_assert_int_eq(udp_bind(&unconn, 0, net16(3001)), 0);
	ipv4_hdr_fill((void *)(m + 8), net32(TAP_IP), net32(PEER_IP), IPPROTO_UDP, 28, 9);
	m[28] = 3000 >> 8, m[29] = 3000 & 255, m[30] = 4000 >> 8, m[31] = 4000 & 255;
	c = inet_csum(m, sizeof(m));
	memcpy(m + 2, &c, 2);
	netdev_rx(&tap, frame(IPPROTO_ICMP, m, sizeof(m), TAP_IP));
	ck_assert_int_eq(conn.err, ECONNREFUSED);
	/* The same about the unconnected socket's port: not reported. */
	m[29] = 3001 & 255;
	m[2] = m[3] = 0;
	c = inet_csum(m, sizeof(m));
	memcpy(m + 2, &c, 2);
	netdev_rx(&tap, frame(IPPROTO_ICMP, m, sizeof(m), TAP_IP));
	ck_assert_int_eq(unconn.err, 0);
	ck_assert_int_eq(nsent, 0);                     /* errors are not answered */
	udp_unhash(&conn), udp_unhash(&unconn);
}
END_TEST

START_TEST(test_arp_pending_queue_bounded)
{
	static struct inet_sock s = { .type = SOCK_DGRAM };
	struct k_iovec v = { (uintptr_t)"x", 1 };
	struct inet_io io = { &v, 1, false };

	for (int i = 0; i < ARP_PENDING_MAX + 3; i++)
		ck_assert_int_eq(udp_send(&s, &io, net32(PEER_IP), net16(9)), 1);
	ck_assert_int_eq(nsent, 1);                     /* one ARP request */
	ck_assert_uint_eq(inet_stats.arp_pending_drops, 3);
	answer_arp();
	ck_assert_int_eq(nsent, 1 + ARP_PENDING_MAX);   /* the queue, in order */
	ck_assert_uint_eq(net16(((struct eth_hdr *)sent[1]->data)->type), ETH_P_IP);
	udp_unhash(&s);
}
END_TEST

/* The destination MAC of a captured frame, and whether it is an ARP request. */
static bool sent_to(int i, const uint8_t *mac, uint16_t type)
{
	const struct eth_hdr *eh = (const void *)sent[i]->data;

	return !memcmp(eh->dst, mac, ETH_ALEN) && net16(eh->type) == type;
}

START_TEST(test_arp_stale_keeps_sending)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static struct inet_sock s = { .type = SOCK_DGRAM };
	struct k_iovec v = { (uintptr_t)"x", 1 };
	struct inet_io io = { &v, 1, false };

	ck_assert_int_eq(udp_send(&s, &io, net32(PEER_IP), net16(9)), 1);
	answer_arp();
	clear_sent();
	now_ns += ARP_REACHABLE_NS;
	/* Stale: the frame goes to the old address at once, one request re-checks. */
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(udp_send(&s, &io, net32(PEER_IP), net16(9)), 1);
	ck_assert_int_eq(nsent, 5);
	ck_assert(sent_to(0, bcast, ETH_P_ARP));
	for (int i = 1; i < 5; i++)
		ck_assert(sent_to(i, peer_mac, ETH_P_IP));
	ck_assert_uint_eq(inet_stats.arp_pending_drops, 0);
	/* Unanswered: a request per ARP_RETRY_NS, frames still flowing. */
	for (int t = 1; t < ARP_MAX_TRIES; t++) {
		clear_sent();
		now_ns += ARP_RETRY_NS;
		ck_assert_int_eq(udp_send(&s, &io, net32(PEER_IP), net16(9)), 1);
		ck_assert_int_eq(nsent, 2);
		ck_assert(sent_to(0, bcast, ETH_P_ARP));
		ck_assert(sent_to(1, peer_mac, ETH_P_IP));
	}
	/* ARP_MAX_TRIES without an answer: resolved anew, the frame held. */
	clear_sent();
	now_ns += ARP_RETRY_NS;
	ck_assert_int_eq(udp_send(&s, &io, net32(PEER_IP), net16(9)), 1);
	ck_assert_int_eq(nsent, 1);
	ck_assert(sent_to(0, bcast, ETH_P_ARP));
	answer_arp();
	ck_assert_int_eq(nsent, 2);
	ck_assert(sent_to(1, peer_mac, ETH_P_IP));
	udp_unhash(&s);
}
END_TEST

START_TEST(test_link_down_drops)
{
	uint8_t echo[8] = { ICMP_ECHO, 0, 0, 0, 0, 1, 0, 1 };
	uint64_t dropped = tap.stats.rx_dropped;

	netdev_set_link(&tap, false);
	netdev_rx(&tap, frame(IPPROTO_ICMP, echo, sizeof(echo), TAP_IP));
	ck_assert_uint_eq(tap.stats.rx_dropped, dropped + 1);
	ck_assert_uint_eq(inet_stats.ip_in_receives, 0);
	netdev_set_link(&tap, true);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("inet");
	TCase *pure = tcase_create("pure"), *stack = tcase_create("stack");
	SRunner *sr;
	int failed;

	tcase_add_test(pure, test_csum_rfc1071_example);
	tcase_add_test(pure, test_csum_odd_length_and_verify);
	tcase_add_test(pure, test_csum_udp_pseudo_header);
	tcase_add_test(pure, test_hdr_ok);
	tcase_add_test(pure, test_hdr_bad);
	tcase_add_test(pure, test_arp_cache_lifecycle);
	tcase_add_test(pure, test_arp_cache_eviction);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(stack, stack_setup, NULL);
	tcase_add_test(stack, test_rx_arp_request_answered);
	tcase_add_test(stack, test_rx_echo_request_answered_after_arp);
	tcase_add_test(stack, test_rx_bad_packets_counted);
	tcase_add_test(stack, test_rx_udp_closed_port_and_bad_udp);
	tcase_add_test(stack, test_rx_udp_delivered_to_bound_socket);
	tcase_add_test(stack, test_rx_broadcast_to_every_match);
	tcase_add_test(stack, test_rx_port_unreachable_refuses_connected);
	tcase_add_test(stack, test_arp_pending_queue_bounded);
	tcase_add_test(stack, test_arp_stale_keeps_sending);
	tcase_add_test(stack, test_link_down_drops);
	suite_add_tcase(s, stack);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
