/*
 * Walking our own page tables.  The initial mapping covers every page-table
 * frame the builder made (read-only), at GUEST_VIRT_BASE + pfn * 4096, and
 * the M2P turns an entry's MFN back into that pfn.
 */
#include "guest.h"

#define PTE_MFN(e) (((e) & 0x000ffffffffff000UL) >> 12)

static uint64_t *table_va(uint64_t mfn)
{
    return (uint64_t *)(GUEST_VIRT_BASE + machine_to_phys[mfn] * PAGE_SIZE);
}

static unsigned int slot(const void *va, unsigned int level)
{
    return ((uint64_t)va >> (12 + 9 * (level - 1))) & 511;
}

/* Machine address of the level-`level` entry (1 = L1) that maps va. */
uint64_t pte_maddr(const void *va, unsigned int level)
{
    uint64_t *table = (uint64_t *)start_info->pt_base;
    uint64_t mfn = virt_to_mfn(table);

    for (unsigned int l = 4; l > level; l--) {
        uint64_t e = table[slot(va, l)];
        if (!(e & _PAGE_PRESENT))
            panic("pte_maddr: %p not mapped at level %u", va, l);
        mfn = PTE_MFN(e);
        table = table_va(mfn);
    }
    return (mfn << 12) | (slot(va, level) * 8);
}

/* MFN backing a page of the initial mapping, from the p2m list. */
uint64_t virt_to_mfn(const void *va)
{
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
    return p2m[((uint64_t)va - GUEST_VIRT_BASE) >> 12];
}
