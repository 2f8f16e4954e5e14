/*
 * The socket system calls: argument checks, user-memory copies and
 * descriptors around the AF_UNIX core (unix_*.c).  AF_INET sockets go
 * to inet_sys.c.
 */
#include "inet_sock.h"
#include "kalloc.h"
#include "lib.h"
#include "net.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

#define IO_CHUNK 4096

/* The AF_INET socket behind fd, or NULL (then the AF_UNIX path decides). */
static struct inet_sock *inet_get(int fd, bool *nonblock)
{
	struct file *f = fd_get(fd);
	struct inet_sock *s = inet_sock_of(f);

	if (s && nonblock)
		*nonblock = f->flags & O_NONBLOCK;
	return s;
}

/* The socket behind fd: -EBADF or -ENOTSOCK otherwise. */
static int sock_get(int fd, struct unix_sock **s, struct file **fp)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	*s = unix_sock_of(f);
	if (!*s)
		return -ENOTSOCK;
	if (fp)
		*fp = f;
	return 0;
}

static int check_socket_args(int domain, int type, int protocol)
{
	if (domain != AF_UNIX)
		return -EAFNOSUPPORT;
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	/* SOCK_DGRAM, SOCK_SEQPACKET (and the rest) are not implemented. */
	return (type & SOCK_TYPE_MASK) == SOCK_STREAM ? 0 : -ESOCKTNOSUPPORT;
}

/* A new socket's descriptor, or an error (the socket is then dropped). */
static int sock_install(struct unix_sock *s, int type)
{
	struct file *f = unix_file_new(s, type & SOCK_NONBLOCK);

	if (!f) {
		unix_sock_put(s);
		return -ENOMEM;
	}
	return fd_install(f, 0, type & SOCK_CLOEXEC);
}

long sys_socket(int domain, int type, int protocol)
{
	int err = check_socket_args(domain, type, protocol);
	struct unix_sock *s;

	if (domain == AF_INET)
		return inet_socket(type, protocol);
	if (err)
		return err;
	s = unix_sock_new();
	if (!s)
		return -ENOMEM;
	return sock_install(s, type);
}

long sys_socketpair(int domain, int type, int protocol, uintptr_t usv)
{
	int err = check_socket_args(domain, type, protocol);
	struct unix_sock *a, *b;
	struct file *fa, *fb;
	int fds[2];

	if (domain == AF_INET)
		return -EOPNOTSUPP;
	if (err)
		return err;
	a = unix_sock_new();
	b = unix_sock_new();
	fa = a ? unix_file_new(a, type & SOCK_NONBLOCK) : NULL;
	fb = b ? unix_file_new(b, type & SOCK_NONBLOCK) : NULL;
	if (!fa || !fb) {
		if (fa)
			file_put(fa);
		else if (a)
			unix_sock_put(a);
		if (fb)
			file_put(fb);
		else if (b)
			unix_sock_put(b);
		return -ENOMEM;
	}
	unix_pair(a, b);
	fds[0] = fd_install(fa, 0, type & SOCK_CLOEXEC);
	if (fds[0] < 0) {
		file_put(fb);
		return fds[0];
	}
	fds[1] = fd_install(fb, 0, type & SOCK_CLOEXEC);
	if (fds[1] < 0) {
		sys_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		sys_close(fds[0]);
		sys_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* A user sockaddr_un, checked as Linux does before any lookup. */
static int addr_from_user(uintptr_t uaddr, int len, struct unix_addr *a)
{
	if (len < (int)sizeof(a->sun.sun_family) || len > (int)sizeof(a->sun))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	if (copy_from_user(&a->sun, uaddr, len))
		return -EFAULT;
	if (a->sun.sun_family != AF_UNIX)
		return -EINVAL;
	a->len = len;
	return 0;
}

/* Writes an address and its full length; a short buffer gets a prefix. */
static int addr_to_user(const struct unix_addr *a, uintptr_t uaddr, uintptr_t ulen)
{
	int len;

	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (copy_to_user(uaddr, &a->sun, MIN((unsigned int)len, a->len)) ||
	    copy_to_user(ulen, &a->len, sizeof(int)))
		return -EFAULT;
	return 0;
}

long sys_bind(int fd, uintptr_t uaddr, int len)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	struct unix_addr a;
	int err;

	if (is)
		return inet_bind(is, uaddr, len);
	err = sock_get(fd, &s, NULL);

	if (!err)
		err = addr_from_user(uaddr, len, &a);
	return err ? err : unix_bind(s, &a);
}

long sys_listen(int fd, int backlog)
{
	struct unix_sock *s;
	int err;

	if (inet_get(fd, NULL))
		return -EOPNOTSUPP;       /* datagram sockets do not listen */
	err = sock_get(fd, &s, NULL);

	return err ? err : unix_listen(s, backlog);
}

long sys_connect(int fd, uintptr_t uaddr, int len)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	struct unix_addr a;
	struct file *f;
	int err;

	if (is)
		return inet_connect(is, uaddr, len);
	err = sock_get(fd, &s, &f);

	if (!err)
		err = addr_from_user(uaddr, len, &a);
	return err ? err : unix_connect(s, &a, f->flags & O_NONBLOCK);
}

long sys_accept4(int fd, uintptr_t uaddr, uintptr_t ulen, int flags)
{
	struct unix_sock *s, *n;
	struct file *f, *nf;
	int err;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (inet_get(fd, NULL))
		return -EOPNOTSUPP;
	err = sock_get(fd, &s, &f);
	if (err)
		return err;
	err = unix_accept(s, f->flags & O_NONBLOCK, &n);
	if (err)
		return err;
	nf = unix_file_new(n, flags & SOCK_NONBLOCK);
	if (!nf) {
		unix_close(n, true);
		return -ENOMEM;
	}
	/* The peer is the connecting socket: usually unnamed. */
	if (uaddr && (err = addr_to_user(&n->peer->addr, uaddr, ulen))) {
		file_put(nf);
		return err;
	}
	return fd_install(nf, 0, flags & SOCK_CLOEXEC);
}

long sys_accept(int fd, uintptr_t uaddr, uintptr_t ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}

long sys_getsockname(int fd, uintptr_t uaddr, uintptr_t ulen)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	int err;

	if (is)
		return inet_getname(is, uaddr, ulen, false);
	err = sock_get(fd, &s, NULL);

	return err ? err : addr_to_user(&s->addr, uaddr, ulen);
}

long sys_getpeername(int fd, uintptr_t uaddr, uintptr_t ulen)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	int err;

	if (is)
		return inet_getname(is, uaddr, ulen, true);
	err = sock_get(fd, &s, NULL);

	if (err)
		return err;
	if (s->state != US_CONNECTED)
		return -ENOTCONN;
	return addr_to_user(&s->peer->addr, uaddr, ulen);
}

long sys_shutdown(int fd, int how)
{
	struct unix_sock *s;
	int err;

	if (inet_get(fd, NULL))
		return -EOPNOTSUPP;       /* not implemented for AF_INET */
	err = sock_get(fd, &s, NULL);

	return err ? err : unix_shutdown(s, how);
}

long sys_getsockopt(int fd, int level, int name, uintptr_t val, uintptr_t len)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	int err;

	if (is)
		return inet_getsockopt(is, level, name, val, len);
	err = sock_get(fd, &s, NULL);

	return err ? err : unix_getsockopt(s, level, name, val, len);
}

long sys_setsockopt(int fd, int level, int name, uintptr_t val, unsigned int len)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	int err;

	if (is)
		return inet_setsockopt(is, level, name, val, len);
	err = sock_get(fd, &s, NULL);

	return err ? err : unix_setsockopt(s, level, name, val, len);
}

/*
 * Sends one user buffer through a bounce buffer.  Only the first piece
 * may raise SIGPIPE: a later broken pipe ends a partial send.
 */
static long send_buf(struct unix_sock *s, bool nonblock, uintptr_t ubuf, size_t n,
		     int flags, char *k)
{
	long total = 0;

	while ((size_t)total < n || n == 0) {
		size_t len = MIN(n - total, (size_t)IO_CHUNK);
		ssize_t r;

		if (copy_from_user(k, ubuf + total, len))
			return total ? total : -EFAULT;
		r = unix_send(s, k, len, total ? flags | MSG_NOSIGNAL : flags, nonblock);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < len || n == 0)
			break;
	}
	return total;
}

/*
 * Receives into one user buffer: the first piece may block; later ones
 * take what is already there unless MSG_WAITALL asks for all n bytes.
 */
static long recv_buf(struct unix_sock *s, bool nonblock, uintptr_t ubuf, size_t n,
		     int flags, char *k)
{
	long total = 0;

	do {
		size_t len = MIN(n - total, (size_t)IO_CHUNK);
		ssize_t r = unix_recv(s, k, len, flags, nonblock);

		if (r < 0)
			return total ? total : r;
		if (r && copy_to_user(ubuf + total, k, r))
			return total ? total : -EFAULT;
		total += r;
		if ((size_t)r < len || (flags & MSG_PEEK))
			break;
	} while ((size_t)total < n && (s->count || (flags & MSG_WAITALL)));
	return total;
}

/* Stream sockets take no destination; a connected one says so. */
static int check_dest(struct unix_sock *s, uintptr_t uaddr, int len)
{
	if (!uaddr || !len)
		return 0;
	return s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
}

/* Where received data came from: the peer's name, if it has one. */
static int source_to_user(struct unix_sock *s, uintptr_t uaddr, uintptr_t ulen)
{
	static const struct unix_addr none;

	if (!uaddr)
		return 0;
	if (s->peer && s->peer->addr.len > offsetof(struct sockaddr_un, sun_path))
		return addr_to_user(&s->peer->addr, uaddr, ulen);
	return addr_to_user(&none, uaddr, ulen);
}

long sys_sendto(int fd, uintptr_t buf, size_t n, int flags, uintptr_t uaddr, int alen)
{
	struct inet_sock *is = inet_get(fd, NULL);
	struct unix_sock *s;
	struct file *f;
	long r;
	char *k;

	if (is) {
		struct k_iovec v = { buf, n };
		struct inet_io io = { &v, 1, true };

		return inet_sendto(is, &io, flags, alen ? uaddr : 0, alen);
	}
	r = sock_get(fd, &s, &f);
	if (r || (r = check_dest(s, uaddr, alen)))
		return r;
	k = kmalloc(IO_CHUNK);
	if (!k)
		return -ENOMEM;
	r = send_buf(s, f->flags & O_NONBLOCK, buf, n, flags, k);
	kfree(k);
	return r;
}

long sys_recvfrom(int fd, uintptr_t buf, size_t n, int flags, uintptr_t uaddr, uintptr_t ulen)
{
	bool nonblock;
	struct inet_sock *is = inet_get(fd, &nonblock);
	struct unix_sock *s;
	struct file *f;
	long r;
	char *k;

	if (is) {
		struct k_iovec v = { buf, n };
		struct inet_io io = { &v, 1, true };
		int mf;

		return inet_recvfrom(is, nonblock, &io, flags, uaddr, ulen, &mf);
	}
	r = sock_get(fd, &s, &f);

	if (r)
		return r;
	k = kmalloc(IO_CHUNK);
	if (!k)
		return -ENOMEM;
	r = recv_buf(s, f->flags & O_NONBLOCK, buf, n, flags, k);
	kfree(k);
	if (r >= 0) {
		int err = source_to_user(s, uaddr, ulen);

		if (err)
			return err;
	}
	return r;
}

/* sendmsg/recvmsg: the iovecs in turn, stopping at the first short one. */
static long msg_io(int fd, uintptr_t umsg, int flags, bool send)
{
	struct unix_sock *s;
	struct k_msghdr m;
	struct file *f;
	long r = sock_get(fd, &s, &f), total = 0;
	bool nonblock;
	char *k;

	if (r)
		return r;
	nonblock = f->flags & O_NONBLOCK;
	if (copy_from_user(&m, umsg, sizeof(m)))
		return -EFAULT;
	if (m.iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	/* Ancillary data (SCM_RIGHTS, SCM_CREDENTIALS) is not supported. */
	if (send && m.controllen)
		return -EOPNOTSUPP;
	if (send && (r = check_dest(s, m.name, m.namelen)))
		return r;
	k = kmalloc(IO_CHUNK);
	if (!k)
		return -ENOMEM;
	for (uint64_t i = 0; i < m.iovlen; i++) {
		struct k_iovec v;

		if (copy_from_user(&v, m.iov + i * sizeof(v), sizeof(v))) {
			r = -EFAULT;
			break;
		}
		if (v.len == 0 && (total || i + 1 < m.iovlen))
			continue;
		/* Once data moved, only what is already there is taken. */
		if (!send && total && !s->count && !(flags & MSG_WAITALL))
			break;
		r = send ? send_buf(s, nonblock, v.base, v.len, total ? flags | MSG_NOSIGNAL : flags, k)
			 : recv_buf(s, nonblock, v.base, v.len, flags, k);
		if (r < 0)
			break;
		total += r;
		if ((uint64_t)r < v.len || (!send && (flags & MSG_PEEK)))
			break;
	}
	kfree(k);
	if (r < 0 && !total)
		return r;
	if (!send) {
		uint32_t zero = 0;

		if (m.name && source_to_user(s, m.name, umsg + offsetof(struct k_msghdr, namelen)))
			return -EFAULT;
		if (copy_to_user(umsg + offsetof(struct k_msghdr, controllen), &(uint64_t){ 0 }, 8) ||
		    copy_to_user(umsg + offsetof(struct k_msghdr, flags), &zero, sizeof(zero)))
			return -EFAULT;
	}
	return total;
}

long sys_sendmsg(int fd, uintptr_t msg, int flags)
{
	bool nonblock;
	struct inet_sock *is = inet_get(fd, &nonblock);

	return is ? inet_msg(is, nonblock, msg, flags, true) : msg_io(fd, msg, flags, true);
}

long sys_recvmsg(int fd, uintptr_t msg, int flags)
{
	bool nonblock;
	struct inet_sock *is = inet_get(fd, &nonblock);

	return is ? inet_msg(is, nonblock, msg, flags, false) : msg_io(fd, msg, flags, false);
}
