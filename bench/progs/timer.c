/*
 * Timer-interrupt delivery latency: how late a 100 µs sleep
 * (clock_nanosleep, CLOCK_MONOTONIC, relative) wakes up.  One operation is
 * one sleep; bench_main subtracts the requested 100 µs, so the figure is the
 * lateness: the timer's resolution (a tick-based kernel wakes at its next
 * tick), arming it, the interrupt's delivery (under a hypervisor: the
 * physical interrupt, the hypervisor's timer, the virtual interrupt or
 * event injected), the wake-up and the return to user mode.  Linux's
 * timer slack (50 µs by default) is set to 1 ns where the kernel allows it,
 * so it does not hide the rest.
 */
#include "bench.h"

#include <errno.h>
#include <sys/prctl.h>
#include <time.h>

#define SLEEP_NS 100000

static int min_slack(const char *progdir)
{
	(void)progdir;
	/* Not every kernel has timer slack (pvops-guest has none): no error. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	return 0;
}

static int short_sleeps(uint64_t n)
{
	const struct timespec req = { .tv_sec = 0, .tv_nsec = SLEEP_NS };

	while (n--) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);

		if (rc) {
			errno = rc;
			return bench_fail("clock_nanosleep");
		}
	}
	return 0;
}

static const struct bench b = {
	.name = "timer",
	.unit = "ns/sleep",
	.setup = min_slack,
	.run = short_sleeps,
	.wait_ns = SLEEP_NS,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
