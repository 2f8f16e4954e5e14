/*
 * Xen PV console.  Dom0 writes with console_io(CONSOLEIO_write) and reads
 * with CONSOLEIO_read when VIRQ_CONSOLE fires.  A domU has a console ring
 * page (start_info.console.domU: its MFN and event channel, struct
 * xencons_interface) that a backend drains.  Output is buffered and goes
 * out at each newline, when the buffer fills, and whenever the kernel
 * leaves for the guest or blocks, so a line costs one hypercall.
 *
 * The ring path is for hv, which gives domUs a console page; real Xen only
 * does that through a toolstack, so it is untested against Xen.
 */
#include <public/io/console.h>
#include <public/sched.h>

#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "pv.h"

static struct {
	bool ring;
	mfn_t ring_mfn;
	evtchn_port_t port;
	bool ring_dirty;             /* produced output not yet notified */
	char out[256];
	size_t out_len;
	char in[64];
	int in_len, in_pos;
} con;

static struct xencons_interface *ring(void)
{
	return pfn_to_virt(pv_ops.mmu.mfn_to_pfn(con.ring_mfn));
}

static void io_flush(void)
{
	if (con.out_len)
		hypercall3(HYPERCALL(console_io), CONSOLEIO_write, con.out_len, HPTR(con.out));
	con.out_len = 0;
}

static void ring_flush(void)
{
	if (con.ring_dirty)
		pv_notify(con.port);
	con.ring_dirty = false;
}

void pv_console_flush(void)
{
	if (con.ring)
		ring_flush();
	else
		io_flush();
}

/* Waits for room by letting the backend run. */
static void ring_putc(char c)
{
	volatile struct xencons_interface *r = ring();

	while (r->out_prod - r->out_cons >= XENCONS_OUT_SIZE) {
		pv_notify(con.port);
		hypercall2(HYPERCALL(sched_op), SCHEDOP_yield, 0);
	}
	r->out[MASK_XENCONS_IDX(r->out_prod, XENCONS_OUT_SIZE)] = c;
	asm volatile("" ::: "memory");          /* data before the index (x86: TSO) */
	r->out_prod++;
	con.ring_dirty = true;
}

static void pv_putc(char c)
{
	if (con.ring)
		ring_putc(c);
	else
		con.out[con.out_len++] = c;
	if (c == '\n' || con.out_len == sizeof(con.out))
		pv_console_flush();
}

static int ring_getc(void)
{
	volatile struct xencons_interface *r = ring();
	int c;

	if (r->in_cons == r->in_prod)
		return -1;
	asm volatile("" ::: "memory");          /* index before the data */
	c = (unsigned char)r->in[MASK_XENCONS_IDX(r->in_cons, XENCONS_IN_SIZE)];
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* data read before the slot is freed */
	r->in_cons++;
	pv_notify(con.port);
	return c;
}

static int pv_getc(void)
{
	if (con.ring)
		return ring_getc();
	if (con.in_pos == con.in_len) {
		long n = hypercall3(HYPERCALL(console_io), CONSOLEIO_read, sizeof(con.in),
				    HPTR(con.in));

		con.in_pos = 0;
		con.in_len = n > 0 ? n : 0;
		if (!con.in_len)
			return -1;
	}
	return (unsigned char)con.in[con.in_pos++];
}

int pv_console_init(const struct start_info *si)
{
	if (si->flags & SIF_INITDOMAIN)
		return pv_bind_virq(VIRQ_CONSOLE, NULL);
	con.ring = true;
	con.ring_mfn = si->console.domU.mfn;
	con.port = si->console.domU.evtchn;
	return pv_bind_port(con.port);
}

const struct pv_console_ops pv_console_ops = {
	.putc = pv_putc,
	.console_irq = -1,
	.getc = pv_getc,
};
