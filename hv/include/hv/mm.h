/*
 * Machine memory: the frame table, reference counting and page types, the
 * buddy page allocator (domain heap and hv heap), xmalloc and the M2P.
 *
 * Every machine frame below max_mfn has one struct page_info.  All of the
 * PV MMU's safety rules are decisions about these records: who owns a
 * frame, how many references it has, and what it is used as.  See
 * docs/mm.md for the rules.
 */
#ifndef HV_MM_H
#define HV_MM_H

#include <hv/types.h>
#include <hv/list.h>
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/mm_layout.h>

struct domain;

/* What a frame is used as; only one at a time, changed at type count 0. */
enum page_type {
    PGT_none = 0,
    PGT_l1_page_table,
    PGT_l2_page_table,
    PGT_l3_page_table,
    PGT_l4_page_table,
    PGT_seg_desc,          /* GDT/LDT frame */
    PGT_writable,          /* mapped writable by some guest L1 entry */
};

/* Page-table type of level n (1..4). */
#define PGT_level(n) ((enum page_type)(PGT_l1_page_table + (n) - 1))

static inline bool pgt_is_pagetable(unsigned int type)
{
    return type >= PGT_l1_page_table && type <= PGT_l4_page_table;
}

static inline unsigned int pgt_level(unsigned int type)
{
    return type - PGT_l1_page_table + 1;
}

/* Who the frame belongs to, as far as the allocator is concerned. */
enum page_state {
    PGS_reserved = 0,      /* not RAM, or used by firmware/boot/hv image */
    PGS_free,              /* in the buddy allocator */
    PGS_xenheap,           /* hv's own memory */
    PGS_domheap,           /* owned by a domain (owner) */
};

#define PGF_validated  0x01   /* page-table contents checked and referenced */
#define PGF_pinned     0x02   /* holds one general and one type reference */
#define PGF_allocated  0x04   /* owner's allocation reference is held */

struct page_info {
    struct list_head list;     /* owner's page_list, buddy list or slab list */
    struct domain *owner;      /* domheap: owning domain; else NULL */
    u32 count;                 /* general references, incl. the allocation one */
    u32 type_count;            /* references to the frame as `type` */
    u8 type;                   /* enum page_type; PGT_none iff type_count == 0 */
    u8 state;                  /* enum page_state */
    u8 flags;                  /* PGF_* */
    u8 order;                  /* free: order of the block it heads, or
                                  PAGE_ORDER_TAIL; xenheap: allocation order */
    u16 slab_class;            /* xenheap slab page: size class + 1, else 0 */
    u16 slab_inuse;            /* objects handed out from this slab page */
    union {
        void *slab_free;       /* free objects of this slab page */
        /* A validated page table: bit g set if entries 8g..8g+7 may be
         * present (hv sets bits as it writes, never clears them), so
         * devalidation visits only those. */
        u64 pt_present_groups;
    };
};

#define PAGE_ORDER_TAIL 0xff
#define MAX_ORDER       20

/* Frame table; valid entries are [0, max_mfn). */
#define frame_table ((struct page_info *)HV_VA(FRAMETABLE_VIRT_START))
extern mfn_t max_mfn;

static inline bool mfn_valid(mfn_t mfn)
{
    return mfn < max_mfn;
}

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return frame_table + mfn;
}

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return (mfn_t)(pg - frame_table);
}

static inline void *page_to_virt(const struct page_info *pg)
{
    return mfn_to_virt(page_to_mfn(pg));
}

static inline struct page_info *virt_to_page(const void *va)
{
    return mfn_to_page(virt_to_mfn(va));
}

/*
 * Boot: builds the frame table and the M2P, then hands every free RAM
 * frame to the allocator.  After it, the boot allocator must not be used.
 */
void mm_init(void);

/* Allocator. */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order);
void free_domheap_pages(struct page_info *pg, unsigned int order);
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);
u64 free_frames(void);

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);

struct mm_stats {
    u64 ram;        /* RAM frames under max_mfn */
    u64 reserved;   /* frames never given out (not RAM, or boot-used) */
    u64 free;
    u64 xenheap;
    u64 domheap;
};
void mm_get_stats(struct mm_stats *s);
void mm_report(void);

/*
 * References.  A general reference keeps a frame owned and allocated; a
 * type reference keeps it in one use.  Every type reference is paired with
 * a general one.  Functions return 0 or a negative errno.
 */
int get_page(struct page_info *pg, const struct domain *d);
void page_release(struct page_info *pg);
int get_page_type_first(struct page_info *pg, enum page_type type);
void put_page_type_last(struct page_info *pg);

/*
 * The common cases are inline (a page-table switch or a table's
 * validation takes and drops several references); the first type
 * reference (validation) and the last of each kind (devalidation,
 * freeing) are not.
 */
static inline void put_page(struct page_info *pg)
{
    ASSERT(pg->count > 0);
    if (--pg->count == 0)
        page_release(pg);
}

static inline int get_page_type(struct page_info *pg, enum page_type type)
{
    if (pg->type_count == 0 || pg->type_count == UINT32_MAX)
        return get_page_type_first(pg, type);
    if (pg->type != type)
        return -EBUSY;
    /* No table can be asked for while it is being validated: only
     * tables of a higher level reference it, and those are above it. */
    ASSERT(!pgt_is_pagetable(type) || (pg->flags & PGF_validated));
    pg->type_count++;
    return 0;
}

static inline void put_page_type(struct page_info *pg)
{
    ASSERT(pg->type_count > 0);
    if (pg->type_count > 1)
        pg->type_count--;
    else
        put_page_type_last(pg);
}
int get_page_and_type(struct page_info *pg, const struct domain *d,
                      enum page_type type);

static inline void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

/* M2P: the guest pfn each machine frame backs, INVALID_PFN if none. */
void set_gpfn_from_mfn(mfn_t mfn, pfn_t pfn);
pfn_t get_gpfn_from_mfn(mfn_t mfn);

#endif
