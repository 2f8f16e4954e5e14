/*
 * /dev/xen/evtchn: event channels for programs, as Linux's
 * drivers/xen/evtchn.c offers them (xenstored, the toolstack).
 *
 * Each open file owns the ports it bound.  An event on such a port comes
 * to evtchn_upcall (from the PV event upcall, events masked), which masks
 * the port and queues its number in the file's ring; read() hands the
 * numbers out, and writing a number back unmasks the port again.  A
 * closed file closes every port it still owns.
 */
#include <public/event_channel.h>
#include <xen/evtchn.h>

#include "fs.h"
#include "hypercall.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"
#include "pv.h"
#include "uaccess.h"
#include "xen_devices.h"

#define RING_SIZE (PAGE_SIZE / sizeof(evtchn_port_t))

struct evtchn_user {
	evtchn_port_t ring[RING_SIZE];
	unsigned int cons, prod;  /* free-running; prod - cons ports queued */
	bool overflow;            /* an event found the ring full: read says -EFBIG */
};

/* Which open file owns each port; NULL: none (the kernel's, or unbound). */
static struct evtchn_user *port_owner[EVTCHN_2L_NR_CHANNELS];

static long evtchn_op(unsigned int cmd, void *arg)
{
	return hypercall2(HYPERCALL(event_channel_op), cmd, HPTR(arg));
}

static void evtchn_upcall(evtchn_port_t port)
{
	struct evtchn_user *u = port_owner[port];

	pv_port_mask(port);       /* until the owner writes it back */
	if (!u)
		return;
	if (u->prod - u->cons < RING_SIZE)
		u->ring[u->prod++ % RING_SIZE] = port;
	else
		u->overflow = true;
	wakeup(u);
}

static void port_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	pv_port_mask(port);
	port_owner[port] = NULL;
	evtchn_op(EVTCHNOP_close, &op);
}

/* A port the hypervisor just bound for u: owned and open from now on. */
static long port_adopt(struct evtchn_user *u, evtchn_port_t port)
{
	if (port >= EVTCHN_2L_NR_CHANNELS || port_owner[port]) {
		struct evtchn_close op = { .port = port };

		evtchn_op(EVTCHNOP_close, &op);
		return -EINVAL;
	}
	port_owner[port] = u;
	pv_port_unmask(port);
	return port;
}

static long bind_virq(struct evtchn_user *u, uintptr_t arg)
{
	struct ioctl_evtchn_bind_virq b;
	struct evtchn_bind_virq op = { .vcpu = 0 };
	long rc;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	op.virq = b.virq;
	rc = evtchn_op(EVTCHNOP_bind_virq, &op);
	return rc ? rc : port_adopt(u, op.port);
}

static long bind_interdomain(struct evtchn_user *u, uintptr_t arg)
{
	struct ioctl_evtchn_bind_interdomain b;
	struct evtchn_bind_interdomain op;
	long rc;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	op.remote_dom = b.remote_domain;
	op.remote_port = b.remote_port;
	rc = evtchn_op(EVTCHNOP_bind_interdomain, &op);
	return rc ? rc : port_adopt(u, op.local_port);
}

static long bind_unbound(struct evtchn_user *u, uintptr_t arg)
{
	struct ioctl_evtchn_bind_unbound_port b;
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF };
	long rc;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	op.remote_dom = b.remote_domain;
	rc = evtchn_op(EVTCHNOP_alloc_unbound, &op);
	return rc ? rc : port_adopt(u, op.port);
}

/* UNBIND and NOTIFY: the port must be one this file bound. */
static long owned_port(struct evtchn_user *u, uintptr_t arg, evtchn_port_t *port)
{
	unsigned int p;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p >= EVTCHN_2L_NR_CHANNELS)
		return -EINVAL;
	if (port_owner[p] != u)
		return -ENOTCONN;
	*port = p;
	return 0;
}

static long evtchn_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct evtchn_user *u = f->priv;
	evtchn_port_t port;
	long rc;

	switch (cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		return bind_virq(u, arg);
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		return bind_interdomain(u, arg);
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		return bind_unbound(u, arg);
	case IOCTL_EVTCHN_UNBIND:
		rc = owned_port(u, arg, &port);
		if (!rc)
			port_close(port);
		return rc;
	case IOCTL_EVTCHN_NOTIFY:
		rc = owned_port(u, arg, &port);
		if (!rc)
			pv_notify(port);
		return rc;
	case IOCTL_EVTCHN_RESET:
		u->cons = u->prod = 0;
		u->overflow = false;
		return 0;
	default:
		return -ENOSYS;   /* Linux's answer to an unknown evtchn ioctl */
	}
}

/* Whole port numbers only, at most a page of them. */
static size_t port_bytes(size_t n)
{
	return MIN(n, PAGE_SIZE) & ~(sizeof(evtchn_port_t) - 1);
}

static ssize_t evtchn_read(struct file *f, char *buf, size_t n)
{
	struct evtchn_user *u = f->priv;
	size_t want = port_bytes(n) / sizeof(evtchn_port_t), got = 0;

	if (!want)
		return 0;
	for (;;) {
		if (u->overflow)
			return -EFBIG;
		if (u->cons != u->prod)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(u))
			return -ERESTARTSYS;
	}
	for (; got < want && u->cons != u->prod; got++) {
		evtchn_port_t port = u->ring[u->cons++ % RING_SIZE];

		memcpy(buf + got * sizeof(port), &port, sizeof(port));
	}
	return got * sizeof(evtchn_port_t);
}

/* Each port written back is unmasked, if this file owns it. */
static ssize_t evtchn_write(struct file *f, const char *buf, size_t n)
{
	struct evtchn_user *u = f->priv;

	n = port_bytes(n);
	for (size_t i = 0; i < n; i += sizeof(evtchn_port_t)) {
		evtchn_port_t port;

		memcpy(&port, buf + i, sizeof(port));
		if (port < EVTCHN_2L_NR_CHANNELS && port_owner[port] == u)
			pv_port_unmask(port);
	}
	return n;
}

static unsigned int evtchn_poll(struct file *f)
{
	struct evtchn_user *u = f->priv;
	unsigned int mask = POLLOUT | POLLWRNORM;

	if (u->cons != u->prod)
		mask |= POLLIN | POLLRDNORM;
	if (u->overflow)
		mask |= POLLERR;
	return mask;
}

static int evtchn_open(struct file *f)
{
	f->priv = kzalloc(sizeof(struct evtchn_user));
	return f->priv ? 0 : -ENOMEM;
}

static void evtchn_release(struct file *f)
{
	for (evtchn_port_t p = 0; p < EVTCHN_2L_NR_CHANNELS; p++)
		if (port_owner[p] == f->priv)
			port_close(p);
	kfree(f->priv);
}

bool evtchn_user_port(unsigned int port)
{
	return port < EVTCHN_2L_NR_CHANNELS && port_owner[port];
}

void evtchn_dev_init(void)
{
	pv_set_port_handler(evtchn_upcall);
}

const struct file_ops evtchn_ops = {
	.read = evtchn_read,
	.write = evtchn_write,
	.ioctl = evtchn_ioctl,
	.poll = evtchn_poll,
	.open = evtchn_open,
	.release = evtchn_release,
};
