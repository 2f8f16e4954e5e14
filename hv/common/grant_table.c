/*
 * Grant tables: creation, growth, limits and destruction of a domain's
 * table.
 *
 * The shared frames are ordinary domheap frames of the domain (they count
 * in tot_pages and against max_pages), so the guest maps them writable
 * with ordinary L1 entries.  The table holds a general and a PGT_writable
 * reference on each: the frame cannot become a page table or descriptor
 * page while hv writes GTF_reading/GTF_writing into it, and it stays
 * allocated even if the guest gives it away.  A table only grows.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include <hv/mm_seam.h>
#include "grant_table_private.h"

struct domain *gnttab_granter(struct domain *curd, domid_t id)
{
    struct domain *d;

    if (id == DOMID_SELF)
        d = curd;
    else
        d = id < DOMID_FIRST_RESERVED ? domain_by_id(id) : NULL;
    if (d == NULL || d->is_dying || d->grant_table == NULL)
        return NULL;
    return d;
}

/* Gives the per-frame arrays room for max frames. */
static int resize_frame_arrays(struct grant_table *gt, unsigned int max)
{
    mfn_t *frames = xzalloc(max * sizeof(*frames));
    struct active_grant **active = xzalloc(max * sizeof(*active));

    if (frames == NULL || active == NULL) {
        xfree(frames);
        xfree(active);
        return -ENOMEM;
    }
    if (gt->nr_frames) {
        memcpy(frames, gt->frames, gt->nr_frames * sizeof(*frames));
        memcpy(active, gt->active, gt->nr_frames * sizeof(*active));
    }
    xfree(gt->frames);
    xfree(gt->active);
    gt->frames = frames;
    gt->active = active;
    gt->max_frames = max;
    return 0;
}

int grant_table_init(struct domain *d)
{
    struct grant_table *gt;

    if (d->grant_table != NULL)
        return -EEXIST;
    gt = xzalloc(sizeof(*gt));
    if (gt == NULL)
        return -ENOMEM;
    gt->d = d;
    gt->max_maptrack = GNTTAB_DEFAULT_MAX_MAPTRACK;
    gt->maptrack_free = MAPTRACK_NONE;
    for (unsigned int i = 0; i < GNTTAB_PTE_HASH; i++)
        gt->pte_hash[i] = MAPTRACK_NONE;
    if (resize_frame_arrays(gt, GNTTAB_DEFAULT_MAX_FRAMES)) {
        xfree(gt);
        return -ENOMEM;
    }
    grant_lock();
    d->grant_table = gt;
    grant_unlock();
    return 0;
}

int grant_table_set_limits(struct domain *d, unsigned int max_frames,
                           unsigned int max_maptrack)
{
    struct grant_table *gt;
    int rc = 0;

    grant_lock();
    gt = d->grant_table;
    if (gt == NULL || max_frames == 0 || max_frames > GNTTAB_MAX_FRAMES_LIMIT ||
        max_frames < gt->nr_frames || max_maptrack > GNTTAB_MAX_MAPTRACK_LIMIT ||
        max_maptrack < gt->maptrack_size)
        rc = -EINVAL;
    else if (max_frames != gt->max_frames)
        rc = resize_frame_arrays(gt, max_frames);
    if (rc == 0)
        gt->max_maptrack = max_maptrack;
    grant_unlock();
    return rc;
}

/* Drops the table's hold on its frame idx (the guest may still use it). */
static void release_frame(struct grant_table *gt, unsigned int idx)
{
    xfree(gt->active[idx]);
    gt->active[idx] = NULL;
    put_page_and_type(mfn_to_page(gt->frames[idx]));
}

/* Grows gt to nr frames (lock held); on failure nothing changed. */
int gnttab_grow(struct grant_table *gt, unsigned int nr)
{
    struct domain *d = gt->d;
    unsigned int old = gt->nr_frames;

    if (nr <= old)
        return 0;
    if (nr > gt->max_frames)
        return -EINVAL;
    /* Checked up front so that a refusal never half-grows the table. */
    if (d->is_dying || d->tot_pages + (nr - old) > d->max_pages)
        return -ENOMEM;

    while (gt->nr_frames < nr) {
        unsigned int i = gt->nr_frames;
        struct page_info *pg = alloc_domheap_pages(d, 0);

        gt->active[i] = xzalloc(GNTTAB_PER_FRAME * sizeof(struct active_grant));
        if (pg == NULL || gt->active[i] == NULL ||
            get_page_and_type(pg, d, PGT_writable)) {
            xfree(gt->active[i]);
            gt->active[i] = NULL;
            if (pg != NULL)
                free_domheap_pages(pg, 0);
            while (gt->nr_frames > old) {
                i = --gt->nr_frames;
                release_frame(gt, i);
                free_domheap_pages(mfn_to_page(gt->frames[i]), 0);
            }
            return -ENOMEM;
        }
        gt->frames[i] = page_to_mfn(pg);
        gt->nr_frames++;
    }
    return 0;
}

int grant_table_frame(struct domain *d, unsigned int idx, mfn_t *mfn)
{
    int rc;

    grant_lock();
    if (d->grant_table == NULL)
        rc = -EINVAL;
    else if (idx >= d->grant_table->max_frames)
        rc = -EINVAL;
    else
        rc = gnttab_grow(d->grant_table, idx + 1);
    if (rc == 0)
        *mfn = d->grant_table->frames[idx];
    grant_unlock();
    return rc;
}

unsigned int grant_table_nr_frames(struct domain *d)
{
    unsigned int nr;

    grant_lock();
    nr = d->grant_table ? d->grant_table->nr_frames : 0;
    grant_unlock();
    return nr;
}

unsigned int grant_table_max_frames(struct domain *d)
{
    unsigned int nr;

    grant_lock();
    nr = d->grant_table ? d->grant_table->max_frames : 0;
    grant_unlock();
    return nr;
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt;

    grant_lock();
    gt = d->grant_table;
    if (gt != NULL) {
        gnttab_release_mappings(d);
        /* Others' mappings of d's grants now skip the granter's side. */
        d->grant_table = NULL;
        for (unsigned int i = 0; i < gt->nr_frames; i++)
            release_frame(gt, i);
        gnttab_maptrack_free(gt);
        xfree(gt->frames);
        xfree(gt->active);
        xfree(gt);
    }
    grant_unlock();
}
