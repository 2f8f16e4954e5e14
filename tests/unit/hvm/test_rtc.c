/* The RTC/CMOS (hv/arch/x86/hvm/vrtc.c). */
#include <hv/hvm_devices.h>
#include "hvm_unit.h"

#define SEC 1000000000ull
/* 2026-03-01 23:59:58 UTC (a Sunday), as ns since the epoch. */
#define T0  (1772409598ull * SEC)

static struct vrtc rtc;

static u8 reg(unsigned int r, u64 now)
{
    vrtc_write(&rtc, 0x70, r, now);
    return vrtc_read(&rtc, 0x71, now);
}

static void set(unsigned int r, u8 v, u64 now)
{
    vrtc_write(&rtc, 0x70, r, now);
    vrtc_write(&rtc, 0x71, v, now);
}

START_TEST(civil_time_conversions)
{
    unsigned int tm[7];

    rtc_time_from_seconds(1772409598, tm);
    ck_assert_uint_eq(tm[0], 58);
    ck_assert_uint_eq(tm[1], 59);
    ck_assert_uint_eq(tm[2], 23);
    ck_assert_uint_eq(tm[3], 1);
    ck_assert_uint_eq(tm[4], 3);
    ck_assert_uint_eq(tm[5], 2026);
    ck_assert_uint_eq(tm[6], 0);
    ck_assert_int_eq(rtc_seconds_from_time(tm), 1772409598);
    rtc_time_from_seconds(951782400, tm);       /* 2000-02-29 (leap day) */
    ck_assert_uint_eq(tm[3], 29);
    ck_assert_uint_eq(tm[4], 2);
    for (s64 t = 0; t < 4000000000ll; t += 86399 * 37)
        {
            rtc_time_from_seconds(t, tm);
            ck_assert_int_eq(rtc_seconds_from_time(tm), t);
        }
}
END_TEST

START_TEST(time_in_bcd_and_binary)
{
    vrtc_reset(&rtc, 64 << 20, 0);
    ck_assert_uint_eq(reg(0x00, T0), 0x58);
    ck_assert_uint_eq(reg(0x04, T0), 0x23);
    ck_assert_uint_eq(reg(0x07, T0), 0x01);
    ck_assert_uint_eq(reg(0x08, T0), 0x03);
    ck_assert_uint_eq(reg(0x09, T0), 0x26);
    ck_assert_uint_eq(reg(0x32, T0), 0x20);
    ck_assert_uint_eq(reg(0x06, T0), 1);        /* Sunday */
    /* The clock runs: two seconds later it is March 2nd. */
    ck_assert_uint_eq(reg(0x07, T0 + 2 * SEC), 0x02);
    ck_assert_uint_eq(reg(0x04, T0 + 2 * SEC), 0x00);
    set(0x0b, 0x06, T0);                        /* binary, 24 h */
    ck_assert_uint_eq(reg(0x00, T0), 58);
    set(0x0b, 0x04, T0);                        /* binary, 12 h: 11 PM */
    ck_assert_uint_eq(reg(0x04, T0), 0x8b);
    ck_assert_uint_eq(reg(0x0d, T0), 0x80);
}
END_TEST

START_TEST(guest_sets_the_clock)
{
    vrtc_reset(&rtc, 64 << 20, 0);
    set(0x09, 0x30, T0);                        /* year 2030 */
    ck_assert_uint_eq(reg(0x09, T0 + 10 * SEC), 0x30);
    ck_assert_uint_eq(reg(0x08, T0), 0x03);
    set(0x02, 0x15, T0);                        /* minute 15 */
    ck_assert_uint_eq(reg(0x02, T0), 0x15);
    ck_assert_uint_eq(reg(0x00, T0 + 1 * SEC), 0x59);
}
END_TEST

START_TEST(uip_and_interrupt_flags)
{
    vrtc_reset(&rtc, 64 << 20, 0);
    ck_assert_uint_eq(reg(0x0a, T0 + 500000000) & 0x80, 0);
    ck_assert_uint_eq(reg(0x0a, T0 + 999900000) & 0x80, 0x80);
    ck_assert_int_eq(vrtc_periodic_period(&rtc), 0);     /* PIE off */
    set(0x0b, 0x42, T0);                        /* PIE */
    ck_assert_int_eq(vrtc_periodic_period(&rtc), 976562);  /* 1024 Hz */
    set(0x0a, 0x2f, T0);
    ck_assert_int_eq(vrtc_periodic_period(&rtc), 500000000);
    set(0x0a, 0x21, T0);                        /* rate 1 is 256 Hz */
    ck_assert_int_eq(vrtc_periodic_period(&rtc), 3906250);
    ck_assert(!vrtc_irq_level(&rtc));
    vrtc_periodic_tick(&rtc);
    ck_assert(vrtc_irq_level(&rtc));
    ck_assert_uint_eq(reg(0x0c, T0), 0xc0);     /* IRQF | PF, then cleared */
    ck_assert(!vrtc_irq_level(&rtc));
    ck_assert_uint_eq(reg(0x0c, T0), 0);
    /* Update-ended: flagged, but an interrupt only with UIE. */
    vrtc_second_tick(&rtc, T0);
    ck_assert(!vrtc_irq_level(&rtc));
    set(0x0b, 0x12, T0);
    ck_assert(vrtc_irq_level(&rtc));
    /* Alarm: matches on 23:59:58 with "don't care" hours. */
    reg(0x0c, T0);
    set(0x01, 0x58, T0);
    set(0x03, 0x59, T0);
    set(0x05, 0xc0, T0);
    set(0x0b, 0x22, T0);
    vrtc_second_tick(&rtc, T0);
    ck_assert_uint_eq(reg(0x0c, T0), 0xb0);     /* IRQF | AF | UF */
    vrtc_second_tick(&rtc, T0 + SEC);
    ck_assert_uint_eq(reg(0x0c, T0), 0x10);     /* UF only, no interrupt */
}
END_TEST

START_TEST(cmos_memory_sizes)
{
    vrtc_reset(&rtc, 3ull << 30, 1ull << 30);
    ck_assert_uint_eq(reg(0x15, 0) | reg(0x16, 0) << 8, 640);
    ck_assert_uint_eq(reg(0x17, 0) | reg(0x18, 0) << 8, 0xffff);
    ck_assert_uint_eq(reg(0x34, 0) | reg(0x35, 0) << 8, ((3ull << 30) - (16 << 20)) >> 16);
    ck_assert_uint_eq(reg(0x5b, 0) | reg(0x5c, 0) << 8 | reg(0x5d, 0) << 16,
                      (1ull << 30) >> 16);
    set(0x40, 0xa5, 0);                         /* plain CMOS bytes */
    ck_assert_uint_eq(reg(0x40, 0), 0xa5);
    set(0x0d, 0x00, 0);                         /* read-only */
    ck_assert_uint_eq(reg(0x0d, 0), 0x80);
}
END_TEST

TCase *tcase_rtc(void)
{
    TCase *tc = tcase_create("vrtc");

    tcase_add_test(tc, civil_time_conversions);
    tcase_add_test(tc, time_in_bcd_and_binary);
    tcase_add_test(tc, guest_sets_the_clock);
    tcase_add_test(tc, uip_and_interrupt_flags);
    tcase_add_test(tc, cmos_memory_sizes);
    return tc;
}
