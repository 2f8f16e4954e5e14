/*
 * Control registers.  With nested paging the guest owns CR0, CR3 and CR4
 * in hardware, but CR4 can turn on processor features whose state hv
 * neither offers in CPUID nor switches between guests (PKRU with PKE,
 * XCR0 with OSXSAVE, VMX, PCIDs...).  So CR4 writes exit and are checked
 * here: the bits a PC OS needs pass, SMEP, SMAP and FSGSBASE if the CPU
 * has them (as CPUID says), anything else is a #GP as on a CPU without
 * the feature.
 */
#include <hv/hvm.h>
#include <hv/hvm_emulate.h>
#include <hv/cpufeature.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/lib.h>

#define CR4_VME         (1u << 0)
#define CR4_PVI         (1u << 1)
#define CR4_TSD         (1u << 2)
#define CR4_DE          (1u << 3)
#define CR4_PSE         (1u << 4)
#define CR4_MCE         (1u << 6)
#define CR4_PCE         (1u << 8)
#define CR4_BASE        (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | \
                         X86_CR4_PAE | CR4_MCE | X86_CR4_PGE | CR4_PCE | \
                         X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

static u64 cr4_allowed(void)
{
    return CR4_BASE | (cpu_has_smep ? X86_CR4_SMEP : 0) |
           (cpu_has_smap ? X86_CR4_SMAP : 0) |
           (boot_cpu_data.fsgsbase ? X86_CR4_FSGSBASE : 0);
}

void hvm_handle_cr4_write(struct vcpu *v)
{
    struct hvm_paging p;
    unsigned int n, cr, gpr, len;
    u8 buf[15];
    u64 val;

    hvm_ops->get_paging(v, &p);
    n = hvm_fetch_insn(v, &p, buf);
    if (x86_decode_mov_to_cr(buf, n, p.cs_long ? X86_MODE_64 :
                             p.cs_db ? X86_MODE_32 : X86_MODE_16, &cr, &gpr, &len) ||
        cr != 4) {
        domain_crash(v->domain, "cannot decode the CR4 write");
        return;
    }
    val = *hvm_reg(v, gpr);
    if (!p.cs_long)
        val = (u32)val;
    /* Long mode cannot leave PAE paging. */
    if ((val & ~cr4_allowed()) || ((p.efer & EFER_LMA) && !(val & X86_CR4_PAE))) {
        hvm_inject_exception(v, TRAP_gp_fault, true, 0);
        return;
    }
    hvm_ops->set_cr4(v, val);
    v->hvm->regs.rip += len;
}
