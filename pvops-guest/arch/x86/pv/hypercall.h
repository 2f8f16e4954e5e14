/*
 * Hypercalls through the hypercall page: stub n at hypercall_page + 32n
 * (SYSCALL into the hypervisor; the stub preserves RCX and R11).  Every
 * call is counted by number, so the cost of PV mode can be measured
 * (pv_stats_print at power-off with "kdebug").
 */
#ifndef GUEST_PV_HYPERCALL_H
#define GUEST_PV_HYPERCALL_H

#include <public/xen.h>

#include "kernel.h"

#define PV_NR_HYPERCALLS 64

extern char hypercall_page[];
/* Hypercalls issued (traps into the hypervisor), by number. */
extern uint64_t pv_hypercalls[PV_NR_HYPERCALLS];
/* Calls issued inside multicalls, by number (counted once per entry). */
extern uint64_t pv_multicalled[PV_NR_HYPERCALLS];
/* Requests inside the mmu_update and mmuext_op calls the batch issued. */
extern uint64_t pv_pte_updates, pv_mmuext_ops;
/* Entries from the hypervisor: system calls, exceptions, event upcalls. */
enum { PV_ENTRY_SYSCALL, PV_ENTRY_EXCEPTION, PV_ENTRY_EVENT, PV_NR_ENTRY_KINDS };
extern uint64_t pv_entries[PV_NR_ENTRY_KINDS];

static inline long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
			      uint64_t a4, uint64_t a5)
{
	register uint64_t r10 asm("r10") = a4;
	register uint64_t r8 asm("r8") = a5;
	long ret;

	if (nr < PV_NR_HYPERCALLS)     /* privcmd passes any number through */
		pv_hypercalls[nr]++;
	asm volatile("call *%[stub]"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
		     : [stub] "r"(hypercall_page + nr * 32)
		     : "memory", "r9");
	return ret;
}

static inline long hypercall1(unsigned int nr, uint64_t a1)
{
	return hypercall5(nr, a1, 0, 0, 0, 0);
}

static inline long hypercall2(unsigned int nr, uint64_t a1, uint64_t a2)
{
	return hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long hypercall4(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
			      uint64_t a4)
{
	return hypercall5(nr, a1, a2, a3, a4, 0);
}

#define HYPERCALL(name) __HYPERVISOR_##name
#define HPTR(p) ((uint64_t)(uintptr_t)(p))

#endif
