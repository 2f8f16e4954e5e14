/* Native interrupt controller: the two cascaded 8259 PICs, IRQs at 32-47. */
#include "pvops.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

static uint16_t pic_mask = 0xfffb;   /* everything masked but the cascade */

static void pic_write_mask(void)
{
	outb(PIC1_DATA, pic_mask & 0xff);
	outb(PIC2_DATA, pic_mask >> 8);
}

void native_pic_init(void)
{
	outb(PIC1_CMD, 0x11);            /* ICW1: edge, cascade, ICW4 */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 32);             /* ICW2: vector base */
	outb(PIC2_DATA, 40);
	outb(PIC1_DATA, 4);              /* ICW3: slave on IR2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);              /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	pic_write_mask();
}

static void pic_unmask(int irq)
{
	pic_mask &= ~(1u << irq);
	pic_write_mask();
}

static void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, 0x20);
	outb(PIC1_CMD, 0x20);
}

static int pic_isa_irq(unsigned int line)
{
	return line < 16 && line != 2 ? (int)line : -1;    /* 2: the cascade */
}

const struct pv_irq_ops native_irq_ops = {
	.unmask = pic_unmask,
	.eoi = pic_eoi,
	.isa_irq = pic_isa_irq,
};
