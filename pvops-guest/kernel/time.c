/* Clocks: monotonic time from pv_ops.time, wall time = boot wall clock + uptime. */
#include "proc.h"

uint64_t time_now_ns(void)
{
	return pv_ops.time.now_ns();
}

uint64_t time_wall_ns(void)
{
	return pv_ops.time.boot_wallclock_ns() + time_now_ns();
}
