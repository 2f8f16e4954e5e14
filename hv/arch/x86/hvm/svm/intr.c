/*
 * Getting interrupts into the guest.  Before each VMRUN the highest
 * pending interrupt (8259 or local APIC) is injected through EVENTINJ if
 * the guest can take it now: RFLAGS.IF set, no STI/MOV SS shadow, no
 * event already being injected.  Otherwise hv opens an interrupt window:
 * a virtual interrupt (V_IRQ, highest priority, TPR ignored) with the
 * VINTR intercept, so the CPU exits the moment the guest could take it,
 * and the next entry injects the real one.  The interrupt is acknowledged
 * at its source only when it is injected.
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

void svm_intr_assist(struct vcpu *v)
{
    struct vmcb *vmcb = v->hvm->svm->vmcb;
    struct hvm_intr intr = hvm_vcpu_pending_intr(v);

    svm_disable_intr_window(vmcb);
    if (intr.source == HVM_INTR_NONE)
        return;
    if ((vmcb->event_inj & EVENT_VALID) ||
        !(v->hvm->regs.rflags & X86_EFLAGS_IF) ||
        (vmcb->int_state & INT_STATE_SHADOW)) {
        enable_intr_window(vmcb);
        return;
    }
    vmcb->event_inj = EVENT_VALID | EVENT_TYPE_INTR | hvm_vcpu_ack_intr(v, intr);
    /* Another one waiting: exit as soon as the guest can take it. */
    if (hvm_vcpu_pending_intr(v).source != HVM_INTR_NONE)
        enable_intr_window(vmcb);
}
