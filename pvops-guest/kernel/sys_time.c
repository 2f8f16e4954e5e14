/* Time system calls: clocks and sleeping. */
#include "lib.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

static int ns_to_user(uintptr_t uts, uint64_t ns)
{
	struct __kernel_timespec ts = { ns / 1000000000, ns % 1000000000 };

	return copy_to_user(uts, &ts, sizeof(ts));
}

static long clock_read(int clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = time_wall_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = time_now_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(int clk, uintptr_t ts)
{
	uint64_t ns;
	long err = clock_read(clk, &ns);

	return err ? err : ns_to_user(ts, ns);
}

long sys_clock_getres(int clk, uintptr_t ts)
{
	uint64_t ns;
	long err = clock_read(clk, &ns);

	if (err)
		return err;
	return ts ? ns_to_user(ts, 1) : 0;
}

long sys_gettimeofday(uintptr_t utv, uintptr_t utz)
{
	uint64_t ns = time_wall_ns();
	struct k_timeval tv = { ns / 1000000000, ns % 1000000000 / 1000 };

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && clear_user(utz, 8))
		return -EFAULT;
	return 0;
}

long sys_time(uintptr_t t)
{
	int64_t s = time_wall_ns() / 1000000000;

	if (t && copy_to_user(t, &s, sizeof(s)))
		return -EFAULT;
	return s;
}

static long sleep_ns(uint64_t deadline, uintptr_t rem)
{
	static int sleep_chan;

	while (time_now_ns() < deadline) {
		if (sleep_until(&sleep_chan, deadline)) {
			if (rem) {
				uint64_t now = time_now_ns();

				ns_to_user(rem, deadline > now ? deadline - now : 0);
			}
			return -EINTR;
		}
	}
	return 0;
}

long sys_clock_nanosleep(int clk, int flags, uintptr_t ureq, uintptr_t rem)
{
	struct __kernel_timespec ts;
	uint64_t now, req, deadline;
	long err = clock_read(clk, &now);

	if (err)
		return err;
	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	req = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (flags & TIMER_ABSTIME)
		deadline = time_now_ns() + (req > now ? req - now : 0);
	else
		deadline = time_now_ns() + req;
	return sleep_ns(deadline, flags & TIMER_ABSTIME ? 0 : rem);
}

long sys_nanosleep(uintptr_t req, uintptr_t rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}
