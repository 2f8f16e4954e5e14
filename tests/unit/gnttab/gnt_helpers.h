/*
 * Grant-table tests on the mm simulator: guest domains with an address
 * space, the guest side of the grant protocol (granting, revoking), the
 * hypercall wrappers, and a checker of every grant invariant on top of
 * the mm checker.
 */
#ifndef GNT_TEST_HELPERS_H
#define GNT_TEST_HELPERS_H

#include <hv/grant_table.h>
#include "grant_table_private.h"
#include "helpers.h"

/* Guest window: grant op arrays and setup_table frame lists. */
#define G_GOPS   (GUEST_WIN_BASE + 0x90000)
#define G_FLIST  (GUEST_WIN_BASE + 0xc0000)

/* Free L1 slots of build_as's table, for grant mappings. */
#define FREE_SLOT0   300
#define GVA(slot)    (GUEST_VA_DATA + (u64)(slot) * PAGE_SIZE)

struct gdom {
    struct domain *d;
    struct guest_as as;
};

/* Each test runs on a fresh machine; sets up the checker's extra refs. */
void gnt_test_setup(void);

/*
 * A PV domain: address space with nr_data data frames (pinned, loaded as
 * base pointer), a grant table with one frame.
 */
void gnt_domain(struct gdom *g, domid_t id, bool privileged,
                unsigned int nr_data);

/* --- the guest side of the protocol, on the granter's shared frames --- */
grant_entry_v1_t *gentry(struct domain *d, grant_ref_t ref);
/* Writes domid and frame, then the flags (as Linux does). */
void grant(struct domain *d, grant_ref_t ref, domid_t to, mfn_t frame,
           bool readonly);
/* Revokes with compare-exchange; false if the grant is in use. */
bool revoke(struct domain *d, grant_ref_t ref);

/* --- hypercalls as vCPU 0 of d --- */
long gop(struct domain *d, unsigned int cmd, void *ops, size_t size,
         unsigned int count);
s16 gsetup(struct domain *d, domid_t dom, unsigned int nr, u64 *mfns);
s16 gmap(struct domain *d, domid_t dom, grant_ref_t ref, u64 addr,
         u32 flags, grant_handle_t *handle, u64 *dev_bus_addr);
s16 gunmap(struct domain *d, u64 addr, u64 dev_bus_addr,
           grant_handle_t handle);
s16 gcopy(struct domain *d, const struct gnttab_copy *op);

/* What d's CPU would reach at va (software walk of its kernel tables):
 * a host pointer, or NULL if unmapped (or read-only and write asked). */
void *guest_va(struct domain *d, u64 va, bool write);
/* The L1 entry for va in d's tables (build_as layout). */
pte_t *l1e_of(struct gdom *g, u64 va);

/*
 * Grant invariants, on top of check_invariants: every in-use maptrack
 * host part is a PTE of the mapper mapping the captured frame, writable
 * iff the mapping is; each granter's active pins equal the mapping parts
 * naming them; GTF_reading/GTF_writing equal "pinned"/"pinned writable";
 * no present writable L1 entry anywhere maps a frame that is not of type
 * PGT_writable.  NULL or the first violation.
 */
const char *grant_invariants(void);

#define ck_gnt_invariants() do {                               \
    const char *why_ = grant_invariants();                     \
    ck_assert_msg(why_ == NULL, "invariant: %s", why_);        \
} while (0)

/*
 * Everything a refused operation must leave alone: the frame table, the
 * contents of every frame the domains own, every maptrack and every
 * active entry's pins.
 */
struct gnt_snapshot;
struct gnt_snapshot *gnt_snapshot_take(void);
bool gnt_snapshot_same(const struct gnt_snapshot *s);
void gnt_snapshot_drop(struct gnt_snapshot *s);

#define ck_gnt_refused(call, status) do {                      \
    struct gnt_snapshot *s_ = gnt_snapshot_take();             \
    ck_assert_int_eq((call), (status));                        \
    ck_assert_msg(gnt_snapshot_same(s_), "state changed");     \
    gnt_snapshot_drop(s_);                                     \
} while (0)

#endif
