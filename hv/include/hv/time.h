/*
 * System time: nanoseconds since boot, from the TSC.  The scale is kept in
 * pvclock form, ns = ((tsc_delta << shift, or >> -shift) * mul) >> 32, so
 * the PV code can publish it to guests unchanged.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/types.h>

#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)
#define SECONDS(s)    ((s_time_t)(s) * 1000000000LL)

struct time_scale {
    u32 mul_frac;
    s8 shift;
};

/* Computes the scale that turns counts at from_hz into counts at to_hz
 * (from_hz = TSC Hz, to_hz = 1e9 gives the pvclock TSC->ns scale). */
void time_scale_compute(struct time_scale *ts, u64 from_hz, u64 to_hz);
/* Applies a scale: ((delta << shift, or >> -shift) * mul_frac) >> 32. */
u64 scale_delta(u64 delta, const struct time_scale *ts);

/* Calibrates the TSC against the PIT and starts system time. */
void time_init(void);
/* Arch hook for the timer subsystem: the next deadline, 0 for none. */
void reprogram_timer(s_time_t deadline);

extern u64 tsc_khz;

/* System time now, ns since time_init(). */
s_time_t NOW(void);

/* The TSC value at system time 0 and the TSC->ns scale, for pvclock. */
u64 time_tsc_base(void);
void time_get_scale(u32 *mul_frac, s8 *shift);

/* The TSC value at system time t (for TSC-deadline programming). */
u64 ns_to_tsc(s_time_t t);

/* Busy-waits (used before timers work and in drivers' short delays). */
void udelay(unsigned long us);

#endif
