/*
 * Changing one entry of a validated guest page table.  The new entry is
 * checked and its references taken before it is written; the old entry's
 * references are dropped after.  Any failure leaves everything unchanged.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include "pt_entry.h"

#define PTE_AD (_PAGE_ACCESSED | _PAGE_DIRTY)

/* Same target and, for L1, same writability: the references carry over. */
static bool same_references(pte_t old, pte_t new, unsigned int level)
{
    if (!pte_present(old) || pte_mfn(old) != pte_mfn(new))
        return false;
    return level > 1 || (old & _PAGE_RW) == (new & _PAGE_RW);
}

/*
 * Writes nval over slot of the validated table ptpg.  pg_owner is whose
 * frames an L1 entry may map; for L2-L4 it must be the table's owner.
 * preserve_ad keeps the accessed/dirty bits the CPU set in the old entry.
 */
__hot_path int mod_pte(struct page_info *ptpg, unsigned int slot, pte_t nval,
            struct domain *pg_owner, bool preserve_ad)
{
    unsigned int level = pgt_level(ptpg->type);
    pte_t *p = (pte_t *)page_to_virt(ptpg) + slot;
    pte_t old;
    int rc;

    ASSERT(pgt_is_pagetable(ptpg->type) && (ptpg->flags & PGF_validated));
    ASSERT(slot < PT_ENTRIES);
    if (level == 4 && l4_slot_is_hv(slot))
        return -EINVAL;
    if (level > 1 && pg_owner != ptpg->owner)
        return -EINVAL;

    old = __atomic_load_n(p, __ATOMIC_RELAXED);
    if (pte_present(nval)) {
        nval |= _PAGE_USER;
        if (same_references(old, nval, level)) {
            if (!pte_flags_ok(nval, level))
                return -EINVAL;
        } else {
            rc = get_page_from_pte(nval, level, ptpg->owner, pg_owner);
            if (rc)
                return rc;
        }
    }

    if (pte_present(nval)) {
        pt_mark_present(ptpg, slot);
        pt_note_global(ptpg->owner, nval, level);
    }
    /* Only A/D can change under us (set by a CPU walking the table). */
    if (preserve_ad && pte_present(nval)) {
        pte_t v;

        do {
            v = nval | (old & PTE_AD);
        } while (!__atomic_compare_exchange_n(p, &old, v, false,
                                              __ATOMIC_SEQ_CST,
                                              __ATOMIC_RELAXED));
    } else {
        old = __atomic_exchange_n(p, nval, __ATOMIC_SEQ_CST);
    }

    if (!same_references(old, nval, level) || !pte_present(nval)) {
        if (level == 1)
            grant_pte_dropped(ptpg, slot, old);
        put_page_from_pte(old, level);
    }
    return 0;
}
