/*
 * Shared between the files of hv/common/grant_table*.c; not for the rest
 * of hv (host unit tests read it to check hv's state).
 *
 * A domain's grant table has three parts:
 *  - the shared frames: the guest-writable array of grant_entry_v1 the
 *    domain fills in as granter (domheap frames of the domain, each held
 *    by the table with a general and a PGT_writable reference so that it
 *    can never become a page table or descriptor page);
 *  - the active entries: hv's private record, per grant ref, of who holds
 *    it pinned (mappings and copies in progress) and which frame was
 *    captured at the first pin; hv never trusts the shared entry again
 *    while the grant is pinned;
 *  - the maptrack: the mappings the domain holds, as mapper, of any
 *    domain's grants, indexed by grant handle.
 */
#ifndef HV_COMMON_GRANT_TABLE_PRIVATE_H
#define HV_COMMON_GRANT_TABLE_PRIVATE_H

#include <hv/grant_table.h>
#include <hv/mm.h>

#define GNTTAB_PER_FRAME   (PAGE_SIZE / sizeof(grant_entry_v1_t))

/* GNTMAP bits a map request may carry. */
#define GNTMAP_valid_bits \
    (GNTMAP_device_map | GNTMAP_host_map | GNTMAP_readonly | \
     GNTMAP_application_map | GNTMAP_contains_pte | GNTMAP_guest_avail_bits)

struct active_grant {
    u32 pins;           /* every pin: mapping parts and copies in progress */
    u32 write_pins;     /* the writable ones */
    domid_t domid;      /* the domain holding the pins */
    mfn_t frame;        /* captured at the first pin */
};

/* A maptrack entry: one handle.  flags == 0 means free. */
struct grant_mapping {
    struct domain *granter;
    grant_ref_t ref;
    u32 flags;          /* GNTMAP_*: the parts still mapped and how */
    mfn_t frame;
    paddr_t pte_ma;     /* host part: the L1 entry holding the mapping */
    u32 next;           /* free: next free handle; host part: hash chain */
};

#define MAPTRACK_NONE      UINT32_MAX
#define GNTTAB_PTE_HASH    256

struct grant_table {
    struct domain *d;
    unsigned int nr_frames, max_frames;
    mfn_t *frames;                      /* [max_frames] */
    struct active_grant **active;       /* [max_frames] x GNTTAB_PER_FRAME */

    struct grant_mapping *maptrack;     /* [maptrack_size] */
    unsigned int maptrack_size, max_maptrack, maptrack_used;
    u32 maptrack_free;                  /* head of the free handles */
    u32 pte_hash[GNTTAB_PTE_HASH];      /* host parts by pte_ma */
};

static inline unsigned int nr_grant_entries(const struct grant_table *gt)
{
    return gt->nr_frames * GNTTAB_PER_FRAME;
}

static inline struct active_grant *active_entry(struct grant_table *gt,
                                                grant_ref_t ref)
{
    return &gt->active[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

/*
 * The shared entry is guest memory that may change at any time: hv reads
 * and updates its first word (flags in bits 15:0, domid in 31:16) only
 * atomically, and its frame word once.
 */
static inline u32 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    u32 *f = mfn_to_virt(gt->frames[ref / GNTTAB_PER_FRAME]);

    return f + (ref % GNTTAB_PER_FRAME) * 2;
}

/* grant_table.c */
/* The granter a map or copy names (DOMID_SELF: curd): alive, with a table. */
struct domain *gnttab_granter(struct domain *curd, domid_t id);
/* Grows gt to nr frames: 0, -EINVAL (over the limit) or -ENOMEM. */
int gnttab_grow(struct grant_table *gt, unsigned int nr);

/* grant_table_pin.c: pins on active entries, with the shared flags. */
struct pin {
    struct domain *granter;
    grant_ref_t ref;
    bool readonly;
    unsigned int nr;        /* pins taken (mapping parts) */
    u16 added;              /* GTF bits this pin set in the shared entry */
    mfn_t frame;
};
s16 gnttab_pin(struct domain *granter, grant_ref_t ref, domid_t user,
               bool readonly, unsigned int nr, struct pin *p);
/* Undoes a pin that is given up before use: state exactly as before. */
void gnttab_pin_undo(const struct pin *p);
/* Drops nr pins of a live mapping or a finished copy. */
void gnttab_unpin(struct domain *granter, grant_ref_t ref, bool readonly,
                  unsigned int nr);

/* References on a granted frame: general, plus PGT_writable if writable. */
s16 gnttab_get_frame(mfn_t frame, struct domain *owner, bool writable);
void gnttab_put_frame(mfn_t frame, bool writable);

/* grant_table_map.c */
s16 gnttab_map(struct vcpu *v, struct gnttab_map_grant_ref *op);
s16 gnttab_unmap(struct vcpu *v, const struct gnttab_unmap_grant_ref *op);
void gnttab_maptrack_free(struct grant_table *gt);

/* grant_table_copy.c */
s16 gnttab_copy(struct domain *curd, const struct gnttab_copy *op);

#endif
