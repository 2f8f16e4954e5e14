/*
 * Interface configuration through the socket ioctls busybox ifconfig and
 * route use (SIOCGIFCONF, SIOC[GS]IF{ADDR,NETMASK,FLAGS}, SIOCGIFHWADDR,
 * SIOCADDRT for the default route...).  struct ifreq and struct rtentry
 * are libc's (net/if.h, net/route.h), so their layouts are spelt here.
 */
#include "inet_sock.h"
#include "lib.h"
#include "uaccess.h"
#include <linux/sockios.h>

#define RTF_GATEWAY     0x2     /* net/route.h */

#define ARPHRD_ETHER    1
#define ARPHRD_LOOPBACK 772
#define TX_QUEUE_LEN    1000

struct k_sockaddr {
	uint16_t family;
	uint8_t data[14];
};

struct k_ifreq {
	char name[NETDEV_NAMSIZ];
	union {
		struct k_sockaddr addr;
		struct sockaddr_in sin;
		int16_t flags;
		int32_t ivalue;             /* mtu, metric, index, qlen */
		uint8_t map[24];
	};
};

struct k_ifconf {
	int32_t len;
	uint64_t buf;
};

struct k_rtentry {
	uint64_t pad1;
	struct sockaddr_in dst, gateway, genmask;
	uint16_t flags;
	int16_t pad2;
	uint64_t pad3, pad4;
	int16_t metric;
	uint64_t dev;
	uint64_t mtu, window;
	uint16_t irtt;
};

/* Linux's default mask for an address set without one: by its class. */
static uint32_t classful_mask(uint32_t addr)
{
	uint32_t a = net32(addr);

	if (!(a & 0x80000000))
		return net32(0xff000000);
	if (!(a & 0x40000000))
		return net32(0xffff0000);
	return net32(0xffffff00);
}

static long ifconf(uintptr_t arg)
{
	struct k_ifconf c;
	int32_t used = 0;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	for (struct netdev *d = netdev_list; d; d = d->next) {
		struct k_ifreq r = { 0 };

		if (!d->addr || !(d->flags & NETDEV_IFF_UP))
			continue;
		if (c.buf) {
			if (used + (int32_t)sizeof(r) > c.len)
				break;
			memcpy(r.name, d->name, NETDEV_NAMSIZ);
			r.sin = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = { d->addr } };
			if (copy_to_user(c.buf + used, &r, sizeof(r)))
				return -EFAULT;
		}
		used += sizeof(r);
	}
	return copy_to_user(arg, &used, sizeof(used)) ? -EFAULT : 0;
}

static int set_flags(struct netdev *d, int16_t flags)
{
	bool up = flags & NETDEV_IFF_UP;

	if (!up && (d->flags & NETDEV_IFF_UP))
		arp_dev_down(d);
	d->flags = up ? d->flags | NETDEV_IFF_UP : d->flags & ~NETDEV_IFF_UP;
	return 0;
}

/* SIOCADDRT/SIOCDELRT: only the default route (through a gateway). */
static long route_ioctl(unsigned int cmd, uintptr_t arg)
{
	struct k_rtentry rt;
	struct route r;

	if (copy_from_user(&rt, arg, sizeof(rt)))
		return -EFAULT;
	if (rt.dst.sin_family != AF_INET || rt.dst.sin_addr.s_addr || rt.genmask.sin_addr.s_addr)
		return -EOPNOTSUPP;
	if (cmd == SIOCDELRT) {
		if (!route_gateway)
			return -ESRCH;
		route_gateway = 0;
		return 0;
	}
	if (!(rt.flags & RTF_GATEWAY) || rt.gateway.sin_family != AF_INET)
		return -EINVAL;
	if (route_gateway)
		return -EEXIST;
	/* The gateway must be on a connected subnet. */
	if (route_lookup(rt.gateway.sin_addr.s_addr, &r) || r.nexthop != rt.gateway.sin_addr.s_addr ||
	    (r.dev->flags & NETDEV_IFF_LOOPBACK))
		return -ENETUNREACH;
	route_gateway = rt.gateway.sin_addr.s_addr;
	return 0;
}

static long ifreq_get(struct netdev *d, unsigned int cmd, struct k_ifreq *r)
{
	switch (cmd) {
	case SIOCGIFFLAGS:
		r->flags = d->flags | (netdev_usable(d) ? NETDEV_IFF_RUNNING : 0);
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		if (!d->addr)
			return -EADDRNOTAVAIL;
		r->sin = (struct sockaddr_in){ .sin_family = AF_INET };
		r->sin.sin_addr.s_addr = cmd == SIOCGIFADDR ? d->addr :
					 cmd == SIOCGIFNETMASK ? d->netmask : d->addr | ~d->netmask;
		return 0;
	case SIOCGIFHWADDR:
		r->addr.family = (d->flags & NETDEV_IFF_LOOPBACK) ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memset(r->addr.data, 0, sizeof(r->addr.data));
		memcpy(r->addr.data, d->mac, ETH_ALEN);
		return 0;
	case SIOCGIFMTU:
		r->ivalue = d->mtu;
		return 0;
	case SIOCGIFMETRIC:
		r->ivalue = 0;
		return 0;
	case SIOCGIFINDEX:
		r->ivalue = d->ifindex;
		return 0;
	case SIOCGIFTXQLEN:
		r->ivalue = TX_QUEUE_LEN;
		return 0;
	case SIOCGIFMAP:
		memset(r->map, 0, sizeof(r->map));
		return 0;
	default:
		return -ENOTTY;
	}
}

static long ifreq_set(struct netdev *d, unsigned int cmd, const struct k_ifreq *r)
{
	uint32_t a = r->sin.sin_addr.s_addr;

	switch (cmd) {
	case SIOCSIFFLAGS:
		return set_flags(d, r->flags);
	case SIOCSIFADDR:
		if (r->sin.sin_family != AF_INET)
			return -EINVAL;
		if (d->flags & NETDEV_IFF_LOOPBACK)
			return -EPERM;        /* lo keeps 127.0.0.1/8 */
		if (d->addr != a)
			arp_dev_down(d);
		d->addr = a;
		d->netmask = a ? classful_mask(a) : 0;
		return 0;
	case SIOCSIFNETMASK:
		if (r->sin.sin_family != AF_INET || !d->addr)
			return -EADDRNOTAVAIL;
		/* A mask is ones then zeros. */
		if (~net32(a) & (~net32(a) + 1))
			return -EINVAL;
		d->netmask = a;
		return 0;
	default:
		return -ENOTTY;
	}
}

long netdev_ioctl(unsigned int cmd, uintptr_t arg)
{
	struct k_ifreq r;
	struct netdev *d;
	long err;

	if (cmd == SIOCGIFCONF)
		return ifconf(arg);
	if (cmd == SIOCADDRT || cmd == SIOCDELRT)
		return route_ioctl(cmd, arg);
	if (cmd < SIOCGIFNAME || cmd > SIOCGIFMAP)
		return -ENOTTY;
	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (cmd == SIOCGIFNAME) {
		d = netdev_by_index(r.ivalue);
		if (!d)
			return -ENODEV;
		memcpy(r.name, d->name, NETDEV_NAMSIZ);
		return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
	}
	r.name[NETDEV_NAMSIZ - 1] = '\0';
	d = netdev_by_name(r.name);
	if (!d)
		return -ENODEV;
	err = ifreq_set(d, cmd, &r);
	if (err != -ENOTTY)
		return err;
	err = ifreq_get(d, cmd, &r);
	if (err)
		return err;
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}
