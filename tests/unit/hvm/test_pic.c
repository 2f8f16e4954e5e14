/* The 8259 pair (hv/arch/x86/hvm/vpic.c). */
#include <hv/hvm_devices.h>
#include "hvm_unit.h"

static struct vpic pic[2];

/* The initialisation every PC OS does: vectors 0x20/0x28, cascade on 2. */
static void init(u8 mask1, u8 mask2, u8 icw4)
{
    vpic_reset(pic);
    vpic_write(pic, 0x20, 0x11);
    vpic_write(pic, 0xa0, 0x11);
    vpic_write(pic, 0x21, 0x20);
    vpic_write(pic, 0xa1, 0x28);
    vpic_write(pic, 0x21, 4);
    vpic_write(pic, 0xa1, 2);
    vpic_write(pic, 0x21, icw4);
    vpic_write(pic, 0xa1, icw4);
    vpic_write(pic, 0x21, mask1);
    vpic_write(pic, 0xa1, mask2);
}

START_TEST(edge_irq_is_latched_until_acknowledged)
{
    init(0xfe, 0xff, 1);
    ck_assert(!vpic_output(pic));
    ck_assert(vpic_set_irq(pic, 0, true));
    vpic_set_irq(pic, 0, false);                /* a pulse stays latched */
    ck_assert(vpic_output(pic));
    ck_assert_uint_eq(vpic_ack(pic), 0x20);
    ck_assert(!vpic_output(pic));               /* in service */
    ck_assert_uint_eq(vpic_read(pic, 0x20), 0); /* IRR */
    vpic_write(pic, 0x20, 0x0b);                /* OCW3: read ISR */
    ck_assert_uint_eq(vpic_read(pic, 0x20), 1);
    vpic_set_irq(pic, 0, true);                 /* next edge while in service */
    ck_assert(!vpic_output(pic));
    vpic_write(pic, 0x20, 0x20);                /* EOI */
    ck_assert(vpic_output(pic));
    ck_assert_uint_eq(vpic_ack(pic), 0x20);
    /* A line held high gives no new edge. */
    vpic_write(pic, 0x20, 0x20);
    vpic_set_irq(pic, 0, true);
    ck_assert(!vpic_output(pic));
}
END_TEST

START_TEST(masks_and_priorities)
{
    init(0xff, 0xff, 1);
    vpic_set_irq(pic, 3, true);
    ck_assert(!vpic_output(pic));               /* masked, but in IRR */
    ck_assert_uint_eq(vpic_read(pic, 0x20), 0x08);
    vpic_write(pic, 0x21, 0xf7);
    ck_assert(vpic_output(pic));
    vpic_set_irq(pic, 1, true);
    vpic_write(pic, 0x21, 0xf5);
    ck_assert_uint_eq(vpic_ack(pic), 0x21);     /* IRQ 1 beats IRQ 3 */
    /* IRQ 3 waits: IRQ 1 is in service and has the higher priority. */
    ck_assert(!vpic_output(pic));
    vpic_write(pic, 0x20, 0x61);                /* specific EOI for 1 */
    ck_assert_uint_eq(vpic_ack(pic), 0x23);
    ck_assert_uint_eq(vpic_read(pic, 0x21), 0xf5);
}
END_TEST

START_TEST(slave_through_the_cascade)
{
    init(0xfb, 0xfe, 1);                        /* IRQ 2 and IRQ 8 open */
    vpic_set_irq(pic, 8, true);
    ck_assert(vpic_output(pic));
    ck_assert_uint_eq(vpic_ack(pic), 0x28);
    ck_assert(!vpic_output(pic));
    /* Both need their EOI before IRQ 8 is taken again. */
    vpic_set_irq(pic, 8, false);
    vpic_set_irq(pic, 8, true);
    vpic_write(pic, 0x20, 0x20);
    ck_assert(!vpic_output(pic));
    vpic_write(pic, 0xa0, 0x20);
    ck_assert(vpic_output(pic));
}
END_TEST

START_TEST(level_lines_follow_the_elcr)
{
    init(0xfe, 0xff, 1);
    vpic_write(pic, 0x4d0, 0xff);               /* IRQ 0-2 cannot be level */
    ck_assert_uint_eq(vpic_read(pic, 0x4d0), 0xf8);
    vpic_write(pic, 0x21, 0xef);
    vpic_set_irq(pic, 4, true);
    ck_assert_uint_eq(vpic_ack(pic), 0x24);
    vpic_write(pic, 0x20, 0x20);
    /* Still high: presented again. */
    ck_assert(vpic_output(pic));
    vpic_set_irq(pic, 4, false);
    ck_assert(!vpic_output(pic));
}
END_TEST

START_TEST(spurious_and_auto_eoi_and_poll)
{
    init(0xfe, 0xff, 3);                        /* ICW4: auto-EOI */
    ck_assert_uint_eq(vpic_ack(pic), 0x27);     /* nothing pending: IRQ 7 */
    vpic_set_irq(pic, 0, true);
    ck_assert_uint_eq(vpic_ack(pic), 0x20);
    vpic_write(pic, 0x20, 0x0b);
    ck_assert_uint_eq(vpic_read(pic, 0x20), 0); /* auto-EOI: ISR empty */
    vpic_set_irq(pic, 0, false);
    vpic_set_irq(pic, 0, true);
    vpic_write(pic, 0x20, 0x0c);                /* poll */
    ck_assert_uint_eq(vpic_read(pic, 0x20), 0x80);
    ck_assert(!vpic_output(pic));
}
END_TEST

START_TEST(rotation)
{
    init(0x00, 0xff, 1);
    vpic_write(pic, 0x20, 0xc4);                /* lowest priority: IRQ 4 */
    vpic_set_irq(pic, 3, true);
    vpic_set_irq(pic, 6, true);
    ck_assert_uint_eq(vpic_ack(pic), 0x26);     /* 5 is now the highest */
}
END_TEST

TCase *tcase_pic(void)
{
    TCase *tc = tcase_create("vpic");

    tcase_add_test(tc, edge_irq_is_latched_until_acknowledged);
    tcase_add_test(tc, masks_and_priorities);
    tcase_add_test(tc, slave_through_the_cascade);
    tcase_add_test(tc, level_lines_follow_the_elcr);
    tcase_add_test(tc, spurious_and_auto_eoi_and_poll);
    tcase_add_test(tc, rotation);
    return tc;
}
