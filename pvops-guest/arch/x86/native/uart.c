/* Native console: the COM1 16550 UART, polled output, interrupt-driven input. */
#include "pvops.h"
#include "x86.h"

#define COM1 0x3f8

void native_uart_init(void)
{
	outb(COM1 + 1, 0x00);            /* no interrupts while programming */
	outb(COM1 + 3, 0x80);            /* DLAB */
	outb(COM1 + 0, 1);               /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + 3, 0x03);            /* 8N1 */
	outb(COM1 + 2, 0xc7);            /* FIFO on, cleared */
	outb(COM1 + 4, 0x0b);            /* DTR, RTS, OUT2 (IRQ gate) */
	outb(COM1 + 1, 0x01);            /* interrupt on received data */
}

static void uart_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, c);
}

static int uart_getc(void)
{
	if (!(inb(COM1 + 5) & 0x01))
		return -1;
	return inb(COM1);
}

const struct pv_console_ops native_console_ops = {
	.putc = uart_putc,
	.console_irq = 4,
	.getc = uart_getc,
};
