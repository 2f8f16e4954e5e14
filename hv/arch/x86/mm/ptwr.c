/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest store
 * into one of its own L1 tables, which it maps read-only, faults; the PV
 * trap code decodes the store (mov, xchg or cmpxchg) and asks for the new
 * entry here, where it is checked exactly like an mmu_update of that
 * entry; the entry's value before is handed back for xchg and cmpxchg.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/pv_mm.h>
#include "private.h"

int ptwr_emulate_update(struct vcpu *v, mfn_t l4, u64 addr, const u64 *expect,
                        u64 val, u64 *old)
{
    struct page_info *l1, *target;
    pte_t e, cur;
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
            target->type == PGT_l1_page_table && (target->flags & PGF_validated)) {
            unsigned int slot = (addr & (PAGE_SIZE - 1)) / sizeof(pte_t);

            cur = __atomic_load_n((pte_t *)page_to_virt(target) + slot, __ATOMIC_RELAXED);
            if (old)
                *old = cur;
            /* A cmpxchg that does not match writes nothing. */
            rc = expect && *expect != cur ? 0 :
                 mod_pte(target, slot, val, v->domain, false);
        }
    }
    spin_unlock(&mm_lock);
    return rc;
}
