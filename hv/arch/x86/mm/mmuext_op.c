/*
 * HYPERVISOR_mmuext_op: pinning, base pointers, TLB maintenance and page
 * clearing/copying.  Like mmu_update, a batch stops at the first failure
 * and *pdone says how many operations were applied.  Error numbers are
 * Xen's: whatever makes a frame unusable as the table asked for (not
 * ours, wrong type, failed validation) is -EINVAL.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/mm_seam.h>
#include <hv/pv_mm.h>
#include "pt_entry.h"

/* The domheap frame mfn of d, or NULL with *rc = -EINVAL. */
static struct page_info *owned_frame(mfn_t mfn, const struct domain *d, int *rc)
{
    struct page_info *pg;

    *rc = -EINVAL;
    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    if (pg->state != PGS_domheap || pg->owner != d)
        return NULL;
    return pg;
}

static int pin_table(mfn_t mfn, unsigned int level, struct domain *pg_owner)
{
    struct page_info *pg;
    int rc;

    if ((pg = owned_frame(mfn, pg_owner, &rc)) == NULL)
        return rc;
    if (pg->flags & PGF_pinned)
        return -EINVAL;
    rc = get_table_ref(pg, pg_owner, PGT_level(level));
    if (rc)
        return rc;
    pg->flags |= PGF_pinned;
    return 0;
}

static int unpin_table(mfn_t mfn, struct domain *pg_owner)
{
    struct page_info *pg;
    int rc;

    if ((pg = owned_frame(mfn, pg_owner, &rc)) == NULL)
        return rc;
    if (!(pg->flags & PGF_pinned))
        return -EINVAL;
    pg->flags &= ~PGF_pinned;
    put_page_and_type(pg);
    return 0;
}

/* Points *slot at a new L4 (0: none), holding an L4 type reference on it. */
static __hot_path int set_base(mfn_t *slot, mfn_t mfn, struct domain *d)
{
    struct page_info *pg = NULL;
    mfn_t old = *slot;
    int rc;

    if (mfn != 0) {
        if ((pg = owned_frame(mfn, d, &rc)) == NULL)
            return rc;
        rc = get_table_ref(pg, d, PGT_l4_page_table);
        if (rc)
            return rc;
    }
    *slot = mfn;
    if (old != 0)
        put_page_and_type(mfn_to_page(old));
    return 0;
}

static int new_baseptr(struct vcpu *v, mfn_t mfn)
{
    int rc;

    if (mfn == 0)
        return -EINVAL;
    if (mfn != v->guest_table) {
        rc = set_base(&v->guest_table, mfn, v->domain);
        if (rc)
            return rc;
        fill_ro_mpt(mfn);
    }
    load_guest_cr3(mfn);
    return 0;
}

static int new_user_baseptr(struct vcpu *v, mfn_t mfn)
{
    int rc;

    if (mfn == v->guest_table_user)
        return 0;
    rc = set_base(&v->guest_table_user, mfn, v->domain);
    if (rc == 0 && mfn != 0 &&
        vm_assist_enabled(v->domain, VMASST_TYPE_m2p_strict))
        zap_ro_mpt(mfn);
    return rc;
}

/*
 * The toolstack sets a vCPU's page tables (domctl setvcpucontext): the
 * kernel L4 and, if not 0, the user L4, both frames of v's domain that
 * must validate as L4 tables.  On failure v keeps no new reference.
 */
int pv_set_initial_tables(struct vcpu *v, mfn_t kernel, mfn_t user)
{
    struct domain *d = v->domain;
    int rc;

    if (kernel == 0 || v->guest_table || v->guest_table_user)
        return -EINVAL;
    spin_lock(&mm_lock);
    rc = set_base(&v->guest_table, kernel, d);
    if (rc == 0 && user != 0) {
        rc = set_base(&v->guest_table_user, user, d);
        if (rc)
            set_base(&v->guest_table, 0, d);
    }
    if (rc == 0) {
        fill_ro_mpt(kernel);
        if (user != 0 && vm_assist_enabled(d, VMASST_TYPE_m2p_strict))
            zap_ro_mpt(user);
    }
    spin_unlock(&mm_lock);
    return rc;
}

static int clear_page(mfn_t mfn, struct domain *pg_owner)
{
    struct page_info *pg;
    int rc;

    if ((pg = owned_frame(mfn, pg_owner, &rc)) == NULL)
        return rc;
    rc = get_page_and_type(pg, pg_owner, PGT_writable);
    if (rc)
        return rc;
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    put_page_and_type(pg);
    return 0;
}

static int copy_page(mfn_t dst, mfn_t src, struct domain *pg_owner)
{
    struct page_info *dpg, *spg;
    int rc;

    if ((spg = owned_frame(src, pg_owner, &rc)) == NULL ||
        (dpg = owned_frame(dst, pg_owner, &rc)) == NULL)
        return rc;
    rc = get_page_and_type(dpg, pg_owner, PGT_writable);
    if (rc)
        return rc;
    memmove(page_to_virt(dpg), page_to_virt(spg), PAGE_SIZE);
    put_page_and_type(dpg);
    return 0;
}

/*
 * hv runs every vCPU on one physical CPU: a flush of that CPU's TLB is a
 * flush for each vCPU of a mask, descheduled ones included (they load
 * their CR3 when switched back in, and the TLB they will use is this
 * one).  Only the mask's readability is checked, as Xen checks it.
 */
static int flush_op(const struct mmuext_op *op, struct domain *curd)
{
    u64 va = op->arg1.linear_addr;
    int rc;

    switch (op->cmd) {
    case MMUEXT_TLB_FLUSH_LOCAL:
        flush_tlb_local();
        return 0;
    case MMUEXT_TLB_FLUSH_ALL:
        mm_flush_tlb_all();
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
        /* Xen says -EINVAL for an unreadable vCPU mask here. */
        rc = check_vcpumask(op->arg2.vcpumask, curd);
        if (rc == 0)
            mm_flush_tlb_all();
        return rc ? -EINVAL : 0;
    }

    /* Any address is accepted; a non-canonical one has nothing to flush
     * (and invlpg must not be run on it). */
    switch (op->cmd) {
    case MMUEXT_INVLPG_LOCAL:
        if (is_canonical_address(va))
            flush_tlb_one_local(va);
        return 0;
    case MMUEXT_INVLPG_MULTI:
        rc = check_vcpumask(op->arg2.vcpumask, curd);
        if (rc == 0 && is_canonical_address(va))
            flush_tlb_one_all(va);
        return rc ? -EINVAL : 0;
    default:   /* MMUEXT_INVLPG_ALL */
        if (is_canonical_address(va))
            flush_tlb_one_all(va);
        return 0;
    }
}

/*
 * The LDT is checked as Xen checks it.  hv does not map a non-empty LDT
 * yet (Xen maps its pages on demand from faults in the LDT area), so only
 * an empty one is accepted; with none, the CPU's LDTR stays null.
 */
#define MAX_LDT_ENTS 8192

static int set_ldt(struct vcpu *v, u64 base, unsigned int ents)
{
    if (ents == 0)
        base = 0;
    if ((base & (PAGE_SIZE - 1)) || ents > MAX_LDT_ENTS ||
        !guest_access_ok(base, (u64)ents * 8))
        return -EINVAL;
    if (ents)
        return -EOPNOTSUPP;
    v->arch.ldt_base = base;
    v->arch.ldt_ents = ents;
    return 0;
}

static int mmuext_one(const struct mmuext_op *op, struct vcpu *v,
                      struct domain *pg_owner)
{
    struct domain *curd = v->domain;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1,
                         pg_owner);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(op->arg1.mfn, pg_owner);
    case MMUEXT_CLEAR_PAGE:
        return clear_page(op->arg1.mfn, pg_owner);
    case MMUEXT_COPY_PAGE:
        return copy_page(op->arg1.mfn, op->arg2.src_mfn, pg_owner);
    }

    /* The rest act on the caller's own vCPU and TLBs. */
    if (pg_owner != curd)
        return -EPERM;
    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
        return new_baseptr(v, op->arg1.mfn);
    case MMUEXT_NEW_USER_BASEPTR:
        return new_user_baseptr(v, op->arg1.mfn);
    case MMUEXT_SET_LDT:
        return set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        return flush_op(op, curd);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;     /* no superpages */
    default:
        return -ENOSYS;
    }
}

__hot_path long do_mmuext_op(xen_guest_handle_t uops, unsigned int count,
                  xen_guest_handle_t pdone, unsigned int foreigndom)
{
    struct vcpu *v = current_vcpu();
    struct domain *pg_owner;
    unsigned int done = 0, i;
    int rc;

    if (count & MMU_UPDATE_PREEMPTED)
        return -EINVAL;
    rc = lookup_foreign(foreigndom & 0xffff, v->domain, &pg_owner);
    if (rc)
        return rc;

    spin_lock(&mm_lock);
    for (i = 0; i < count; i++) {
        struct mmuext_op op;

        if (copy_from_guest(&op, guest_elem(uops, i, struct mmuext_op),
                            sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        rc = mmuext_one(&op, v, pg_owner);
        if (rc)
            break;
    }
    spin_unlock(&mm_lock);

    done = i;
    if (pdone)
        copy_to_guest(pdone, &done, sizeof(done));
    return rc;
}
