/*
 * Exception, event and syscall entry for PV test guests.
 *
 * The hypervisor bounces a trap onto our stack as
 *   RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 * (lowest address first).  Each stub restores RCX/R11, makes the frame
 * uniform (vector and error code), saves the rest and calls do_trap().
 * Return is through the iret hypercall, exercising it on every trap; the
 * flags word do_trap() returns goes where the error code was.
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

.macro ENTRY_STUB name, vec, has_error
    .globl \name
\name:
    pop %rcx
    pop %r11
    .if \has_error == 0
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

.macro TRAP_ENTRY vec, has_error
ENTRY_STUB trap_entry_\vec, \vec, \has_error
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
/* INT 0x80, through a DPL 3 gate. */
TRAP_ENTRY 128, 0
/* Event upcall and guest-user SYSCALL: same frame as a trap without error code. */
ENTRY_STUB event_entry, 256, 0
ENTRY_STUB syscall_entry, 257, 0

trap_common:
    SAVE_ALL
    mov %rsp, %rdi
    call do_trap
    mov %rax, 16*8(%rsp)        /* iret flags over the error code */
    RESTORE_ALL
    add $8, %rsp                /* vector */
    jmp hypercall_page + __HYPERVISOR_iret * 32

/* Failsafe: the hypervisor could not load our segments.  Report and crash. */
    .globl failsafe_entry
failsafe_entry:
    mov %rsp, %rdi
    call do_failsafe
    ud2

/* Entry stub of each vector, for set_trap(). */
    .section .rodata
    .p2align 3
    .globl trap_entries
trap_entries:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
    .ifdef trap_entry_\v
    .quad trap_entry_\v
    .else
    .quad 0
    .endif
    .endr
    .fill 128 - 22, 8, 0
    .quad trap_entry_128
    .fill 256 - 129, 8, 0
