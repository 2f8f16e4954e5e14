/*
 * xenbus: the kernel's xenstore client over the store ring, as Xen's
 * io/xs_wire.h defines it.  One request is on the ring at a time: callers
 * take turns on a busy flag, write header and body into the request ring
 * and notify.  The event handler drains the response ring; a reply wakes
 * its caller, an XS_WATCH_EVENT goes to the watch its token names.
 */
#include <public/io/xs_wire.h>

#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "pv.h"
#include "xenbus.h"

#define MAX_WATCHES 32
#define RECHECK_NS 10000000UL     /* sleeps recheck the ring this often */

static struct {
	volatile struct xenstore_domain_interface *ring;
	evtchn_port_t port;
	bool busy;                /* a caller owns the request ring */
	bool broken;              /* the server broke the protocol: no more requests */
	uint32_t next_req_id;
	/* The message being taken off the response ring. */
	struct xsd_sockmsg in_hdr;
	size_t in_got;            /* bytes of header + body so far */
	char in_body[XENSTORE_PAYLOAD_MAX + 1];
	/* The reply to the request in flight. */
	bool replied;
	struct xsd_sockmsg reply_hdr;
	char reply[XENSTORE_PAYLOAD_MAX];
} xs;

static struct xenbus_watch *watches[MAX_WATCHES];

bool xenbus_connected(void)
{
	return xs.ring && !xs.broken;
}

/* Our token for w: its slot in watches[], which events must name back. */
static void watch_token(const struct xenbus_watch *w, char *tok, size_t size)
{
	for (unsigned int i = 0; i < MAX_WATCHES; i++)
		if (watches[i] == w)
			snprintf(tok, size, "kw%u", i);
}

/* "PATH\0TOKEN\0": runs the watch the token names, if it is still ours. */
static void watch_event(const char *body, size_t len)
{
	const char *path = body, *tok;
	size_t plen = strnlen(body, len);
	char want[16];

	if (plen + 1 >= len)
		return;
	tok = body + plen + 1;
	for (unsigned int i = 0; i < MAX_WATCHES; i++) {
		if (!watches[i] || !watches[i]->registered)
			continue;
		snprintf(want, sizeof(want), "kw%u", i);
		if (strnlen(tok, len - plen - 1) == strlen(want) && !strcmp(tok, want)) {
			watches[i]->fn(watches[i], path);
			return;
		}
	}
}

static void message_done(void)
{
	xs.in_body[xs.in_hdr.len] = 0;
	if (xs.in_hdr.type == XS_WATCH_EVENT) {
		watch_event(xs.in_body, xs.in_hdr.len);
	} else if (xs.busy && !xs.replied && xs.in_hdr.req_id == xs.next_req_id) {
		xs.reply_hdr = xs.in_hdr;
		memcpy(xs.reply, xs.in_body, xs.in_hdr.len);
		xs.replied = true;
	}
	xs.in_got = 0;
}

/* Takes what the server produced; runs from the event handler. */
static void xs_drain(void)
{
	volatile struct xenstore_domain_interface *r = xs.ring;
	XENSTORE_RING_IDX cons = r->rsp_cons, prod = r->rsp_prod;
	bool took = false;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (prod - cons > XENSTORE_RING_SIZE) {
		printk("xenbus: response ring indices %u/%u out of range\n", cons, prod);
		xs.broken = true;
	}
	while (!xs.broken && cons != prod) {
		char c = r->rsp[MASK_XENSTORE_IDX(cons)];

		cons++;
		took = true;
		if (xs.in_got < sizeof(xs.in_hdr)) {
			((char *)&xs.in_hdr)[xs.in_got++] = c;
			if (xs.in_got == sizeof(xs.in_hdr) && xs.in_hdr.len > XENSTORE_PAYLOAD_MAX) {
				printk("xenbus: reply of %u bytes\n", xs.in_hdr.len);
				xs.broken = true;
			}
		} else {
			xs.in_body[xs.in_got++ - sizeof(xs.in_hdr)] = c;
		}
		if (!xs.broken && xs.in_got == sizeof(xs.in_hdr) + xs.in_hdr.len)
			message_done();
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);  /* bytes read before the space is freed */
	r->rsp_cons = cons;
	if (took)
		pv_notify(xs.port);
	wakeup(&xs);
}

/*
 * Waits for an event or the deadline: a process sleeps; at boot, before
 * the first process, the kernel halts until an event (the tick at most).
 */
void xenbus_wait(const void *chan, uint64_t deadline_ns)
{
	if (current)
		sleep_until(chan, deadline_ns);
	else
		pv_ops.cpu.safe_halt();
}

static void ring_put(const void *p, size_t n)
{
	volatile struct xenstore_domain_interface *r = xs.ring;
	const char *b = p;

	while (n && !xs.broken) {
		XENSTORE_RING_IDX prod = r->req_prod;

		if (prod - r->req_cons >= XENSTORE_RING_SIZE) {
			pv_notify(xs.port);
			xenbus_wait(&xs, time_now_ns() + RECHECK_NS);
			continue;
		}
		r->req[MASK_XENSTORE_IDX(prod)] = *b++;
		__atomic_thread_fence(__ATOMIC_RELEASE);  /* byte before the index */
		r->req_prod = prod + 1;
		n--;
	}
}

int xenbus_talk(struct xsd_sockmsg *m, const void *body, char *reply)
{
	if (!xenbus_connected() || m->len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	while (xs.busy)
		xenbus_wait(&xs.busy, time_now_ns() + RECHECK_NS);
	xs.busy = true;
	xs.replied = false;
	m->req_id = ++xs.next_req_id;
	ring_put(m, sizeof(*m));
	ring_put(body, m->len);
	pv_notify(xs.port);
	while (!xs.replied && !xs.broken)
		xenbus_wait(&xs, time_now_ns() + RECHECK_NS);
	if (xs.replied) {
		m->type = xs.reply_hdr.type;
		m->len = xs.reply_hdr.len;
		memcpy(reply, xs.reply, m->len);
	}
	xs.busy = false;
	wakeup(&xs.busy);
	return xs.replied ? 0 : -EIO;
}

/* XS_WATCH or XS_UNWATCH of w's path with w's token. */
static int watch_op(struct xenbus_watch *w, uint32_t type, struct xsd_sockmsg *m,
		    char *reply)
{
	size_t plen = strlen(w->path) + 1;
	char body[XENSTORE_ABS_PATH_MAX + 16], tok[16];
	size_t tlen;

	watch_token(w, tok, sizeof(tok));
	tlen = strlen(tok) + 1;
	if (plen > XENSTORE_ABS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(body, w->path, plen);
	memcpy(body + plen, tok, tlen);
	*m = (struct xsd_sockmsg){ .type = type, .len = plen + tlen };
	return xenbus_talk(m, body, reply);
}

int xenbus_watch(struct xenbus_watch *w, struct xsd_sockmsg *m, char *reply)
{
	unsigned int i;
	int rc;

	for (i = 0; i < MAX_WATCHES && watches[i]; i++)
		;
	if (i == MAX_WATCHES)
		return -ENOSPC;
	watches[i] = w;
	w->registered = true;     /* the first event may come before the reply */
	rc = watch_op(w, XS_WATCH, m, reply);
	if (rc || m->type == XS_ERROR) {
		w->registered = false;
		watches[i] = NULL;
	}
	return rc;
}

int xenbus_unwatch(struct xenbus_watch *w, struct xsd_sockmsg *m, char *reply)
{
	int rc = watch_op(w, XS_UNWATCH, m, reply);

	w->registered = false;
	for (unsigned int i = 0; i < MAX_WATCHES; i++)
		if (watches[i] == w)
			watches[i] = NULL;
	return rc;
}

void xenbus_init(void)
{
	int irq;

	if (!pv_store_mfn)
		return;
	xs.ring = pfn_to_virt(pv_ops.mmu.mfn_to_pfn(pv_store_mfn));
	xs.port = pv_store_port;
	if (xs.ring->connection != XENSTORE_CONNECTED) {
		printk("xenbus: store ring not connected (%u)\n", xs.ring->connection);
		xs.ring = NULL;
		return;
	}
	printk("xenbus: store ring connected, server features %#x\n", xs.ring->server_features);
	irq = pv_bind_port(xs.port);
	irq_register(irq, xs_drain);
}
