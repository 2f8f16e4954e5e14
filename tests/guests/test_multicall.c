/*
 * multicall: mixed batches with a result per entry, a failing entry in
 * the middle (the rest still run), nested multicalls refused, unknown
 * hypercall numbers inside a batch, absurd counts and bad list pointers.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/mm.h"
#include "lib/evtchn.h"
#include <public/version.h>
#include <public/memory.h>

const char test_title[] = "multicall";

#define UNTOUCHED 0x5555555555555555UL

static long multicall(struct multicall_entry *list, unsigned long n)
{
    return hypercall2(HC(multicall), PTR(list), n);
}

static struct multicall_entry call(unsigned long op, unsigned long a0, unsigned long a1,
                                   unsigned long a2, unsigned long a3)
{
    return (struct multicall_entry){ .op = op, .result = UNTOUCHED,
                                     .args = { a0, a1, a2, a3, 0, 0 } };
}

static void check_mixed_batch(void)
{
    uint8_t *pages = alloc_page();
    uint8_t *second = alloc_page(), *third = alloc_page();
    domid_t self = DOMID_SELF;
    struct evtchn_alloc_unbound unbound = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };

    (void)third;
    second[0] = 0x22;
    struct multicall_entry batch[] = {
        call(HC(xen_version), XENVER_version, 0, 0, 0),
        call(HC(memory_op), XENMEM_current_reservation, PTR(&self), 0, 0),
        /* Linux-style batched remap: the third page now shows the second. */
        call(HC(update_va_mapping), PTR(pages + 2 * PAGE_SIZE),
             (virt_to_mfn(second) << 12) | PTE_DATA, UVMF_INVLPG, 0),
        call(HC(event_channel_op), EVTCHNOP_alloc_unbound, PTR(&unbound), 0, 0),
        call(HC(vm_assist), VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, 0, 0),
        call(HC(xen_version), XENVER_pagesize, 0, 0, 0),
    };
    unsigned int n = sizeof(batch) / sizeof(batch[0]);

    if (second != pages + PAGE_SIZE)
        panic("pages not contiguous");
    CHECK_EQ(multicall(batch, n), 0, "multicall of six");
    CHECK_EQ(batch[0].result, hypercall2(HC(xen_version), XENVER_version, 0),
             "xen_version result");
    CHECK_EQ(batch[1].result, start_info->nr_pages, "current_reservation result");
    CHECK_EQ(batch[2].result, 0, "update_va_mapping result");
    CHECK_EQ(pages[2 * PAGE_SIZE], 0x22, "the remap took effect");
    CHECK_EQ(batch[3].result, 0, "alloc_unbound result");
    CHECK(unbound.port != 0, "alloc_unbound wrote its port");
    CHECK_EQ(batch[4].result, 0, "vm_assist result");
    CHECK_EQ(batch[5].result, PAGE_SIZE, "pagesize result");
    CHECK_EQ(evtchn_close(unbound.port), 0, "the port is real");
    CHECK_EQ(map_frame(pages + 2 * PAGE_SIZE, virt_to_mfn(pages + 2 * PAGE_SIZE), PTE_DATA),
             0, "undo the remap");
    CHECK_EQ(multicall(batch, 0), 0, "empty multicall");
}

static void check_failing_entry(void)
{
    struct multicall_entry batch[] = {
        call(HC(xen_version), XENVER_pagesize, 0, 0, 0),
        call(HC(vm_assist), VMASST_CMD_enable, 99, 0, 0),
        call(HC(mmu_update), 0, 1, 0, DOMID_SELF),
        call(HC(xen_version), XENVER_pagesize, 0, 0, 0),
    };
    struct mmu_update bad = { .ptr = (virt_to_mfn((void *)start_info->pt_base) << 12) | 256 * 8,
                              .val = 0 };
    batch[2].args[0] = PTR(&bad);

    CHECK_EQ(multicall(batch, 4), 0, "multicall with failing entries");
    CHECK_EQ(batch[0].result, PAGE_SIZE, "entry before");
    CHECK_EQ(batch[1].result, -XEN_EINVAL, "failing vm_assist");
    CHECK_EQ(batch[2].result, -XEN_EINVAL, "failing mmu_update (hypervisor L4 slot)");
    CHECK_EQ(batch[3].result, PAGE_SIZE, "entry after still runs");
}

static void check_nested(void)
{
    struct multicall_entry inner[] = { call(HC(xen_version), XENVER_pagesize, 0, 0, 0) };
    struct multicall_entry outer[] = {
        call(HC(xen_version), XENVER_pagesize, 0, 0, 0),
        call(HC(multicall), PTR(inner), 1, 0, 0),
        call(HC(xen_version), XENVER_pagesize, 0, 0, 0),
    };

    CHECK_EQ(multicall(outer, 3), 0, "multicall containing a multicall");
    CHECK_EQ(outer[1].result, -XEN_EINVAL, "nested multicall refused");
    CHECK_EQ(inner[0].result, UNTOUCHED, "inner entry never ran");
    CHECK_EQ(outer[0].result, PAGE_SIZE, "sibling before");
    CHECK_EQ(outer[2].result, PAGE_SIZE, "sibling after");
}

static void check_unknown_ops(void)
{
    struct multicall_entry batch[] = {
        call(11, 0, 0, 0, 0),
        call(63, 0, 0, 0, 0),
        call(64, 0, 0, 0, 0),
        call(1000, 0, 0, 0, 0),
        call((1UL << 32) | HC(xen_version), XENVER_pagesize, 0, 0, 0),
        call(HC(xen_version), XENVER_pagesize, 0, 0, 0),
    };

    CHECK_EQ(multicall(batch, 6), 0, "multicall of unknown hypercalls");
    CHECK_EQ(batch[0].result, -XEN_ENOSYS, "hypercall 11 (unused)");
    CHECK_EQ(batch[1].result, -XEN_ENOSYS, "hypercall 63");
    CHECK_EQ(batch[2].result, -XEN_ENOSYS, "hypercall 64");
    CHECK_EQ(batch[3].result, -XEN_ENOSYS, "hypercall 1000");
    CHECK_EQ(batch[4].result, -XEN_ENOSYS, "op with bits above 32");
    CHECK_EQ(batch[5].result, PAGE_SIZE, "a real call after them");
}

/*
 * Xen does not bound the count up front: it runs entries until one cannot
 * be read.  So every list here ends at an unmapped page (a list followed
 * by other memory would have that memory run as hypercalls).
 */
static void check_bad_lists(void)
{
    struct multicall_entry *tail =
        (struct multicall_entry *)(alloc_page_before_hole() + PAGE_SIZE) - 2;

    tail[0] = call(HC(xen_version), XENVER_pagesize, 0, 0, 0);
    tail[1] = call(HC(xen_version), XENVER_pagesize, 0, 0, 0);
    CHECK_EQ(multicall(tail, 5), -XEN_EFAULT, "list running into an unmapped page");
    CHECK_EQ(tail[0].result, PAGE_SIZE, "first entry ran");
    CHECK_EQ(tail[1].result, PAGE_SIZE, "second entry ran");

    tail[1] = call(HC(xen_version), XENVER_pagesize, 0, 0, 0);
    CHECK_EQ(multicall(tail + 1, 0x7fffffff), -XEN_EFAULT, "count 0x7fffffff");
    CHECK_EQ(tail[1].result, PAGE_SIZE, "the one real entry ran");
    tail[1] = call(HC(xen_version), XENVER_pagesize, 0, 0, 0);
    CHECK_EQ(multicall(tail + 1, ~0UL), -XEN_EFAULT, "count ~0");
    CHECK_EQ(tail[1].result, PAGE_SIZE, "the one real entry ran");

    CHECK_EQ(multicall(0, 1), -XEN_EFAULT, "NULL list");
    CHECK_EQ(multicall((void *)0x1000, 1), -XEN_EFAULT, "unmapped list");
    CHECK_EQ(multicall((void *)HYPERVISOR_VIRT_START, 1), -XEN_EFAULT,
             "list in the hypervisor hole");
    CHECK_EQ(multicall((void *)0x8000000000000000UL, 1), -XEN_EFAULT,
             "non-canonical list");

    /* A result that cannot be written back ends the call. */
    struct multicall_entry *ro = (struct multicall_entry *)alloc_page();
    ro[0] = call(HC(xen_version), XENVER_pagesize, 0, 0, 0);
    ro[1] = call(HC(xen_version), XENVER_pagesize, 0, 0, 0);
    make_readonly(ro);
    CHECK_EQ(multicall(ro, 2), -XEN_EFAULT, "read-only list");
    CHECK_EQ(ro[0].result, UNTOUCHED, "no result written");
}

void test_main(void)
{
    subtest("mixed batch", check_mixed_batch);
    subtest("failing entries in the middle", check_failing_entry);
    subtest("nested multicall", check_nested);
    subtest("unknown hypercalls in a batch", check_unknown_ops);
    subtest("absurd counts and bad lists", check_bad_lists);
}
