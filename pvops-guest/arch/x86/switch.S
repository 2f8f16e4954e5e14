/*
 * Kernel context switch (unprivileged: the same in every mode).
 * swtch(&old->ksp, new_ksp) saves the callee-saved registers on the old
 * kernel stack and resumes the new one.
 */
	.text
	.globl swtch
swtch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* First run of a new process: swtch "returns" here with RSP at its trapframe. */
	.globl proc_first_entry
proc_first_entry:
	call proc_first_return
	ud2
