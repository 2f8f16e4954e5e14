/* The table itself: setup_table, query_size, limits, frames, dispatch. */
#include <string.h>
#include <hv/guest_access.h>
#include "gnt_helpers.h"
#include "gnt_suites.h"

static struct gdom dom0, a, b;

static void setup(void)
{
    gnt_test_setup();
    gnt_domain(&dom0, 0, true, 1);
    gnt_domain(&a, 1, false, 2);
    gnt_domain(&b, 2, false, 2);
}

static s16 query(struct domain *d, domid_t dom, u32 *nr, u32 *max)
{
    struct gnttab_query_size q = { .dom = dom, .nr_frames = 77,
                                   .max_nr_frames = 77, .status = 0x55 };

    ck_assert_int_eq(gop(d, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    *nr = q.nr_frames;
    *max = q.max_nr_frames;
    return q.status;
}

START_TEST(query_size_reports_frames)
{
    u32 nr, max;

    ck_assert_int_eq(query(a.d, DOMID_SELF, &nr, &max), GNTST_okay);
    ck_assert_uint_eq(nr, 1);
    ck_assert_uint_eq(max, GNTTAB_DEFAULT_MAX_FRAMES);
    ck_assert_int_eq(query(a.d, 1, &nr, &max), GNTST_okay);
    ck_assert_int_eq(query(a.d, 2, &nr, &max), GNTST_permission_denied);
    ck_assert_int_eq(query(dom0.d, 2, &nr, &max), GNTST_okay);
    ck_assert_uint_eq(nr, 1);
    ck_assert_int_eq(query(dom0.d, 9, &nr, &max), GNTST_bad_domain);
    ck_assert_int_eq(query(dom0.d, DOMID_IO, &nr, &max), GNTST_bad_domain);
}
END_TEST

START_TEST(setup_table_grows_the_table)
{
    u64 mfns[4], again[2];
    u64 pages = a.d->tot_pages;

    ck_assert_int_eq(gsetup(a.d, DOMID_SELF, 4, mfns), GNTST_okay);
    ck_assert_uint_eq(a.d->grant_table->nr_frames, 4);
    ck_assert_uint_eq(a.d->tot_pages, pages + 3);
    for (unsigned int i = 0; i < 4; i++) {
        struct page_info *pg = mfn_to_page(mfns[i]);

        ck_assert_uint_eq(mfns[i], a.d->grant_table->frames[i]);
        ck_assert_ptr_eq(pg->owner, a.d);
        ck_assert_uint_eq(pg->state, PGS_domheap);
        ck_assert_uint_eq(pg->type, PGT_writable);
        ck_assert_uint_eq(pg->type_count, 1);
        ck_assert_uint_eq(pg->count, 2);     /* allocation + table */
        for (unsigned int j = 0; j < i; j++)
            ck_assert_uint_ne(mfns[i], mfns[j]);
    }
    /* Asking for fewer frames never shrinks the table. */
    ck_assert_int_eq(gsetup(a.d, 1, 2, again), GNTST_okay);
    ck_assert_uint_eq(again[0], mfns[0]);
    ck_assert_uint_eq(again[1], mfns[1]);
    ck_assert_uint_eq(a.d->grant_table->nr_frames, 4);
    ck_assert_int_eq(gsetup(a.d, DOMID_SELF, 0, NULL), GNTST_okay);
    /* A privileged domain may set up another's table. */
    ck_assert_int_eq(gsetup(dom0.d, 2, 3, mfns), GNTST_okay);
    ck_assert_uint_eq(b.d->grant_table->nr_frames, 3);
    ck_assert_ptr_eq(mfn_to_page(mfns[2])->owner, b.d);
    ck_gnt_invariants();
}
END_TEST

START_TEST(setup_table_refusals_change_nothing)
{
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 2,
                                     .frame_list = G_BAD };
    struct gdom c;

    ck_gnt_refused(gsetup(a.d, DOMID_SELF, GNTTAB_DEFAULT_MAX_FRAMES + 1, NULL),
                   GNTST_general_error);
    /* Too many frames is refused before the list is looked at. */
    op.nr_frames = GNTTAB_DEFAULT_MAX_FRAMES + 1;
    ck_assert_int_eq(gop(a.d, GNTTABOP_setup_table, &op, sizeof(op), 1), 0);
    ck_assert_int_eq(op.status, GNTST_general_error);
    op.nr_frames = 2;
    ck_gnt_refused(gsetup(a.d, 2, 2, NULL), GNTST_permission_denied);
    ck_gnt_refused(gsetup(dom0.d, 9, 2, NULL), GNTST_bad_domain);
    {
        struct gnt_snapshot *s = gnt_snapshot_take();

        ck_assert_int_eq(gop(a.d, GNTTABOP_setup_table, &op, sizeof(op), 1), 0);
        ck_assert_int_eq(op.status, GNTST_bad_virt_addr);
        ck_assert(gnt_snapshot_same(s));
        gnt_snapshot_drop(s);
    }
    ck_assert_uint_eq(a.d->grant_table->nr_frames, 1);
    /* A frame list that can be read but not written: the same. */
    sim_guest_ro_start = G_FLIST;
    sim_guest_ro_end = G_FLIST + 8 * sizeof(u64);
    ck_gnt_refused(gsetup(a.d, DOMID_SELF, 2, NULL), GNTST_bad_virt_addr);
    sim_guest_ro_start = sim_guest_ro_end = 0;

    /* No room under max_pages: refused before any frame is taken. */
    gnt_domain(&c, 3, false, 1);
    c.d->max_pages = c.d->tot_pages + 2;
    ck_gnt_refused(gsetup(c.d, DOMID_SELF, 4, NULL), GNTST_general_error);
    ck_assert_int_eq(gsetup(c.d, DOMID_SELF, 3, NULL), GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(grant_frames_are_the_guests_to_map)
{
    mfn_t f = a.d->grant_table->frames[0];
    grant_entry_v1_t *via_guest;

    /* The guest maps its table writable with an ordinary entry... */
    ck_assert_int_eq(mmu(a.d, pte_ma(a.as.l1, 200),
                         pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF), 0);
    via_guest = guest_va(a.d, GVA(200), true);
    ck_assert_ptr_nonnull(via_guest);
    via_guest[9].frame = 0x1234;
    ck_assert_uint_eq(gentry(a.d, 9)->frame, 0x1234);
    /* ...but can never make it a page table or descriptor page. */
    ck_refused(ext(a.d, MMUEXT_PIN_L1_TABLE, f, 0), -EINVAL);   /* Xen: type conflict */
    /* Another domain cannot map it. */
    ck_refused(mmu(b.d, pte_ma(b.as.l1, 200), pte_from_mfn(f, _PAGE_PRESENT), 1),
               -EPERM);
    ck_gnt_invariants();
    ck_assert_int_eq(mmu(a.d, pte_ma(a.as.l1, 200), 0, DOMID_SELF), 0);
    ck_gnt_invariants();
}
END_TEST

START_TEST(builder_frames_and_limits)
{
    mfn_t m, m5;

    ck_assert_int_eq(grant_table_frame(a.d, 5, &m5), 0);
    ck_assert_uint_eq(a.d->grant_table->nr_frames, 6);
    ck_assert_int_eq(grant_table_frame(a.d, 5, &m), 0);
    ck_assert_uint_eq(m, m5);
    ck_assert_int_eq(grant_table_frame(a.d, GNTTAB_DEFAULT_MAX_FRAMES, &m), -EINVAL);

    ck_assert_int_eq(grant_table_set_limits(a.d, 5, 100), -EINVAL);
    ck_assert_int_eq(grant_table_set_limits(a.d, 0, 100), -EINVAL);
    ck_assert_int_eq(grant_table_set_limits(a.d, GNTTAB_MAX_FRAMES_LIMIT + 1, 100),
                     -EINVAL);
    ck_assert_int_eq(grant_table_set_limits(a.d, 8, GNTTAB_MAX_MAPTRACK_LIMIT + 1),
                     -EINVAL);
    ck_assert_int_eq(grant_table_set_limits(a.d, 8, 100), 0);
    ck_assert_uint_eq(a.d->grant_table->frames[5], m5);
    ck_assert_int_eq(grant_table_frame(a.d, 8, &m), -EINVAL);
    ck_assert_int_eq(grant_table_frame(a.d, 7, &m), 0);
    {
        u32 nr, max;

        ck_assert_int_eq(query(a.d, DOMID_SELF, &nr, &max), GNTST_okay);
        ck_assert_uint_eq(nr, 8);
        ck_assert_uint_eq(max, 8);
    }
    ck_assert_int_eq(grant_table_init(a.d), -EEXIST);
    ck_gnt_invariants();
}
END_TEST

START_TEST(dispatcher_arguments)
{
    struct gnttab_map_grant_ref ops[3];
    struct gnttab_query_size q[2] = { { .dom = DOMID_SELF } };
    struct domain *bare = sim_new_domain(5, 16, false);
    xen_guest_handle_t tail;

    sim_current = a.d->vcpu[0];
    ck_assert_int_eq(do_grant_table_op(99, G_GOPS, 1), -ENOSYS);
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_transfer, G_GOPS, 1), -ENOSYS);
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_set_version, G_GOPS, 1), -ENOSYS);
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_unmap_and_replace, G_GOPS, 1),
                     -ENOSYS);
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_map_grant_ref, G_GOPS, 0x80000000U),
                     -EINVAL);
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_map_grant_ref, G_GOPS, 0), 0);
    ck_assert_int_eq(gop(a.d, GNTTABOP_query_size, q, sizeof(q[0]), 2), -EINVAL);
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_query_size, G_BAD, 1), -EFAULT);
    sim_current = bare->vcpu[0];
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_query_size, G_GOPS, 1), -ENODEV);

    /* Each element has its own status. */
    grant(a.d, 10, 2, a.as.data[0], false);
    for (unsigned int i = 0; i < 3; i++)
        ops[i] = (struct gnttab_map_grant_ref){
            .host_addr = GVA(FREE_SLOT0 + i), .flags = GNTMAP_host_map,
            .ref = i == 1 ? 4096 : 10, .dom = 1, .status = 0x55 };
    ck_assert_int_eq(gop(b.d, GNTTABOP_map_grant_ref, ops, sizeof(ops[0]), 3), 0);
    ck_assert_int_eq(ops[0].status, GNTST_okay);
    ck_assert_int_eq(ops[1].status, GNTST_bad_gntref);
    ck_assert_int_eq(ops[2].status, GNTST_okay);
    ck_assert_uint_ne(ops[0].handle, ops[2].handle);
    ck_gnt_invariants();

    /* An element that cannot be read ends the batch; earlier ones stand. */
    tail = GUEST_WIN_BASE + GUEST_WIN_SIZE - 2 * sizeof(ops[0]);
    for (unsigned int i = 0; i < 2; i++) {
        ops[i].host_addr = GVA(FREE_SLOT0 + 10 + i);
        ops[i].ref = 10;
        ops[i].status = 0x55;
    }
    memcpy(sim_guest_ptr(tail), ops, 2 * sizeof(ops[0]));
    sim_current = b.d->vcpu[0];
    ck_assert_int_eq(do_grant_table_op(GNTTABOP_map_grant_ref, tail, 3), -EFAULT);
    memcpy(ops, sim_guest_ptr(tail), 2 * sizeof(ops[0]));
    ck_assert_int_eq(ops[0].status, GNTST_okay);
    ck_assert_int_eq(ops[1].status, GNTST_okay);
    ck_assert_uint_eq(b.d->grant_table->maptrack_used, 4);
    ck_gnt_invariants();

    /* Elements whose results cannot be written are not applied. */
    ops[0].host_addr = GVA(FREE_SLOT0 + 20);
    sim_guest_ro_start = G_GOPS;
    sim_guest_ro_end = G_GOPS + sizeof(ops[0]);
    ck_gnt_refused(gop(b.d, GNTTABOP_map_grant_ref, ops, sizeof(ops[0]), 1),
                   -EFAULT);
    q[0].dom = DOMID_SELF;
    ck_gnt_refused(gop(b.d, GNTTABOP_query_size, q, sizeof(q[0]), 1), -EFAULT);
    sim_guest_ro_start = sim_guest_ro_end = 0;
}
END_TEST

START_TEST(dump_table_prints_pins)
{
    struct gnttab_dump_table op = { .dom = DOMID_SELF, .status = 0x55 };

    grant(a.d, 12, 2, a.as.data[1], true);
    ck_assert_int_eq(gmap(b.d, 1, 12, GVA(FREE_SLOT0),
                          GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
                     GNTST_okay);
    sim_console[0] = '\0';
    ck_assert_int_eq(gop(a.d, GNTTABOP_dump_table, &op, sizeof(op), 1), 0);
    ck_assert_int_eq(op.status, GNTST_okay);
    ck_assert_ptr_nonnull(strstr(sim_console, "d1 grant table: 1 of 64 frames"));
    ck_assert_ptr_nonnull(strstr(sim_console, "ref 12: d2"));
    op.dom = 2;
    ck_assert_int_eq(gop(a.d, GNTTABOP_dump_table, &op, sizeof(op), 1), 0);
    ck_assert_int_eq(op.status, GNTST_permission_denied);
}
END_TEST

Suite *gnt_setup_suite(void)
{
    Suite *s = suite_create("setup");
    TCase *tc = tcase_create("setup");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, query_size_reports_frames);
    tcase_add_test(tc, setup_table_grows_the_table);
    tcase_add_test(tc, setup_table_refusals_change_nothing);
    tcase_add_test(tc, grant_frames_are_the_guests_to_map);
    tcase_add_test(tc, builder_frames_and_limits);
    tcase_add_test(tc, dispatcher_arguments);
    tcase_add_test(tc, dump_table_prints_pins);
    suite_add_tcase(s, tc);
    return s;
}
