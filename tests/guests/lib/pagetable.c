/*
 * Walking our own page tables.  The initial mapping covers every page-table
 * frame the builder made (read-only), at GUEST_VIRT_BASE + pfn * 4096, and
 * the M2P turns an entry's MFN back into that pfn.
 */
#include "mm.h"

static unsigned int slot(const void *va, unsigned int level)
{
    return ((uint64_t)va >> (12 + 9 * (level - 1))) & 511;
}

void *mfn_to_virt(uint64_t mfn)
{
    return (void *)(GUEST_VIRT_BASE + machine_to_phys[mfn] * PAGE_SIZE);
}

uint64_t virt_to_mfn(const void *va)
{
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
    return p2m[((uint64_t)va - GUEST_VIRT_BASE) >> 12];
}

/* Walks down to the table at `level`; returns its MFN, or ~0 if absent. */
static uint64_t table_mfn(const void *va, unsigned int level)
{
    uint64_t mfn = virt_to_mfn((void *)start_info->pt_base);

    for (unsigned int l = 4; l > level; l--) {
        uint64_t e = ((uint64_t *)mfn_to_virt(mfn))[slot(va, l)];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return ~0UL;
        mfn = PTE_MFN(e);
    }
    return mfn;
}

uint64_t pte_maddr(const void *va, unsigned int level)
{
    uint64_t mfn = table_mfn(va, level);
    if (mfn == ~0UL)
        panic("pte_maddr: %p not mapped above level %u", va, level);
    return (mfn << 12) | (slot(va, level) * 8);
}

uint64_t pte_read(const void *va, unsigned int level)
{
    uint64_t mfn = table_mfn(va, level);
    return mfn == ~0UL ? 0 : ((uint64_t *)mfn_to_virt(mfn))[slot(va, level)];
}

void pt_chain_build(struct pt_chain *c, uint64_t va, const uint64_t *l1_entries,
                    unsigned int n)
{
    c->l3 = alloc_page();
    c->l2 = alloc_page();
    c->l1 = alloc_page();
    c->l3_mfn = virt_to_mfn(c->l3);
    c->l2_mfn = virt_to_mfn(c->l2);
    c->l1_mfn = virt_to_mfn(c->l1);

    for (unsigned int i = 0; i < n; i++)
        c->l1[slot((void *)va, 1) + i] = l1_entries[i];
    c->l2[slot((void *)va, 2)] = (c->l1_mfn << 12) | PTE_TABLE;
    c->l3[slot((void *)va, 3)] = (c->l2_mfn << 12) | PTE_TABLE;

    make_readonly(c->l1);
    make_readonly(c->l2);
    make_readonly(c->l3);
}
