/*
 * The MC146818 RTC and CMOS memory: index port 0x70, data port 0x71.
 * The clock is hv's wall clock plus an offset the guest sets by writing
 * the time registers; it is never ticked.  Registers A-D control the
 * format (BCD or binary, 12 or 24 hours) and the interrupts on IRQ 8:
 * periodic (register A's rate, PIE), update-ended (UIE) and alarm (AIE),
 * whose flags register C shows until it is read.  Register A's UIP is
 * set for the last 244 us of each second, as on the chip.  The CMOS
 * memory carries the memory sizes PC firmware leaves there.
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define NS_PER_SEC      1000000000ull
#define UIP_WINDOW_NS   244000ull

#define REG_B_SET       0x80
#define REG_B_PIE       0x40
#define REG_B_AIE       0x20
#define REG_B_UIE       0x10
#define REG_B_BINARY    0x04
#define REG_B_24H       0x02
#define REG_C_IRQF      0x80
#define REG_C_PF        0x40
#define REG_C_AF        0x20
#define REG_C_UF        0x10
#define REG_A_UIP       0x80

enum { TM_SEC, TM_MIN, TM_HOUR, TM_MDAY, TM_MON, TM_YEAR, TM_WDAY };

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static s64 days_from_civil(s64 y, unsigned int m, unsigned int d)
{
    s64 era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void rtc_time_from_seconds(s64 secs, unsigned int tm[7])
{
    s64 days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    s64 rem = secs - days * 86400, z = days + 719468, era, doe, yoe, y, doy, mp;

    tm[TM_SEC] = rem % 60;
    tm[TM_MIN] = rem / 60 % 60;
    tm[TM_HOUR] = rem / 3600;
    tm[TM_WDAY] = (unsigned int)((days % 7 + 11) % 7);   /* 1970-01-01: Thursday */
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    tm[TM_MDAY] = doy - (153 * mp + 2) / 5 + 1;
    tm[TM_MON] = mp < 10 ? mp + 3 : mp - 9;
    tm[TM_YEAR] = y + (tm[TM_MON] <= 2);
}

s64 rtc_seconds_from_time(const unsigned int tm[7])
{
    return days_from_civil(tm[TM_YEAR], tm[TM_MON], tm[TM_MDAY]) * 86400 +
           tm[TM_HOUR] * 3600 + tm[TM_MIN] * 60 + tm[TM_SEC];
}

static u8 to_bcd(unsigned int v)
{
    return (u8)(((v / 10) << 4) | (v % 10));
}

static unsigned int from_bcd(u8 v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

static u8 encode(const struct vrtc *r, unsigned int v)
{
    return r->cmos[RTC_REG_B] & REG_B_BINARY ? v : to_bcd(v);
}

static unsigned int decode(const struct vrtc *r, u8 v)
{
    return r->cmos[RTC_REG_B] & REG_B_BINARY ? v : from_bcd(v);
}

static u8 encode_hour(const struct vrtc *r, unsigned int h)
{
    if (r->cmos[RTC_REG_B] & REG_B_24H)
        return encode(r, h);
    return encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static unsigned int decode_hour(const struct vrtc *r, u8 v)
{
    unsigned int h;

    if (r->cmos[RTC_REG_B] & REG_B_24H)
        return decode(r, v);
    h = decode(r, v & 0x7f) % 12;
    return v & 0x80 ? h + 12 : h;
}

static s64 guest_seconds(const struct vrtc *r, u64 utc_ns)
{
    return (s64)(utc_ns / NS_PER_SEC) + r->offset;
}

static void put16(u8 *cmos, unsigned int reg, u64 v)
{
    v = min(v, (u64)0xffff);
    cmos[reg] = v & 0xff;
    cmos[reg + 1] = v >> 8;
}

void vrtc_reset(struct vrtc *r, u64 low_bytes, u64 high_bytes)
{
    u64 ext_kib = low_bytes > (1u << 20) ? (low_bytes - (1u << 20)) >> 10 : 0;
    u64 above16m = low_bytes > (16u << 20) ? (low_bytes - (16u << 20)) >> 16 : 0;
    u64 above4g = high_bytes >> 16;

    r->index = 0;
    r->offset = 0;
    r->periodic_next = 0;
    memset(r->cmos, 0, sizeof(r->cmos));
    r->cmos[RTC_REG_A] = 0x26;              /* 32.768 kHz divider, 1024 Hz */
    r->cmos[RTC_REG_B] = REG_B_24H;
    r->cmos[RTC_REG_D] = 0x80;              /* valid RAM and time */
    r->cmos[0x14] = 0x02;                   /* equipment: FPU */
    put16(r->cmos, 0x15, 640);              /* base memory, KiB */
    put16(r->cmos, 0x17, ext_kib);          /* memory above 1 MiB, KiB */
    put16(r->cmos, 0x30, ext_kib);
    put16(r->cmos, 0x34, above16m);         /* above 16 MiB, 64 KiB units */
    r->cmos[0x5b] = above4g & 0xff;         /* above 4 GiB, 64 KiB units */
    r->cmos[0x5c] = (above4g >> 8) & 0xff;
    r->cmos[0x5d] = (above4g >> 16) & 0xff;
}

static u8 read_time_reg(const struct vrtc *r, unsigned int reg, u64 utc_ns)
{
    unsigned int tm[7];

    rtc_time_from_seconds(guest_seconds(r, utc_ns), tm);
    switch (reg) {
    case 0x00: return encode(r, tm[TM_SEC]);
    case 0x02: return encode(r, tm[TM_MIN]);
    case 0x04: return encode_hour(r, tm[TM_HOUR]);
    case 0x06: return encode(r, tm[TM_WDAY] + 1);
    case 0x07: return encode(r, tm[TM_MDAY]);
    case 0x08: return encode(r, tm[TM_MON]);
    case 0x09: return encode(r, tm[TM_YEAR] % 100);
    default:   return encode(r, tm[TM_YEAR] / 100);    /* 0x32, century */
    }
}

static bool is_time_reg(unsigned int reg)
{
    return reg == 0x00 || reg == 0x02 || reg == 0x04 || reg == 0x06 ||
           reg == 0x07 || reg == 0x08 || reg == 0x09 || reg == 0x32;
}

/* The guest sets a field of the clock: move the offset to match. */
static void write_time_reg(struct vrtc *r, unsigned int reg, u8 val, u64 utc_ns)
{
    unsigned int tm[7], v = reg == 0x04 ? decode_hour(r, val) : decode(r, val);

    rtc_time_from_seconds(guest_seconds(r, utc_ns), tm);
    switch (reg) {
    case 0x00: tm[TM_SEC] = v % 60; break;
    case 0x02: tm[TM_MIN] = v % 60; break;
    case 0x04: tm[TM_HOUR] = v % 24; break;
    case 0x07: tm[TM_MDAY] = v >= 1 && v <= 31 ? v : 1; break;
    case 0x08: tm[TM_MON] = v >= 1 && v <= 12 ? v : 1; break;
    case 0x09: tm[TM_YEAR] = tm[TM_YEAR] / 100 * 100 + v % 100; break;
    case 0x32: tm[TM_YEAR] = v * 100 + tm[TM_YEAR] % 100; break;
    default: return;                        /* the weekday follows the date */
    }
    r->offset = rtc_seconds_from_time(tm) - (s64)(utc_ns / NS_PER_SEC);
}

static void update_irqf(struct vrtc *r)
{
    u8 c = r->cmos[RTC_REG_C], b = r->cmos[RTC_REG_B];
    bool irq = (c & b & (REG_C_PF | REG_C_AF | REG_C_UF)) != 0;

    r->cmos[RTC_REG_C] = (c & ~REG_C_IRQF) | (irq ? REG_C_IRQF : 0);
}

u8 vrtc_read(struct vrtc *r, unsigned int port, u64 utc_ns)
{
    unsigned int reg = r->index;
    u8 v;

    if (port != 0x71)
        return 0xff;
    if (is_time_reg(reg))
        return read_time_reg(r, reg, utc_ns);
    switch (reg) {
    case RTC_REG_A:
        v = r->cmos[RTC_REG_A] & ~REG_A_UIP;
        if (!(r->cmos[RTC_REG_B] & REG_B_SET) &&
            utc_ns % NS_PER_SEC >= NS_PER_SEC - UIP_WINDOW_NS)
            v |= REG_A_UIP;
        return v;
    case RTC_REG_C:
        v = r->cmos[RTC_REG_C];
        r->cmos[RTC_REG_C] = 0;
        return v;
    default:
        return r->cmos[reg];
    }
}

void vrtc_write(struct vrtc *r, unsigned int port, u8 val, u64 utc_ns)
{
    unsigned int reg = r->index;

    if (port == 0x70) {
        r->index = val & 0x7f;              /* bit 7 masks NMIs: none here */
        return;
    }
    if (port != 0x71)
        return;
    if (is_time_reg(reg)) {
        write_time_reg(r, reg, val, utc_ns);
        return;
    }
    switch (reg) {
    case RTC_REG_A:
        r->cmos[RTC_REG_A] = val & ~REG_A_UIP;
        break;
    case RTC_REG_B:
        /* SET stops updates, and update-ended interrupts with them. */
        r->cmos[RTC_REG_B] = val & REG_B_SET ? val & ~REG_B_UIE : val;
        update_irqf(r);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break;                              /* read-only */
    default:
        r->cmos[reg] = val;
        break;
    }
}

bool vrtc_irq_level(const struct vrtc *r)
{
    return r->cmos[RTC_REG_C] & REG_C_IRQF;
}

s_time_t vrtc_periodic_period(const struct vrtc *r)
{
    unsigned int rate = r->cmos[RTC_REG_A] & 0xf;

    if (!(r->cmos[RTC_REG_B] & REG_B_PIE) || !rate ||
        (r->cmos[RTC_REG_A] & 0x70) != 0x20)
        return 0;
    if (rate < 3)
        rate += 7;                          /* 256 and 128 Hz */
    return (s_time_t)((NS_PER_SEC << (rate - 1)) / 32768);
}

void vrtc_periodic_tick(struct vrtc *r)
{
    r->cmos[RTC_REG_C] |= REG_C_PF;
    update_irqf(r);
}

/* The alarm matches if every field equals the clock or is "don't care". */
static bool alarm_matches(const struct vrtc *r, u64 utc_ns)
{
    static const unsigned int pairs[3][2] = { { 0x01, 0x00 }, { 0x03, 0x02 },
                                              { 0x05, 0x04 } };

    for (unsigned int i = 0; i < 3; i++) {
        u8 alarm = r->cmos[pairs[i][0]];

        if ((alarm & 0xc0) != 0xc0 && alarm != read_time_reg(r, pairs[i][1], utc_ns))
            return false;
    }
    return true;
}

void vrtc_second_tick(struct vrtc *r, u64 utc_ns)
{
    if (r->cmos[RTC_REG_B] & REG_B_SET)
        return;
    r->cmos[RTC_REG_C] |= REG_C_UF;
    if (alarm_matches(r, utc_ns))
        r->cmos[RTC_REG_C] |= REG_C_AF;
    update_irqf(r);
}
