/*
 * Getting interrupts into the guest.  Before each VMRUN the highest
 * pending interrupt (8259 or local APIC) is acknowledged at its source
 * and presented through V_IRQ (V_INTR_VECTOR, highest priority, TPR
 * ignored) if the guest can take it now: RFLAGS.IF set, no STI/MOV SS
 * shadow, no event being injected.  The CPU takes it at the first
 * instruction boundary and clears V_IRQ; an exit before that leaves
 * V_IRQ set and the same interrupt is presented again.  Otherwise hv
 * opens an interrupt window: V_IRQ with the VINTR intercept, so the CPU
 * exits the moment the guest could take one.
 *
 * Why not EVENTINJ, as Xen and KVM inject: QEMU's TCG (7.2 and later)
 * delivers an EVENTINJ external interrupt at VMRUN but leaves its vector
 * as the CPU's pending exception, and delivers it a second time at the
 * next exit from its execution loop that no exception, VMEXIT or
 * serviced interrupt precedes (an -icount budget running out): a nested
 * copy of the interrupt with the guest's IF clear, which deadlocked
 * Linux's handle_edge_irq on its own descriptor lock (docs/hvm.md).  A
 * V_IRQ interrupt goes through QEMU's interrupt path, which clears it.
 *
 * With V_IRQ busy carrying an interrupt there is no window for the next
 * one: the IRET intercept stands in (the handler's IRET, or any exit
 * before it, such as its EOI, lets hv look again).
 */
#include <hv/hvm_irq.h>
#include <hv/processor.h>
#include "svm.h"

void svm_disable_intr_window(struct vmcb *vmcb)
{
    vmcb->int_ctl &= ~((u64)V_IRQ | (0xfull << V_INTR_PRIO_SHIFT) | V_IGN_TPR);
    vmcb->intercepts1 &= ~INTERCEPT_VINTR;
}

static void enable_intr_window(struct vmcb *vmcb)
{
    vmcb->int_ctl |= V_IRQ | (0xfull << V_INTR_PRIO_SHIFT) | V_IGN_TPR;
    vmcb->intercepts1 |= INTERCEPT_VINTR;
}

static void present_virq(struct vmcb *vmcb, u8 vector)
{
    vmcb->int_ctl = (vmcb->int_ctl & ~(0xffull << V_INTR_VECTOR_SHIFT)) |
                    V_IRQ | (0xfull << V_INTR_PRIO_SHIFT) | V_IGN_TPR |
                    ((u64)vector << V_INTR_VECTOR_SHIFT);
    vmcb->intercepts1 &= ~INTERCEPT_VINTR;
}

void svm_intr_after_exit(struct vcpu *v)
{
    struct svm_vcpu *s = v->hvm->svm;
    struct vmcb *vmcb = s->vmcb;
    u64 info = vmcb->exit_int_info;

    if (s->virq_in_flight && !(vmcb->int_ctl & V_IRQ))
        s->virq_in_flight = false;
    vmcb->event_inj = 0;
    if (!(info & EVENT_VALID))
        return;
    /* Delivery cut short by the exit: an interrupt goes back to V_IRQ
     * (already acknowledged), anything else back to EVENTINJ. */
    if ((info & EVENT_TYPE_MASK) == EVENT_TYPE_INTR) {
        s->virq_in_flight = true;
        s->virq_vector = (u8)info;
    } else {
        vmcb->event_inj = info;
    }
}

void svm_intr_assist(struct vcpu *v)
{
    struct svm_vcpu *s = v->hvm->svm;
    struct vmcb *vmcb = s->vmcb;
    struct hvm_intr intr;

    vmcb->intercepts1 &= ~INTERCEPT_IRET;
    if (!s->virq_in_flight) {
        svm_disable_intr_window(vmcb);
        intr = hvm_vcpu_pending_intr(v);
        if (intr.source == HVM_INTR_NONE)
            return;
        if ((vmcb->event_inj & EVENT_VALID) ||
            !(v->hvm->regs.rflags & X86_EFLAGS_IF) ||
            (vmcb->int_state & INT_STATE_SHADOW)) {
            enable_intr_window(vmcb);
            return;
        }
        s->virq_vector = hvm_vcpu_ack_intr(v, intr);
        s->virq_in_flight = true;
    }
    present_virq(vmcb, s->virq_vector);
    if (hvm_vcpu_pending_intr(v).source != HVM_INTR_NONE)
        vmcb->intercepts1 |= INTERCEPT_IRET;
}
