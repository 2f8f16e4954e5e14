/* Frame table set-up, buddy allocator, xenheap, xmalloc and the M2P. */
#include <string.h>
#include "helpers.h"
#include "suites.h"

START_TEST(boot_accounting)
{
    struct mm_stats s;

    mm_get_stats(&s);
    ck_assert_uint_eq(max_mfn, SIM_MAX_MFN);
    ck_assert_uint_eq(s.ram, SIM_RAM_FRAMES);
    ck_assert_uint_eq(s.free, free_frames());
    ck_assert_uint_eq(s.xenheap, 0);
    ck_assert_uint_eq(s.domheap, 0);
    ck_assert_uint_eq(s.free + s.reserved, max_mfn);
    /* Below 1 MiB, the image, the module, boot allocations, the hole. */
    ck_assert_uint_eq(mfn_to_page(0x10)->state, PGS_reserved);
    ck_assert_uint_eq(mfn_to_page(0xff)->state, PGS_reserved);
    ck_assert_uint_eq(mfn_to_page(SIM_IMAGE_START >> PAGE_SHIFT)->state,
                      PGS_reserved);
    ck_assert_uint_eq(mfn_to_page((SIM_IMAGE_END >> PAGE_SHIFT) - 1)->state,
                      PGS_reserved);
    ck_assert_uint_eq(mfn_to_page(SIM_BOOTMEM_START >> PAGE_SHIFT)->state,
                      PGS_reserved);
    ck_assert_uint_eq(mfn_to_page(SIM_MODULE_START >> PAGE_SHIFT)->state,
                      PGS_reserved);
    ck_assert_uint_eq(mfn_to_page(SIM_HOLE_START >> PAGE_SHIFT)->state,
                      PGS_reserved);
    ck_assert_uint_eq(mfn_to_page(0x100)->state, PGS_free);
    ck_assert_uint_eq(mfn_to_page(SIM_MODULE_END >> PAGE_SHIFT)->state,
                      PGS_free);
    ck_assert_uint_eq(mfn_to_page(SIM_MAX_MFN - 1)->state, PGS_free);
    /* RAM minus what is below 1 MiB, image, module and the boot arena use. */
    ck_assert_uint_lt(s.free, SIM_RAM_FRAMES - 0x9f - 0x200 - 0x100);
    ck_assert_uint_gt(s.free, SIM_RAM_FRAMES - 0x9f - 0x200 - 0x100 - 0x400);
    ck_invariants();
}
END_TEST

START_TEST(xenheap_orders_are_aligned_and_distinct)
{
    u64 before = free_frames();
    void *va[11];

    for (unsigned int order = 0; order <= 10; order++) {
        u64 f = free_frames();

        va[order] = alloc_xenheap_pages(order);
        ck_assert_ptr_nonnull(va[order]);
        ck_assert_uint_eq(virt_to_mfn(va[order]) & ((1UL << order) - 1), 0);
        ck_assert_uint_eq(free_frames(), f - (1UL << order));
        for (unsigned long i = 0; i < (1UL << order); i++)
            ck_assert_uint_eq(virt_to_page(va[order])[i].state, PGS_xenheap);
        memset(va[order], order, PAGE_SIZE << order);
    }
    for (unsigned int order = 0; order <= 10; order++) {
        const unsigned char *p = va[order];

        for (unsigned long i = 0; i < (PAGE_SIZE << order); i += 997)
            ck_assert_uint_eq(p[i], order);
    }
    for (unsigned int order = 0; order <= 10; order++)
        free_xenheap_pages(va[order], order);
    ck_assert_uint_eq(free_frames(), before);
    ck_invariants();
}
END_TEST

START_TEST(exhaustion_and_coalescing)
{
    u64 before = free_frames(), n = 0;
    static void *pages[SIM_MAX_MFN];
    void *big;

    while ((pages[n] = alloc_xenheap_pages(0)) != NULL)
        n++;
    ck_assert_uint_eq(n, before);
    ck_assert_uint_eq(free_frames(), 0);
    ck_assert_ptr_null(alloc_xenheap_pages(0));
    /* Free in a scattered order; buddies must still merge. */
    for (u64 i = 0; i < n; i += 2)
        free_xenheap_pages(pages[i], 0);
    ck_assert_ptr_null(alloc_xenheap_pages(1));
    for (u64 i = 1; i < n; i += 2)
        free_xenheap_pages(pages[i], 0);
    ck_assert_uint_eq(free_frames(), before);
    /* 32 MiB from 0x2000000 is wholly free RAM: one order-13 block. */
    big = alloc_xenheap_pages(13);
    ck_assert_ptr_nonnull(big);
    ck_assert_uint_eq(virt_to_mfn(big), 0x2000);
    free_xenheap_pages(big, 13);
    ck_assert_ptr_null(alloc_xenheap_pages(14));
    ck_assert_ptr_null(alloc_xenheap_pages(MAX_ORDER + 1));
    ck_invariants();
}
END_TEST

START_TEST(domheap_ownership_and_max_pages)
{
    struct domain *d = sim_new_domain(1, 6, false);
    u64 before = free_frames();
    struct page_info *a, *b;

    a = alloc_domheap_pages(d, 2);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(d->tot_pages, 4);
    for (unsigned int i = 0; i < 4; i++) {
        ck_assert_ptr_eq(a[i].owner, d);
        ck_assert_uint_eq(a[i].state, PGS_domheap);
        ck_assert_uint_eq(a[i].count, 1);
        ck_assert(a[i].flags & PGF_allocated);
    }
    ck_assert_ptr_eq(list_first_entry(&d->page_list, struct page_info, list), a);
    /* 4 + 4 > 6: refused, nothing taken. */
    ck_assert_ptr_null(alloc_domheap_pages(d, 2));
    ck_assert_uint_eq(free_frames(), before - 4);
    b = alloc_domheap_pages(d, 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_null(alloc_domheap_pages(d, 0));
    ck_assert_uint_eq(d->tot_pages, 6);
    ck_invariants();

    free_domheap_pages(a, 2);
    free_domheap_pages(b, 1);
    ck_assert_uint_eq(d->tot_pages, 0);
    ck_assert(list_empty(&d->page_list));
    ck_assert_uint_eq(free_frames(), before);
    ck_assert_ptr_null(a->owner);

    d->is_dying = true;
    ck_assert_ptr_null(alloc_domheap_pages(d, 0));
    ck_assert_ptr_null(alloc_domheap_pages(NULL, 0));
    ck_invariants();
}
END_TEST

START_TEST(domheap_frames_are_scrubbed)
{
    struct domain *d = sim_new_domain(1, 16, false);
    struct domain *e = sim_new_domain(2, 16, false);
    struct page_info *pg = alloc_domheap_pages(d, 0);
    mfn_t mfn = page_to_mfn(pg);

    memset(page_to_virt(pg), 0xa5, PAGE_SIZE);
    free_domheap_pages(pg, 0);
    pg = alloc_domheap_pages(e, 0);
    ck_assert_uint_eq(page_to_mfn(pg), mfn);    /* LIFO reuse */
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        ck_assert_uint_eq(((unsigned char *)page_to_virt(pg))[i], 0);
}
END_TEST

START_TEST(reuse_of_freed_frames_flushes_tlbs)
{
    struct domain *d = sim_new_domain(1, 16, false);
    struct page_info *pg = alloc_domheap_pages(d, 0);

    ck_assert_uint_eq(sim_flushes(), 0);
    free_domheap_pages(pg, 0);
    ck_assert_uint_eq(sim_flushes(), 0);
    pg = alloc_domheap_pages(d, 0);
    ck_assert_uint_eq(sim_flushes(), 1);
    /* Nothing freed since: no further flush. */
    ck_assert_ptr_nonnull(alloc_domheap_pages(d, 0));
    ck_assert_uint_eq(sim_flushes(), 1);
}
END_TEST

START_TEST(xmalloc_classes_and_release)
{
    static const size_t sizes[] = { 1, 8, 16, 17, 100, 512, 2048, 2049,
                                    4096, 5000, 40000 };
    struct mm_stats s0, s;
    void *p[11][20];

    mm_get_stats(&s0);
    for (unsigned int k = 0; k < 11; k++)
        for (unsigned int j = 0; j < 20; j++) {
            p[k][j] = xmalloc(sizes[k]);
            ck_assert_ptr_nonnull(p[k][j]);
            ck_assert_uint_eq((uintptr_t)p[k][j] % 16, 0);
            memset(p[k][j], k * 20 + j, sizes[k]);
        }
    for (unsigned int k = 0; k < 11; k++)
        for (unsigned int j = 0; j < 20; j++) {
            const unsigned char *c = p[k][j];

            ck_assert_uint_eq(c[0], (k * 20 + j) & 0xff);
            ck_assert_uint_eq(c[sizes[k] - 1], (k * 20 + j) & 0xff);
        }
    mm_get_stats(&s);
    ck_assert_uint_gt(s.xenheap, s0.xenheap);
    for (unsigned int k = 0; k < 11; k++)
        for (unsigned int j = 0; j < 20; j++)
            xfree(p[k][j]);
    xfree(NULL);
    mm_get_stats(&s);
    ck_assert_uint_eq(s.xenheap, s0.xenheap);
    ck_assert_uint_eq(s.free, s0.free);

    p[0][0] = xzalloc(300);
    for (unsigned int i = 0; i < 300; i++)
        ck_assert_uint_eq(((unsigned char *)p[0][0])[i], 0);
}
END_TEST

START_TEST(m2p_mapped_rw_for_hv_ro_for_guests)
{
    struct domain *d = sim_new_domain(1, 16, false);
    mfn_t mfn = new_frame(d);
    const u64 *ro = (const u64 *)HV_VA(RO_MPT_VIRT_START);
    bool ro_seen = false, rw_seen = false;
    mfn_t m2p_mfn = 0;

    for (unsigned int i = 0; i < sim_nr_map_calls; i++) {
        const struct sim_map_call *c = &sim_map_calls[i];

        if (c->va == MACH2PHYS_VIRT_START) {
            ro_seen = true;
            ck_assert(c->flags & MAP_USER);
            ck_assert(!(c->flags & MAP_RW));
            ck_assert_uint_ge(c->nr << PAGE_SHIFT, max_mfn * 8);
            m2p_mfn = c->mfn;
        }
        if (c->va == RDWR_MPT_VIRT_START) {
            rw_seen = true;
            ck_assert(!(c->flags & MAP_USER));
            ck_assert(c->flags & MAP_RW);
        }
    }
    ck_assert(ro_seen && rw_seen);
    ck_assert_uint_eq(ro[mfn], INVALID_PFN);
    set_gpfn_from_mfn(mfn, 42);
    ck_assert_uint_eq(ro[mfn], 42);
    ck_assert_uint_eq(get_gpfn_from_mfn(mfn), 42);
    /* The M2P frames themselves are hv's, never a guest's. */
    ck_assert_uint_eq(mfn_to_page(m2p_mfn)->state, PGS_reserved);
}
END_TEST

Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("alloc");

    tcase_add_checked_fixture(tc, mm_test_setup, NULL);
    tcase_add_test(tc, boot_accounting);
    tcase_add_test(tc, xenheap_orders_are_aligned_and_distinct);
    tcase_add_test(tc, exhaustion_and_coalescing);
    tcase_add_test(tc, domheap_ownership_and_max_pages);
    tcase_add_test(tc, domheap_frames_are_scrubbed);
    tcase_add_test(tc, reuse_of_freed_frames_flushes_tlbs);
    tcase_add_test(tc, xmalloc_classes_and_release);
    tcase_add_test(tc, m2p_mapped_rw_for_hv_ro_for_guests);
    suite_add_tcase(s, tc);
    return s;
}
