/*
 * The PC's two cascaded 8259A interrupt controllers (the slave's INT on
 * the master's IR2), as the 8259A datasheet describes them: ICW1-4
 * initialisation, OCW1 masks, OCW2 EOIs and rotation, OCW3 register
 * select, poll and special mask, auto-EOI, special fully nested mode, and
 * the ELCR (ports 0x4d0/0x4d1) choosing edge or level per input.
 *
 * Edge inputs latch a rising edge into IRR until it is acknowledged;
 * level inputs show the line in IRR.  An input is presented (INT high)
 * when it is unmasked and of higher priority than everything in service.
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

/* ELCR bits that may be set: IRQ 0, 1, 2, 8 and 13 are always edge. */
static const u8 elcr_writable[2] = { 0xf8, 0xde };

void vpic_reset(struct vpic pic[2])
{
    memset(pic, 0, 2 * sizeof(*pic));
    pic[0].is_master = true;
    pic[0].imr = pic[1].imr = 0xff;
}

/* Priority (0 highest) of the best line in mask, 8 if none. */
static unsigned int best_priority(const struct vpic *p, u8 mask)
{
    unsigned int prio = 0;

    if (!mask)
        return 8;
    while (!(mask & (1u << ((prio + p->priority_add) & 7))))
        prio++;
    return prio;
}

/* The line this 8259 presents, or -1. */
static int presented_irq(const struct vpic *p)
{
    unsigned int prio = best_priority(p, p->irr & ~p->imr), cur;
    u8 isr = p->isr;

    if (prio == 8)
        return -1;
    if (p->special_mask)
        isr &= ~p->imr;
    /* Special fully nested: the slave may interrupt its own cascade. */
    if (p->is_master && p->special_fully_nested)
        isr &= ~(1u << 2);
    cur = best_priority(p, isr);
    return prio < cur ? (int)((prio + p->priority_add) & 7) : -1;
}

static void set_line(struct vpic *p, unsigned int irq, bool level)
{
    u8 mask = 1u << irq;

    if (p->elcr & mask) {
        if (level)
            p->irr |= mask;
        else
            p->irr &= ~mask;
    } else if (level && !(p->line & mask)) {
        p->irr |= mask;
    }
    if (level)
        p->line |= mask;
    else
        p->line &= ~mask;
}

/* The slave's INT drives the master's IR2. */
static void update_cascade(struct vpic pic[2])
{
    set_line(&pic[0], 2, presented_irq(&pic[1]) >= 0);
}

bool vpic_output(const struct vpic pic[2])
{
    return presented_irq(&pic[0]) >= 0;
}

bool vpic_set_irq(struct vpic pic[2], unsigned int irq, bool level)
{
    if (irq < 8) {
        set_line(&pic[0], irq, level);
    } else {
        set_line(&pic[1], irq - 8, level);
        update_cascade(pic);
    }
    return vpic_output(pic);
}

/* Acknowledge line irq of p: in service (unless auto-EOI), IRR cleared
 * for an edge input. */
static void intack(struct vpic *p, unsigned int irq)
{
    u8 mask = 1u << irq;

    if (p->auto_eoi) {
        if (p->rotate_on_aeoi)
            p->priority_add = (irq + 1) & 7;
    } else {
        p->isr |= mask;
    }
    if (!(p->elcr & mask))
        p->irr &= ~mask;
}

u8 vpic_ack(struct vpic pic[2])
{
    int irq = presented_irq(&pic[0]), irq2;
    u8 vector;

    if (irq < 0)
        return pic[0].irq_base + 7;         /* spurious IRQ 7 */
    intack(&pic[0], irq);
    if (irq == 2) {
        irq2 = presented_irq(&pic[1]);
        if (irq2 >= 0) {
            intack(&pic[1], irq2);
        } else {
            irq2 = 7;                       /* spurious IRQ 15 */
        }
        vector = pic[1].irq_base + irq2;
        update_cascade(pic);
    } else {
        vector = pic[0].irq_base + irq;
    }
    return vector;
}

/* Non-specific EOI: ends the highest-priority interrupt in service. */
static int eoi_nonspecific(struct vpic *p)
{
    unsigned int prio = best_priority(p, p->isr);
    int irq;

    if (prio == 8)
        return -1;
    irq = (prio + p->priority_add) & 7;
    p->isr &= ~(1u << irq);
    return irq;
}

static void write_ocw2(struct vpic *p, u8 val)
{
    int irq;

    switch (val >> 5) {
    case 0:                                 /* rotate in AEOI: clear */
    case 4:                                 /* rotate in AEOI: set */
        p->rotate_on_aeoi = val >> 7;
        break;
    case 1:                                 /* non-specific EOI */
        eoi_nonspecific(p);
        break;
    case 5:                                 /* rotate on non-specific EOI */
        irq = eoi_nonspecific(p);
        if (irq >= 0)
            p->priority_add = (irq + 1) & 7;
        break;
    case 3:                                 /* specific EOI */
        p->isr &= ~(1u << (val & 7));
        break;
    case 7:                                 /* rotate on specific EOI */
        p->isr &= ~(1u << (val & 7));
        p->priority_add = (val + 1) & 7;
        break;
    case 6:                                 /* set priority */
        p->priority_add = (val + 1) & 7;
        break;
    default:                                /* 2: no operation */
        break;
    }
}

static void write_command(struct vpic *p, u8 val)
{
    if (val & 0x10) {                       /* ICW1 */
        u8 elcr = p->elcr;
        bool master = p->is_master;

        memset(p, 0, sizeof(*p));
        p->is_master = master;
        p->elcr = elcr;
        p->init_state = 1;
        p->icw4_needed = val & 1;
        p->single = val & 2;
    } else if (val & 0x08) {                /* OCW3 */
        if (val & 0x04)
            p->poll = true;
        if (val & 0x02)
            p->read_isr = val & 0x01;
        if (val & 0x40)
            p->special_mask = val & 0x20;
    } else {                                /* OCW2 */
        write_ocw2(p, val);
    }
}

static void write_data(struct vpic *p, u8 val)
{
    switch (p->init_state) {
    case 1:                                 /* ICW2: vector base */
        p->irq_base = val & 0xf8;
        p->init_state = p->single ? (p->icw4_needed ? 3 : 0) : 2;
        break;
    case 2:                                 /* ICW3: the wiring is fixed */
        p->init_state = p->icw4_needed ? 3 : 0;
        break;
    case 3:                                 /* ICW4 */
        p->auto_eoi = val & 0x02;
        p->special_fully_nested = val & 0x10;
        p->init_state = 0;
        break;
    default:                                /* OCW1 */
        p->imr = val;
        break;
    }
}

void vpic_write(struct vpic pic[2], unsigned int port, u8 val)
{
    switch (port) {
    case 0x20: write_command(&pic[0], val); break;
    case 0x21: write_data(&pic[0], val); break;
    case 0xa0: write_command(&pic[1], val); break;
    case 0xa1: write_data(&pic[1], val); break;
    case 0x4d0: pic[0].elcr = val & elcr_writable[0]; break;
    case 0x4d1: pic[1].elcr = val & elcr_writable[1]; break;
    default: return;
    }
    update_cascade(pic);
}

/* Poll mode: the read acknowledges the best line (bit 7 set if any). */
static u8 poll_read(struct vpic pic[2], unsigned int idx)
{
    struct vpic *p = &pic[idx];
    int irq = presented_irq(p);

    p->poll = false;
    if (irq < 0)
        return 0;
    intack(p, irq);
    update_cascade(pic);
    return 0x80 | irq;
}

u8 vpic_read(struct vpic pic[2], unsigned int port)
{
    unsigned int idx = port == 0xa0 || port == 0xa1 || port == 0x4d1;
    struct vpic *p = &pic[idx];

    switch (port) {
    case 0x20:
    case 0xa0:
        if (p->poll)
            return poll_read(pic, idx);
        return p->read_isr ? p->isr : p->irr;
    case 0x21:
    case 0xa1:
        return p->imr;
    case 0x4d0:
    case 0x4d1:
        return p->elcr;
    default:
        return 0xff;
    }
}
