/*
 * The shared driver of every benchmark program: argument parsing, warm-up,
 * iteration sizing, timing and the result line.
 *
 * A program describes one operation; bench_main() runs it until the
 * measured batch takes about the target time and prints
 *
 *   BENCH name=NAME unit=UNIT value=NS_PER_OP iters=N tsc=TICKS_PER_OP
 *
 * (less the operation's wait_ns, if it has one; the median operation's
 * figures when the program keeps them, median_tsc)
 * value comes from clock_gettime(CLOCK_MONOTONIC); tsc from rdtsc.  Under
 * QEMU -icount shift=0 the guest TSC advances by one per executed
 * instruction, so there tsc is the instruction count per operation.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

struct bench {
	const char *name;
	const char *unit;
	/*
	 * Optional: prepare state before the first operation.  progdir is the
	 * directory the program was started from; data files sit next to it.
	 */
	int (*setup)(const char *progdir);
	/* Performs n operations; returns 0, or -1 after printing why. */
	int (*run)(uint64_t n);
	/* Optional: release what setup made. */
	void (*teardown)(void);
	/*
	 * Optional: how long each operation waits by design (a requested
	 * sleep).  It is subtracted from the figures, which then give how much
	 * longer than that an operation took; the tsc figure shrinks in the
	 * same proportion.
	 */
	uint64_t wait_ns;
	/*
	 * Optional: takes the operands after the options (a peer's address);
	 * returns 0, or -1 after printing why.  Without it operands are a
	 * usage error.  operand_usage names them in the usage line.
	 */
	int (*operands)(int argc, char **argv);
	const char *operand_usage;
	/*
	 * Optional: the median TSC ticks of one operation of the last run(),
	 * for operations that may stall now and then (a lost datagram waits
	 * for a timeout): the figures are then that median, in ticks and in
	 * nanoseconds at the timed batch's rate of nanoseconds per tick,
	 * instead of the batch's mean.
	 */
	double (*median_tsc)(void);
};

int bench_main(int argc, char **argv, const struct bench *b);

/* Prints "NAME: what: strerror(errno)" to stderr; returns -1. */
int bench_fail(const char *what);

/* Little helpers the programs share. */
uint32_t crc32_update(uint32_t crc, const void *buf, uint64_t len);
/* Fills buf with deterministic word-like text (compressible, like source). */
void fill_text(uint8_t *buf, uint64_t len, uint32_t seed);

#endif
