/*
 * One-shot software timers.  Each timer belongs to the CPU that ran
 * init_timer() on it; expired timers run in TIMER_SOFTIRQ on that CPU, in
 * order of expiry, with interrupts enabled.  A handler may re-arm its own
 * timer.  Expiry times are absolute system time (NOW()).
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <hv/types.h>
#include <hv/list.h>

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;
    bool active;
    struct list_head entry;     /* in the CPU's queue, sorted by expires */
};

void init_timer(struct timer *t, void (*fn)(void *), void *data);
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);

/* Raises TIMER_SOFTIRQ if this CPU's earliest timer is already due.  For
 * the places where hv would otherwise wait on the timer interrupt (the
 * idle loop, the way back to a guest): one lost interrupt then makes a
 * timer late instead of stopping every timer for good. */
void timer_raise_if_due(void);

void timer_subsystem_init(void);

#endif
