/*
 * Event channels (2-level ABI) as the kernel's interrupt lines.  A logical
 * IRQ is bound to one port; the upcall scans the pending bitmap through
 * the per-vCPU selector, clears each pending bit and runs the IRQ's
 * handler.  Ports start masked; unmask(irq) opens its port.
 *
 * The hardware domain's ISA lines are physical IRQs (pirq n = line n,
 * PHYSDEVOP_map_pirq and EVTCHNOP_bind_pirq): the hypervisor keeps a
 * delivered line closed until PHYSDEVOP_eoi, sent as the IRQ's EOI.
 */
#include <public/event_channel.h>
#include <public/physdev.h>

#include "hypercall.h"
#include "lib.h"
#include "proc.h"
#include "pv.h"

#define PV_NR_IRQS 16
#define NO_IRQ 0xff

static void (*port_handler)(evtchn_port_t port);
static evtchn_port_t irq_port[PV_NR_IRQS];
static void (*irq_rearm[PV_NR_IRQS])(void);
static int irq_pirq[PV_NR_IRQS];        /* physical IRQ, -1 if none */
static uint8_t port_irq[EVTCHN_2L_NR_CHANNELS];
static int nr_irqs;

#define VCPU (&pv_shared_info->vcpu_info[0])

static long evtchn_op(unsigned int cmd, void *arg)
{
	return hypercall2(HYPERCALL(event_channel_op), cmd, HPTR(arg));
}

static void clear_bit_locked(volatile uint64_t *map, unsigned int bit)
{
	asm volatile("lock btrq %1, %0" : "+m"(map[bit / 64]) : "r"((uint64_t)bit % 64) : "memory");
}

static bool test_bit(const volatile uint64_t *map, unsigned int bit)
{
	return map[bit / 64] & (1UL << (bit % 64));
}

static int bind(evtchn_port_t port, void (*rearm)(void))
{
	int irq = nr_irqs++;

	if (irq >= PV_NR_IRQS || port >= EVTCHN_2L_NR_CHANNELS)
		panic("pv: cannot bind port %u", port);
	irq_port[irq] = port;
	irq_rearm[irq] = rearm;
	irq_pirq[irq] = -1;
	port_irq[port] = irq;
	return irq;
}

int pv_bind_virq(unsigned int virq, void (*rearm)(void))
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
	long rc = evtchn_op(EVTCHNOP_bind_virq, &op);

	if (rc)
		panic("pv: binding VIRQ %u: %ld", virq, rc);
	return bind(op.port, rearm);
}

int pv_bind_port(evtchn_port_t port)
{
	return bind(port, NULL);
}

static long physdev_op(unsigned int cmd, void *arg)
{
	return hypercall2(HYPERCALL(physdev_op), cmd, HPTR(arg));
}

/* Refused (a domU, a line the hypervisor keeps): -1, the driver polls. */
static int pv_isa_irq(unsigned int line)
{
	struct physdev_map_pirq map = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
					.index = (int)line, .pirq = -1 };
	struct physdev_unmap_pirq unmap = { .domid = DOMID_SELF };
	struct evtchn_bind_pirq b;
	long rc = physdev_op(PHYSDEVOP_map_pirq, &map);
	int irq;

	if (rc) {
		printk("pv: IRQ %u: map_pirq refused (%ld)\n", line, rc);
		return -1;
	}
	b = (struct evtchn_bind_pirq){ .pirq = (uint32_t)map.pirq };
	rc = evtchn_op(EVTCHNOP_bind_pirq, &b);
	if (rc) {
		printk("pv: IRQ %u: bind_pirq refused (%ld)\n", line, rc);
		unmap.pirq = map.pirq;
		physdev_op(PHYSDEVOP_unmap_pirq, &unmap);
		return -1;
	}
	irq = bind(b.port, NULL);
	irq_pirq[irq] = map.pirq;
	return irq;
}

void pv_notify(evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	evtchn_op(EVTCHNOP_send, &op);
}

void pv_port_mask(evtchn_port_t port)
{
	asm volatile("lock btsq %1, %0" : "+m"(pv_shared_info->evtchn_mask[port / 64])
		     : "r"((uint64_t)port % 64) : "memory");
}

/*
 * An event that arrived while masked is delivered by the unmask hypercall,
 * but only if the hypercall is what clears the mask (as on Xen): a pending
 * port is left masked for it.  One that turns pending between our check
 * and our clear is masked again and handed over the same way.
 */
void pv_port_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	if (!test_bit(pv_shared_info->evtchn_pending, port)) {
		clear_bit_locked(pv_shared_info->evtchn_mask, port);
		if (!test_bit(pv_shared_info->evtchn_pending, port))
			return;
		pv_port_mask(port);
	}
	evtchn_op(EVTCHNOP_unmask, &op);
}

void pv_set_port_handler(void (*fn)(evtchn_port_t port))
{
	port_handler = fn;
}

/* The tick source is armed when its line opens and re-armed at each tick. */
static void pv_irq_unmask(int irq)
{
	BUG_ON(irq >= nr_irqs);
	pv_port_unmask(irq_port[irq]);
	if (irq_rearm[irq])
		irq_rearm[irq]();
}

static void pv_irq_eoi(int irq)
{
	if (irq_rearm[irq])
		irq_rearm[irq]();
	if (irq_pirq[irq] >= 0) {
		struct physdev_eoi eoi = { .irq = (uint32_t)irq_pirq[irq] };

		physdev_op(PHYSDEVOP_eoi, &eoi);
	}
}

/* Runs with events masked, from the upcall. */
void pv_events_handle(void)
{
	volatile struct vcpu_info *v = VCPU;
	volatile struct shared_info *s = pv_shared_info;

	do {
		v->evtchn_upcall_pending = 0;
		uint64_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

		while (sel) {
			unsigned int word = __builtin_ctzl(sel);
			uint64_t bits;

			sel &= sel - 1;
			bits = s->evtchn_pending[word] & ~s->evtchn_mask[word];
			while (bits) {
				evtchn_port_t port = word * 64 + __builtin_ctzl(bits);

				bits &= bits - 1;
				clear_bit_locked(s->evtchn_pending, port);
				if (port_irq[port] != NO_IRQ)
					irq_dispatch(port_irq[port]);
				else if (port_handler)
					port_handler(port);
			}
		}
	} while (v->evtchn_upcall_pending);
}

void pv_events_init(void)
{
	memset(port_irq, NO_IRQ, sizeof(port_irq));
	for (unsigned int i = 0; i < ARRAY_SIZE(pv_shared_info->evtchn_mask); i++)
		pv_shared_info->evtchn_mask[i] = ~0UL;
}

const struct pv_irq_ops pv_irq_ops = {
	.unmask = pv_irq_unmask,
	.eoi = pv_irq_eoi,
	.isa_irq = pv_isa_irq,
};
