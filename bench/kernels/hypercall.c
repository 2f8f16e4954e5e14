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
#include "lib/guest.h"
#include "lib/time.h"
#include <public/version.h>

const char test_title[] = "bench hypercall";

static void null_hypercalls(uint64_t n)
{
	while (n--)
		hypercall2(HC(xen_version), XENVER_version, 0);
}

/* "X.YY" for num/den, two decimals, rounded. */
static void print_ratio(const char *key, uint64_t num, uint64_t den)
{
	uint64_t hundredths = (num * 100 + den / 2) / den;

	printk(" %s=%lu.%02lu", key, hundredths / 100, hundredths % 100);
}

void test_main(void)
{
	uint64_t target_ns = (uint64_t)cmdline_long("t", 300) * 1000000, n, t0, c0, ns, ticks;

	long version = hypercall2(HC(xen_version), XENVER_version, 0);

	printk("=== BEGIN hypercall ===\n");
	if (!target_ns || version >> 16 != 4) {
		test_fail("t=%lu ms, xen_version %#lx: want t > 0 and version 4.x",
			  target_ns / 1000000, version);
		printk("=== END hypercall (status 1) ===\n");
		return;
	}
	/* Warm up with doubling batches until one takes an eighth of the target. */
	for (n = 1;; n *= 2) {
		t0 = now_ns();
		null_hypercalls(n);
		ns = now_ns() - t0;
		if (ns >= target_ns / 8 || n >= (1ul << 40))
			break;
	}
	n = n * target_ns / (ns ? ns : 1);
	n = n ? n : 1;
	t0 = now_ns();
	c0 = rdtsc();
	null_hypercalls(n);
	ticks = rdtsc() - c0;
	ns = now_ns() - t0;
	printk("BENCH name=hypercall unit=ns/op");
	print_ratio("value", ns, n);
	printk(" iters=%lu", n);
	print_ratio("tsc", ticks, n);
	printk("\n=== END hypercall (status 0) ===\n");
}
