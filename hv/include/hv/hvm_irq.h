/*
 * Interrupts of HVM domains (hv/arch/x86/hvm/irq.c): ISA lines routed to
 * the 8259 pair and the IOAPIC, the IOAPIC's messages to local APICs, and
 * what a vCPU has to take next.
 */
#ifndef HV_HVM_IRQ_H
#define HV_HVM_IRQ_H

#include <hv/hvm.h>

/* An ISA line (0-15) of d goes high or low; edge devices pulse it. */
void hvm_isa_irq_assert(struct domain *d, unsigned int irq);
void hvm_isa_irq_deassert(struct domain *d, unsigned int irq);
void hvm_isa_irq_pulse(struct domain *d, unsigned int irq);

/* Delivers an IOAPIC message to the local APICs it addresses. */
void hvm_ioapic_deliver(struct domain *d, const struct vioapic_msg *msg);
/* A local APIC ended a level-triggered vector: the IOAPIC's EOI. */
void hvm_ioapic_eoi(struct domain *d, u8 vector);

/* Wakes every vCPU of d that has an interrupt it can take (from HLT). */
void hvm_kick_all(struct domain *d);

enum hvm_intr_source { HVM_INTR_NONE, HVM_INTR_CALLBACK, HVM_INTR_PIC, HVM_INTR_LAPIC };

struct hvm_intr {
    enum hvm_intr_source source;
    u8 vector;
};

/* The interrupt v should take next: the event-channel callback vector
 * while an upcall is pending (hvm_op.c), the 8259 (as on a PC in
 * virtual-wire mode), then its local APIC. */
struct hvm_intr hvm_vcpu_pending_intr(struct vcpu *v);
/* The interrupt is being injected: acknowledge it at its source and
 * return the vector to deliver (the 8259 may turn it spurious; the
 * callback needs no acknowledgement: the guest clears its upcall). */
u8 hvm_vcpu_ack_intr(struct vcpu *v, struct hvm_intr intr);

#endif
