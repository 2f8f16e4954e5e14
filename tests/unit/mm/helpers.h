/* Test helpers: guest-side hypercall wrappers, page-table building, and
 * an independent checker of the frame table against all page tables. */
#ifndef MM_TEST_HELPERS_H
#define MM_TEST_HELPERS_H

#include <check.h>
#include <hv/pv_mm.h>
#include <hv/mapping.h>
#include <hv/errno.h>
#include "sim.h"

/* Guest window layout used by the wrappers. */
#define G_REQS  (GUEST_WIN_BASE)
#define G_DONE  (GUEST_WIN_BASE + 0x80000)
#define G_MASK  (GUEST_WIN_BASE + 0x80100)
#define G_BAD   0x1000UL             /* outside the window: faults */

/* One frame of d (panics the test if the allocator refuses). */
mfn_t new_frame(struct domain *d);
pte_t *table(mfn_t mfn);
static inline u64 pte_ma(mfn_t table_mfn, unsigned int slot)
{
    return (table_mfn << PAGE_SHIFT) + slot * sizeof(pte_t);
}

/* Hypercalls as vCPU 0 of d; *done (if non-NULL) receives pdone. */
long mmu(struct domain *d, u64 ptr, u64 val, unsigned int foreigndom);
long mmu_batch(struct domain *d, const struct mmu_update *reqs,
               unsigned int count, unsigned int *done);
long ext(struct domain *d, unsigned int cmd, u64 arg1, u64 arg2);
long ext_fd(struct domain *d, unsigned int cmd, u64 arg1, u64 arg2,
            unsigned int foreigndom);
long uvm(struct domain *d, u64 va, u64 val, u64 flags);

/*
 * A minimal guest address space: L4 -> L3 -> L2 -> L1 mapping va
 * GUEST_VA_DATA onwards with nr_data data frames (writable), plus a
 * read-only mapping of each table at GUEST_VA_TABLES.
 */
#define GUEST_VA_DATA    0x0000000000400000UL
#define GUEST_VA_TABLES  0x0000000000500000UL   /* same L1, slot 256 */
struct guest_as {
    mfn_t l4, l3, l2, l1;
    mfn_t data[8];
    unsigned int nr_data;
};
void build_as(struct domain *d, struct guest_as *as, unsigned int nr_data);

/* The whole frame table, to prove a failed call changed nothing. */
struct ft_snapshot {
    struct page_info *pages;
    u64 free;
};
void snapshot_take(struct ft_snapshot *s);
bool snapshot_same(const struct ft_snapshot *s);
void snapshot_drop(struct ft_snapshot *s);

/*
 * Recomputes every frame's general and type count from first principles
 * (allocation and pin flags, base pointers, entries of validated tables)
 * and checks them, the type rules and the allocator totals.  Returns
 * NULL or a description of the first violation.
 */
const char *check_invariants(void);

/*
 * References held outside pins, base pointers and page tables (a grant
 * table's frames, grant device mappings).  A test that creates such
 * references sets check_extra_refs; check_invariants calls it with a
 * recorder of one general reference (and one type reference of `type`
 * unless PGT_none).  Both return NULL or a violation.
 */
typedef const char *(*ref_recorder)(mfn_t mfn, unsigned int type,
                                    const char *from);
extern const char *(*check_extra_refs)(ref_recorder record);

#define ck_invariants() do {                                   \
    const char *why_ = check_invariants();                     \
    ck_assert_msg(why_ == NULL, "invariant: %s", why_);        \
} while (0)

/* Runs a refused operation and proves the frame table did not move. */
#define ck_refused(call, err) do {                             \
    struct ft_snapshot s_;                                     \
    snapshot_take(&s_);                                        \
    ck_assert_int_eq((call), (err));                           \
    ck_assert_msg(snapshot_same(&s_), "frame table changed");  \
    snapshot_drop(&s_);                                        \
} while (0)

#endif
