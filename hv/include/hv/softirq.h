/*
 * Deferred work: interrupt handlers raise a softirq; the idle loop (and,
 * later, the return-to-guest path) runs pending ones with interrupts on.
 */
#ifndef HV_SOFTIRQ_H
#define HV_SOFTIRQ_H

#include <hv/types.h>

enum {
    TIMER_SOFTIRQ,
    NR_SOFTIRQS
};

typedef void (*softirq_handler_t)(void);

void open_softirq(unsigned int nr, softirq_handler_t fn);
void raise_softirq(unsigned int nr);
bool softirq_pending(unsigned int cpu);
void do_softirq(void);

#endif
