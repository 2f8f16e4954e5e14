/* 16550 UART on COM1, polled, 115200 8N1. */
#include <hv/console.h>
#include <hv/io.h>

#define COM1      0x3f8
#define UART_THR  0     /* transmit holding (DLAB=0) */
#define UART_DLL  0     /* divisor low (DLAB=1) */
#define UART_IER  1
#define UART_DLM  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_THRE  0x20
#define LCR_DLAB  0x80
#define LCR_8N1   0x03

void serial_init(void)
{
    outb(0, COM1 + UART_IER);                   /* polled: no interrupts */
    outb(LCR_DLAB, COM1 + UART_LCR);
    outb(1, COM1 + UART_DLL);                   /* 115200 = 115200 / 1 */
    outb(0, COM1 + UART_DLM);
    outb(LCR_8N1, COM1 + UART_LCR);
    outb(0x07, COM1 + UART_FCR);                /* enable and clear FIFOs */
    outb(0x03, COM1 + UART_MCR);                /* DTR, RTS */
}

static void serial_putc(char c)
{
    unsigned int spins = 0;

    /* Bounded wait: a missing UART must not hang hv. */
    while (!(inb(COM1 + UART_LSR) & LSR_THRE) && ++spins < 100000)
        ;
    outb(c, COM1 + UART_THR);
}

void serial_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}
