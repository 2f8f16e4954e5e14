/*
 * ICMP: the kernel answers echo requests to its own addresses, reports
 * UDP to a closed port with a port unreachable, and passes a port
 * unreachable it receives to the UDP socket that caused it.  Raw ICMP
 * sockets (raw.c) see every message as well.
 */
#include "inet.h"
#include "lib.h"

/* Sends type/code with body (an echo's id/seq onwards, or 4 + quoted bytes). */
static void icmp_send(uint32_t saddr, uint32_t daddr, uint8_t type, uint8_t code,
		      const void *body, size_t len)
{
	struct pkt *p = pkt_alloc(4 + len);
	struct icmp_hdr *h;

	if (!p)
		return;
	h = (void *)p->data;
	h->type = type;
	h->code = code;
	h->check = 0;
	memcpy(p->data + 4, body, len);
	h->check = inet_csum(p->data, p->len);
	inet_stats.icmp_out_msgs++;
	ipv4_send(p, saddr, daddr, IPPROTO_ICMP);
}

/* The datagram an error quotes: its IPv4 header and first 8 bytes. */
static void icmp_error_rx(const struct pkt *p)
{
	const uint8_t *q = p->data + sizeof(struct icmp_hdr);
	size_t qlen = p->len - sizeof(struct icmp_hdr);
	const struct ipv4_hdr *ih = (const void *)q;
	const struct udp_hdr *uh;
	size_t ihl;

	if (qlen < sizeof(*ih) || ih->ver_ihl >> 4 != 4)
		return;
	ihl = (ih->ver_ihl & 0xf) * 4u;
	if (ihl < sizeof(*ih) || qlen < ihl + sizeof(*uh) || ih->protocol != IPPROTO_UDP)
		return;
	uh = (const void *)(q + ihl);
	udp_err(ih->daddr, uh->dport, ih->saddr, uh->sport, ECONNREFUSED);
}

void icmp_rx(struct pkt *p)
{
	const struct icmp_hdr *h = (const void *)p->data;

	inet_stats.icmp_in_msgs++;
	if (p->len < sizeof(*h) || inet_csum(p->data, p->len) != 0) {
		inet_stats.icmp_in_errors++;
		pkt_free(p);
		return;
	}
	if (h->type == ICMP_ECHO && h->code == 0) {
		inet_stats.icmp_in_echos++;
		/* Answer only pings to this host's own unicast addresses. */
		if (!inet_addr_broadcast(p->daddr)) {
			inet_stats.icmp_out_echo_reps++;
			icmp_send(p->daddr, p->saddr, ICMP_ECHOREPLY, 0, p->data + 4, p->len - 4);
		}
	} else if (h->type == ICMP_DEST_UNREACH && h->code == ICMP_PORT_UNREACH) {
		icmp_error_rx(p);
	}
	pkt_free(p);
}

/* orig: a UDP datagram (data at the UDP header) nobody listens for. */
void icmp_send_port_unreach(const struct pkt *orig)
{
	uint8_t body[4 + 60 + 8] = { 0 };
	const struct ipv4_hdr *ih = (const void *)orig->nh;
	size_t ihl = (ih->ver_ihl & 0xf) * 4u;
	size_t quoted = MIN(ihl + 8, (size_t)(orig->data + orig->len - orig->nh));

	if (inet_addr_broadcast(orig->daddr))
		return;
	memcpy(body + 4, orig->nh, quoted);
	inet_stats.icmp_out_dest_unreachs++;
	icmp_send(orig->daddr, orig->saddr, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, body, 4 + quoted);
}
