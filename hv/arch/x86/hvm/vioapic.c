/*
 * An 82093AA-style IOAPIC, version 0x11, 24 pins, at 0xfec00000:
 * IOREGSEL at 0x00 selects a register, IOWIN at 0x10 reads or writes it
 * (ID, version, arbitration, and each pin's 64-bit redirection entry).
 * An unmasked edge pin sends its message on a rising edge; a level pin
 * sends while asserted unless its remote IRR says the last message was
 * not yet EOIed by the local APIC.  Delivery of the message is the
 * caller's (irq.c); ExtINT entries send nothing (the 8259 output reaches
 * the CPU directly).  Pins take the line's logical level: the polarity
 * bit is kept but every ISA line is active high (the MADT says so).
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define IOREGSEL        0x00
#define IOWIN           0x10
#define REG_ID          0x00
#define REG_VERSION     0x01
#define REG_ARB         0x02
#define REG_REDIR       0x10

#define RTE_VECTOR      0xffull
#define RTE_DELMODE     (7ull << 8)
#define RTE_DELMODE_EXTINT (7ull << 8)
#define RTE_DELMODE_NMI (4ull << 8)
#define RTE_DESTMODE    (1ull << 11)
#define RTE_DELIVS      (1ull << 12)
#define RTE_POLARITY    (1ull << 13)
#define RTE_REMOTE_IRR  (1ull << 14)
#define RTE_LEVEL       (1ull << 15)
#define RTE_MASKED      (1ull << 16)
#define RTE_RO_BITS     (RTE_DELIVS | RTE_REMOTE_IRR)
#define RTE_WRITABLE    (RTE_VECTOR | RTE_DELMODE | RTE_DESTMODE | RTE_POLARITY | \
                         RTE_LEVEL | RTE_MASKED | (0xffull << 56))

void vioapic_reset(struct vioapic *io)
{
    memset(io, 0, sizeof(*io));
    io->id = 1;                             /* the MADT's IOAPIC id */
    for (unsigned int i = 0; i < VIOAPIC_NR_PINS; i++)
        io->redir[i] = RTE_MASKED;
}

/* Builds pin's message; false if the entry sends none. */
static bool make_msg(struct vioapic *io, unsigned int pin, struct vioapic_msg *msg)
{
    u64 e = io->redir[pin];
    u64 mode = e & RTE_DELMODE;

    if ((e & RTE_MASKED) || mode == RTE_DELMODE_EXTINT || mode == RTE_DELMODE_NMI)
        return false;
    if (((e & RTE_LEVEL) && (e & RTE_REMOTE_IRR)) || (e & RTE_VECTOR) < 16)
        return false;
    if (e & RTE_LEVEL)
        io->redir[pin] |= RTE_REMOTE_IRR;
    msg->vector = e & RTE_VECTOR;
    msg->level = e & RTE_LEVEL;
    msg->logical = e & RTE_DESTMODE;
    msg->dest = e >> 56;
    return true;
}

bool vioapic_set_pin(struct vioapic *io, unsigned int pin, bool level,
                     struct vioapic_msg *msg)
{
    u32 bit;
    bool was;

    if (pin >= VIOAPIC_NR_PINS)
        return false;
    bit = 1u << pin;
    was = io->pin_level & bit;
    if (level)
        io->pin_level |= bit;
    else
        io->pin_level &= ~bit;
    if (!level)
        return false;
    if (!(io->redir[pin] & RTE_LEVEL) && was)
        return false;                       /* no edge */
    return make_msg(io, pin, msg);
}

u32 vioapic_eoi(struct vioapic *io, u8 vector)
{
    u32 resend = 0;

    for (unsigned int pin = 0; pin < VIOAPIC_NR_PINS; pin++) {
        u64 *e = &io->redir[pin];

        if ((*e & RTE_VECTOR) != vector || !(*e & RTE_REMOTE_IRR))
            continue;
        *e &= ~RTE_REMOTE_IRR;
        if ((*e & RTE_LEVEL) && (io->pin_level & (1u << pin)))
            resend |= 1u << pin;
    }
    return resend;
}

bool vioapic_pin_msg(struct vioapic *io, unsigned int pin, struct vioapic_msg *msg)
{
    return pin < VIOAPIC_NR_PINS && make_msg(io, pin, msg);
}

u32 vioapic_mmio_read(struct vioapic *io, unsigned int off)
{
    unsigned int reg = io->ioregsel, pin;

    if (off == IOREGSEL)
        return io->ioregsel;
    if (off != IOWIN)
        return 0;
    switch (reg) {
    case REG_ID:
    case REG_ARB:
        return io->id << 24;
    case REG_VERSION:
        return ((VIOAPIC_NR_PINS - 1) << 16) | VIOAPIC_VERSION;
    default:
        pin = (reg - REG_REDIR) / 2;
        if (reg < REG_REDIR || pin >= VIOAPIC_NR_PINS)
            return 0;
        return reg & 1 ? io->redir[pin] >> 32 : (u32)io->redir[pin];
    }
}

bool vioapic_mmio_write(struct vioapic *io, unsigned int off, u32 val,
                        struct vioapic_msg *msg)
{
    unsigned int reg = io->ioregsel, pin;
    u64 *e, nv;

    if (off == IOREGSEL) {
        io->ioregsel = val & 0xff;
        return false;
    }
    if (off != IOWIN)
        return false;
    if (reg == REG_ID) {
        io->id = (val >> 24) & 0xf;
        return false;
    }
    pin = (reg - REG_REDIR) / 2;
    if (reg < REG_REDIR || pin >= VIOAPIC_NR_PINS)
        return false;
    e = &io->redir[pin];
    nv = reg & 1 ? ((u64)val << 32) | (u32)*e : (*e & ~0xffffffffull) | val;
    *e = (nv & RTE_WRITABLE) | (*e & RTE_RO_BITS);
    /* A level pin that is high sends once it is unmasked. */
    if ((*e & RTE_LEVEL) && (io->pin_level & (1u << pin)))
        return make_msg(io, pin, msg);
    return false;
}
