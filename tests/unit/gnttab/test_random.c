/*
 * Randomised grant operations across three domains, with a fixed seed:
 * grants, revocations, entries rewritten while mapped, maps and unmaps in
 * every form, PTEs overwritten, L1 tables devalidated, frames turned into
 * page tables, copies.  A model predicts whether each operation succeeds
 * and what hv's maptracks hold; after every step hv must agree with the
 * model and satisfy every invariant (references equal mappings found, no
 * writable mapping of a page table, flags equal live pins), and every
 * refused operation must have changed nothing.
 */
#include <string.h>
#include "gnt_helpers.h"
#include "gnt_suites.h"

#define NDOM      3
#define FIRST_REF 8
#define NREF      16
#define NSLOT     12
#define MAXH      256
#define OPS       3000

static u64 rng = 0x2545f4914f6cdd1dUL;

static u64 rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned int pick(unsigned int n)
{
    return rnd() % n;
}

struct model_map {
    bool live;
    int granter;            /* index into dom[] */
    grant_ref_t ref;
    u32 flags;              /* parts left, readonly, contains_pte */
    mfn_t frame;
    paddr_t pte_ma;
};

static struct gdom dom[NDOM];
static mfn_t spare[NDOM];          /* granted; sometimes pinned as an L1 */
static bool spare_pinned[NDOM];
static mfn_t extra_l1[NDOM];       /* a pinned-or-not L1 for contains_pte */
static bool extra_pinned[NDOM];
static struct model_map maps[NDOM][MAXH];
static u64 baseline_free;

static domid_t id_of(int i)
{
    return (domid_t)(i + 1);
}

static int index_of(domid_t id)
{
    return id >= 1 && id <= NDOM ? id - 1 : -1;
}

/* --- the model's view of pins --- */

static unsigned int pins_of(int g, grant_ref_t ref, int *holder,
                            unsigned int *write_pins)
{
    unsigned int pins = 0;

    *write_pins = 0;
    for (int m = 0; m < NDOM; m++)
        for (unsigned int h = 0; h < MAXH; h++) {
            const struct model_map *mm = &maps[m][h];
            unsigned int parts;

            if (!mm->live || mm->granter != g || mm->ref != ref)
                continue;
            parts = !!(mm->flags & GNTMAP_host_map) +
                    !!(mm->flags & GNTMAP_device_map);
            pins += parts;
            if (!(mm->flags & GNTMAP_readonly))
                *write_pins += parts;
            *holder = m;
        }
    return pins;
}

static mfn_t captured_frame(int g, grant_ref_t ref)
{
    for (int m = 0; m < NDOM; m++)
        for (unsigned int h = 0; h < MAXH; h++)
            if (maps[m][h].live && maps[m][h].granter == g &&
                maps[m][h].ref == ref)
                return maps[m][h].frame;
    ck_abort_msg("no mapping of d%u ref %u", id_of(g), ref);
    return 0;
}

/* --- predictions --- */

static bool frame_usable(mfn_t frame, int owner, bool writable)
{
    const struct page_info *pg;

    if (!mfn_valid(frame))
        return false;
    pg = mfn_to_page(frame);
    if (pg->state != PGS_domheap || pg->owner != dom[owner].d)
        return false;
    return !writable || pg->type == PGT_none || pg->type == PGT_writable;
}

/*
 * Whether user m may pin (g, ref), and with which frame.  held names a pin
 * the same operation already holds (a copy's source, before its
 * destination), with the frame it captured.
 */
static bool can_pin(int m, int g, grant_ref_t ref, bool readonly,
                    const int *held, mfn_t held_frame, mfn_t *frame)
{
    grant_entry_v1_t *e = gentry(dom[g].d, ref);
    int holder = -1;
    unsigned int wp;

    if (pins_of(g, ref, &holder, &wp)) {
        if (holder != m)
            return false;
        *frame = captured_frame(g, ref);
    } else if (held != NULL && held[0] == g && held[1] == (int)ref) {
        *frame = held_frame;
    } else {
        if ((e->flags & GTF_type_mask) != GTF_permit_access ||
            e->domid != id_of(m))
            return false;
        *frame = e->frame;
    }
    return readonly || !(e->flags & GTF_readonly);
}

/* The L1 entry a map/unmap address names, or 0 (refused). */
static paddr_t locate(int m, u64 addr, u32 flags)
{
    if (flags & GNTMAP_contains_pte) {
        mfn_t l1 = addr >> PAGE_SHIFT;

        if (addr & 7)
            return 0;
        if (l1 == dom[m].as.l1 || (l1 == extra_l1[m] && extra_pinned[m]))
            return addr;
        return 0;
    }
    for (unsigned int s = FREE_SLOT0; s < FREE_SLOT0 + NSLOT; s++)
        if (addr == GVA(s))
            return pte_ma(dom[m].as.l1, s);
    return 0;
}

/* --- random arguments --- */

static int any_granter(void)
{
    return pick(20) ? (int)pick(NDOM) : 6;   /* 6: d7, which does not exist */
}

static grant_ref_t any_ref(void)
{
    return pick(40) ? FIRST_REF + pick(NREF) : GNTTAB_PER_FRAME + pick(4);
}

/* Mostly a grant m may use (so that operations succeed), else anything. */
static void any_grant(int m, int *g, grant_ref_t *ref)
{
    int cand[NDOM * NREF][2], n = 0;

    for (int i = 0; i < NDOM; i++)
        for (grant_ref_t r = FIRST_REF; r < FIRST_REF + NREF; r++) {
            grant_entry_v1_t *e = gentry(dom[i].d, r);

            if ((e->flags & GTF_type_mask) == GTF_permit_access &&
                e->domid == id_of(m)) {
                cand[n][0] = i;
                cand[n++][1] = r;
            }
        }
    if (n == 0 || pick(5) == 0) {
        *g = any_granter();
        *ref = any_ref();
        return;
    }
    n = pick(n);
    *g = cand[n][0];
    *ref = cand[n][1];
}

static u64 any_host_addr(int m, u32 *flags)
{
    unsigned int s = FREE_SLOT0 + pick(NSLOT);

    switch (pick(12)) {
    case 0:
        return 0xffff830000000000UL;                /* hv hole */
    case 1:
        return 0x40000000UL;                        /* no L1 there */
    case 2:
    case 3:
    case 4:
        *flags |= GNTMAP_contains_pte;
        return pte_ma(dom[m].as.l1, s);
    case 5:
    case 6:
        *flags |= GNTMAP_contains_pte;
        return pte_ma(extra_l1[m], pick(8));
    case 7:
        *flags |= GNTMAP_contains_pte;
        return pte_ma(pick(2) ? dom[m].as.data[0] : dom[m].as.l1, s) + pick(2) * 4;
    default:
        return GVA(s);
    }
}

static mfn_t any_frame(int g)
{
    switch (pick(16)) {
    case 0:
        return dom[g].as.l1;
    case 1:
        return dom[pick(NDOM)].as.data[0];
    case 2:
        return max_mfn + pick(5);
    case 3:
    case 4:
        return spare[g];
    default:
        return dom[g].as.data[pick(4)];
    }
}

/* --- hv state against the model --- */

/* Check records every passing assertion: hot loops only assert failures. */
#define REQUIRE(c, ...) do { if (!(c)) ck_abort_msg(__VA_ARGS__); } while (0)

static void agree(void)
{
    for (int m = 0; m < NDOM; m++) {
        struct grant_table *gt = dom[m].d->grant_table;

        REQUIRE(gt->maptrack_size <= MAXH, "d%u maptrack grew to %u", id_of(m),
                gt->maptrack_size);
        for (unsigned int h = 0; h < MAXH; h++) {
            const struct model_map *mm = &maps[m][h];
            const struct grant_mapping *mt =
                h < gt->maptrack_size ? &gt->maptrack[h] : NULL;
            bool in_use = mt != NULL && mt->flags != 0;

            REQUIRE(in_use == mm->live, "d%u handle %u: hv %d model %d",
                    id_of(m), h, in_use, mm->live);
            if (!in_use)
                continue;
            REQUIRE(mt->granter == dom[mm->granter].d && mt->ref == mm->ref &&
                    mt->flags == mm->flags && mt->frame == mm->frame &&
                    (!(mm->flags & GNTMAP_host_map) || mt->pte_ma == mm->pte_ma),
                    "d%u handle %u: hv d%u ref %u flags %#x frame %#lx pte %#lx, "
                    "model d%u ref %u flags %#x frame %#lx pte %#lx", id_of(m), h,
                    mt->granter->domain_id, mt->ref, mt->flags,
                    (unsigned long)mt->frame, (unsigned long)mt->pte_ma,
                    id_of(mm->granter), mm->ref, mm->flags,
                    (unsigned long)mm->frame, (unsigned long)mm->pte_ma);
        }
    }
    ck_gnt_invariants();
}

/* The host part at pte_ma (if any mapping has one there) is gone. */
static void host_part_gone(paddr_t pte_ma)
{
    for (int m = 0; m < NDOM; m++)
        for (unsigned int h = 0; h < MAXH; h++) {
            struct model_map *mm = &maps[m][h];

            if (!mm->live || !(mm->flags & GNTMAP_host_map) ||
                mm->pte_ma != pte_ma)
                continue;
            mm->flags &= ~GNTMAP_host_map;
            if (!(mm->flags & GNTMAP_device_map))
                mm->live = false;
        }
}

static unsigned int live_maps(int m)
{
    unsigned int n = 0;

    for (unsigned int h = 0; h < MAXH; h++)
        n += maps[m][h].live;
    return n;
}

/* --- operations --- */

static void op_grant(void)
{
    int g = pick(NDOM);
    grant_ref_t ref = FIRST_REF + pick(NREF);
    grant_entry_v1_t *e = gentry(dom[g].d, ref);

    /* A well-behaved granter only rewrites entries not in use. */
    if (e->flags & (GTF_reading | GTF_writing))
        return;
    grant(dom[g].d, ref, pick(10) ? id_of(pick(NDOM)) : 7, any_frame(g), pick(2));
}

static void op_revoke(void)
{
    int g = pick(NDOM), holder;
    grant_ref_t ref = FIRST_REF + pick(NREF);
    unsigned int wp;

    ck_assert(revoke(dom[g].d, ref) == (pins_of(g, ref, &holder, &wp) == 0));
}

/* A granter breaking the protocol: new frame or domid, mostly under a pin. */
static void op_scribble(void)
{
    int g = pick(NDOM);
    grant_ref_t ref = FIRST_REF + pick(NREF);
    grant_entry_v1_t *e;

    for (int m = 0; m < NDOM && pick(5); m++)
        for (unsigned int h = 0; h < MAXH; h++)
            if (maps[m][h].live && pick(3) == 0) {
                g = maps[m][h].granter;
                ref = maps[m][h].ref;
            }
    e = gentry(dom[g].d, ref);
    if (pick(2))
        e->frame = any_frame(g);
    else
        e->domid = id_of(pick(NDOM));
}

static void op_map(void)
{
    int m = pick(NDOM), g;
    grant_ref_t ref;
    u32 flags = 0;
    u64 addr = 0, dev;
    paddr_t pte_ma = 0;
    mfn_t frame = 0;
    grant_handle_t h;
    bool ok, ro = pick(2);
    s16 st;

    switch (pick(8)) {
    case 0:
        flags = GNTMAP_device_map;
        break;
    case 1:
        flags = GNTMAP_device_map | GNTMAP_host_map;
        break;
    default:
        flags = GNTMAP_host_map;
        break;
    }
    any_grant(m, &g, &ref);
    /* Device parts outlive PTEs: keep their number bounded. */
    if ((flags & GNTMAP_device_map) && live_maps(m) > 40)
        return;
    if (ro)
        flags |= GNTMAP_readonly;
    if (flags & GNTMAP_host_map)
        addr = any_host_addr(m, &flags);

    ok = g >= 0 && g < NDOM && ref < GNTTAB_PER_FRAME;
    if (ok && (flags & GNTMAP_host_map))
        ok = (pte_ma = locate(m, addr, flags)) != 0;
    ok = ok && can_pin(m, g, ref, ro, NULL, 0, &frame) &&
         frame_usable(frame, g, !ro);

    if (ok) {
        st = gmap(dom[m].d, id_of(g), ref, addr, flags, &h, &dev);
        ck_assert_int_eq(st, GNTST_okay);
        ck_assert_uint_lt(h, MAXH);
        ck_assert(!maps[m][h].live);
        ck_assert_uint_eq(dev, (u64)frame << PAGE_SHIFT);
        if (flags & GNTMAP_host_map)
            host_part_gone(pte_ma);
        maps[m][h] = (struct model_map){ true, g, ref, flags, frame, pte_ma };
    } else {
        ck_gnt_refused(gmap(dom[m].d, g >= 0 ? id_of(g) : 7, ref, addr, flags,
                            NULL, NULL) == GNTST_okay, 0);
    }
}

static void op_unmap(void)
{
    int m = pick(NDOM);
    unsigned int h = pick(MAXH), live[MAXH], n = 0;
    const struct model_map *mm;
    u64 addr = 0, dev = 0;
    unsigned int parts = 0;
    bool ok;

    /* Mostly a live handle. */
    for (unsigned int i = 0; i < MAXH; i++)
        if (maps[m][i].live)
            live[n++] = i;
    if (n && pick(8))
        h = live[pick(n)];
    mm = &maps[m][h];
    if (mm->live && (mm->flags & GNTMAP_host_map) && pick(8)) {
        if (mm->flags & GNTMAP_contains_pte)
            addr = pick(6) ? mm->pte_ma : mm->pte_ma + 8;
        else
            addr = pick(6) ? GVA((mm->pte_ma & ~PAGE_MASK) / 8)
                           : GVA(FREE_SLOT0 + pick(NSLOT));
    }
    if (mm->live && (mm->flags & GNTMAP_device_map) && pick(8))
        dev = ((u64)mm->frame << PAGE_SHIFT) + (pick(6) ? 0 : PAGE_SIZE);

    ok = mm->live;
    if (ok && addr && (mm->flags & GNTMAP_host_map)) {
        parts |= GNTMAP_host_map;
        ok = locate(m, addr, mm->flags) == mm->pte_ma;
    }
    if (ok && dev && (mm->flags & GNTMAP_device_map)) {
        parts |= GNTMAP_device_map;
        ok = dev == (u64)mm->frame << PAGE_SHIFT;
    }

    if (!ok) {
        ck_gnt_refused(gunmap(dom[m].d, addr, dev, h) == GNTST_okay, 0);
        return;
    }
    ck_assert_int_eq(gunmap(dom[m].d, addr, dev, h), GNTST_okay);
    maps[m][h].flags &= ~parts;
    if (!(maps[m][h].flags & (GNTMAP_host_map | GNTMAP_device_map)))
        maps[m][h].live = false;
}

/* The guest rewrites one of its free L1 entries itself. */
static void op_overwrite(void)
{
    int m = pick(NDOM);
    unsigned int s = FREE_SLOT0 + pick(NSLOT);
    pte_t old = table(dom[m].as.l1)[s], val;

    switch (pick(3)) {
    case 0:
        val = 0;
        break;
    case 1:
        val = pte_from_mfn(dom[m].as.data[pick(4)], _PAGE_PRESENT | _PAGE_RW);
        break;
    default:
        /* Same frame and writability: the mapping stays. */
        val = old ? old ^ 0x200 : 0;
        break;
    }
    ck_assert_int_eq(uvm(dom[m].d, GVA(s), val, 0), 0);
    if (!old || pte_mfn(old) != pte_mfn(val) || !val ||
        (old & _PAGE_RW) != (val & _PAGE_RW))
        host_part_gone(pte_ma(dom[m].as.l1, s));
}

static void op_extra_l1(void)
{
    int m = pick(NDOM);

    if (extra_pinned[m]) {
        ck_assert_int_eq(ext(dom[m].d, MMUEXT_UNPIN_TABLE, extra_l1[m], 0), 0);
        extra_pinned[m] = false;
        for (unsigned int i = 0; i < PT_ENTRIES; i++)
            host_part_gone(pte_ma(extra_l1[m], i));
    } else {
        /* The guest clears what its last use left, then pins it. */
        memset(mfn_to_virt(extra_l1[m]), 0, PAGE_SIZE);
        ck_assert_int_eq(ext(dom[m].d, MMUEXT_PIN_L1_TABLE, extra_l1[m], 0), 0);
        extra_pinned[m] = true;
    }
}

static void op_spare_table(void)
{
    int g = pick(NDOM);
    struct page_info *pg = mfn_to_page(spare[g]);

    if (spare_pinned[g]) {
        ck_assert_int_eq(ext(dom[g].d, MMUEXT_UNPIN_TABLE, spare[g], 0), 0);
        spare_pinned[g] = false;
    } else if (pg->type == PGT_none) {
        memset(mfn_to_virt(spare[g]), 0, PAGE_SIZE);
        ck_assert_int_eq(ext(dom[g].d, MMUEXT_PIN_L1_TABLE, spare[g], 0), 0);
        spare_pinned[g] = true;
    } else {
        ck_refused(ext(dom[g].d, MMUEXT_PIN_L1_TABLE, spare[g], 0), -EINVAL);
    }
}

/* Writes through a live writable host mapping reachable by address. */
static void op_write_through(void)
{
    int m = pick(NDOM);

    for (unsigned int h = 0; h < MAXH; h++) {
        const struct model_map *mm = &maps[m][h];
        unsigned int s = (mm->pte_ma & ~PAGE_MASK) / 8;
        unsigned char *p, v = rnd();

        if (!mm->live || !(mm->flags & GNTMAP_host_map) ||
            (mm->pte_ma >> PAGE_SHIFT) != dom[m].as.l1)
            continue;
        p = guest_va(dom[m].d, GVA(s) + 7, !(mm->flags & GNTMAP_readonly));
        ck_assert_ptr_eq(p, (unsigned char *)mfn_to_virt(mm->frame) + 7);
        if (!(mm->flags & GNTMAP_readonly)) {
            *p = v;
            ck_assert_uint_eq(((unsigned char *)mfn_to_virt(mm->frame))[7], v);
        } else {
            ck_assert_ptr_null(guest_va(dom[m].d, GVA(s), true));
        }
        return;
    }
}

static void copy_side(int m, bool gref, struct gnttab_copy_ptr *p)
{
    if (gref) {
        int g;
        grant_ref_t ref;

        any_grant(m, &g, &ref);
        p->domid = pick(8) || g != m ? (g < NDOM ? id_of(g) : 7) : DOMID_SELF;
        p->u.ref = ref;
        return;
    }
    switch (pick(8)) {
    case 0:
        p->domid = id_of((m + 1) % NDOM);
        p->u.gmfn = dom[(m + 1) % NDOM].as.data[0];
        break;
    case 1:
        p->domid = DOMID_SELF;
        p->u.gmfn = dom[m].as.l1;
        break;
    case 2:
        p->domid = DOMID_SELF;
        p->u.gmfn = dom[(m + 1) % NDOM].as.data[1];
        break;
    default:
        p->domid = pick(2) ? DOMID_SELF : id_of(m);
        p->u.gmfn = dom[m].as.data[pick(4)];
        break;
    }
}

/* Predicts one side of a copy; frame and the pin it takes on success. */
static bool claim(int m, const struct gnttab_copy_ptr *p, bool gref, bool writable,
                  const int *extra_pin, mfn_t extra_frame, mfn_t *frame,
                  int *pin)
{
    int g;

    pin[0] = -1;
    if (!gref) {
        if (p->domid != DOMID_SELF && p->domid != id_of(m))
            return false;
        *frame = p->u.gmfn;
        return frame_usable(*frame, m, writable);
    }
    g = p->domid == DOMID_SELF ? m : index_of(p->domid);
    if (g < 0 || p->u.ref >= GNTTAB_PER_FRAME ||
        !can_pin(m, g, p->u.ref, !writable, extra_pin, extra_frame, frame) ||
        !frame_usable(*frame, g, writable))
        return false;
    pin[0] = g;
    pin[1] = p->u.ref;
    return true;
}

static void op_copy(void)
{
    int m = pick(NDOM), src_pin[2], dst_pin[2];
    struct gnttab_copy op = { 0 };
    mfn_t sf = 0, df = 0;
    unsigned char expect[PAGE_SIZE];
    bool ok;

    op.flags = (pick(2) ? GNTCOPY_source_gref : 0) | (pick(2) ? GNTCOPY_dest_gref : 0);
    copy_side(m, op.flags & GNTCOPY_source_gref, &op.source);
    copy_side(m, op.flags & GNTCOPY_dest_gref, &op.dest);
    op.len = pick(10) ? pick(300) : pick(PAGE_SIZE + 2);
    op.source.offset = op.len <= PAGE_SIZE && pick(10) ?
                       pick(PAGE_SIZE - op.len + 1) : pick(PAGE_SIZE + 1);
    op.dest.offset = op.len <= PAGE_SIZE && pick(10) ?
                     pick(PAGE_SIZE - op.len + 1) : pick(PAGE_SIZE + 1);
    if (pick(30) == 0)
        op.flags |= 4;

    ok = !(op.flags & 4) && op.source.offset + op.len <= PAGE_SIZE &&
         op.dest.offset + op.len <= PAGE_SIZE;
    if (ok && op.len) {
        ok = claim(m, &op.source, op.flags & GNTCOPY_source_gref, false, NULL, 0,
                   &sf, src_pin) &&
             claim(m, &op.dest, op.flags & GNTCOPY_dest_gref, true,
                   src_pin[0] >= 0 ? src_pin : NULL, sf, &df, dst_pin);
    }
    if (!ok) {
        ck_gnt_refused(gcopy(dom[m].d, &op) == GNTST_okay, 0);
        return;
    }
    if (op.len) {
        memcpy(expect, mfn_to_virt(df), PAGE_SIZE);
        memmove(expect + op.dest.offset,
                (char *)mfn_to_virt(sf) + op.source.offset, op.len);
    }
    ck_assert_int_eq(gcopy(dom[m].d, &op), GNTST_okay);
    if (op.len)
        ck_assert_int_eq(memcmp(expect, mfn_to_virt(df), PAGE_SIZE), 0);
}

static void setup(void)
{
    gnt_test_setup();
    baseline_free = free_frames();
    for (int i = 0; i < NDOM; i++) {
        gnt_domain(&dom[i], id_of(i), false, 4);
        spare[i] = new_frame(dom[i].d);
        extra_l1[i] = new_frame(dom[i].d);
        for (unsigned int k = 0; k < 4; k++)
            memset(mfn_to_virt(dom[i].as.data[k]), 16 * i + k, PAGE_SIZE);
    }
}

START_TEST(random_grant_operations)
{
    static void (*const ops[])(void) = {
        op_grant, op_grant, op_grant, op_revoke, op_scribble,
        op_map, op_map, op_map, op_map, op_map, op_map,
        op_unmap, op_unmap, op_unmap, op_unmap,
        op_overwrite, op_extra_l1, op_spare_table, op_write_through,
        op_copy, op_copy, op_copy,
    };
    unsigned int mapped = 0, peak = 0;

    for (unsigned int i = 0; i < OPS; i++) {
        unsigned int live = 0;

        ops[pick(sizeof(ops) / sizeof(ops[0]))]();
        agree();
        for (int m = 0; m < NDOM; m++)
            live += live_maps(m);
        mapped += live > 0;
        peak = max(peak, live);
    }
    /* The mix must actually exercise mappings. */
    ck_assert_uint_gt(mapped, OPS / 2);
    ck_assert_uint_gt(peak, 8);

    /* Everyone dies; every frame comes back. */
    for (int i = 0; i < NDOM; i++) {
        grant_table_destroy(dom[i].d);
        relinquish_domain_memory(dom[i].d);
    }
    for (int i = 0; i < NDOM; i++)
        ck_assert_uint_eq(dom[i].d->tot_pages, 0);
    ck_assert_uint_eq(free_frames(), baseline_free);
    ck_invariants();
}
END_TEST

Suite *gnt_random_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("random");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_grant_operations);
    suite_add_tcase(s, tc);
    return s;
}
