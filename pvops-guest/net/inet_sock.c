/*
 * AF_INET socket objects: their files, receive queues and options.  The
 * file holds the only reference; closing it unhashes the socket so no
 * more datagrams arrive, then frees what is queued.
 */
#include "inet_sock.h"
#include "kalloc.h"
#include "lib.h"
#include "net.h"
#include "proc.h"
#include "uaccess.h"

/* A datagram a socket could not take: counted per protocol. */
void inet_count_drop(const struct inet_sock *s)
{
	if (s->type == SOCK_DGRAM)
		inet_stats.udp_rcvbuf_errors++;
	else
		inet_stats.raw_rcvbuf_errors++;
}

/* Queues a received datagram, or drops it when the queue is full. */
void inet_queue_rx(struct inet_sock *s, struct pkt *p)
{
	/* Like Linux: full once the charge passes SO_RCVBUF, so one always fits. */
	if (s->rx_used > s->rcvbuf) {
		inet_count_drop(s);
		pkt_free(p);
		return;
	}
	p->next = NULL;
	if (s->rxq_tail)
		s->rxq_tail->next = p;
	else
		s->rxq = p;
	s->rxq_tail = p;
	s->rx_used += p->len + INET_DGRAM_OVERHEAD;
	wakeup(s);
}

/*
 * One datagram into io: the bytes that fit (the rest is lost, MSG_TRUNC
 * in msg_flags), or its whole length with MSG_TRUNC in flags.
 */
long inet_recv(struct inet_sock *s, const struct inet_io *io, int flags, bool nonblock,
	       struct sockaddr_in *from, int *msg_flags)
{
	size_t room = inet_io_len(io), n;
	struct pkt *p;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	nonblock |= flags & MSG_DONTWAIT;
	/* As in Linux, a pending error is reported before queued data. */
	for (;;) {
		if (s->err) {
			err = s->err;
			s->err = 0;
			return -err;
		}
		if (s->rxq)
			break;
		if (nonblock)
			return -EAGAIN;
		if (sleep_on(s))
			return -ERESTARTSYS;
	}
	p = s->rxq;
	n = MIN(room, p->len);
	err = inet_io_scatter(io, p->data, n);
	if (err)
		return err;
	*msg_flags = p->len > room ? MSG_TRUNC : 0;
	*from = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = p->sport,
				      .sin_addr = { p->saddr } };
	n = (flags & MSG_TRUNC) ? p->len : n;
	if (!(flags & MSG_PEEK)) {
		s->rxq = p->next;
		if (!s->rxq)
			s->rxq_tail = NULL;
		s->rx_used -= p->len + INET_DGRAM_OVERHEAD;
		pkt_free(p);
	}
	return n;
}

static ssize_t inet_file_read(struct file *f, char *buf, size_t n)
{
	struct k_iovec v = { (uintptr_t)buf, n };
	struct inet_io io = { &v, 1, false };
	struct sockaddr_in from;
	int mf;

	return inet_recv(f->priv, &io, 0, f->flags & O_NONBLOCK, &from, &mf);
}

static ssize_t inet_file_write(struct file *f, const char *buf, size_t n)
{
	struct k_iovec v = { (uintptr_t)buf, n };
	struct inet_io io = { &v, 1, false };

	return inet_sendto(f->priv, &io, 0, 0, 0);
}

static unsigned int inet_file_poll(struct file *f)
{
	struct inet_sock *s = f->priv;
	unsigned int m = POLLOUT | POLLWRNORM | POLLWRBAND;

	if (s->rxq)
		m |= POLLIN | POLLRDNORM;
	if (s->err)
		m |= POLLERR;
	return m;
}

static long inet_file_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct inet_sock *s = f->priv;
	int n;

	if (cmd != FIONREAD)
		return netdev_ioctl(cmd, arg);
	/* UDP reports the next datagram's size, as Linux does. */
	n = s->rxq ? (int)s->rxq->len : 0;
	return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static void inet_file_release(struct file *f)
{
	struct inet_sock *s = f->priv;

	if (s->type == SOCK_RAW)
		raw_unhash(s);
	else
		udp_unhash(s);
	while (s->rxq) {
		struct pkt *p = s->rxq;

		s->rxq = p->next;
		pkt_free(p);
	}
	kfree(s);
}

const struct file_ops inet_file_ops = {
	.read = inet_file_read,
	.write = inet_file_write,
	.ioctl = inet_file_ioctl,
	.poll = inet_file_poll,
	.release = inet_file_release,
};

struct file *inet_file_new(struct inet_sock *s, unsigned int flags)
{
	struct inode *ino = ramfs_new_inode(S_IFSOCK | 0777);
	struct file *f;

	if (!ino)
		return NULL;
	f = file_new(ino, O_RDWR | flags, &inet_file_ops);
	if (!f) {
		kfree(ino);
		return NULL;
	}
	f->priv = s;
	return f;
}

struct inet_sock *inet_sock_of(struct file *f)
{
	return f && f->ops == &inet_file_ops ? f->priv : NULL;
}

long inet_getsockopt(struct inet_sock *s, int level, int name, uintptr_t uval, uintptr_t ulen)
{
	int len, v;
	long rc;

	if ((rc = sockopt_len_from_user(ulen, &len)))
		return rc;
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_TYPE: v = s->type; break;
	case SO_DOMAIN: v = AF_INET; break;
	case SO_PROTOCOL: v = s->protocol; break;
	case SO_REUSEADDR: v = s->reuseaddr; break;
	case SO_BROADCAST: v = s->broadcast; break;
	case SO_SNDBUF: v = s->sndbuf; break;
	case SO_RCVBUF: v = s->rcvbuf; break;
	case SO_ERROR:
		v = s->err;
		s->err = 0;
		break;
	default:
		return -ENOPROTOOPT;
	}
	return sockopt_to_user(uval, ulen, len, &v, sizeof(v));
}

long inet_setsockopt(struct inet_sock *s, int level, int name, uintptr_t uval, unsigned int len)
{
	int v;
	long rc;

	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	if ((rc = sockopt_int_from_user(uval, len, &v)))
		return rc;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		return 0;
	case SO_BROADCAST:
		s->broadcast = v != 0;
		return 0;
	case SO_RCVBUF:
		/* Linux: capped at rmem_max, doubled for overhead, with a floor. */
		s->rcvbuf = MAX(MIN((unsigned int)v, INET_DEFAULT_BUF) * 2, INET_MIN_RCVBUF);
		return 0;
	case SO_SNDBUF:
		s->sndbuf = MAX(MIN((unsigned int)v, INET_DEFAULT_BUF) * 2, INET_MIN_SNDBUF);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
