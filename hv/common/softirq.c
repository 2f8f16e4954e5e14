/* Softirqs: per-CPU pending bits, run with interrupts enabled. */
#include <hv/softirq.h>
#include <hv/percpu.h>
#include <hv/processor.h>
#include <hv/lib.h>

static softirq_handler_t softirq_handlers[NR_SOFTIRQS];
__hot_data unsigned long softirq_pending_mask[NR_CPUS];

void open_softirq(unsigned int nr, softirq_handler_t fn)
{
    BUG_ON(nr >= NR_SOFTIRQS);
    softirq_handlers[nr] = fn;
}

void raise_softirq(unsigned int nr)
{
    __atomic_or_fetch(&softirq_pending_mask[smp_processor_id()], 1UL << nr,
                      __ATOMIC_SEQ_CST);
}

void do_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long pending;

    while ((pending = __atomic_exchange_n(&softirq_pending_mask[cpu], 0,
                                          __ATOMIC_SEQ_CST)) != 0) {
        for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++)
            if ((pending & (1UL << nr)) && softirq_handlers[nr])
                softirq_handlers[nr]();
    }
}
