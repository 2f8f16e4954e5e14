/*
 * Host tests of pure PV logic: the 2-level event-channel bitmaps
 * (hv/common/event_2l.c, fact sheet §5) and the initial-mapping layout of
 * the domain builder (hv/arch/x86/pv/layout.c, fact sheet §3).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <hv/types.h>
#include <hv/errno.h>
#include <hv/evtchn_2l.h>
#include <hv/pv_layout.h>

/* --- 2-level event channels --------------------------------------------- */

static shared_info_t si;
static vcpu_info_t *vi = &si.vcpu_info[0];

static void clean(void)
{
    memset(&si, 0, sizeof(si));
}

static bool pending(evtchn_port_t p) { return si.evtchn_pending[p / 64] >> (p % 64) & 1; }
static void mask(evtchn_port_t p)    { si.evtchn_mask[p / 64] |= 1UL << (p % 64); }

START_TEST(set_pending_raises_the_upcall_once)
{
    clean();
    ck_assert_uint_eq(evtchn_2l_set_pending(&si, vi, 70),
                      EVTCHN_2L_NEWLY_PENDING | EVTCHN_2L_KICK);
    ck_assert(pending(70));
    ck_assert_uint_eq(vi->evtchn_pending_sel, 1UL << 1);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
    /* Already pending: nothing at all. */
    ck_assert_uint_eq(evtchn_2l_set_pending(&si, vi, 70), 0);
    /* Same selector word: no new kick. */
    ck_assert_uint_eq(evtchn_2l_set_pending(&si, vi, 71), EVTCHN_2L_NEWLY_PENDING);
    /* Another word, but the upcall is already pending: no new kick. */
    ck_assert_uint_eq(evtchn_2l_set_pending(&si, vi, 3), EVTCHN_2L_NEWLY_PENDING);
    ck_assert_uint_eq(vi->evtchn_pending_sel, (1UL << 1) | 1);
    /* The guest handled everything: the next event kicks again. */
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    memset(si.evtchn_pending, 0, sizeof(si.evtchn_pending));
    ck_assert_uint_eq(evtchn_2l_set_pending(&si, vi, 4095),
                      EVTCHN_2L_NEWLY_PENDING | EVTCHN_2L_KICK);
    ck_assert_uint_eq(vi->evtchn_pending_sel, 1UL << 63);
}
END_TEST

START_TEST(masked_ports_stay_quiet_until_unmasked)
{
    clean();
    mask(5);
    ck_assert_uint_eq(evtchn_2l_set_pending(&si, vi, 5), EVTCHN_2L_NEWLY_PENDING);
    ck_assert(pending(5));
    ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    ck_assert(evtchn_2l_is_masked(&si, 5));
    /* Unmasking a pending port delivers it late. */
    ck_assert_uint_eq(evtchn_2l_unmask(&si, vi, 5), EVTCHN_2L_KICK);
    ck_assert(!evtchn_2l_is_masked(&si, 5));
    ck_assert_uint_eq(vi->evtchn_pending_sel, 1);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
}
END_TEST

START_TEST(unmask_only_delivers_when_it_clears_the_mask)
{
    clean();
    /* Not pending: unmask clears the bit, raises nothing. */
    mask(9);
    ck_assert_uint_eq(evtchn_2l_unmask(&si, vi, 9), 0);
    ck_assert(!evtchn_2l_is_masked(&si, 9));
    /* Pending but the guest cleared the mask itself first: as Xen, the
     * hypercall then delivers nothing. */
    mask(9);
    evtchn_2l_set_pending(&si, vi, 9);
    si.evtchn_mask[0] = 0;
    ck_assert_uint_eq(evtchn_2l_unmask(&si, vi, 9), 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    /* Selector already set: the upcall is not raised again. */
    clean();
    mask(9);
    evtchn_2l_set_pending(&si, vi, 9);
    vi->evtchn_pending_sel = 1;
    ck_assert_uint_eq(evtchn_2l_unmask(&si, vi, 9), 0);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
}
END_TEST

START_TEST(clear_and_query)
{
    clean();
    evtchn_2l_set_pending(&si, vi, 200);
    ck_assert(evtchn_2l_is_pending(&si, 200));
    ck_assert(!evtchn_2l_is_pending(&si, 201));
    evtchn_2l_clear_pending(&si, 200);
    ck_assert(!evtchn_2l_is_pending(&si, 200));
    /* Selector and upcall are the guest's to clear. */
    ck_assert_uint_eq(vi->evtchn_pending_sel, 1UL << 3);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
}
END_TEST

/* --- initial mapping layout ---------------------------------------------- */

#define VBASE 0xffffffff80000000UL
#define MB(x) ((u64)(x) << 20)
#define KB(x) ((u64)(x) << 10)

static struct pv_layout l;
static char err[128];

static void check_order(const struct pv_layout *x)
{
    ck_assert_uint_le(x->v_start, x->kern_start);
    ck_assert_uint_le(x->kern_end, x->initrd_start);
    ck_assert_uint_le(x->initrd_end, x->p2m_start);
    ck_assert_uint_le(x->p2m_end, x->startinfo);
    ck_assert_uint_lt(x->startinfo, x->pt_start);
    ck_assert_uint_eq(x->pt_end, x->pt_start + x->nr_pt * 4096UL);
    ck_assert_uint_eq(x->stack_end, x->pt_end + 4096);
    /* 4 MiB boundary, at least 512 KiB spare. */
    ck_assert_uint_eq(x->v_end % MB(4), 0);
    ck_assert_uint_ge(x->v_end - x->stack_end, KB(512));
    ck_assert_uint_lt(x->v_end - x->stack_end, MB(4) + KB(512));
    /* The tables cover the region: one L4 and the lower levels. */
    ck_assert_uint_ge(x->nr_pt, 1 + x->n3 + x->n2 + x->n1);
}

START_TEST(layout_of_a_small_dom0)
{
    ck_assert_int_eq(pv_layout_compute(&l, VBASE, VBASE, VBASE + 0x14000, 0,
                                       8192, false, err, sizeof(err)), 0);
    check_order(&l);
    ck_assert_uint_eq(l.kern_end, VBASE + 0x14000);
    ck_assert_uint_eq(l.initrd_start, l.initrd_end);
    ck_assert_uint_eq(l.p2m_end - l.p2m_start, 8192 * 8);
    ck_assert_uint_eq(l.startinfo, l.p2m_end);
    ck_assert_uint_eq(l.store, 0);
    ck_assert_uint_eq(l.console, 0);
    ck_assert_uint_eq(l.pt_start, l.startinfo + 4096);
    ck_assert_uint_eq(l.v_end, VBASE + MB(4));
    ck_assert_uint_eq(l.nr_pt, 5);          /* L4, L3, L2, two L1s */
    ck_assert_uint_eq(l.n1, 2);
}
END_TEST

START_TEST(layout_of_a_domu_with_initrd)
{
    ck_assert_int_eq(pv_layout_compute(&l, VBASE, VBASE + 0x1000, VBASE + 0x123456,
                                       12345, 65536, true, err, sizeof(err)), 0);
    check_order(&l);
    ck_assert_uint_eq(l.kern_start, VBASE + 0x1000);
    ck_assert_uint_eq(l.kern_end, VBASE + 0x124000);
    ck_assert_uint_eq(l.initrd_end - l.initrd_start, 4 * 4096);
    ck_assert_uint_eq(l.store, l.startinfo + 4096);
    ck_assert_uint_eq(l.console, l.store + 4096);
    ck_assert_uint_eq(l.pt_start, l.console + 4096);
}
END_TEST

START_TEST(spare_rule_adds_4m)
{
    /* A stack ending less than 512 KiB below a 4 MiB boundary. */
    u64 kend = VBASE + MB(4) - KB(512) - 0x10000;

    ck_assert_int_eq(pv_layout_compute(&l, VBASE, VBASE, kend, 0, 65536, false,
                                       err, sizeof(err)), 0);
    check_order(&l);
    ck_assert_uint_eq(l.v_end, VBASE + MB(8));
}
END_TEST

START_TEST(tables_grow_across_1g)
{
    /* A region crossing a 1 GiB boundary needs two L2s. */
    u64 base = 0xffff880000000000UL + (1UL << 30) - MB(4);

    ck_assert_int_eq(pv_layout_compute(&l, base, base, base + MB(6), 0, 1 << 20,
                                       false, err, sizeof(err)), 0);
    check_order(&l);
    ck_assert_uint_eq(l.n2, 2);
    ck_assert_uint_eq(l.nr_pt, 1 + l.n3 + l.n2 + l.n1);
}
END_TEST

START_TEST(layout_refusals)
{
    ck_assert_int_eq(pv_layout_compute(&l, VBASE + 1, VBASE + 1, VBASE + 100, 0,
                                       8192, false, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "not page aligned"));
    /* Not enough memory for the initial mapping. */
    ck_assert_int_eq(pv_layout_compute(&l, VBASE, VBASE, VBASE + 0x14000, 0,
                                       512, false, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "needs 4096 KiB, the domain has 2048 KiB"));
    /* A huge initrd running past the top of the address space. */
    ck_assert_int_eq(pv_layout_compute(&l, VBASE, VBASE, VBASE + 0x1000, ~0UL / 2,
                                       ~0UL >> 16, false, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "leaves the guest address space"));
    /* A low kernel growing into the non-canonical gap. */
    ck_assert_int_eq(pv_layout_compute(&l, 0x7fffffe00000UL, 0x7fffffe00000UL,
                                       0x7ffffff00000UL, 0, 1 << 20, false,
                                       err, sizeof(err)), -EINVAL);
    /* Nor may it start in hv's hole. */
    ck_assert_int_eq(pv_layout_compute(&l, 0xffff830000000000UL, 0xffff830000000000UL,
                                       0xffff830000010000UL, 0, 8192, false,
                                       err, sizeof(err)), -EINVAL);
    /* A low kernel (VIRT_BASE 0, as Mini-OS) is fine. */
    ck_assert_int_eq(pv_layout_compute(&l, 0, 0, 0x20000, 0, 8192, true,
                                       err, sizeof(err)), 0);
    check_order(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_logic");
    TCase *ev = tcase_create("evtchn_2l"), *lay = tcase_create("layout");

    tcase_add_test(ev, set_pending_raises_the_upcall_once);
    tcase_add_test(ev, masked_ports_stay_quiet_until_unmasked);
    tcase_add_test(ev, unmask_only_delivers_when_it_clears_the_mask);
    tcase_add_test(ev, clear_and_query);
    tcase_add_test(lay, layout_of_a_small_dom0);
    tcase_add_test(lay, layout_of_a_domu_with_initrd);
    tcase_add_test(lay, spare_rule_adds_4m);
    tcase_add_test(lay, tables_grow_across_1g);
    tcase_add_test(lay, layout_refusals);
    suite_add_tcase(s, ev);
    suite_add_tcase(s, lay);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
