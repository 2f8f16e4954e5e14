/* mmu_update, mmuext_op and update_va_mapping: arguments and refusals. */
#include <string.h>
#include "helpers.h"
#include "suites.h"

static struct domain *d, *e, *dom0;
static struct guest_as as;

static void setup(void)
{
    mm_test_setup();
    dom0 = sim_new_domain(0, 64, true);
    d = sim_new_domain(1, 64, false);
    e = sim_new_domain(2, 64, false);
    build_as(d, &as, 4);
    ck_assert_int_eq(ext(d, MMUEXT_PIN_L4_TABLE, as.l4, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as.l4, 0), 0);
}

#define DATA_VA(i) (GUEST_VA_DATA + (i) * PAGE_SIZE)

START_TEST(mmu_update_maps_and_unmaps)
{
    mfn_t f = new_frame(d);

    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 100),
                         pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF), 0);
    ck_assert_uint_eq(table(as.l1)[100],
                      pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER));
    ck_assert_uint_eq(mfn_to_page(f)->type, PGT_writable);
    ck_invariants();
    /* RW -> RO on the same frame drops the writable reference only. */
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 100),
                         pte_from_mfn(f, _PAGE_PRESENT), DOMID_SELF), 0);
    ck_assert_uint_eq(mfn_to_page(f)->type_count, 0);
    ck_assert_uint_eq(mfn_to_page(f)->count, 2);
    /* Flags-only change (NX, avail bits, G on L1) keeps references. */
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 100),
                         pte_from_mfn(f, _PAGE_PRESENT | _PAGE_NX |
                                      _PAGE_GLOBAL | 0x600), DOMID_SELF), 0);
    ck_assert_uint_eq(mfn_to_page(f)->count, 2);
    ck_refused(mmu(d, pte_ma(as.l1, 100),
                   pte_from_mfn(f, _PAGE_PRESENT | _PAGE_PWT), DOMID_SELF),
               -EINVAL);
    ck_invariants();
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 100), 0, DOMID_SELF), 0);
    ck_assert_uint_eq(mfn_to_page(f)->count, 1);
    /* New upper-level entries validate their targets. */
    {
        mfn_t l2b = new_frame(d), l1b = new_frame(d);

        table(l1b)[0] = pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW);
        table(l2b)[0] = pte_from_mfn(l1b, _PAGE_PRESENT | _PAGE_RW);
        ck_assert_int_eq(mmu(d, pte_ma(as.l3, 1),
                             pte_from_mfn(l2b, _PAGE_PRESENT | _PAGE_RW),
                             DOMID_SELF), 0);
        ck_assert_uint_eq(mfn_to_page(l1b)->type, PGT_l1_page_table);
        ck_assert_uint_eq(mfn_to_page(f)->type, PGT_writable);
        ck_invariants();
        ck_assert_int_eq(mmu(d, pte_ma(as.l3, 1), 0, DOMID_SELF), 0);
        ck_assert_uint_eq(mfn_to_page(l1b)->type, PGT_none);
        ck_assert_uint_eq(mfn_to_page(f)->type, PGT_none);
    }
    ck_invariants();
}
END_TEST

START_TEST(writable_mapping_of_page_table_refused)
{
    ck_refused(mmu(d, pte_ma(as.l1, 50),
                   pte_from_mfn(as.l2, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF),
               -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 50),
                   pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF),
               -EBUSY);
    ck_refused(uvm(d, DATA_VA(50), pte_from_mfn(as.l4, _PAGE_PRESENT | _PAGE_RW),
                   UVMF_NONE), -EBUSY);
    /* Turning the existing read-only table mapping writable. */
    ck_refused(uvm(d, GUEST_VA_TABLES + 3 * PAGE_SIZE,
                   pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_RW), UVMF_NONE),
               -EBUSY);
    ck_invariants();
}
END_TEST

START_TEST(foreign_and_hv_frames_refused)
{
    mfn_t theirs = new_frame(e);
    mfn_t xen = virt_to_mfn(alloc_xenheap_pages(0));
    mfn_t m2p = 0;

    for (unsigned int i = 0; i < sim_nr_map_calls; i++)
        if (sim_map_calls[i].va == MACH2PHYS_VIRT_START)
            m2p = sim_map_calls[i].mfn;
    ck_assert_uint_ne(m2p, 0);

    /* Xen's error for an L1 entry whose frame is not ours: -EBUSY. */
    ck_refused(mmu(d, pte_ma(as.l1, 60), pte_from_mfn(theirs, _PAGE_PRESENT),
                   DOMID_SELF), -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 60), pte_from_mfn(theirs, _PAGE_PRESENT),
                   2), -EPERM);   /* unprivileged foreigndom */
    ck_refused(mmu(d, pte_ma(as.l1, 60), pte_from_mfn(theirs, _PAGE_PRESENT),
                   9), -ESRCH);   /* no such domain: Xen looks it up first */
    ck_refused(mmu(d, pte_ma(as.l1, 60), pte_from_mfn(xen, _PAGE_PRESENT),
                   DOMID_SELF), -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 60),
                   pte_from_mfn(m2p, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF),
               -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 60), pte_from_mfn(m2p, _PAGE_PRESENT),
                   DOMID_SELF), -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 60),
                   pte_from_mfn(SIM_IMAGE_START >> PAGE_SHIFT, _PAGE_PRESENT),
                   DOMID_SELF), -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 60), pte_from_mfn(0xb8, _PAGE_PRESENT),
                   DOMID_SELF), -EBUSY);
    ck_refused(mmu(d, pte_ma(as.l1, 60),
                   pte_from_mfn(SIM_HOLE_START >> PAGE_SHIFT, _PAGE_PRESENT),
                   DOMID_SELF), -EBUSY);
    ck_refused(uvm(d, DATA_VA(60), pte_from_mfn(theirs, _PAGE_PRESENT),
                   UVMF_NONE), -EBUSY);
    ck_refused(do_update_va_mapping_otherdomain(DATA_VA(60),
                   pte_from_mfn(theirs, _PAGE_PRESENT), UVMF_NONE, 2), -EPERM);
    ck_invariants();
}
END_TEST

START_TEST(privileged_foreign_mapping)
{
    struct guest_as as0;
    mfn_t theirs = as.data[1], third = new_frame(e);
    u64 before = mfn_to_page(theirs)->count;

    build_as(dom0, &as0, 1);
    ck_assert_int_eq(ext(dom0, MMUEXT_PIN_L4_TABLE, as0.l4, 0), 0);
    ck_assert_int_eq(mmu(dom0, pte_ma(as0.l1, 70),
                         pte_from_mfn(theirs, _PAGE_PRESENT | _PAGE_RW), 1), 0);
    ck_assert_uint_eq(mfn_to_page(theirs)->count, before + 1);
    ck_assert_uint_eq(mfn_to_page(theirs)->type_count, 2);
    /* The page owner must match foreigndom, not just be someone. */
    ck_refused(mmu(dom0, pte_ma(as0.l1, 71),
                   pte_from_mfn(third, _PAGE_PRESENT), 1), -EBUSY);
    /* Upper levels never take foreign frames. */
    ck_refused(mmu(dom0, pte_ma(as0.l2, 3),
                   pte_from_mfn(as.l1, _PAGE_PRESENT), 1), -EINVAL);
    /* Nonexistent domains. */
    ck_refused(mmu(dom0, pte_ma(as0.l1, 72),
                   pte_from_mfn(theirs, _PAGE_PRESENT), 9), -ESRCH);
    ck_refused(mmu(dom0, pte_ma(as0.l1, 72),
                   pte_from_mfn(theirs, _PAGE_PRESENT), DOMID_IO), -EOPNOTSUPP);
    /* dom0 may edit d's tables through the page-table-owner field. */
    ck_assert_int_eq(mmu(dom0, pte_ma(as.l1, 80),
                         pte_from_mfn(as.data[2], _PAGE_PRESENT),
                         (2u << 16) | DOMID_SELF), -EBUSY);
    ck_assert_int_eq(mmu(dom0, pte_ma(as.l1, 80),
                         pte_from_mfn(as.data[2], _PAGE_PRESENT),
                         (2u << 16) | 1), 0);
    ck_assert_uint_eq(pte_mfn(table(as.l1)[80]), as.data[2]);
    ck_refused(mmu(d, pte_ma(as0.l1, 80), 0, (1u << 16) | DOMID_SELF), -EPERM);
    /* update_va_mapping_otherdomain. */
    sim_current = dom0->vcpu[0];
    ck_assert_int_eq(ext(dom0, MMUEXT_NEW_BASEPTR, as0.l4, 0), 0);
    ck_assert_int_eq(do_update_va_mapping_otherdomain(GUEST_VA_DATA + 5 * PAGE_SIZE,
                         pte_from_mfn(as.data[3], _PAGE_PRESENT), UVMF_NONE, 1), 0);
    ck_assert_uint_eq(pte_mfn(table(as0.l1)[pt_index(1, GUEST_VA_DATA) + 5]),
                      as.data[3]);
    ck_invariants();
}
END_TEST

START_TEST(hv_l4_slots_refused)
{
    static const unsigned int slots[] = { 256, 257, 261, 262, 271 };

    for (unsigned int i = 0; i < 5; i++)
        ck_refused(mmu(d, pte_ma(as.l4, slots[i]), 0, DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l4, 256), pte_from_mfn(as.l3, _PAGE_PRESENT),
                   DOMID_SELF), -EINVAL);
    for (unsigned int i = 256; i < 272; i++)
        ck_assert_uint_eq(table(as.l4)[i], sim_root_l4[i]);
    /* The slots on either side belong to the guest. */
    ck_assert_int_eq(mmu(d, pte_ma(as.l4, 255), 0, DOMID_SELF), 0);
    ck_assert_int_eq(mmu(d, pte_ma(as.l4, 272), 0, DOMID_SELF), 0);
    ck_invariants();
}
END_TEST

START_TEST(bad_flags_refused)
{
    mfn_t l2b = new_frame(d);

    ck_refused(mmu(d, pte_ma(as.l2, 3), pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_PSE),
                   DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l3, 3), pte_from_mfn(l2b, _PAGE_PRESENT | _PAGE_PSE),
                   DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l2, 3),
                   pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_GLOBAL), DOMID_SELF),
               -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l3, 3), pte_from_mfn(l2b, _PAGE_PRESENT | _PAGE_PCD),
                   DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l1, 3),
                   pte_from_mfn(as.data[0], _PAGE_PRESENT | _PAGE_PAT), DOMID_SELF),
               -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l1, 3),
                   pte_from_mfn(as.data[0], _PAGE_PRESENT | _PAGE_PCD), DOMID_SELF),
               -EINVAL);
    /* Same target, only a bad flag added: the fast path checks too. */
    ck_refused(mmu(d, pte_ma(as.l1, pt_index(1, GUEST_VA_DATA)),
                   pte_from_mfn(as.data[0], _PAGE_PRESENT | _PAGE_RW | _PAGE_PWT),
                   DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(as.l2, pt_index(2, GUEST_VA_DATA)),
                   pte_from_mfn(as.l1, _PAGE_PRESENT | _PAGE_PSE), DOMID_SELF),
               -EINVAL);
    ck_invariants();
}
END_TEST

START_TEST(bad_ptr_refused)
{
    mfn_t theirs_l1, xen = virt_to_mfn(alloc_xenheap_pages(0));
    mfn_t l1b = new_frame(d);
    struct guest_as eas;

    build_as(e, &eas, 1);
    ck_assert_int_eq(ext(e, MMUEXT_PIN_L4_TABLE, eas.l4, 0), 0);
    theirs_l1 = eas.l1;
    ck_refused(mmu(d, pte_ma(as.l1, 3) + 4, 0, DOMID_SELF), -ENOSYS);
    ck_refused(mmu(d, pte_ma(theirs_l1, 3), 0, DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(SIM_MAX_MFN, 3), 0, DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(~0UL >> 12, 0), 0, DOMID_SELF), -EINVAL);
    ck_refused(mmu(d, pte_ma(xen, 0), 0, DOMID_SELF), -EINVAL);
    /* A frame of ours that is not (currently) a table: a plain store
     * (Xen's rule), which takes no reference and changes no type. */
    ck_assert_int_eq(mmu(d, pte_ma(l1b, 7), 0x1234, DOMID_SELF), 0);
    ck_assert_uint_eq(table(l1b)[7], 0x1234);
    ck_assert_uint_eq(mfn_to_page(l1b)->type, PGT_none);
    ck_assert_int_eq(mmu(d, pte_ma(as.data[0], 3), 0x5678, DOMID_SELF), 0);
    ck_assert_uint_eq(table(as.data[0])[3], 0x5678);
    ck_invariants();
}
END_TEST

START_TEST(batches_stop_at_first_error)
{
    mfn_t f = new_frame(d);
    struct mmu_update reqs[3] = {
        { pte_ma(as.l1, 90), pte_from_mfn(f, _PAGE_PRESENT) },
        { pte_ma(as.l1, 91), pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW) },
        { pte_ma(as.l1, 92), pte_from_mfn(as.l2, _PAGE_PRESENT | _PAGE_RW) },
    };
    unsigned int done;

    ck_assert_int_eq(mmu_batch(d, reqs, 3, &done), -EBUSY);
    ck_assert_uint_eq(done, 2);
    ck_assert_uint_eq(mfn_to_page(f)->count, 3);
    ck_assert_uint_eq(table(as.l1)[92], 0);
    ck_assert_int_eq(mmu_batch(d, reqs, 2, &done), 0);   /* rewrites: no-ops */
    ck_assert_uint_eq(done, 2);
    ck_assert_uint_eq(mfn_to_page(f)->count, 3);
    ck_assert_int_eq(mmu_batch(d, reqs, 0, &done), 0);
    ck_assert_uint_eq(done, 0);
    ck_invariants();
}
END_TEST

START_TEST(bad_handles_and_counts)
{
    mfn_t f = new_frame(d);
    struct mmu_update req = { pte_ma(as.l1, 95), pte_from_mfn(f, _PAGE_PRESENT) };
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE };
    u64 end = GUEST_WIN_BASE + GUEST_WIN_SIZE;
    unsigned int flushes;
    mfn_t g = new_frame(d);

    sim_current = d->vcpu[0];
    ck_refused(do_mmu_update(G_BAD, 1, 0, DOMID_SELF), -EFAULT);
    ck_refused(do_mmu_update(end - 8, 1, 0, DOMID_SELF), -EFAULT);
    ck_refused(do_mmu_update(G_REQS, 0x80000001u, 0, DOMID_SELF), -EINVAL);
    ck_refused(do_mmuext_op(G_BAD, 1, 0, DOMID_SELF), -EFAULT);
    ck_refused(do_mmuext_op(G_REQS, 0x80000001u, 0, DOMID_SELF), -EINVAL);
    /* As Xen, a done count that cannot be written is ignored. */
    memcpy(sim_guest_ptr(G_REQS), &req, sizeof(req));
    ck_assert_int_eq(do_mmu_update(G_REQS, 1, G_BAD, DOMID_SELF), 0);
    ck_assert_uint_eq(pte_mfn(table(as.l1)[95]), f);
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, 95), 0, DOMID_SELF), 0);
    op.cmd = MMUEXT_TLB_FLUSH_LOCAL;
    memcpy(sim_guest_ptr(G_REQS), &op, sizeof(op));
    ck_assert_int_eq(do_mmuext_op(G_REQS, 1, G_BAD, DOMID_SELF), 0);
    op.cmd = MMUEXT_PIN_L1_TABLE;

    /* A count running past the readable array: the first ones apply. */
    memcpy(sim_guest_ptr(end - sizeof(req)), &req, sizeof(req));
    ck_assert_int_eq(do_mmu_update(end - sizeof(req), 2, G_DONE, DOMID_SELF),
                     -EFAULT);
    ck_assert_uint_eq(*(unsigned int *)sim_guest_ptr(G_DONE), 1);
    ck_assert_uint_eq(pte_mfn(table(as.l1)[95]), f);

    op.arg1.mfn = g;
    memcpy(sim_guest_ptr(end - sizeof(op)), &op, sizeof(op));
    ck_assert_int_eq(do_mmuext_op(end - sizeof(op), 3, G_DONE, DOMID_SELF),
                     -EFAULT);
    ck_assert_uint_eq(*(unsigned int *)sim_guest_ptr(G_DONE), 1);
    ck_assert(mfn_to_page(op.arg1.mfn)->flags & PGF_pinned);

    /* vCPU masks are read before anything changes (an unreadable one is
     * -EINVAL for mmuext_op, -EFAULT for update_va_mapping, as in Xen). */
    op.cmd = MMUEXT_TLB_FLUSH_MULTI;
    op.arg2.vcpumask = G_BAD;
    memcpy(sim_guest_ptr(G_REQS), &op, sizeof(op));
    flushes = sim_flushes();
    ck_assert_int_eq(do_mmuext_op(G_REQS, 1, 0, DOMID_SELF), -EINVAL);
    ck_assert_uint_eq(sim_flushes(), flushes);
    ck_refused(uvm(d, DATA_VA(99), pte_from_mfn(f, _PAGE_PRESENT),
                   UVMF_TLB_FLUSH | (G_BAD & ~3UL)), -EFAULT);
    ck_assert_uint_eq(table(as.l1)[pt_index(1, DATA_VA(99))], 0);
    ck_invariants();
}
END_TEST

START_TEST(base_pointers)
{
    struct guest_as as2;
    mfn_t old = as.l4, theirs = new_frame(e);

    ck_assert_uint_eq(d->vcpu[0]->guest_table, as.l4);
    ck_assert_uint_eq(sim_hooks.last_cr3, as.l4);
    ck_assert_uint_eq(mfn_to_page(as.l4)->type_count, 2);   /* pin + base */
    /* Unpinning the table in use leaves it valid, held by the base. */
    ck_assert_int_eq(ext(d, MMUEXT_UNPIN_TABLE, as.l4, 0), 0);
    ck_assert_uint_eq(mfn_to_page(as.l4)->type_count, 1);
    ck_assert(mfn_to_page(as.l4)->flags & PGF_validated);
    ck_invariants();

    build_as(d, &as2, 1);
    ck_refused(ext(d, MMUEXT_NEW_BASEPTR, as.data[0], 0), -EINVAL);
    ck_invariants();
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, as2.l4, 0), 0);
    ck_assert_uint_eq(sim_hooks.last_cr3, as2.l4);
    /* The old L4 lost its last type reference: devalidated, cascading. */
    ck_assert_uint_eq(mfn_to_page(old)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(as.l1)->type, PGT_none);
    ck_assert_uint_eq(mfn_to_page(as.data[0])->type, PGT_none);
    ck_invariants();

    ck_refused(ext(d, MMUEXT_NEW_BASEPTR, 0, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_NEW_BASEPTR, SIM_MAX_MFN, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_NEW_BASEPTR, theirs, 0), -EINVAL);
    ck_refused(ext_fd(d, MMUEXT_NEW_BASEPTR, as.l4, 0, 2), -EPERM);
    /* Same table again: only the CR3 reload. */
    ck_refused(ext(d, MMUEXT_NEW_BASEPTR, as2.l4, 0), 0);

    ck_assert_int_eq(ext(d, MMUEXT_NEW_USER_BASEPTR, old, 0), 0);
    ck_assert_uint_eq(d->vcpu[0]->guest_table_user, old);
    ck_assert_uint_eq(mfn_to_page(old)->type, PGT_l4_page_table);
    ck_invariants();
    ck_assert_int_eq(ext(d, MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    ck_assert_uint_eq(mfn_to_page(old)->type, PGT_none);
    ck_invariants();
}
END_TEST

START_TEST(m2p_strict_hides_m2p_from_user_tables)
{
    struct guest_as u;

    build_as(d, &u, 1);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_USER_BASEPTR, u.l4, 0), 0);
    ck_assert_uint_eq(table(u.l4)[256], sim_root_l4[256]);
    ck_assert_int_eq(ext(d, MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);

    d->vm_assist |= 1UL << VMASST_TYPE_m2p_strict;
    ck_assert_int_eq(ext(d, MMUEXT_NEW_USER_BASEPTR, u.l4, 0), 0);
    ck_assert_uint_eq(table(u.l4)[256], 0);
    ck_assert_uint_eq(table(u.l4)[257], sim_root_l4[257]);
    ck_assert_uint_eq(table(as.l4)[256], sim_root_l4[256]);
    /* Used as a kernel table, it gets the M2P back. */
    ck_assert_int_eq(ext(d, MMUEXT_NEW_BASEPTR, u.l4, 0), 0);
    ck_assert_uint_eq(table(u.l4)[256], sim_root_l4[256]);
    ck_invariants();
}
END_TEST

START_TEST(update_va_mapping_rules)
{
    mfn_t f = new_frame(d);
    u64 va = DATA_VA(40);

    ck_assert_int_eq(uvm(d, va, pte_from_mfn(f, _PAGE_PRESENT | _PAGE_RW),
                         UVMF_INVLPG), 0);
    ck_assert_uint_eq(pte_mfn(table(as.l1)[pt_index(1, va)]), f);
    ck_assert_uint_eq(sim_hooks.flush_one_local, 1);
    ck_assert_uint_eq(sim_hooks.last_flush_va, va);
    /* No guest translation can be global: both are a CR3 reload. */
    ck_assert_int_eq(uvm(d, va, 0, UVMF_TLB_FLUSH | UVMF_ALL), 0);
    ck_assert_uint_eq(sim_hooks.flush_local, 1);
    ck_assert_int_eq(uvm(d, va, 0, UVMF_TLB_FLUSH), 0);
    ck_assert_uint_eq(sim_hooks.flush_local, 2);
    sim_hooks.guest_globals = true;
    ck_assert_int_eq(uvm(d, va, 0, UVMF_TLB_FLUSH | UVMF_ALL), 0);
    ck_assert_uint_eq(sim_hooks.flush_all, 1);
    sim_hooks.guest_globals = false;
    ck_assert_int_eq(uvm(d, va, 0, UVMF_INVLPG | UVMF_ALL), 0);
    ck_assert_uint_eq(sim_hooks.flush_one_all, 1);
    *(u64 *)sim_guest_ptr(G_MASK) = 1;
    ck_assert_int_eq(uvm(d, va, 0, UVMF_INVLPG | G_MASK), 0);
    ck_assert_uint_eq(sim_hooks.flush_one_all, 2);
    ck_assert_uint_eq(mfn_to_page(f)->count, 1);

    ck_refused(uvm(d, HV_HOLE_START + 0x1000, 0, UVMF_NONE), -EINVAL);
    /* Even where a walk through hv's slot would reach a guest L1. */
    table(as.l4)[271] = table(as.l4)[pt_index(4, GUEST_VA_DATA)];
    ck_refused(uvm(d, 0xffff878000000000UL | GUEST_VA_DATA, 0, UVMF_NONE),
               -EINVAL);
    ck_assert_uint_eq(pte_mfn(table(as.l1)[pt_index(1, GUEST_VA_DATA)]),
                      as.data[0]);
    table(as.l4)[271] = sim_root_l4[271];
    ck_refused(uvm(d, 0x0000800000000000UL, 0, UVMF_NONE), -EINVAL);
    ck_refused(uvm(d, 0x7f0000000000UL, pte_from_mfn(f, _PAGE_PRESENT),
                   UVMF_NONE), -EINVAL);   /* no L3 there */
    /* Flush type 3 (both bits): accepted, flushes nothing (Xen). */
    {
        unsigned int local = sim_hooks.flush_local, one = sim_hooks.flush_one_local;

        ck_assert_int_eq(uvm(d, va, pte_from_mfn(f, _PAGE_PRESENT), 3), 0);
        ck_assert_uint_eq(sim_hooks.flush_local, local);
        ck_assert_uint_eq(sim_hooks.flush_one_local, one);
        ck_assert_int_eq(uvm(d, va, 0, UVMF_NONE), 0);
    }
    {
        mfn_t base = d->vcpu[0]->guest_table;

        d->vcpu[0]->guest_table = 0;
        ck_refused(uvm(d, va, 0, UVMF_NONE), -EINVAL);
        d->vcpu[0]->guest_table = base;
    }
    ck_invariants();
}
END_TEST

START_TEST(preserve_ad)
{
    unsigned int slot = pt_index(1, GUEST_VA_DATA);
    u64 ad = _PAGE_ACCESSED | _PAGE_DIRTY;

    table(as.l1)[slot] |= ad;   /* as the CPU would */
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, slot) | MMU_PT_UPDATE_PRESERVE_AD,
                         pte_from_mfn(as.data[0], _PAGE_PRESENT), DOMID_SELF), 0);
    ck_assert_uint_eq(table(as.l1)[slot] & ad, ad);
    ck_assert(!(table(as.l1)[slot] & _PAGE_RW));
    ck_assert_int_eq(mmu(d, pte_ma(as.l1, slot),
                         pte_from_mfn(as.data[0], _PAGE_PRESENT), DOMID_SELF), 0);
    ck_assert_uint_eq(table(as.l1)[slot] & ad, 0);
    ck_invariants();
}
END_TEST

START_TEST(machphys_update)
{
    struct mmu_update req = { (as.data[0] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 77 };
    const u64 *ro = (const u64 *)HV_VA(RO_MPT_VIRT_START);
    unsigned int done;

    ck_assert_int_eq(mmu_batch(d, &req, 1, &done), 0);
    ck_assert_uint_eq(ro[as.data[0]], 77);
    req.ptr = (new_frame(e) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    ck_assert_int_eq(mmu_batch(d, &req, 1, &done), -EINVAL);
    ck_assert_uint_eq(ro[req.ptr >> PAGE_SHIFT], INVALID_PFN);
    req.ptr = (SIM_MAX_MFN << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    ck_assert_int_eq(mmu_batch(d, &req, 1, &done), -EINVAL);
    req.ptr = (0x10UL << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    ck_assert_int_eq(mmu_batch(d, &req, 1, &done), -EINVAL);
    /* dom0 for d, and only with pt_owner = itself. */
    req.ptr = (as.data[1] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    ck_assert_int_eq(mmu(dom0, req.ptr, 5, 1), 0);
    ck_assert_uint_eq(ro[as.data[1]], 5);
    ck_assert_int_eq(mmu(dom0, req.ptr, 6, (2u << 16) | 1), -EPERM);
    ck_assert_uint_eq(ro[as.data[1]], 5);
}
END_TEST

START_TEST(clear_and_copy_page)
{
    mfn_t a = new_frame(d), b = new_frame(d), theirs = new_frame(e);

    memset(table(a), 0x5a, PAGE_SIZE);
    ck_assert_int_eq(ext(d, MMUEXT_COPY_PAGE, b, a), 0);
    ck_assert_int_eq(memcmp(table(a), table(b), PAGE_SIZE), 0);
    ck_assert_int_eq(ext(d, MMUEXT_CLEAR_PAGE, a, 0), 0);
    ck_assert_uint_eq(table(a)[17], 0);
    ck_assert_uint_eq(mfn_to_page(a)->type_count, 0);
    /* Page tables may be read, never written. */
    ck_assert_int_eq(ext(d, MMUEXT_COPY_PAGE, b, as.l1), 0);
    ck_refused(ext(d, MMUEXT_COPY_PAGE, as.l1, b), -EBUSY);
    ck_refused(ext(d, MMUEXT_CLEAR_PAGE, as.l4, 0), -EBUSY);
    ck_refused(ext(d, MMUEXT_CLEAR_PAGE, theirs, 0), -EINVAL);
    ck_refused(ext(d, MMUEXT_COPY_PAGE, b, theirs), -EINVAL);
    ck_refused(ext(d, MMUEXT_CLEAR_PAGE, SIM_MAX_MFN, 0), -EINVAL);
    ck_invariants();
}
END_TEST

START_TEST(tlb_ops)
{
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_local, 1);
    ck_assert_int_eq(ext(d, MMUEXT_INVLPG_LOCAL, 0x1234000, 0), 0);
    ck_assert_uint_eq(sim_hooks.last_flush_va, 0x1234000);
    ck_assert_int_eq(ext(d, MMUEXT_INVLPG_ALL, 0x5000, 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_one_all, 1);
    *(u64 *)sim_guest_ptr(G_MASK) = 1;
    ck_assert_int_eq(ext(d, MMUEXT_INVLPG_MULTI, 0x6000, G_MASK), 0);
    ck_assert_uint_eq(sim_hooks.flush_one_all, 2);
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_MULTI, 0, G_MASK), 0);
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_local, 3);
    sim_hooks.guest_globals = true;
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_all, 1);
    ck_assert_int_eq(ext(d, MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    ck_assert_uint_eq(sim_hooks.flush_local, 4);
    /* Any address is accepted; a non-canonical one flushes nothing. */
    ck_assert_int_eq(ext(d, MMUEXT_INVLPG_LOCAL, 0x0000900000000000UL, 0), 0);
    ck_assert_uint_eq(sim_hooks.last_flush_va, 0x6000);
    ck_assert_int_eq(ext(d, MMUEXT_MARK_SUPER, 0, 0), -EOPNOTSUPP);
    ck_assert_int_eq(ext_fd(d, MMUEXT_TLB_FLUSH_LOCAL, 0, 0, 2), -EPERM);
    /* SET_LDT: an empty LDT; a non-empty one is checked as Xen checks it,
     * then refused (hv maps no LDT pages yet). */
    ck_assert_int_eq(ext(d, MMUEXT_SET_LDT, 0x1234, 0), 0);
    ck_assert_int_eq(ext(d, MMUEXT_SET_LDT, 0x1001, 1), -EINVAL);
    ck_assert_int_eq(ext(d, MMUEXT_SET_LDT, 0x1000, 8193), -EINVAL);
    ck_assert_int_eq(ext(d, MMUEXT_SET_LDT, 0xffff800000000000UL, 1), -EINVAL);
    ck_assert_int_eq(ext(d, MMUEXT_SET_LDT, 0x1000, 16), -EOPNOTSUPP);
    ck_assert_int_eq(ext(d, 99, 0, 0), -ENOSYS);
    ck_assert_uint_eq(sim_hooks.flush_local, 4);
}
END_TEST

Suite *hypercall_suite(void)
{
    Suite *s = suite_create("hypercalls");
    TCase *tc = tcase_create("hypercalls");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, mmu_update_maps_and_unmaps);
    tcase_add_test(tc, writable_mapping_of_page_table_refused);
    tcase_add_test(tc, foreign_and_hv_frames_refused);
    tcase_add_test(tc, privileged_foreign_mapping);
    tcase_add_test(tc, hv_l4_slots_refused);
    tcase_add_test(tc, bad_flags_refused);
    tcase_add_test(tc, bad_ptr_refused);
    tcase_add_test(tc, batches_stop_at_first_error);
    tcase_add_test(tc, bad_handles_and_counts);
    tcase_add_test(tc, base_pointers);
    tcase_add_test(tc, m2p_strict_hides_m2p_from_user_tables);
    tcase_add_test(tc, update_va_mapping_rules);
    tcase_add_test(tc, preserve_ad);
    tcase_add_test(tc, machphys_update);
    tcase_add_test(tc, clear_and_copy_page);
    tcase_add_test(tc, tlb_ops);
    suite_add_tcase(s, tc);
    return s;
}
