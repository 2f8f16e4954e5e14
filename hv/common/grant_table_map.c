/*
 * Mapping grants: the maptrack (one handle per mapping a domain holds),
 * GNTTABOP_map_grant_ref / unmap_grant_ref, and the ways a mapping ends
 * without an unmap: the guest overwrote its PTE, its L1 table was
 * devalidated, or the mapping domain died.
 *
 * A mapping has up to two parts, each one pin on the granter's active
 * entry:
 *  - host part (GNTMAP_host_map): an L1 entry of the mapper.  The entry
 *    holds the frame's references exactly like any L1 entry (general,
 *    plus PGT_writable if writable), so every rule of the PV MMU applies
 *    to it unchanged.  It is found again by its machine address (pte_ma,
 *    hashed), so that the MMU can report it gone.
 *  - device part (GNTMAP_device_map): the maptrack entry itself holds a
 *    general (plus PGT_writable) reference for the device's sake.
 * Either way the granter's frame is referenced while any part remains, so
 * it stays allocated (and the granter's struct domain stays: see
 * docs/grant-tables.md) even if the granter dies.
 */
#include <hv/lib.h>
#include <hv/errno.h>
#include "grant_table_private.h"

/* --- maptrack --- */

static int maptrack_grow(struct grant_table *gt)
{
    unsigned int old = gt->maptrack_size, size;
    struct grant_mapping *mt;

    if (old >= gt->max_maptrack)
        return -ENOSPC;
    size = min(old ? 2 * old : 16, gt->max_maptrack);
    mt = xmalloc(size * sizeof(*mt));
    if (mt == NULL)
        return -ENOMEM;
    if (old)
        memcpy(mt, gt->maptrack, old * sizeof(*mt));
    for (unsigned int h = size; h-- > old;) {
        mt[h].flags = 0;
        mt[h].next = gt->maptrack_free;
        gt->maptrack_free = h;
    }
    xfree(gt->maptrack);
    gt->maptrack = mt;
    gt->maptrack_size = size;
    return 0;
}

static struct grant_mapping *maptrack_get(struct grant_table *gt,
                                          grant_handle_t *handle)
{
    struct grant_mapping *mt;

    if (gt->maptrack_free == MAPTRACK_NONE && maptrack_grow(gt))
        return NULL;
    *handle = gt->maptrack_free;
    mt = &gt->maptrack[*handle];
    gt->maptrack_free = mt->next;
    gt->maptrack_used++;
    return mt;
}

static void maptrack_put(struct grant_table *gt, grant_handle_t handle)
{
    struct grant_mapping *mt = &gt->maptrack[handle];

    mt->flags = 0;
    mt->next = gt->maptrack_free;
    gt->maptrack_free = handle;
    gt->maptrack_used--;
}

void gnttab_maptrack_free(struct grant_table *gt)
{
    ASSERT(gt->maptrack_used == 0);
    xfree(gt->maptrack);
    gt->maptrack = NULL;
    gt->maptrack_size = 0;
    gt->maptrack_free = MAPTRACK_NONE;
}

/* --- host parts by PTE address --- */

static u32 *pte_bucket(struct grant_table *gt, paddr_t pte_ma)
{
    return &gt->pte_hash[(pte_ma / sizeof(u64)) % GNTTAB_PTE_HASH];
}

static void hash_add(struct grant_table *gt, grant_handle_t handle)
{
    u32 *b = pte_bucket(gt, gt->maptrack[handle].pte_ma);

    gt->maptrack[handle].next = *b;
    *b = handle;
}

static void hash_del(struct grant_table *gt, grant_handle_t handle)
{
    u32 *p = pte_bucket(gt, gt->maptrack[handle].pte_ma);

    while (*p != handle)
        p = &gt->maptrack[*p].next;
    *p = gt->maptrack[handle].next;
}

static u32 hash_find(struct grant_table *gt, paddr_t pte_ma)
{
    u32 h = *pte_bucket(gt, pte_ma);

    while (h != MAPTRACK_NONE && gt->maptrack[h].pte_ma != pte_ma)
        h = gt->maptrack[h].next;
    return h;
}

/* --- ending parts of a mapping --- */

#define MAP_PARTS (GNTMAP_host_map | GNTMAP_device_map)

/*
 * The parts in `parts` are gone (their references dealt with): unpin
 * them and free the handle once nothing is left.
 */
static void parts_gone(struct grant_table *gt, grant_handle_t handle,
                       unsigned int parts)
{
    struct grant_mapping *mt = &gt->maptrack[handle];
    unsigned int nr = !!(parts & GNTMAP_host_map) + !!(parts & GNTMAP_device_map);

    mt->flags &= ~parts;
    gnttab_unpin(mt->granter, mt->ref, mt->flags & GNTMAP_readonly, nr);
    if (!(mt->flags & MAP_PARTS))
        maptrack_put(gt, handle);
}

/* Removes the host part's PTE (TLBs flushed) and its references. */
static void remove_host_part(struct grant_table *gt, grant_handle_t handle)
{
    hash_del(gt, handle);
    grant_pv_remove(gt->maptrack[handle].pte_ma);
}

static void remove_device_part(struct grant_table *gt, grant_handle_t handle)
{
    struct grant_mapping *mt = &gt->maptrack[handle];

    gnttab_put_frame(mt->frame, !(mt->flags & GNTMAP_readonly));
}

void gnttab_host_map_lost(struct domain *d, paddr_t pte_ma)
{
    struct grant_table *gt = d->grant_table;
    u32 h;

    if (gt == NULL || (h = hash_find(gt, pte_ma)) == MAPTRACK_NONE)
        return;
    /* The PTE is gone; its translations must be before the granter
     * learns it may reuse the frame. */
    grant_pv_flush();
    hash_del(gt, h);
    parts_gone(gt, h, GNTMAP_host_map);
}

void gnttab_l1_lost(struct domain *d, mfn_t l1)
{
    struct grant_table *gt = d->grant_table;
    bool flushed = false;

    if (gt == NULL)
        return;
    for (grant_handle_t h = 0; h < gt->maptrack_size; h++) {
        struct grant_mapping *mt = &gt->maptrack[h];

        if (!(mt->flags & GNTMAP_host_map) || (mt->pte_ma >> PAGE_SHIFT) != l1)
            continue;
        if (!flushed) {
            grant_pv_flush();
            flushed = true;
        }
        hash_del(gt, h);
        parts_gone(gt, h, GNTMAP_host_map);
    }
}

void gnttab_release_mappings(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if (gt == NULL)
        return;
    for (grant_handle_t h = 0; h < gt->maptrack_size; h++) {
        unsigned int parts = gt->maptrack[h].flags & MAP_PARTS;

        if (parts & GNTMAP_host_map)
            remove_host_part(gt, h);
        if (parts & GNTMAP_device_map)
            remove_device_part(gt, h);
        if (parts)
            parts_gone(gt, h, parts);
    }
}

/* --- the hypercall operations --- */

s16 gnttab_map(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lgt = ld->grant_table;
    unsigned int flags = op->flags;
    bool readonly = flags & GNTMAP_readonly;
    bool host = flags & GNTMAP_host_map, device = flags & GNTMAP_device_map;
    struct grant_mapping *mt = NULL;
    grant_handle_t handle;
    paddr_t pte_ma = 0;
    struct pin pin;
    s16 rc;

    /* Xen's status for a request that maps nothing. */
    if (!host && !device)
        return GNTST_bad_gntref;
    if ((flags & ~GNTMAP_valid_bits) ||
        (!host && (flags & ~(GNTMAP_device_map | GNTMAP_readonly))))
        return GNTST_general_error;
    rd = gnttab_granter(ld, op->dom);
    if (rd == NULL)
        return GNTST_bad_domain;
    if (op->ref >= nr_grant_entries(rd->grant_table))
        return GNTST_bad_gntref;
    if (host && grant_pv_locate(v, op->host_addr, flags, &pte_ma))
        return GNTST_general_error;

    rc = gnttab_pin(rd, op->ref, ld->domain_id, readonly, host + device, &pin);
    if (rc)
        return rc;
    if (host)
        rc = gnttab_get_frame(pin.frame, rd, !readonly);
    if (rc == GNTST_okay && device) {
        rc = gnttab_get_frame(pin.frame, rd, !readonly);
        if (rc && host)
            gnttab_put_frame(pin.frame, !readonly);
    }
    if (rc == GNTST_okay && (mt = maptrack_get(lgt, &handle)) == NULL) {
        rc = GNTST_no_space;
        if (host)
            gnttab_put_frame(pin.frame, !readonly);
        if (device)
            gnttab_put_frame(pin.frame, !readonly);
    }
    if (rc) {
        gnttab_pin_undo(&pin);
        return rc;
    }

    mt->granter = rd;
    mt->ref = op->ref;
    mt->flags = flags;
    mt->frame = pin.frame;
    mt->pte_ma = pte_ma;
    if (host) {
        /* Installed first: whatever held the slot is released unhashed. */
        grant_pv_install(pte_ma, pin.frame, flags);
        hash_add(lgt, handle);
    }
    op->handle = handle;
    op->dev_bus_addr = (u64)pin.frame << PAGE_SHIFT;
    return GNTST_okay;
}

/*
 * Removes the parts the request names: the host part if host_addr is
 * non-zero (it must lead to the mapping's PTE, in the addressing form the
 * map used), the device part if dev_bus_addr is non-zero (it must be the
 * frame's address).  As in Xen, a part not named stays mapped.
 */
s16 gnttab_unmap(struct vcpu *v, const struct gnttab_unmap_grant_ref *op)
{
    struct grant_table *lgt = v->domain->grant_table;
    struct grant_mapping *mt;
    unsigned int parts = 0;
    paddr_t pte_ma;

    if (op->handle >= lgt->maptrack_size || lgt->maptrack[op->handle].flags == 0)
        return GNTST_bad_handle;
    mt = &lgt->maptrack[op->handle];
    if (op->host_addr && (mt->flags & GNTMAP_host_map))
        parts |= GNTMAP_host_map;
    if (op->dev_bus_addr && (mt->flags & GNTMAP_device_map))
        parts |= GNTMAP_device_map;

    if ((parts & GNTMAP_device_map) &&
        op->dev_bus_addr != (u64)mt->frame << PAGE_SHIFT)
        return GNTST_bad_dev_addr;
    if ((parts & GNTMAP_host_map) &&
        (grant_pv_locate(v, op->host_addr, mt->flags, &pte_ma) ||
         pte_ma != mt->pte_ma))
        return GNTST_general_error;

    if (parts & GNTMAP_host_map)
        remove_host_part(lgt, op->handle);
    if (parts & GNTMAP_device_map)
        remove_device_part(lgt, op->handle);
    if (parts)
        parts_gone(lgt, op->handle, parts);
    return GNTST_okay;
}
