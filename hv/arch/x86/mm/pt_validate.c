/*
 * What a present guest page-table entry holds, and validation of whole
 * tables.
 *
 * A present level-n entry (n > 1) holds a general reference and a type
 * reference of level n-1 on its target, which must belong to the table's
 * owner.  A present L1 entry holds a general reference on its target,
 * which must belong to pg_owner (the table's owner, or a foreign domain a
 * privileged caller named), plus a PGT_writable type reference if it is
 * writable.  Same-level ("linear") entries are refused: they would need a
 * type reference of the table's own level, which the type rule forbids.
 *
 * Error numbers are Xen's: an L1 entry whose frame cannot be mapped (not
 * the owner's, or not writable) is -EBUSY, one beyond RAM -EPERM (no I/O
 * memory for guests); an upper-level entry whose frame cannot be a table
 * of the level below is -EINVAL.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/mm_seam.h>
#include "pt_entry.h"

bool pte_flags_ok(pte_t e, unsigned int level)
{
    u64 allowed = level == 1 ? PTE_GUEST_FLAGS_L1 : PTE_GUEST_FLAGS_UPPER;

    return !(e & ~(PTE_ADDR_MASK | allowed));
}

__hot_path int get_page_from_pte(pte_t e, unsigned int level,
                      const struct domain *pt_owner,
                      const struct domain *pg_owner)
{
    struct page_info *pg;
    int rc;

    ASSERT(pte_present(e));
    if (!pte_flags_ok(e, level))
        return -EINVAL;
    if (!mfn_valid(pte_mfn(e)))
        return level > 1 ? -EINVAL : -EPERM;
    pg = mfn_to_page(pte_mfn(e));

    if (level > 1)
        return get_table_ref(pg, pt_owner, PGT_level(level - 1));

    rc = get_page(pg, pg_owner);
    if (rc || !(e & _PAGE_RW))
        return rc && rc != -EOVERFLOW ? -EBUSY : rc;
    rc = get_page_type(pg, PGT_writable);
    if (rc)
        put_page(pg);
    return rc && rc != -EOVERFLOW ? -EBUSY : rc;
}

__hot_path int get_table_ref(struct page_info *pg, const struct domain *d, enum page_type type)
{
    int rc;

    if (get_page(pg, d))
        return -EINVAL;
    if (pg->type_count && pg->type != type) {
        put_page(pg);
        return -EINVAL;
    }
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

__hot_path void put_page_from_pte(pte_t e, unsigned int level)
{
    struct page_info *pg;

    if (!pte_present(e))
        return;
    pg = mfn_to_page(pte_mfn(e));
    if (level > 1) {
        put_page_and_type(pg);
        return;
    }
    if (e & _PAGE_RW)
        put_page_type(pg);
    put_page(pg);
}

/* The present bits of sixteen entries, ORed: one instruction an entry. */
static inline pte_t any_of_16(const pte_t *p)
{
    return (p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7] |
            p[8] | p[9] | p[10] | p[11] | p[12] | p[13] | p[14] | p[15]) &
           _PAGE_PRESENT;
}

/*
 * The first present entry of t in [i, end), or end.  Most slots of a
 * guest table are empty, and a fork validates (and its exit devalidates)
 * every table of the new address space, so empty slots are skipped
 * sixteen at a time; a dense table's next slot is usually the one, so
 * that is looked at first.  Pointers, not indices: an unsigned index
 * costs an instruction per entry to widen.
 */
static unsigned int next_present(const pte_t *t, unsigned int i, unsigned int end)
{
    const pte_t *p = t + i, *e = t + end, *groups_end = p + ((e - p) & ~15L);

    if (p < e && pte_present(*p))
        return i;
    while (p < groups_end && !any_of_16(p))
        p += 16;
    while (p < e && !pte_present(*p))
        p++;
    return (unsigned int)(p - t);
}

/* The first present guest entry at or after slot i (an L4's hv slots are
 * not the guest's), or PT_ENTRIES. */
static unsigned int next_guest_entry(const pte_t *t, unsigned int level,
                                     unsigned int i)
{
    if (level == 4 && i < HV_FIRST_L4_SLOT) {
        i = next_present(t, i, HV_FIRST_L4_SLOT);
        if (i < HV_FIRST_L4_SLOT)
            return i;
    }
    if (level == 4 && l4_slot_is_hv(i))
        i = HV_FIRST_L4_SLOT + HV_NR_L4_SLOTS;
    return next_present(t, i, PT_ENTRIES);
}

#define for_each_guest_entry(t, level, i)                       \
    for ((i) = next_guest_entry(t, level, 0); (i) < PT_ENTRIES; \
         (i) = next_guest_entry(t, level, (i) + 1))

/*
 * Takes the references of every present guest entry of a table that has
 * just been given its page-table type, and makes every such entry a user
 * mapping (the guest kernel runs in ring 3).  On failure every reference
 * taken is dropped again and the table's contents are as they were.
 */
int validate_table(struct page_info *pg, unsigned int level)
{
    pte_t *t = page_to_virt(pg);
    u64 made_user[PT_ENTRIES / 64] = { 0 }, groups = 0;
    const u64 *hv_l4;
    unsigned int i, j;
    int rc;

    for_each_guest_entry(t, level, i) {
        rc = get_page_from_pte(t[i], level, pg->owner, pg->owner);
        if (rc)
            goto undo;
        pt_note_global(pg->owner, t[i], level);
        if (!(t[i] & _PAGE_USER)) {
            t[i] |= _PAGE_USER;
            made_user[i / 64] |= 1ULL << (i % 64);
        }
        groups |= pt_group_bit(i);
    }

    if (level == 4) {
        hv_l4 = hv_root_l4();
        for (i = HV_FIRST_L4_SLOT; i < HV_FIRST_L4_SLOT + HV_NR_L4_SLOTS; i++)
            t[i] = hv_l4[i];
    }
    pg->pt_present_groups = groups;
    return 0;

undo:
    for_each_guest_entry(t, level, j) {
        if (j >= i)
            break;
        if (made_user[j / 64] & (1ULL << (j % 64)))
            t[j] &= ~(pte_t)_PAGE_USER;
        put_page_from_pte(t[j], level);
    }
    return rc;
}

/* Only the groups validation found or hv wrote since can hold entries. */
void devalidate_table(struct page_info *pg, unsigned int level)
{
    pte_t *t = page_to_virt(pg);
    u64 groups = pg->pt_present_groups;

    if (level == 1)
        grant_l1_devalidating(pg);
    while (groups) {
        unsigned int first = (unsigned int)__builtin_ctzll(groups) * PT_GROUP_ENTRIES;

        groups &= groups - 1;
        for (unsigned int i = first; i < first + PT_GROUP_ENTRIES; i++)
            if (pte_present(t[i]) && !(level == 4 && l4_slot_is_hv(i)))
                put_page_from_pte(t[i], level);
    }
    pg->pt_present_groups = 0;
}

/* Gives a kernel L4 the read-only M2P slot if m2p_strict took it away. */
__hot_path void fill_ro_mpt(mfn_t l4)
{
    pte_t *t = mfn_to_virt(l4);

    t[RO_MPT_L4_SLOT] = hv_root_l4()[RO_MPT_L4_SLOT];
}

/* m2p_strict: guest user mode does not see the M2P. */
void zap_ro_mpt(mfn_t l4)
{
    pte_t *t = mfn_to_virt(l4);

    t[RO_MPT_L4_SLOT] = 0;
}
