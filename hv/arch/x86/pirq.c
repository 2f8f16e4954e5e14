/*
 * Physical IRQs for the hardware domain, as Xen gives a PV dom0 its
 * legacy (XT-PIC) lines: PHYSDEVOP_map_pirq maps GSI n, an ISA line of
 * the 8259s that hv does not keep, to pirq n; EVTCHNOP_bind_pirq binds
 * it to a port and opens the line.
 *
 * An interrupt closes its line and acknowledges the PIC at once, then a
 * softirq marks the port pending (the handler may have interrupted hv
 * holding the domain's event lock).  The line stays closed until the
 * guest's PHYSDEVOP_eoi, so a level-triggered device that keeps its line
 * up until it is serviced raises one event, not a storm (Xen's
 * ACKTYPE_UNMASK for XT-PIC lines: irq_status_query says needs_eoi).
 * Closing the port closes the line; the domain's death unmaps its lines.
 */
#include <hv/pirq.h>
#include <hv/event.h>
#include <hv/i8259.h>
#include <hv/softirq.h>
#include <hv/spinlock.h>
#include <hv/traps.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <public/physdev.h>

/* hv's own: the PIT (its watchdog), the cascade, COM1 (its console),
 * the RTC, the FPU error line. */
#define HV_LINES ((1u << 0) | (1u << 2) | (1u << 4) | (1u << 8) | (1u << 13))

struct pirq_line {
    struct domain *owner;       /* mapped by; NULL: free */
    evtchn_port_t port;         /* bound to; 0: not bound */
    bool in_flight;             /* delivered: closed until the EOI */
};

static struct pirq_line lines[NR_PIRQS];
static spinlock_t pirq_lock = SPIN_LOCK_UNLOCKED;
static unsigned long raised;    /* lines interrupted, for the softirq */

int pirq_map_gsi(struct domain *d, int gsi, int *pirq)
{
    int rc = 0;

    if (d != hardware_domain())
        return -EPERM;
    if (gsi < 0 || gsi >= NR_PIRQS || (*pirq != -1 && *pirq != gsi))
        return -EINVAL;
    if (HV_LINES & (1u << gsi))
        return -EPERM;
    spin_lock(&pirq_lock);
    if (lines[gsi].owner && lines[gsi].owner != d)
        rc = -EBUSY;
    else
        lines[gsi].owner = d;
    spin_unlock(&pirq_lock);
    if (!rc)
        *pirq = gsi;
    return rc;
}

int pirq_unmap(struct domain *d, int pirq)
{
    int rc = 0;

    if (pirq < 0 || pirq >= NR_PIRQS)
        return -EINVAL;
    spin_lock(&pirq_lock);
    if (lines[pirq].owner != d)
        rc = -EINVAL;
    else if (lines[pirq].port)
        rc = -EBUSY;
    else
        lines[pirq].owner = NULL;
    spin_unlock(&pirq_lock);
    return rc;
}

int pirq_bind(struct domain *d, unsigned int pirq, evtchn_port_t port)
{
    int rc = 0;

    if (pirq >= NR_PIRQS)
        return -EINVAL;
    if (d != hardware_domain())
        return -EPERM;
    spin_lock(&pirq_lock);
    if (lines[pirq].owner != d) {
        rc = -EINVAL;                   /* not mapped */
    } else if (lines[pirq].port) {
        rc = -EEXIST;
    } else {
        lines[pirq].port = port;
        lines[pirq].in_flight = false;
        pic_unmask(pirq);
    }
    spin_unlock(&pirq_lock);
    return rc;
}

void pirq_unbind(struct domain *d, unsigned int pirq)
{
    spin_lock(&pirq_lock);
    if (pirq < NR_PIRQS && lines[pirq].owner == d && lines[pirq].port) {
        pic_mask(pirq);
        lines[pirq].port = 0;
        lines[pirq].in_flight = false;
    }
    spin_unlock(&pirq_lock);
}

int pirq_eoi(struct domain *d, unsigned int pirq)
{
    if (pirq >= NR_PIRQS)
        return -EINVAL;
    spin_lock(&pirq_lock);
    /* Anything else (not the caller's, not delivered) is a no-op, as Xen. */
    if (lines[pirq].owner == d && lines[pirq].port && lines[pirq].in_flight) {
        lines[pirq].in_flight = false;
        pic_unmask(pirq);
    }
    spin_unlock(&pirq_lock);
    return 0;
}

int pirq_status(struct domain *d, unsigned int pirq)
{
    int flags;

    if (pirq >= NR_PIRQS)
        return -EINVAL;
    spin_lock(&pirq_lock);
    flags = lines[pirq].owner == d && lines[pirq].port ? XENIRQSTAT_needs_eoi : 0;
    spin_unlock(&pirq_lock);
    return flags;
}

void pirq_release_domain(struct domain *d)
{
    spin_lock(&pirq_lock);
    for (unsigned int i = 0; i < NR_PIRQS; i++)
        if (lines[i].owner == d) {
            if (lines[i].port)
                pic_mask(i);
            lines[i] = (struct pirq_line){ 0 };
        }
    spin_unlock(&pirq_lock);
}

static void pirq_interrupt(struct cpu_user_regs *regs)
{
    unsigned int line = regs->entry_vector - PIC_MASTER_VECTOR;

    /* A spurious IRQ 7 or 15 is not in service: the master alone saw a
     * (cascade) request for 15, so it alone is acknowledged. */
    if ((line == 7 || line == 15) && !pic_in_service(line)) {
        if (line == 15)
            pic_eoi(0);
        return;
    }
    pic_mask(line);
    pic_eoi(line);
    __atomic_fetch_or(&raised, 1UL << line, __ATOMIC_SEQ_CST);
    raise_softirq(PIRQ_SOFTIRQ);
}

static void pirq_softirq(void)
{
    unsigned long pending = __atomic_exchange_n(&raised, 0, __ATOMIC_SEQ_CST);

    while (pending) {
        unsigned int line = __builtin_ctzl(pending);
        struct domain *d = NULL;
        evtchn_port_t port = 0;

        pending &= pending - 1;
        spin_lock(&pirq_lock);
        /* Unbound meanwhile: the line stays closed, as unbinding left it. */
        if (lines[line].port && get_domain(lines[line].owner)) {
            d = lines[line].owner;
            port = lines[line].port;
            lines[line].in_flight = true;
        }
        spin_unlock(&pirq_lock);
        if (d) {
            evtchn_send_pirq(d, port, line);
            put_domain(d);
        }
    }
}

void pirq_init(void)
{
    for (unsigned int line = 0; line < NR_PIRQS; line++)
        if (!(HV_LINES & (1u << line)))
            set_irq_handler(PIC_MASTER_VECTOR + line, pirq_interrupt);
    open_softirq(PIRQ_SOFTIRQ, pirq_softirq);
}
