/*
 * Into and out of guest user mode.  user_enter() keeps the kernel context
 * (callee-saved registers, RSP) and irets to user mode; a trap handler,
 * running on the stack_switch stack, calls user_leave() to drop back
 * into that context, as if user_enter() returned.
 */
#include <public/xen.h>

    .text
/* void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg) */
    .globl user_enter
user_enter:
    push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15
    mov %rsp, user_kernel_rsp(%rip)
    push $FLAT_USER_SS
    push %rsi                   /* RSP */
    push $0x202                 /* RFLAGS: IF, so events stay enabled */
    push $FLAT_USER_CS          /* RPL 3: return to user mode */
    push %rdi                   /* RIP */
    push $0                     /* iret flags */
    mov %rdx, %rdi
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* void user_leave(void) */
    .globl user_leave
user_leave:
    mov user_kernel_rsp(%rip), %rsp
    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp
    ret

    .bss
    .p2align 3
user_kernel_rsp:
    .quad 0
