/*
 * VM exit dispatch: each exit reason is turned into a call to the
 * arch-neutral handlers (port I/O, MMIO, CPUID, MSRs, HLT, hypercalls,
 * CR4 writes) or dealt with here (CR0/CR3/CR8 accesses, interrupt
 * windows, intercepted exceptions, refused instructions, triple faults).
 * Runs with interrupts on, after the guest's registers were copied into
 * v->hvm->regs; the next entry copies them back.
 */
#include <hv/hvm_io.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include "vmx.h"

#define X86_CR0_NW      0x20000000
#define X86_CR0_CD      0x40000000

/* Intel's IA32_MISC_ENABLE as guests see it: fast strings on, no branch
 * trace or PEBS, no MONITOR/MWAIT, no XD disable. */
#define MSR_IA32_MISC_ENABLE    0x1a0
#define MSR_IA32_BIOS_SIGN_ID   0x8b
#define MISC_ENABLE_GUEST       ((1u << 0) | (1u << 11) | (1u << 12))

/* Moves RIP past the instruction that exited (VMX reports its length). */
static void skip_insn(struct vcpu *v)
{
    v->hvm->regs.rip += vmread(VM_EXIT_INSTRUCTION_LEN);
}

static void refuse(struct vcpu *v, unsigned int vector)
{
    hvm_count_exit(v, HVM_EXIT_OTHER);
    hvm_inject_exception(v, vector, vector == TRAP_gp_fault, 0);
}

/* The event whose delivery the exit interrupted is delivered again. */
static void reinject_vectoring(void)
{
    u32 info = vmread(IDT_VECTORING_INFO);
    u32 type = info & INTR_TYPE_MASK;

    if (!(info & INTR_INFO_VALID))
        return;
    vmwrite(VM_ENTRY_INTR_INFO, info & (INTR_INFO_VALID | INTR_INFO_ERROR_VALID |
                                        INTR_TYPE_MASK | 0xff));
    if (info & INTR_INFO_ERROR_VALID)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
    if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXC ||
        type == INTR_TYPE_SW_EXCEPTION)
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
}

/* --- control registers --- */

/*
 * MOV to CR0 (or CLTS, LMSW) changing a bit hv owns (PE, PG, NE).  Turning
 * paging on with EFER.LME enters long mode: hv sets EFER.LMA and the
 * IA-32e mode entry control, as the CPU would.
 */
static bool guest_write_cr0(struct vcpu *v, u64 val)
{
    u64 old = vmx_guest_cr0(), efer = vmread(GUEST_IA32_EFER);
    u32 entry = vmread(VM_ENTRY_CONTROLS);

    if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
        ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
        goto gp;
    if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
        if (!(v->hvm->vmx->cr4_shadow & X86_CR4_PAE))
            goto gp;
        efer |= EFER_LMA;
        entry |= ENTRY_IA32E_MODE;
    } else if ((old & X86_CR0_PG) && !(val & X86_CR0_PG) && (efer & EFER_LMA)) {
        efer &= ~(u64)EFER_LMA;
        entry &= ~ENTRY_IA32E_MODE;
    }
    vmwrite(GUEST_IA32_EFER, efer);
    vmwrite(VM_ENTRY_CONTROLS, entry);
    vmx_write_cr0(v, val);
    if ((old ^ val) & (X86_CR0_PG | X86_CR0_PE))
        vmx_flush_guest_tlb(v);
    return true;
gp:
    hvm_inject_exception(v, TRAP_gp_fault, true, 0);
    return false;
}

static void handle_cr_access(struct vcpu *v, u64 qual)
{
    unsigned int cr = qual & 15, type = (qual >> 4) & 3, gpr = (qual >> 8) & 15;
    bool long_mode = (vmread(GUEST_IA32_EFER) & EFER_LMA) &&
                     (vmread(GUEST_ES_AR + 2 * SEG_CS) & AR_L);
    struct vlapic *l = &v->hvm->vlapic;
    u64 val = *hvm_reg(v, gpr), cr0 = vmx_guest_cr0();
    char why[64];

    hvm_count_exit(v, HVM_EXIT_CR);
    if (!long_mode)
        val = (u32)val;
    switch (type << 4 | cr) {
    case 0x00:                                  /* MOV to CR0 */
        if (guest_write_cr0(v, val))
            skip_insn(v);
        return;
    case 0x03:                                  /* MOV to CR3 */
        vmwrite(GUEST_CR3, val);
        vmx_load_pdptes(v);
        vmx_flush_guest_tlb(v);
        skip_insn(v);
        return;
    case 0x04:                                  /* MOV to CR4: checked */
        hvm_handle_cr4_write(v);
        return;
    case 0x08:                                  /* MOV to CR8: TPR[7:4] */
        if (val & ~0xfull) {
            hvm_inject_exception(v, TRAP_gp_fault, true, 0);
            return;
        }
        l->tpr = (val << 4) | (l->tpr & 0xf);
        skip_insn(v);
        return;
    case 0x13:                                  /* MOV from CR3 */
        *hvm_reg(v, gpr) = vmread(GUEST_CR3);
        skip_insn(v);
        return;
    case 0x18:                                  /* MOV from CR8 */
        *hvm_reg(v, gpr) = l->tpr >> 4;
        skip_insn(v);
        return;
    }
    if (type == 2) {                            /* CLTS */
        if (guest_write_cr0(v, cr0 & ~(u64)X86_CR0_TS))
            skip_insn(v);
        return;
    }
    if (type == 3) {                            /* LMSW: cannot clear PE */
        val = (qual >> 16) & 0xf;
        if (guest_write_cr0(v, (cr0 & ~0xeull) | val | (cr0 & X86_CR0_PE)))
            skip_insn(v);
        return;
    }
    snprintf(why, sizeof(why), "unexpected CR access exit (qualification %#lx)",
             (unsigned long)qual);
    domain_crash(v->domain, why);
}

/* --- other exits --- */

/*
 * RDMSR/WRMSR.  Two MSRs are Intel's, so the backend's: Linux's start-up
 * on an Intel CPU touches both without a check.  IA32_MISC_ENABLE reads
 * as a fixed value and only that value may be written back;
 * IA32_BIOS_SIGN_ID (the microcode revision, read after writing 0) reads
 * 0 and takes any write.  The rest is the arch-neutral policy.
 */
static void handle_msr(struct vcpu *v, bool write)
{
    struct hvm_regs *r = &v->hvm->regs;
    u64 val = ((u64)(u32)r->rdx << 32) | (u32)r->rax;

    switch ((u32)r->rcx) {
    case MSR_IA32_MISC_ENABLE:
        if (write && val != MISC_ENABLE_GUEST) {
            hvm_inject_exception(v, TRAP_gp_fault, true, 0);
            return;
        }
        val = MISC_ENABLE_GUEST;
        break;
    case MSR_IA32_BIOS_SIGN_ID:
        val = 0;
        break;
    default:
        if (write ? hvm_handle_wrmsr(v) : hvm_handle_rdmsr(v))
            skip_insn(v);
        return;
    }
    if (!write) {
        r->rax = (u32)val;
        r->rdx = val >> 32;
    }
    skip_insn(v);
}

static void handle_io(struct vcpu *v, u64 qual)
{
    unsigned int port = qual >> IO_QUAL_PORT_SHIFT;
    unsigned int size = (qual & IO_QUAL_SIZE_MASK) + 1;

    if (qual & IO_QUAL_STRING) {
        hvm_handle_string_io(v, port, size, qual & IO_QUAL_IN);
        return;
    }
    hvm_handle_io_insn(v, port, size, qual & IO_QUAL_IN,
                       v->hvm->regs.rip + vmread(VM_EXIT_INSTRUCTION_LEN));
}

static void handle_ept_violation(struct vcpu *v, u64 qual)
{
    u64 gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    bool walk = (qual & EPT_QUAL_LINEAR_VALID) && !(qual & EPT_QUAL_TRANSLATION);
    char why[128];

    /* Page tables are never MMIO: only the access itself may be. */
    if (!walk && hvm_handle_mmio(v, gpa, NULL, 0)) {
        hvm_count_exit(v, HVM_EXIT_MMIO);
        return;
    }
    hvm_count_exit(v, HVM_EXIT_NPF);
    snprintf(why, sizeof(why), "%s of guest-physical %#lx, outside RAM and "
             "devices (qualification %#lx)", walk ? "page-table walk" :
             qual & EPT_QUAL_WRITE ? "write" :
             qual & EPT_QUAL_FETCH ? "instruction fetch" : "read",
             (unsigned long)gpa, (unsigned long)qual);
    domain_crash(v->domain, why);
}

/*
 * An intercepted exception goes back to the guest as it came: its type
 * (INT3/INTO and ICEBP are software-raised and need the instruction
 * length, the CPU having stopped at the instruction), vector and error
 * code.
 */
static void reflect_exception(u32 info)
{
    u32 type = info & INTR_TYPE_MASK;

    vmwrite(VM_ENTRY_INTR_INFO, info & (INTR_INFO_VALID | INTR_INFO_ERROR_VALID |
                                        INTR_TYPE_MASK | 0xff));
    if (info & INTR_INFO_ERROR_VALID)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(VM_EXIT_INTR_ERROR_CODE));
    if (type == INTR_TYPE_PRIV_SW_EXC || type == INTR_TYPE_SW_EXCEPTION)
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
}

/*
 * #UD: VMMCALL (AMD's hypercall instruction, which guests written for SVM
 * use) is handled as VMCALL; anything else goes back to the guest.
 */
static void handle_ud(struct vcpu *v, u32 info)
{
    static const u8 vmmcall[3] = { 0x0f, 0x01, 0xd9 };
    struct hvm_paging p;
    u8 insn[15];

    hvm_ops->get_paging(v, &p);
    if (hvm_fetch_insn(v, &p, insn) >= 3 && !memcmp(insn, vmmcall, 3)) {
        hvm_count_exit(v, HVM_EXIT_VMMCALL);
        if (hvm_handle_hypercall(v))
            v->hvm->regs.rip += 3;
        return;
    }
    hvm_count_exit(v, HVM_EXIT_EXCEPTION);
    reflect_exception(info);
}

static void handle_exception_nmi(struct vcpu *v, u64 qual)
{
    u32 info = vmread(VM_EXIT_INTR_INFO);
    u64 dr6;

    if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
        /* hv's NMI: run its handler as the CPU would have. */
        hvm_count_exit(v, HVM_EXIT_NMI);
        asm volatile("int $2");
        return;
    }
    switch (info & 0xff) {
    case TRAP_invalid_op:
        handle_ud(v, info);
        return;
    case TRAP_debug:
        /* The CPU left DR6 alone: the exit qualification has its bits
         * (B0-B3, BD, BS) for a #DB it raised itself. */
        if ((info & INTR_TYPE_MASK) == INTR_TYPE_HW_EXCEPTION) {
            dr6 = read_dr6();
            dr6 = (dr6 & ~0xfull) | (qual & 0x600f);
            write_dr6(dr6);
        }
        /* fall through */
    case TRAP_alignment_check:
        hvm_count_exit(v, HVM_EXIT_EXCEPTION);
        reflect_exception(info);
        return;
    }
    hvm_count_exit(v, HVM_EXIT_OTHER);
    domain_crash(v->domain, "unexpected exception exit");
}

void vmx_vmexit_handler(struct vcpu *v)
{
    struct vmx_vcpu *s = v->hvm->vmx;
    u32 reason = vmread(VM_EXIT_REASON);
    u64 qual = vmread(EXIT_QUALIFICATION);
    char why[96];

    s->exit_reason = reason;
    s->exit_qualification = qual;
    if (reason & EXIT_REASON_ENTRY_FAILED) {
        hvm_count_exit(v, HVM_EXIT_OTHER);
        snprintf(why, sizeof(why), "VM entry refused the guest state "
                 "(exit reason %u, qualification %lu)", reason & 0xffff,
                 (unsigned long)qual);
        domain_crash(v->domain, why);
        return;
    }
    reinject_vectoring();

    switch (reason & 0xffff) {
    case EXIT_EXCEPTION_NMI:
        handle_exception_nmi(v, qual);
        break;
    case EXIT_EXTERNAL_INTERRUPT:
        /* Taken by hv when it enabled interrupts, before this ran. */
        hvm_count_exit(v, HVM_EXIT_INTR);
        break;
    case EXIT_INIT:
    case EXIT_SIPI:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        break;
    case EXIT_INTR_WINDOW:
        hvm_count_exit(v, HVM_EXIT_VINTR);
        vmx_disable_intr_window();
        break;
    case EXIT_CPUID:
        hvm_count_exit(v, HVM_EXIT_CPUID);
        hvm_handle_cpuid(v);
        skip_insn(v);
        break;
    case EXIT_HLT:
        hvm_count_exit(v, HVM_EXIT_HLT);
        skip_insn(v);
        hvm_handle_hlt(v);
        break;
    case EXIT_IO:
        hvm_count_exit(v, HVM_EXIT_IO);
        handle_io(v, qual);
        break;
    case EXIT_RDMSR:
    case EXIT_WRMSR:
        hvm_count_exit(v, HVM_EXIT_MSR);
        handle_msr(v, (reason & 0xffff) == EXIT_WRMSR);
        break;
    case EXIT_EPT_VIOLATION:
        handle_ept_violation(v, qual);
        break;
    case EXIT_CR_ACCESS:
        handle_cr_access(v, qual);
        break;
    case EXIT_VMCALL:
        hvm_count_exit(v, HVM_EXIT_VMMCALL);
        if (hvm_handle_hypercall(v))
            skip_insn(v);
        break;
    case EXIT_INVD:
    case EXIT_WBINVD:
        /* Guest memory is ordinary cached RAM: nothing to write back. */
        hvm_count_exit(v, HVM_EXIT_OTHER);
        skip_insn(v);
        break;
    case EXIT_XSETBV:
        refuse(v, (s->cr4_shadow & X86_CR4_OSXSAVE) ? TRAP_gp_fault : TRAP_invalid_op);
        break;
    case EXIT_RDPMC:
        refuse(v, TRAP_gp_fault);
        break;
    case EXIT_GETSEC:
    case EXIT_RSM:
    case EXIT_VMCLEAR:
    case EXIT_VMLAUNCH:
    case EXIT_VMPTRLD:
    case EXIT_VMPTRST:
    case EXIT_VMREAD:
    case EXIT_VMRESUME:
    case EXIT_VMWRITE:
    case EXIT_VMXOFF:
    case EXIT_VMXON:
    case EXIT_INVEPT:
    case EXIT_INVVPID:
    case EXIT_MONITOR:
    case EXIT_MWAIT:
        /* Not offered in the guest's CPUID: what a CPU without them does. */
        refuse(v, TRAP_invalid_op);
        break;
    case EXIT_TRIPLE_FAULT:
        hvm_count_exit(v, HVM_EXIT_SHUTDOWN);
        domain_crash(v->domain, "triple fault (shutdown)");
        break;
    case EXIT_TASK_SWITCH:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        domain_crash(v->domain, "hardware task switch (not emulated)");
        break;
    default:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        snprintf(why, sizeof(why), "unexpected VMX exit %u (qualification %#lx)",
                 reason & 0xffff, (unsigned long)qual);
        domain_crash(v->domain, why);
        break;
    }
}
