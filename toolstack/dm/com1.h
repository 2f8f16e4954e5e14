/*
 * heron-dm's COM1: hv's 16550 model (hv/arch/x86/hvm/vuart.c, compiled
 * into the device model unchanged) behind a libc-free interface, since
 * hv's headers and libc's do not mix in one file.  One UART per process.
 */
#ifndef TOOLSTACK_DM_COM1_H
#define TOOLSTACK_DM_COM1_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_PORT   0x3f8
#define COM1_PORTS  8
#define COM1_IRQ    4

/* Resets the UART; transmitted bytes go to tx(ctx, byte). */
void com1_init(void (*tx)(void *ctx, uint8_t c), void *ctx);
uint8_t com1_read(unsigned int off);
void com1_write(unsigned int off, uint8_t val);
/* A byte of input; false if the receive FIFO is full. */
bool com1_receive(uint8_t c);
/* The level of IRQ 4 as the UART drives it. */
bool com1_irq_level(void);

#endif
