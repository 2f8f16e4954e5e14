/*
 * GNTTABOP_copy: hv copies bytes between two frames, each named either by
 * a grant (another domain's, or the caller's own, that the caller may
 * use) or by the caller's own machine frame.  For the duration of the
 * copy each side holds what a mapping would: a pin on the grant (so it
 * cannot be revoked) and a general reference on the frame, plus a
 * PGT_writable reference on the destination (so a page table or
 * descriptor page is never written).
 */
#include <hv/lib.h>
#include "grant_table_private.h"

struct copy_side {
    mfn_t frame;
    bool writable;
    bool pinned;
    struct pin pin;
};

static s16 claim(struct domain *curd, const struct gnttab_copy_ptr *ptr,
                 bool is_gref, bool writable, struct copy_side *s)
{
    struct domain *rd;
    s16 rc;

    s->writable = writable;
    s->pinned = is_gref;
    if (!is_gref) {
        /* Frames are named directly only by their owner. */
        if (ptr->domid != DOMID_SELF && ptr->domid != curd->domain_id)
            return GNTST_permission_denied;
        s->frame = ptr->u.gmfn;
        return gnttab_get_frame(s->frame, curd, writable);
    }

    rd = gnttab_granter(curd, ptr->domid);
    if (rd == NULL)
        return GNTST_bad_domain;
    if (ptr->u.ref >= nr_grant_entries(rd->grant_table))
        return GNTST_bad_gntref;
    rc = gnttab_pin(rd, ptr->u.ref, curd->domain_id, !writable, 1, &s->pin);
    if (rc)
        return rc;
    s->frame = s->pin.frame;
    rc = gnttab_get_frame(s->frame, rd, writable);
    if (rc)
        gnttab_pin_undo(&s->pin);
    return rc;
}

static void release(const struct copy_side *s)
{
    gnttab_put_frame(s->frame, s->writable);
    if (s->pinned)
        gnttab_unpin(s->pin.granter, s->pin.ref, !s->writable, 1);
}

s16 gnttab_copy(struct domain *curd, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    s16 rc;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_bad_copy_arg;
    if (op->source.offset + op->len > PAGE_SIZE ||
        op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    /* As in Xen, an empty copy succeeds without looking at either side. */
    if (op->len == 0)
        return GNTST_okay;

    rc = claim(curd, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (rc)
        return rc;
    rc = claim(curd, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (rc) {
        release(&src);
        return rc;
    }
    memmove((char *)mfn_to_virt(dst.frame) + op->dest.offset,
            (const char *)mfn_to_virt(src.frame) + op->source.offset, op->len);
    release(&dst);
    release(&src);
    return GNTST_okay;
}
