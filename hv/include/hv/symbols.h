/* hv's own symbol table (built into the image by a two-pass link). */
#ifndef HV_SYMBOLS_H
#define HV_SYMBOLS_H

#include <hv/types.h>

/* Name of the function containing addr and addr's offset into it, or NULL. */
const char *symbol_lookup(unsigned long addr, unsigned long *offset,
                          unsigned long *size);
/* Formats "name+0xoff/0xsize" or the bare address. */
void symbol_format(char *buf, size_t len, unsigned long addr);

#endif
