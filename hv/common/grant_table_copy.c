/*
 * GNTTABOP_copy: hv copies bytes between two frames, each named either by
 * a grant (another domain's, or the caller's own, that the caller may
 * use) or, with DOMID_SELF, by the caller's own machine frame.  For the
 * duration of the copy each side holds what a mapping would: a pin on
 * the grant (so it cannot be revoked) and a general reference on the
 * frame, plus a PGT_writable reference on the destination (so a page
 * table or descriptor page is never written).
 *
 * The checks come in Xen's order: both sides' domains, the source's
 * grant or frame, the destination's, and only then the offsets and
 * length.  Unknown flag bits are ignored, as in Xen.  A refused copy
 * gives back what it took exactly as it was (gnttab_pin_undo).
 */
#include <hv/lib.h>
#include "grant_table_private.h"

struct copy_side {
    struct domain *d;       /* the granter, or the caller for a frame */
    mfn_t frame;
    bool writable;
    bool pinned;
    struct pin pin;
};

/* The domain a side names; a frame may only be named with DOMID_SELF. */
static s16 side_domain(struct domain *curd, const struct gnttab_copy_ptr *ptr,
                       bool is_gref, struct copy_side *s)
{
    if (!is_gref && ptr->domid != DOMID_SELF)
        return GNTST_permission_denied;
    s->d = gnttab_granter(curd, ptr->domid);
    return s->d ? GNTST_okay : GNTST_bad_domain;
}

static s16 claim(domid_t user, const struct gnttab_copy_ptr *ptr, bool is_gref,
                 bool writable, struct copy_side *s)
{
    s16 rc;

    s->writable = writable;
    s->pinned = is_gref;
    if (!is_gref) {
        s->frame = ptr->u.gmfn;
        return gnttab_get_frame(s->frame, s->d, writable);
    }
    if (ptr->u.ref >= nr_grant_entries(s->d->grant_table))
        return GNTST_bad_gntref;
    rc = gnttab_pin(s->d, ptr->u.ref, user, !writable, 1, &s->pin);
    if (rc)
        return rc;
    s->frame = s->pin.frame;
    rc = gnttab_get_frame(s->frame, s->d, writable);
    if (rc)
        gnttab_pin_undo(&s->pin);
    return rc;
}

/* Gives a side back after the copy (unpin: the flags follow the pins). */
static void release(const struct copy_side *s)
{
    gnttab_put_frame(s->frame, s->writable);
    if (s->pinned)
        gnttab_unpin(s->pin.granter, s->pin.ref, !s->writable, 1);
}

/* Gives a side back when the copy is refused: exactly as it was. */
static void undo(const struct copy_side *s)
{
    gnttab_put_frame(s->frame, s->writable);
    if (s->pinned)
        gnttab_pin_undo(&s->pin);
}

s16 gnttab_copy(struct domain *curd, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    s16 rc;

    if ((rc = side_domain(curd, &op->source, op->flags & GNTCOPY_source_gref,
                          &src)) ||
        (rc = side_domain(curd, &op->dest, op->flags & GNTCOPY_dest_gref, &dst)))
        return rc;
    rc = claim(curd->domain_id, &op->source, op->flags & GNTCOPY_source_gref,
               false, &src);
    if (rc)
        return rc;
    rc = claim(curd->domain_id, &op->dest, op->flags & GNTCOPY_dest_gref,
               true, &dst);
    if (rc) {
        undo(&src);
        return rc;
    }
    if (op->source.offset + op->len > PAGE_SIZE ||
        op->dest.offset + op->len > PAGE_SIZE) {
        undo(&dst);
        undo(&src);
        return GNTST_bad_copy_arg;
    }
    memmove((char *)mfn_to_virt(dst.frame) + op->dest.offset,
            (const char *)mfn_to_virt(src.frame) + op->source.offset, op->len);
    release(&dst);
    release(&src);
    return GNTST_okay;
}
