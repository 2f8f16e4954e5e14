/* Local APIC (xAPIC, memory-mapped). */
#ifndef HV_APIC_H
#define HV_APIC_H

#include <hv/types.h>

void lapic_init(void);
void lapic_eoi(void);
unsigned int lapic_id(void);

/* Sets the timer up one-shot: TSC-deadline mode if the CPU has it, else
 * calibrated against the TSC (needs tsc_khz).  reprogram_timer() (time.h)
 * then arms it. */
void lapic_timer_calibrate(void);

#endif
