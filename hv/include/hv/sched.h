/*
 * The scheduler as the rest of hv uses it.  Implemented with PV execution
 * (hv/common/sched*.c).
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/domain.h>

/* v has a new event upcall pending: make it runnable if it was blocked. */
void vcpu_kick(struct vcpu *v);

/* port of d became pending (masked or not): wake vCPUs polling on it. */
void sched_poll_wake(struct domain *d, evtchn_port_t port);

#endif
