/*
 * The 2-level event channel bitmaps (fact sheet §5): pending and mask bits
 * in shared_info, the selector word and upcall flag in vcpu_info.  Pure
 * functions on those structures, shared by hv and the host unit tests.
 * Every bit operation is atomic: the guest changes the same words.
 */
#ifndef HV_EVTCHN_2L_H
#define HV_EVTCHN_2L_H

#include <hv/types.h>

#define EVTCHN_2L_NEWLY_PENDING  1      /* the port's pending bit was clear */
#define EVTCHN_2L_KICK           2      /* the vCPU's upcall became pending */

/* Marks port pending for the vCPU owning vi; returns EVTCHN_2L_* bits. */
unsigned int evtchn_2l_set_pending(shared_info_t *s, vcpu_info_t *vi,
                                   evtchn_port_t port);
/* Clears port's mask; if it is pending, raises the upcall.  Returns
 * EVTCHN_2L_KICK if the upcall became pending. */
unsigned int evtchn_2l_unmask(shared_info_t *s, vcpu_info_t *vi,
                              evtchn_port_t port);
void evtchn_2l_clear_pending(shared_info_t *s, evtchn_port_t port);
bool evtchn_2l_is_pending(const shared_info_t *s, evtchn_port_t port);
bool evtchn_2l_is_masked(const shared_info_t *s, evtchn_port_t port);

#endif
