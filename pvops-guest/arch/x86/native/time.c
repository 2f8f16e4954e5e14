/*
 * Native time: the PIT drives a 100 Hz tick on IRQ 0, the TSC (calibrated
 * against PIT channel 2) gives nanoseconds since boot, and the CMOS RTC
 * gives the wall clock at boot.
 */
#include "pvops.h"
#include "x86.h"

#define PIT_HZ 1193182
#define TICK_HZ 100

static uint64_t tsc_at_boot;
static uint64_t tsc_khz;
static uint64_t ns_per_tsc_q32;    /* 32.32 fixed point */

static uint64_t native_now_ns(void)
{
	uint64_t d = rdtsc() - tsc_at_boot;

	return (uint64_t)(((unsigned __int128)d * ns_per_tsc_q32) >> 32);
}

/* Counts TSC ticks across 10 ms of PIT channel 2 (gate via port 0x61). */
static void calibrate_tsc(void)
{
	uint16_t count = PIT_HZ / 100;
	uint64_t t0, t1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);                 /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	t1 = rdtsc();
	tsc_khz = (t1 - t0) / 10;
	if (tsc_khz == 0)
		tsc_khz = 1;
	ns_per_tsc_q32 = (1000000ULL << 32) / tsc_khz;
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(uint8_t v, int binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

static uint64_t days_from_civil(int y, unsigned int m, unsigned int d)
{
	y -= m <= 2;
	int era = y / 400;
	unsigned int yoe = y - era * 400;
	unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (uint64_t)era * 146097 + doe - 719468;
}

static uint64_t boot_wall_ns;

static void read_rtc(void)
{
	while (cmos(0x0a) & 0x80)
		;
	int bin = cmos(0x0b) & 0x04;
	unsigned int s = bcd(cmos(0x00), bin), mi = bcd(cmos(0x02), bin);
	unsigned int h = bcd(cmos(0x04) & 0x7f, bin), d = bcd(cmos(0x07), bin);
	unsigned int mo = bcd(cmos(0x08), bin), y = bcd(cmos(0x09), bin) + 2000;
	uint64_t days = days_from_civil(y, mo, d);

	boot_wall_ns = ((days * 86400) + h * 3600 + mi * 60 + s) * 1000000000ULL;
}

static uint64_t native_boot_wallclock_ns(void) { return boot_wall_ns; }

void native_time_init(void)
{
	uint16_t div = PIT_HZ / TICK_HZ;

	calibrate_tsc();
	read_rtc();
	tsc_at_boot = rdtsc();
	outb(0x43, 0x34);                 /* channel 0, rate generator */
	outb(0x40, div & 0xff);
	outb(0x40, div >> 8);
}

struct pv_time_ops native_time_ops = {
	.now_ns = native_now_ns,
	.boot_wallclock_ns = native_boot_wallclock_ns,
	.timer_irq = 0,
};
