/*
 * Xen PV kernel entry: exception stubs (set_trap_table), the syscall,
 * event and failsafe callbacks, and the return through the iret
 * hypercall.  The hypervisor bounces every entry onto the kernel stack as
 *   RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS    (lowest first)
 * on the stack_switch stack when it comes from user mode, below the
 * interrupted RSP (16-byte aligned, no red zone) from kernel mode.  Each
 * stub reloads RCX/R11, pushes vector and error code the way the native
 * stubs do, and the common code completes the struct trapframe, so from
 * user mode the frame lands at the top of the kernel stack exactly as a
 * native one.  The iret hypercall reads, lowest first, RAX R11 RCX (pushed
 * by its stub), flags, RIP CS RFLAGS RSP SS: the flags word goes where the
 * error code was.
 */
#include <public/xen.h>

#include "trapframe.h"

#define VEC_EVENT 0x101

	.macro PV_TRAP vec, has_error
	.balign 16
	.globl pv_trap_\vec
pv_trap_\vec:
	pop %rcx
	pop %r11
	.if \has_error == 0
	push $0
	.endif
	push $\vec
	jmp pv_trap_common
	.endm

	.text
	.irp v, 0,1,3,4,5,6,7,9,16,19
	PV_TRAP \v, 0
	.endr
	.irp v, 10,11,12,13,14,17
	PV_TRAP \v, 1
	.endr

pv_trap_common:
	cld
	PUSH_GPRS
	mov %rsp, %rdi
	call pv_trap
	mov %rsp, %rdi
	jmp pv_iret

/* User SYSCALL: RCX = user RIP, R11 = user RFLAGS, as on hardware. */
	.balign 16
	.globl pv_syscall_entry
pv_syscall_entry:
	pop %rcx
	pop %r11
	push %rax                           /* syscall number in the error slot */
	push $VEC_SYSCALL
	jmp pv_trap_common

/* Event upcall (events were masked by the hypervisor). */
	.balign 16
	.globl pv_event_entry
pv_event_entry:
	pop %rcx
	pop %r11
	push $0
	push $VEC_EVENT
	cld
	PUSH_GPRS
	mov %rsp, %rdi
	call pv_event
	mov %rsp, %rdi
	jmp pv_iret

/*
 * Failsafe: the hypervisor could not load DS/ES/FS/GS (loaded null ones
 * instead) on its way back to us.  Drop the four selectors and treat it as
 * a #GP at the frame's RIP: a signal for user mode, a kernel fault else.
 */
	.balign 16
	.globl pv_failsafe_entry
pv_failsafe_entry:
	pop %rcx
	pop %r11
	add $32, %rsp
	push $0
	push $13
	jmp pv_trap_common

/* pv_iret(tf): restore the frame and leave through the iret hypercall. */
	.globl pv_iret
pv_iret:
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
	add $8, %rsp                        /* vector; the flags word is next */
	jmp hypercall_page + __HYPERVISOR_iret * 32

	.section .rodata
	.balign 8
	.globl pv_trap_stubs
/* (vector, stub) pairs for set_trap_table. */
pv_trap_stubs:
	.irp v, 0,1,3,4,5,6,7,9,10,11,12,13,14,16,17,19
	.quad \v, pv_trap_\v
	.endr
	.quad -1, 0
