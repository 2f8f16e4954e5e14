/*
 * The frame table: one struct page_info per machine frame below max_mfn,
 * mapped at FRAMETABLE_VIRT_START from frames the boot allocator gives.
 */
#include <hv/lib.h>
#include <hv/mm_seam.h>
#include "private.h"

mfn_t max_mfn;

void frame_table_init(void)
{
    paddr_t start, end;
    unsigned long nr;
    mfn_t mfn;

    max_mfn = 0;
    for (unsigned int i = 0; bootinfo_ram_range(i, &start, &end); i++)
        if (end >> PAGE_SHIFT > max_mfn)
            max_mfn = end >> PAGE_SHIFT;
    if (max_mfn == 0)
        panic("mm: the boot RAM map is empty");

    nr = ROUNDUP(max_mfn * sizeof(struct page_info), PAGE_SIZE) >> PAGE_SHIFT;
    mfn = maddr_to_mfn(boot_alloc_pages(nr));
    if (map_pages_to_hv(FRAMETABLE_VIRT_START, mfn, nr, PAGE_HV_RW))
        panic("mm: cannot map the frame table (%lu frames)", nr);

    /* All zero: every frame starts PGS_reserved, unowned, unreferenced. */
    memset(frame_table, 0, nr << PAGE_SHIFT);
}
