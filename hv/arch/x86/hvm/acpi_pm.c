/*
 * The ACPI fixed-hardware PM block the FADT describes (PIIX4-like, at
 * 0x600): PM1a event (status 0x600, write 1 to clear; enable 0x602),
 * PM1a control (0x604) and the 24-bit PM timer at 3.579545 MHz (0x608).
 * Writing SLP_EN with the \_S5 sleep type powers the domain off; other
 * sleep states are refused.  ACPI is always enabled (no SMI command
 * port), so SCI_EN reads 1.  No event raises an SCI yet.
 */
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define NS_PER_SEC  1000000000ull

void acpi_pm_reset(struct acpi_pm *pm)
{
    pm->pm1_sts = 0;
    pm->pm1_en = 0;
    pm->pm1_cnt = PM1_SCI_EN;
}

static u32 pm_timer(s_time_t now)
{
    u64 ns = now > 0 ? (u64)now : 0;
    u64 ticks = (ns / NS_PER_SEC) * ACPI_PM_TMR_HZ +
                (ns % NS_PER_SEC) * ACPI_PM_TMR_HZ / NS_PER_SEC;

    return ticks & 0xffffff;
}

/* The 12-byte block as bytes, for accesses of any size and alignment. */
static u8 reg_byte(const struct acpi_pm *pm, unsigned int off, s_time_t now)
{
    switch (off) {
    case 0: return pm->pm1_sts & 0xff;
    case 1: return pm->pm1_sts >> 8;
    case 2: return pm->pm1_en & 0xff;
    case 3: return pm->pm1_en >> 8;
    case 4: return pm->pm1_cnt & 0xff;
    case 5: return pm->pm1_cnt >> 8;
    case 8: case 9: case 10: case 11:
        return (pm_timer(now) >> (8 * (off - 8))) & 0xff;
    default: return 0;
    }
}

u32 acpi_pm_read(struct acpi_pm *pm, unsigned int port, unsigned int size,
                 s_time_t now)
{
    unsigned int off = port - ACPI_PM1A_EVT_BLK;
    u32 v = 0;

    for (unsigned int i = 0; i < size && off + i < ACPI_PM_BLK_LEN; i++)
        v |= (u32)reg_byte(pm, off + i, now) << (8 * i);
    return v;
}

enum acpi_pm_action acpi_pm_write(struct acpi_pm *pm, unsigned int port,
                                  unsigned int size, u32 val)
{
    unsigned int off = port - ACPI_PM1A_EVT_BLK;
    enum acpi_pm_action act = ACPI_PM_NONE;

    for (unsigned int i = 0; i < size && off + i < ACPI_PM_BLK_LEN; i++) {
        unsigned int o = off + i;
        u16 b = (val >> (8 * i)) & 0xff, shift = 8 * (o & 1);

        switch (o) {
        case 0: case 1:
            pm->pm1_sts &= ~(b << shift);
            break;
        case 2: case 3:
            pm->pm1_en = (pm->pm1_en & ~(0xff << shift)) | (b << shift);
            break;
        case 4: case 5:
            /* SLP_EN is write-only; SCI_EN stays set. */
            pm->pm1_cnt = (pm->pm1_cnt & ~(0xff << shift)) | (b << shift);
            if (pm->pm1_cnt & PM1_SLP_EN) {
                unsigned int typ = (pm->pm1_cnt >> PM1_SLP_TYP_SHIFT) & 7;

                act = typ == ACPI_S5_SLP_TYP ? ACPI_PM_POWEROFF : ACPI_PM_SLEEP;
                pm->pm1_cnt &= ~PM1_SLP_EN;
            }
            pm->pm1_cnt |= PM1_SCI_EN;
            break;
        default:
            break;                          /* the timer is read-only */
        }
    }
    return act;
}
