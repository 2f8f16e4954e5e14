/*
 * svm_vmrun(regs, vmcb_pa, host_vmcb_pa): one run of the guest.
 *
 * Called with interrupts off.  CLGI holds off every interrupt (NMI too)
 * until STGI, so after the guest's VMLOAD state is in (its TR among it)
 * nothing can enter hv until hv's own is back.  EFLAGS.IF is set before
 * VMRUN, not right before it (VMRUN would leak an STI shadow into the
 * guest): with V_INTR_MASKING the host IF saved by VMRUN is what lets a
 * physical interrupt stop the guest (INTR intercept).  It is taken after
 * STGI, in hv, once the guest's registers are saved.
 *
 * The guest's RAX, RSP, RIP and RFLAGS are in the VMCB; the other general
 * registers come from and go back to *regs.
 */
#include <hv/hvm.h>

        .text
        .balign 16
        .globl svm_vmrun
svm_vmrun:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* regs */
        push    %rdx                    /* host VMCB */

        mov     %rsi, %rax
        clgi
        vmload  %rax
        sti

        HVM_LOAD_GPRS
        mov     HVM_REGS_RDI(%rdi), %rdi

        vmrun   %rax

        /* #VMEXIT: RAX and RSP are hv's again, GIF is 0. */
        push    %rdi
        mov     16(%rsp), %rdi          /* regs */
        pop     HVM_REGS_RDI(%rdi)
        HVM_SAVE_GPRS

        vmsave  %rax                    /* the guest's FS, GS, TR, MSRs */
        pop     %rax
        vmload  %rax                    /* hv's */
        add     $8, %rsp

        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        stgi
        ret
