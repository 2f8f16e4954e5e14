/*
 * x86-64 4-level page-table entries as the PV MMU sees them: index
 * helpers, the address field, and the flags a PV guest may use per level.
 * The flag bits themselves (_PAGE_*) are the ABI's, from public/xen.h.
 */
#ifndef HV_MM_PTE_H
#define HV_MM_PTE_H

#include <hv/page.h>

typedef u64 pte_t;

#define PT_ENTRIES        512
#define PTE_AVAIL_HIGH    0x7ff0000000000000UL   /* bits 62:52, software use */

/* Shift of the virtual-address bits indexing a level-n table (n = 1..4). */
#define PT_SHIFT(n)       (PAGE_SHIFT + 9 * ((n) - 1))

static inline unsigned int pt_index(unsigned int level, u64 va)
{
    return (va >> PT_SHIFT(level)) & (PT_ENTRIES - 1);
}

static inline mfn_t pte_mfn(pte_t e)
{
    return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

static inline bool pte_present(pte_t e)
{
    return e & _PAGE_PRESENT;
}

static inline pte_t pte_from_mfn(mfn_t mfn, u64 flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

/* Flags a guest may set in a present entry; everything else is refused. */
#define PTE_GUEST_FLAGS_COMMON \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | \
     _PAGE_AVAIL | PTE_AVAIL_HIGH | _PAGE_NX)
#define PTE_GUEST_FLAGS_L1    (PTE_GUEST_FLAGS_COMMON | _PAGE_GLOBAL)
#define PTE_GUEST_FLAGS_UPPER PTE_GUEST_FLAGS_COMMON   /* L2, L3, L4 */

#endif
