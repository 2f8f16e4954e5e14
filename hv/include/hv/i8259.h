/* The legacy 8259 PICs (i8259.c): hv's watchdog line and the lines it
 * passes to the hardware domain (pirq.c). */
#ifndef HV_I8259_H
#define HV_I8259_H

#include <hv/types.h>

#define PIC_NR_LINES 16

/* Remaps both PICs to PIC_MASTER_VECTOR/PIC_SLAVE_VECTOR, every line masked. */
void pic_init(void);
/* Open or close one line (the cascade follows the slave's lines). */
void pic_unmask(unsigned int line);
void pic_mask(unsigned int line);
/* Non-specific EOI for line: the slave's then the master's. */
void pic_eoi(unsigned int line);
/* Is line in service?  False for a spurious IRQ 7 or 15. */
bool pic_in_service(unsigned int line);

#endif
