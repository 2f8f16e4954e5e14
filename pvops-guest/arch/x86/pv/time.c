/*
 * Xen PV time: the clock is pvclock (vcpu_info.time: system_time at
 * tsc_timestamp, scaled TSC delta since, under a version seqlock), the
 * wall clock is shared_info's, and the scheduler tick is a one-shot
 * timer (set_timer_op -> VIRQ_TIMER) re-armed at each tick.
 */
#include <public/vcpu.h>
#include <public/errno.h>

#include "hypercall.h"
#include "lib.h"
#include "pv.h"

#define TICK_NS 10000000ULL          /* 100 Hz, as natively */

static uint64_t boot_system_time, boot_wall_ns, next_tick;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Hypervisor system time: ns since it booted. */
static uint64_t system_time(void)
{
	const volatile struct vcpu_time_info *t = &pv_shared_info->vcpu_info[0].time;
	uint32_t version, mul;
	uint64_t stamp, base, delta;
	int8_t shift;

	do {
		version = t->version;
		asm volatile("" ::: "memory");
		stamp = t->tsc_timestamp;
		base = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		delta = rdtsc() - stamp;
		asm volatile("" ::: "memory");
	} while ((version & 1) || version != t->version);
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

static uint64_t pv_now_ns(void)
{
	return system_time() - boot_system_time;
}

static uint64_t pv_boot_wallclock_ns(void)
{
	return boot_wall_ns;
}

/* Wall clock at hypervisor system time 0. */
static uint64_t wallclock_base_ns(void)
{
	const volatile struct shared_info *s = pv_shared_info;
	uint32_t version, nsec;
	uint64_t sec;

	do {
		version = s->wc_version;
		asm volatile("" ::: "memory");
		sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
		nsec = s->wc_nsec;
		asm volatile("" ::: "memory");
	} while ((version & 1) || version != s->wc_version);
	return sec * 1000000000ULL + nsec;
}

/* The next tick is one period after the last, or one period from now if late. */
static void tick_rearm(void)
{
	uint64_t now = system_time();
	long rc;

	next_tick += TICK_NS;
	if (next_tick <= now)
		next_tick = now + TICK_NS;
	rc = hypercall1(HYPERCALL(set_timer_op), next_tick);
	if (rc)
		panic("pv: set_timer_op: %ld", rc);
}

/* Returns the tick's logical IRQ. */
int pv_time_init(void)
{
	long rc;

	boot_system_time = system_time();
	boot_wall_ns = wallclock_base_ns() + boot_system_time;
	next_tick = boot_system_time;
	/* Xen gives PV vCPUs a 10 ms periodic timer by default; we use one-shots. */
	rc = hypercall3(HYPERCALL(vcpu_op), VCPUOP_stop_periodic_timer, 0, 0);
	if (rc && rc != -XEN_ENOSYS)
		panic("pv: stopping the periodic timer: %ld", rc);
	return pv_bind_virq(VIRQ_TIMER, tick_rearm);
}

const struct pv_time_ops pv_time_ops = {
	.now_ns = pv_now_ns,
	.boot_wallclock_ns = pv_boot_wallclock_ns,
	.timer_irq = -1,
};
