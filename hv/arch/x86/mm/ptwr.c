/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest store
 * into one of its own L1 tables, which it maps read-only, faults; the PV
 * trap code decodes the store and asks for the new entry here, where it
 * is checked exactly like an mmu_update of that entry.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/pv_mm.h>
#include "private.h"

int ptwr_emulate_store(struct vcpu *v, mfn_t l4, u64 addr, u64 val)
{
    struct page_info *l1, *target;
    pte_t e;
    int rc = -EINVAL;

    if (addr & (sizeof(pte_t) - 1))
        return -EINVAL;
    spin_lock(&mm_lock);
    l1 = walk_to_l1(l4, addr);
    if (l1) {
        e = ((pte_t *)page_to_virt(l1))[pt_index(1, addr)];
        target = pte_present(e) && mfn_valid(pte_mfn(e)) ? mfn_to_page(pte_mfn(e)) : NULL;
        /* The frame written must be one of the guest's validated L1s. */
        if (target && target->state == PGS_domheap && target->owner == v->domain &&
            target->type == PGT_l1_page_table && (target->flags & PGF_validated))
            rc = mod_pte(target, (addr & (PAGE_SIZE - 1)) / sizeof(pte_t), val,
                         v->domain, false);
    }
    spin_unlock(&mm_lock);
    return rc;
}
