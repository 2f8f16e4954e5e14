/*
 * A test pair of Ethernet devices joined back to back inside one kernel:
 * what one sends, the other receives.  They carry ARP and IPv4 between
 * two addresses of the same guest without any hypervisor device.
 */
#include "inet.h"
#include "kalloc.h"
#include "lib.h"

static int veth_xmit(struct netdev *dev, struct pkt *p)
{
	netdev_rx(dev->priv, p);
	return 0;
}

static const struct netdev_ops veth_ops = { .xmit = veth_xmit };

static struct netdev *veth_new(const char *name, uint8_t last)
{
	struct netdev *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	memcpy(d->name, name, MIN(strlen(name), (size_t)NETDEV_NAMSIZ - 1));
	/* Locally administered unicast MACs: 02:00:00:00:00:<n>. */
	d->mac[0] = 0x02;
	d->mac[5] = last;
	d->mtu = ETH_DATA_LEN;
	d->flags = NETDEV_IFF_BROADCAST | NETDEV_IFF_MULTICAST;
	d->carrier = true;
	d->ops = &veth_ops;
	return d;
}

/* Both ends, down and without addresses until configured; returns a. */
struct netdev *veth_pair_create(const char *a, const char *b)
{
	static uint8_t next_mac = 1;
	struct netdev *da = veth_new(a, next_mac++), *db = veth_new(b, next_mac++);

	if (!da || !db || netdev_register(da) || netdev_register(db))
		panic("cannot create veth pair %s/%s", a, b);
	da->priv = db;
	db->priv = da;
	return da;
}
