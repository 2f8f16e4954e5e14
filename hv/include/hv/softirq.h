/*
 * Deferred work: interrupt handlers raise a softirq; the idle loop (and,
 * later, the return-to-guest path) runs pending ones with interrupts on.
 */
#ifndef HV_SOFTIRQ_H
#define HV_SOFTIRQ_H

#include <hv/types.h>
#include <hv/percpu.h>

enum {
    TIMER_SOFTIRQ,
    PIRQ_SOFTIRQ,           /* the hardware domain's IRQs, to its ports */
    NR_SOFTIRQS
};

typedef void (*softirq_handler_t)(void);

void open_softirq(unsigned int nr, softirq_handler_t fn);
void raise_softirq(unsigned int nr);
/* Per-CPU pending bits; read inline on every exit to a guest. */
extern unsigned long softirq_pending_mask[NR_CPUS];

static inline bool softirq_pending(unsigned int cpu)
{
    return __atomic_load_n(&softirq_pending_mask[cpu], __ATOMIC_SEQ_CST) != 0;
}
void do_softirq(void);

#endif
