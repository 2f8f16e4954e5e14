/* hv's console: COM1 at 115200 8N1. */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

void serial_init(void);
void serial_write(const char *s, size_t len);

void console_write(const char *s, size_t len);
/* Drops the console lock so a crash report can print even if the crashing
 * code held it. */
void console_force_unlock(void);

#endif
