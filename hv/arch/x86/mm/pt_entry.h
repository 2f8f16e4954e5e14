/* References held by one guest page-table entry (pt_validate.c). */
#ifndef HV_ARCH_X86_MM_PT_ENTRY_H
#define HV_ARCH_X86_MM_PT_ENTRY_H

#include "private.h"

/* page_info.pt_present_groups: one bit per group of 8 entries. */
#define PT_GROUP_ENTRIES (PT_ENTRIES / 64)

static inline u64 pt_group_bit(unsigned int slot)
{
    return 1ULL << (slot / PT_GROUP_ENTRIES);
}

/* Entry slot of the validated table pg may now be present.  Most writes
 * land in a group already marked: no locked operation then. */
static inline void pt_mark_present(struct page_info *pg, unsigned int slot)
{
    u64 bit = pt_group_bit(slot);

    if (!(__atomic_load_n(&pg->pt_present_groups, __ATOMIC_RELAXED) & bit))
        __atomic_fetch_or(&pg->pt_present_groups, bit, __ATOMIC_RELAXED);
}

/* A present entry e goes into a table of d (PV CPUID hides PGE, so Linux
 * PV and pvops-guest never set _PAGE_GLOBAL: they need no global flush). */
static inline void pt_note_global(struct domain *d, pte_t e, unsigned int level)
{
    if (level == 1 && (e & _PAGE_GLOBAL) && !d->global_ptes)
        d->global_ptes = true;
}

bool pte_flags_ok(pte_t e, unsigned int level);
int get_page_from_pte(pte_t e, unsigned int level,
                      const struct domain *pt_owner,
                      const struct domain *pg_owner);
void put_page_from_pte(pte_t e, unsigned int level);
/*
 * A general and a type reference making pg a page table (or other type)
 * of d: -EINVAL if pg is not d's or already in another use (Xen's error
 * for both), else get_page_type's result (a failed validation's error).
 */
int get_table_ref(struct page_info *pg, const struct domain *d, enum page_type type);

#endif
