/*
 * The PV page-table side of grant mappings.
 *
 * A host mapping is an L1 entry of the mapping domain that maps another
 * domain's frame.  It holds the same references as any L1 entry with its
 * flags (general, plus PGT_writable if writable: a page table or
 * descriptor page can only be granted read-only), so the PV MMU treats it
 * like every other entry.  What is special is who else knows about it:
 * the mapper's maptrack.  L1 tables that hold (or held) grant entries are
 * marked PGF_grant_l1; when an entry of such a table stops mapping what
 * it mapped (the guest overwrote it) or the table is devalidated, the
 * grant code is told before the entry's references go, so the mapping is
 * released and the granter's flags follow the truth.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/cpufeature.h>
#include <hv/grant_table.h>
#include "pt_entry.h"

void grant_lock(void)
{
    spin_lock(&mm_lock);
}

void grant_unlock(void)
{
    spin_unlock(&mm_lock);
}

void grant_pv_flush(void)
{
    mm_flush_tlb_all();
}

int grant_pv_locate(struct vcpu *v, u64 host_addr, unsigned int gntmap_flags,
                    paddr_t *pte_ma)
{
    struct page_info *l1;

    if (gntmap_flags & GNTMAP_contains_pte) {
        mfn_t mfn = host_addr >> PAGE_SHIFT;

        if ((host_addr & (sizeof(pte_t) - 1)) || !mfn_valid(mfn))
            return -EINVAL;
        l1 = mfn_to_page(mfn);
        if (l1->state != PGS_domheap || l1->owner != v->domain ||
            l1->type != PGT_l1_page_table)
            return -EINVAL;
        *pte_ma = host_addr;
        return 0;
    }

    if (!is_canonical_address(host_addr) ||
        (host_addr >= HV_HOLE_START && host_addr < HV_HOLE_END))
        return -EINVAL;
    l1 = walk_to_l1(v->guest_table, host_addr);
    if (l1 == NULL)
        return -EINVAL;
    *pte_ma = ((paddr_t)page_to_mfn(l1) << PAGE_SHIFT) +
              pt_index(1, host_addr) * sizeof(pte_t);
    return 0;
}

/* Xen's grant PTE: present, accessed, dirty, never executable. */
static pte_t grant_pte(mfn_t frame, unsigned int gntmap_flags)
{
    u64 flags = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;

    if (!(gntmap_flags & GNTMAP_readonly))
        flags |= _PAGE_RW;
    if (cpu_has_nx)
        flags |= _PAGE_NX;
    flags |= (u64)((gntmap_flags & GNTMAP_guest_avail_bits) >>
                   GNTMAP_guest_avail_shift) << 9;
    return pte_from_mfn(frame, flags);
}

static struct page_info *table_of(paddr_t pte_ma)
{
    return mfn_to_page(pte_ma >> PAGE_SHIFT);
}

static unsigned int slot_of(paddr_t pte_ma)
{
    return (pte_ma & ~PAGE_MASK) / sizeof(pte_t);
}

void grant_pv_install(paddr_t pte_ma, mfn_t frame, unsigned int gntmap_flags)
{
    struct page_info *l1 = table_of(pte_ma);
    pte_t *p = maddr_to_virt(pte_ma);
    pte_t old;

    ASSERT(l1->type == PGT_l1_page_table && (l1->flags & PGF_validated));
    l1->flags |= PGF_grant_l1;
    pt_mark_present(l1, slot_of(pte_ma));
    old = __atomic_exchange_n(p, grant_pte(frame, gntmap_flags),
                              __ATOMIC_SEQ_CST);
    grant_pte_dropped(l1, slot_of(pte_ma), old);
    put_page_from_pte(old, 1);
}

void grant_pv_remove(paddr_t pte_ma)
{
    pte_t old = __atomic_exchange_n((pte_t *)maddr_to_virt(pte_ma), 0,
                                    __ATOMIC_SEQ_CST);

    ASSERT(pte_present(old));
    mm_flush_tlb_all();
    put_page_from_pte(old, 1);
}

/* mm hooks (private.h). */

__hot_path void grant_pte_dropped(struct page_info *l1, unsigned int slot, pte_t old)
{
    if ((l1->flags & PGF_grant_l1) && pte_present(old))
        gnttab_host_map_lost(l1->owner, ((paddr_t)page_to_mfn(l1) << PAGE_SHIFT) +
                                        slot * sizeof(pte_t));
}

void grant_l1_devalidating(struct page_info *l1)
{
    if (l1->flags & PGF_grant_l1) {
        l1->flags &= ~PGF_grant_l1;
        gnttab_l1_lost(l1->owner, page_to_mfn(l1));
    }
}
