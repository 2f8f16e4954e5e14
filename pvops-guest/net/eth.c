/* Ethernet framing: the link header on every device, lo included. */
#include "inet.h"
#include "lib.h"

static const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void eth_rx(struct netdev *dev, struct pkt *p)
{
	struct eth_hdr *h = (void *)p->data;

	if (!pkt_pull(p, ETH_HLEN) ||
	    (!(dev->flags & NETDEV_IFF_LOOPBACK) && memcmp(h->dst, dev->mac, ETH_ALEN) &&
	     memcmp(h->dst, eth_broadcast, ETH_ALEN))) {
		inet_stats.eth_bad++;
		pkt_free(p);
		return;
	}
	switch (net16(h->type)) {
	case ETH_P_IP:
		ipv4_rx(dev, p);
		return;
	case ETH_P_ARP:
		arp_rx(dev, p);
		return;
	default:
		dev->stats.rx_dropped++;
		pkt_free(p);
	}
}

/* Frames p for dst (NULL: broadcast) and sends it; p is consumed. */
int eth_output(struct netdev *dev, struct pkt *p, const uint8_t *dst, uint16_t type)
{
	struct eth_hdr *h = (void *)pkt_push(p, ETH_HLEN);

	memcpy(h->dst, dst ? dst : eth_broadcast, ETH_ALEN);
	memcpy(h->src, dev->mac, ETH_ALEN);
	h->type = net16(type);
	return netdev_xmit(dev, p);
}
