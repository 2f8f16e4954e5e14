/*
 * The saved user (or interrupted kernel) register state.  Every entry path
 * of every backend (native IDT/SYSCALL stubs now, Xen bounce frames and the
 * syscall callback later) builds exactly this frame, so everything above
 * the pv_ops table sees one layout.
 */
#ifndef GUEST_TRAPFRAME_H
#define GUEST_TRAPFRAME_H

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;     /* exception/IRQ vector, or VEC_SYSCALL */
	uint64_t error;      /* CPU error code, or the syscall number */
	uint64_t rip, cs, rflags, rsp, ss;
};
#endif

#define VEC_SYSCALL 0x100

/* Offsets used by the assembly stubs. */
#define TF_VECTOR 120
#define TF_RIP    136
#define TF_SIZE   176

#ifdef __ASSEMBLY__
/* Pushes the general registers in struct trapframe's order (r15 lowest). */
	.macro PUSH_GPRS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	.endm
#endif

#define RFLAGS_IF 0x200UL
#define RFLAGS_USER_MASK 0xcd5UL /* CF PF AF ZF SF TF DF OF: what user code may set */

#endif
