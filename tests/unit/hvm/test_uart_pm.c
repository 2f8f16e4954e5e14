/* The 16550 (vuart.c) and the ACPI PM block (acpi_pm.c). */
#include <hv/hvm_devices.h>
#include "hvm_unit.h"

static struct vuart u;
static char out[64];
static unsigned int nout;

static void tx(void *ctx, u8 c)
{
    (void)ctx;
    if (nout < sizeof(out))
        out[nout++] = c;
}

static void uart_init(void)
{
    vuart_reset(&u);
    u.tx = tx;
    nout = 0;
}

START_TEST(transmit_and_line_status)
{
    uart_init();
    ck_assert_uint_eq(vuart_read(&u, 5), 0x60);         /* THRE, TEMT */
    vuart_write(&u, 0, 'h');
    vuart_write(&u, 0, 'i');
    ck_assert_uint_eq(nout, 2);
    ck_assert(!memcmp(out, "hi", 2));
    /* DLAB: the divisor, not the data register. */
    vuart_write(&u, 3, 0x80);
    vuart_write(&u, 0, 3);
    vuart_write(&u, 1, 0);
    ck_assert_uint_eq(nout, 2);
    ck_assert_uint_eq(vuart_read(&u, 0), 3);
    vuart_write(&u, 3, 0x03);
    vuart_write(&u, 7, 0x5a);
    ck_assert_uint_eq(vuart_read(&u, 7), 0x5a);
}
END_TEST

START_TEST(receive_and_interrupts)
{
    uart_init();
    vuart_write(&u, 1, 0x01);                           /* RX interrupt */
    ck_assert(!vuart_irq_level(&u));
    ck_assert(vuart_receive(&u, 'x'));
    ck_assert(!vuart_irq_level(&u));                    /* OUT2 gates the line */
    vuart_write(&u, 4, 0x08);
    ck_assert(vuart_irq_level(&u));
    ck_assert_uint_eq(vuart_read(&u, 2) & 0x0f, 0x04);  /* IIR: RX data */
    ck_assert_uint_eq(vuart_read(&u, 5) & 1, 1);
    ck_assert_uint_eq(vuart_read(&u, 0), 'x');
    ck_assert(!vuart_irq_level(&u));
    ck_assert_uint_eq(vuart_read(&u, 2) & 0x0f, 0x01);  /* none */
    /* THR empty: raised when enabled, acknowledged by reading IIR. */
    vuart_write(&u, 1, 0x02);
    ck_assert(vuart_irq_level(&u));
    ck_assert_uint_eq(vuart_read(&u, 2) & 0x0f, 0x02);
    ck_assert(!vuart_irq_level(&u));
    vuart_write(&u, 0, 'y');
    ck_assert(vuart_irq_level(&u));
    /* Overrun when the FIFO is full. */
    uart_init();
    for (unsigned int i = 0; i < VUART_RX_SIZE; i++)
        ck_assert(vuart_receive(&u, i));
    ck_assert(!vuart_receive(&u, 0));
    ck_assert_uint_eq(vuart_read(&u, 5) & 0x03, 0x03);  /* DR | OE */
    ck_assert_uint_eq(vuart_read(&u, 5) & 0x02, 0);     /* OE clears on read */
    vuart_write(&u, 2, 0x07);                           /* FIFO on, clear RX */
    ck_assert_uint_eq(vuart_read(&u, 5) & 1, 0);
    ck_assert_uint_eq(vuart_read(&u, 2) & 0xc0, 0xc0);
}
END_TEST

START_TEST(loopback_probe)
{
    uart_init();
    /* Linux's 8250 probe: loopback with RTS | OUT2 reads CTS | DCD. */
    vuart_write(&u, 4, 0x1a);
    ck_assert_uint_eq(vuart_read(&u, 6) & 0xf0, 0x90);
    vuart_write(&u, 0, 'z');
    ck_assert_uint_eq(nout, 0);                         /* looped back */
    ck_assert_uint_eq(vuart_read(&u, 0), 'z');
    vuart_write(&u, 4, 0x03);
    ck_assert_uint_eq(vuart_read(&u, 6), 0xb0);
}
END_TEST

START_TEST(pm_block)
{
    struct acpi_pm pm;
    const s_time_t sec = 1000000000;

    acpi_pm_reset(&pm);
    ck_assert_uint_eq(acpi_pm_read(&pm, 0x604, 2, 0), 1);       /* SCI_EN */
    ck_assert_uint_eq(acpi_pm_read(&pm, 0x608, 4, sec), ACPI_PM_TMR_HZ & 0xffffff);
    ck_assert_uint_eq(acpi_pm_read(&pm, 0x608, 4, 5 * sec), (5ull * ACPI_PM_TMR_HZ) & 0xffffff);
    ck_assert_int_eq(acpi_pm_write(&pm, 0x602, 2, 0x0121), ACPI_PM_NONE);
    ck_assert_uint_eq(acpi_pm_read(&pm, 0x602, 2, 0), 0x0121);
    pm.pm1_sts = 0x8101;
    acpi_pm_write(&pm, 0x600, 2, 0x0100);                       /* write 1 clears */
    ck_assert_uint_eq(acpi_pm_read(&pm, 0x600, 2, 0), 0x8001);
    ck_assert_int_eq(acpi_pm_write(&pm, 0x608, 4, 0), ACPI_PM_NONE);  /* read-only */
    ck_assert_int_eq(acpi_pm_write(&pm, 0x604, 2, 0x1400), ACPI_PM_NONE);
    ck_assert_int_eq(acpi_pm_write(&pm, 0x604, 2, 0x3400), ACPI_PM_SLEEP);  /* S1-ish */
    ck_assert_uint_eq(acpi_pm_read(&pm, 0x604, 2, 0) & PM1_SLP_EN, 0);
    ck_assert_int_eq(acpi_pm_write(&pm, 0x604, 2, 0x2000), ACPI_PM_POWEROFF);
    /* Byte-wide, high byte: the same. */
    ck_assert_int_eq(acpi_pm_write(&pm, 0x605, 1, 0x20), ACPI_PM_POWEROFF);
}
END_TEST

TCase *tcase_uart_pm(void)
{
    TCase *tc = tcase_create("vuart_acpi_pm");

    tcase_add_test(tc, transmit_and_line_status);
    tcase_add_test(tc, receive_and_interrupts);
    tcase_add_test(tc, loopback_probe);
    tcase_add_test(tc, pm_block);
    return tc;
}
