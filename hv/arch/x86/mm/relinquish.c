/*
 * Domain teardown: give back every frame the domain holds.
 *
 * Page tables only hold type references on tables of the same domain, and
 * same-level entries are refused, so the validated tables form a forest
 * whose roots are pins and vCPU base pointers.  Dropping the roots
 * devalidates every table, which drops every reference the domain's
 * mappings hold; dropping the allocation references then frees each frame
 * nobody else references.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/pv_mm.h>
#include <hv/grant_table.h>
#include "private.h"

static void drop_base(mfn_t *slot)
{
    if (*slot != 0)
        put_page_and_type(mfn_to_page(*slot));
    *slot = 0;
}

/*
 * Calls fn on each frame of d.  The frame being worked on holds an extra
 * reference, so it stays on the list while fn may free other frames.
 */
static void for_each_frame(struct domain *d, void (*fn)(struct page_info *))
{
    struct page_info *pg, *next;

    for (pg = list_first_entry(&d->page_list, struct page_info, list);
         &pg->list != &d->page_list; pg = next) {
        pg->count++;
        fn(pg);
        next = list_entry(pg->list.next, struct page_info, list);
        put_page(pg);
    }
}

static void unpin(struct page_info *pg)
{
    if (pg->flags & PGF_pinned) {
        pg->flags &= ~PGF_pinned;
        put_page_and_type(pg);
    }
}

static void drop_allocation(struct page_info *pg)
{
    if (pg->flags & PGF_allocated) {
        pg->flags &= ~PGF_allocated;
        put_page(pg);
    }
}

int relinquish_domain_memory(struct domain *d)
{
    spin_lock(&mm_lock);
    d->is_dying = true;

    /* The mappings d holds of grants go before its page tables. */
    gnttab_release_mappings(d);

    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v != NULL) {
            drop_base(&v->guest_table_user);
            drop_base(&v->guest_table);
        }
    }
    for_each_frame(d, unpin);
    for_each_frame(d, drop_allocation);
    spin_unlock(&mm_lock);

    return d->tot_pages ? -EBUSY : 0;
}
