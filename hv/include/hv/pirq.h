/*
 * Physical IRQs of the hardware domain (hv/arch/x86/pirq.c): the 8259
 * lines hv does not keep, as pirq n = ISA IRQ n.
 */
#ifndef HV_PIRQ_H
#define HV_PIRQ_H

#include <hv/domain.h>

#define NR_PIRQS 16

/* PHYSDEVOP_map_pirq of GSI gsi; *pirq in: -1 or gsi, out: the pirq. */
int pirq_map_gsi(struct domain *d, int gsi, int *pirq);
/* PHYSDEVOP_unmap_pirq: -EBUSY while an event channel is bound to it. */
int pirq_unmap(struct domain *d, int pirq);
/* EVTCHNOP_bind_pirq and the port's closing (event_channel.c, under
 * d's event lock); binding opens the line, unbinding closes it. */
int pirq_bind(struct domain *d, unsigned int pirq, evtchn_port_t port);
void pirq_unbind(struct domain *d, unsigned int pirq);
/* PHYSDEVOP_eoi: opens a delivered line again. */
int pirq_eoi(struct domain *d, unsigned int pirq);
/* PHYSDEVOP_irq_status_query: XENIRQSTAT_* flags, or -EINVAL. */
int pirq_status(struct domain *d, unsigned int pirq);
/* The domain's death: its lines are unmapped and closed. */
void pirq_release_domain(struct domain *d);
/* At boot: the interrupt handlers and the softirq. */
void pirq_init(void);

#endif
