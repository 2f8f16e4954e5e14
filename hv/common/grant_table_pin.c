/*
 * Pinning grants: the granter's active entry and the GTF_reading /
 * GTF_writing flags of its shared entry.
 *
 * The first pin checks the shared entry (GTF_permit_access for the user
 * domain) and sets GTF_reading (and GTF_writing for a writable pin) with a
 * compare-exchange on the entry's flags/domid word, then reads the frame.
 * The granter revokes a grant by compare-exchanging the flags to 0 only
 * while GTF_reading and GTF_writing are clear, so once the exchange has
 * succeeded the entry cannot be revoked until the last pin goes, and the
 * frame captured then is the one every later pin uses: whatever the guest
 * writes into a pinned entry afterwards, hv only ever clears the bits it
 * set.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include "grant_table_private.h"

/* A guest rewriting its entry this often is not playing by the rules. */
#define PIN_RETRIES 5

#define ENTRY_FLAGS(w)  ((u16)((w) & 0xffff))
#define ENTRY_DOMID(w)  ((domid_t)((w) >> 16))

s16 gnttab_pin(struct domain *granter, grant_ref_t ref, domid_t user,
               bool readonly, unsigned int nr, struct pin *p)
{
    struct grant_table *gt = granter->grant_table;
    struct active_grant *act = active_entry(gt, ref);
    u32 *word = shared_entry(gt, ref);
    u32 want = GTF_reading | (readonly ? 0 : GTF_writing);
    u32 old = __atomic_load_n(word, __ATOMIC_ACQUIRE), new;

    if (act->pins && act->domid != user)
        return GNTST_general_error;

    for (unsigned int tries = 0;; tries++) {
        u16 flags = ENTRY_FLAGS(old);

        if (!act->pins && ((flags & GTF_type_mask) != GTF_permit_access ||
                           ENTRY_DOMID(old) != user))
            return GNTST_general_error;
        if (!readonly && (flags & GTF_readonly))
            return GNTST_general_error;
        new = old | want;
        if (new == old)
            break;
        if (__atomic_compare_exchange_n(word, &old, new, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
            break;
        if (tries == PIN_RETRIES)
            return GNTST_general_error;
    }

    p->granter = granter;
    p->ref = ref;
    p->readonly = readonly;
    p->nr = nr;
    p->added = (u16)(new & ~old);
    if (act->pins == 0) {
        /* The entry is ours now: its frame can no longer change legally. */
        act->domid = user;
        act->frame = __atomic_load_n(word + 1, __ATOMIC_ACQUIRE);
    }
    act->pins += nr;
    if (!readonly)
        act->write_pins += nr;
    p->frame = act->frame;
    return GNTST_okay;
}

void gnttab_pin_undo(const struct pin *p)
{
    struct grant_table *gt = p->granter->grant_table;
    struct active_grant *act = active_entry(gt, p->ref);

    act->pins -= p->nr;
    if (!p->readonly)
        act->write_pins -= p->nr;
    if (p->added)
        __atomic_fetch_and(shared_entry(gt, p->ref), ~(u32)p->added,
                           __ATOMIC_SEQ_CST);
}

void gnttab_unpin(struct domain *granter, grant_ref_t ref, bool readonly,
                  unsigned int nr)
{
    struct grant_table *gt = granter->grant_table;
    struct active_grant *act;
    u32 clear = 0;

    /* The granter died and its table went: nothing left to tell it. */
    if (gt == NULL)
        return;
    act = active_entry(gt, ref);
    ASSERT(act->pins >= nr && (readonly || act->write_pins >= nr));
    act->pins -= nr;
    if (!readonly)
        act->write_pins -= nr;
    if (act->write_pins == 0)
        clear |= GTF_writing;
    if (act->pins == 0)
        clear |= GTF_reading;
    if (clear)
        __atomic_fetch_and(shared_entry(gt, ref), ~clear, __ATOMIC_SEQ_CST);
}

s16 gnttab_get_frame(mfn_t frame, struct domain *owner, bool writable)
{
    struct page_info *pg;
    int rc;

    if (!mfn_valid(frame))
        return GNTST_bad_page;
    pg = mfn_to_page(frame);
    rc = get_page(pg, owner);
    if (rc)
        return rc == -EOVERFLOW ? GNTST_general_error : GNTST_bad_page;
    /* A page table or descriptor page is never writable (-EBUSY). */
    if (writable && get_page_type(pg, PGT_writable)) {
        put_page(pg);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

void gnttab_put_frame(mfn_t frame, bool writable)
{
    struct page_info *pg = mfn_to_page(frame);

    if (writable)
        put_page_type(pg);
    put_page(pg);
}
