/* Shared between the files of hv/arch/x86/mm; not for the rest of hv. */
#ifndef HV_ARCH_X86_MM_PRIVATE_H
#define HV_ARCH_X86_MM_PRIVATE_H

#include <hv/mm.h>
#include <hv/mm_pte.h>
#include <hv/spinlock.h>
#include <hv/mm_seam.h>

struct domain;
struct vcpu;

/*
 * PGF_* bit (hv/mm.h) only the PV MMU uses: an L1 table that holds or held
 * grant mappings (grant_pv.c).  Cleared when the table is devalidated.
 */
#define PGF_grant_l1     0x08

/* Frames below 1 MiB are never given out (firmware, trampolines). */
#define LOW_MEM_FRAMES   (0x100000UL >> PAGE_SHIFT)

/* L4 slot 256 maps the read-only M2P for guests. */
#define RO_MPT_L4_SLOT   HV_FIRST_L4_SLOT

static inline bool l4_slot_is_hv(unsigned int slot)
{
    return slot >= HV_FIRST_L4_SLOT &&
           slot < HV_FIRST_L4_SLOT + HV_NR_L4_SLOTS;
}

/* Boot steps of mm_init, in order. */
void frame_table_init(void);
void m2p_init(void);
void heap_init(void);
u64 ram_frames(void);

/* Buddy allocator core (page_alloc.c). */
void heap_free_frame(struct page_info *pg);

/*
 * Serialises every reference/type change done by the PV MMU hypercalls
 * and domain teardown.  hv is uniprocessor today; this is the SMP seam.
 */
extern spinlock_t mm_lock;

/*
 * TLB staleness.  Removing a mapping does not flush TLBs (the guest flushes
 * its own), so a CPU may still hold a translation hv has stopped counting.
 * Before a frame changes into a use where such a stale translation would
 * break an invariant, every TLB is flushed.
 */
#define TLB_STALE_WRITABLE 0x1   /* a writable mapping went away */
#define TLB_STALE_TABLE    0x2   /* a page table was devalidated */
#define TLB_STALE_FREED    0x4   /* a frame went back to the allocator */
void tlb_mark_stale(unsigned int why);
void tlb_flush_if_stale(unsigned int why);
void mm_flush_tlb_all(void);

/* Page-table entries (pt_validate.c, pt_update.c). */
int validate_table(struct page_info *pg, unsigned int level);
void devalidate_table(struct page_info *pg, unsigned int level);
int mod_pte(struct page_info *ptpg, unsigned int slot, pte_t nval,
            struct domain *pg_owner, bool preserve_ad);
/* An L1 entry naming frames of pg_owner as the owner's kind of domain
 * names them: guest frames of an HVM domain become machine frames. */
int foreign_l1e_translate(pte_t *e, struct domain *pg_owner);
void fill_ro_mpt(mfn_t l4);
void zap_ro_mpt(mfn_t l4);

/* Xen's continuation marker in a batch count; hv does not preempt batches. */
#define MMU_UPDATE_PREEMPTED (1U << 31)

/* The validated L1 table mapping va under kernel L4 l4, or NULL. */
struct page_info *walk_to_l1(mfn_t l4, u64 va);

/*
 * Grant mappings (grant_pv.c).  grant_pte_dropped: entry `slot` of L1
 * table l1 no longer holds the references of old (called before they are
 * dropped).  grant_l1_devalidating: l1 is being devalidated (called before
 * its entries' references are dropped).
 */
void grant_pte_dropped(struct page_info *l1, unsigned int slot, pte_t old);
void grant_l1_devalidating(struct page_info *l1);

/* Resolves a foreigndom / domid argument for the caller curd (0 or errno). */
int lookup_foreign(domid_t id, struct domain *curd, struct domain **out);

/* Reads a guest vCPU bitmap for the *_MULTI flushes (0 or -EFAULT). */
int check_vcpumask(xen_guest_handle_t mask, const struct domain *d);

#endif
