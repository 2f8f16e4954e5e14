/*
 * TSC calibration against PIT channel 2 (gated through port 0x61, the
 * classic PC method) and system time.  NOW() is the pvclock formula applied
 * to the TSC, so guests can compute exactly the same time.
 */
#include <hv/time.h>
#include <hv/processor.h>
#include <hv/cpufeature.h>
#include <hv/io.h>
#include <hv/lib.h>

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_MODE        0x43
#define PORT_B          0x61
#define CALIBRATE_MS    50

u64 tsc_khz;
static u64 tsc_base;
static struct time_scale tsc_to_ns, ns_to_tsc_scale;

static u64 pit_measure_tsc(void)
{
    u32 count = PIT_HZ * CALIBRATE_MS / 1000;
    u64 start, end;
    unsigned long spins = 0;

    /* Gate on, speaker off; channel 2, lo/hi byte, mode 0 (one-shot). */
    outb((inb(PORT_B) & ~0x02) | 0x01, PORT_B);
    outb(0xb0, PIT_MODE);
    outb(count & 0xff, PIT_CH2);
    outb(count >> 8, PIT_CH2);
    start = rdtsc();
    while (!(inb(PORT_B) & 0x20))
        if (++spins > 200000000UL)
            panic("time: PIT channel 2 never reached terminal count");
    end = rdtsc();
    return end - start;
}

void time_init(void)
{
    u64 best = ~0UL;

    /* The shortest of a few runs is the one least disturbed. */
    for (int i = 0; i < 3; i++) {
        u64 t = pit_measure_tsc();

        if (t < best)
            best = t;
    }
    tsc_khz = best / CALIBRATE_MS;
    if (!tsc_khz)
        panic("time: TSC does not count");
    time_scale_compute(&tsc_to_ns, tsc_khz * 1000, 1000000000UL);
    time_scale_compute(&ns_to_tsc_scale, 1000000000UL, tsc_khz * 1000);
    tsc_base = rdtsc();
    printk("time: TSC %lu.%03lu MHz (calibrated against the PIT)%s, "
           "scale mul %#x shift %d\n", tsc_khz / 1000, tsc_khz % 1000,
           boot_cpu_data.invariant_tsc ? ", invariant" : "",
           tsc_to_ns.mul_frac, tsc_to_ns.shift);
}

s_time_t NOW(void)
{
    return scale_delta(rdtsc() - tsc_base, &tsc_to_ns);
}

u64 time_tsc_base(void)
{
    return tsc_base;
}

void time_get_scale(u32 *mul_frac, s8 *shift)
{
    *mul_frac = tsc_to_ns.mul_frac;
    *shift = tsc_to_ns.shift;
}

u64 ns_to_tsc(s_time_t t)
{
    return tsc_base + scale_delta(t, &ns_to_tsc_scale);
}

void udelay(unsigned long us)
{
    u64 end = rdtsc() + us * tsc_khz / 1000;

    while (rdtsc() < end)
        cpu_relax();
}
