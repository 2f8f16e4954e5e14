/*
 * Grant tables as the rest of hv uses them (the hypercall interface is
 * do_grant_table_op).  Implemented in hv/common/grant_table*.c; the PV
 * page-table side of grant mappings is hv/arch/x86/mm/grant_pv.c.
 * docs/grant-tables.md describes the design and the lifetime rules.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <hv/domain.h>
#include <public/grant_table.h>

/* GNTMAP bits 16-18 of a host map are the guest's: PTE bits 9-11. */
#define GNTMAP_guest_avail_shift  16
#define GNTMAP_guest_avail_bits   (7U << GNTMAP_guest_avail_shift)

/* Per-domain limits: table frames and maptrack handles (mappings held). */
#define GNTTAB_DEFAULT_MAX_FRAMES     64
#define GNTTAB_MAX_FRAMES_LIMIT       1024
#define GNTTAB_DEFAULT_MAX_MAPTRACK   65536
#define GNTTAB_MAX_MAPTRACK_LIMIT     (1U << 20)

/*
 * Lifecycle.  grant_table_init once at domain creation (allocates no
 * frames, so it may run before max_pages is set).  At death, with no vCPU
 * of d running, grant_table_destroy and relinquish_domain_memory in
 * either order; struct domain must stay until d->tot_pages is 0, because
 * other domains' mappings of d's frames keep them (and point at d).
 */
int grant_table_init(struct domain *d);
/* Drops every mapping d holds of others' grants; frees d's table. */
void grant_table_destroy(struct domain *d);
/* Changes d's limits; refused below what d already uses (-EINVAL). */
int grant_table_set_limits(struct domain *d, unsigned int max_frames,
                           unsigned int max_maptrack);

/* The MFN of grant-table frame idx of d, growing the table if needed
 * (builders pre-fill entries 0 and 1 for console and xenstore). */
int grant_table_frame(struct domain *d, unsigned int idx, mfn_t *mfn);

/* How many frames d's table has now (0 without a table): they count in
 * tot_pages but, as in Xen, not in the guest's reservation. */
unsigned int grant_table_nr_frames(struct domain *d);
/* The most frames d's table may grow to (0 without a table). */
unsigned int grant_table_max_frames(struct domain *d);

long do_grant_table_op(unsigned int cmd, xen_guest_handle_t uops,
                       unsigned int count);

/*
 * The seam between the common grant code and the x86 PV MMU.
 *
 * All grant state (every domain's table, active entries and maptrack) is
 * protected by the PV MMU's lock, because page-table updates release
 * grant mappings from inside the MMU code.
 */
void grant_lock(void);
void grant_unlock(void);

/*
 * PV MMU side (hv/arch/x86/mm/grant_pv.c), lock held.
 *
 * grant_pv_locate: the machine address of the L1 entry a host mapping
 * uses: host_addr is a linear address in v's current kernel page tables,
 * or with GNTMAP_contains_pte the machine address of an entry of one of
 * v's L1 tables.  0 or -EINVAL (nothing changed).
 *
 * grant_pv_install: writes the grant PTE for frame at pte_ma.  The caller
 * has taken the references the entry holds (general, plus PGT_writable
 * unless GNTMAP_readonly), exactly as for any L1 entry; whatever the slot
 * held before is released (including another grant mapping).
 *
 * grant_pv_remove: clears the grant PTE at pte_ma, flushes every TLB and
 * drops the entry's references.
 *
 * grant_pv_flush: flushes every TLB (before a grant is given back to its
 * granter, no stale translation of it may remain).
 */
int grant_pv_locate(struct vcpu *v, u64 host_addr, unsigned int gntmap_flags,
                    paddr_t *pte_ma);
void grant_pv_install(paddr_t pte_ma, mfn_t frame, unsigned int gntmap_flags);
void grant_pv_remove(paddr_t pte_ma);
void grant_pv_flush(void);

/*
 * Common side, called by the PV MMU with the lock held.
 *
 * gnttab_host_map_lost: the L1 entry at pte_ma (in a table of d) stopped
 * mapping what it mapped (the guest overwrote it); if it was a grant
 * mapping, the mapping is released (TLBs flushed first).  The entry's
 * page references are the MMU's to drop.
 *
 * gnttab_l1_lost: the same for every grant mapping in L1 table l1 of d,
 * which is being devalidated.
 *
 * gnttab_release_mappings: undoes every mapping d holds (domain death).
 */
void gnttab_host_map_lost(struct domain *d, paddr_t pte_ma);
void gnttab_l1_lost(struct domain *d, mfn_t l1);
void gnttab_release_mappings(struct domain *d);

#endif
