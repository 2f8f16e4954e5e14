/*
 * The legacy 8259 PICs, remapped to vectors 0x20-0x2f.  hv keeps a copy of
 * both mask registers: lines are opened and closed from hypercalls and
 * from interrupt handlers, so each update runs with interrupts off.  The
 * cascade (master line 2) is open exactly while some slave line is.
 */
#include <hv/i8259.h>
#include <hv/io.h>
#include <hv/processor.h>
#include <hv/traps.h>

#define PIC1_CMD    0x20
#define PIC1_DATA   0x21
#define PIC2_CMD    0xa0
#define PIC2_DATA   0xa1
#define PIC_EOI     0x20
#define PIC_READ_ISR 0x0b
#define CASCADE_LINE 2

static u16 pic_masks = 0xffff;          /* bit n: line n masked */

static void pic_write_masks(void)
{
    u16 m = pic_masks;

    if ((m & 0xff00) != 0xff00)
        m &= ~(1u << CASCADE_LINE);
    else
        m |= 1u << CASCADE_LINE;
    outb(m & 0xff, PIC1_DATA);
    outb(m >> 8, PIC2_DATA);
}

void pic_init(void)
{
    /* ICW1-4: edge, cascade, vectors 0x20/0x28, 8086 mode; then mask all. */
    outb(0x11, PIC1_CMD);
    outb(0x11, PIC2_CMD);
    outb(PIC_MASTER_VECTOR, PIC1_DATA);
    outb(PIC_SLAVE_VECTOR, PIC2_DATA);
    outb(1u << CASCADE_LINE, PIC1_DATA);
    outb(CASCADE_LINE, PIC2_DATA);
    outb(0x01, PIC1_DATA);
    outb(0x01, PIC2_DATA);
    pic_masks = 0xffff;
    pic_write_masks();
}

void pic_unmask(unsigned int line)
{
    unsigned long flags = local_irq_save();

    pic_masks &= ~(1u << line);
    pic_write_masks();
    local_irq_restore(flags);
}

void pic_mask(unsigned int line)
{
    unsigned long flags = local_irq_save();

    pic_masks |= 1u << line;
    pic_write_masks();
    local_irq_restore(flags);
}

void pic_eoi(unsigned int line)
{
    if (line >= 8)
        outb(PIC_EOI, PIC2_CMD);
    outb(PIC_EOI, PIC1_CMD);
}

bool pic_in_service(unsigned int line)
{
    unsigned int cmd = line >= 8 ? PIC2_CMD : PIC1_CMD;

    outb(PIC_READ_ISR, cmd);
    return inb(cmd) & (1u << (line % 8));
}
