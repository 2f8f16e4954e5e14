/*
 * CPUID leaf 0 from user mode.  Natively and under PV (neither hv nor
 * pvops-guest makes user CPUID fault) it is one instruction the CPU, here
 * QEMU, answers itself.  Under HVM on hv every CPUID is intercepted, so
 * one operation is one null VM exit: #VMEXIT, hv's CPUID policy, VMRUN.
 */
#include "bench.h"

static int cpuid_leaf0(uint64_t n)
{
	uint32_t a, b, c, d;

	while (n--)
		asm volatile ("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	return 0;
}

static const struct bench b = {
	.name = "cpuid",
	.unit = "ns/op",
	.run = cpuid_leaf0,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
