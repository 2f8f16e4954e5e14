/* relinquish_domain_memory: every reference dropped, every frame back. */
#include <string.h>
#include "helpers.h"
#include "suites.h"

static struct domain *dom0, *d;
static struct guest_as as, as0;
static u64 baseline;

static void setup(void)
{
    mm_test_setup();
    baseline = free_frames();
    dom0 = sim_new_domain(0, 64, true);
    d = sim_new_domain(1, 64, false);
    build_as(d, &as, 6);
    build_as(dom0, &as0, 1);
    ck_assert_int_eq(ext(dom0, MMUEXT_PIN_L4_TABLE, as0.l4, 0), 0);
}

static bool owns_any(const struct domain *o)
{
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++)
        if (mfn_to_page(mfn)->owner == o)
            return true;
    return false;
}

START_TEST(relinquish_returns_everything)
{
    struct guest_as user;
    mfn_t spare_l1 = new_frame(d);

    new_frame(d);
    build_as(d, &user, 1);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as.l4, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_USER_BASEPTR, user.l4, 0), 0);
    table(spare_l1)[0] = pte_from_mfn(as.data[5], _PAGE_PRESENT | _PAGE_RW);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, spare_l1, 0), 0);
    /* The base pointer's table, unpinned, still holds its tree. */
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l4, 0), 0);
    ck_invariants();

    ck_assert_int_eq(relinquish_domain_memory(d), 0);
    ck_assert_uint_eq(d->tot_pages, 0);
    ck_assert(list_empty(&d->page_list));
    ck_assert_uint_eq(d->vcpu[0]->guest_table, 0);
    ck_assert_uint_eq(d->vcpu[0]->guest_table_user, 0);
    ck_assert(!owns_any(d));
    ck_invariants();

    ck_assert_int_eq(relinquish_domain_memory(dom0), 0);
    ck_assert_uint_eq(free_frames(), baseline);
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        ck_assert_uint_eq(mfn_to_page(mfn)->count, 0);
        ck_assert_uint_eq(mfn_to_page(mfn)->type_count, 0);
    }
    ck_invariants();
}
END_TEST

START_TEST(foreign_mapping_keeps_frame_until_unmapped)
{
    mfn_t shared = as.data[2];

    ck_assert_int_eq(mmu(dom0, pte_ma(as0.l1, 40),
                         pte_from_mfn(shared, _PAGE_PRESENT | _PAGE_RW), 1), 0);
    ck_assert_int_eq(relinquish_domain_memory(d), -EBUSY);
    ck_assert_uint_eq(d->tot_pages, 1);
    ck_assert_ptr_eq(mfn_to_page(shared)->owner, d);
    ck_assert_uint_eq(mfn_to_page(shared)->count, 1);
    ck_assert_uint_eq(mfn_to_page(shared)->type, PGT_writable);
    ck_invariants();
    /* The dying domain's frames cannot be mapped anew. */
    ck_assert_int_eq(mmu(dom0, pte_ma(as0.l1, 41),
                         pte_from_mfn(shared, _PAGE_PRESENT), 1), -ESRCH);
    ck_assert_int_eq(mmu(dom0, pte_ma(as0.l1, 40), 0, DOMID_SELF), 0);
    ck_assert_uint_eq(d->tot_pages, 0);
    ck_assert_uint_eq(mfn_to_page(shared)->state, PGS_free);
    ck_invariants();
    ck_assert_int_eq(relinquish_domain_memory(dom0), 0);
    ck_assert_uint_eq(free_frames(), baseline);
}
END_TEST

START_TEST(mapper_dying_first_drops_its_references)
{
    mfn_t shared = as.data[3];

    ck_assert_int_eq(mmu(dom0, pte_ma(as0.l1, 40),
                         pte_from_mfn(shared, _PAGE_PRESENT | _PAGE_RW), 1), 0);
    ck_assert_int_eq(relinquish_domain_memory(dom0), 0);
    ck_assert_uint_eq(mfn_to_page(shared)->count, 1);
    ck_assert_uint_eq(mfn_to_page(shared)->type_count, 0);
    ck_assert_int_eq(relinquish_domain_memory(d), 0);
    ck_assert_uint_eq(free_frames(), baseline);
    ck_invariants();
}
END_TEST

START_TEST(report_lists_domains)
{
    sim_console[0] = '\0';
    mm_report();
    ck_assert_ptr_nonnull(strstr(sim_console, "d1: 10 frames (tot_pages 10"));
    ck_assert_ptr_nonnull(strstr(sim_console, "d0: 5 frames"));
    ck_assert_int_eq(relinquish_domain_memory(d), 0);
    sim_console[0] = '\0';
    mm_report();
    ck_assert_ptr_null(strstr(sim_console, "d1:"));
}
END_TEST

Suite *teardown_suite(void)
{
    Suite *s = suite_create("teardown");
    TCase *tc = tcase_create("teardown");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, relinquish_returns_everything);
    tcase_add_test(tc, foreign_mapping_keeps_frame_until_unmapped);
    tcase_add_test(tc, mapper_dying_first_drops_its_references);
    tcase_add_test(tc, report_lists_domains);
    suite_add_tcase(s, tc);
    return s;
}
