/* COM1 of heron-dm over hv's 16550 model (com1.h). */
#include <hv/hvm_devices.h>

#include "com1.h"

static struct vuart uart;

void com1_init(void (*tx)(void *ctx, uint8_t c), void *ctx)
{
    vuart_reset(&uart);
    uart.tx = tx;
    uart.tx_ctx = ctx;
}

uint8_t com1_read(unsigned int off)
{
    return vuart_read(&uart, off);
}

void com1_write(unsigned int off, uint8_t val)
{
    vuart_write(&uart, off, val);
}

bool com1_receive(uint8_t c)
{
    return vuart_receive(&uart, c);
}

bool com1_irq_level(void)
{
    return vuart_irq_level(&uart);
}
