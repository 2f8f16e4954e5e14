#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/guest_access.h>
#include "gnt_helpers.h"
#include "private.h"     /* hv/arch/x86/mm: PGF_grant_l1 */

/* --- the checker's view of references grant tables hold --- */

static const char *grant_extra_refs(ref_recorder record)
{
    const char *err = NULL;

    for (unsigned int i = 0; i < sim_nr_domains() && !err; i++) {
        struct grant_table *gt = sim_domain(i)->grant_table;

        if (gt == NULL)
            continue;
        for (unsigned int f = 0; f < gt->nr_frames && !err; f++)
            err = record(gt->frames[f], PGT_writable, "grant-table frame");
        for (unsigned int h = 0; h < gt->maptrack_size && !err; h++) {
            const struct grant_mapping *mt = &gt->maptrack[h];

            if (mt->flags & GNTMAP_device_map)
                err = record(mt->frame,
                             (mt->flags & GNTMAP_readonly) ? PGT_none
                                                           : PGT_writable,
                             "grant device mapping");
        }
    }
    return err;
}

void gnt_test_setup(void)
{
    sim_init();
    check_extra_refs = grant_extra_refs;
}

void gnt_domain(struct gdom *g, domid_t id, bool privileged,
                unsigned int nr_data)
{
    mfn_t mfn;

    g->d = sim_new_domain(id, 128, privileged);
    build_as(g->d, &g->as, nr_data);
    ck_assert_int_eq(ext(g->d, MMUEXT_PIN_L4_TABLE, g->as.l4, 0), 0);
    ck_assert_int_eq(ext(g->d, MMUEXT_NEW_BASEPTR, g->as.l4, 0), 0);
    ck_assert_int_eq(grant_table_init(g->d), 0);
    ck_assert_int_eq(grant_table_frame(g->d, 0, &mfn), 0);
}

/* --- the guest side --- */

grant_entry_v1_t *gentry(struct domain *d, grant_ref_t ref)
{
    struct grant_table *gt = d->grant_table;

    /* Check logs passing assertions; this is called in hot loops. */
    if (ref >= nr_grant_entries(gt))
        ck_abort_msg("d%u has no grant entry %u", d->domain_id, ref);
    return (grant_entry_v1_t *)mfn_to_virt(gt->frames[ref / GNTTAB_PER_FRAME]) +
           ref % GNTTAB_PER_FRAME;
}

void grant(struct domain *d, grant_ref_t ref, domid_t to, mfn_t frame,
           bool readonly)
{
    grant_entry_v1_t *e = gentry(d, ref);

    e->domid = to;
    e->frame = frame;
    __atomic_store_n(&e->flags,
                     GTF_permit_access | (readonly ? GTF_readonly : 0),
                     __ATOMIC_RELEASE);
}

bool revoke(struct domain *d, grant_ref_t ref)
{
    u16 *flags = &gentry(d, ref)->flags;
    u16 old = __atomic_load_n(flags, __ATOMIC_ACQUIRE);

    do {
        if (old & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(flags, &old, 0, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE));
    return true;
}

/* --- hypercalls --- */

long gop(struct domain *d, unsigned int cmd, void *ops, size_t size,
         unsigned int count)
{
    long rc;

    sim_current = d->vcpu[0];
    memcpy(sim_guest_ptr(G_GOPS), ops, size * count);
    rc = do_grant_table_op(cmd, G_GOPS, count);
    memcpy(ops, sim_guest_ptr(G_GOPS), size * count);
    return rc;
}

s16 gsetup(struct domain *d, domid_t dom, unsigned int nr, u64 *mfns)
{
    struct gnttab_setup_table op = { .dom = dom, .nr_frames = nr,
                                     .status = 0x55, .frame_list = G_FLIST };

    memset(sim_guest_ptr(G_FLIST), 0xee, nr * sizeof(u64));
    ck_assert_int_eq(gop(d, GNTTABOP_setup_table, &op, sizeof(op), 1), 0);
    if (mfns != NULL)
        memcpy(mfns, sim_guest_ptr(G_FLIST), nr * sizeof(u64));
    return op.status;
}

s16 gmap(struct domain *d, domid_t dom, grant_ref_t ref, u64 addr,
         u32 flags, grant_handle_t *handle, u64 *dev_bus_addr)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = addr, .flags = flags, .ref = ref, .dom = dom,
        .status = 0x55, .handle = 0xdeadbeef, .dev_bus_addr = 0xdead,
    };

    ck_assert_int_eq(gop(d, GNTTABOP_map_grant_ref, &op, sizeof(op), 1), 0);
    if (handle != NULL)
        *handle = op.handle;
    if (dev_bus_addr != NULL)
        *dev_bus_addr = op.dev_bus_addr;
    return op.status;
}

s16 gunmap(struct domain *d, u64 addr, u64 dev_bus_addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = {
        .host_addr = addr, .dev_bus_addr = dev_bus_addr, .handle = handle,
        .status = 0x55,
    };

    ck_assert_int_eq(gop(d, GNTTABOP_unmap_grant_ref, &op, sizeof(op), 1), 0);
    return op.status;
}

s16 gcopy(struct domain *d, const struct gnttab_copy *op)
{
    struct gnttab_copy c = *op;

    c.status = 0x55;
    ck_assert_int_eq(gop(d, GNTTABOP_copy, &c, sizeof(c), 1), 0);
    return c.status;
}

/* --- guest address space --- */

void *guest_va(struct domain *d, u64 va, bool write)
{
    mfn_t mfn = d->vcpu[0]->guest_table;
    pte_t e = 0;

    for (unsigned int level = 4; level >= 1; level--) {
        e = table(mfn)[pt_index(level, va)];
        if (!(e & _PAGE_PRESENT) || (write && !(e & _PAGE_RW)))
            return NULL;
        mfn = pte_mfn(e);
    }
    return (char *)mfn_to_virt(mfn) + (va & ~PAGE_MASK);
}

pte_t *l1e_of(struct gdom *g, u64 va)
{
    return &table(g->as.l1)[pt_index(1, va)];
}

/* --- invariants --- */

static char why[256];

#define FAIL(...) do { snprintf(why, sizeof(why), __VA_ARGS__); return why; } while (0)

static unsigned int parts(u32 flags)
{
    return !!(flags & GNTMAP_host_map) + !!(flags & GNTMAP_device_map);
}

static const char *check_host_part(struct domain *d, grant_handle_t h,
                                   const struct grant_mapping *mt)
{
    struct page_info *l1 = mfn_to_page(mt->pte_ma >> PAGE_SHIFT);
    pte_t e = *(pte_t *)maddr_to_virt(mt->pte_ma);
    bool ro = mt->flags & GNTMAP_readonly;

    if (l1->owner != d || l1->type != PGT_l1_page_table ||
        !(l1->flags & PGF_validated))
        FAIL("d%u handle %u: PTE %#lx not in a validated L1 of d%u",
             d->domain_id, h, (unsigned long)mt->pte_ma, d->domain_id);
    if (!(l1->flags & PGF_grant_l1))
        FAIL("d%u handle %u: L1 not marked as holding grant PTEs",
             d->domain_id, h);
    if (!(e & _PAGE_PRESENT) || pte_mfn(e) != mt->frame ||
        !!(e & _PAGE_RW) == ro)
        FAIL("d%u handle %u: PTE %#lx does not map frame %#lx %s",
             d->domain_id, h, (unsigned long)e, (unsigned long)mt->frame,
             ro ? "read-only" : "writable");
    return NULL;
}

static const char *check_granter(struct domain *rd)
{
    struct grant_table *gt = rd->grant_table;

    for (grant_ref_t ref = 0; ref < nr_grant_entries(gt); ref++) {
        const struct active_grant *act = active_entry(gt, ref);
        u32 pins = 0, write_pins = 0;
        u16 flags = gentry(rd, ref)->flags;

        for (unsigned int i = 0; i < sim_nr_domains(); i++) {
            struct domain *ld = sim_domain(i);
            struct grant_table *lgt = ld->grant_table;

            for (unsigned int h = 0; lgt != NULL && h < lgt->maptrack_size; h++) {
                const struct grant_mapping *mt = &lgt->maptrack[h];

                if (!mt->flags || mt->granter != rd || mt->ref != ref)
                    continue;
                if (act->domid != ld->domain_id)
                    FAIL("d%u ref %u pinned for d%u, mapped by d%u",
                         rd->domain_id, ref, act->domid, ld->domain_id);
                if (mt->frame != act->frame)
                    FAIL("d%u ref %u: mapping frame %#lx, active %#lx",
                         rd->domain_id, ref, (unsigned long)mt->frame,
                         (unsigned long)act->frame);
                pins += parts(mt->flags);
                if (!(mt->flags & GNTMAP_readonly))
                    write_pins += parts(mt->flags);
            }
        }
        if (act->pins != pins || act->write_pins != write_pins)
            FAIL("d%u ref %u: pins %u/%u, mappings say %u/%u", rd->domain_id,
                 ref, act->pins, act->write_pins, pins, write_pins);
        if (!!(flags & GTF_reading) != (pins > 0) ||
            !!(flags & GTF_writing) != (write_pins > 0))
            FAIL("d%u ref %u: flags %#x with %u pins (%u writable)",
                 rd->domain_id, ref, flags, pins, write_pins);
    }
    return NULL;
}

/* No writable L1 entry of any validated table maps a non-writable frame. */
static const char *check_no_writable_tables(void)
{
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);

        if (pg->type != PGT_l1_page_table || !(pg->flags & PGF_validated))
            continue;
        for (unsigned int i = 0; i < PT_ENTRIES; i++) {
            pte_t e = table(mfn)[i];

            if ((e & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW) &&
                mfn_to_page(pte_mfn(e))->type != PGT_writable)
                FAIL("L1 %#lx slot %u maps type-%u frame %#lx writable",
                     (unsigned long)mfn, i, mfn_to_page(pte_mfn(e))->type,
                     (unsigned long)pte_mfn(e));
        }
    }
    return NULL;
}

const char *grant_invariants(void)
{
    const char *err = check_invariants();

    if (err)
        return err;
    for (unsigned int i = 0; i < sim_nr_domains(); i++) {
        struct domain *d = sim_domain(i);
        struct grant_table *gt = d->grant_table;
        unsigned int used = 0;

        if (gt == NULL)
            continue;
        for (grant_handle_t h = 0; h < gt->maptrack_size; h++) {
            const struct grant_mapping *mt = &gt->maptrack[h];

            if (!mt->flags)
                continue;
            used++;
            if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map)))
                FAIL("d%u handle %u in use with no part", d->domain_id, h);
            if ((mt->flags & GNTMAP_host_map) &&
                (err = check_host_part(d, h, mt)) != NULL)
                return err;
        }
        if (used != gt->maptrack_used)
            FAIL("d%u: %u handles in use, maptrack_used %u", d->domain_id,
                 used, gt->maptrack_used);
        if ((err = check_granter(d)) != NULL)
            return err;
    }
    return check_no_writable_tables();
}

/* --- snapshots --- */

/* The grant-relevant state, serialised: compare two by their bytes. */
struct bytes {
    unsigned char *p;
    size_t len, cap;
};

static void put(struct bytes *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = 2 * (b->len + n);
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void serialise(struct bytes *b)
{
    b->len = 0;
    for (unsigned int i = 0; i < sim_nr_domains(); i++) {
        struct domain *d = sim_domain(i);
        struct grant_table *gt = d->grant_table;
        struct page_info *pg;

        list_for_each_entry(pg, &d->page_list, list)
            put(b, page_to_virt(pg), PAGE_SIZE);
        if (gt == NULL)
            continue;
        for (grant_ref_t ref = 0; ref < nr_grant_entries(gt); ref++) {
            const struct active_grant *act = active_entry(gt, ref);

            put(b, &act->pins, sizeof(act->pins));
            put(b, &act->write_pins, sizeof(act->write_pins));
        }
        for (grant_handle_t h = 0; h < gt->maptrack_size; h++) {
            struct grant_mapping m = gt->maptrack[h];

            if (m.flags == 0)
                memset(&m, 0, sizeof(m));
            put(b, &m, sizeof(m));
        }
    }
}

struct gnt_snapshot {
    struct ft_snapshot ft;
    struct bytes state;
};

struct gnt_snapshot *gnt_snapshot_take(void)
{
    struct gnt_snapshot *s = calloc(1, sizeof(*s));

    snapshot_take(&s->ft);
    serialise(&s->state);
    return s;
}

bool gnt_snapshot_same(const struct gnt_snapshot *s)
{
    static struct bytes now;

    serialise(&now);
    return snapshot_same(&s->ft) && now.len == s->state.len &&
           memcmp(now.p, s->state.p, now.len) == 0;
}

void gnt_snapshot_drop(struct gnt_snapshot *s)
{
    snapshot_drop(&s->ft);
    free(s->state.p);
    free(s);
}
