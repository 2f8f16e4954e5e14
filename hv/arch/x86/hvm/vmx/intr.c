/*
 * Getting interrupts into the guest.  Before each VM entry the highest
 * pending interrupt (8259 or local APIC) is injected through the VM-entry
 * interruption information if the guest can take it now: RFLAGS.IF set,
 * no STI/MOV SS blocking, no event already being injected.  Otherwise hv
 * turns on interrupt-window exiting, so the CPU exits the moment the guest
 * could take it, and the next entry injects it.  The interrupt is
 * acknowledged at its source only when it is injected.
 */
#include <hv/hvm_irq.h>
#include <hv/processor.h>
#include "vmx.h"

void vmx_disable_intr_window(void)
{
    vmwrite(CPU_BASED_CONTROLS, vmread(CPU_BASED_CONTROLS) & ~(u64)CPU_INTR_WINDOW_EXITING);
}

static void enable_intr_window(void)
{
    vmwrite(CPU_BASED_CONTROLS, vmread(CPU_BASED_CONTROLS) | CPU_INTR_WINDOW_EXITING);
}

void vmx_intr_assist(struct vcpu *v)
{
    struct hvm_intr intr = hvm_vcpu_pending_intr(v);

    vmx_disable_intr_window();
    if (intr.source == HVM_INTR_NONE)
        return;
    if ((vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID) ||
        !(v->hvm->regs.rflags & X86_EFLAGS_IF) ||
        (vmread(GUEST_INTERRUPTIBILITY) & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS))) {
        enable_intr_window();
        return;
    }
    vmwrite(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INTR |
                                hvm_vcpu_ack_intr(v, intr));
    /* Another one waiting: exit as soon as the guest can take it. */
    if (hvm_vcpu_pending_intr(v).source != HVM_INTR_NONE)
        enable_intr_window();
}
