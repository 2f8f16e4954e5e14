/*
 * Raw ICMP sockets (SOCK_RAW, IPPROTO_ICMP): each receives a copy of
 * every ICMP packet that arrives, IPv4 header included, and sends ICMP
 * messages the caller built (the kernel adds the IPv4 header).
 */
#include "inet_sock.h"
#include "lib.h"

struct inet_sock *raw_socks;

void raw_unhash(struct inet_sock *s)
{
	for (struct inet_sock **pp = &raw_socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}

/* p: a whole ICMP packet at its IPv4 header, with saddr/daddr set. */
void raw_rx(const struct pkt *p)
{
	for (struct inet_sock *s = raw_socks; s; s = s->next) {
		struct pkt *c;

		if ((s->laddr && s->laddr != p->daddr) || (s->connected && s->raddr != p->saddr))
			continue;
		c = pkt_copy(p);
		if (!c) {
			inet_count_drop(s);
			continue;
		}
		c->sport = 0;
		inet_queue_rx(s, c);
	}
}

long raw_send(struct inet_sock *s, const struct inet_io *io, uint32_t daddr)
{
	size_t len = inet_io_len(io);
	struct route r;
	struct pkt *p;
	int err;

	if (len > IP_MAXPACKET - sizeof(struct ipv4_hdr))
		return -EMSGSIZE;
	err = route_lookup(daddr, &r);
	if (err)
		return err;
	if (r.broadcast && !s->broadcast)
		return -EACCES;
	if (len > ipv4_max_payload(&r))
		return -EMSGSIZE;
	p = pkt_alloc(len);
	if (!p)
		return -ENOBUFS;
	err = inet_io_gather(io, p->data, len);
	if (err) {
		pkt_free(p);
		return err;
	}
	err = ipv4_output(p, s->laddr ? s->laddr : r.src, daddr, IPPROTO_ICMP, &r);
	return err ? err : (long)len;
}
