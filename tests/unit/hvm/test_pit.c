/* The 8254 (hv/arch/x86/hvm/vpit.c): counts and OUT from elapsed time. */
#include <hv/hvm_devices.h>
#include "hvm_unit.h"

#define NS(ticks) ((s_time_t)((ticks) * 1000000000ull / PIT_HZ))

static struct vpit pit;

/* Whole input-clock ticks in ns (the device rounds down the same way). */
static u64 ticks(s_time_t ns)
{
    return (u64)ns * PIT_HZ / 1000000000ull;
}

static u16 read16(unsigned int port, s_time_t now)
{
    u16 lo = vpit_read(&pit, port, now);

    return lo | vpit_read(&pit, port, now) << 8;
}

START_TEST(rate_generator_drives_irq0)
{
    s_time_t t0 = 1000000;

    vpit_reset(&pit, 0);
    ck_assert_uint_eq(pit.irq_next, 0);
    vpit_write(&pit, 0x43, 0x34, t0);           /* ch0, lo/hi, mode 2 */
    vpit_write(&pit, 0x40, 11931 & 0xff, t0);
    ck_assert_uint_eq(pit.irq_next, 0);         /* half a count: not loaded */
    vpit_write(&pit, 0x40, 11931 >> 8, t0);
    ck_assert_int_eq(pit.irq_next, t0 + NS(11931));
    ck_assert_int_eq(pit.irq_period, NS(11931));
    ck_assert_int_eq(vpit_irq_done(&pit, pit.irq_next), t0 + 2 * NS(11931));
    /* Far behind: missed periods are dropped. */
    ck_assert_int_eq(vpit_irq_done(&pit, t0 + 100 * NS(11931)),
                     t0 + 101 * NS(11931));
    /* Latched count: 1000 ticks in, 10931 left. */
    vpit_write(&pit, 0x43, 0x00, t0 + NS(1000) + 1);
    ck_assert_uint_eq(read16(0x40, t0 + NS(5000)), 11931 - ticks(NS(1000) + 1));
}
END_TEST

START_TEST(one_shot_mode0)
{
    s_time_t t0 = 5000;

    vpit_reset(&pit, 0);
    vpit_write(&pit, 0x43, 0x30, t0);           /* ch0, lo/hi, mode 0 */
    ck_assert(!vpit_out(&pit.ch[0], t0));
    vpit_write(&pit, 0x40, 0x00, t0);
    vpit_write(&pit, 0x40, 0x10, t0);           /* 4096 */
    ck_assert_int_eq(pit.irq_next, t0 + NS(4096));
    ck_assert_int_eq(pit.irq_period, 0);
    ck_assert_int_eq(vpit_irq_done(&pit, pit.irq_next), 0);
    ck_assert(!vpit_out(&pit.ch[0], t0 + NS(4095)));
    ck_assert(vpit_out(&pit.ch[0], t0 + NS(4097)));
    /* Reprogramming the mode stops the counter. */
    vpit_write(&pit, 0x43, 0x30, t0);
    ck_assert_uint_eq(pit.irq_next, 0);
}
END_TEST

/* pvops-guest's TSC calibration: channel 2, mode 0, gate and OUT in 0x61. */
START_TEST(channel2_gate_and_out)
{
    s_time_t t0 = 777;

    vpit_reset(&pit, 0);
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0) & 0x01, 0);   /* gate off */
    vpit_write(&pit, 0x61, 0x01, t0);           /* gate on, speaker off */
    vpit_write(&pit, 0x43, 0xb0, t0);
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0) & 0x20, 0);   /* mode 0: OUT low */
    vpit_write(&pit, 0x42, 11931 & 0xff, t0);
    vpit_write(&pit, 0x42, 11931 >> 8, t0);
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0 + NS(100)) & 0x21, 0x01);
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0 + NS(11932)) & 0x21, 0x21);
    ck_assert_uint_eq(pit.irq_next, 0);         /* channel 2 has no IRQ */
    /* Gate low stops it; a rising edge restarts the count. */
    vpit_write(&pit, 0x61, 0x00, t0 + NS(20000));
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0 + NS(20001)) & 0x20, 0);
    vpit_write(&pit, 0x61, 0x01, t0 + NS(30000));
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0 + NS(30010)) & 0x20, 0);
    ck_assert_uint_eq(vpit_read(&pit, 0x61, t0 + NS(42000)) & 0x20, 0x20);
}
END_TEST

START_TEST(read_back_and_access_modes)
{
    vpit_reset(&pit, 0);
    vpit_write(&pit, 0x43, 0x76, 0);            /* ch1, lo/hi, mode 3 */
    vpit_write(&pit, 0x41, 0xe8, 0);
    vpit_write(&pit, 0x41, 0x03, 0);            /* 1000 */
    /* Read-back of status and count for channel 1. */
    vpit_write(&pit, 0x43, 0xc4, NS(100));
    ck_assert_uint_eq(vpit_read(&pit, 0x41, NS(100)) & 0x3f, 0x36);
    /* Mode 3 counts down by two. */
    ck_assert_uint_eq(read16(0x41, NS(200)), (1000 - 2 * ticks(NS(100))) & ~1u);
    /* LSB-only access. */
    vpit_write(&pit, 0x43, 0x14, 0);            /* ch0, lsb, mode 2 */
    vpit_write(&pit, 0x40, 100, 0);
    ck_assert_uint_eq(pit.ch[0].reload, 100);
    ck_assert_uint_eq(vpit_read(&pit, 0x40, NS(10)), 100 - ticks(NS(10)));
    /* A count of 0 means 65536. */
    vpit_write(&pit, 0x43, 0x34, 0);
    vpit_write(&pit, 0x40, 0, 0);
    vpit_write(&pit, 0x40, 0, 0);
    ck_assert_uint_eq(pit.ch[0].reload, 0x10000);
    ck_assert_uint_eq(vpit_read(&pit, 0x43, 0), 0xff);
}
END_TEST

TCase *tcase_pit(void)
{
    TCase *tc = tcase_create("vpit");

    tcase_add_test(tc, rate_generator_drives_irq0);
    tcase_add_test(tc, one_shot_mode0);
    tcase_add_test(tc, channel2_gate_and_out);
    tcase_add_test(tc, read_back_and_access_modes);
    return tc;
}
