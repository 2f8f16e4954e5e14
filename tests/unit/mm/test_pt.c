/* Page-table validation, pinning and the type rules. */
#include <string.h>
#include "helpers.h"
#include "suites.h"

static struct domain *d;
static struct guest_as as;

static void setup(void)
{
    mm_test_setup();
    d = sim_new_domain(1, 64, false);
    build_as(d, &as, 4);
}

START_TEST(valid_four_level_table_pins)
{
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);

    ck_assert_uint_eq(mfn_to_page(as.l4)->type, PGT_l4_page_table);
    ck_assert_uint_eq(mfn_to_page(as.l4)->type_count, 1);
    ck_assert(mfn_to_page(as.l4)->flags & PGF_pinned);
    ck_assert(mfn_to_page(as.l4)->flags & PGF_validated);
    /* General: allocation + pin + read-only self-mapping. */
    ck_assert_uint_eq(mfn_to_page(as.l4)->count, 3);
    ck_assert_uint_eq(mfn_to_page(as.l3)->type, PGT_l3_page_table);
    ck_assert_uint_eq(mfn_to_page(as.l2)->type, PGT_l2_page_table);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type, PGT_l1_page_table);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type_count, 1);
    ck_assert_uint_eq(mfn_to_page(as.data[0])->type, PGT_writable);
    ck_assert_uint_eq(mfn_to_page(as.data[0])->count, 2);
    /* hv slots copied from hv's L4; guest entries made user entries. */
    for (unsigned int i = 256; i < 272; i++)
        ck_assert_uint_eq(table(as.l4)[i], sim_root_l4[i]);
    ck_assert(table(as.l4)[pt_index(4, GUEST_VA_DATA)] & _PAGE_USER);
    ck_assert(table(as.l1)[pt_index(1, GUEST_VA_DATA)] & _PAGE_USER);
    ck_invariants();
}
END_TEST

START_TEST(pinning_each_level)
{
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, as.l1, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L2_TABLE, as.l2, 0), 0);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type_count, 2);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L3_TABLE, as.l3, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_invariants();
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l1, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l4, 0), 0);
    ck_assert_uint_eq(mfn_to_page(as.l4)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type_count, 1);   /* from L2 */
    ck_invariants();
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l3, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l2, 0), 0);
    for (unsigned int i = 0; i < 4; i++)
        ck_assert_uint_eq(mfn_to_page(as.data[i])->type_count, 0);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(as.l1)->count, 1);
    ck_invariants();
}
END_TEST

START_TEST(pin_refuses_writable_self_mapping)
{
    table(as.l1)[7] = pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_RW);
    ck_refused(ext(d, MMUEXT_PIN_L1_TABLE, as.l1, 0), -EBUSY);
    ck_refused(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), -EBUSY);
    ck_invariants();
    /* Read-only is fine. */
    table(as.l1)[7] = pte_from_mfn(as.l1, _PAGE_PRESENT);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_invariants();
}
END_TEST

START_TEST(pin_refuses_writable_mapping_of_other_table)
{
    /* The L1 maps its own parent L2 writable: pinning the L4 must fail
       after the L3, L2 were partly validated, and undo all of it. */
    table(as.l1)[9] = pte_from_mfn(as.l2, _PAGE_PRESENT | _PAGE_RW);
    ck_refused(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), -EBUSY);
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, as.l2, 0), -EBUSY);
    ck_invariants();
    /* A table pinned first, then a writable mapping of it elsewhere. */
    table(as.l1)[9] = 0;
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    {
        mfn_t l1b = new_frame(d);

        table(l1b)[0] = pte_from_mfn(as.l3, _PAGE_PRESENT | _PAGE_RW);
        ck_refused(ext(d, MMUEXT_PIN_L1_TABLE, l1b, 0), -EBUSY);
    }
    ck_invariants();
}
END_TEST

START_TEST(pin_refuses_bad_entries_and_undoes)
{
    mfn_t l2b = new_frame(d), l1b = new_frame(d);
    struct domain *e = sim_new_domain(2, 16, false);
    mfn_t foreign = new_frame(e);

    table(l2b)[0] = pte_from_mfn(l1b, _PAGE_PRESENT | _PAGE_RW);
    table(l2b)[1] = pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_PSE);
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, l2b, 0), -EINVAL);
    /* Xen's errors: an upper-level entry to a frame that cannot be a
     * table is -EINVAL; an L1 entry to a frame that cannot be mapped is
     * -EBUSY, to one beyond RAM -EPERM; validation errors propagate. */
    table(l2b)[1] = pte_from_mfn(foreign, _PAGE_PRESENT);
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, l2b, 0), -EINVAL);
    table(l2b)[1] = 0;
    table(l1b)[3] = pte_from_mfn(foreign, _PAGE_PRESENT);
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, l2b, 0), -EBUSY);
    table(l1b)[3] = pte_from_mfn(as.data[0], _PAGE_PRESENT | _PAGE_PCD);
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, l2b, 0), -EINVAL);
    table(l1b)[3] = pte_from_mfn(SIM_MAX_MFN + 5, _PAGE_PRESENT);
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, l2b, 0), -EPERM);
    /* Non-present entries are not looked at. */
    table(l1b)[3] = pte_from_mfn(foreign, _PAGE_RW | _PAGE_PCD);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L2_TABLE, l2b, 0), 0);
    ck_invariants();
}
END_TEST

/*
 * Devalidation visits only the groups of eight entries that validation
 * found or hv wrote since: entries written later into empty groups, by
 * mmu_update at each level, must still give their references back.
 */
START_TEST(entries_written_after_validation_are_released)
{
    mfn_t f = new_frame(d), l2b = new_frame(d), l1b = new_frame(d);
    const pte_t rw = _PAGE_PRESENT | _PAGE_RW;

    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 400), pte_from_mfn(f, rw), DOMID_SELF), 0);
    ck_assert_int_eq(mmu(d, pte_ma(as.l3, 300), pte_from_mfn(l2b, rw), DOMID_SELF), 0);
    ck_assert_int_eq(mmu(d, pte_ma(l2b, 511), pte_from_mfn(l1b, rw), DOMID_SELF), 0);
    ck_assert_uint_eq(mfn_to_page(f)->type, PGT_writable);
    ck_assert_uint_eq(mfn_to_page(f)->count, 2);
    ck_assert_uint_eq(mfn_to_page(l1b)->type, PGT_l1_page_table);
    ck_invariants();

    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l4, 0), 0);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(f)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(f)->count, 1);
    ck_assert_uint_eq(mfn_to_page(l2b)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(l1b)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(l1b)->count, 1);
    ck_invariants();
}
END_TEST

/* Global L1 entries, written at validation or after, mark the domain:
 * its switches away flush global translations (pv/context.c). */
START_TEST(global_entries_mark_the_domain)
{
    mfn_t f = new_frame(d);
    const pte_t rw = _PAGE_PRESENT | _PAGE_RW;

    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 400), pte_from_mfn(f, rw), DOMID_SELF), 0);
    ck_assert(!d->global_ptes);
    /* Same frame, flags only (no new reference): still noticed. */
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 400), pte_from_mfn(f, rw | _PAGE_GLOBAL),
                         DOMID_SELF), 0);
    ck_assert(d->global_ptes);
    ck_invariants();
}
END_TEST

START_TEST(global_entry_found_by_validation)
{
    table(as.l1)[401] = pte_from_mfn(as.data[1], _PAGE_PRESENT | _PAGE_GLOBAL);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert(d->global_ptes);
    ck_invariants();
}
END_TEST

START_TEST(double_pin_and_bad_unpin)
{
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_refused(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_PIN_L3_TABLE, as.l4, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_UNPIN_TABLE, as.l3, 0), -EINVAL);   /* in use, unpinned */
    ck_refused(ext(d, MMUEXT_UNPIN_TABLE, as.data[0], 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_UNPIN_TABLE, SIM_MAX_MFN, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_UNPIN_TABLE, 0x10, 0), -EINVAL);
    ck_invariants();
}
END_TEST

START_TEST(type_changes_while_referenced)
{
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    /* The L1 is in use as L1 (from the L2): not an L2, not writable. */
    ck_refused(ext(d, MMUEXT_PIN_L2_TABLE, as.l1, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_CLEAR_PAGE, as.l1, 0), -EBUSY);
    /* A writably mapped data frame cannot become a table. */
    ck_refused(ext(d, MMUEXT_PIN_L1_TABLE, as.data[1], 0), -EINVAL);
    /* A pinned L1 cannot be mapped writable. */
    {
        mfn_t l1b = new_frame(d);

        ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, l1b, 0), 0);
        ck_refused(mmu(d, pte_ma(as.l1, 20),
                       pte_from_mfn(l1b, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF),
                   -EBUSY);
        ck_assert_int_eq(mmu(d, pte_ma(as.l1, 20),
                             pte_from_mfn(l1b, _PAGE_PRESENT), DOMID_SELF), 0);
        /* Unpinned and unmapped, it can be anything again. */
        ck_assert_int_eq(mmu(d, pte_ma(as.l1, 20), 0, DOMID_SELF), 0);
        ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, l1b, 0), 0);
        ck_assert_int_eq(ext(d, MMUEXT_PIN_L3_TABLE, l1b, 0), 0);
    }
    ck_invariants();
}
END_TEST

START_TEST(linear_entries_refused)
{
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_refused(mmu(d, pte_ma(as.l4, 5), pte_from_mfn(as.l4, _PAGE_PRESENT),
                   DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l2, 5), pte_from_mfn(as.l2, _PAGE_PRESENT),
                   DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l3, 5), pte_from_mfn(as.l4, _PAGE_PRESENT),
                   DOMID_SELF), -EINVAL);
    ck_invariants();
}
END_TEST

START_TEST(stale_writable_tlb_flushed_before_table_use)
{
    unsigned int flushes;

    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as.l4, 0), 0);
    /* Unmap a writable data frame; no guest flush; pin it as an L1.  No
     * translation can be global: reloading CR3 is the flush. */
    ck_assert_int_eq(uvm(d, GUEST_VA_DATA + 2 * PAGE_SIZE, 0, UVMF_NONE), 0);
    flushes = sim_hooks.flush_local;
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, as.data[2], 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_local, flushes + 1);
    ck_assert_uint_eq(sim_hooks.flush_all, 0);
    /* With the guest's own full flush in between, none is added. */
    ck_assert_int_eq(uvm(d, GUEST_VA_DATA + 3 * PAGE_SIZE, 0, UVMF_NONE), 0);
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    flushes = sim_flushes();
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, as.data[3], 0), 0);
    ck_assert_uint_eq(sim_flushes(), flushes);
    /* A devalidated table becoming writable needs a flush too. */
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.data[3], 0), 0);
    flushes = sim_flushes();
    ck_assert_int_eq(uvm(d, GUEST_VA_DATA + 3 * PAGE_SIZE,
                         pte_from_mfn(as.data[3], _PAGE_PRESENT | _PAGE_RW),
                         UVMF_NONE), 0);
    ck_assert_uint_eq(sim_flushes(), flushes + 1);
    ck_invariants();
}
END_TEST

/* Any CR3 write (each switch between guest kernel and user makes one)
 * empties the TLB of all but global translations: after one, a retyped
 * frame needs no flush of its own, unless the guest's may be global. */
START_TEST(stale_tlb_cleared_by_a_cr3_write_unless_global)
{
    unsigned int flushes;

    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as.l4, 0), 0);
    ck_assert_int_eq(uvm(d, GUEST_VA_DATA + 2 * PAGE_SIZE, 0, UVMF_NONE), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as.l4, 0), 0);
    ck_assert_uint_eq(sim_hooks.cr3_writes, 2);
    flushes = sim_flushes();
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, as.data[2], 0), 0);
    ck_assert_uint_eq(sim_flushes(), flushes);

    sim_hooks.guest_globals = true;
    ck_assert_int_eq(uvm(d, GUEST_VA_DATA + 3 * PAGE_SIZE, 0, UVMF_NONE), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as.l4, 0), 0);
    flushes = sim_hooks.flush_all;
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, as.data[3], 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_all, flushes + 1);
    ck_invariants();
}
END_TEST

START_TEST(devalidated_table_flushed_before_other_level)
{
    mfn_t x = new_frame(d);
    unsigned int flushes;

    table(x)[0] = pte_from_mfn(as.data[0], _PAGE_PRESENT);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L1_TABLE, x, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, x, 0), 0);
    flushes = sim_flushes();
    /* Was an L1 a CPU may still walk; now to be read as an L2. */
    table(x)[0] = 0;
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L2_TABLE, x, 0), 0);
    ck_assert_uint_eq(sim_flushes(), flushes + 1);
    ck_invariants();
}
END_TEST

START_TEST(refcount_overflow_refused)
{
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    mfn_to_page(as.data[0])->count = UINT32_MAX;
    ck_refused(mmu(d, pte_ma(as.l1, 30), pte_from_mfn(as.data[0], _PAGE_PRESENT),
                   DOMID_SELF), -EOVERFLOW);
    mfn_to_page(as.data[0])->count = 2;
    mfn_to_page(as.data[0])->type_count = UINT32_MAX;
    ck_refused(mmu(d, pte_ma(as.l1, 30),
                   pte_from_mfn(as.data[0], _PAGE_PRESENT | _PAGE_RW),
                   DOMID_SELF), -EOVERFLOW);
}
END_TEST

Suite *pt_suite(void)
{
    Suite *s = suite_create("pagetables");
    TCase *tc = tcase_create("pagetables");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, valid_four_level_table_pins);
    tcase_add_test(tc, pinning_each_level);
    tcase_add_test(tc, pin_refuses_writable_self_mapping);
    tcase_add_test(tc, pin_refuses_writable_mapping_of_other_table);
    tcase_add_test(tc, pin_refuses_bad_entries_and_undoes);
    tcase_add_test(tc, double_pin_and_bad_unpin);
    tcase_add_test(tc, type_changes_while_referenced);
    tcase_add_test(tc, linear_entries_refused);
    tcase_add_test(tc, stale_writable_tlb_flushed_before_table_use);
    tcase_add_test(tc, stale_tlb_cleared_by_a_cr3_write_unless_global);
    tcase_add_test(tc, devalidated_table_flushed_before_other_level);
    tcase_add_test(tc, refcount_overflow_refused);
    tcase_add_test(tc, entries_written_after_validation_are_released);
    tcase_add_test(tc, global_entries_mark_the_domain);
    tcase_add_test(tc, global_entry_found_by_validation);
    suite_add_tcase(s, tc);
    return s;
}
