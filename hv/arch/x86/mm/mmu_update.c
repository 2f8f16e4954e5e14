/*
 * HYPERVISOR_mmu_update: a batch of page-table entry writes and M2P
 * updates.  Requests are applied in order; the first failure stops the
 * batch with its error, and *pdone says how many were applied (as in
 * Xen, a pdone that cannot be written is ignored).
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/mm_seam.h>
#include <hv/pv_mm.h>
#include "private.h"

/* An "update" of a frame that is no page table is a plain 8-byte store,
 * allowed where the owner could map the frame writable (Xen's rule). */
static int plain_write(struct page_info *pg, paddr_t ma, u64 val)
{
    int rc = get_page_type(pg, PGT_writable);

    if (rc)
        return -EINVAL;
    ((u64 *)page_to_virt(pg))[(ma & ~PAGE_MASK) / sizeof(u64)] = val;
    put_page_type(pg);
    return 0;
}

static int pt_update(const struct mmu_update *req, unsigned int cmd,
                     struct domain *pt_owner, struct domain *pg_owner,
                     bool *l4_changed)
{
    paddr_t ma = req->ptr & ~(paddr_t)7;
    pte_t val = req->val;
    struct page_info *pg;
    int rc;

    if (!mfn_valid(ma >> PAGE_SHIFT))
        return -EINVAL;
    pg = mfn_to_page(ma >> PAGE_SHIFT);
    if (pg->state != PGS_domheap || pg->owner != pt_owner)
        return -EINVAL;
    if (!pgt_is_pagetable(pg->type))
        return plain_write(pg, ma, req->val);
    /* NO_TRANSLATE names machine frames (resources a domain was given). */
    if (pg->type == PGT_l1_page_table && cmd != MMU_PT_UPDATE_NO_TRANSLATE &&
        foreign_l1e_translate(&val, pg_owner))
        return -EINVAL;
    rc = mod_pte(pg, (ma & ~PAGE_MASK) / sizeof(pte_t), val, pg_owner,
                 cmd == MMU_PT_UPDATE_PRESERVE_AD);
    if (rc == 0 && pg->type == PGT_l4_page_table)
        *l4_changed = true;
    return rc;
}

static int machphys_update(const struct mmu_update *req, struct domain *curd,
                           struct domain *pt_owner, struct domain *pg_owner)
{
    mfn_t mfn = req->ptr >> PAGE_SHIFT;
    struct page_info *pg;

    if (pt_owner != curd)
        return -EPERM;
    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (pg->state != PGS_domheap || pg->owner != pg_owner)
        return -EINVAL;
    set_gpfn_from_mfn(mfn, req->val);
    return 0;
}

static __hot_path int mmu_update_one(const struct mmu_update *req, struct domain *curd,
                          struct domain *pt_owner, struct domain *pg_owner,
                          bool *l4_changed)
{
    unsigned int cmd = req->ptr & 7;

    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
    case MMU_PT_UPDATE_NO_TRANSLATE:
        return pt_update(req, cmd, pt_owner, pg_owner, l4_changed);
    case MMU_MACHPHYS_UPDATE:
        return machphys_update(req, curd, pt_owner, pg_owner);
    default:
        return -ENOSYS;
    }
}

__hot_path long do_mmu_update(xen_guest_handle_t ureqs, unsigned int count,
                   xen_guest_handle_t pdone, unsigned int foreigndom)
{
    struct domain *curd = current_vcpu()->domain;
    struct domain *pt_owner = curd, *pg_owner;
    unsigned int pt_dom = foreigndom >> 16, done = 0, i;
    bool l4_changed = false;
    int rc;

    if (count & MMU_UPDATE_PREEMPTED)
        return -EINVAL;
    if (pt_dom) {
        rc = lookup_foreign(pt_dom - 1, curd, &pt_owner);
        if (rc)
            return rc;
    }
    rc = lookup_foreign(foreigndom & 0xffff, curd, &pg_owner);
    if (rc)
        return rc;

    spin_lock(&mm_lock);
    for (i = 0; i < count; i++) {
        struct mmu_update req;

        if (copy_from_guest(&req, guest_elem(ureqs, i, struct mmu_update),
                            sizeof(req))) {
            rc = -EFAULT;
            break;
        }
        rc = mmu_update_one(&req, curd, pt_owner, pg_owner, &l4_changed);
        if (rc)
            break;
    }
    /* L4 entries are cached beyond what a guest's invlpg reaches. */
    if (l4_changed)
        mm_flush_tlb_all();
    spin_unlock(&mm_lock);

    done = i;
    if (pdone)
        copy_to_guest(pdone, &done, sizeof(done));
    return rc;
}
