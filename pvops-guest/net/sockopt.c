/*
 * getsockopt/setsockopt: the SOL_SOCKET options AF_UNIX programs use, and
 * the user copies every family's options share.
 */
#include "lib.h"
#include "net.h"
#include "uaccess.h"

long sockopt_len_from_user(uintptr_t ulen, int *len)
{
	if (copy_from_user(len, ulen, sizeof(*len)))
		return -EFAULT;
	return *len < 0 ? -EINVAL : 0;
}

long sockopt_to_user(uintptr_t uval, uintptr_t ulen, int len, const void *src, size_t size)
{
	len = MIN((size_t)len, size);
	if (copy_to_user(uval, src, len) || copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

long sockopt_int_from_user(uintptr_t uval, unsigned int len, int *v)
{
	if (len < sizeof(*v))
		return -EINVAL;
	return copy_from_user(v, uval, sizeof(*v)) ? -EFAULT : 0;
}

long unix_getsockopt(struct unix_sock *s, int level, int name, uintptr_t uval, uintptr_t ulen)
{
	int len, v;
	const void *src = &v;
	size_t size = sizeof(v);
	long rc;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if ((rc = sockopt_len_from_user(ulen, &len)))
		return rc;
	switch (name) {
	case SO_TYPE: v = SOCK_STREAM; break;
	case SO_DOMAIN: v = AF_UNIX; break;
	case SO_PROTOCOL: v = 0; break;
	case SO_ACCEPTCONN: v = s->state == US_LISTENING; break;
	case SO_REUSEADDR: v = s->reuseaddr; break;
	case SO_SNDBUF: v = s->sndbuf; break;
	case SO_RCVBUF: v = s->rcvbuf; break;
	case SO_ERROR:
		v = s->err;
		s->err = 0;
		break;
	case SO_PEERCRED:
		src = &s->cred;
		size = sizeof(s->cred);
		break;
	default:
		return -ENOPROTOOPT;
	}
	return sockopt_to_user(uval, ulen, len, src, size);
}

long unix_setsockopt(struct unix_sock *s, int level, int name, uintptr_t uval, unsigned int len)
{
	int v;
	long rc;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if ((rc = sockopt_int_from_user(uval, len, &v)))
		return rc;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
		/* Kept as Linux reports it (clamped, doubled); the ring size is fixed. */
		v = MAX(MIN((unsigned int)v, DEFAULT_BUF_OPT) * 2, UNIX_MIN_BUF_OPT);
		if (name == SO_SNDBUF)
			s->sndbuf = v;
		else
			s->rcvbuf = v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
