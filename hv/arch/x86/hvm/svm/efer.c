/*
 * The guest's EFER.LME and the VMCB.  A guest may set LME at any time
 * while paging is off, also with CR4.PAE clear, but the VMCB never holds
 * LME without PAE: QEMU's TCG restores hv's CR0 at #VMEXIT while EFER and
 * CR4 are still the guest's, and it refuses to turn paging on with LME
 * set and PAE clear, so hv would go on with paging off.  Real SVM loads
 * the host state at once; QEMU is hv's platform.
 *
 * So while the guest has LME without PAE, LME is held here (RDMSR still
 * returns it) and CR0 writes exit: turning paging on then is the #GP a
 * CPU raises for LME without PAE.  The guest setting PAE moves LME into
 * the VMCB, and the CPU activates long mode (LMA) when paging goes on;
 * clearing PAE (paging off: long mode cannot clear it) holds LME again.
 */
#include <hv/hvm.h>
#include <hv/hvm_emulate.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include "svm.h"

#define X86_CR0_NW      0x20000000u
#define X86_CR0_CD      0x40000000u

u64 svm_guest_efer(const struct vcpu *v)
{
    const struct svm_vcpu *s = v->hvm->svm;

    return (s->vmcb->efer & ~(u64)EFER_SVME) | (s->lme_held ? EFER_LME : 0);
}

void svm_place_lme(struct vcpu *v, bool lme)
{
    struct svm_vcpu *s = v->hvm->svm;
    struct vmcb *vmcb = s->vmcb;

    s->lme_held = lme && !(vmcb->cr4 & X86_CR4_PAE);
    if (lme && !s->lme_held)
        vmcb->efer |= EFER_LME;
    else
        vmcb->efer &= ~(u64)EFER_LME;
    if (s->lme_held)
        vmcb->cr_intercepts |= CR_INTERCEPT_CR0_WRITE;
    else
        vmcb->cr_intercepts &= ~CR_INTERCEPT_CR0_WRITE;
}

/*
 * A 32-bit CR0 value from the guest while LME is held (so paging is off
 * and PAE clear), checked as the CPU would: NW needs CD, and PG with LME
 * but without PAE is a #GP.  ET is fixed at 1.
 */
static bool guest_write_cr0(struct vcpu *v, u32 val)
{
    struct svm_vcpu *s = v->hvm->svm;

    if ((val & X86_CR0_PG) || ((val & X86_CR0_NW) && !(val & X86_CR0_CD))) {
        hvm_inject_exception(v, TRAP_gp_fault, true, 0);
        return false;
    }
    s->vmcb->cr0 = val | X86_CR0_ET;
    /* Caching and protection bits may have changed: a new ASID. */
    s->asid_generation = 0;
    return true;
}

/*
 * CR0 write exit: MOV to CR0, CLTS (0f 06) or LMSW (0f 01 /6) with a
 * register operand.  Not in 64-bit mode: paging is off.  LMSW sets only
 * the low four bits and cannot clear PE.
 */
void svm_handle_cr0_write(struct vcpu *v)
{
    const struct vmcb *vmcb = v->hvm->svm->vmcb;
    struct hvm_paging p;
    unsigned int n, cr, gpr, len;
    u32 cr0 = vmcb->cr0, val;
    u8 buf[15];

    hvm_ops->get_paging(v, &p);
    n = hvm_fetch_insn(v, &p, buf);
    if (!x86_decode_mov_to_cr(buf, n, p.cs_db ? X86_MODE_32 : X86_MODE_16,
                              &cr, &gpr, &len) && cr == 0) {
        val = *hvm_reg(v, gpr);
    } else if (n >= 2 && buf[0] == 0x0f && buf[1] == 0x06) {
        val = cr0 & ~X86_CR0_TS;
        len = 2;
    } else if (n >= 3 && buf[0] == 0x0f && buf[1] == 0x01 &&
               (buf[2] & 0xf8) == 0xf0) {
        val = (cr0 & ~0xeu) | (*hvm_reg(v, buf[2] & 7) & 0xf) |
              (cr0 & X86_CR0_PE);
        len = 3;
    } else {
        domain_crash(v->domain, "CR0 write while EFER.LME is held: not MOV, "
                     "CLTS or register LMSW");
        return;
    }
    if (guest_write_cr0(v, val))
        v->hvm->regs.rip += len;
}
