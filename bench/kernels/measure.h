/*
 * The timing loop of the PV kernel benchmarks (bench/kernels/), the same
 * method as the programs' driver (bench/progs/bench.c): warm up with
 * doubling batches until one takes an eighth of the target, size the
 * timed batch from that rate, time it with the system time and the TSC,
 * and print
 *
 *   BENCH name=NAME unit=ns/op value=NS_PER_OP iters=N tsc=TICKS_PER_OP
 *
 * A header of static functions: every .c file here is a kernel of its own.
 */
#ifndef BENCH_KERNEL_MEASURE_H
#define BENCH_KERNEL_MEASURE_H

#include "lib/guest.h"
#include "lib/time.h"

/* Performs n operations; false after reporting a failure (test_fail). */
typedef bool (*bench_op)(uint64_t n);

/* "X.YY" for num/den, two decimals, rounded. */
static void print_ratio(const char *key, uint64_t num, uint64_t den)
{
	uint64_t hundredths = (num * 100 + den / 2) / den;

	printk(" %s=%lu.%02lu", key, hundredths / 100, hundredths % 100);
}

/* Times op for about target_ns (after a warm-up); prints the BENCH line. */
static bool bench_measure(const char *name, bench_op op, uint64_t target_ns)
{
	uint64_t n, t0, c0, ns, ticks;

	for (n = 1;; n *= 2) {
		t0 = now_ns();
		if (!op(n))
			return false;
		ns = now_ns() - t0;
		if (ns >= target_ns / 8 || n >= (1ul << 40))
			break;
	}
	n = n * target_ns / (ns ? ns : 1);
	n = n ? n : 1;
	t0 = now_ns();
	c0 = rdtsc();
	if (!op(n))
		return false;
	ticks = rdtsc() - c0;
	ns = now_ns() - t0;
	printk("BENCH name=%s unit=ns/op", name);
	print_ratio("value", ns, n);
	printk(" iters=%lu", n);
	print_ratio("tsc", ticks, n);
	printk("\n");
	return true;
}

#endif
