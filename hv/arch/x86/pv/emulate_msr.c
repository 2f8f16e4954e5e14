/*
 * RDMSR/WRMSR from a PV guest kernel, behind their #GP, as Xen emulates
 * them (xen/arch/x86/pv/emul-priv-op.c is the reference):
 *   - FS_BASE, GS_BASE, SHADOW_GS_BASE: the guest's own segment bases
 *     (Linux's startup_xen sets GS_BASE with wrmsr before anything else);
 *   - APIC_BASE reads as an enabled xAPIC at the default address, BSP on
 *     vCPU 0 (Linux PV reads it);
 *   - TSC reads the TSC, PAT reads hv's PAT, EFER reads hv's EFER minus
 *     SVME; an EFER write of that same value is accepted (Linux writes it
 *     back), any other is refused;
 *   - every other MSR is a #GP for the guest, except a read before the
 *     guest has a #GP handler, which reads 0 when the MSR exists (Xen's
 *     "faking RDMSR", so that early probes do not kill the domain).
 * From guest user mode both stay a #GP.
 */
#include <hv/domain.h>
#include <hv/processor.h>
#include <hv/hypercall.h>
#include <hv/pv.h>
#include <hv/traps.h>
#include <public/segbase.h>
#include "private.h"

#define MSR_IA32_TSC        0x10
#define APIC_BASE_BSP       (1u << 8)
#define APIC_BASE_ENABLE    (1u << 11)
#define APIC_DEFAULT_BASE   0xfee00000u
#define EFER_FFXSE          (1 << 14)
#define EFER_GUEST_BITS     (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSE)
#define MSR_HV_LEAVES       0x4000      /* (msr >> 16): never faked */

static u64 guest_efer(void)
{
    return rdmsr(MSR_EFER) & EFER_GUEST_BITS;
}

static bool read_msr(struct vcpu *v, u32 msr, u64 *val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:    /* in kernel mode: the user base */
        *val = rdmsr(msr);
        return true;
    case MSR_IA32_APIC_BASE:
        *val = APIC_DEFAULT_BASE | APIC_BASE_ENABLE |
               (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
        return true;
    case MSR_IA32_TSC:
        *val = rdtsc();
        return true;
    case MSR_IA32_PAT:
        *val = rdmsr(MSR_IA32_PAT);
        return true;
    case MSR_EFER:
        *val = guest_efer();
        return true;
    default:
        if (!v->arch.trap_ctxt[TRAP_gp_fault].address &&
            (msr >> 16) != MSR_HV_LEAVES && !rdmsr_safe(msr, val)) {
            *val = 0;
            return true;
        }
        return false;
    }
}

static bool write_msr(u32 msr, u64 val)
{
    switch (msr) {
    case MSR_FS_BASE:
        return !do_set_segment_base(SEGBASE_FS, val);
    case MSR_GS_BASE:
        return !do_set_segment_base(SEGBASE_GS_KERNEL, val);
    case MSR_SHADOW_GS_BASE:
        return !do_set_segment_base(SEGBASE_GS_USER, val);
    case MSR_EFER:
        return val == guest_efer();
    default:
        return false;
    }
}

/* rdmsr (0f 32) / wrmsr (0f 30) at the guest's rip; true when emulated. */
bool pv_emulate_msr(struct cpu_user_regs *regs, const struct pv_insn *fetched)
{
    struct vcpu *v = current;
    u32 msr = (u32)regs->rcx;
    const u8 *insn = fetched->bytes;
    u64 val;

    if (!v->arch.kernel_mode || fetched->len < 2 || insn[0] != 0x0f)
        return false;
    if (insn[1] == 0x32) {
        if (!read_msr(v, msr, &val))
            return false;
        regs->rax = (u32)val;
        regs->rdx = val >> 32;
    } else if (insn[1] == 0x30) {
        if (!write_msr(msr, ((u64)(u32)regs->rdx << 32) | (u32)regs->rax))
            return false;
    } else {
        return false;
    }
    regs->rip += 2;
    return true;
}
