/*
 * C side of the Xen PV entry.  The PV pv_ops backend (arch/x86/pv) is not
 * written yet, so a PV boot says so on the Xen console and shuts the domain
 * down as crashed instead of pretending to run.
 */
#include <public/xen.h>
#include <public/sched.h>

#include "lib.h"

extern char hypercall_page[];

static long hypercall3(unsigned int nr, long a1, long a2, long a3)
{
	long ret;
	register long rdx asm("rdx") = a3;

	asm volatile("call *%[stub]"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+r"(rdx)
		     : [stub] "r"(hypercall_page + nr * 32)
		     : "memory", "rcx", "r11", "r8", "r9", "r10");
	return ret;
}

_Noreturn void xen_pv_start(struct start_info *si);

_Noreturn void xen_pv_start(struct start_info *si)
{
	static const char msg[] =
		"heron pvops-guest: Xen PV entry reached; the PV backend is not built yet\n";
	struct sched_shutdown shutdown = { .reason = SHUTDOWN_crash };

	(void)si;
	hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (long)msg);
	for (;;)
		hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (long)&shutdown, 0);
}
