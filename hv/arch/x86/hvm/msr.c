/*
 * MSRs of HVM guests.  Every MSR exits (the permission map) except those
 * VMLOAD/VMSAVE switch (FS/GS bases, the SYSCALL and SYSENTER MSRs).
 * Emulated: EFER (SVME hidden), IA32_APIC_BASE, the TSC (an offset to
 * hv's), the PAT, and AMD's interrupt-pending message register read as 0
 * (Linux reads it unguarded on the K8 family QEMU's CPU claims, to see
 * whether C1E is on: it is not), and the x2APIC MSRs 0x800-0x8ff
 * (vlapic.c; #GP outside x2APIC mode); writes to 0x40000000 place the
 * hypercall page (hypercall.c; it cannot be read back, as on Xen).  Any other MSR is a #GP, as on a CPU
 * without it: the guest's CPUID offers no MCE, MTRR or performance
 * counters.
 */
#include <hv/hvm.h>
#include <hv/hvm_irq.h>
#include <hv/time.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include <public/hvm/cpuid.h>

#define MSR_IA32_TSC    0x10
#define MSR_K8_INT_PENDING_MSG  0xc0010055
#define MSR_X2APIC_FIRST        0x800
#define MSR_X2APIC_LAST         0x8ff

/* Each PAT entry must be a memory type: UC, WC, WT, WP, WB, UC-. */
static bool pat_valid(u64 pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        u8 t = pat >> (8 * i);

        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

static bool gp(struct vcpu *v)
{
    hvm_inject_exception(v, TRAP_gp_fault, true, 0);
    return false;
}

bool hvm_handle_rdmsr(struct vcpu *v)
{
    struct hvm_regs *r = &v->hvm->regs;
    u32 msr = r->rcx;
    u64 val;

    if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) {
        if (!vlapic_x2apic_read(&v->hvm->vlapic, msr, &val, NOW()))
            return gp(v);
        r->rax = (u32)val;
        r->rdx = val >> 32;
        return true;
    }
    switch (msr) {
    case MSR_EFER:
        val = hvm_ops->get_efer(v);
        break;
    case MSR_IA32_APIC_BASE:
        val = v->hvm->vlapic.base_msr;
        break;
    case MSR_IA32_TSC:
        val = rdtsc() + hvm_ops->get_tsc_offset(v);
        break;
    case MSR_IA32_PAT:
        val = hvm_ops->get_pat(v);
        break;
    case MSR_K8_INT_PENDING_MSG:
        val = 0;
        break;
    default:
        return gp(v);
    }
    r->rax = (u32)val;
    r->rdx = val >> 32;
    return true;
}

bool hvm_handle_wrmsr(struct vcpu *v)
{
    struct hvm_regs *r = &v->hvm->regs;
    u64 val = ((u64)(u32)r->rdx << 32) | (u32)r->rax;
    u32 msr = r->rcx;
    int eoi_vector;

    if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) {
        if (!vlapic_x2apic_write(&v->hvm->vlapic, msr, val, NOW(), &eoi_vector))
            return gp(v);
        if (eoi_vector >= 0)
            hvm_ioapic_eoi(v->domain, eoi_vector);
        hvm_vlapic_sync_timer(v);
        hvm_vcpu_kick(v);
        return true;
    }
    switch (msr) {
    case MSR_EFER:
        if (hvm_ops->set_efer(v, val))
            return gp(v);
        return true;
    case HV_HYPERCALL_MSR:
        if (!hvm_write_hypercall_page(v, val))
            return gp(v);
        return true;
    case MSR_IA32_APIC_BASE:
        if (!vlapic_set_base(&v->hvm->vlapic, val))
            return gp(v);
        hvm_vlapic_sync_timer(v);
        return true;
    case MSR_IA32_TSC:
        hvm_ops->set_tsc_offset(v, val - rdtsc());
        return true;
    case MSR_IA32_PAT:
        if (!pat_valid(val))
            return gp(v);
        hvm_ops->set_pat(v, val);
        return true;
    default:
        return gp(v);
    }
}
