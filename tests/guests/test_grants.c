/*
 * Grant tables v1 within one domain: setup_table and query_size, granting
 * a page to ourselves and mapping it, read-only grants, revoking while
 * mapped, grant copy in every addressing form, and hostile references,
 * handles, domains and addresses.
 *
 * Grant entries name the grantee by its real domain id (DOMID_SELF is not
 * valid there, and map_grant_ref does not accept it either); own_domid()
 * finds ours from an event channel's status.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/grant.h"
#include "lib/evtchn.h"
#include "lib/traps.h"
#include "lib/mm.h"

const char test_title[] = "grants";

#define GNT_FRAMES   2
#define REF_RW       10
#define REF_RO       11
#define REF_OTHER    12     /* granted to another domain */
#define REF_BAD_MFN  13     /* grants a frame we do not own */
#define REF_FREE     14     /* never granted */

static domid_t self;
static uint8_t *page_rw, *page_ro, *page_dst;
static uint8_t *map_va;             /* an empty slot in the initial mapping */

static void fill(uint8_t *p, uint8_t seed)
{
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

static bool holds(const volatile uint8_t *p, uint8_t seed)
{
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if (p[i] != (uint8_t)(seed + i * 7))
            return false;
    return true;
}

static int16_t map_grant(grant_ref_t ref, domid_t dom, uint32_t flags, void *va,
                         grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = PTR(va), .flags = flags, .ref = ref, .dom = dom,
    };
    long rc = gnttab_op(GNTTABOP_map_grant_ref, &op, 1);
    CHECK_EQ(rc, 0, "map_grant_ref hypercall");
    *handle = op.handle;
    return op.status;
}

static int16_t unmap_grant(void *va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = PTR(va), .handle = handle };
    long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1);
    CHECK_EQ(rc, 0, "unmap_grant_ref hypercall");
    return op.status;
}

static void check_setup(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };

    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q, 1), 0, "query_size");
    CHECK_EQ(q.status, GNTST_okay, "query_size status");
    CHECK(q.nr_frames >= 1, "nr_frames %u", q.nr_frames);
    CHECK_EQ(q.max_nr_frames, 64, "default maximum of 64 frames");

    gnttab_init(GNT_FRAMES);
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q, 1), 0, "query_size again");
    CHECK_EQ(q.nr_frames, GNT_FRAMES, "the table grew");

    uint64_t frames[1];
    struct gnttab_setup_table bad_list = {
        .dom = DOMID_SELF, .nr_frames = 1, .frame_list = 0x1000,
    };
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &bad_list, 1), 0,
             "setup_table with an unmapped frame list");
    CHECK_EQ(bad_list.status, GNTST_bad_virt_addr, "status");
    bad_list.frame_list = HYPERVISOR_VIRT_START;
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &bad_list, 1), -XEN_EFAULT,
             "setup_table with a frame list in the hypervisor hole");
    struct gnttab_setup_table too_big = {
        .dom = DOMID_SELF, .nr_frames = q.max_nr_frames + 1, .frame_list = PTR(frames),
    };
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &too_big, 1), 0, "setup_table beyond the maximum");
    CHECK_EQ(too_big.status, GNTST_general_error, "status");

    struct gnttab_setup_table other = { .dom = 0x7000, .nr_frames = 1, .frame_list = PTR(frames) };
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &other, 1), 0, "setup_table of no domain");
    CHECK_EQ(other.status, GNTST_bad_domain, "status");
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &other, 2), -XEN_EINVAL,
             "setup_table with count 2");
    q.dom = 0x7000;
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q, 1), 0, "query_size of no domain");
    CHECK_EQ(q.status, GNTST_bad_domain, "status");
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, (void *)0x1000, 1), -XEN_EFAULT,
             "query_size from an unmapped address");
    CHECK_EQ(gnttab_nr_frames, GNT_FRAMES, "table unchanged");
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &(struct gnttab_query_size){ .dom = DOMID_SELF }, 1),
             0, "query_size");

    if (skip_on_dom0("setup_table for another domain (needs privilege)"))
        return;
    other.dom = 0;
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &other, 1), 0, "setup_table of dom0");
    CHECK_EQ(other.status, GNTST_permission_denied, "status");
}

static void check_map_own_grant(void)
{
    grant_handle_t h;

    gnttab_grant(REF_RW, self, virt_to_mfn(page_rw), false);
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, map_va, &h), GNTST_okay,
             "map our own grant");
    CHECK(holds(map_va, 0x11), "granted page's contents through the new mapping");
    map_va[100] = 0xee;
    CHECK_EQ(page_rw[100], 0xee, "write through it shows in the original");
    page_rw[100] = (uint8_t)(0x11 + 100 * 7);
    CHECK_EQ(gnttab[REF_RW].flags & (GTF_reading | GTF_writing), GTF_reading | GTF_writing,
             "the hypervisor marks the entry in use");

    CHECK_EQ(gnttab_revoke(REF_RW), -XEN_EBUSY, "revoke while mapped is refused");
    CHECK_EQ(gnttab[REF_RW].flags & GTF_type_mask, GTF_permit_access, "entry still granted");

    CHECK_EQ(unmap_grant(map_va, h), GNTST_okay, "unmap");
    CHECK_EQ(gnttab[REF_RW].flags & (GTF_reading | GTF_writing), 0, "in-use bits cleared");
    CHECK_EQ(PROBE("movb (%0), %%al", "r"(map_va) : "rax"), 14, "mapping gone");
    CHECK_EQ(unmap_grant(map_va, h), GNTST_bad_handle, "unmap twice");

    /* Two mappings of one grant: in use until the last goes. */
    grant_handle_t h2;
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, map_va, &h), GNTST_okay, "map");
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, map_va + PAGE_SIZE, &h2),
             GNTST_okay, "map again elsewhere");
    CHECK(h != h2, "two handles");
    CHECK_EQ(unmap_grant(map_va, h), GNTST_okay, "unmap the first");
    CHECK_EQ(gnttab_revoke(REF_RW), -XEN_EBUSY, "still mapped once");
    CHECK_EQ(unmap_grant(map_va + PAGE_SIZE, h2), GNTST_okay, "unmap the second");

    CHECK_EQ(gnttab_revoke(REF_RW), 0, "revoke after unmap");
    CHECK_EQ(gnttab[REF_RW].flags, 0, "entry invalid");
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, map_va, &h), GNTST_general_error,
             "map a revoked grant");
    CHECK_EQ(PROBE("movb (%0), %%al", "r"(map_va) : "rax"), 14, "nothing mapped");
}

static void check_readonly(void)
{
    grant_handle_t h;

    gnttab_grant(REF_RO, self, virt_to_mfn(page_ro), true);
    CHECK_EQ(map_grant(REF_RO, self, GNTMAP_host_map, map_va, &h), GNTST_general_error,
             "writable map of a read-only grant");
    CHECK_EQ(PROBE("movb (%0), %%al", "r"(map_va) : "rax"), 14, "nothing mapped");
    CHECK_EQ(map_grant(REF_RO, self, GNTMAP_host_map | GNTMAP_readonly, map_va, &h),
             GNTST_okay, "read-only map");
    CHECK(holds(map_va, 0x22), "contents");
    CHECK_EQ(gnttab[REF_RO].flags & (GTF_reading | GTF_writing), GTF_reading,
             "marked reading only");
    CHECK_EQ(PROBE("movb $1, (%0)", "r"(map_va)), 14, "write through it faults");
    CHECK_EQ(last_trap.error_code & 3, 3, "protection fault on write");
    CHECK(holds(page_ro, 0x22), "page unchanged");
    CHECK_EQ(gnttab_revoke(REF_RO), -XEN_EBUSY, "revoke while mapped read-only");
    CHECK_EQ(unmap_grant(map_va, h), GNTST_okay, "unmap");
    CHECK_EQ(gnttab_revoke(REF_RO), 0, "revoke");
}

static int16_t copy1(struct gnttab_copy *op)
{
    CHECK_EQ(gnttab_op(GNTTABOP_copy, op, 1), 0, "copy hypercall");
    return op->status;
}

static void check_copy(void)
{
    uint64_t src_mfn = virt_to_mfn(page_rw), dst_mfn = virt_to_mfn(page_dst);

    gnttab_grant(REF_RW, self, src_mfn, false);
    gnttab_grant(REF_RO, self, dst_mfn, true);
    memset(page_dst, 0, PAGE_SIZE);

    struct gnttab_copy op = {
        .source = { .u.ref = REF_RW, .domid = self, .offset = 16 },
        .dest = { .u.gmfn = dst_mfn, .domid = DOMID_SELF, .offset = 100 },
        .len = 200, .flags = GNTCOPY_source_gref,
    };
    CHECK_EQ(copy1(&op), GNTST_okay, "copy gref -> gmfn");
    CHECK(!memcmp(page_dst + 100, page_rw + 16, 200), "bytes copied");
    CHECK_EQ(page_dst[99] | page_dst[300], 0, "nothing else written");

    gnttab_grant(REF_FREE + 1, self, dst_mfn, false);
    op = (struct gnttab_copy){
        .source = { .u.gmfn = src_mfn, .domid = DOMID_SELF, .offset = 0 },
        .dest = { .u.ref = REF_FREE + 1, .domid = self, .offset = 4000 },
        .len = 96, .flags = GNTCOPY_dest_gref,
    };
    CHECK_EQ(copy1(&op), GNTST_okay, "copy gmfn -> gref, up to the page end");
    CHECK(!memcmp(page_dst + 4000, page_rw, 96), "bytes copied");

    op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    op.source.u.ref = REF_RW;
    op.source.domid = self;
    op.dest.offset = 0;
    op.len = PAGE_SIZE;
    CHECK_EQ(copy1(&op), GNTST_okay, "copy gref -> gref, a whole page");
    CHECK(holds(page_dst, 0x11), "page copied");

    op = (struct gnttab_copy){
        .source = { .u.gmfn = src_mfn, .domid = DOMID_SELF },
        .dest = { .u.gmfn = dst_mfn, .domid = DOMID_SELF, .offset = 1 },
        .len = PAGE_SIZE,
    };
    CHECK_EQ(copy1(&op), GNTST_bad_copy_arg, "offset + len beyond the page");
    op.dest.offset = 0;
    op.source.offset = 4095;
    op.len = 2;
    CHECK_EQ(copy1(&op), GNTST_bad_copy_arg, "source crossing the page end");
    op.source.offset = 0;
    op.source.domid = self;
    CHECK_EQ(copy1(&op), GNTST_permission_denied,
             "gmfn form needs DOMID_SELF, not our numeric id");
    op.source.domid = DOMID_SELF;
    op.source.u.gmfn = PTE_MFN(((uint64_t *)start_info->pt_base)[256]);
    CHECK_EQ(copy1(&op), GNTST_bad_page, "copy from a hypervisor frame");
    op.source.u.gmfn = src_mfn;
    op.flags = GNTCOPY_dest_gref;
    op.dest.u.ref = REF_RO;
    op.dest.domid = self;
    CHECK_EQ(copy1(&op), GNTST_general_error, "copy into a read-only grant");
    op.dest.u.ref = GNT_FRAMES * 512 + 3;
    CHECK_EQ(copy1(&op), GNTST_bad_gntref, "copy into a ref beyond the table");
    op.dest.u.ref = REF_FREE;
    CHECK_EQ(copy1(&op), GNTST_general_error, "copy into a ref never granted");
    op.dest.u.ref = REF_FREE + 1;
    op.dest.domid = 0x7000;
    CHECK_EQ(copy1(&op), GNTST_bad_domain, "copy into a domain that does not exist");

    /* A batch reports each element. */
    struct gnttab_copy batch[3] = {
        { .source = { .u.gmfn = src_mfn, .domid = DOMID_SELF },
          .dest = { .u.gmfn = dst_mfn, .domid = DOMID_SELF }, .len = 8 },
        { .source = { .u.gmfn = src_mfn, .domid = DOMID_SELF },
          .dest = { .u.gmfn = dst_mfn, .domid = DOMID_SELF, .offset = 4090 }, .len = 8 },
        { .source = { .u.gmfn = src_mfn, .domid = DOMID_SELF, .offset = 8 },
          .dest = { .u.gmfn = dst_mfn, .domid = DOMID_SELF, .offset = 8 }, .len = 8 },
    };
    CHECK_EQ(gnttab_op(GNTTABOP_copy, batch, 3), 0, "batch of three copies");
    CHECK_EQ(batch[0].status, GNTST_okay, "first");
    CHECK_EQ(batch[1].status, GNTST_bad_copy_arg, "second");
    CHECK_EQ(batch[2].status, GNTST_okay, "third, after a failed one");

    CHECK_EQ(gnttab[REF_RO].flags, GTF_permit_access | GTF_readonly, "copies leave no pin");
    CHECK_EQ(gnttab_revoke(REF_RW), 0, "revoke");
    CHECK_EQ(gnttab_revoke(REF_RO), 0, "revoke");
    CHECK_EQ(gnttab_revoke(REF_FREE + 1), 0, "revoke");
}

static void check_hostile(void)
{
    grant_handle_t h;

    gnttab_grant(REF_RW, self, virt_to_mfn(page_rw), false);
    gnttab_grant(REF_OTHER, 5, virt_to_mfn(page_rw), false);
    gnttab_grant(REF_BAD_MFN, self, PTE_MFN(((uint64_t *)start_info->pt_base)[256]), false);

    CHECK_EQ(map_grant(GNT_FRAMES * 512, self, GNTMAP_host_map, map_va, &h),
             GNTST_bad_gntref, "ref just beyond the table");
    CHECK_EQ(map_grant(0xffffffff, self, GNTMAP_host_map, map_va, &h),
             GNTST_bad_gntref, "ref 0xffffffff");
    CHECK_EQ(map_grant(REF_FREE, self, GNTMAP_host_map, map_va, &h),
             GNTST_general_error, "ref never granted");
    CHECK_EQ(map_grant(REF_OTHER, self, GNTMAP_host_map, map_va, &h),
             GNTST_general_error, "grant meant for another domain");
    CHECK_EQ(map_grant(REF_BAD_MFN, self, GNTMAP_host_map | GNTMAP_readonly, map_va, &h),
             GNTST_bad_page, "grant of a frame we do not own");
    CHECK_EQ(map_grant(REF_RW, DOMID_SELF, GNTMAP_host_map, map_va, &h),
             GNTST_bad_domain, "map_grant_ref with DOMID_SELF");
    CHECK_EQ(map_grant(REF_RW, 0x7000, GNTMAP_host_map, map_va, &h),
             GNTST_bad_domain, "map from a domain that does not exist");
    CHECK_EQ(map_grant(REF_RW, self, 0, map_va, &h), GNTST_bad_gntref,
             "neither host nor device map");
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, (void *)0x1000, &h),
             GNTST_general_error, "host_addr without page tables");
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, (void *)HYPERVISOR_VIRT_START, &h),
             GNTST_general_error, "host_addr in the hypervisor hole");
    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, (void *)0x8000000000000000UL, &h),
             GNTST_general_error, "non-canonical host_addr");
    CHECK_EQ(gnttab[REF_RW].flags, GTF_permit_access, "no failed map left a pin");
    CHECK_EQ(PROBE("movb (%0), %%al", "r"(map_va) : "rax"), 14, "nothing mapped");

    CHECK_EQ(unmap_grant(map_va, 0x7fffffff), GNTST_bad_handle, "unmap a huge handle");
    CHECK_EQ(unmap_grant(map_va, 0), GNTST_bad_handle, "unmap an unused handle");

    CHECK_EQ(map_grant(REF_RW, self, GNTMAP_host_map, map_va, &h), GNTST_okay, "map");
    CHECK_EQ(unmap_grant(map_va + PAGE_SIZE, h), GNTST_general_error,
             "unmap at the wrong address");
    CHECK(holds(map_va, 0x11), "mapping intact");
    CHECK_EQ(unmap_grant(map_va, h), GNTST_okay, "unmap");
    CHECK_EQ(gnttab_op(99, 0, 0), -XEN_ENOSYS, "unknown grant_table_op");

    CHECK_EQ(gnttab_revoke(REF_RW), 0, "revoke");
    CHECK_EQ(gnttab_revoke(REF_OTHER), 0, "revoke");
    CHECK_EQ(gnttab_revoke(REF_BAD_MFN), 0, "revoke");
}

void test_main(void)
{
    self = own_domid();
    page_rw = alloc_page();
    page_ro = alloc_page();
    page_dst = alloc_page();
    fill(page_rw, 0x11);
    fill(page_ro, 0x22);

    /* Two VAs whose L1 slots are empty, for grant mappings. */
    map_va = alloc_page();
    if (alloc_page() != map_va + PAGE_SIZE)
        panic("pages not contiguous");
    update_va_mapping(map_va, 0, UVMF_INVLPG);
    update_va_mapping(map_va + PAGE_SIZE, 0, UVMF_INVLPG);

    subtest("setup_table and query_size", check_setup);
    subtest("map our own grant, revoke while mapped", check_map_own_grant);
    subtest("read-only grants", check_readonly);
    subtest("grant copy", check_copy);
    subtest("hostile: refs, handles, domains, addresses", check_hostile);
}
