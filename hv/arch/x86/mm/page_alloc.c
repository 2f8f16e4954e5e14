/*
 * Buddy allocator over the frame table.  A free block of 2^order frames
 * starts at a multiple of 2^order; its first frame (the head) records the
 * order and sits on free_list[order], the others are PAGE_ORDER_TAIL.
 * Freeing merges a block with its buddy (mfn ^ 2^order) while that is a
 * free block of the same order.
 *
 * Domain heap frames carry an allocation reference (PGF_allocated) in
 * their general count; a frame goes back to the allocator when its last
 * general reference is dropped, so frames still mapped by someone outlive
 * their owner's release of them.
 */
#include <hv/lib.h>
#include <hv/domain.h>
#include <hv/mm_seam.h>
#include <hv/alloc_fault.h>
#include "private.h"

static struct list_head free_list[MAX_ORDER + 1];
static spinlock_t heap_lock = SPIN_LOCK_UNLOCKED;
static u64 nr_free;
static u64 nr_ram;

static void mark_free(struct page_info *pg, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        ASSERT(pg[i].count == 0 && pg[i].type_count == 0);
        pg[i].state = PGS_free;
        pg[i].owner = NULL;
        pg[i].flags = 0;
        pg[i].order = PAGE_ORDER_TAIL;
        pg[i].slab_class = 0;
        pg[i].slab_inuse = 0;
        pg[i].slab_free = NULL;
    }
}

/* Returns [mfn, mfn + 2^order) to the allocator.  Called with heap_lock. */
static void heap_free_block(mfn_t mfn, unsigned int order)
{
    mark_free(mfn_to_page(mfn), 1UL << order);
    nr_free += 1UL << order;

    while (order < MAX_ORDER) {
        mfn_t buddy = mfn ^ (1UL << order);
        struct page_info *b;

        if (!mfn_valid(buddy))
            break;
        b = mfn_to_page(buddy);
        if (b->state != PGS_free || b->order != order)
            break;
        list_del(&b->list);
        b->order = PAGE_ORDER_TAIL;
        mfn &= ~(1UL << order);
        order++;
    }
    mfn_to_page(mfn)->order = order;
    list_add(&mfn_to_page(mfn)->list, &free_list[order]);
}

/* Takes a free block of 2^order frames, or NULL. */
static struct page_info *heap_alloc_block(unsigned int order)
{
    struct page_info *pg;
    unsigned int k;

    if (order > MAX_ORDER)
        return NULL;

    spin_lock(&heap_lock);
    for (k = order; k <= MAX_ORDER && list_empty(&free_list[k]); k++)
        ;
    if (k > MAX_ORDER) {
        spin_unlock(&heap_lock);
        return NULL;
    }
    pg = list_first_entry(&free_list[k], struct page_info, list);
    list_del(&pg->list);
    while (k > order) {
        struct page_info *upper;

        k--;
        upper = pg + (1UL << k);
        upper->order = k;
        list_add(&upper->list, &free_list[k]);
    }
    pg->order = PAGE_ORDER_TAIL;
    nr_free -= 1UL << order;
    spin_unlock(&heap_lock);

    /* A previous user of these frames may still have them in a TLB. */
    tlb_flush_if_stale(TLB_STALE_FREED);
    return pg;
}

void heap_free_frame(struct page_info *pg)
{
    spin_lock(&heap_lock);
    heap_free_block(page_to_mfn(pg), 0);
    spin_unlock(&heap_lock);
}

void heap_init(void)
{
    paddr_t start, end;

    for (unsigned int k = 0; k <= MAX_ORDER; k++)
        list_init(&free_list[k]);

    spin_lock(&heap_lock);
    for (unsigned int i = 0; bootinfo_ram_range(i, &start, &end); i++) {
        mfn_t first = ROUNDUP(start, PAGE_SIZE) >> PAGE_SHIFT;
        mfn_t last = end >> PAGE_SHIFT;

        for (mfn_t mfn = first; mfn < last && mfn < max_mfn; mfn++) {
            nr_ram++;
            if (mfn < LOW_MEM_FRAMES ||
                bootinfo_is_reserved(mfn << PAGE_SHIFT, (mfn + 1) << PAGE_SHIFT))
                continue;
            heap_free_block(mfn, 0);
        }
    }
    spin_unlock(&heap_lock);
}

u64 ram_frames(void)
{
    return nr_ram;
}

u64 free_frames(void)
{
    return nr_free;
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order)
{
    unsigned long n = 1UL << order;
    struct page_info *pg;

    if (d == NULL || order > MAX_ORDER || alloc_should_fail())
        return NULL;

    spin_lock(&d->page_alloc_lock);
    if (d->is_dying || d->tot_pages + n > d->max_pages) {
        spin_unlock(&d->page_alloc_lock);
        return NULL;
    }
    pg = heap_alloc_block(order);
    if (pg == NULL) {
        spin_unlock(&d->page_alloc_lock);
        return NULL;
    }
    for (unsigned long i = 0; i < n; i++) {
        pg[i].state = PGS_domheap;
        pg[i].owner = d;
        pg[i].count = 1;
        pg[i].flags = PGF_allocated;
        pg[i].order = 0;
        /* The previous user's data must not reach the new owner. */
        memset(page_to_virt(&pg[i]), 0, PAGE_SIZE);
        list_add_tail(&pg[i].list, &d->page_list);
    }
    d->tot_pages += n;
    spin_unlock(&d->page_alloc_lock);
    return pg;
}

/*
 * Drops the owner's allocation reference of each frame.  Frames nobody
 * else references are free on return; the others when their last
 * reference goes.
 */
void free_domheap_pages(struct page_info *pg, unsigned int order)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        ASSERT(pg[i].state == PGS_domheap && (pg[i].flags & PGF_allocated));
        pg[i].flags &= ~PGF_allocated;
        put_page(&pg[i]);
    }
}

void *alloc_xenheap_pages(unsigned int order)
{
    struct page_info *pg;

    if (alloc_should_fail())
        return NULL;
    pg = heap_alloc_block(order);
    if (pg == NULL)
        return NULL;
    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].state = PGS_xenheap;
        pg[i].order = 0;
    }
    pg->order = order;
    return page_to_virt(pg);
}

void free_xenheap_pages(void *va, unsigned int order)
{
    struct page_info *pg;

    if (va == NULL)
        return;
    pg = virt_to_page(va);
    ASSERT(pg->state == PGS_xenheap && pg->order == order);
    spin_lock(&heap_lock);
    heap_free_block(page_to_mfn(pg), order);
    spin_unlock(&heap_lock);
}
