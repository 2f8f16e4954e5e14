/* Time for PV test guests: the TSC and Xen's pvclock system time. */
#ifndef GUEST_TIME_H
#define GUEST_TIME_H

#include <stdint.h>

#define NS_PER_MS 1000000UL

uint64_t rdtsc(void);
/* Nanoseconds since the hypervisor booted, from vCPU 0's vcpu_time_info. */
uint64_t now_ns(void);

/* Timers of vCPU 0; each raises VIRQ_TIMER.  Return 0 or -errno. */
long set_timer_op(uint64_t deadline);       /* 0 cancels */
long set_singleshot_timer(uint64_t deadline, uint32_t flags);
long stop_singleshot_timer(void);
/* A PV vCPU starts with a 10 ms periodic timer; tests that count timer
 * events stop it first. */
long stop_periodic_timer(void);

#endif
