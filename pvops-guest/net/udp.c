/*
 * UDP (RFC 768): the port table, datagram input and output.  A datagram
 * goes to the best-matching socket (connected beats bound beats
 * wildcard), a broadcast to every matching one; with none, the sender of
 * a unicast gets an ICMP port unreachable.
 */
#include "inet_sock.h"
#include "lib.h"
#include "proc.h"

#define EPHEMERAL_LOW  32768        /* Linux's ip_local_port_range */
#define EPHEMERAL_HIGH 60999

struct inet_sock *udp_socks;
static unsigned int ephemeral_next;

static bool port_conflict(const struct inet_sock *s, uint32_t addr, uint16_t port)
{
	for (const struct inet_sock *o = udp_socks; o; o = o->next)
		if (o != s && o->lport == port &&
		    (!o->laddr || !addr || o->laddr == addr) && !(o->reuseaddr && s->reuseaddr))
			return true;
	return false;
}

static void udp_hash(struct inet_sock *s)
{
	s->next = udp_socks;
	udp_socks = s;
}

void udp_unhash(struct inet_sock *s)
{
	for (struct inet_sock **pp = &udp_socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}

/* port 0 picks a free ephemeral port; addr is checked by the caller. */
int udp_bind(struct inet_sock *s, uint32_t addr, uint16_t port)
{
	const unsigned int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;

	if (s->lport)
		return -EINVAL;
	if (!port) {
		for (unsigned int i = 0; i < range && !port; i++) {
			uint16_t cand = net16(EPHEMERAL_LOW + (ephemeral_next++ % range));

			if (!port_conflict(s, addr, cand))
				port = cand;
		}
		if (!port)
			return -EADDRINUSE;
	} else if (port_conflict(s, addr, port)) {
		return -EADDRINUSE;
	}
	s->laddr = addr;
	s->lport = port;
	udp_hash(s);
	return 0;
}

int udp_autobind(struct inet_sock *s)
{
	return s->lport ? 0 : udp_bind(s, s->laddr, 0);
}

static int match_score(const struct inet_sock *s, const struct pkt *p, uint16_t dport)
{
	int score = 0;

	if (s->lport != dport)
		return -1;
	if (s->laddr) {
		if (s->laddr != p->daddr)
			return -1;
		score += 2;
	}
	if (s->connected) {
		if (s->raddr != p->saddr || s->rport != p->sport)
			return -1;
		score += 4;
	}
	return score;
}

static void udp_rx_broadcast_copies(const struct pkt *p, uint16_t dport,
				    const struct inet_sock *best)
{
	for (struct inet_sock *s = udp_socks; s; s = s->next) {
		struct pkt *c;

		if (s == best || match_score(s, p, dport) < 0)
			continue;
		c = pkt_copy(p);
		if (!c) {
			inet_count_drop(s);
			continue;
		}
		pkt_pull(c, sizeof(struct udp_hdr));
		inet_stats.udp_in_datagrams++;
		inet_queue_rx(s, c);
	}
}

void udp_rx(struct pkt *p)
{
	const struct udp_hdr *h = (const void *)p->data;
	struct inet_sock *best = NULL;
	int best_score = -1;
	size_t len;

	if (p->len < sizeof(*h) || (len = net16(h->len)) < sizeof(*h) || len > p->len) {
		inet_stats.udp_in_errors++;
		pkt_free(p);
		return;
	}
	p->len = len;
	if (h->check &&
	    csum_fold(csum_add(csum_pseudo(p->saddr, p->daddr, IPPROTO_UDP, len), p->data, len))) {
		inet_stats.udp_in_errors++;
		pkt_free(p);
		return;
	}
	p->sport = h->sport;
	for (struct inet_sock *s = udp_socks; s; s = s->next) {
		int sc = match_score(s, p, h->dport);

		if (sc > best_score) {
			best = s;
			best_score = sc;
		}
	}
	/* A broadcast goes to every socket that matches; best gets p itself. */
	if (best && inet_addr_broadcast(p->daddr))
		udp_rx_broadcast_copies(p, h->dport, best);
	if (!best) {
		inet_stats.udp_no_ports++;
		icmp_send_port_unreach(p);
		pkt_free(p);
		return;
	}
	inet_stats.udp_in_datagrams++;
	pkt_pull(p, sizeof(*h));
	inet_queue_rx(best, p);
}

/* An ICMP error about our datagram saddr:sport -> daddr:dport. */
void udp_err(uint32_t daddr, uint16_t dport, uint32_t saddr, uint16_t sport, int err)
{
	for (struct inet_sock *s = udp_socks; s; s = s->next) {
		/* Like Linux without IP_RECVERR: only a connected socket hears of it. */
		if (s->lport == sport && (!s->laddr || s->laddr == saddr) && s->connected &&
		    s->raddr == daddr && s->rport == dport) {
			s->err = err;
			wakeup(s);
		}
	}
}

long udp_send(struct inet_sock *s, const struct inet_io *io, uint32_t daddr, uint16_t dport)
{
	size_t len = inet_io_len(io);
	struct udp_hdr *h;
	struct route r;
	struct pkt *p;
	uint32_t saddr;
	int err;

	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	err = udp_autobind(s);
	if (err)
		return err;
	err = route_lookup(daddr, &r);
	if (err)
		return err;
	if (r.broadcast && !s->broadcast)
		return -EACCES;
	/* No fragmentation: a datagram must fit the device's MTU. */
	if (len + sizeof(*h) > ipv4_max_payload(&r))
		return -EMSGSIZE;
	p = pkt_alloc(sizeof(*h) + len);
	if (!p)
		return -ENOBUFS;
	err = inet_io_gather(io, p->data + sizeof(*h), len);
	if (err) {
		pkt_free(p);
		return err;
	}
	saddr = s->laddr ? s->laddr : r.src;
	h = (void *)p->data;
	h->sport = s->lport;
	h->dport = dport;
	h->len = net16(p->len);
	h->check = 0;
	h->check = csum_fold(csum_add(csum_pseudo(saddr, daddr, IPPROTO_UDP, p->len), p->data, p->len));
	if (!h->check)
		h->check = 0xffff;
	inet_stats.udp_out_datagrams++;
	err = ipv4_output(p, saddr, daddr, IPPROTO_UDP, &r);
	return err ? err : (long)len;
}
