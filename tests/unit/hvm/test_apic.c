/* The local APIC (vlapic.c) and the IOAPIC (vioapic.c). */
#include <hv/hvm_devices.h>
#include "hvm_unit.h"

static struct vlapic l;

static void lapic_on(void)
{
    memset(&l, 0, sizeof(l));
    l.base_msr = VLAPIC_DEFAULT_BASE | APIC_BASE_ENABLE | APIC_BASE_BSP;
    vlapic_reset(&l, 0);
}

START_TEST(reset_state_takes_the_pic)
{
    lapic_on();
    ck_assert_uint_eq(vlapic_read(&l, 0x30, 0), 0x00050014);
    ck_assert_uint_eq(vlapic_read(&l, 0xf0, 0), 0xff);
    ck_assert_uint_eq(vlapic_read(&l, 0xe0, 0), 0xffffffff);
    ck_assert_uint_eq(vlapic_read(&l, 0x350, 0), 0x10000);
    ck_assert(!vlapic_enabled(&l));
    ck_assert(vlapic_accepts_pic(&l));
    /* Enabled with LINT0 masked: no more 8259; as ExtINT: yes. */
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    ck_assert(!vlapic_accepts_pic(&l));
    vlapic_write(&l, 0x350, 0x700, 0);
    ck_assert(vlapic_accepts_pic(&l));
    /* Software-disabling masks every LVT again. */
    vlapic_write(&l, 0xf0, 0xff, 0);
    ck_assert_uint_eq(vlapic_read(&l, 0x350, 0), 0x10700);
    vlapic_write(&l, 0x350, 0x700, 0);
    ck_assert_uint_eq(vlapic_read(&l, 0x350, 0), 0x10700);
}
END_TEST

START_TEST(priorities_ack_and_eoi)
{
    lapic_on();
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    ck_assert(!vlapic_set_irq(&l, 15, false));  /* illegal vector */
    vlapic_write(&l, 0x280, 0, 0);
    ck_assert_uint_eq(vlapic_read(&l, 0x280, 0), 0x40);
    vlapic_set_irq(&l, 0x41, false);
    vlapic_set_irq(&l, 0x92, true);
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x92);
    vlapic_ack(&l, 0x92);
    ck_assert_uint_eq(vlapic_read(&l, 0x100 + 0x40, 0), 1u << 0x12);   /* ISR */
    ck_assert_uint_eq(vlapic_read(&l, 0xa0, 0), 0x90);                  /* PPR */
    ck_assert_int_eq(vlapic_pending_vector(&l), -1);    /* 0x41 is lower */
    ck_assert_int_eq(vlapic_write(&l, 0xb0, 0, 0), 0x92);   /* level: IOAPIC EOI */
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x41);
    /* TPR holds back classes at or below it. */
    vlapic_write(&l, 0x80, 0x40, 0);
    ck_assert_int_eq(vlapic_pending_vector(&l), -1);
    vlapic_write(&l, 0x80, 0x30, 0);
    vlapic_ack(&l, 0x41);
    ck_assert_int_eq(vlapic_write(&l, 0xb0, 0, 0), -1);     /* edge */
    ck_assert_uint_eq(vlapic_read(&l, 0x100 + 0x20, 0), 0);
}
END_TEST

START_TEST(timer_one_shot_and_periodic)
{
    lapic_on();
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    vlapic_write(&l, 0x3e0, 0x3, 0);            /* divide by 16 */
    vlapic_write(&l, 0x320, 0x40, 0);
    vlapic_write(&l, 0x380, 1000, 100);         /* 16000 ns */
    ck_assert_int_eq(vlapic_timer_deadline(&l), 16100);
    ck_assert_uint_eq(vlapic_read(&l, 0x390, 8100), 500);
    vlapic_timer_fire(&l, 16100);
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x40);
    ck_assert_int_eq(vlapic_timer_deadline(&l), 0);
    ck_assert_uint_eq(vlapic_read(&l, 0x390, 20000), 0);
    vlapic_ack(&l, 0x40);
    vlapic_write(&l, 0xb0, 0, 0);
    /* Periodic, divide by 1; missed periods are dropped. */
    vlapic_write(&l, 0x3e0, 0xb, 0);
    vlapic_write(&l, 0x320, 0x20041, 0);
    vlapic_write(&l, 0x380, 500, 1000);
    vlapic_timer_fire(&l, 1500);
    ck_assert_int_eq(vlapic_timer_deadline(&l), 2000);
    vlapic_timer_fire(&l, 9000);
    ck_assert_int_eq(vlapic_timer_deadline(&l), 9500);
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x41);
    /* Masked: it runs but raises nothing. */
    lapic_on();
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    vlapic_write(&l, 0x320, 0x10042, 0);
    vlapic_write(&l, 0x380, 10, 0);
    vlapic_timer_fire(&l, 100);
    ck_assert_int_eq(vlapic_pending_vector(&l), -1);
}
END_TEST

START_TEST(icr_self_ipi_and_destinations)
{
    lapic_on();
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    vlapic_write(&l, 0x300, (1u << 18) | 0x55, 0);          /* self */
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x55);
    ck_assert_uint_eq(vlapic_read(&l, 0x300, 0) & (1u << 12), 0);
    lapic_on();
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    vlapic_write(&l, 0x310, 1u << 24, 0);                   /* APIC 1: not us */
    vlapic_write(&l, 0x300, 0x66, 0);
    ck_assert_int_eq(vlapic_pending_vector(&l), -1);
    vlapic_write(&l, 0x310, 0, 0);
    vlapic_write(&l, 0x300, (4u << 8) | 0x66, 0);           /* NMI: ignored */
    ck_assert_int_eq(vlapic_pending_vector(&l), -1);
    /* Logical flat: LDR bit 1 answers dest 0x03, not 0x04. */
    vlapic_write(&l, 0xd0, 0x02000000, 0);
    ck_assert(vlapic_match_dest(&l, true, 0x03));
    ck_assert(!vlapic_match_dest(&l, true, 0x04));
    ck_assert(vlapic_match_dest(&l, false, 0));
    ck_assert(vlapic_match_dest(&l, false, 0xff));
    ck_assert(!vlapic_match_dest(&l, false, 1));
}
END_TEST

START_TEST(apic_base_msr)
{
    lapic_on();
    ck_assert(!vlapic_set_base(&l, VLAPIC_DEFAULT_BASE | APIC_BASE_ENABLE));  /* BSP */
    vlapic_write(&l, 0xf0, 0x1ff, 0);
    ck_assert(vlapic_set_base(&l, VLAPIC_DEFAULT_BASE | APIC_BASE_BSP));
    ck_assert(!vlapic_enabled(&l));
    ck_assert_uint_eq(vlapic_read(&l, 0xf0, 0), 0xff);  /* reset by disabling */
    ck_assert(vlapic_set_base(&l, 0xfed00000 | APIC_BASE_BSP | APIC_BASE_ENABLE));
}
END_TEST

START_TEST(x2apic_mode_transitions)
{
    u64 xapic, x2apic, off = VLAPIC_DEFAULT_BASE | APIC_BASE_BSP;
    u64 v;

    lapic_on();
    xapic = l.base_msr;
    x2apic = xapic | APIC_BASE_EXTD;
    ck_assert(!vlapic_x2apic_read(&l, 0x802, &v, 0));     /* not in x2APIC mode */
    ck_assert(!vlapic_set_base(&l, off | APIC_BASE_EXTD)); /* EXTD without EN */
    ck_assert(vlapic_set_base(&l, x2apic));
    ck_assert(vlapic_x2apic_mode(&l));
    ck_assert(!vlapic_set_base(&l, xapic));                /* x2APIC -> xAPIC */
    ck_assert(vlapic_set_base(&l, off));                   /* -> disabled */
    ck_assert(!vlapic_set_base(&l, x2apic));                /* disabled -> x2APIC */
    ck_assert(!vlapic_x2apic_mode(&l));
    ck_assert(vlapic_set_base(&l, xapic));
    ck_assert(vlapic_set_base(&l, x2apic));
}
END_TEST

START_TEST(x2apic_msrs)
{
    u64 v;
    int eoi;

    lapic_on();
    vlapic_reset(&l, 0x13);
    ck_assert(vlapic_set_base(&l, l.base_msr | APIC_BASE_EXTD));
    ck_assert(vlapic_x2apic_read(&l, 0x802, &v, 0) && v == 0x13);
    ck_assert(vlapic_x2apic_read(&l, 0x803, &v, 0) && v == 0x00050014);
    ck_assert(vlapic_x2apic_read(&l, 0x80d, &v, 0) && v == ((1u << 16) | (1u << 3)));
    /* Read-only, reserved and write-only MSRs, reserved bits: #GP. */
    ck_assert(!vlapic_x2apic_write(&l, 0x802, 0, 0, &eoi));        /* ID */
    ck_assert(!vlapic_x2apic_write(&l, 0x80d, 0, 0, &eoi));        /* LDR */
    ck_assert(!vlapic_x2apic_read(&l, 0x80e, &v, 0));              /* no DFR */
    ck_assert(!vlapic_x2apic_read(&l, 0x809, &v, 0));              /* no APR */
    ck_assert(!vlapic_x2apic_read(&l, 0x831, &v, 0));              /* no ICR2 */
    ck_assert(!vlapic_x2apic_read(&l, 0x80b, &v, 0));              /* EOI: write only */
    ck_assert(!vlapic_x2apic_read(&l, 0x83f, &v, 0));              /* SELF IPI too */
    ck_assert(!vlapic_x2apic_read(&l, 0x800, &v, 0));
    ck_assert(!vlapic_x2apic_read(&l, 0x8ff, &v, 0));
    ck_assert(!vlapic_x2apic_write(&l, 0x808, 0x100, 0, &eoi));    /* TPR bit 8 */
    ck_assert(!vlapic_x2apic_write(&l, 0x808, 1ull << 32, 0, &eoi));
    ck_assert(!vlapic_x2apic_write(&l, 0x80b, 1, 0, &eoi));        /* EOI non-zero */
    ck_assert(!vlapic_x2apic_write(&l, 0x830, 1u << 12, 0, &eoi)); /* ICR reserved */
    ck_assert(!vlapic_x2apic_write(&l, 0x832, 1u << 19, 0, &eoi)); /* LVT reserved */
    /* SVR, TPR, self IPI by SELF IPI and by ICR (physical, 32-bit dest). */
    ck_assert(vlapic_x2apic_write(&l, 0x80f, 0x1ff, 0, &eoi));
    ck_assert(vlapic_x2apic_write(&l, 0x808, 0x20, 0, &eoi));
    ck_assert(vlapic_x2apic_read(&l, 0x808, &v, 0) && v == 0x20);
    ck_assert(vlapic_x2apic_write(&l, 0x808, 0, 0, &eoi));
    ck_assert(vlapic_x2apic_write(&l, 0x83f, 0x61, 0, &eoi));
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x61);
    ck_assert(vlapic_x2apic_write(&l, 0x830, (0x113ull << 32) | 0x62, 0, &eoi));
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x61);        /* ID 0x113: not us */
    ck_assert(vlapic_x2apic_write(&l, 0x830, (0x13ull << 32) | 0x62, 0, &eoi));
    ck_assert_int_eq(vlapic_pending_vector(&l), 0x62);
    ck_assert(vlapic_x2apic_read(&l, 0x830, &v, 0) && v == ((0x13ull << 32) | 0x62));
    ck_assert(vlapic_x2apic_read(&l, 0x823, &v, 0) && v == 0x6);   /* IRR 0x61, 0x62 */
    vlapic_ack(&l, 0x62);
    ck_assert(vlapic_x2apic_read(&l, 0x813, &v, 0) && v == 0x4);   /* ISR */
    ck_assert(vlapic_x2apic_write(&l, 0x80b, 0, 0, &eoi) && eoi == -1);
    ck_assert(vlapic_x2apic_read(&l, 0x813, &v, 0) && v == 0);
    /* Timer: divide, initial and current count. */
    ck_assert(vlapic_x2apic_write(&l, 0x83e, 0xb, 0, &eoi));       /* divide by 1 */
    ck_assert(vlapic_x2apic_write(&l, 0x832, 0x40, 0, &eoi));
    ck_assert(vlapic_x2apic_write(&l, 0x838, 1000, 100, &eoi));
    ck_assert(vlapic_x2apic_read(&l, 0x839, &v, 600) && v == 500);
    ck_assert(!vlapic_x2apic_write(&l, 0x839, 5, 600, &eoi));      /* current: RO */
    /* A 8-bit IOAPIC destination still finds the APIC by its ID. */
    ck_assert(vlapic_match_dest(&l, false, 0x13));
    ck_assert(!vlapic_match_dest(&l, false, 0x12));
}
END_TEST

/* ---- IOAPIC ---- */

static struct vioapic io;

static void io_write(unsigned int reg, u32 v)
{
    struct vioapic_msg m;

    vioapic_mmio_write(&io, 0x00, reg, &m);
    ck_assert(!vioapic_mmio_write(&io, 0x10, v, &m));
}

static u32 io_read(unsigned int reg)
{
    struct vioapic_msg m;

    vioapic_mmio_write(&io, 0x00, reg, &m);
    return vioapic_mmio_read(&io, 0x10);
}

START_TEST(ioapic_registers)
{
    vioapic_reset(&io);
    ck_assert_uint_eq(io_read(1), 0x00170011);
    ck_assert_uint_eq(io_read(0), 1u << 24);
    ck_assert_uint_eq(io_read(0x10 + 2 * 23), 1u << 16);
    io_write(0x10 + 2 * 5, 0xffffffff);
    /* Delivery status and remote IRR are read-only. */
    ck_assert_uint_eq(io_read(0x10 + 2 * 5), 0xffffffff & ~((1u << 12) | (1u << 14)) &
                      0x1ffff);
    io_write(0x11 + 2 * 5, 0xff000000);
    ck_assert_uint_eq(io_read(0x11 + 2 * 5), 0xff000000);
    ck_assert_uint_eq(io_read(0x10 + 2 * 24), 0);       /* no pin 24 */
}
END_TEST

START_TEST(ioapic_edge_and_level)
{
    struct vioapic_msg m;

    vioapic_reset(&io);
    ck_assert(!vioapic_set_pin(&io, 2, true, &m));      /* masked */
    vioapic_set_pin(&io, 2, false, &m);
    io_write(0x10 + 2 * 2, 0x30);                       /* edge, vector 0x30 */
    ck_assert(vioapic_set_pin(&io, 2, true, &m));
    ck_assert_uint_eq(m.vector, 0x30);
    ck_assert(!m.level);
    ck_assert(!vioapic_set_pin(&io, 2, true, &m));      /* no new edge */

    io_write(0x10 + 2 * 4, 0x8031);                     /* level, vector 0x31 */
    io_write(0x11 + 2 * 4, 0x01000000);                 /* dest APIC 1 */
    ck_assert(vioapic_set_pin(&io, 4, true, &m));
    ck_assert(m.level);
    ck_assert_uint_eq(m.dest, 1);
    ck_assert(io_read(0x10 + 2 * 4) & (1u << 14));      /* remote IRR */
    ck_assert(!vioapic_set_pin(&io, 4, true, &m));      /* until EOI */
    ck_assert_uint_eq(vioapic_eoi(&io, 0x31), 1u << 4); /* still high: resend */
    ck_assert(vioapic_pin_msg(&io, 4, &m));
    vioapic_set_pin(&io, 4, false, &m);
    ck_assert_uint_eq(vioapic_eoi(&io, 0x31), 0);
    ck_assert(!(io_read(0x10 + 2 * 4) & (1u << 14)));
    /* A level pin that is high sends once unmasked. */
    io_write(0x10 + 2 * 9, 0x18032);
    vioapic_set_pin(&io, 9, true, &m);
    vioapic_mmio_write(&io, 0x00, 0x10 + 2 * 9, &m);
    ck_assert(vioapic_mmio_write(&io, 0x10, 0x8032, &m));
    ck_assert_uint_eq(m.vector, 0x32);
    /* Vectors below 16 and ExtINT entries send nothing. */
    io_write(0x10 + 2 * 10, 0x05);
    ck_assert(!vioapic_set_pin(&io, 10, true, &m));
    io_write(0x10 + 2 * 11, 0x740);
    ck_assert(!vioapic_set_pin(&io, 11, true, &m));
    ck_assert(!vioapic_set_pin(&io, 30, true, &m));
}
END_TEST

TCase *tcase_lapic(void)
{
    TCase *tc = tcase_create("vlapic");

    tcase_add_test(tc, reset_state_takes_the_pic);
    tcase_add_test(tc, priorities_ack_and_eoi);
    tcase_add_test(tc, timer_one_shot_and_periodic);
    tcase_add_test(tc, icr_self_ipi_and_destinations);
    tcase_add_test(tc, apic_base_msr);
    tcase_add_test(tc, x2apic_mode_transitions);
    tcase_add_test(tc, x2apic_msrs);
    return tc;
}

TCase *tcase_ioapic(void)
{
    TCase *tc = tcase_create("vioapic");

    tcase_add_test(tc, ioapic_registers);
    tcase_add_test(tc, ioapic_edge_and_level);
    return tc;
}
