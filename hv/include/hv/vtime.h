/*
 * Time as PV guests see it (hv/common/vtime.c): pvclock records in each
 * vcpu_info, and the wallclock in shared_info.
 */
#ifndef HV_VTIME_H
#define HV_VTIME_H

#include <hv/domain.h>

/* Publishes system time in v's vcpu_info.time (pvclock, seqlock), and in
 * its registered copy when v is current. */
void update_vcpu_system_time(struct vcpu *v);
/* Copies vcpu_info.time to the registered area of the current vCPU v
 * under the same version protocol; false if the area was not writable
 * (guest user mode: retried on entry to kernel mode). */
bool update_vcpu_time_area(struct vcpu *v);
/* Writes the wallclock at system time 0 into d's shared_info. */
void update_domain_wallclock_time(struct domain *d);

#endif
