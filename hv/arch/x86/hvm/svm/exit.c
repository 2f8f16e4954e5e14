/*
 * #VMEXIT dispatch: each exit code is turned into a call to the
 * arch-neutral handlers (port I/O, MMIO, CPUID, MSRs, HLT, hypercalls)
 * or dealt with here (interrupt windows, refused instructions, triple
 * faults).  Runs with interrupts on, after the guest's registers were
 * copied into v->hvm->regs; the next entry copies them back.
 */
#include <hv/hvm_io.h>
#include <hv/traps.h>
#include <hv/lib.h>
#include "svm.h"

#define X86_CR4_OSXSAVE 0x00040000

/*
 * Moves RIP past the intercepted instruction: to the CPU's next RIP if
 * it saves one (NRIP), else by the instruction's fixed length.
 */
static void skip_insn(struct vcpu *v, unsigned int len)
{
    const struct vmcb *vmcb = v->hvm->svm->vmcb;
    struct hvm_regs *r = &v->hvm->regs;

    if ((svm_features & SVM_FEATURE_NRIPS) && vmcb->next_rip > r->rip &&
        vmcb->next_rip <= r->rip + 15)
        r->rip = vmcb->next_rip;
    else
        r->rip += len;
}

static void handle_ioio(struct vcpu *v, const struct vmcb *vmcb)
{
    u64 info = vmcb->exitinfo1;
    unsigned int port = info >> IOIO_PORT_SHIFT;
    unsigned int size = (info >> IOIO_SIZE_SHIFT) & 7;

    if (info & IOIO_STR) {
        hvm_handle_string_io(v, port, size, info & IOIO_TYPE_IN);
        return;
    }
    /* exitinfo2 is the RIP after the IN/OUT. */
    hvm_handle_io_insn(v, port, size, info & IOIO_TYPE_IN, vmcb->exitinfo2);
}

static void handle_npf(struct vcpu *v, const struct vmcb *vmcb)
{
    u64 gpa = vmcb->exitinfo2;
    bool assisted = (svm_features & SVM_FEATURE_DECODEASSISTS) && vmcb->insn_len;
    bool walk = vmcb->exitinfo1 & NPF_IN_GUEST_WALK;
    char why[128];

    /* Page tables are never MMIO: only the access itself may be. */
    if (!walk && hvm_handle_mmio(v, gpa, assisted ? vmcb->insn_bytes : NULL,
                                 assisted ? vmcb->insn_len : 0)) {
        hvm_count_exit(v, HVM_EXIT_MMIO);
        return;
    }
    hvm_count_exit(v, HVM_EXIT_NPF);
    snprintf(why, sizeof(why), "%s of guest-physical %#lx, outside RAM and "
             "devices (error %#lx)", walk ? "page-table walk" :
             vmcb->exitinfo1 & NPF_WRITE ? "write" :
             vmcb->exitinfo1 & NPF_INSN ? "instruction fetch" : "read",
             (unsigned long)gpa, (unsigned long)vmcb->exitinfo1);
    domain_crash(v->domain, why);
}

static void refuse(struct vcpu *v, unsigned int vector)
{
    hvm_count_exit(v, HVM_EXIT_OTHER);
    hvm_inject_exception(v, vector, vector == TRAP_gp_fault, 0);
}

void svm_vmexit_handler(struct vcpu *v)
{
    struct vmcb *vmcb = v->hvm->svm->vmcb;
    u64 code = vmcb->exitcode;
    char why[96];

    svm_intr_after_exit(v);

    switch (code) {
    case VMEXIT_INTR:
        /* Taken by hv right after STGI, before this ran. */
        hvm_count_exit(v, HVM_EXIT_INTR);
        break;
    case VMEXIT_NMI:
        hvm_count_exit(v, HVM_EXIT_NMI);
        break;
    case VMEXIT_SMI:
    case VMEXIT_INIT:
    case VMEXIT_FERR_FREEZE:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        break;
    case VMEXIT_VINTR:
        hvm_count_exit(v, HVM_EXIT_VINTR);
        svm_disable_intr_window(vmcb);
        break;
    case VMEXIT_CPUID:
        hvm_count_exit(v, HVM_EXIT_CPUID);
        hvm_handle_cpuid(v);
        skip_insn(v, 2);
        break;
    case VMEXIT_HLT:
        hvm_count_exit(v, HVM_EXIT_HLT);
        skip_insn(v, 1);
        /* An interrupt presented and not yet taken ends the HLT at once. */
        if (!v->hvm->svm->virq_in_flight)
            hvm_handle_hlt(v);
        break;
    case VMEXIT_IRET:
        /* Before the IRET runs: intr.c opens the window for the next one. */
        hvm_count_exit(v, HVM_EXIT_VINTR);
        break;
    case VMEXIT_IOIO:
        hvm_count_exit(v, HVM_EXIT_IO);
        handle_ioio(v, vmcb);
        break;
    case VMEXIT_MSR:
        hvm_count_exit(v, HVM_EXIT_MSR);
        if (vmcb->exitinfo1 ? hvm_handle_wrmsr(v) : hvm_handle_rdmsr(v))
            skip_insn(v, 2);
        break;
    case VMEXIT_NPF:
        handle_npf(v, vmcb);
        break;
    case VMEXIT_CR0_WRITE:
        hvm_count_exit(v, HVM_EXIT_CR);
        svm_handle_cr0_write(v);
        break;
    case VMEXIT_CR4_WRITE:
        hvm_count_exit(v, HVM_EXIT_CR);
        hvm_handle_cr4_write(v);
        break;
    case VMEXIT_VMMCALL:
        hvm_count_exit(v, HVM_EXIT_VMMCALL);
        if (hvm_handle_hypercall(v))
            skip_insn(v, 3);
        break;
    case VMEXIT_EXCEPTION_DB:
        hvm_count_exit(v, HVM_EXIT_EXCEPTION);
        hvm_inject_exception(v, TRAP_debug, false, 0);
        break;
    case VMEXIT_EXCEPTION_AC:
        hvm_count_exit(v, HVM_EXIT_EXCEPTION);
        hvm_inject_exception(v, TRAP_alignment_check, true, (u32)vmcb->exitinfo1);
        break;
    case VMEXIT_INVD:
    case VMEXIT_WBINVD:
        /* Guest memory is ordinary cached RAM: nothing to write back. */
        hvm_count_exit(v, HVM_EXIT_OTHER);
        skip_insn(v, 2);
        break;
    case VMEXIT_XSETBV:
        refuse(v, (vmcb->cr4 & X86_CR4_OSXSAVE) ? TRAP_gp_fault : TRAP_invalid_op);
        break;
    case VMEXIT_RDPMC:
        refuse(v, TRAP_gp_fault);
        break;
    case VMEXIT_VMRUN:
    case VMEXIT_VMLOAD:
    case VMEXIT_VMSAVE:
    case VMEXIT_STGI:
    case VMEXIT_CLGI:
    case VMEXIT_SKINIT:
    case VMEXIT_INVLPGA:
    case VMEXIT_RDTSCP:
    case VMEXIT_MONITOR:
    case VMEXIT_MWAIT:
    case VMEXIT_MWAIT_COND:
    case VMEXIT_RDPRU:
    case VMEXIT_RSM:
        /* Not offered in the guest's CPUID: what a CPU without them does. */
        refuse(v, TRAP_invalid_op);
        break;
    case VMEXIT_SHUTDOWN:
        hvm_count_exit(v, HVM_EXIT_SHUTDOWN);
        domain_crash(v->domain, "triple fault (shutdown)");
        break;
    case VMEXIT_TASK_SWITCH:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        domain_crash(v->domain, "hardware task switch (not emulated)");
        break;
    case VMEXIT_INVALID:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        domain_crash(v->domain, "VMRUN refused the guest state (VMEXIT_INVALID)");
        break;
    default:
        hvm_count_exit(v, HVM_EXIT_OTHER);
        snprintf(why, sizeof(why), "unexpected SVM exit %#lx (info %#lx %#lx)",
                 (unsigned long)code, (unsigned long)vmcb->exitinfo1,
                 (unsigned long)vmcb->exitinfo2);
        domain_crash(v->domain, why);
        break;
    }
}
