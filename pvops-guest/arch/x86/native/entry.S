/*
 * Native kernel entry: IDT stubs for exceptions and 8259 IRQs, the SYSCALL
 * entry, and the return path.  Each builds a struct trapframe (see
 * include/trapframe.h) and calls the common trap_dispatch.
 */
#include "trapframe.h"

	.macro TRAP_NOERR vec
	.balign 16
trap_stub_\vec:
	push $0
	push $\vec
	jmp trap_common
	.endm

	.macro TRAP_ERR vec
	.balign 16
trap_stub_\vec:
	push $\vec
	jmp trap_common
	.endm

	.text
	.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	TRAP_NOERR \v
	.endr
	.irp v, 8,10,11,12,13,14,17,21,29,30
	TRAP_ERR \v
	.endr
	.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	TRAP_NOERR \v
	.endr

trap_common:
	cld
	PUSH_GPRS
	mov %rsp, %rdi
	call trap_dispatch
	mov %rsp, %rdi
	.globl native_return_to_user
native_return_to_user:
	mov %rdi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq

/*
 * SYSCALL: RCX = user RIP, R11 = user RFLAGS, interrupts masked by FMASK.
 * One CPU, and no kernel code runs with interrupts enabled on this path
 * before the stack switch, so a plain scratch slot holds the user RSP.
 */
	.balign 16
	.globl native_syscall_entry
native_syscall_entry:
	mov %rsp, syscall_scratch(%rip)
	mov native_kstack_top(%rip), %rsp
	push $0x23                          /* user SS */
	push syscall_scratch(%rip)          /* user RSP */
	push %r11                           /* RFLAGS */
	push $0x2b                          /* user CS */
	push %rcx                           /* RIP */
	push %rax                           /* syscall number in the error slot */
	push $VEC_SYSCALL
	PUSH_GPRS
	mov %rsp, %rdi
	call trap_dispatch
	mov %rsp, %rdi
	jmp native_return_to_user

	.section .rodata
	.balign 8
	.globl native_trap_stubs
native_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_stub_\v
	.endr
	.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad trap_stub_\v
	.endr

	.bss
	.balign 8
syscall_scratch:
	.quad 0
