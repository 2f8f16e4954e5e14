/*
 * HYPERVISOR_update_va_mapping(_otherdomain): write the L1 entry that maps
 * va in the caller's current (kernel) page tables, then flush as asked.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/mm_seam.h>
#include <hv/pv_mm.h>
#include "private.h"

/* The validated L1 table mapping va under l4, or NULL (grant maps too). */
struct page_info *walk_to_l1(mfn_t l4, u64 va)
{
    mfn_t mfn = l4;
    struct page_info *pg;

    if (mfn == 0)
        return NULL;
    for (unsigned int level = 4; level > 1; level--) {
        pte_t e = ((pte_t *)mfn_to_virt(mfn))[pt_index(level, va)];

        if (!pte_present(e))
            return NULL;
        mfn = pte_mfn(e);
    }
    /* Reached through validated tables, so an L1 unless hv is broken. */
    pg = mfn_to_page(mfn);
    ASSERT(pg->type == PGT_l1_page_table && (pg->flags & PGF_validated));
    return pg;
}

static void flush_after(u64 va, u64 flags)
{
    bool local = (flags & ~UVMF_FLUSHTYPE_MASK) == UVMF_LOCAL;

    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        if (local)
            flush_tlb_local();
        else
            mm_flush_tlb_all();
        break;
    case UVMF_INVLPG:
        if (local)
            flush_tlb_one_local(va);
        else
            flush_tlb_one_all(va);
        break;
    }
}

static long update_va_mapping(u64 va, u64 val, u64 flags,
                              struct domain *pg_owner)
{
    struct vcpu *v = current_vcpu();
    u64 target = flags & ~UVMF_FLUSHTYPE_MASK;
    struct page_info *l1;
    int rc;

    if (!is_canonical_address(va) || (va >= HV_HOLE_START && va < HV_HOLE_END))
        return -EINVAL;
    /* Flush type 3 (both bits) is accepted and flushes nothing, as Xen. */
    if (target != UVMF_LOCAL && target != UVMF_ALL) {
        rc = check_vcpumask(target, v->domain);
        if (rc)
            return rc;
    }

    if (foreign_l1e_translate(&val, pg_owner))
        return -EINVAL;
    spin_lock(&mm_lock);
    l1 = walk_to_l1(v->guest_table, va);
    rc = l1 ? mod_pte(l1, pt_index(1, va), val, pg_owner, false) : -EINVAL;
    spin_unlock(&mm_lock);

    if (rc == 0)
        flush_after(va, flags);
    return rc;
}

long do_update_va_mapping(u64 va, u64 val, u64 flags)
{
    return update_va_mapping(va, val, flags, current_vcpu()->domain);
}

long do_update_va_mapping_otherdomain(u64 va, u64 val, u64 flags,
                                      domid_t domid)
{
    struct domain *pg_owner;
    int rc = lookup_foreign(domid, current_vcpu()->domain, &pg_owner);

    return rc ? rc : update_va_mapping(va, val, flags, pg_owner);
}
