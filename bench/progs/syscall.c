/*
 * Null system call: getppid().  The kernel answers it from the current
 * task without locks or copies, and neither glibc nor musl caches it, so
 * the figure is the bare cost of entering and leaving the kernel.
 */
#include "bench.h"

#include <unistd.h>

static int null_syscall(uint64_t n)
{
	while (n--)
		getppid();
	return 0;
}

static const struct bench b = {
	.name = "syscall",
	.unit = "ns/op",
	.run = null_syscall,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
