/*
 * Hypercall counts, by number: traps into the hypervisor, and calls that
 * travelled inside a multicall; and the entries the hypervisor bounced to
 * us, each of which ends in an iret.  Printed at power-off with "kdebug";
 * docs/pv-ops.md has the numbers for the test script.
 */
#include "hypercall.h"
#include "lib.h"
#include "pv.h"

uint64_t pv_hypercalls[PV_NR_HYPERCALLS];
uint64_t pv_multicalled[PV_NR_HYPERCALLS];
uint64_t pv_entries[PV_NR_ENTRY_KINDS];
uint64_t pv_pte_updates, pv_mmuext_ops;

static const char *const names[PV_NR_HYPERCALLS] = {
	[__HYPERVISOR_set_trap_table] = "set_trap_table",
	[__HYPERVISOR_mmu_update] = "mmu_update",
	[__HYPERVISOR_stack_switch] = "stack_switch",
	[__HYPERVISOR_fpu_taskswitch] = "fpu_taskswitch",
	[__HYPERVISOR_multicall] = "multicall",
	[__HYPERVISOR_update_va_mapping] = "update_va_mapping",
	[__HYPERVISOR_set_timer_op] = "set_timer_op",
	[__HYPERVISOR_xen_version] = "xen_version",
	[__HYPERVISOR_console_io] = "console_io",
	[__HYPERVISOR_iret] = "iret",
	[__HYPERVISOR_vcpu_op] = "vcpu_op",
	[__HYPERVISOR_set_segment_base] = "set_segment_base",
	[__HYPERVISOR_mmuext_op] = "mmuext_op",
	[__HYPERVISOR_sched_op] = "sched_op",
	[__HYPERVISOR_callback_op] = "callback_op",
	[__HYPERVISOR_event_channel_op] = "event_channel_op",
};

/* Prints a snapshot: printing itself makes console_io calls. */
void pv_stats_print(void)
{
	uint64_t direct[PV_NR_HYPERCALLS], batched[PV_NR_HYPERCALLS], total = 0;

	for (int i = 0; i < PV_NR_HYPERCALLS; i++) {
		direct[i] = pv_hypercalls[i];
		batched[i] = pv_multicalled[i];
		total += direct[i];
	}
	printk("pvops-guest: hypercalls:   direct  in-multicall  name\n");
	for (int i = 0; i < PV_NR_HYPERCALLS; i++)
		if (direct[i] || batched[i])
			printk("pvops-guest: %2d %14lu %13lu  %s\n", i, direct[i], batched[i],
			       names[i] ? names[i] : "");
	printk("pvops-guest: %17lu  total traps into the hypervisor\n", total);
	printk("pvops-guest: batched requests: %lu page-table entries, %lu mmuext ops\n",
	       pv_pte_updates, pv_mmuext_ops);
	printk("pvops-guest: entries: %lu system calls, %lu exceptions, %lu event upcalls\n",
	       pv_entries[PV_ENTRY_SYSCALL], pv_entries[PV_ENTRY_EXCEPTION],
	       pv_entries[PV_ENTRY_EVENT]);
}
