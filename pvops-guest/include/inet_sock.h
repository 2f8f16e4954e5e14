/*
 * AF_INET sockets: UDP (SOCK_DGRAM) and raw ICMP (SOCK_RAW, IPPROTO_ICMP,
 * what busybox ping opens).  Each keeps a bounded queue of received
 * datagrams; sending goes straight down the stack and never blocks.
 */
#ifndef GUEST_INET_SOCK_H
#define GUEST_INET_SOCK_H

#include "inet.h"

struct file;
struct file_ops;
struct k_iovec;

#define INET_DEFAULT_BUF 212992u    /* Linux's default SO_RCVBUF/SO_SNDBUF */
#define INET_MIN_RCVBUF  2304u
#define INET_MIN_SNDBUF  4608u
/* Charged per queued datagram on top of its bytes (Linux's skb truesize). */
#define INET_DGRAM_OVERHEAD 256u
#define UDP_MAX_PAYLOAD (IP_MAXPACKET - 20 - 8)

struct inet_sock {
	int type, protocol;
	uint32_t laddr, raddr;      /* bound / connected addresses */
	uint16_t lport, rport;      /* UDP ports; 0 = none */
	bool connected, broadcast, reuseaddr;
	int err;                    /* pending SO_ERROR (ECONNREFUSED) */
	struct pkt *rxq, *rxq_tail; /* data at the payload; saddr/sport set */
	unsigned int rx_used;       /* bytes charged against rcvbuf */
	unsigned int rcvbuf, sndbuf;
	struct inet_sock *next;     /* on udp_socks or raw_socks */
};

/* Where a send takes its bytes from or a receive puts them. */
struct inet_io {
	const struct k_iovec *iov;
	size_t niov;
	bool user;                  /* iov bases are user addresses */
};

/* inet_sock.c */
extern const struct file_ops inet_file_ops;
struct inet_sock *inet_sock_of(struct file *f);
struct file *inet_file_new(struct inet_sock *s, unsigned int flags);
void inet_queue_rx(struct inet_sock *s, struct pkt *p);
void inet_count_drop(const struct inet_sock *s);
long inet_recv(struct inet_sock *s, const struct inet_io *io, int flags, bool nonblock,
	       struct sockaddr_in *from, int *msg_flags);
long inet_getsockopt(struct inet_sock *s, int level, int name, uintptr_t val, uintptr_t lenp);
long inet_setsockopt(struct inet_sock *s, int level, int name, uintptr_t val, unsigned int len);

/* inet_io.c */
size_t inet_io_len(const struct inet_io *io);
int inet_io_gather(const struct inet_io *io, uint8_t *dst, size_t len);
int inet_io_scatter(const struct inet_io *io, const uint8_t *src, size_t len);

/* udp.c */
extern struct inet_sock *udp_socks;
int udp_bind(struct inet_sock *s, uint32_t addr, uint16_t port);
int udp_autobind(struct inet_sock *s);
long udp_send(struct inet_sock *s, const struct inet_io *io, uint32_t daddr, uint16_t dport);
void udp_unhash(struct inet_sock *s);

/* raw.c */
extern struct inet_sock *raw_socks;
long raw_send(struct inet_sock *s, const struct inet_io *io, uint32_t daddr);
void raw_unhash(struct inet_sock *s);

/* inet_sys.c: the socket system calls for AF_INET (from sys_socket.c). */
long inet_socket(int type, int protocol);
long inet_bind(struct inet_sock *s, uintptr_t uaddr, int len);
long inet_connect(struct inet_sock *s, uintptr_t uaddr, int len);
long inet_getname(struct inet_sock *s, uintptr_t uaddr, uintptr_t ulen, bool peer);
long inet_sendto(struct inet_sock *s, const struct inet_io *io, int flags, uintptr_t uaddr,
		 int alen);
long inet_recvfrom(struct inet_sock *s, bool nonblock, const struct inet_io *io, int flags,
		   uintptr_t uaddr, uintptr_t ulen, int *msg_flags);
long inet_msg(struct inet_sock *s, bool nonblock, uintptr_t umsg, int flags, bool send);
long inet_vector_io(struct inet_sock *s, bool nonblock, uintptr_t uiov, int cnt, bool send);

/* netdev_ioctl.c: SIOC* interface configuration. */
long netdev_ioctl(unsigned int cmd, uintptr_t arg);

#endif
