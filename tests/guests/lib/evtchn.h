/*
 * Event channels for PV test guests: hypercall wrappers, the shared_info
 * pending/mask bits and an upcall handler that counts events per port.
 */
#ifndef GUEST_EVTCHN_H
#define GUEST_EVTCHN_H

#include "guest.h"
#include <public/event_channel.h>

long evtchn_op(unsigned int cmd, void *arg);
/* Each returns 0 or -errno; the new port goes to *port. */
long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
                             evtchn_port_t *port);
long evtchn_bind_virq(uint32_t virq, evtchn_port_t *port);
long evtchn_bind_ipi(evtchn_port_t *port);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
long evtchn_status(evtchn_port_t port, struct evtchn_status *st);

/*
 * Our own domain id, which grant entries need (DOMID_SELF is not valid
 * there): an unbound port allocated for remote DOMID_SELF reports the
 * resolved id in EVTCHNOP_status.
 */
domid_t own_domid(void);

/* The 2-level bitmaps in shared_info. */
bool evtchn_pending(evtchn_port_t port);
bool evtchn_masked(evtchn_port_t port);
void evtchn_set_mask(evtchn_port_t port);
void evtchn_clear_mask(evtchn_port_t port);
void evtchn_clear_pending(evtchn_port_t port);

/*
 * Installs the upcall handler.  It follows the ABI's algorithm (clear
 * upcall_pending, take pending_sel, clear and count each pending unmasked
 * port) and counts upcalls.
 */
void events_init(void);
unsigned int evtchn_hits(evtchn_port_t port);
extern unsigned int evtchn_upcalls;
extern uint64_t evtchn_last_sel;    /* pending_sel seen by the last upcall */
extern uint8_t evtchn_upcall_mask_seen;     /* upcall_mask inside the last upcall */

/* vcpu_info.evtchn_upcall_mask; unmasking delivers what is pending. */
void events_enable(void);
void events_disable(void);

/*
 * SCHEDOP_block: sleep until an event is pending.  It unmasks events, so
 * the upcall runs before it returns; events stay unmasked afterwards.
 */
long sched_block(void);
/* SCHEDOP_poll on the given ports until one is pending or the absolute
 * system time `timeout` (0: none) passes.  Events stay masked. */
long sched_poll(evtchn_port_t *ports, unsigned int n, uint64_t timeout);
/* SCHEDOP_yield: let other vCPUs run (while waiting for a peer domain). */
long sched_yield(void);

#endif
