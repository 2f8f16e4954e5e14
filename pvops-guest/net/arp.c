/*
 * ARP for IPv4 over Ethernet (RFC 826): answers requests for the
 * receiving device's address, learns senders that talk to us, and
 * resolves next hops for ipv4.c, holding their frames meanwhile.  An
 * unanswered request is repeated when the next frame for that address
 * comes at least ARP_RETRY_NS later; after ARP_MAX_TRIES the held
 * frames are dropped and the entry forgotten (there is no timer).  A
 * STALE entry keeps carrying frames while requests re-check it, so a
 * busy flow never waits on (or loses frames to) the re-check.
 */
#include "inet.h"
#include "lib.h"
#include "proc.h"

#define ARPOP_REQUEST 1
#define ARPOP_REPLY   2
#define ARPHRD_ETHER  1

struct arp_msg {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[ETH_ALEN];
	uint32_t spa;
	uint8_t tha[ETH_ALEN];
	uint32_t tpa;
} __attribute__((packed));

struct arp_cache arp_table;

static int arp_send(struct netdev *dev, uint16_t op, const uint8_t *tha, uint32_t tpa)
{
	struct pkt *p = pkt_alloc(sizeof(struct arp_msg));
	struct arp_msg *m;

	if (!p)
		return -ENOMEM;
	m = (void *)p->data;
	m->htype = net16(ARPHRD_ETHER);
	m->ptype = net16(ETH_P_IP);
	m->hlen = ETH_ALEN;
	m->plen = 4;
	m->op = net16(op);
	memcpy(m->sha, dev->mac, ETH_ALEN);
	m->spa = dev->addr;
	if (tha)
		memcpy(m->tha, tha, ETH_ALEN);
	else
		memset(m->tha, 0, ETH_ALEN);
	m->tpa = tpa;
	if (op == ARPOP_REQUEST)
		inet_stats.arp_requests_out++;
	else
		inet_stats.arp_replies_out++;
	return eth_output(dev, p, op == ARPOP_REPLY ? tha : NULL, ETH_P_ARP);
}

/* The entry now has an address: send what waited for it. */
static void arp_resolved(struct arp_entry *e, const uint8_t *mac)
{
	struct pkt *p = e->pending;

	memcpy(e->mac, mac, ETH_ALEN);
	e->state = ARP_REACHABLE;
	e->stamp = time_now_ns();
	e->tries = 0;
	e->pending = NULL;
	e->npending = 0;
	while (p) {
		struct pkt *next = p->next;

		p->next = NULL;
		eth_output(e->dev, p, e->mac, ETH_P_IP);
		p = next;
	}
}

void arp_rx(struct netdev *dev, struct pkt *p)
{
	const struct arp_msg *m = (const void *)p->data;
	uint64_t now = time_now_ns();
	struct arp_entry *e;
	bool for_us;

	if (p->len < sizeof(*m) || m->htype != net16(ARPHRD_ETHER) ||
	    m->ptype != net16(ETH_P_IP) || m->hlen != ETH_ALEN || m->plen != 4 ||
	    (m->op != net16(ARPOP_REQUEST) && m->op != net16(ARPOP_REPLY)) ||
	    (m->sha[0] & 1)) {
		inet_stats.arp_bad++;
		pkt_free(p);
		return;
	}
	for_us = dev->addr && m->tpa == dev->addr;
	if (m->op == net16(ARPOP_REQUEST))
		inet_stats.arp_requests_in++;
	else
		inet_stats.arp_replies_in++;
	/* Update a known sender; learn a new one only if it talks to us. */
	e = m->spa ? arp_cache_find(&arp_table, dev, m->spa, now) : NULL;
	if (!e && for_us && m->spa)
		e = arp_cache_new(&arp_table, dev, m->spa, now);
	if (e)
		arp_resolved(e, m->sha);
	if (for_us && m->op == net16(ARPOP_REQUEST))
		arp_send(dev, ARPOP_REPLY, m->sha, m->spa);
	pkt_free(p);
}

/* Sends the IPv4 packet p to nexthop on dev, resolving it first if need be. */
int arp_output(struct netdev *dev, struct pkt *p, uint32_t nexthop)
{
	uint64_t now = time_now_ns();
	struct arp_entry *e = arp_cache_find(&arp_table, dev, nexthop, now);
	bool ask = false;

	if (e && e->state == ARP_REACHABLE)
		return eth_output(dev, p, e->mac, ETH_P_IP);
	if (e && e->state == ARP_STALE) {
		if (e->tries < ARP_MAX_TRIES || now - e->stamp < ARP_RETRY_NS) {
			if (e->tries == 0 || now - e->stamp >= ARP_RETRY_NS) {
				e->tries++;
				e->stamp = now;
				arp_send(dev, ARPOP_REQUEST, NULL, nexthop);
			}
			return eth_output(dev, p, e->mac, ETH_P_IP);
		}
		arp_cache_remove(e, &inet_stats.arp_pending_drops);
		e = NULL;
	}
	if (e && now - e->stamp >= ARP_RETRY_NS) {
		if (e->tries >= ARP_MAX_TRIES) {
			arp_cache_remove(e, &inet_stats.arp_pending_drops);
			e = NULL;
		} else {
			ask = true;
		}
	}
	if (!e) {
		e = arp_cache_new(&arp_table, dev, nexthop, now);
		if (!e) {
			inet_stats.arp_pending_drops++;
			pkt_free(p);
			return -ENOBUFS;
		}
		ask = true;
	}
	if (e->npending >= ARP_PENDING_MAX) {
		inet_stats.arp_pending_drops++;
		pkt_free(p);
	} else {
		struct pkt **tail = &e->pending;

		while (*tail)
			tail = &(*tail)->next;
		p->next = NULL;
		*tail = p;
		e->npending++;
	}
	if (ask) {
		e->tries++;
		e->stamp = now;
		/* The answer may arrive (and send the queue) before this returns. */
		arp_send(dev, ARPOP_REQUEST, NULL, nexthop);
	}
	return 0;
}

/* A device lost its link or address: forget what was learnt through it. */
void arp_dev_down(struct netdev *dev)
{
	for (unsigned int i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_table.e[i].state != ARP_FREE && arp_table.e[i].dev == dev)
			arp_cache_remove(&arp_table.e[i], &inet_stats.arp_pending_drops);
}
