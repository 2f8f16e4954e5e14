/*
 * A local APIC in xAPIC mode (memory-mapped at IA32_APIC_BASE, by
 * default 0xfee00000): ID, version, TPR/PPR, EOI, LDR/DFR, SVR, the
 * ISR/TMR/IRR bitmaps, ESR, the ICR, six LVT entries and the timer.
 * Interrupts are accepted into IRR and presented when their priority
 * class is above the PPR; acknowledging moves them to ISR, EOI ends the
 * highest in service (and, for a level-triggered one, tells the IOAPIC).
 *
 * The timer counts at 1 GHz (one count per ns) through the divide
 * register, one-shot or periodic; TSC-deadline mode is not offered.  Its
 * expiry is an hv timer the platform code arms from
 * vlapic_timer_deadline().  The ICR sends fixed and lowest-priority IPIs
 * to this APIC itself (the only vCPU); other IPIs are ignored.
 *
 * x2APIC mode (IA32_APIC_BASE.EXTD) offers the same registers as MSRs
 * 0x800 + offset / 16, with the SDM's differences: a 32-bit ID (read
 * only), an LDR derived from it (cluster << 16 | 1 << (ID & 15)), no DFR
 * or APR, the ICR as one 64-bit MSR with a 32-bit destination, SELF IPI;
 * reserved MSRs, reads of write-only and writes of read-only ones and
 * reserved bits are #GP.
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define APIC_ID         0x020
#define APIC_LVR        0x030
#define APIC_TASKPRI    0x080
#define APIC_ARBPRI     0x090
#define APIC_PROCPRI    0x0a0
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SPIV       0x0f0
#define APIC_ISR        0x100
#define APIC_TMR        0x180
#define APIC_IRR        0x200
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310
#define APIC_LVTT       0x320
#define APIC_LVT_LAST   0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0

#define APIC_VERSION    0x00050014          /* 6 LVT entries, version 0x14 */
#define SPIV_ENABLE     (1u << 8)
#define LVT_MASKED      (1u << 16)
#define LVT_DELMODE     (7u << 8)
#define LVT_EXTINT      (7u << 8)
#define LVT_TIMER_PERIODIC (1u << 17)
#define ICR_DELMODE     (7u << 8)
#define ICR_LOGICAL     (1u << 11)
#define ICR_SHORTHAND   (3u << 18)
#define ICR_SELF        (1u << 18)
#define ICR_ALL_INCL    (2u << 18)
#define ESR_RECV_ILLEGAL (1u << 6)
#define ESR_SEND_ILLEGAL (1u << 5)

/* Writable bits of each LVT entry (timer, thermal, perf, LINT0/1, error). */
static const u32 lvt_mask[VLAPIC_NR_LVT] = {
    0x300ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff,
};

static bool test_vec(const u32 *bm, unsigned int v)
{
    return bm[v / 32] & (1u << (v % 32));
}

static void set_vec(u32 *bm, unsigned int v)
{
    bm[v / 32] |= 1u << (v % 32);
}

static void clear_vec(u32 *bm, unsigned int v)
{
    bm[v / 32] &= ~(1u << (v % 32));
}

/* Highest vector set in a 256-bit map, or -1. */
static int highest(const u32 *bm)
{
    for (int i = 7; i >= 0; i--)
        if (bm[i])
            return i * 32 + 31 - __builtin_clz(bm[i]);
    return -1;
}

void vlapic_reset(struct vlapic *l, unsigned int id)
{
    /* Everything but the base MSR and the hv timer (the last field). */
    memset(&l->id, 0, offsetof(struct vlapic, timer) - offsetof(struct vlapic, id));
    l->id = id << 24;
    l->dfr = 0xffffffff;
    l->svr = 0xff;
    for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
        l->lvt[i] = LVT_MASKED;
}

bool vlapic_enabled(const struct vlapic *l)
{
    return (l->base_msr & APIC_BASE_ENABLE) && (l->svr & SPIV_ENABLE);
}

bool vlapic_accepts_pic(const struct vlapic *l)
{
    return !vlapic_enabled(l) ||
           (l->lvt[LVT_LINT0] & (LVT_MASKED | LVT_DELMODE)) == LVT_EXTINT;
}

bool vlapic_x2apic_mode(const struct vlapic *l)
{
    return (l->base_msr & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
           (APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

static u32 x2apic_id(const struct vlapic *l)
{
    return l->id >> 24;
}

static u32 x2apic_ldr(const struct vlapic *l)
{
    return ((x2apic_id(l) >> 4) << 16) | (1u << (x2apic_id(l) & 0xf));
}

/* A 32-bit x2APIC destination: physical ID (all ones: everyone) or a
 * logical cluster and member bitmap. */
static bool x2apic_match_dest(const struct vlapic *l, bool logical, u32 dest)
{
    u32 ldr = x2apic_ldr(l);

    if (dest == 0xffffffff)
        return true;
    if (!logical)
        return dest == x2apic_id(l);
    return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
}

bool vlapic_match_dest(const struct vlapic *l, bool logical, u8 dest)
{
    u8 ldr = l->ldr >> 24;

    if (vlapic_x2apic_mode(l))
        return x2apic_match_dest(l, logical, dest == 0xff ? 0xffffffff : dest);
    if (!logical)
        return dest == 0xff || dest == (l->id >> 24);
    if ((l->dfr >> 28) == 0xf)              /* flat model */
        return (ldr & dest) != 0;
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);   /* cluster */
}

bool vlapic_set_irq(struct vlapic *l, u8 vector, bool level)
{
    if (vector < 16) {
        l->esr_pending |= ESR_RECV_ILLEGAL;
        return false;
    }
    set_vec(l->irr, vector);
    if (level)
        set_vec(l->tmr, vector);
    else
        clear_vec(l->tmr, vector);
    return true;
}

static u32 ppr(const struct vlapic *l)
{
    int isrv = highest(l->isr);
    u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

    return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

int vlapic_pending_vector(const struct vlapic *l)
{
    int v = highest(l->irr);

    if (v < 0 || !vlapic_enabled(l) || ((u32)v & 0xf0) <= (ppr(l) & 0xf0))
        return -1;
    return v;
}

void vlapic_ack(struct vlapic *l, u8 vector)
{
    clear_vec(l->irr, vector);
    set_vec(l->isr, vector);
}

/* EOI: ends the highest vector in service; its number if level-triggered. */
static int eoi(struct vlapic *l)
{
    int v = highest(l->isr);

    if (v < 0)
        return -1;
    clear_vec(l->isr, v);
    return test_vec(l->tmr, v) ? v : -1;
}

static u32 divide(const struct vlapic *l)
{
    u32 d = l->timer_divide_reg;

    return 1u << ((((d & 3) | ((d & 8) >> 1)) + 1) & 7);
}

s_time_t vlapic_timer_deadline(const struct vlapic *l)
{
    return l->timer_deadline;
}

static void timer_start(struct vlapic *l, s_time_t now)
{
    l->timer_period = (s_time_t)l->timer_initial * divide(l);
    l->timer_deadline = l->timer_initial ? now + l->timer_period : 0;
}

void vlapic_timer_fire(struct vlapic *l, s_time_t now)
{
    u32 lvt = l->lvt[LVT_TIMER];

    if (!l->timer_deadline || now < l->timer_deadline)
        return;
    if (!(lvt & LVT_MASKED) && vlapic_enabled(l))
        vlapic_set_irq(l, lvt & 0xff, false);
    if ((lvt & LVT_TIMER_PERIODIC) && l->timer_period) {
        l->timer_deadline += l->timer_period;
        /* Periods missed while nobody ran are dropped. */
        if (l->timer_deadline <= now)
            l->timer_deadline = now + l->timer_period;
    } else {
        l->timer_deadline = 0;
    }
}

static u32 current_count(const struct vlapic *l, s_time_t now)
{
    if (!l->timer_deadline || now >= l->timer_deadline)
        return 0;
    return (u32)((l->timer_deadline - now) / divide(l));
}

static void send_ipi(struct vlapic *l)
{
    u32 icr = l->icr_lo, mode = icr & ICR_DELMODE;
    bool self, logical = icr & ICR_LOGICAL;

    if (mode > (1u << 8))                   /* fixed and lowest priority only */
        return;
    switch (icr & ICR_SHORTHAND) {
    case ICR_SELF:
    case ICR_ALL_INCL:
        self = true;
        break;
    case 0:
        self = vlapic_x2apic_mode(l) ? x2apic_match_dest(l, logical, l->icr_hi)
                                     : vlapic_match_dest(l, logical, l->icr_hi >> 24);
        break;
    default:
        self = false;                       /* all but self: nobody else */
        break;
    }
    if (!self)
        return;
    if ((icr & 0xff) < 16) {
        l->esr_pending |= ESR_SEND_ILLEGAL;
        return;
    }
    vlapic_set_irq(l, icr & 0xff, false);
}

u32 vlapic_read(struct vlapic *l, unsigned int off, s_time_t now)
{
    if (off & 0xf)
        return 0;
    if (off >= APIC_ISR && off < APIC_ISR + 0x80)
        return l->isr[(off - APIC_ISR) >> 4];
    if (off >= APIC_TMR && off < APIC_TMR + 0x80)
        return l->tmr[(off - APIC_TMR) >> 4];
    if (off >= APIC_IRR && off < APIC_IRR + 0x80)
        return l->irr[(off - APIC_IRR) >> 4];
    if (off >= APIC_LVTT && off <= APIC_LVT_LAST)
        return l->lvt[(off - APIC_LVTT) >> 4];
    switch (off) {
    case APIC_ID:       return l->id;
    case APIC_LVR:      return APIC_VERSION;
    case APIC_TASKPRI:  return l->tpr;
    case APIC_PROCPRI:  return ppr(l);
    case APIC_LDR:      return l->ldr;
    case APIC_DFR:      return l->dfr;
    case APIC_SPIV:     return l->svr;
    case APIC_ESR:      return l->esr;
    case APIC_ICR:      return l->icr_lo;
    case APIC_ICR2:     return l->icr_hi;
    case APIC_TMICT:    return l->timer_initial;
    case APIC_TMCCT:    return current_count(l, now);
    case APIC_TDCR:     return l->timer_divide_reg;
    default:            return 0;           /* APR, EOI, reserved */
    }
}

int vlapic_write(struct vlapic *l, unsigned int off, u32 val, s_time_t now)
{
    if (off & 0xf)
        return -1;
    if (off >= APIC_LVTT && off <= APIC_LVT_LAST) {
        unsigned int i = (off - APIC_LVTT) >> 4;

        /* While software-disabled, every LVT entry stays masked. */
        l->lvt[i] = (val & lvt_mask[i]) |
                    (l->svr & SPIV_ENABLE ? 0 : LVT_MASKED);
        return -1;
    }
    switch (off) {
    case APIC_ID:
        l->id = val & 0xff000000;
        break;
    case APIC_TASKPRI:
        l->tpr = val & 0xff;
        break;
    case APIC_EOI:
        return eoi(l);
    case APIC_LDR:
        l->ldr = val & 0xff000000;
        break;
    case APIC_DFR:
        l->dfr = val | 0x0fffffff;
        break;
    case APIC_SPIV:
        l->svr = val & 0x3ff;
        if (!(val & SPIV_ENABLE))
            for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
                l->lvt[i] |= LVT_MASKED;
        break;
    case APIC_ESR:
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        break;
    case APIC_ICR:
        l->icr_lo = val & ~(1u << 12);      /* delivery status: always idle */
        send_ipi(l);
        break;
    case APIC_ICR2:
        l->icr_hi = val & 0xff000000;
        break;
    case APIC_TMICT:
        l->timer_initial = val;
        timer_start(l, now);
        break;
    case APIC_TDCR:
        l->timer_divide_reg = val & 0xb;
        break;
    default:
        break;                              /* read-only or reserved */
    }
    return -1;
}

bool vlapic_set_base(struct vlapic *l, u64 val)
{
    u64 reserved = ~(APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_EXTD |
                     APIC_BASE_BSP);
    bool was_x2 = vlapic_x2apic_mode(l), to_x2 = (val & APIC_BASE_EXTD) != 0;

    if ((val & reserved) || ((val ^ l->base_msr) & APIC_BASE_BSP))
        return false;
    /* EXTD without EN is invalid; x2APIC is left only by disabling the
     * APIC, and entered only from xAPIC mode. */
    if (to_x2 && !(val & APIC_BASE_ENABLE))
        return false;
    if (was_x2 && !to_x2 && (val & APIC_BASE_ENABLE))
        return false;
    if (!was_x2 && to_x2 && !(l->base_msr & APIC_BASE_ENABLE))
        return false;
    if (!was_x2 && to_x2)
        l->ldr = x2apic_ldr(l);
    /* Turning the APIC off resets it. */
    if (!(val & APIC_BASE_ENABLE) && (l->base_msr & APIC_BASE_ENABLE))
        vlapic_reset(l, l->id >> 24);
    l->base_msr = val;
    return true;
}

#define X2APIC_SELF_IPI     0x83f       /* MSR = 0x800 + offset / 16 */
#define APIC_SELF_IPI       0x3f0
/* ICR bits that exist in x2APIC mode: vector, delivery and destination
 * mode, level, trigger, shorthand, the destination. */
#define X2APIC_ICR_VALID    (0xffffffff000ccfffull)

bool vlapic_x2apic_read(struct vlapic *l, u32 msr, u64 *val, s_time_t now)
{
    unsigned int off = (msr - 0x800) << 4;

    if (!vlapic_x2apic_mode(l) || msr < 0x800 || msr > 0x8ff)
        return false;
    switch (off) {
    case APIC_ID:
        *val = x2apic_id(l);
        return true;
    case APIC_LDR:
        *val = x2apic_ldr(l);
        return true;
    case APIC_ICR:
        *val = ((u64)l->icr_hi << 32) | l->icr_lo;
        return true;
    case APIC_LVR: case APIC_TASKPRI: case APIC_PROCPRI: case APIC_SPIV:
    case APIC_ESR: case APIC_TMICT: case APIC_TMCCT: case APIC_TDCR:
        break;
    default:
        if (!(off >= APIC_ISR && off < APIC_IRR + 0x80) &&
            !(off >= APIC_LVTT && off <= APIC_LVT_LAST))
            return false;           /* DFR, APR, EOI, ICR2, SELF IPI, reserved */
        break;
    }
    *val = vlapic_read(l, off, now);
    return true;
}

bool vlapic_x2apic_write(struct vlapic *l, u32 msr, u64 val, s_time_t now,
                         int *eoi_vector)
{
    unsigned int off = (msr - 0x800) << 4;
    u32 v = (u32)val, mask;

    *eoi_vector = -1;
    if (!vlapic_x2apic_mode(l) || msr < 0x800 || msr > 0x8ff)
        return false;
    if (off == APIC_ICR) {
        if (val & ~X2APIC_ICR_VALID)
            return false;
        l->icr_hi = val >> 32;
        l->icr_lo = v;
        send_ipi(l);
        return true;
    }
    if (val >> 32)
        return false;
    if (off >= APIC_LVTT && off <= APIC_LVT_LAST) {
        if (v & ~lvt_mask[(off - APIC_LVTT) >> 4])
            return false;
        vlapic_write(l, off, v, now);
        return true;
    }
    switch (off) {
    case APIC_TASKPRI:  mask = 0xff; break;
    case APIC_SPIV:     mask = 0x3ff; break;
    case APIC_TMICT:    mask = 0xffffffff; break;
    case APIC_TDCR:     mask = 0xb; break;
    case APIC_EOI:      mask = 0; break;
    case APIC_ESR:      mask = 0; break;
    case APIC_SELF_IPI: mask = 0xff; break;
    default:
        return false;               /* read-only (ID, LDR, ...) or reserved */
    }
    if (v & ~mask)
        return false;
    if (msr == X2APIC_SELF_IPI) {
        if (v < 16)
            l->esr_pending |= ESR_SEND_ILLEGAL;
        else
            vlapic_set_irq(l, v, false);
        return true;
    }
    *eoi_vector = vlapic_write(l, off, v, now);
    return true;
}
