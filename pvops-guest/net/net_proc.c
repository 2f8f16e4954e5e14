/*
 * /proc/net/dev, /proc/net/arp, /proc/net/route and /proc/net/snmp: the
 * device counters, the ARP cache, the routes and the protocol counters as
 * text, made afresh on each read (Linux's layouts for dev, arp and route,
 * which busybox ifconfig and route parse; snmp has our own field set).
 */
#include "fs.h"
#include "inet.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"

#define PROC_BUF 8192

static size_t put(char *b, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static size_t put(char *b, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (at >= PROC_BUF)
		return at;
	va_start(ap, fmt);
	n = vsnprintf(b + at, PROC_BUF - at, fmt, ap);
	va_end(ap);
	return MIN(at + (size_t)n, (size_t)PROC_BUF - 1);
}

static size_t gen_dev(char *b)
{
	size_t n = put(b, 0, "Inter-|   Receive                                                |"
		       "  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|"
		       "bytes    packets errs drop fifo colls carrier compressed\n");

	for (struct netdev *d = netdev_list; d; d = d->next) {
		const struct netdev_stats *s = &d->stats;

		n = put(b, n, "%6s: %7llu %7llu %4llu %4llu    0     0          0         0 "
			"%8llu %7llu %4llu %4llu    0     0       0          0\n", d->name,
			(unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
			(unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped,
			(unsigned long long)s->tx_bytes, (unsigned long long)s->tx_packets,
			(unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped);
	}
	return n;
}

static size_t gen_arp(char *b)
{
	size_t n = put(b, 0, "IP address       HW type     Flags       HW address            Mask     Device\n");

	for (unsigned int i = 0; i < ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &arp_table.e[i];
		uint32_t a = net32(e->ip);
		char ip[16], mac[18];

		if (e->state == ARP_FREE)
			continue;
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1],
			 e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
		n = put(b, n, "%-16s 0x1         0x%-10x%-17s     *        %s\n", ip,
			e->state == ARP_INCOMPLETE ? 0 : 2, mac, e->dev->name);
	}
	return n;
}

/* Addresses in hex as stored (network order), padded to 127 columns. */
static size_t route_line(char *b, size_t n, const char *dev, uint32_t dst, uint32_t gw,
			 unsigned int flags, uint32_t mask)
{
	size_t start = n;

	n = put(b, n, "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", dev, dst, gw, flags, mask);
	return put(b, n, "%*s\n", (int)(127 - MIN(n - start, (size_t)127)), "");
}

#define RTF_UP      0x1
#define RTF_GATEWAY 0x2

static size_t gen_route(char *b)
{
	struct route r;
	size_t n = put(b, 0, "%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\t"
		       "Metric\tMask\t\tMTU\tWindow\tIRTT");

	if (route_gateway && !route_lookup(route_gateway, &r))
		n = route_line(b, n, r.dev->name, 0, route_gateway, RTF_UP | RTF_GATEWAY, 0);
	for (struct netdev *d = netdev_list; d; d = d->next)
		if (netdev_usable(d) && d->addr && !(d->flags & NETDEV_IFF_LOOPBACK))
			n = route_line(b, n, d->name, d->addr & d->netmask, 0, RTF_UP, d->netmask);
	return n;
}

#define U(x) (unsigned long long)(x)

static size_t gen_snmp(char *b)
{
	const struct inet_stats *s = &inet_stats;
	size_t n;

	n = put(b, 0, "Ip: InReceives InHdrErrors InAddrErrors InUnknownProtos InDelivers "
		"OutRequests OutNoRoutes FragDrops\nIp: %llu %llu %llu %llu %llu %llu %llu %llu\n",
		U(s->ip_in_receives), U(s->ip_in_hdr_errors), U(s->ip_in_addr_errors),
		U(s->ip_in_unknown_protos), U(s->ip_in_delivers), U(s->ip_out_requests),
		U(s->ip_out_no_routes), U(s->ip_frag_drops));
	n = put(b, n, "Icmp: InMsgs InErrors InEchos OutMsgs OutEchoReps OutDestUnreachs\n"
		"Icmp: %llu %llu %llu %llu %llu %llu\n", U(s->icmp_in_msgs), U(s->icmp_in_errors),
		U(s->icmp_in_echos), U(s->icmp_out_msgs), U(s->icmp_out_echo_reps),
		U(s->icmp_out_dest_unreachs));
	n = put(b, n, "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors\n"
		"Udp: %llu %llu %llu %llu %llu\n", U(s->udp_in_datagrams), U(s->udp_no_ports),
		U(s->udp_in_errors), U(s->udp_out_datagrams), U(s->udp_rcvbuf_errors));
	n = put(b, n, "Raw: RcvbufErrors\nRaw: %llu\n", U(s->raw_rcvbuf_errors));
	n = put(b, n, "Arp: InRequests InReplies OutRequests OutReplies PendingDrops Bad\n"
		"Arp: %llu %llu %llu %llu %llu %llu\n", U(s->arp_requests_in), U(s->arp_replies_in),
		U(s->arp_requests_out), U(s->arp_replies_out), U(s->arp_pending_drops),
		U(s->arp_bad));
	n = put(b, n, "Eth: Bad BacklogDrops\nEth: %llu %llu\n", U(s->eth_bad),
		U(netdev_backlog_drops));
	return n;
}

static ssize_t proc_read(struct file *f, char *buf, size_t len, size_t (*gen)(char *))
{
	char *b = kmalloc(PROC_BUF);
	size_t n;

	if (!b)
		return -ENOMEM;
	n = gen(b);
	n = f->off < n ? MIN(len, n - f->off) : 0;
	memcpy(buf, b + f->off, n);
	f->off += n;
	kfree(b);
	return n;
}

static ssize_t dev_read(struct file *f, char *buf, size_t n) { return proc_read(f, buf, n, gen_dev); }
static ssize_t arp_read(struct file *f, char *buf, size_t n) { return proc_read(f, buf, n, gen_arp); }
static ssize_t snmp_read(struct file *f, char *buf, size_t n) { return proc_read(f, buf, n, gen_snmp); }
static ssize_t route_read(struct file *f, char *buf, size_t n) { return proc_read(f, buf, n, gen_route); }

static const struct file_ops dev_ops = { .read = dev_read };
static const struct file_ops arp_ops = { .read = arp_read };
static const struct file_ops snmp_ops = { .read = snmp_read };
static const struct file_ops route_ops = { .read = route_read };

static struct inode *mkdir_once(struct inode *dir, const char *name)
{
	struct inode *d = ramfs_lookup(dir, name, strlen(name));

	if (!d && ramfs_create(dir, name, S_IFDIR | 0555, &d))
		panic("cannot create %s", name);
	return d;
}

static void proc_file(struct inode *dir, const char *name, const struct file_ops *ops)
{
	struct inode *ino;

	if (ramfs_create(dir, name, S_IFREG | 0444, &ino))
		panic("cannot create /proc/net/%s", name);
	ino->fops = ops;
}

void net_procfs_init(void)
{
	struct inode *net = mkdir_once(mkdir_once(fs_root, "proc"), "net");

	proc_file(net, "dev", &dev_ops);
	proc_file(net, "arp", &arp_ops);
	proc_file(net, "snmp", &snmp_ops);
	proc_file(net, "route", &route_ops);
}
