/*
 * Lookup in hv's symbol table.  The table is generated from the linked
 * image by hv/common/mksymbols.sh and linked in by a second (and third)
 * link pass: offsets from __image_start, sorted, with names.
 */
#include <hv/symbols.h>
#include <hv/lib.h>

extern const u64 symbols_count;
extern const u32 symbols_offsets[];
extern const u32 symbols_name_offsets[];
extern const char symbols_names[];
extern char __image_start[], __text_end[];

const char *symbol_lookup(unsigned long addr, unsigned long *offset,
                          unsigned long *size)
{
    unsigned long base = (unsigned long)__image_start;
    unsigned long lo = 0, hi = symbols_count, off;

    if (addr < base || addr >= (unsigned long)__text_end || !symbols_count)
        return NULL;
    off = addr - base;
    if (off < symbols_offsets[0])
        return NULL;
    /* Last symbol whose offset is <= off. */
    while (hi - lo > 1) {
        unsigned long mid = (lo + hi) / 2;

        if (symbols_offsets[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    if (offset)
        *offset = off - symbols_offsets[lo];
    if (size)
        *size = (lo + 1 < symbols_count ? symbols_offsets[lo + 1]
                 : (unsigned long)(__text_end - __image_start)) - symbols_offsets[lo];
    return symbols_names + symbols_name_offsets[lo];
}

void symbol_format(char *buf, size_t len, unsigned long addr)
{
    unsigned long off, size;
    const char *name = symbol_lookup(addr, &off, &size);

    if (name)
        snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
    else
        snprintf(buf, len, "%016lx", addr);
}
