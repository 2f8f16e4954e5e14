/*
 * Guest console I/O: per-domain line buffers (hv/common/console_io.c) and
 * serial input for dom0's CONSOLEIO_read (hv/arch/x86/pv/console_rx.c).
 */
#ifndef HV_CONSOLE_IO_H
#define HV_CONSOLE_IO_H

#include <hv/domain.h>

/* Prints what is left of d's current line (at its death). */
void console_flush_domain(struct domain *d);

/* Starts polling the serial line; input raises VIRQ_CONSOLE at dom0. */
void console_rx_init(void);
/* Copies up to n buffered input bytes without consuming them. */
unsigned int console_rx_peek(char *buf, unsigned int n);
void console_rx_consume(unsigned int n);

#endif
