/* map_grant_ref / unmap_grant_ref: happy paths, flags, every refusal. */
#include <string.h>
#include <hv/cpufeature.h>
#include "gnt_helpers.h"
#include "gnt_suites.h"

static struct gdom dom0, a, b, c;   /* a grants, b maps, c is a third party */
static mfn_t f;                     /* a's frame granted as ref 10 */

#define HOST GNTMAP_host_map
#define RO   GNTMAP_readonly

static void setup(void)
{
    gnt_test_setup();
    gnt_domain(&dom0, 0, true, 1);
    gnt_domain(&a, 1, false, 4);
    gnt_domain(&b, 2, false, 2);
    gnt_domain(&c, 3, false, 2);
    f = a.as.data[0];
}

static pte_t grant_pte(mfn_t frame, bool readonly)
{
    return pte_from_mfn(frame, _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
                               _PAGE_DIRTY | _PAGE_NX |
                               (readonly ? 0 : _PAGE_RW));
}

START_TEST(writable_map_writes_through_to_the_granter)
{
    struct page_info *pg = mfn_to_page(f);
    u32 count = pg->count, type_count = pg->type_count;
    unsigned int flushes;
    grant_handle_t h;
    u64 dev;
    char *p;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, &dev), GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), grant_pte(f, false));
    ck_assert_uint_eq(dev, (u64)f << PAGE_SHIFT);
    ck_assert_uint_eq(gentry(a.d, 10)->flags,
                      GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_uint_eq(pg->count, count + 1);
    ck_assert_uint_eq(pg->type, PGT_writable);
    ck_assert_uint_eq(pg->type_count, type_count + 1);
    ck_gnt_invariants();

    p = guest_va(b.d, GVA(FREE_SLOT0) + 100, true);
    ck_assert_ptr_nonnull(p);
    memcpy(p, "through the grant", 18);
    ck_assert_str_eq((char *)mfn_to_virt(f) + 100, "through the grant");

    flushes = sim_flushes();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), 0);
    ck_assert_uint_gt(sim_flushes(), flushes);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_assert_uint_eq(pg->count, count);
    ck_assert_uint_eq(pg->type_count, type_count);
    ck_assert_ptr_null(guest_va(b.d, GVA(FREE_SLOT0), false));
    ck_gnt_invariants();
}
END_TEST

START_TEST(readonly_map_cannot_write)
{
    struct page_info *pg = mfn_to_page(f);
    u32 count = pg->count, type_count = pg->type_count;
    grant_handle_t h;

    strcpy((char *)mfn_to_virt(f), "granted data");
    grant(a.d, 10, 2, f, true);
    ck_gnt_refused(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, NULL, NULL),
                   GNTST_general_error);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | RO, &h, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), grant_pte(f, true));
    ck_assert_ptr_null(guest_va(b.d, GVA(FREE_SLOT0), true));
    ck_assert_str_eq(guest_va(b.d, GVA(FREE_SLOT0), false), "granted data");
    ck_assert_uint_eq(gentry(a.d, 10)->flags,
                      GTF_permit_access | GTF_readonly | GTF_reading);
    ck_assert_uint_eq(pg->count, count + 1);
    ck_assert_uint_eq(pg->type_count, type_count);
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_readonly);
    ck_gnt_invariants();
}
END_TEST

START_TEST(flags_follow_the_last_mapping_of_each_kind)
{
    grant_handle_t ro, rw, dev;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | RO, &ro, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_reading);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 1), HOST, &rw, NULL),
                     GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 10, 0, GNTMAP_device_map, &dev, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(a.d->grant_table->active[0][10].pins, 3);
    ck_assert_uint_eq(gentry(a.d, 10)->flags,
                      GTF_permit_access | GTF_reading | GTF_writing);
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0 + 1), 0, rw), GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags,
                      GTF_permit_access | GTF_reading | GTF_writing);
    ck_assert_int_eq(gunmap(b.d, 0, (u64)f << PAGE_SHIFT, dev), GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_reading);
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, ro), GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_gnt_invariants();
}
END_TEST

START_TEST(contains_pte_names_the_entry)
{
    u64 ma = pte_ma(b.as.l1, 310);
    grant_handle_t h;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, ma, HOST | GNTMAP_contains_pte |
                          GNTMAP_application_map, &h, NULL), GNTST_okay);
    ck_assert_uint_eq(table(b.as.l1)[310], grant_pte(f, false));
    ck_gnt_invariants();
    /* Unmap uses the form the map used. */
    ck_gnt_refused(gunmap(b.d, GVA(310), 0, h), GNTST_general_error);
    ck_gnt_refused(gunmap(b.d, ma + 8, 0, h), GNTST_general_error);
    ck_assert_int_eq(gunmap(b.d, ma, 0, h), GNTST_okay);
    ck_assert_uint_eq(table(b.as.l1)[310], 0);

    ck_gnt_refused(gmap(b.d, 1, 10, ma + 1, HOST | GNTMAP_contains_pte, NULL, NULL),
                   GNTST_general_error);
    ck_gnt_refused(gmap(b.d, 1, 10, pte_ma(a.as.l1, 310),
                        HOST | GNTMAP_contains_pte, NULL, NULL),
                   GNTST_general_error);
    ck_gnt_refused(gmap(b.d, 1, 10, pte_ma(b.as.data[0], 310),
                        HOST | GNTMAP_contains_pte, NULL, NULL),
                   GNTST_general_error);
    ck_gnt_refused(gmap(b.d, 1, 10, pte_ma(max_mfn + 3, 0),
                        HOST | GNTMAP_contains_pte, NULL, NULL),
                   GNTST_general_error);
    ck_gnt_invariants();
}
END_TEST

START_TEST(device_maps_and_partial_unmaps)
{
    struct page_info *pg = mfn_to_page(f);
    u32 count = pg->count, type_count = pg->type_count;
    grant_handle_t h;
    u64 dev;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, 0, GNTMAP_device_map, &h, &dev), GNTST_okay);
    ck_assert_uint_eq(dev, (u64)f << PAGE_SHIFT);
    ck_assert_uint_eq(pg->count, count + 1);
    ck_assert_uint_eq(pg->type_count, type_count + 1);
    ck_gnt_invariants();
    ck_gnt_refused(gunmap(b.d, 0, dev + PAGE_SIZE, h), GNTST_bad_dev_addr);
    /* Naming no part unmaps nothing (as in Xen). */
    ck_gnt_refused(gunmap(b.d, 0, 0, h), GNTST_okay);
    ck_assert_int_eq(gunmap(b.d, 0, dev, h), GNTST_okay);
    ck_assert_uint_eq(pg->count, count);
    ck_assert_uint_eq(pg->type_count, type_count);
    ck_gnt_invariants();

    /* Host and device parts in one handle go one at a time. */
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0),
                          HOST | GNTMAP_device_map | RO, &h, &dev), GNTST_okay);
    ck_assert_uint_eq(pg->count, count + 2);
    ck_assert_uint_eq(a.d->grant_table->active[0][10].pins, 2);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), 0);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access | GTF_reading);
    ck_gnt_invariants();
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), dev, h), GNTST_okay);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), dev, h), GNTST_bad_handle);
    ck_assert_uint_eq(pg->count, count);
    ck_gnt_invariants();
}
END_TEST

START_TEST(pte_bits_follow_cpu_and_request)
{
    grant_handle_t h;

    grant(a.d, 10, 2, f, false);
    boot_cpu_data.nx = false;
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | (5U << 16), &h, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)),
                      (grant_pte(f, false) & ~_PAGE_NX) | (5UL << 9));
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(unknown_flag_bits_are_ignored)
{
    struct page_info *pg = mfn_to_page(f);
    u32 count = pg->count, type_count = pg->type_count;
    grant_handle_t h, hd;
    u64 dev;

    grant(a.d, 10, 2, f, false);
    /* As in Xen: bits with no meaning change nothing in the mapping. */
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | (1U << 5) | (1U << 19) |
                          (1U << 31), &h, NULL), GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), grant_pte(f, false));
    ck_assert_uint_eq(b.d->grant_table->maptrack[h].flags, HOST);
    /* PTE bits without a host part mean nothing either. */
    ck_assert_int_eq(gmap(b.d, 1, 10, 0x40000000UL, GNTMAP_device_map | RO |
                          GNTMAP_contains_pte | GNTMAP_application_map | (7U << 16),
                          &hd, &dev), GNTST_okay);
    ck_assert_uint_eq(b.d->grant_table->maptrack[hd].flags, GNTMAP_device_map | RO);
    ck_assert_uint_eq(pg->count, count + 2);
    ck_assert_uint_eq(pg->type_count, type_count + 1);
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert_int_eq(gunmap(b.d, 0, dev, hd), GNTST_okay);
    ck_assert_uint_eq(pg->count, count);
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_gnt_invariants();
}
END_TEST

START_TEST(map_refusals_change_nothing)
{
    u64 va = GVA(FREE_SLOT0);
    mfn_t xenheap = virt_to_mfn(alloc_xenheap_pages(0));

    grant(a.d, 10, 2, f, false);
    /* Refs: past the table, far past it. */
    ck_gnt_refused(gmap(b.d, 1, GNTTAB_PER_FRAME, va, HOST, NULL, NULL),
                   GNTST_bad_gntref);
    ck_gnt_refused(gmap(b.d, 1, 0xffffffff, va, HOST, NULL, NULL),
                   GNTST_bad_gntref);
    /* Entries: not granted, granted to another domain, not access. */
    ck_gnt_refused(gmap(b.d, 1, 11, va, HOST, NULL, NULL), GNTST_general_error);
    grant(a.d, 11, 3, f, false);
    ck_gnt_refused(gmap(b.d, 1, 11, va, HOST, NULL, NULL), GNTST_general_error);
    gentry(a.d, 12)->domid = 2;
    gentry(a.d, 12)->frame = f;
    gentry(a.d, 12)->flags = GTF_accept_transfer;
    ck_gnt_refused(gmap(b.d, 1, 12, va, HOST, NULL, NULL), GNTST_general_error);
    /* Domains; as in Xen, DOMID_SELF names no granter, even one's own. */
    ck_gnt_refused(gmap(b.d, 9, 10, va, HOST, NULL, NULL), GNTST_bad_domain);
    ck_gnt_refused(gmap(b.d, DOMID_SELF, 10, va, HOST, NULL, NULL),
                   GNTST_bad_domain);
    /* The domain comes before the ref and the address. */
    ck_gnt_refused(gmap(b.d, 9, GNTTAB_PER_FRAME, 0x40000000UL, HOST, NULL, NULL),
                   GNTST_bad_domain);
    ck_gnt_refused(gmap(b.d, DOMID_IO, 10, va, HOST, NULL, NULL), GNTST_bad_domain);
    /* Flags: neither part (Xen's status), before the domain is looked at. */
    ck_gnt_refused(gmap(b.d, 1, 10, va, 0, NULL, NULL), GNTST_bad_gntref);
    ck_gnt_refused(gmap(b.d, 9, 10, va, RO | (1U << 5), NULL, NULL),
                   GNTST_bad_gntref);
    /*
     * Where the mapping would go.  b's hv slots are made to lead to its own
     * tables (as hv's real ones lead to hv's), so that only the address
     * checks stand between these requests and an L1 entry.
     */
    {
        pte_t *l4 = table(b.as.l4), saved256 = l4[256], saved262 = l4[262];

        l4[256] = l4[262] = l4[pt_index(4, GUEST_VA_DATA)];
        ck_gnt_refused(gmap(b.d, 1, 10, 0xffff830000400000UL, HOST, NULL, NULL),
                       GNTST_general_error);
        ck_gnt_refused(gmap(b.d, 1, 10, 0xffff800000400000UL, HOST, NULL, NULL),
                       GNTST_general_error);
        ck_gnt_refused(gmap(b.d, 1, 10, 0x0000800000400000UL, HOST, NULL, NULL),
                       GNTST_general_error);
        l4[256] = saved256;
        l4[262] = saved262;
    }
    ck_gnt_refused(gmap(b.d, 1, 10, 0x40000000UL, HOST, NULL, NULL),
                   GNTST_general_error);
    /* Frames the granter cannot give. */
    grant(a.d, 13, 2, b.as.data[0], false);
    ck_gnt_refused(gmap(b.d, 1, 13, va, HOST, NULL, NULL), GNTST_bad_page);
    grant(a.d, 13, 2, max_mfn + 5, true);
    ck_gnt_refused(gmap(b.d, 1, 13, va, HOST | RO, NULL, NULL), GNTST_bad_page);
    grant(a.d, 13, 2, xenheap, true);
    ck_gnt_refused(gmap(b.d, 1, 13, va, HOST | RO, NULL, NULL), GNTST_bad_page);
    ck_gnt_invariants();
}
END_TEST

START_TEST(page_tables_are_only_granted_readonly)
{
    grant_handle_t h;

    grant(a.d, 10, 2, a.as.l1, false);
    ck_gnt_refused(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, NULL, NULL),
                   GNTST_general_error);
    ck_gnt_refused(gmap(b.d, 1, 10, 0, GNTMAP_device_map, NULL, NULL),
                   GNTST_general_error);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST | RO, &h, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), grant_pte(a.as.l1, true));
    ck_gnt_invariants();
    /* A frame mapped writable through a grant cannot become a table. */
    grant(a.d, 11, 2, a.as.data[3], false);
    ck_assert_int_eq(gmap(b.d, 1, 11, GVA(FREE_SLOT0 + 1), HOST, NULL, NULL),
                     GNTST_okay);
    ck_assert_int_eq(mmu(a.d, pte_ma(a.as.l1, 3), 0, DOMID_SELF), 0);
    ck_refused(ext(a.d, MMUEXT_PIN_L1_TABLE, a.as.data[3], 0), -EINVAL);
    ck_gnt_invariants();
}
END_TEST

START_TEST(pinned_grants_belong_to_one_domain)
{
    grant_handle_t h;

    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, NULL), GNTST_okay);
    /* The granter scribbles the entry to name c: the pin is still b's. */
    gentry(a.d, 10)->domid = 3;
    ck_gnt_refused(gmap(c.d, 1, 10, GVA(FREE_SLOT0), HOST, NULL, NULL),
                   GNTST_general_error);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 1), HOST, NULL, NULL),
                     GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(maptrack_limit)
{
    grant_handle_t h;

    ck_assert_int_eq(grant_table_set_limits(b.d, GNTTAB_DEFAULT_MAX_FRAMES, 2), 0);
    grant(a.d, 10, 2, f, false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, NULL), GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 1), HOST | RO, NULL, NULL),
                     GNTST_okay);
    ck_gnt_refused(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 2), HOST, NULL, NULL),
                   GNTST_no_space);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0 + 2), HOST, NULL, NULL),
                     GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(unmap_refusals_change_nothing)
{
    grant_handle_t h, hc;

    grant(a.d, 10, 2, f, false);
    grant(a.d, 11, 3, a.as.data[1], false);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, NULL), GNTST_okay);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, 12345), GNTST_bad_handle);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, h + 1), GNTST_bad_handle);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, 0xffffffff), GNTST_bad_handle);
    /* Another domain's handle means nothing in c's maptrack. */
    ck_gnt_refused(gunmap(c.d, GVA(FREE_SLOT0), 0, h), GNTST_bad_handle);
    /* c's own handle h, with b's address: c's entry there is not it. */
    ck_assert_int_eq(gmap(c.d, 1, 11, GVA(FREE_SLOT0 + 1), HOST, &hc, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(hc, h);
    ck_gnt_refused(gunmap(c.d, GVA(FREE_SLOT0), 0, hc), GNTST_general_error);
    /* The PTE must be the mapping's. */
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0 + 1), 0, h), GNTST_general_error);
    ck_gnt_refused(gunmap(b.d, 0xffff830000000000UL, 0, h), GNTST_general_error);
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, h), GNTST_bad_handle);
    ck_assert_int_eq(gunmap(c.d, GVA(FREE_SLOT0 + 1), 0, hc), GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(mapping_over_an_entry_releases_it)
{
    mfn_t own = b.as.data[1];
    struct page_info *own_pg = mfn_to_page(own);
    u32 own_count = own_pg->count;
    grant_handle_t h1, h2;

    ck_assert_int_eq(mmu(b.d, pte_ma(b.as.l1, FREE_SLOT0),
                         pte_from_mfn(own, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF), 0);
    grant(a.d, 10, 2, f, false);
    grant(a.d, 11, 2, a.as.data[1], true);
    ck_assert_int_eq(gmap(b.d, 1, 10, GVA(FREE_SLOT0), HOST, &h1, NULL), GNTST_okay);
    ck_assert_uint_eq(own_pg->count, own_count);
    ck_gnt_invariants();
    /* A second grant over the first: the first mapping is gone. */
    ck_assert_int_eq(gmap(b.d, 1, 11, GVA(FREE_SLOT0), HOST | RO, &h2, NULL),
                     GNTST_okay);
    ck_assert_uint_eq(*l1e_of(&b, GVA(FREE_SLOT0)), grant_pte(a.as.data[1], true));
    ck_assert_uint_eq(gentry(a.d, 10)->flags, GTF_permit_access);
    ck_assert_uint_eq(b.d->grant_table->maptrack_used, 1);
    ck_gnt_refused(gunmap(b.d, GVA(FREE_SLOT0), 0, h1), GNTST_bad_handle);
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(b.d, GVA(FREE_SLOT0), 0, h2), GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

START_TEST(own_grants_map_too)
{
    grant_handle_t h;

    grant(a.d, 10, 1, f, false);
    /* By its id, not DOMID_SELF (Xen). */
    ck_gnt_refused(gmap(a.d, DOMID_SELF, 10, GVA(FREE_SLOT0), HOST, NULL, NULL),
                   GNTST_bad_domain);
    ck_assert_int_eq(gmap(a.d, 1, 10, GVA(FREE_SLOT0), HOST, &h, NULL), GNTST_okay);
    ck_assert_ptr_eq(guest_va(a.d, GVA(FREE_SLOT0), true), mfn_to_virt(f));
    ck_gnt_invariants();
    ck_assert_int_eq(gunmap(a.d, GVA(FREE_SLOT0), 0, h), GNTST_okay);
    ck_gnt_invariants();
}
END_TEST

Suite *gnt_map_suite(void)
{
    Suite *s = suite_create("map");
    TCase *tc = tcase_create("map");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, writable_map_writes_through_to_the_granter);
    tcase_add_test(tc, readonly_map_cannot_write);
    tcase_add_test(tc, flags_follow_the_last_mapping_of_each_kind);
    tcase_add_test(tc, contains_pte_names_the_entry);
    tcase_add_test(tc, device_maps_and_partial_unmaps);
    tcase_add_test(tc, pte_bits_follow_cpu_and_request);
    tcase_add_test(tc, unknown_flag_bits_are_ignored);
    tcase_add_test(tc, map_refusals_change_nothing);
    tcase_add_test(tc, page_tables_are_only_granted_readonly);
    tcase_add_test(tc, pinned_grants_belong_to_one_domain);
    tcase_add_test(tc, maptrack_limit);
    tcase_add_test(tc, unmap_refusals_change_nothing);
    tcase_add_test(tc, mapping_over_an_entry_releases_it);
    tcase_add_test(tc, own_grants_map_too);
    suite_add_tcase(s, tc);
    return s;
}
