/*
 * Domain death on either side of a grant: every reference and frame comes
 * back, the granter's frames outlive it while mapped, nothing is touched
 * after it is freed.
 */
#include <stdlib.h>
#include <string.h>
#include "gnt_helpers.h"
#include "gnt_suites.h"

static struct gdom a, b;
static u64 baseline_free;

#define HOST GNTMAP_host_map
#define RO   GNTMAP_readonly

static void setup(void)
{
    gnt_test_setup();
    baseline_free = free_frames();
    gnt_domain(&a, 1, false, 4);
    gnt_domain(&b, 2, false, 2);
}

/* Every frame's counts, to compare before and after. */
struct counts {
    u32 *count, *type_count;
    u8 *type;
};

static void counts_take(struct counts *c)
{
    c->count = calloc(max_mfn, sizeof(u32));
    c->type_count = calloc(max_mfn, sizeof(u32));
    c->type = calloc(max_mfn, 1);
    for (mfn_t m = 0; m < max_mfn; m++) {
        c->count[m] = mfn_to_page(m)->count;
        c->type_count[m] = mfn_to_page(m)->type_count;
        c->type[m] = mfn_to_page(m)->type;
    }
}

/* The counts of every frame d owns are as in c. */
static void counts_same_for(const struct counts *c, struct domain *d)
{
    struct page_info *pg;

    list_for_each_entry(pg, &d->page_list, list) {
        mfn_t m = page_to_mfn(pg);

        ck_assert_msg(pg->count == c->count[m] &&
                      pg->type_count == c->type_count[m] && pg->type == c->type[m],
                      "mfn %#lx: %u/%u/%u, was %u/%u/%u", (unsigned long)m,
                      pg->count, pg->type_count, pg->type, c->count[m],
                      c->type_count[m], c->type[m]);
    }
    free(c->count);
    free(c->type_count);
    free(c->type);
}

/* b maps a's grants every way there is. */
static void map_everything(void)
{
    grant(a.d, 10, 2, a.as.data[0], false);
    grant(a.d, 11, 2, a.as.data[1], true);
    grant(a.d, 12, 2, a.as.data[2], false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, NULL, NULL), GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 10, pte_ma(b.as.l1, FREE_SLOT0 + 1),
                          HOST | GNTMAP_contains_pte, NULL, NULL), GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 11, GVA(FREE_SLOT0 + 2), HOST | RO, NULL, NULL),
                     GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 12, 0, GNTMAP_device_map, NULL, NULL),
                     GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 12, GVA(FREE_SLOT0 + 3),
                          HOST | GNTMAP_device_map | RO, NULL, NULL), GNTST_okay);
    ck_gnt_invariants();
}

static void all_flags_clear(void)
{
    for (grant_ref_t ref = 10; ref <= 12; ref++)
        ck_assert_uint_eq(gentry(a.d, ref)->flags & (GTF_reading | GTF_writing), 0);
}

static void everything_back(void)
{
    ck_assert_uint_eq(free_frames(), baseline_free);
    for (mfn_t m = 0; m < max_mfn; m++) {
        ck_assert_uint_eq(mfn_to_page(m)->count, 0);
        ck_assert_uint_eq(mfn_to_page(m)->type_count, 0);
    }
    ck_gnt_invariants();
}

START_TEST(mapper_dies_table_first)
{
    struct counts before;

    counts_take(&before);
    map_everything();
    grant_table_destroy(b.d);
    ck_assert_ptr_null(b.d->grant_table);
    all_flags_clear();
    counts_same_for(&before, a.d);
    ck_assert_int_eq(relinquish_domain_memory(b.d), 0);
    ck_assert_uint_eq(b.d->tot_pages, 0);
    ck_gnt_invariants();
    grant_table_destroy(a.d);
    ck_assert_int_eq(relinquish_domain_memory(a.d), 0);
    everything_back();
}
END_TEST

START_TEST(mapper_dies_memory_first)
{
    struct counts before;

    counts_take(&before);
    map_everything();
    /* relinquish undoes b's grant mappings itself, before its tables. */
    ck_assert_int_eq(relinquish_domain_memory(b.d), -EBUSY);
    all_flags_clear();
    counts_same_for(&before, a.d);
    ck_assert_uint_eq(b.d->grant_table->maptrack_used, 0);
    /* Only b's grant-table frame is left, held by its table. */
    ck_assert_uint_eq(b.d->tot_pages, 1);
    grant_table_destroy(b.d);
    ck_assert_uint_eq(b.d->tot_pages, 0);
    ck_gnt_invariants();
    ck_assert_int_eq(relinquish_domain_memory(a.d), -EBUSY);
    grant_table_destroy(a.d);
    everything_back();
}
END_TEST

START_TEST(granter_dies_while_mapped)
{
    mfn_t f = a.as.data[0], g = a.as.data[2];
    grant_handle_t hf, hg;
    u64 dev;
    char *p;

    grant(a.d, 10, 2, f, false);
    grant(a.d, 12, 2, g, true);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &hf, NULL), GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 12, 0, GNTMAP_device_map | RO, &hg, &dev),
                     GNTST_okay);

    grant_table_destroy(a.d);
    ck_assert_int_eq(relinquish_domain_memory(a.d), -EBUSY);
    /* Exactly the two mapped frames are left, still a's, still usable. */
    ck_assert_uint_eq(a.d->tot_pages, 2);
    ck_assert_ptr_eq(mfn_to_page(f)->owner, a.d);
    ck_assert_uint_eq(mfn_to_page(f)->count, 1);
    ck_assert_uint_eq(mfn_to_page(f)->type, PGT_writable);
    ck_assert_uint_eq(mfn_to_page(g)->count, 1);
    p = guest_va(b.d, GVA(FREE_SLOT0), true);
    strcpy(p, "still here");
    ck_assert_str_eq(mfn_to_virt(f), "still here");
    ck_gnt_invariants();

    /* Nothing new from a dying granter. */
    ck_gnt_refused(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 1), HOST, NULL, NULL),
                   GNTST_bad_domain);
    {
        struct gnttab_copy o = {
            .source = { .u.ref = 10, .domid = 1 },
            .dest = { .u.gmfn = b.as.data[0], .domid = DOMID_SELF },
            .len = 4, .flags = GNTCOPY_source_gref,
        };

        ck_gnt_refused(gcopy(b.d, &o), GNTST_bad_domain);
    }

    /* Unmapping frees the frames; the last one empties a. */
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, hf), GNTST_okay);
    ck_assert_uint_eq(mfn_to_page(f)->state, PGS_free);
    ck_assert_uint_eq(a.d->tot_pages, 1);
    ck_assert_int_eq(gunmap(b.d, 0, dev, hg), GNTST_okay);
    ck_assert_uint_eq(a.d->tot_pages, 0);
    ck_gnt_invariants();

    grant_table_destroy(b.d);
    ck_assert_int_eq(relinquish_domain_memory(b.d), 0);
    everything_back();
}
END_TEST

START_TEST(granter_dies_then_mapper_dies)
{
    map_everything();
    ck_assert_int_eq(relinquish_domain_memory(a.d), -EBUSY);
    grant_table_destroy(a.d);
    ck_assert_uint_eq(a.d->tot_pages, 3);
    ck_gnt_invariants();
    ck_assert_int_eq(relinquish_domain_memory(b.d), -EBUSY);
    ck_assert_uint_eq(a.d->tot_pages, 0);
    grant_table_destroy(b.d);
    everything_back();
}
END_TEST

START_TEST(destroy_is_idempotent_and_table_less_domains_are_fine)
{
    struct domain *bare = sim_new_domain(7, 16, false);

    new_frame(bare);
    ck_assert_int_eq(relinquish_domain_memory(bare), 0);
    grant_table_destroy(bare);
    grant_table_destroy(a.d);
    grant_table_destroy(a.d);
    ck_assert_ptr_null(a.d->grant_table);
    ck_assert_int_eq(grant_table_frame(a.d, 0, &(mfn_t){ 0 }), -EINVAL);
    ck_assert_int_eq(grant_table_set_limits(a.d, 4, 4), -EINVAL);
    ck_gnt_invariants();
}
END_TEST

Suite *gnt_teardown_suite(void)
{
    Suite *s = suite_create("teardown");
    TCase *tc = tcase_create("teardown");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, mapper_dies_table_first);
    tcase_add_test(tc, mapper_dies_memory_first);
    tcase_add_test(tc, granter_dies_while_mapped);
    tcase_add_test(tc, granter_dies_then_mapper_dies);
    tcase_add_test(tc, destroy_is_idempotent_and_table_less_domains_are_fine);
    suite_add_tcase(s, tc);
    return s;
}
