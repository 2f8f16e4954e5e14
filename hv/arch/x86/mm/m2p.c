/*
 * The machine-to-phys table: for every machine frame, the guest pfn it
 * backs.  One copy of frames, mapped writable for hv (slot 257) and
 * read-only, user-visible for PV guests at MACH2PHYS_VIRT_START (slot 256).
 */
#include <hv/lib.h>
#include <hv/mm_seam.h>
#include "private.h"

#define m2p_rw ((u64 *)HV_VA(RDWR_MPT_VIRT_START))

void m2p_init(void)
{
    unsigned long nr;
    mfn_t mfn;

    if (max_mfn > MACH2PHYS_NR_ENTRIES)
        panic("mm: %lu frames do not fit the M2P window", (unsigned long)max_mfn);

    nr = ROUNDUP(max_mfn * sizeof(u64), PAGE_SIZE) >> PAGE_SHIFT;
    mfn = maddr_to_mfn(boot_alloc_pages(nr));
    if (map_pages_to_hv(RDWR_MPT_VIRT_START, mfn, nr, PAGE_HV_RW) ||
        map_pages_to_hv(RO_MPT_VIRT_START, mfn, nr, PAGE_HV_RO_USER))
        panic("mm: cannot map the M2P (%lu frames)", nr);

    /* Every entry, including the tail of the last frame, starts invalid. */
    memset(m2p_rw, 0xff, nr << PAGE_SHIFT);
}

void set_gpfn_from_mfn(mfn_t mfn, pfn_t pfn)
{
    ASSERT(mfn_valid(mfn));
    m2p_rw[mfn] = pfn;
}

pfn_t get_gpfn_from_mfn(mfn_t mfn)
{
    ASSERT(mfn_valid(mfn));
    return m2p_rw[mfn];
}
