/*
 * Revocation, guests that break the protocol, and mappings that end
 * without an unmap (PTE overwritten, L1 devalidated).
 */
#include <string.h>
#include "gnt_helpers.h"
#include "gnt_suites.h"

static struct gdom a, b, c;
static mfn_t f;

#define HOST GNTMAP_host_map

static void setup(void)
{
    gnt_test_setup();
    gnt_domain(&a, 1, false, 4);
    gnt_domain(&b, 2, false, 2);
    gnt_domain(&c, 3, false, 2);
    f = a.as.data[0];
}

START_TEST(mapped_grants_cannot_be_revoked)
{
    grant_handle_t h;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | GNTMAP_readonly,
                          &h, NULL), GNTST_okay);
    ck_assert(!revoke(a.d, 10));
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_reading);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert(revoke(a.d, 10));
    ck_assert_uint_eq(gentry(a.d, 10)->flags, 0);
    ck_gnt_refused(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | GNTMAP_readonly,
                        NULL, NULL), GNTST_general_error);

    /* A copy in progress pins like a mapping: after it, revocable. */
    grant(a.d, 11, 2, f, false);
    {
        struct gnttab_copy op = {
            .source = { .u.gmfn = b.as.data[0], .domid = DOMID_SELF },
            .dest = { .u.ref = 11, .domid = 1 },
            .len = 8, .flags = GNTCOPY_dest_gref,
        };

        ck_assert_int_eq(gcopy(b.d, &op), GNTST_okay);
    }
    ck_assert(revoke(a.d, 11));
    ck_gnt_invariants();
}
END_TEST

START_TEST(scribbled_entries_do_not_confuse_hv)
{
    mfn_t other = a.as.data[1];
    struct page_info *fp = mfn_to_page(f), *op = mfn_to_page(other);
    u32 fcount = fp->count, ocount = op->count;
    grant_handle_t h1, h2;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h1, NULL), GNTST_okay);
    /* The granter rewrites the frame and readonly bit of the mapped entry. */
    gentry(a.d, 10)->frame = other;
    __atomic_or_fetch(&gentry(a.d, 10)->flags, GTF_readonly, __ATOMIC_SEQ_CST);
    /* Later pins use the frame captured at the first one. */
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 1), HOST | GNTMAP_readonly,
                          &h2, NULL), GNTST_okay);
    ck_assert_uint_eq(pte_mfn(*l1e_of(&b, GVA(FREE_SLOT0 + 1))), f);
    ck_assert_uint_eq(fp->count, fcount + 2);
    ck_assert_uint_eq(op->count, ocount);
    /* ...and a writable pin is now refused: the entry says read-only. */
    ck_gnt_refused(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 2), HOST, NULL, NULL),
                   GNTST_general_error);
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h1), GNTST_okay);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0 + 1), 0, h2), GNTST_okay);
    ck_assert_uint_eq(fp->count, fcount);
    ck_assert_uint_eq(op->count, ocount);
    /* hv cleared only its own bits. */
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_readonly);
    ck_assert_uint_eq(gentry(a.d, 10)->frame, other);
    ck_gnt_invariants();

    /* A granter that clears GTF_reading behind hv's back only hurts itself. */
    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h1, NULL), GNTST_okay);
    gentry(a.d, 10)->flags = 0;
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h1), GNTST_okay);
    ck_assert_uint_eq(fp->count, fcount);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, 0);
}
END_TEST

START_TEST(overwritten_pte_releases_the_mapping)
{
    struct page_info *fp = mfn_to_page(f);
    u32 fcount = fp->count, ftype = fp->type_count;
    pte_t e;
    unsigned int flushes;
    grant_handle_t h;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, NULL), GNTST_okay);
    /* Flag-only changes keep the frame and writability: still mapped. */
    e = *l1e_of(&b, GVA(FREE_SLOT0));
    ck_assert_int_eq(uvm(b.d, GVA(FREE_SLOT0), e | 0x200, 0), 0);
    ck_assert_uint_eq(gentry(a.d, 10)->flags,
                      GTF_permit_access | GTF_reading | GTF_writing);
    ck_gnt_invariants();
    /* Clearing the entry ends the mapping: TLBs flushed, grant released. */
    flushes = sim_flushes();
    ck_assert_int_eq(uvm(b.d, GVA(FREE_SLOT0), 0, 0), 0);
    ck_assert_uint_gt(sim_flushes(), flushes);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_assert_uint_eq(fp->count, fcount);
    ck_assert_uint_eq(fp->type_count, ftype);
    ck_assert_uint_eq(b.d->grant_table->maptrack_used, 0);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_bad_handle);
    ck_assert(revoke(a.d, 10));
    ck_gnt_invariants();

    /* Rewriting it read-only (other references) ends it too. */
    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, NULL), GNTST_okay);
    ck_assert_int_eq(mmu(b.d, pte_ma(b.as.l1, FREE_SLOT0),
                         pte_from_mfn(b.as.data[0], _PAGE_PRESENT), DOMID_SELF), 0);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_assert_uint_eq(fp->count, fcount);
    ck_gnt_invariants();
}
END_TEST

START_TEST(devalidated_l1_releases_its_mappings)
{
    struct page_info *fp = mfn_to_page(f);
    u32 fcount = fp->count;
    mfn_t l1 = new_frame(b.d);
    grant_handle_t h1, h2, h3;

    grant(a.d, 10, 2, f, false);
    grant(a.d, 11, 2, a.as.data[1], true);
    ck_assert_int_eq(ext(b.d, MMUEXT_PIN_L1_TABLE, l1, 0), 0);
    ck_assert_int_eq(gmap(b.d, 1, 10, pte_ma(l1, 4),
                          HOST | GNTMAP_contains_pte, &h1, NULL), GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 11, pte_ma(l1, 5),
                          HOST | GNTMAP_contains_pte | GNTMAP_readonly, &h2, NULL),
                     GNTST_okay);
    /* One outside that table stays. */
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h3, NULL), GNTST_okay);
    ck_gnt_invariants();
    ck_assert_int_eq(ext(b.d, MMUEXT_UNPIN_TABLE, l1, 0), 0);
    ck_assert_uint_eq(mfn_to_page(l1)->type, PGT_none);
    ck_assert_uint_eq(gentry(a.d, 11)->flags, GTF_permit_access | GTF_readonly);
    ck_assert_uint_eq(gentry(a.d, 10)->flags,
                      GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_uint_eq(fp->count, fcount + 1);
    ck_assert_uint_eq(b.d->grant_table->maptrack_used, 1);
    ck_gnt_invariants();
    /* Its stale grant entries keep it from being a table again. */
    ck_refused(ext(b.d, MMUEXT_PIN_L1_TABLE, l1, 0), -EBUSY);   /* L1 entries of foreign frames */
    ck_gnt_refused(gunmap(b.d, pte_ma(l1, 4), 0, h1), GNTST_bad_handle);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h3), GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_assert_uint_eq(fp->count, fcount);
    ck_gnt_invariants();
}
END_TEST

Suite *gnt_revoke_suite(void)
{
    Suite *s = suite_create("revoke");
    TCase *tc = tcase_create("revoke");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, mapped_grants_cannot_be_revoked);
    tcase_add_test(tc, scribbled_entries_do_not_confuse_hv);
    tcase_add_test(tc, overwritten_pte_releases_the_mapping);
    tcase_add_test(tc, devalidated_l1_releases_its_mappings);
    suite_add_tcase(s, tc);
    return s;
}
