/*
 * The platform devices of an HVM domain wired into hv: their port
 * ranges, the hv timers behind the PIT, the RTC and the local APIC
 * timers, their interrupt lines, the UART's console output and input,
 * and what the power-off paths (ACPI S5, isa-debug-exit) do: shut down
 * this domain only.  The device logic itself is in vpic.c, vpit.c, ...
 */
#include <hv/hvm.h>
#include <hv/hvm_io.h>
#include <hv/hvm_irq.h>
#include <hv/time.h>
#include <hv/io.h>
#include <hv/pv.h>
#include <hv/lib.h>
#include <public/sched.h>

#define NS_PER_SEC      1000000000ull
#define UART_POLL       MILLISECS(20)
#define HV_COM1         0x3f8

/* The HVM domain that gets hv's serial input (only while no dom0 exists). */
static struct domain *console_input_domain;
static struct timer console_input_timer;

static u64 utc_ns(void)
{
    u64 sec;
    u32 nsec;

    wallclock_get(&sec, &nsec);
    return sec * NS_PER_SEC + nsec + (u64)NOW();
}

/* --- 8259 --- */

static bool pic_io(struct domain *d, unsigned int port, unsigned int size,
                   bool write, u32 *val)
{
    struct hvm_domain *h = d->hvm;

    for (unsigned int i = 0; i < size; i++) {
        if (write) {
            vpic_write(h->vpic, port + i, *val >> (8 * i));
        } else {
            if (!i)
                *val = 0;
            *val |= (u32)vpic_read(h->vpic, port + i) << (8 * i);
        }
    }
    /* An unmask or EOI may let a pending line through. */
    if (write && d->vcpu[0])
        hvm_vcpu_kick(d->vcpu[0]);
    return true;
}

/* --- 8254 --- */

static void pit_sync_timer(struct domain *d)
{
    struct vpit *p = &d->hvm->vpit;

    if (p->irq_next)
        set_timer(&p->timer, p->irq_next);
    else
        stop_timer(&p->timer);
}

static void pit_timer_fn(void *data)
{
    struct domain *d = data;
    struct vpit *p = &d->hvm->vpit;

    hvm_isa_irq_pulse(d, 0);
    vpit_irq_done(p, NOW());
    pit_sync_timer(d);
}

static bool pit_io(struct domain *d, unsigned int port, unsigned int size,
                   bool write, u32 *val)
{
    struct vpit *p = &d->hvm->vpit;

    if (size != 1)
        return false;
    if (!write) {
        *val = vpit_read(p, port, NOW());
        return true;
    }
    vpit_write(p, port, *val, NOW());
    if (port != 0x61)
        pit_sync_timer(d);
    return true;
}

/* --- RTC --- */

static void rtc_sync_irq(struct domain *d)
{
    if (vrtc_irq_level(&d->hvm->vrtc))
        hvm_isa_irq_assert(d, 8);
    else
        hvm_isa_irq_deassert(d, 8);
}

static void rtc_periodic_fn(void *data)
{
    struct domain *d = data;
    struct vrtc *r = &d->hvm->vrtc;
    s_time_t period = vrtc_periodic_period(r), now = NOW();

    if (!period)
        return;
    vrtc_periodic_tick(r);
    rtc_sync_irq(d);
    r->periodic_next += period;
    if (r->periodic_next <= now)
        r->periodic_next = now + period;
    set_timer(&r->periodic_timer, r->periodic_next);
}

/* Next whole second of the guest's clock, in system time. */
static s_time_t next_second(void)
{
    return NOW() + (s_time_t)(NS_PER_SEC - utc_ns() % NS_PER_SEC);
}

static void rtc_second_fn(void *data)
{
    struct domain *d = data;
    struct vrtc *r = &d->hvm->vrtc;

    vrtc_second_tick(r, utc_ns());
    rtc_sync_irq(d);
    if (r->cmos[RTC_REG_B] & 0x30)          /* UIE or AIE */
        set_timer(&r->second_timer, next_second());
}

static void rtc_sync_timers(struct domain *d)
{
    struct vrtc *r = &d->hvm->vrtc;
    s_time_t period = vrtc_periodic_period(r);

    if (period && !r->periodic_timer.active) {
        r->periodic_next = NOW() + period;
        set_timer(&r->periodic_timer, r->periodic_next);
    } else if (!period) {
        stop_timer(&r->periodic_timer);
    }
    if ((r->cmos[RTC_REG_B] & 0x30) && !r->second_timer.active)
        set_timer(&r->second_timer, next_second());
    else if (!(r->cmos[RTC_REG_B] & 0x30))
        stop_timer(&r->second_timer);
}

static bool rtc_io(struct domain *d, unsigned int port, unsigned int size,
                   bool write, u32 *val)
{
    struct vrtc *r = &d->hvm->vrtc;

    if (size != 1)
        return false;
    if (write) {
        vrtc_write(r, port, *val, utc_ns());
        rtc_sync_timers(d);
    } else {
        *val = vrtc_read(r, port, utc_ns());
    }
    rtc_sync_irq(d);
    return true;
}

/* --- ACPI PM and isa-debug-exit: power-off paths of this domain --- */

static bool pm_io(struct domain *d, unsigned int port, unsigned int size,
                  bool write, u32 *val)
{
    struct acpi_pm *pm = &d->hvm->pm;

    if (!write) {
        *val = acpi_pm_read(pm, port, size, NOW());
        return true;
    }
    switch (acpi_pm_write(pm, port, size, *val)) {
    case ACPI_PM_POWEROFF:
        printk("hvm: domain %u entered ACPI S5: powering it off\n", d->domain_id);
        domain_shutdown(d, SHUTDOWN_poweroff);
        break;
    case ACPI_PM_SLEEP:
        printk("hvm: domain %u asked for an ACPI sleep state other than S5: "
               "not supported\n", d->domain_id);
        break;
    case ACPI_PM_NONE:
        break;
    }
    return true;
}

static bool debug_exit_io(struct domain *d, unsigned int port, unsigned int size,
                          bool write, u32 *val)
{
    (void)port;
    (void)size;
    if (!write)
        return false;
    printk("hvm: domain %u wrote %u to isa-debug-exit: powering it off\n",
           d->domain_id, *val);
    domain_shutdown(d, SHUTDOWN_poweroff);
    return true;
}

/* --- COM1 --- */

/* Transmitted bytes: the domain's console line, "(dN) " like PV output. */
static void uart_tx(void *ctx, u8 c)
{
    struct domain *d = ctx;

    spin_lock(&d->console_lock);
    if (c == '\n' || d->console_len == sizeof(d->console_buf)) {
        printk("(d%u) %.*s\n", d->domain_id, (int)d->console_len, d->console_buf);
        d->console_len = 0;
    }
    if ((c >= 0x20 && c < 0x7f) || c == '\t')
        d->console_buf[d->console_len++] = c;
    spin_unlock(&d->console_lock);
}

static void uart_sync_irq(struct domain *d)
{
    if (vuart_irq_level(&d->hvm->uart))
        hvm_isa_irq_assert(d, VUART_IRQ);
    else
        hvm_isa_irq_deassert(d, VUART_IRQ);
}

static bool uart_io(struct domain *d, unsigned int port, unsigned int size,
                    bool write, u32 *val)
{
    struct vuart *u = &d->hvm->uart;

    if (size != 1)
        return false;
    if (write)
        vuart_write(u, port - VUART_PORT, *val);
    else
        *val = vuart_read(u, port - VUART_PORT);
    uart_sync_irq(d);
    return true;
}

/* hv's serial input goes to the console domain's UART, polled like dom0's. */
static void console_input_fn(void *data)
{
    struct domain *d = console_input_domain;
    bool got = false;

    (void)data;
    if (!d)
        return;
    while (inb(HV_COM1 + 5) & 0x01) {
        vuart_receive(&d->hvm->uart, inb(HV_COM1));
        got = true;
    }
    if (got)
        uart_sync_irq(d);
    set_timer(&console_input_timer, NOW() + UART_POLL);
}

/* --- local APIC timers --- */

void hvm_vlapic_sync_timer(struct vcpu *v)
{
    struct vlapic *l = &v->hvm->vlapic;
    s_time_t t = vlapic_timer_deadline(l);

    if (t)
        set_timer(&l->timer, t);
    else
        stop_timer(&l->timer);
}

static void vlapic_timer_fn(void *data)
{
    struct vcpu *v = data;

    vlapic_timer_fire(&v->hvm->vlapic, NOW());
    hvm_vcpu_kick(v);
    hvm_vlapic_sync_timer(v);
}

void vlapic_init(struct vcpu *v)
{
    struct vlapic *l = &v->hvm->vlapic;

    l->base_msr = VLAPIC_DEFAULT_BASE | APIC_BASE_ENABLE |
                  (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
    vlapic_reset(l, v->vcpu_id);
    init_timer(&l->timer, vlapic_timer_fn, v);
}

/* --- setup and teardown --- */

void hvm_platform_init(struct domain *d)
{
    struct hvm_domain *h = d->hvm;
    u64 low = h->mem.low_end << PAGE_SHIFT;

    vpic_reset(h->vpic);
    vioapic_reset(&h->vioapic);
    vpit_reset(&h->vpit, NOW());
    vrtc_reset(&h->vrtc, low, (h->mem.ram_pages << PAGE_SHIFT) - low);
    acpi_pm_reset(&h->pm);
    vuart_reset(&h->uart);
    h->uart.tx = uart_tx;
    h->uart.tx_ctx = d;
    init_timer(&h->vpit.timer, pit_timer_fn, d);
    init_timer(&h->vrtc.periodic_timer, rtc_periodic_fn, d);
    init_timer(&h->vrtc.second_timer, rtc_second_fn, d);

    hvm_register_portio(d, 0x20, 2, false, pic_io);
    hvm_register_portio(d, 0xa0, 2, false, pic_io);
    hvm_register_portio(d, 0x4d0, 2, false, pic_io);
    hvm_register_portio(d, 0x40, 4, false, pit_io);
    hvm_register_portio(d, 0x61, 1, false, pit_io);
    hvm_register_portio(d, 0x70, 2, false, rtc_io);
    hvm_register_portio(d, ACPI_PM1A_EVT_BLK, ACPI_PM_BLK_LEN, false, pm_io);
    hvm_register_portio(d, DEBUG_EXIT_PORT, 4, false, debug_exit_io);
    hvm_register_portio(d, VUART_PORT, 8, true, uart_io);

    if (!console_input_domain && !hardware_domain()) {
        console_input_domain = d;
        init_timer(&console_input_timer, console_input_fn, NULL);
        set_timer(&console_input_timer, NOW() + UART_POLL);
        printk("hvm: serial input goes to domain %u's COM1\n", d->domain_id);
    }
    h->platform_ready = true;
}

void hvm_platform_destroy(struct domain *d)
{
    struct hvm_domain *h = d->hvm;

    if (!h->platform_ready)
        return;
    stop_timer(&h->vpit.timer);
    stop_timer(&h->vrtc.periodic_timer);
    stop_timer(&h->vrtc.second_timer);
    if (console_input_domain == d) {
        stop_timer(&console_input_timer);
        console_input_domain = NULL;
    }
    h->platform_ready = false;
}
