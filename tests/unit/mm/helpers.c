#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/guest_access.h>
#include "helpers.h"

mfn_t new_frame(struct domain *d)
{
    struct page_info *pg = alloc_domheap_pages(d, 0);

    ck_assert_ptr_nonnull(pg);
    return page_to_mfn(pg);
}

pte_t *table(mfn_t mfn)
{
    return mfn_to_virt(mfn);
}

static void run_as(struct domain *d)
{
    sim_current = d->vcpu[0];
}

long mmu_batch(struct domain *d, const struct mmu_update *reqs,
               unsigned int count, unsigned int *done)
{
    long rc;

    run_as(d);
    memcpy(sim_guest_ptr(G_REQS), reqs, count * sizeof(*reqs));
    *(unsigned int *)sim_guest_ptr(G_DONE) = 0xdead;
    rc = do_mmu_update(G_REQS, count, G_DONE, DOMID_SELF);
    if (done)
        *done = *(unsigned int *)sim_guest_ptr(G_DONE);
    return rc;
}

long mmu(struct domain *d, u64 ptr, u64 val, unsigned int foreigndom)
{
    struct mmu_update req = { ptr, val };

    run_as(d);
    memcpy(sim_guest_ptr(G_REQS), &req, sizeof(req));
    return do_mmu_update(G_REQS, 1, 0, foreigndom);
}

long ext_fd(struct domain *d, unsigned int cmd, u64 arg1, u64 arg2,
            unsigned int foreigndom)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    run_as(d);
    memcpy(sim_guest_ptr(G_REQS), &op, sizeof(op));
    return do_mmuext_op(G_REQS, 1, 0, foreigndom);
}

long ext(struct domain *d, unsigned int cmd, u64 arg1, u64 arg2)
{
    return ext_fd(d, cmd, arg1, arg2, DOMID_SELF);
}

long uvm(struct domain *d, u64 va, u64 val, u64 flags)
{
    run_as(d);
    return do_update_va_mapping(va, val, flags);
}

void build_as(struct domain *d, struct guest_as *as, unsigned int nr_data)
{
    const u64 upper = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;

    as->l4 = new_frame(d);
    as->l3 = new_frame(d);
    as->l2 = new_frame(d);
    as->l1 = new_frame(d);
    as->nr_data = nr_data;
    table(as->l4)[pt_index(4, GUEST_VA_DATA)] = pte_from_mfn(as->l3, upper);
    table(as->l3)[pt_index(3, GUEST_VA_DATA)] = pte_from_mfn(as->l2, upper);
    table(as->l2)[pt_index(2, GUEST_VA_DATA)] = pte_from_mfn(as->l1, upper);
    for (unsigned int i = 0; i < nr_data; i++) {
        as->data[i] = new_frame(d);
        table(as->l1)[pt_index(1, GUEST_VA_DATA) + i] =
            pte_from_mfn(as->data[i], _PAGE_PRESENT | _PAGE_RW);
    }
    /* The guest sees its own tables read-only (as Linux maps them). */
    table(as->l1)[pt_index(1, GUEST_VA_TABLES) + 0] =
        pte_from_mfn(as->l4, _PAGE_PRESENT);
    table(as->l1)[pt_index(1, GUEST_VA_TABLES) + 1] =
        pte_from_mfn(as->l3, _PAGE_PRESENT);
    table(as->l1)[pt_index(1, GUEST_VA_TABLES) + 2] =
        pte_from_mfn(as->l2, _PAGE_PRESENT);
    table(as->l1)[pt_index(1, GUEST_VA_TABLES) + 3] =
        pte_from_mfn(as->l1, _PAGE_PRESENT);
}

void snapshot_take(struct ft_snapshot *s)
{
    s->pages = malloc(max_mfn * sizeof(struct page_info));
    memcpy(s->pages, frame_table, max_mfn * sizeof(struct page_info));
    s->free = free_frames();
}

bool snapshot_same(const struct ft_snapshot *s)
{
    return s->free == free_frames() &&
           memcmp(s->pages, frame_table,
                  max_mfn * sizeof(struct page_info)) == 0;
}

void snapshot_drop(struct ft_snapshot *s)
{
    free(s->pages);
    s->pages = NULL;
}

/* --- the independent checker --- */

static char why[256];

#define FAIL(...) do { snprintf(why, sizeof(why), __VA_ARGS__); return why; } while (0)

const char *(*check_extra_refs)(ref_recorder record);

static u32 *want_count, *want_type;
static u8 *want_kind;   /* enum page_type the references imply, 0 if none */

static const char *expect(mfn_t mfn, unsigned int kind, const char *from)
{
    if (mfn >= max_mfn)
        FAIL("%s references mfn %#lx beyond max_mfn", from, (unsigned long)mfn);
    want_count[mfn]++;
    if (kind == PGT_none)
        return NULL;
    if (want_kind[mfn] != PGT_none && want_kind[mfn] != kind)
        FAIL("mfn %#lx referenced as type %u and %u", (unsigned long)mfn,
             want_kind[mfn], kind);
    want_kind[mfn] = kind;
    want_type[mfn]++;
    return NULL;
}

static const char *scan_table(mfn_t mfn)
{
    const struct page_info *pg = mfn_to_page(mfn);
    unsigned int level = pgt_level(pg->type);
    const pte_t *t = table(mfn);
    const char *err;

    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        pte_t e = t[i];
        mfn_t target;

        if (level == 4 && i >= HV_FIRST_L4_SLOT &&
            i < HV_FIRST_L4_SLOT + HV_NR_L4_SLOTS) {
            if (e != sim_root_l4[i] && !(i == HV_FIRST_L4_SLOT && e == 0))
                FAIL("L4 %#lx hv slot %u is %#lx", (unsigned long)mfn, i,
                     (unsigned long)e);
            continue;
        }
        if (!(e & _PAGE_PRESENT))
            continue;
        if (!(e & _PAGE_USER))
            FAIL("L%u %#lx slot %u lacks _PAGE_USER", level,
                 (unsigned long)mfn, i);
        target = pte_mfn(e);
        if (level > 1) {
            if (e & (_PAGE_PSE | _PAGE_PWT | _PAGE_PCD | _PAGE_GLOBAL))
                FAIL("L%u %#lx slot %u has bad flags %#lx", level,
                     (unsigned long)mfn, i, (unsigned long)e);
            if (target < max_mfn && mfn_to_page(target)->owner != pg->owner)
                FAIL("L%u %#lx slot %u points at another owner's table",
                     level, (unsigned long)mfn, i);
            err = expect(target, PGT_level(level - 1), "table entry");
        } else {
            if (e & (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT))
                FAIL("L1 %#lx slot %u has cache bits", (unsigned long)mfn, i);
            err = expect(target, (e & _PAGE_RW) ? PGT_writable : PGT_none,
                         "L1 entry");
        }
        if (err)
            return err;
    }
    return NULL;
}

const char *check_invariants(void)
{
    const char *err = NULL;
    u64 nfree = 0;

    want_count = calloc(max_mfn, sizeof(*want_count));
    want_type = calloc(max_mfn, sizeof(*want_type));
    want_kind = calloc(max_mfn, sizeof(*want_kind));

    for (mfn_t mfn = 0; mfn < max_mfn && !err; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);

        if (pg->state == PGS_free)
            nfree++;
        if ((pg->type_count == 0) != (pg->type == PGT_none)) {
            snprintf(why, sizeof(why), "mfn %#lx type %u count %u",
                     (unsigned long)mfn, pg->type, pg->type_count);
            err = why;
        } else if ((pg->flags & PGF_validated) &&
                   !(pgt_is_pagetable(pg->type) && pg->type_count > 0)) {
            snprintf(why, sizeof(why), "mfn %#lx validated as type %u",
                     (unsigned long)mfn, pg->type);
            err = why;
        } else if (pgt_is_pagetable(pg->type) && !(pg->flags & PGF_validated)) {
            snprintf(why, sizeof(why), "mfn %#lx typed L%u, not validated",
                     (unsigned long)mfn, pgt_level(pg->type));
            err = why;
        }
        if (err)
            break;
        if (pg->flags & PGF_allocated)
            want_count[mfn]++;
        if (pg->flags & PGF_pinned)
            err = expect(mfn, pg->type, "pin");
        if (!err && (pg->flags & PGF_validated))
            err = scan_table(mfn);
    }
    for (unsigned int i = 0; i < sim_nr_domains() && !err; i++) {
        struct domain *d = sim_domain(i);
        struct page_info *pg;
        u64 listed = 0;

        for (unsigned int v = 0; v < MAX_VIRT_CPUS && !err; v++) {
            if (d->vcpu[v] == NULL)
                continue;
            if (d->vcpu[v]->guest_table)
                err = expect(d->vcpu[v]->guest_table, PGT_l4_page_table,
                             "base pointer");
            if (!err && d->vcpu[v]->guest_table_user)
                err = expect(d->vcpu[v]->guest_table_user, PGT_l4_page_table,
                             "user base pointer");
        }
        list_for_each_entry(pg, &d->page_list, list) {
            listed++;
            if (pg->owner != d || pg->state != PGS_domheap) {
                snprintf(why, sizeof(why), "d%u lists a frame it does not own",
                         d->domain_id);
                err = why;
                break;
            }
        }
        if (!err && listed != d->tot_pages) {
            snprintf(why, sizeof(why), "d%u lists %lu frames, tot_pages %lu",
                     d->domain_id, (unsigned long)listed,
                     (unsigned long)d->tot_pages);
            err = why;
        }
        if (!err && d->tot_pages > d->max_pages) {
            snprintf(why, sizeof(why), "d%u over max_pages", d->domain_id);
            err = why;
        }
    }
    if (!err && check_extra_refs != NULL)
        err = check_extra_refs(expect);
    for (mfn_t mfn = 0; mfn < max_mfn && !err; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);

        if (pg->count != want_count[mfn] || pg->type_count != want_type[mfn]) {
            snprintf(why, sizeof(why),
                     "mfn %#lx count %u (want %u) type_count %u (want %u)",
                     (unsigned long)mfn, pg->count, want_count[mfn],
                     pg->type_count, want_type[mfn]);
            err = why;
        } else if (want_type[mfn] && pg->type != want_kind[mfn]) {
            snprintf(why, sizeof(why), "mfn %#lx is type %u, used as %u",
                     (unsigned long)mfn, pg->type, want_kind[mfn]);
            err = why;
        } else if (want_count[mfn] && pg->state != PGS_domheap) {
            snprintf(why, sizeof(why), "mfn %#lx referenced in state %u",
                     (unsigned long)mfn, pg->state);
            err = why;
        }
    }
    if (!err && nfree != free_frames()) {
        snprintf(why, sizeof(why), "%lu free frames, counter says %lu",
                 (unsigned long)nfree, (unsigned long)free_frames());
        err = why;
    }
    free(want_count);
    free(want_type);
    free(want_kind);
    return err;
}
