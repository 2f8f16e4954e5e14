/* lo: every frame sent is received again, 127.0.0.1/8, up from boot. */
#include "inet.h"
#include "lib.h"

/* Linux's loopback MTU: large datagrams need no fragmentation here. */
#define LOOPBACK_MTU 65536

static int loopback_xmit(struct netdev *dev, struct pkt *p)
{
	netdev_rx(dev, p);
	return 0;
}

static const struct netdev_ops loopback_ops = { .xmit = loopback_xmit };

static struct netdev loopback_dev = {
	.name = "lo",
	.mtu = LOOPBACK_MTU,
	.flags = NETDEV_IFF_UP | NETDEV_IFF_LOOPBACK | NETDEV_IFF_NOARP,
	.carrier = true,
	.ops = &loopback_ops,
};

void loopback_init(void)
{
	loopback_dev.addr = net32(0x7f000001);
	loopback_dev.netmask = net32(0xff000000);
	if (netdev_register(&loopback_dev))
		panic("cannot register lo");
}
