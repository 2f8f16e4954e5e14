/*
 * xen_pv_start: entered from the Xen PV entry stub (boot/xen_entry.S) in
 * ring 3 on the builder's page tables, with RSI = start_info.  Installs the
 * PV pv_ops, maps shared_info, registers the trap table and callbacks,
 * binds the timer and console event channels, turns start_info into a
 * boot_info and enters the common kernel.
 */
#include <public/xen.h>

#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "pv.h"

extern char __image_start[], __bss_end[];

mfn_t pv_store_mfn;
evtchn_port_t pv_store_port;
static char cmdline[MAX_GUEST_CMDLINE];
static struct boot_info boot_info;
/* Our view of shared_info: this page of the image is remapped onto it. */
static uint8_t shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void issue(struct multicall_entry *calls, unsigned int n)
{
	long rc;

	for (unsigned int i = 0; i < n; i++) {
		if (calls[i].op == __HYPERVISOR_mmu_update)
			pv_pte_updates += calls[i].args[1];
		if (calls[i].op == __HYPERVISOR_mmuext_op)
			pv_mmuext_ops += calls[i].args[1];
	}
	if (n == 1) {
		calls[0].result = hypercall5(calls[0].op, calls[0].args[0], calls[0].args[1],
					     calls[0].args[2], calls[0].args[3],
					     calls[0].args[4]);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		pv_multicalled[calls[i].op]++;
	rc = hypercall2(HYPERCALL(multicall), HPTR(calls), n);
	if (rc)
		panic("pv: multicall of %u calls: %ld", n, rc);
}

static _Noreturn void failed(const struct multicall_entry *call, unsigned int index,
			     unsigned int done)
{
	panic("pv: hypercall %lu (batch entry %u) failed: %ld; args %lx %lx %lx, %u done",
	      call->op, index, (long)call->result, call->args[0], call->args[1],
	      call->args[2], done);
}

static void map_shared_info(uint64_t maddr)
{
	long rc = hypercall3(HYPERCALL(update_va_mapping), HPTR(shared_info_page),
			     maddr | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
			     _PAGE_NX, UVMF_INVLPG);

	if (rc)
		panic("pv: mapping shared_info: %ld", rc);
	pv_shared_info = (struct shared_info *)shared_info_page;
	pv_shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

_Noreturn void xen_pv_start(struct start_info *si);

_Noreturn void xen_pv_start(struct start_info *si)
{
	struct pv_layout layout;
	pfn_t levels;

	pv_ops.name = "Xen PV";
	pv_ops.cpu = pv_cpu_ops;
	pv_ops.mmu = pv_mmu_ops;
	pv_ops.irq = pv_irq_ops;
	pv_ops.time = pv_time_ops;
	pv_ops.console = pv_console_ops;
	pv_batch.issue = issue;
	pv_batch.failed = failed;
	pv_m2p = (const xen_pfn_t *)MACH2PHYS_VIRT_START;

	if (pv_parse_start_info(si, (uintptr_t)__image_start, (uintptr_t)__bss_end,
				&boot_info, &layout, cmdline, sizeof(cmdline)))
		panic("pv: unusable start_info at %p", (void *)si);
	/* Until paging_init, every frame is reached through the builder's mapping. */
	direct_map_base = boot_info.early_map_base;

	map_shared_info(si->shared_info);
	pv_events_init();
	pv_cpu_init();
	pv_ops.console.console_irq = pv_console_init(si);
	pv_ops.time.timer_irq = pv_time_init();
	pv_io_init(si);
	if (!(si->flags & SIF_INITDOMAIN)) {
		pv_store_mfn = si->store_mfn;
		pv_store_port = si->store_evtchn;
	}

	pv_early_map_extend(&boot_info, &layout);
	levels = pv_early_alloc(&boot_info, &layout, PAGE_UP(layout.nr_pfns) / PAGE_SIZE);
	if (!levels)
		panic("pv: no room for the page-table map of %lu frames", layout.nr_pfns);
	pv_mmu_init(&layout, levels, (uintptr_t)shared_info_page, si->shared_info);
	kernel_main(&boot_info);
}
