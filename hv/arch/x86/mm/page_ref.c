/*
 * General and type references.
 *
 * get_page: the frame is a domain-heap frame of d (not dying) and gains a
 * general reference.  get_page_type: the frame gains a reference as
 * `type`; the type can only change while the type count is 0, and a frame
 * becoming a page table is validated first (validate_table takes the
 * references its entries need).  When the type count drops back to 0 a
 * page table is devalidated (its entries' references are dropped) and the
 * type returns to PGT_none.  A frame becoming a descriptor page (GDT/LDT)
 * has its descriptors checked the same way (hv/segdesc.h).  Because a frame has a single type, a page
 * table can never be mapped writable and vice versa.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/mm_seam.h>
#include <hv/segdesc.h>
#include "private.h"

spinlock_t mm_lock = SPIN_LOCK_UNLOCKED;

/*
 * Translations that may still be cached for mappings gone since the last
 * flush, and tlb_clock when the last went.  Any CR3 write after that
 * (each switch between guest kernel and user makes one) has removed them all
 * unless a guest's translations can be global: as Xen's flush clock, it
 * saves the flush a retyped frame would otherwise need.
 */
static unsigned int tlb_stale;
static u64 tlb_stale_clock;

void tlb_mark_stale(unsigned int why)
{
    tlb_stale |= why;
    tlb_stale_clock = tlb_clock;
}

void tlb_flush_if_stale(unsigned int why)
{
    if (!(tlb_stale & why))
        return;
    if (tlb_clock != tlb_stale_clock && !tlb_guest_globals())
        tlb_stale = 0;
    else
        mm_flush_tlb_all();
}

/* Guest translations only: hv's own global ones never go stale here.
 * One CR3 write rather than two CR4 writes when none can be global
 * (under QEMU's TCG each of those writes empties its whole TLB). */
void mm_flush_tlb_all(void)
{
    if (tlb_guest_globals())
        flush_tlb_all();
    else
        flush_tlb_local();
    tlb_stale = 0;
}

__hot_path int get_page(struct page_info *pg, const struct domain *d)
{
    if (d == NULL || pg->state != PGS_domheap || pg->owner != d || d->is_dying)
        return -EPERM;
    ASSERT(pg->count > 0);
    if (pg->count == UINT32_MAX)
        return -EOVERFLOW;
    pg->count++;
    return 0;
}

void page_release(struct page_info *pg)
{
    struct domain *d = pg->owner;

    ASSERT(pg->type_count == 0 && pg->state == PGS_domheap);
    spin_lock(&d->page_alloc_lock);
    list_del(&pg->list);
    if (--d->tot_pages == 0)
        domain_last_frame_returned(d);
    spin_unlock(&d->page_alloc_lock);
    tlb_mark_stale(TLB_STALE_FREED);
    heap_free_frame(pg);
}

/* The first type reference (or an overflowing one); get_page_type in
 * hv/mm.h takes the others. */
int get_page_type_first(struct page_info *pg, enum page_type type)
{
    int rc;

    ASSERT(type != PGT_none);
    if (pg->type_count == UINT32_MAX)
        return -EOVERFLOW;

    ASSERT(pg->type == PGT_none && !(pg->flags & PGF_validated));
    /*
     * A CPU may still walk a devalidated table (cached paging structures),
     * whatever the frame becomes next; and a frame that becomes a table or
     * descriptor page must have no writable translation left anywhere.
     */
    tlb_flush_if_stale(type == PGT_writable
                       ? TLB_STALE_TABLE
                       : TLB_STALE_TABLE | TLB_STALE_WRITABLE);

    pg->type = type;
    pg->type_count = 1;
    if (type == PGT_seg_desc)
        rc = segdesc_validate_page(page_to_virt(pg));
    else if (pgt_is_pagetable(type))
        rc = validate_table(pg, pgt_level(type));
    else
        return 0;
    if (rc) {
        pg->type = PGT_none;
        pg->type_count = 0;
        return rc;
    }
    if (pgt_is_pagetable(type))
        pg->flags |= PGF_validated;
    return 0;
}

/* The last type reference; put_page_type in hv/mm.h drops the others. */
void put_page_type_last(struct page_info *pg)
{
    ASSERT(pg->type_count == 1);
    if (pgt_is_pagetable(pg->type)) {
        ASSERT(pg->flags & PGF_validated);
        /* Unusable while its entries' references are dropped. */
        pg->flags &= ~PGF_validated;
        devalidate_table(pg, pgt_level(pg->type));
        tlb_mark_stale(TLB_STALE_TABLE);
    } else if (pg->type == PGT_writable) {
        tlb_mark_stale(TLB_STALE_WRITABLE);
    }
    pg->type_count = 0;
    pg->type = PGT_none;
}

int get_page_and_type(struct page_info *pg, const struct domain *d,
                      enum page_type type)
{
    int rc = get_page(pg, d);

    if (rc)
        return rc;
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}
