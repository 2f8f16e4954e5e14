/*
 * Bounce frames and iret flags: the two places where a PV entry or exit
 * differs from a native trapframe.  Pure functions, unit-tested on the host.
 */
#include <public/xen.h>

#include "pv.h"

/*
 * The hypervisor keeps the upcall mask it saved in bits 32-39 of the
 * frame's CS (RFLAGS.IF holds its inverse, which is all we need), and
 * reports kernel mode as RPL 0.  Keep just the selector.
 */
void pv_frame_from_bounce(struct trapframe *tf)
{
	tf->cs &= 0xffff;
}

/*
 * A return from a system call may go back the way SYSRET would
 * (VGCF_in_syscall), which is cheaper for the hypervisor but loads RCX and
 * R11 with RIP and RFLAGS.  That is what they hold after a syscall unless
 * the kernel changed the frame (signal delivery, sigreturn, exec), in
 * which case the full iret restores them.
 */
uint64_t pv_iret_flags(const struct trapframe *tf)
{
	if ((tf->cs & 3) == 3 && tf->vector == VEC_SYSCALL && tf->rcx == tf->rip &&
	    tf->r11 == tf->rflags)
		return VGCF_in_syscall;
	return 0;
}
