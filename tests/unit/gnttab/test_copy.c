/* GNTTABOP_copy: every combination of sides, bounds and permissions. */
#include <string.h>
#include "gnt_helpers.h"
#include "gnt_suites.h"

static struct gdom a, b, c;

static void setup(void)
{
    gnt_test_setup();
    gnt_domain(&a, 1, false, 4);
    gnt_domain(&b, 2, false, 2);
    gnt_domain(&c, 3, false, 2);
    for (unsigned int i = 0; i < 4; i++)
        memset(mfn_to_virt(a.as.data[i]), 'a' + i, PAGE_SIZE);
    for (unsigned int i = 0; i < 2; i++) {
        memset(mfn_to_virt(b.as.data[i]), 'p' + i, PAGE_SIZE);
        memset(mfn_to_virt(c.as.data[i]), 'x' + i, PAGE_SIZE);
    }
}

static struct gnttab_copy_ptr gref(domid_t dom, grant_ref_t ref, u16 off)
{
    return (struct gnttab_copy_ptr){ .u.ref = ref, .domid = dom, .offset = off };
}

static struct gnttab_copy_ptr gmfn(domid_t dom, mfn_t mfn, u16 off)
{
    return (struct gnttab_copy_ptr){ .u.gmfn = mfn, .domid = dom, .offset = off };
}

static struct gnttab_copy op(struct gnttab_copy_ptr src, struct gnttab_copy_ptr dst,
                             u16 len, u16 flags)
{
    return (struct gnttab_copy){ .source = src, .dest = dst, .len = len,
                                 .flags = flags };
}

static char byte_at(mfn_t mfn, unsigned int off)
{
    return ((char *)mfn_to_virt(mfn))[off];
}

START_TEST(copy_from_a_grant)
{
    struct page_info *pg = mfn_to_page(a.as.data[0]);
    u32 count = pg->count;
    struct gnttab_copy o = op(gref(1, 10, 100), gmfn(DOMID_SELF, b.as.data[0], 200),
                              50, GNTCOPY_source_gref);

    grant(a.d, 10, 2, a.as.data[0], true);
    ck_assert_int_eq(gcopy(b.d, &o), GNTST_okay);
    ck_assert_int_eq(byte_at(b.as.data[0], 199), 'p');
    ck_assert_int_eq(byte_at(b.as.data[0], 200), 'a');
    ck_assert_int_eq(byte_at(b.as.data[0], 249), 'a');
    ck_assert_int_eq(byte_at(b.as.data[0], 250), 'p');
    /* Nothing stays pinned or referenced. */
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_readonly);
    ck_assert_uint_eq(pg->count, count);
    ck_gnt_invariants();
}
END_TEST

START_TEST(copy_into_a_grant)
{
    struct gnttab_copy o = op(gmfn(2, b.as.data[1], 0), gref(1, 10, 4000), 96,
                              GNTCOPY_dest_gref);

    grant(a.d, 10, 2, a.as.data[1], false);
    ck_assert_int_eq(gcopy(b.d, &o), GNTST_okay);
    ck_assert_int_eq(byte_at(a.as.data[1], 3999), 'b');
    ck_assert_int_eq(byte_at(a.as.data[1], 4000), 'q');
    ck_assert_int_eq(byte_at(a.as.data[1], 4095), 'q');
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_gnt_invariants();
}
END_TEST

START_TEST(copy_between_two_grants_and_own_frames)
{
    struct gnttab_copy o = op(gref(1, 10, 0), gref(3, 11, 10), 20,
                              GNTCOPY_source_gref | GNTCOPY_dest_gref);

    grant(a.d, 10, 2, a.as.data[2], true);
    grant(c.d, 11, 2, c.as.data[0], false);
    ck_assert_int_eq(gcopy(b.d, &o), GNTST_okay);
    ck_assert_int_eq(byte_at(c.as.data[0], 9), 'x');
    ck_assert_int_eq(byte_at(c.as.data[0], 10), 'c');
    ck_assert_int_eq(byte_at(c.as.data[0], 30), 'x');
    /* Own frames, overlapping ranges of one frame: memmove semantics. */
    memcpy((char *)mfn_to_virt(b.as.data[0]), "0123456789", 10);
    o = op(gmfn(DOMID_SELF, b.as.data[0], 0), gmfn(2, b.as.data[0], 2), 8, 0);
    ck_assert_int_eq(gcopy(b.d, &o), GNTST_okay);
    ck_assert_int_eq(memcmp(mfn_to_virt(b.as.data[0]), "0101234567", 10), 0);
    /* A page table may be read, never written. */
    o = op(gmfn(DOMID_SELF, b.as.l1, 0), gmfn(DOMID_SELF, b.as.data[1], 0), 8, 0);
    ck_assert_int_eq(gcopy(b.d, &o), GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(copy_refusals_change_nothing)
{
    grant(a.d, 10, 2, a.as.data[0], true);
    grant(a.d, 11, 2, a.as.data[1], false);
    grant(a.d, 12, 3, a.as.data[2], false);
    grant(a.d, 13, 2, a.as.l1, false);

#define REFUSED(o, st) do {                                     \
        struct gnttab_copy o_ = (o);                            \
        ck_gnt_refused(gcopy(b.d, &o_), st);                    \
    } while (0)
    /* Bounds. */
    REFUSED(op(gref(1, 11, 4000), gmfn(DOMID_SELF, b.as.data[0], 0), 97,
               GNTCOPY_source_gref), GNTST_bad_copy_arg);
    REFUSED(op(gref(1, 11, 0), gmfn(DOMID_SELF, b.as.data[0], 4096), 1,
               GNTCOPY_source_gref), GNTST_bad_copy_arg);
    REFUSED(op(gmfn(DOMID_SELF, b.as.data[1], 0), gmfn(DOMID_SELF, b.as.data[0], 0),
               4097, 0), GNTST_bad_copy_arg);
    REFUSED(op(gref(1, 11, 0), gmfn(DOMID_SELF, b.as.data[0], 0), 8,
               GNTCOPY_source_gref | 4), GNTST_bad_copy_arg);
    /* Permissions. */
    REFUSED(op(gmfn(DOMID_SELF, b.as.data[0], 0), gref(1, 10, 0), 8,
               GNTCOPY_dest_gref), GNTST_general_error);
    REFUSED(op(gref(1, 12, 0), gmfn(DOMID_SELF, b.as.data[0], 0), 8,
               GNTCOPY_source_gref), GNTST_general_error);
    REFUSED(op(gref(1, 14, 0), gmfn(DOMID_SELF, b.as.data[0], 0), 8,
               GNTCOPY_source_gref), GNTST_general_error);
    REFUSED(op(gmfn(DOMID_SELF, b.as.data[0], 0), gref(1, 13, 0), 8,
               GNTCOPY_dest_gref), GNTST_general_error);
    REFUSED(op(gmfn(1, a.as.data[0], 0), gmfn(DOMID_SELF, b.as.data[0], 0), 8, 0),
            GNTST_permission_denied);
    REFUSED(op(gmfn(DOMID_SELF, a.as.data[0], 0), gmfn(DOMID_SELF, b.as.data[0], 0),
               8, 0), GNTST_bad_page);
    REFUSED(op(gmfn(DOMID_SELF, max_mfn, 0), gmfn(DOMID_SELF, b.as.data[0], 0),
               8, 0), GNTST_bad_page);
    REFUSED(op(gmfn(DOMID_SELF, b.as.data[0], 0), gmfn(DOMID_SELF, b.as.l2, 0),
               8, 0), GNTST_general_error);
    /* Refs and domains. */
    REFUSED(op(gref(1, GNTTAB_PER_FRAME, 0), gmfn(DOMID_SELF, b.as.data[0], 0), 8,
               GNTCOPY_source_gref), GNTST_bad_gntref);
    REFUSED(op(gref(9, 11, 0), gmfn(DOMID_SELF, b.as.data[0], 0), 8,
               GNTCOPY_source_gref), GNTST_bad_domain);
    /* A good source does not stay pinned when the destination fails. */
    REFUSED(op(gref(1, 11, 0), gmfn(DOMID_SELF, a.as.data[3], 0), 8,
               GNTCOPY_source_gref), GNTST_bad_page);
#undef REFUSED
    /* Pinned by c (mapped): b cannot use it even if the entry names b. */
    {
        struct gnttab_copy o = op(gref(1, 12, 0), gmfn(DOMID_SELF, b.as.data[0], 0),
                                  8, GNTCOPY_source_gref);

        ck_assert_int_eq(gmap(c.d, 1, 12, GVA(FREE_SLOT0), GNTMAP_host_map, NULL,
                              NULL), GNTST_okay);
        gentry(a.d, 12)->domid = 2;
        ck_gnt_refused(gcopy(b.d, &o), GNTST_general_error);
    }
    ck_gnt_invariants();
}
END_TEST

START_TEST(empty_copies_and_batches)
{
    struct gnttab_copy ops[3];

    /* As in Xen, nothing is looked at for an empty copy. */
    ops[0] = op(gref(9, 99999, 0), gmfn(DOMID_SELF, 0, 0), 0,
                GNTCOPY_source_gref | GNTCOPY_dest_gref);
    ck_gnt_refused(gcopy(b.d, &ops[0]), GNTST_okay);

    grant(a.d, 10, 2, a.as.data[3], true);
    ops[0] = op(gref(1, 10, 0), gmfn(DOMID_SELF, b.as.data[0], 0), 4,
                GNTCOPY_source_gref);
    ops[1] = op(gref(1, 10, 4095), gmfn(DOMID_SELF, b.as.data[0], 0), 4,
                GNTCOPY_source_gref);
    ops[2] = op(gref(1, 10, 0), gmfn(DOMID_SELF, b.as.data[1], 8), 4,
                GNTCOPY_source_gref);
    ck_assert_int_eq(gop(b.d, GNTTABOP_copy, ops, sizeof(ops[0]), 3), 0);
    ck_assert_int_eq(ops[0].status, GNTST_okay);
    ck_assert_int_eq(ops[1].status, GNTST_bad_copy_arg);
    ck_assert_int_eq(ops[2].status, GNTST_okay);
    ck_assert_int_eq(byte_at(b.as.data[0], 0), 'd');
    ck_assert_int_eq(byte_at(b.as.data[1], 8), 'd');
    ck_assert_int_eq(byte_at(b.as.data[1], 12), 'q');
    ck_gnt_invariants();
}
END_TEST

Suite *gnt_copy_suite(void)
{
    Suite *s = suite_create("copy");
    TCase *tc = tcase_create("copy");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, copy_from_a_grant);
    tcase_add_test(tc, copy_into_a_grant);
    tcase_add_test(tc, copy_between_two_grants_and_own_frames);
    tcase_add_test(tc, copy_refusals_change_nothing);
    tcase_add_test(tc, empty_copies_and_batches);
    suite_add_tcase(s, tc);
    return s;
}
