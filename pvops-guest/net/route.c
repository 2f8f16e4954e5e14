/*
 * Routing: connected subnets of the devices that are up, then the
 * default gateway.  A local address goes through lo, except that when
 * another device's subnet holds it (the veth test pair: two ends of one
 * wire in one kernel), it goes out through that device, so traffic
 * between the pair's addresses really crosses the pair.
 */
#include "inet.h"

uint32_t route_gateway;

static bool on_subnet(const struct netdev *d, uint32_t addr)
{
	return d->addr && ((d->addr ^ addr) & d->netmask) == 0;
}

bool inet_addr_local(uint32_t addr)
{
	if ((net32(addr) >> 24) == 127)
		return true;
	for (struct netdev *d = netdev_list; d && addr; d = d->next)
		if (d->addr == addr && (d->flags & NETDEV_IFF_UP))
			return true;
	return false;
}

/* The limited broadcast or an up device's subnet broadcast. */
bool inet_addr_broadcast(uint32_t addr)
{
	if (addr == INADDR_BROADCAST)
		return true;
	for (struct netdev *d = netdev_list; d; d = d->next)
		if ((d->flags & NETDEV_IFF_UP) && (d->flags & NETDEV_IFF_BROADCAST) && d->addr &&
		    d->netmask != INADDR_BROADCAST && addr == (d->addr | ~d->netmask))
			return true;
	return false;
}

static struct netdev *loopback(void)
{
	for (struct netdev *d = netdev_list; d; d = d->next)
		if (d->flags & NETDEV_IFF_LOOPBACK)
			return d;
	return NULL;
}

/* Fills r for daddr: -ENETUNREACH when no up device reaches it. */
int route_lookup(uint32_t daddr, struct route *r)
{
	bool local = inet_addr_local(daddr);
	struct netdev *lo = loopback();

	*r = (struct route){ .nexthop = daddr, .broadcast = inet_addr_broadcast(daddr) };
	if ((net32(daddr) >> 24) == 127) {
		r->dev = lo;
		r->src = net32(0x7f000001);
	}
	for (struct netdev *d = netdev_list; d && !r->dev; d = d->next) {
		if (!netdev_usable(d) || (d->flags & NETDEV_IFF_LOOPBACK))
			continue;
		if (on_subnet(d, daddr) && d->addr != daddr) {
			r->dev = d;
			r->src = d->addr;
		} else if (daddr == INADDR_BROADCAST && d->addr) {
			r->dev = d;
			r->src = d->addr;
		}
	}
	if (!r->dev && local) {
		r->dev = lo;
		r->src = daddr;
	}
	for (struct netdev *d = netdev_list; d && !r->dev && route_gateway; d = d->next) {
		if (netdev_usable(d) && !(d->flags & NETDEV_IFF_LOOPBACK) && on_subnet(d, route_gateway)) {
			r->dev = d;
			r->src = d->addr;
			r->nexthop = route_gateway;
		}
	}
	if (!r->dev || !netdev_usable(r->dev)) {
		inet_stats.ip_out_no_routes++;
		return -ENETUNREACH;
	}
	return 0;
}
