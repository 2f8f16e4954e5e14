/*
 * IPv4 over Ethernet: ARP, IPv4, ICMP, UDP and the AF_INET sockets.
 * Addresses and ports are kept in network byte order throughout.
 */
#ifndef GUEST_INET_H
#define GUEST_INET_H

#include "netdev.h"
#include <linux/in.h>

#define AF_UNSPEC       0
#define AF_INET         2
#define SOCK_DGRAM      2
#define SOCK_RAW        3

static inline uint16_t net16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t net32(uint32_t v) { return __builtin_bswap32(v); }

struct eth_hdr {
	uint8_t dst[ETH_ALEN], src[ETH_ALEN];
	uint16_t type;
} __attribute__((packed));

struct ipv4_hdr {
	uint8_t ver_ihl, tos;
	uint16_t tot_len, id, frag_off;
	uint8_t ttl, protocol;
	uint16_t check;
	uint32_t saddr, daddr;
} __attribute__((packed));

#define IP_MF      0x2000
#define IP_OFFMASK 0x1fff
#define IP_TTL_DEFAULT 64
#define IP_MAXPACKET 65535

struct udp_hdr {
	uint16_t sport, dport, len, check;
} __attribute__((packed));

struct icmp_hdr {
	uint8_t type, code;
	uint16_t check;
	uint16_t id, seq;           /* echo; unused for errors */
} __attribute__((packed));

#define ICMP_ECHOREPLY   0
#define ICMP_DEST_UNREACH 3
#define ICMP_PORT_UNREACH 3
#define ICMP_ECHO        8

/* Internet checksum (inet_csum.c): pure. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
uint16_t csum_fold(uint32_t sum);
uint16_t inet_csum(const void *data, size_t len);
uint32_t csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len);

/* IPv4 header checks (ipv4_hdr.c): pure. */
enum ip_verdict {
	IP_OK, IP_TRUNCATED, IP_BAD_VERSION, IP_BAD_IHL, IP_BAD_LENGTH, IP_BAD_CSUM, IP_FRAGMENT,
};
enum ip_verdict ipv4_hdr_check(const uint8_t *data, size_t len);
void ipv4_hdr_fill(struct ipv4_hdr *h, uint32_t saddr, uint32_t daddr, uint8_t proto,
		   uint16_t tot_len, uint16_t id);

/* The ARP cache (arp_cache.c): pure, time passed in. */
#define ARP_CACHE_SIZE   32
#define ARP_PENDING_MAX  8          /* packets held per unresolved address */
#define ARP_REACHABLE_NS (60ull * 1000000000)
#define ARP_RETRY_NS     (1ull * 1000000000)
#define ARP_MAX_TRIES    3

/*
 * REACHABLE turns STALE after ARP_REACHABLE_NS: still used, as Linux
 * does, while a request re-checks it; ARP_MAX_TRIES unanswered requests
 * drop it.
 */
enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_REACHABLE, ARP_STALE };

struct arp_entry {
	enum arp_state state;
	struct netdev *dev;
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	uint64_t stamp;             /* REACHABLE: confirmed; else the last request */
	unsigned int tries;         /* requests sent since the last answer */
	struct pkt *pending;        /* INCOMPLETE: frames waiting, oldest first */
	unsigned int npending;
};

struct arp_cache {
	struct arp_entry e[ARP_CACHE_SIZE];
};

struct arp_entry *arp_cache_find(struct arp_cache *c, struct netdev *dev, uint32_t ip,
				 uint64_t now);
struct arp_entry *arp_cache_new(struct arp_cache *c, struct netdev *dev, uint32_t ip,
				uint64_t now);
void arp_cache_flush_pending(struct arp_entry *e, uint64_t *dropped);
void arp_cache_remove(struct arp_entry *e, uint64_t *dropped);

/* Protocol counters: /proc/net/snmp's fields that mean something here. */
struct inet_stats {
	uint64_t ip_in_receives, ip_in_hdr_errors, ip_in_addr_errors, ip_in_delivers,
		ip_in_unknown_protos, ip_frag_drops, ip_out_requests, ip_out_no_routes;
	uint64_t icmp_in_msgs, icmp_in_errors, icmp_in_echos, icmp_out_msgs,
		icmp_out_echo_reps, icmp_out_dest_unreachs;
	uint64_t udp_in_datagrams, udp_no_ports, udp_in_errors, udp_out_datagrams,
		udp_rcvbuf_errors;
	uint64_t raw_rcvbuf_errors;
	uint64_t arp_requests_in, arp_replies_in, arp_requests_out, arp_replies_out,
		arp_pending_drops, arp_bad;
	uint64_t eth_bad;           /* short or not for us */
};
extern struct inet_stats inet_stats;

/* eth.c */
void eth_rx(struct netdev *dev, struct pkt *p);
int eth_output(struct netdev *dev, struct pkt *p, const uint8_t *dst, uint16_t type);

/* arp.c */
extern struct arp_cache arp_table;
void arp_rx(struct netdev *dev, struct pkt *p);
int arp_output(struct netdev *dev, struct pkt *p, uint32_t nexthop);
void arp_dev_down(struct netdev *dev);

/* route.c */
struct route {
	struct netdev *dev;
	uint32_t nexthop;
	uint32_t src;               /* the preferred source address */
	bool broadcast;
};
extern uint32_t route_gateway;   /* default route, 0 = none */
int route_lookup(uint32_t daddr, struct route *r);
bool inet_addr_local(uint32_t addr);
bool inet_addr_broadcast(uint32_t addr);

/* ipv4.c */
void ipv4_rx(struct netdev *dev, struct pkt *p);
int ipv4_output(struct pkt *p, uint32_t saddr, uint32_t daddr, uint8_t proto,
		const struct route *r);
int ipv4_send(struct pkt *p, uint32_t saddr, uint32_t daddr, uint8_t proto);
size_t ipv4_max_payload(const struct route *r);

/* icmp.c */
void icmp_rx(struct pkt *p);
void icmp_send_port_unreach(const struct pkt *orig);

/* udp.c and raw.c: delivery to sockets. */
void udp_rx(struct pkt *p);
void udp_err(uint32_t daddr, uint16_t dport, uint32_t saddr, uint16_t sport, int err);
void raw_rx(const struct pkt *p);

void net_init(void);
void net_procfs_init(void);

#endif
