/*
 * The socket system calls for AF_INET, reached from sys_socket.c: user
 * addresses are checked here as Linux checks them (same order, same
 * errno), then handed to udp.c or raw.c.
 */
#include "inet_sock.h"
#include "kalloc.h"
#include "lib.h"
#include "net.h"
#include "syscalls.h"
#include "uaccess.h"

/*
 * SOCK_DGRAM is UDP; SOCK_RAW is ICMP only.  TCP is not implemented:
 * SOCK_STREAM (and other types) fail with ESOCKTNOSUPPORT.  Ping sockets
 * (SOCK_DGRAM, IPPROTO_ICMP) are not implemented: EPROTONOSUPPORT.
 */
long inet_socket(int type, int protocol)
{
	struct inet_sock *s;
	struct file *f;
	int kind = type & SOCK_TYPE_MASK;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (kind == SOCK_DGRAM) {
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		protocol = IPPROTO_UDP;
	} else if (kind == SOCK_RAW) {
		if (protocol != IPPROTO_ICMP)
			return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = kind;
	s->protocol = protocol;
	s->rcvbuf = s->sndbuf = INET_DEFAULT_BUF;
	f = inet_file_new(s, type & SOCK_NONBLOCK);
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	if (kind == SOCK_RAW) {
		s->next = raw_socks;
		raw_socks = s;
	}
	return fd_install(f, 0, type & SOCK_CLOEXEC);
}

/* A user sockaddr_in of len bytes: -EINVAL short, family checked by the caller. */
static int sin_from_user(uintptr_t uaddr, int len, struct sockaddr_in *sin)
{
	if (len < (int)sizeof(*sin))
		return -EINVAL;
	return copy_from_user(sin, uaddr, sizeof(*sin)) ? -EFAULT : 0;
}

long inet_bind(struct inet_sock *s, uintptr_t uaddr, int len)
{
	struct sockaddr_in sin;
	int err = sin_from_user(uaddr, len, &sin);
	uint32_t a;

	if (err)
		return err;
	a = sin.sin_addr.s_addr;
	/* Linux takes AF_UNSPEC with INADDR_ANY for old programs. */
	if (sin.sin_family != AF_INET && (sin.sin_family != AF_UNSPEC || a != INADDR_ANY))
		return -EAFNOSUPPORT;
	if (a != INADDR_ANY && !inet_addr_local(a) && !inet_addr_broadcast(a))
		return -EADDRNOTAVAIL;
	if (s->type == SOCK_RAW) {
		s->laddr = a;
		return 0;
	}
	return udp_bind(s, a, sin.sin_port);
}

long inet_connect(struct inet_sock *s, uintptr_t uaddr, int len)
{
	struct sockaddr_in sin;
	struct route r;
	int err;

	if (len < (int)sizeof(sin.sin_family))
		return -EINVAL;
	if (copy_from_user(&sin.sin_family, uaddr, sizeof(sin.sin_family)))
		return -EFAULT;
	if (sin.sin_family == AF_UNSPEC) {
		s->connected = false;
		s->raddr = 0;
		s->rport = 0;
		return 0;
	}
	err = sin_from_user(uaddr, len, &sin);
	if (err)
		return err;
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	err = route_lookup(sin.sin_addr.s_addr, &r);
	if (err)
		return err;
	if (r.broadcast && !s->broadcast)
		return -EACCES;
	if (s->type == SOCK_DGRAM && (err = udp_autobind(s)))
		return err;
	/* The source is fixed now, so getsockname shows it. */
	if (!s->laddr)
		s->laddr = r.src;
	s->raddr = sin.sin_addr.s_addr;
	s->rport = sin.sin_port;
	s->connected = true;
	return 0;
}

/* Writes sin and its full size; a short buffer gets a prefix. */
static int sin_to_user(const struct sockaddr_in *sin, uintptr_t uaddr, uintptr_t ulen)
{
	int len, full = sizeof(*sin);

	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (copy_to_user(uaddr, sin, MIN(len, full)) || copy_to_user(ulen, &full, sizeof(full)))
		return -EFAULT;
	return 0;
}

long inet_getname(struct inet_sock *s, uintptr_t uaddr, uintptr_t ulen, bool peer)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (peer) {
		if (!s->connected)
			return -ENOTCONN;
		sin.sin_addr.s_addr = s->raddr;
		sin.sin_port = s->rport;
	} else {
		sin.sin_addr.s_addr = s->laddr;
		sin.sin_port = s->lport;
	}
	return sin_to_user(&sin, uaddr, ulen);
}

long inet_sendto(struct inet_sock *s, const struct inet_io *io, int flags, uintptr_t uaddr,
		 int alen)
{
	struct sockaddr_in sin;
	uint32_t daddr;
	uint16_t dport;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (uaddr) {
		err = sin_from_user(uaddr, alen, &sin);
		if (err)
			return err;
		if (sin.sin_family != AF_INET && sin.sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;
		daddr = sin.sin_addr.s_addr;
		dport = sin.sin_port;
		if (s->type == SOCK_DGRAM && !dport)
			return -EINVAL;
	} else {
		if (!s->connected)
			return -EDESTADDRREQ;
		daddr = s->raddr;
		dport = s->rport;
	}
	/* An ICMP error on a connected socket fails the next call, send too. */
	if (s->err) {
		err = s->err;
		s->err = 0;
		return -err;
	}
	return s->type == SOCK_RAW ? raw_send(s, io, daddr) : udp_send(s, io, daddr, dport);
}

long inet_recvfrom(struct inet_sock *s, bool nonblock, const struct inet_io *io, int flags,
		   uintptr_t uaddr, uintptr_t ulen, int *msg_flags)
{
	struct sockaddr_in from;
	long r = inet_recv(s, io, flags, nonblock, &from, msg_flags);

	if (r >= 0 && uaddr) {
		int err = sin_to_user(&from, uaddr, ulen);

		if (err)
			return err;
	}
	return r;
}

/* The user's iovec array, copied in (kfree it); NULL on a fault or no memory. */
static struct k_iovec *iov_in(uintptr_t uiov, size_t n, long *err)
{
	struct k_iovec *iov = kmalloc(MAX(n, (size_t)1) * sizeof(*iov));

	*err = -ENOMEM;
	if (iov && copy_from_user(iov, uiov, n * sizeof(*iov))) {
		kfree(iov);
		*err = -EFAULT;
		return NULL;
	}
	return iov;
}

/* sendmsg/recvmsg: the iovecs copied in, the name and flags copied out. */
long inet_msg(struct inet_sock *s, bool nonblock, uintptr_t umsg, int flags, bool send)
{
	struct k_msghdr m;
	struct k_iovec *iov;
	struct inet_io io;
	int mf = 0;
	long r;

	if (copy_from_user(&m, umsg, sizeof(m)))
		return -EFAULT;
	if (m.iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	/* Ancillary data (IP_PKTINFO...) is not supported. */
	if (send && m.controllen)
		return -EOPNOTSUPP;
	iov = iov_in(m.iov, m.iovlen, &r);
	if (!iov)
		return r;
	io = (struct inet_io){ iov, m.iovlen, true };
	if (send)
		r = inet_sendto(s, &io, flags, m.namelen ? m.name : 0, m.namelen);
	else
		r = inet_recvfrom(s, nonblock, &io, flags, m.name,
				  umsg + offsetof(struct k_msghdr, namelen), &mf);
	kfree(iov);
	if (r >= 0 && !send &&
	    (copy_to_user(umsg + offsetof(struct k_msghdr, controllen), &(uint64_t){ 0 }, 8) ||
	     copy_to_user(umsg + offsetof(struct k_msghdr, flags), &mf, sizeof(mf))))
		return -EFAULT;
	return r;
}

/* readv/writev: one datagram, gathered from or scattered to the iovecs. */
long inet_vector_io(struct inet_sock *s, bool nonblock, uintptr_t uiov, int cnt, bool send)
{
	struct k_iovec *iov;
	struct inet_io io;
	int mf;
	long r;

	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	iov = iov_in(uiov, cnt, &r);
	if (!iov)
		return r;
	io = (struct inet_io){ iov, (size_t)cnt, true };
	if (!send && !inet_io_len(&io))
		r = 0;                      /* takes no datagram, as read(fd, buf, 0) */
	else
		r = send ? inet_sendto(s, &io, 0, 0, 0)
			 : inet_recvfrom(s, nonblock, &io, 0, 0, 0, &mf);
	kfree(iov);
	return r;
}
