/*
 * Null hypercall: xen_version(XENVER_version, NULL), the cheapest call
 * every Xen-ABI hypervisor answers (no argument to copy, no state to
 * touch), from a guest kernel's ring through the hypercall page.
 * pvops-guest gives its programs no way to make a hypercall, so this is a
 * PV kernel of its own (the test-guest runtime, tests/guests/lib), booted
 * as dom0 by the PV configurations.  It sizes and times a batch like the
 * programs' driver (bench/progs/bench.c) and prints the same lines:
 *
 *   === BEGIN hypercall ===
 *   BENCH name=hypercall unit=ns/op value=NS_PER_OP iters=N tsc=TICKS_PER_OP
 *   === END hypercall (status 0) ===
 *
 * Command line: t=MS, the target batch time (default 300).
 */
#include "measure.h"
#include <public/version.h>

const char test_title[] = "bench hypercall";

static bool null_hypercalls(uint64_t n)
{
	while (n--)
		hypercall2(HC(xen_version), XENVER_version, 0);
	return true;
}

void test_main(void)
{
	uint64_t target_ns = (uint64_t)cmdline_long("t", 300) * 1000000;
	long version = hypercall2(HC(xen_version), XENVER_version, 0);

	printk("=== BEGIN hypercall ===\n");
	if (!target_ns || version >> 16 != 4) {
		test_fail("t=%lu ms, xen_version %#lx: want t > 0 and version 4.x",
			  target_ns / 1000000, version);
		printk("=== END hypercall (status 1) ===\n");
		return;
	}
	bench_measure("hypercall", null_hypercalls, target_ns);
	printk("=== END hypercall (status 0) ===\n");
}
