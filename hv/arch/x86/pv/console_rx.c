/*
 * Serial input for dom0 (CONSOLEIO_read).  The UART runs without
 * interrupts, so a timer polls it every 20 ms; received bytes go into a
 * ring and VIRQ_CONSOLE tells dom0.  When the ring is full, new input is
 * dropped.
 */
#include <hv/console_io.h>
#include <hv/event.h>
#include <hv/timer.h>
#include <hv/time.h>
#include <hv/io.h>
#include <hv/lib.h>

#define COM1        0x3f8
#define UART_RBR    0
#define UART_LSR    5
#define LSR_DR      0x01
#define RX_SIZE     256             /* power of two */
#define POLL_PERIOD MILLISECS(20)

static char rx_ring[RX_SIZE];
static unsigned int rx_prod, rx_cons;
static struct timer rx_timer;

static void rx_poll(void *data)
{
    bool got = false;

    (void)data;
    while (inb(COM1 + UART_LSR) & LSR_DR) {
        char c = inb(COM1 + UART_RBR);

        if (rx_prod - rx_cons < RX_SIZE) {
            rx_ring[rx_prod++ % RX_SIZE] = c;
            got = true;
        }
    }
    if (got)
        send_guest_global_virq(hardware_domain(), VIRQ_CONSOLE);
    set_timer(&rx_timer, NOW() + POLL_PERIOD);
}

void console_rx_init(void)
{
    init_timer(&rx_timer, rx_poll, NULL);
    set_timer(&rx_timer, NOW() + POLL_PERIOD);
}

unsigned int console_rx_peek(char *buf, unsigned int n)
{
    unsigned int avail = rx_prod - rx_cons, i;

    for (i = 0; i < n && i < avail; i++)
        buf[i] = rx_ring[(rx_cons + i) % RX_SIZE];
    return i;
}

void console_rx_consume(unsigned int n)
{
    rx_cons += n;
}
