/*
 * Interrupt routing of an HVM domain, as on a PC: ISA lines go to the
 * 8259 pair and to the IOAPIC (IRQ 0 on pin 2, the others on their own
 * pin; the MADT says so); the 8259's output reaches vCPU 0 while its
 * local APIC is off or takes it on LINT0 as ExtINT (virtual wire); IOAPIC
 * messages go to the local APICs they address.  Whenever a vCPU may have
 * something new to take, it is kicked (woken from HLT).
 */
#include <hv/hvm_irq.h>
#include <hv/lib.h>

void hvm_kick_all(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            hvm_vcpu_kick(d->vcpu[i]);
}

void hvm_ioapic_deliver(struct domain *d, const struct vioapic_msg *msg)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v || !vlapic_match_dest(&v->hvm->vlapic, msg->logical, msg->dest))
            continue;
        vlapic_set_irq(&v->hvm->vlapic, msg->vector, msg->level);
        hvm_vcpu_kick(v);
    }
}

void hvm_ioapic_eoi(struct domain *d, u8 vector)
{
    struct vioapic *io = &d->hvm->vioapic;
    u32 pins = vioapic_eoi(io, vector);
    struct vioapic_msg msg;

    for (unsigned int pin = 0; pins; pin++, pins >>= 1)
        if ((pins & 1) && vioapic_pin_msg(io, pin, &msg))
            hvm_ioapic_deliver(d, &msg);
}

static void set_isa_line(struct domain *d, unsigned int irq, bool level)
{
    struct hvm_domain *h = d->hvm;
    struct vioapic_msg msg;

    vpic_set_irq(h->vpic, irq, level);
    /* IRQ 2 is the cascade; IRQ 0 is wired to pin 2. */
    if (irq != 2 && vioapic_set_pin(&h->vioapic, irq ? irq : 2, level, &msg))
        hvm_ioapic_deliver(d, &msg);
    if (level)
        hvm_kick_all(d);
}

void hvm_isa_irq_assert(struct domain *d, unsigned int irq)
{
    set_isa_line(d, irq, true);
}

void hvm_isa_irq_deassert(struct domain *d, unsigned int irq)
{
    set_isa_line(d, irq, false);
}

void hvm_isa_irq_pulse(struct domain *d, unsigned int irq)
{
    set_isa_line(d, irq, true);
    set_isa_line(d, irq, false);
}

struct hvm_intr hvm_vcpu_pending_intr(struct vcpu *v)
{
    struct vlapic *l = &v->hvm->vlapic;
    u8 callback = hvm_callback_vector(v->domain);
    int vec;

    if (callback && v->vcpu_info->evtchn_upcall_pending)
        return (struct hvm_intr){ HVM_INTR_CALLBACK, callback };
    if (v->vcpu_id == 0 && vlapic_accepts_pic(l) && vpic_output(v->domain->hvm->vpic))
        return (struct hvm_intr){ HVM_INTR_PIC, 0 };
    vec = vlapic_pending_vector(l);
    if (vec >= 0)
        return (struct hvm_intr){ HVM_INTR_LAPIC, (u8)vec };
    return (struct hvm_intr){ HVM_INTR_NONE, 0 };
}

u8 hvm_vcpu_ack_intr(struct vcpu *v, struct hvm_intr intr)
{
    if (intr.source == HVM_INTR_CALLBACK)
        return intr.vector;
    if (intr.source == HVM_INTR_PIC)
        return vpic_ack(v->domain->hvm->vpic);
    vlapic_ack(&v->hvm->vlapic, intr.vector);
    return intr.vector;
}
