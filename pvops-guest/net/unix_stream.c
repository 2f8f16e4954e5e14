/*
 * Stream data between connected AF_UNIX sockets.  Each socket has a
 * bounded receive ring; a sender copies into its peer's ring and sleeps
 * on the peer while it is full, a receiver sleeps on itself while its
 * ring is empty.  Both are woken by wakeups on the ring's owner.
 */
#include "lib.h"
#include "net.h"
#include "proc.h"

static ssize_t broken_pipe(size_t done, int flags)
{
	if (done)
		return done;
	if (!(flags & MSG_NOSIGNAL))
		signal_send(current, SIGPIPE);
	return -EPIPE;
}

ssize_t unix_send(struct unix_sock *s, const char *src, size_t n, int flags, bool nonblock)
{
	struct unix_sock *p = s->peer;
	size_t done = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->state != US_CONNECTED || !p)
		return -ENOTCONN;
	nonblock |= flags & MSG_DONTWAIT;
	if (s->shutdown & SEND_SHUTDOWN)
		return broken_pipe(0, flags);
	while (done < n) {
		if (p->closed || (p->shutdown & RCV_SHUTDOWN) || (s->shutdown & SEND_SHUTDOWN))
			return broken_pipe(done, flags);
		if (p->count == UNIX_BUF_SIZE) {
			if (nonblock)
				return done ? (ssize_t)done : -EAGAIN;
			if (sleep_on(p))
				return done ? (ssize_t)done : -ERESTARTSYS;
			continue;
		}
		size_t tail = (p->head + p->count) % UNIX_BUF_SIZE;
		size_t k = MIN(n - done, UNIX_BUF_SIZE - p->count);

		k = MIN(k, UNIX_BUF_SIZE - tail);
		memcpy(p->buf + tail, src + done, k);
		p->count += k;
		done += k;
		unix_wake(p);
	}
	return done;
}

ssize_t unix_recv(struct unix_sock *s, char *dst, size_t n, int flags, bool nonblock)
{
	size_t done = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->state != US_CONNECTED)
		return -EINVAL;
	nonblock |= flags & MSG_DONTWAIT;
	while (done < n) {
		if (s->count == 0) {
			if (done && !(flags & MSG_WAITALL))
				break;
			if (s->err) {
				int e = s->err;

				s->err = 0;
				return done ? (ssize_t)done : -e;
			}
			if (s->shutdown & RCV_SHUTDOWN)
				break;
			if (nonblock)
				return done ? (ssize_t)done : -EAGAIN;
			if (sleep_on(s))
				return done ? (ssize_t)done : -ERESTARTSYS;
			continue;
		}
		size_t k = MIN(n - done, s->count);

		k = MIN(k, UNIX_BUF_SIZE - s->head);
		memcpy(dst + done, s->buf + s->head, k);
		done += k;
		if (flags & MSG_PEEK)
			break;
		s->head = (s->head + k) % UNIX_BUF_SIZE;
		s->count -= k;
		unix_wake(s);
	}
	return done;
}

unsigned int unix_poll_mask(struct unix_sock *s)
{
	unsigned int m = 0;

	if (s->err)
		m |= POLLERR;
	if (s->shutdown == SHUTDOWN_MASK)
		m |= POLLHUP;
	if (s->shutdown & RCV_SHUTDOWN)
		m |= POLLRDHUP | POLLIN | POLLRDNORM;
	switch (s->state) {
	case US_LISTENING:
		if (s->queue)
			m |= POLLIN | POLLRDNORM;
		return m;
	case US_UNCONNECTED:
		m |= POLLHUP;
		break;
	case US_CONNECTED:
		if (s->count)
			m |= POLLIN | POLLRDNORM;
		break;
	}
	/* Writable when a send would not block (a broken pipe fails at once). */
	if (!s->peer || (s->shutdown & SEND_SHUTDOWN) || s->peer->closed ||
	    s->peer->count < UNIX_BUF_SIZE)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

int unix_shutdown(struct unix_sock *s, int how)
{
	struct unix_sock *p = s->peer;
	int mode;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mode = how + 1;                 /* SHUT_RD -> RCV_SHUTDOWN, ... */
	s->shutdown |= mode;
	unix_wake(s);
	if (p) {
		if (mode & RCV_SHUTDOWN)
			p->shutdown |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			p->shutdown |= RCV_SHUTDOWN;
		unix_wake(p);
	}
	return 0;
}

/*
 * s goes away: its peer can neither send nor receive more, and learns of
 * lost data (unread by s, or a connection never accepted) as ECONNRESET.
 */
void unix_disconnect(struct unix_sock *s, bool embryo)
{
	struct unix_sock *p = s->peer;

	s->shutdown = SHUTDOWN_MASK;
	if (!p)
		return;
	p->shutdown = SHUTDOWN_MASK;
	if (s->count || embryo)
		p->err = ECONNRESET;
	s->peer = NULL;
	unix_wake(p);
	unix_sock_put(p);
}
