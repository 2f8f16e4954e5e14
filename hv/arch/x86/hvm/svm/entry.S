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

        mov     HVM_REGS_RCX(%rdi), %rcx
        mov     HVM_REGS_RDX(%rdi), %rdx
        mov     HVM_REGS_RBX(%rdi), %rbx
        mov     HVM_REGS_RBP(%rdi), %rbp
        mov     HVM_REGS_RSI(%rdi), %rsi
        mov     HVM_REGS_R8(%rdi), %r8
        mov     HVM_REGS_R9(%rdi), %r9
        mov     HVM_REGS_R10(%rdi), %r10
        mov     HVM_REGS_R11(%rdi), %r11
        mov     HVM_REGS_R12(%rdi), %r12
        mov     HVM_REGS_R13(%rdi), %r13
        mov     HVM_REGS_R14(%rdi), %r14
        mov     HVM_REGS_R15(%rdi), %r15
        mov     HVM_REGS_RDI(%rdi), %rdi

        vmrun   %rax

        /* #VMEXIT: RAX and RSP are hv's again, GIF is 0. */
        push    %rdi
        mov     16(%rsp), %rdi          /* regs */
        pop     HVM_REGS_RDI(%rdi)
        mov     %rcx, HVM_REGS_RCX(%rdi)
        mov     %rdx, HVM_REGS_RDX(%rdi)
        mov     %rbx, HVM_REGS_RBX(%rdi)
        mov     %rbp, HVM_REGS_RBP(%rdi)
        mov     %rsi, HVM_REGS_RSI(%rdi)
        mov     %r8, HVM_REGS_R8(%rdi)
        mov     %r9, HVM_REGS_R9(%rdi)
        mov     %r10, HVM_REGS_R10(%rdi)
        mov     %r11, HVM_REGS_R11(%rdi)
        mov     %r12, HVM_REGS_R12(%rdi)
        mov     %r13, HVM_REGS_R13(%rdi)
        mov     %r14, HVM_REGS_R14(%rdi)
        mov     %r15, HVM_REGS_R15(%rdi)

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
