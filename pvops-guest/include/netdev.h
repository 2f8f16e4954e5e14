/*
 * Network devices and the packets they carry.  A driver fills in a
 * struct netdev (name, MAC, MTU, ops->xmit), registers it, delivers
 * received Ethernet frames with netdev_rx() and reports carrier changes
 * with netdev_set_link().  Everything above (eth.c, arp.c, ipv4.c...)
 * sees only this interface.
 */
#ifndef GUEST_NETDEV_H
#define GUEST_NETDEV_H

#include "kernel.h"
#include <linux/errno.h>

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_P_IP      0x0800
#define ETH_P_ARP     0x0806
#define NETDEV_NAMSIZ 16
#define ETH_DATA_LEN  1500

/*
 * A packet: one kmalloc'd buffer with headroom so each layer can prepend
 * its header in place.  data/len is the current layer's view.
 */
#define PKT_HEADROOM 64

struct netdev;

struct pkt {
	struct pkt *next;           /* queue link (backlog, ARP pending, socket) */
	uint8_t *data;
	size_t len;
	struct netdev *dev;         /* receiving device */
	/* Set by the IPv4 input path for the sockets above it. */
	uint32_t saddr, daddr;      /* network byte order */
	uint16_t sport;             /* network byte order; 0 for ICMP */
	uint8_t *nh;                /* the IPv4 header, once parsed */
	uint8_t buf[];
};

struct pkt *pkt_alloc(size_t len);  /* len bytes of data after PKT_HEADROOM */
struct pkt *pkt_copy(const struct pkt *p);
void pkt_free(struct pkt *p);
uint8_t *pkt_push(struct pkt *p, size_t n);
uint8_t *pkt_pull(struct pkt *p, size_t n); /* NULL when shorter than n */

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
};

struct netdev_ops {
	/* Sends one Ethernet frame; the driver owns p from here on. */
	int (*xmit)(struct netdev *dev, struct pkt *p);
};

/* flags: the Linux IFF_* bits (net/if.h values). */
#define NETDEV_IFF_UP          0x1
#define NETDEV_IFF_BROADCAST   0x2
#define NETDEV_IFF_LOOPBACK    0x8
#define NETDEV_IFF_RUNNING     0x40
#define NETDEV_IFF_NOARP       0x80
#define NETDEV_IFF_MULTICAST   0x1000

struct netdev {
	char name[NETDEV_NAMSIZ];
	int ifindex;
	uint8_t mac[ETH_ALEN];
	unsigned int mtu;           /* largest IPv4 packet it carries */
	unsigned int flags;         /* NETDEV_IFF_* as configured (UP) and by type */
	bool carrier;               /* link up (RUNNING) */
	uint32_t addr, netmask;     /* IPv4, network byte order; 0 = none */
	const struct netdev_ops *ops;
	void *priv;
	struct netdev_stats stats;
	struct netdev *next;
};

extern struct netdev *netdev_list;

int netdev_register(struct netdev *dev);
void netdev_rx(struct netdev *dev, struct pkt *p);
void netdev_set_link(struct netdev *dev, bool up);
int netdev_xmit(struct netdev *dev, struct pkt *p);
struct netdev *netdev_by_name(const char *name);
struct netdev *netdev_by_index(int ifindex);
bool netdev_usable(const struct netdev *dev);   /* up and carrier */

/* The receive backlog's own drops (frames arriving faster than handled). */
extern uint64_t netdev_backlog_drops;

/* Drivers that need no hypervisor. */
void loopback_init(void);
struct netdev *veth_pair_create(const char *a, const char *b);

#endif
