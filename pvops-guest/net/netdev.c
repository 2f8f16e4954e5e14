/*
 * The device list and the receive path's entry.  Drivers hand received
 * frames to netdev_rx(), which queues them on one backlog and, unless a
 * frame is already being handled further up the stack, handles the
 * backlog at once.  Replies a frame provokes (ARP, ICMP) go back down
 * through a driver that may deliver straight into netdev_rx() again:
 * the backlog turns that recursion into a loop.  The kernel is not
 * preemptible and runs drivers' interrupt handlers only from user mode
 * or idle, so nothing else touches the stack meanwhile.
 */
#include "inet.h"
#include "lib.h"

#define BACKLOG_MAX 512

struct netdev *netdev_list;
uint64_t netdev_backlog_drops;

static struct pkt *backlog_head, *backlog_tail;
static unsigned int backlog_len;
static bool handling;
static int next_ifindex = 1;

int netdev_register(struct netdev *dev)
{
	struct netdev **tail = &netdev_list;

	if (!dev->ops || !dev->ops->xmit || !dev->name[0] || netdev_by_name(dev->name))
		return -EINVAL;
	if (dev->mtu < 68)
		return -EINVAL;
	dev->ifindex = next_ifindex++;
	while (*tail)
		tail = &(*tail)->next;
	*tail = dev;
	return 0;
}

struct netdev *netdev_by_name(const char *name)
{
	for (struct netdev *d = netdev_list; d; d = d->next)
		if (!strncmp(d->name, name, NETDEV_NAMSIZ))
			return d;
	return NULL;
}

struct netdev *netdev_by_index(int ifindex)
{
	for (struct netdev *d = netdev_list; d; d = d->next)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

bool netdev_usable(const struct netdev *dev)
{
	return (dev->flags & NETDEV_IFF_UP) && dev->carrier;
}

void netdev_set_link(struct netdev *dev, bool up)
{
	dev->carrier = up;
	if (!up)
		arp_dev_down(dev);
}

int netdev_xmit(struct netdev *dev, struct pkt *p)
{
	size_t len = p->len;
	int err;

	if (!netdev_usable(dev)) {
		dev->stats.tx_dropped++;
		pkt_free(p);
		return -ENETDOWN;
	}
	err = dev->ops->xmit(dev, p);
	if (err) {
		dev->stats.tx_errors++;
		return err;
	}
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
	return 0;
}

void netdev_rx(struct netdev *dev, struct pkt *p)
{
	if (!netdev_usable(dev) || backlog_len >= BACKLOG_MAX) {
		if (netdev_usable(dev))
			netdev_backlog_drops++;
		dev->stats.rx_dropped++;
		pkt_free(p);
		return;
	}
	p->dev = dev;
	p->next = NULL;
	if (backlog_tail)
		backlog_tail->next = p;
	else
		backlog_head = p;
	backlog_tail = p;
	backlog_len++;
	if (handling)
		return;
	handling = true;
	while (backlog_head) {
		struct pkt *q = backlog_head;

		backlog_head = q->next;
		if (!backlog_head)
			backlog_tail = NULL;
		backlog_len--;
		q->next = NULL;
		q->dev->stats.rx_packets++;
		q->dev->stats.rx_bytes += q->len;
		eth_rx(q->dev, q);
	}
	handling = false;
}
