/*
 * XENMEM_decrease_reservation for one frame: the guest gives a frame back.
 * The frame stops being the guest's (unpinned, allocation reference
 * dropped, M2P entry invalid); it returns to the allocator as soon as no
 * mapping, base pointer or hv reference holds it any more.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/pv_mm.h>
#include "private.h"

int guest_remove_page(struct domain *d, mfn_t mfn)
{
    struct page_info *pg;
    int rc;

    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    spin_lock(&mm_lock);
    /* Only frames the guest was given (hv's own, like shared_info, hold
     * no allocation reference). */
    rc = get_page(pg, d);
    if (rc == 0 && !(pg->flags & PGF_allocated)) {
        put_page(pg);
        rc = -EPERM;
    }
    if (rc == 0) {
        if (pg->flags & PGF_pinned) {
            pg->flags &= ~PGF_pinned;
            put_page_and_type(pg);
        }
        set_gpfn_from_mfn(mfn, INVALID_PFN);
        pg->flags &= ~PGF_allocated;
        put_page(pg);                   /* the allocation reference */
        put_page(pg);                   /* ours */
    }
    spin_unlock(&mm_lock);
    return rc;
}
