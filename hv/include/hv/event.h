/*
 * Event channels as the rest of hv uses them (the hypercall interface is
 * do_event_channel_op).  Implemented in hv/common/event_channel*.c.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/domain.h>

/* Set up / tear down a domain's ports (domain creation and destruction). */
int evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);

/* An unbound port of d that remote may bind to (builders: console, store). */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote,
                              evtchn_port_t *port);

/* EVTCHNOP_send on ld's port, for hv itself (the ioreq notifications):
 * 0, or -EINVAL if the port is not bound. */
long evtchn_send(struct domain *ld, evtchn_port_t port);

/* Marks d's port pending if it is still bound to pirq (pirq.c). */
void evtchn_send_pirq(struct domain *d, evtchn_port_t port, unsigned int pirq);

/* Raise a VIRQ bound on v (per-vCPU VIRQs) or on d's vCPU0 (global ones). */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);

/* Is port pending in d's shared_info (SCHEDOP_poll)? false for bad ports. */
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);
/* Is port a valid port number of d (allocated bucket, Xen's rule)? */
bool evtchn_port_valid(struct domain *d, evtchn_port_t port);

long do_event_channel_op(unsigned int cmd, xen_guest_handle_t arg);
long do_event_channel_op_compat(xen_guest_handle_t arg);

#endif
