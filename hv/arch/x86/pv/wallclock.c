/*
 * The wallclock PV guests see in shared_info (wc_sec, wc_nsec): the UTC
 * time at system time 0, from the CMOS RTC read once at boot.
 */
#include <hv/pv.h>
#include <hv/time.h>
#include <hv/io.h>
#include <hv/lib.h>

#define RTC_INDEX   0x70
#define RTC_DATA    0x71
#define RTC_SEC     0x00
#define RTC_MIN     0x02
#define RTC_HOUR    0x04
#define RTC_DAY     0x07
#define RTC_MONTH   0x08
#define RTC_YEAR    0x09
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_UIP     0x80
#define RTC_BINARY  0x04
#define RTC_24H     0x02
#define RTC_PM      0x80

static u64 boot_sec;
static u32 boot_nsec;

static u8 rtc_read(u8 reg)
{
    outb(reg, RTC_INDEX);
    return inb(RTC_DATA);
}

static unsigned int bcd(u8 v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static u64 days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
    /* Shift the year to start in March so leap days come last. */
    if (m <= 2) {
        y--;
        m += 12;
    }
    return 365UL * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 +
           d - 1 - 719468;
}

void wallclock_init(void)
{
    unsigned int sec, min, hour, day, mon, year, tries = 0;
    u8 b, h;
    bool binary;
    u64 now_sec;
    s_time_t now;

    /* Read twice until equal, outside an update cycle. */
    do {
        while ((rtc_read(RTC_REG_A) & RTC_UIP) && ++tries < 1000000)
            ;
        sec = rtc_read(RTC_SEC);
        min = rtc_read(RTC_MIN);
        h = rtc_read(RTC_HOUR);
        day = rtc_read(RTC_DAY);
        mon = rtc_read(RTC_MONTH);
        year = rtc_read(RTC_YEAR);
    } while (sec != rtc_read(RTC_SEC) && ++tries < 1000000);
    now = NOW();

    b = rtc_read(RTC_REG_B);
    binary = b & RTC_BINARY;
    sec = bcd(sec, binary);
    min = bcd(min, binary);
    hour = bcd(h & ~RTC_PM, binary);
    if (!(b & RTC_24H)) {
        hour %= 12;
        if (h & RTC_PM)
            hour += 12;
    }
    day = bcd(day, binary);
    mon = bcd(mon, binary);
    year = bcd(year, binary) + 2000;      /* a PC RTC after 1999 */

    now_sec = days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
    /* Wallclock at system time 0 = RTC time - time since boot. */
    boot_sec = now_sec - (u64)now / 1000000000;
    boot_nsec = 0;
    if (now % 1000000000) {
        boot_sec--;
        boot_nsec = 1000000000 - now % 1000000000;
    }
    printk("time: RTC %04u-%02u-%02u %02u:%02u:%02u UTC (unix %lu)\n",
           year, mon, day, hour, min, sec, (unsigned long)now_sec);
}

void wallclock_get(u64 *sec, u32 *nsec)
{
    *sec = boot_sec;
    *nsec = boot_nsec;
}
