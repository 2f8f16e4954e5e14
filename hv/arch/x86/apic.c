/*
 * The legacy PICs are remapped to 0x20-0x2f (i8259.c); hv uses the local APIC
 * (xAPIC, memory-mapped, uncached) for its timer.  The timer runs
 * one-shot: in TSC-deadline mode when the CPU has it, otherwise with a
 * count calibrated against the TSC.
 *
 * Only the timer softirq re-arms that one-shot timer, so one lost timer
 * interrupt (QEMU's TCG has been seen setting the IRR bit without
 * interrupting the CPU, docs/hvm.md "Debugging") would stop hv for good
 * while the CPU halts or a guest runs without exits.  A watchdog backs
 * it up: PIT channel 0, periodic at its slowest rate (18.2 Hz), through
 * the master 8259 and LINT0 as ExtINT, a path of its own in the
 * hardware.  Its interrupt stops a running guest (SVM intercepts INTR,
 * VMX exits on external interrupts) or wakes the idle loop, and raises
 * the timer softirq if the earliest timer is due.
 */
#include <hv/apic.h>
#include <hv/i8259.h>
#include <hv/traps.h>
#include <hv/time.h>
#include <hv/mapping.h>
#include <hv/processor.h>
#include <hv/cpufeature.h>
#include <hv/softirq.h>
#include <hv/io.h>
#include <hv/page.h>
#include <hv/lib.h>
#include <hv/timer.h>
#include <hv/cmdline.h>
#include <hv/bootinfo.h>

#define APIC_ID       0x020
#define APIC_TPR      0x080
#define APIC_EOI      0x0b0
#define APIC_SVR      0x0f0
#define APIC_ESR      0x280
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT    0x380
#define APIC_TMCCT    0x390
#define APIC_TDCR     0x3e0

#define APIC_SVR_ENABLE     (1 << 8)
#define APIC_LVT_MASKED     (1 << 16)
#define APIC_DM_NMI         (4 << 8)
#define APIC_DM_EXTINT      (7 << 8)
#define APIC_TIMER_ONESHOT  (0 << 17)
#define APIC_TIMER_TSC_DEADLINE (2 << 17)
#define APIC_TDCR_DIV_1     0xb
#define APIC_BASE_ENABLE    (1 << 11)

#define PIT_CH0        0x40
#define PIT_MODE       0x43
#define PIT_CH0_RATE   0x34        /* channel 0, lo/hi byte, mode 2 */
#define WATCHDOG_VECTOR (PIC_MASTER_VECTOR + 0)

static volatile u8 *lapic;
static bool tsc_deadline_mode;
static struct time_scale ns_to_apic;
static u64 apic_timer_hz;
/* "apic_lose_timer_irqs" (tests): never arm the timer, as if QEMU lost
 * every one of its interrupts; only the watchdog keeps hv's timers going. */
static bool lose_timer_irqs;

static u32 apic_read(unsigned int reg)
{
    return mmio_read32(lapic + reg);
}

static void apic_write(unsigned int reg, u32 v)
{
    mmio_write32(lapic + reg, v);
}

void lapic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

unsigned int lapic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

static void lapic_timer_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    lapic_eoi();
    raise_softirq(TIMER_SOFTIRQ);
}

static void timer_watchdog_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    pic_eoi(0);
    timer_raise_if_due();
}

/* Called after the timer calibration: PIT channel 0 is free from then on. */
static void timer_watchdog_start(void)
{
    set_irq_handler(WATCHDOG_VECTOR, timer_watchdog_interrupt);
    outb(PIT_CH0_RATE, PIT_MODE);
    outb(0, PIT_CH0);                   /* 0 is 65536: 18.2 Hz */
    outb(0, PIT_CH0);
    apic_write(APIC_LVT_LINT0, APIC_DM_EXTINT);
    pic_unmask(0);
    printk("apic: timer watchdog on PIT channel 0 at 18 Hz (8259, LINT0 ExtINT)%s\n",
           lose_timer_irqs ? "; the timer itself stays disarmed (apic_lose_timer_irqs)" : "");
}

static void lapic_error_interrupt(struct cpu_user_regs *regs)
{
    u32 esr;

    (void)regs;
    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    lapic_eoi();
    printk("apic: error interrupt, ESR %#x\n", esr);
}

static void lapic_spurious_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;         /* no EOI for a spurious interrupt */
}

void lapic_init(void)
{
    u64 base = rdmsr(MSR_IA32_APIC_BASE);
    paddr_t pa = base & PTE_ADDR_MASK;

    if (!boot_cpu_data.apic)
        panic("apic: no local APIC");
    wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic = ioremap(pa, 4096);
    lose_timer_irqs = cmdline_find(bootinfo.cmdline, "apic_lose_timer_irqs", NULL, 0);

    set_irq_handler(LOCAL_TIMER_VECTOR, lapic_timer_interrupt);
    set_irq_handler(ERROR_APIC_VECTOR, lapic_error_interrupt);
    set_irq_handler(SPURIOUS_APIC_VECTOR, lapic_spurious_interrupt);

    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
    apic_write(APIC_LVT_ERROR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    lapic_eoi();
    printk("apic: local APIC id %u at %016lx (xAPIC)\n", lapic_id(), pa);
}

void lapic_timer_calibrate(void)
{
    u32 left;
    const u32 start = 0xffffffff;

    tsc_deadline_mode = boot_cpu_data.tsc_deadline;
    if (tsc_deadline_mode) {
        apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | LOCAL_TIMER_VECTOR);
        /* Order the LVT write before any IA32_TSC_DEADLINE write. */
        asm volatile("mfence" ::: "memory");
        printk("apic: timer in TSC-deadline mode\n");
        timer_watchdog_start();
        return;
    }
    apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TMICT, start);
    udelay(10000);
    left = apic_read(APIC_TMCCT);
    apic_write(APIC_TMICT, 0);
    apic_timer_hz = (u64)(start - left) * 100;
    if (!apic_timer_hz)
        panic("apic: timer does not count");
    time_scale_compute(&ns_to_apic, 1000000000UL, apic_timer_hz);
    apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | LOCAL_TIMER_VECTOR);
    printk("apic: timer one-shot at %lu kHz (calibrated against the TSC)\n",
           apic_timer_hz / 1000);
    timer_watchdog_start();
}

void reprogram_timer(s_time_t deadline)
{
    s_time_t delta;
    u64 count;

    if (lose_timer_irqs)
        deadline = 0;
    if (tsc_deadline_mode) {
        /* A deadline already passed fires at once; 0 disarms. */
        wrmsr(MSR_IA32_TSC_DEADLINE, deadline ? max(ns_to_tsc(deadline), 1UL) : 0);
        return;
    }
    if (!deadline) {
        apic_write(APIC_TMICT, 0);
        return;
    }
    delta = deadline - NOW();
    if (delta < MICROSECS(1))
        delta = MICROSECS(1);
    count = scale_delta(delta, &ns_to_apic);
    /* Too far out: fire early; the timer code simply re-arms. */
    apic_write(APIC_TMICT, (u32)min(max(count, 1UL), 0xffffffffUL));
}
