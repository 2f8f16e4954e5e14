/*
 * The 8254 programmable interval timer: three counters at 1.193182 MHz,
 * ports 0x40-0x42 (counters) and 0x43 (control word), plus port 0x61's
 * counter 2 gate and OUT bits.  Counters are not ticked: the count and
 * the OUT line are computed from the time since the count was loaded.
 * Counter 0 drives ISA IRQ 0 through an hv timer (platform.c asks
 * vpit_irq_done() for each next deadline); counter 2 is what guests
 * calibrate their TSC against.
 *
 * Modes: 0 (interrupt on terminal count), 1 and 5 (gate-triggered, taken
 * as 0 and 4), 2 (rate generator), 3 (square wave), 4 (software strobe).
 * Counters count in binary; BCD is accepted and shown in the status byte
 * but counts like binary.
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define NS_PER_SEC 1000000000ull

/* Input clock ticks in ns of time, and back (no 64-bit overflow). */
static u64 ns_to_ticks(u64 ns)
{
    return (ns / NS_PER_SEC) * PIT_HZ + (ns % NS_PER_SEC) * PIT_HZ / NS_PER_SEC;
}

static u64 ticks_to_ns(u64 ticks)
{
    return (ticks / PIT_HZ) * NS_PER_SEC + (ticks % PIT_HZ) * NS_PER_SEC / PIT_HZ;
}

static u64 elapsed_ticks(const struct vpit_channel *c, s_time_t now)
{
    return now > c->start ? ns_to_ticks(now - c->start) : 0;
}

static bool periodic(const struct vpit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

u16 vpit_count(const struct vpit_channel *c, s_time_t now)
{
    u64 t;

    if (!c->counting)
        return c->reload & 0xffff;
    t = elapsed_ticks(c, now);
    if (c->mode == 3)                       /* counts down by two */
        return (c->reload - (2 * t) % c->reload) & 0xfffe;
    if (periodic(c))
        return c->reload - t % c->reload;
    /* One-shot modes wrap around and keep counting down. */
    return (c->reload - t) & 0xffff;
}

bool vpit_out(const struct vpit_channel *c, s_time_t now)
{
    u64 t;

    if (!c->counting)
        return c->mode != 0;
    t = elapsed_ticks(c, now);
    switch (c->mode) {
    case 0:
    case 1:
        return t >= c->reload;
    case 2:                                 /* low for one tick per period */
        return (t % c->reload) != c->reload - 1;
    case 3:                                 /* high for the first half */
        return (t % c->reload) < (c->reload + 1) / 2;
    default:                                /* 4, 5: low for one tick */
        return t != c->reload;
    }
}

/* Counter 0: when its next interrupt (rising OUT edge) is due. */
static void schedule_irq(struct vpit *p)
{
    struct vpit_channel *c = &p->ch[0];

    p->irq_next = 0;
    p->irq_period = 0;
    if (!c->counting)
        return;
    if (periodic(c))
        p->irq_period = ticks_to_ns(c->reload);
    p->irq_next = c->start + ticks_to_ns(c->reload);
}

s_time_t vpit_irq_done(struct vpit *p, s_time_t now)
{
    if (!p->irq_period) {
        p->irq_next = 0;
        return 0;
    }
    p->irq_next += p->irq_period;
    /* Ticks missed while nobody ran are dropped, not delivered in a burst. */
    if (p->irq_next <= now)
        p->irq_next = now + p->irq_period;
    return p->irq_next;
}

static void load_count(struct vpit *p, unsigned int ch, u32 val, s_time_t now)
{
    struct vpit_channel *c = &p->ch[ch];

    c->reload = val ? val : 0x10000;
    c->null_count = false;
    c->counting = c->gate;
    c->start = now;
    if (ch == 0)
        schedule_irq(p);
}

static void write_counter(struct vpit *p, unsigned int ch, u8 val, s_time_t now)
{
    struct vpit_channel *c = &p->ch[ch];

    switch (c->access) {
    case 1:
        load_count(p, ch, val, now);
        break;
    case 2:
        load_count(p, ch, (u32)val << 8, now);
        break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
            c->null_count = true;
        } else {
            c->write_msb_next = false;
            load_count(p, ch, c->write_lsb | ((u32)val << 8), now);
        }
        break;
    }
}

static u8 status_byte(const struct vpit_channel *c, s_time_t now)
{
    return (vpit_out(c, now) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
           (c->access << 4) | (c->mode << 1) | c->bcd;
}

static void latch_count(struct vpit_channel *c, s_time_t now)
{
    if (c->count_latched)
        return;
    c->latched_count = vpit_count(c, now);
    c->count_latched = true;
    c->latched_msb_next = false;
}

static void write_control(struct vpit *p, u8 val, s_time_t now)
{
    unsigned int ch = val >> 6;
    struct vpit_channel *c;

    if (ch == 3) {                          /* read-back */
        for (unsigned int i = 0; i < 3; i++) {
            if (!(val & (2u << i)))
                continue;
            if (!(val & 0x20))
                latch_count(&p->ch[i], now);
            if (!(val & 0x10) && !p->ch[i].status_latched) {
                p->ch[i].latched_status = status_byte(&p->ch[i], now);
                p->ch[i].status_latched = true;
            }
        }
        return;
    }
    c = &p->ch[ch];
    if (!(val & 0x30)) {                    /* counter latch */
        latch_count(c, now);
        return;
    }
    c->access = (val >> 4) & 3;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;                       /* 6, 7 are 2, 3 */
    c->bcd = val & 1;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latched = false;
    c->status_latched = false;
    /* A new mode stops the counter until a count is written. */
    c->counting = false;
    c->null_count = true;
    if (ch == 0)
        schedule_irq(p);
}

static u8 read_counter(struct vpit_channel *c, s_time_t now)
{
    u16 count;
    u8 v;

    if (c->status_latched) {
        c->status_latched = false;
        return c->latched_status;
    }
    if (c->count_latched) {
        count = c->latched_count;
        if (c->access == 2 || (c->access == 3 && c->latched_msb_next)) {
            c->count_latched = false;
            return count >> 8;
        }
        if (c->access == 3) {
            c->latched_msb_next = true;
            return count & 0xff;
        }
        c->count_latched = false;
        return count & 0xff;
    }
    count = vpit_count(c, now);
    switch (c->access) {
    case 1:
        return count & 0xff;
    case 2:
        return count >> 8;
    default:
        v = c->read_msb_next ? count >> 8 : count & 0xff;
        c->read_msb_next = !c->read_msb_next;
        return v;
    }
}

/* Counter 2's gate (port 0x61 bit 0): a rising edge starts the count. */
static void set_gate2(struct vpit *p, bool gate, s_time_t now)
{
    struct vpit_channel *c = &p->ch[2];

    if (gate && !c->gate && !c->null_count) {
        c->counting = true;
        c->start = now;
    } else if (!gate && c->mode != 1 && c->mode != 5) {
        c->counting = false;
    }
    c->gate = gate;
}

void vpit_reset(struct vpit *p, s_time_t now)
{
    memset(p->ch, 0, sizeof(p->ch));
    for (unsigned int i = 0; i < 3; i++) {
        p->ch[i].access = 3;
        p->ch[i].mode = 3;
        p->ch[i].gate = i != 2;
        p->ch[i].reload = 0x10000;
        p->ch[i].null_count = true;
        p->ch[i].start = now;
    }
    p->speaker_data = false;
    p->irq_next = 0;
    p->irq_period = 0;
}

u8 vpit_read(struct vpit *p, unsigned int port, s_time_t now)
{
    switch (port) {
    case 0x40:
    case 0x41:
    case 0x42:
        return read_counter(&p->ch[port - 0x40], now);
    case 0x61:
        /* Bit 4 toggles with DRAM refresh, every 15.085 us. */
        return (p->ch[2].gate ? 0x01 : 0) | (p->speaker_data ? 0x02 : 0) |
               ((now / 15085) & 1 ? 0x10 : 0) |
               (vpit_out(&p->ch[2], now) ? 0x20 : 0);
    default:
        return 0xff;                        /* the control word is write-only */
    }
}

void vpit_write(struct vpit *p, unsigned int port, u8 val, s_time_t now)
{
    switch (port) {
    case 0x40:
    case 0x41:
    case 0x42:
        write_counter(p, port - 0x40, val, now);
        break;
    case 0x43:
        write_control(p, val, now);
        break;
    case 0x61:
        p->speaker_data = val & 0x02;
        set_gate2(p, val & 0x01, now);
        break;
    }
}
