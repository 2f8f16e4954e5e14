/*
 * vmx_enter(regs, launched): one run of the guest.
 *
 * Called with interrupts off; VM entry loads the guest's RFLAGS, and a
 * physical interrupt while the guest runs is a VM exit (it stays pending
 * at the local APIC until hv enables interrupts again, after the guest's
 * registers are saved).  VM exit comes back at vmx_exit_point with hv's
 * state from the VMCS host area: RSP as written below (HOST_RSP), so the
 * stack holds what was pushed here.
 *
 * The guest's RSP, RIP and RFLAGS are in the VMCS; the other general
 * registers come from and go back to *regs.
 */
#include <hv/hvm.h>

#define HOST_RSP        0x6c14

        .text
        .balign 16
        .globl vmx_enter
vmx_enter:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* regs */

        mov     $HOST_RSP, %eax
        vmwrite %rsp, %rax

        test    %sil, %sil              /* launched? (flags survive the movs) */
        HVM_LOAD_GPRS
        mov     0(%rdi), %rax           /* RAX is first in struct hvm_regs */
        mov     HVM_REGS_RDI(%rdi), %rdi
        jnz     1f
        vmlaunch
        jmp     2f
1:      vmresume
2:
        /* VMLAUNCH/VMRESUME fell through: the guest never ran. */
        mov     $1, %eax
        jmp     3f

        .globl vmx_exit_point
vmx_exit_point:
        push    %rdi
        mov     8(%rsp), %rdi           /* regs */
        pop     HVM_REGS_RDI(%rdi)
        mov     %rax, 0(%rdi)
        HVM_SAVE_GPRS
        xor     %eax, %eax
3:
        add     $8, %rsp                /* regs */
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
