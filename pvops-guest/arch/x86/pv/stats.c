/*
 * Hypercall counts, by number: traps into the hypervisor, and calls that
 * travelled inside a multicall.  Printed at power-off when "kdebug" is on;
 * docs/pv-ops.md has the numbers for the test script.
 */
#include "hypercall.h"
#include "lib.h"
#include "pv.h"

uint64_t pv_hypercalls[PV_NR_HYPERCALLS];
uint64_t pv_multicalled[PV_NR_HYPERCALLS];

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

void pv_stats_print(void)
{
	uint64_t total = 0;

	printk("pvops-guest: hypercalls:   direct  in-multicall  name\n");
	for (int i = 0; i < PV_NR_HYPERCALLS; i++) {
		if (!pv_hypercalls[i] && !pv_multicalled[i])
			continue;
		printk("pvops-guest: %2d %14lu %13lu  %s\n", i, pv_hypercalls[i],
		       pv_multicalled[i], names[i] ? names[i] : "");
		total += pv_hypercalls[i];
	}
	printk("pvops-guest: %17lu  total traps into the hypervisor\n", total);
}
