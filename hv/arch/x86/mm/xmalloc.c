/*
 * hv's small-object allocator.  Requests up to XMALLOC_MAX_SLAB bytes come
 * from slab pages of one size class (powers of two from 16): each xenheap
 * page is cut into equal objects and keeps its own free list in its
 * page_info; a class lists its pages that have free objects, and a page is
 * given back once all its objects are.  Larger requests get whole xenheap
 * pages.
 */
#include <hv/lib.h>
#include <hv/alloc_fault.h>
#include "private.h"

#define XMALLOC_MIN_SHIFT 4
#define XMALLOC_NR_CLASSES 8
#define XMALLOC_MAX_SLAB (1U << (XMALLOC_MIN_SHIFT + XMALLOC_NR_CLASSES - 1))

static struct list_head partial[XMALLOC_NR_CLASSES] = {
    LIST_HEAD_INIT(partial[0]), LIST_HEAD_INIT(partial[1]),
    LIST_HEAD_INIT(partial[2]), LIST_HEAD_INIT(partial[3]),
    LIST_HEAD_INIT(partial[4]), LIST_HEAD_INIT(partial[5]),
    LIST_HEAD_INIT(partial[6]), LIST_HEAD_INIT(partial[7]),
};
static spinlock_t xmalloc_lock = SPIN_LOCK_UNLOCKED;
static u64 bytes_in_use;            /* under xmalloc_lock */

static void count_bytes(s64 delta)
{
    spin_lock(&xmalloc_lock);
    bytes_in_use += delta;
    spin_unlock(&xmalloc_lock);
}

u64 xmalloc_bytes_in_use(void)
{
    return bytes_in_use;
}

static unsigned int size_class(size_t size)
{
    unsigned int c = 0;

    while ((1UL << (XMALLOC_MIN_SHIFT + c)) < size)
        c++;
    return c;
}

static size_t class_size(unsigned int c)
{
    return 1UL << (XMALLOC_MIN_SHIFT + c);
}

static bool new_slab(unsigned int c)
{
    char *va = alloc_xenheap_pages(0);
    struct page_info *pg;
    size_t sz = class_size(c);

    if (va == NULL)
        return false;
    pg = virt_to_page(va);
    pg->slab_class = c + 1;
    pg->slab_inuse = 0;
    pg->slab_free = NULL;
    for (size_t off = PAGE_SIZE; off >= sz; off -= sz) {
        *(void **)(va + off - sz) = pg->slab_free;
        pg->slab_free = va + off - sz;
    }
    list_add(&pg->list, &partial[c]);
    return true;
}

static void *large_alloc(size_t size)
{
    unsigned int order = 0;
    void *p;

    while ((PAGE_SIZE << order) < size)
        if (++order > MAX_ORDER)
            return NULL;
    p = alloc_xenheap_pages(order);
    if (p)
        count_bytes(PAGE_SIZE << order);
    return p;
}

void *xmalloc(size_t size)
{
    struct page_info *pg;
    unsigned int c;
    void *obj;

    if (alloc_should_fail())
        return NULL;
    if (size == 0)
        size = 1;
    if (size > XMALLOC_MAX_SLAB)
        return large_alloc(size);

    c = size_class(size);
    spin_lock(&xmalloc_lock);
    if (list_empty(&partial[c]) && !new_slab(c)) {
        spin_unlock(&xmalloc_lock);
        return NULL;
    }
    pg = list_first_entry(&partial[c], struct page_info, list);
    obj = pg->slab_free;
    pg->slab_free = *(void **)obj;
    pg->slab_inuse++;
    bytes_in_use += class_size(c);
    if (pg->slab_free == NULL)
        list_del(&pg->list);
    spin_unlock(&xmalloc_lock);
    return obj;
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p != NULL)
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct page_info *pg;
    unsigned int c;

    if (p == NULL)
        return;
    pg = virt_to_page(p);
    ASSERT(pg->state == PGS_xenheap);
    if (pg->slab_class == 0) {
        count_bytes(-(s64)(PAGE_SIZE << pg->order));
        free_xenheap_pages(p, pg->order);
        return;
    }

    c = pg->slab_class - 1;
    spin_lock(&xmalloc_lock);
    if (pg->slab_free == NULL)
        list_add(&pg->list, &partial[c]);
    *(void **)p = pg->slab_free;
    pg->slab_free = p;
    bytes_in_use -= class_size(c);
    if (--pg->slab_inuse == 0) {
        list_del(&pg->list);
        free_xenheap_pages(page_to_virt(pg), 0);
    }
    spin_unlock(&xmalloc_lock);
}
