/*
 * Exception and event entry for PV test guests.
 *
 * The hypervisor bounces a trap onto our stack as
 *   RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 * (lowest address first).  Each stub restores RCX/R11, makes the frame
 * uniform (vector and error code), saves the rest and calls do_trap().
 * Return is through the iret hypercall, exercising it on every trap.
 */
#include <public/xen.h>

.macro SAVE_ALL
    push %rax; push %rbx; push %rcx; push %rdx; push %rsi; push %rdi; push %rbp
    push %r8; push %r9; push %r10; push %r11; push %r12; push %r13; push %r14; push %r15
.endm

.macro RESTORE_ALL
    pop %r15; pop %r14; pop %r13; pop %r12; pop %r11; pop %r10; pop %r9
    pop %r8; pop %rbp; pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rbx; pop %rax
.endm

.macro TRAP_ENTRY vec, has_error
    .globl trap_entry_\vec
trap_entry_\vec:
    pop %rcx
    pop %r11
    .if \has_error == 0
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

    .text
TRAP_ENTRY 0, 0
TRAP_ENTRY 1, 0
TRAP_ENTRY 2, 0
TRAP_ENTRY 3, 0
TRAP_ENTRY 4, 0
TRAP_ENTRY 5, 0
TRAP_ENTRY 6, 0
TRAP_ENTRY 7, 0
TRAP_ENTRY 8, 1
TRAP_ENTRY 10, 1
TRAP_ENTRY 11, 1
TRAP_ENTRY 12, 1
TRAP_ENTRY 13, 1
TRAP_ENTRY 14, 1
TRAP_ENTRY 16, 0
TRAP_ENTRY 17, 1
TRAP_ENTRY 18, 0
TRAP_ENTRY 19, 0
TRAP_ENTRY 20, 0
TRAP_ENTRY 21, 1
/* Event upcall: same frame as a trap without error code. */
TRAP_ENTRY 256, 0
/* INT 0x80 from guest user mode, if a test asks for it. */
TRAP_ENTRY 128, 0

trap_common:
    SAVE_ALL
    mov %rsp, %rdi
    call do_trap
    RESTORE_ALL
    add $16, %rsp               /* vector, error code */
    push $0                     /* iret flags: not in a syscall */
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* Failsafe: hv could not load our segments.  Report and crash. */
    .globl failsafe_entry
failsafe_entry:
    mov %rsp, %rdi
    call do_failsafe
    ud2
