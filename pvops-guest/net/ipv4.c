/*
 * IPv4 input and output.  Input checks the header (ipv4_hdr.c), drops
 * fragments and packets for other hosts (no forwarding), and hands the
 * payload to ICMP, UDP and the raw sockets.  Output adds the header and
 * sends through ARP, or straight to lo / broadcast.
 */
#include "inet.h"
#include "lib.h"

struct inet_stats inet_stats;
static uint16_t ip_next_id = 1;

void ipv4_rx(struct netdev *dev, struct pkt *p)
{
	const struct ipv4_hdr *h = (const void *)p->data;
	enum ip_verdict v = ipv4_hdr_check(p->data, p->len);
	size_t ihl;

	inet_stats.ip_in_receives++;
	if (v != IP_OK) {
		if (v == IP_FRAGMENT)
			inet_stats.ip_frag_drops++;
		else
			inet_stats.ip_in_hdr_errors++;
		dev->stats.rx_errors += v != IP_FRAGMENT;
		pkt_free(p);
		return;
	}
	if (!inet_addr_local(h->daddr) && !inet_addr_broadcast(h->daddr)) {
		inet_stats.ip_in_addr_errors++;
		pkt_free(p);
		return;
	}
	/* Trim link padding to the IP length; keep the header for raw sockets. */
	p->len = net16(h->tot_len);
	p->saddr = h->saddr;
	p->daddr = h->daddr;
	p->nh = p->data;
	ihl = (h->ver_ihl & 0xf) * 4u;
	inet_stats.ip_in_delivers++;
	switch (h->protocol) {
	case IPPROTO_ICMP:
		raw_rx(p);
		pkt_pull(p, ihl);
		icmp_rx(p);
		return;
	case IPPROTO_UDP:
		pkt_pull(p, ihl);
		udp_rx(p);
		return;
	default:
		inet_stats.ip_in_unknown_protos++;
		pkt_free(p);
	}
}

/* The largest payload one packet on r's device carries. */
size_t ipv4_max_payload(const struct route *r)
{
	return MIN((size_t)r->dev->mtu, (size_t)IP_MAXPACKET) - sizeof(struct ipv4_hdr);
}

/* Adds the IPv4 header to payload p and sends it along r; p is consumed. */
int ipv4_output(struct pkt *p, uint32_t saddr, uint32_t daddr, uint8_t proto,
		const struct route *r)
{
	struct ipv4_hdr *h;

	if (p->len > ipv4_max_payload(r)) {
		pkt_free(p);
		return -EMSGSIZE;
	}
	h = (void *)pkt_push(p, sizeof(*h));
	ipv4_hdr_fill(h, saddr, daddr, proto, p->len, ip_next_id++);
	inet_stats.ip_out_requests++;
	if (r->dev->flags & NETDEV_IFF_LOOPBACK)
		return eth_output(r->dev, p, r->dev->mac, ETH_P_IP);
	if (r->broadcast)
		return eth_output(r->dev, p, NULL, ETH_P_IP);
	return arp_output(r->dev, p, r->nexthop);
}

/* ipv4_output with the route and, for saddr 0, the source chosen here. */
int ipv4_send(struct pkt *p, uint32_t saddr, uint32_t daddr, uint8_t proto)
{
	struct route r;
	int err = route_lookup(daddr, &r);

	if (err) {
		pkt_free(p);
		return err;
	}
	return ipv4_output(p, saddr ? saddr : r.src, daddr, proto, &r);
}
