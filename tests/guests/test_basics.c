/*
 * Basic PV ABI conformance: start_info, version and features, console,
 * the initial mapping, traps bounced from privileged instructions.
 * Runs identically on Xen, which is how its expectations were checked.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/mm.h"
#include <public/version.h>
#include <public/features.h>

const char test_title[] = "basics";

static void check_start_info(void)
{
    CHECK(start_info->nr_pages > 0, "nr_pages is 0");
    CHECK(start_info->pt_base >= GUEST_VIRT_BASE, "pt_base %#lx below VIRT_BASE",
          start_info->pt_base);
    CHECK(start_info->nr_pt_frames >= 4, "nr_pt_frames %lu", start_info->nr_pt_frames);
    CHECK((start_info->shared_info & 0xfff) == 0, "shared_info not page aligned");

    /* The p2m and the read-only M2P must agree for every page we were given. */
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
    unsigned long bad = 0;
    for (uint64_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (machine_to_phys[p2m[pfn]] != pfn)
            bad++;
    CHECK_EQ(bad, 0, "p2m entries disagreeing with the M2P");

    /* Our L4 is the current page table: its own entry points back at it. */
    CHECK_EQ(pte_maddr((void *)start_info->pt_base, 4) >> 12,
             virt_to_mfn((void *)start_info->pt_base), "L4 walk");
}

static void check_version(void)
{
    long v = hypercall2(HC(xen_version), XENVER_version, 0);
    CHECK(v >= (3 << 16), "xen_version %#lx", v);

    struct xen_feature_info fi = { .submap_idx = 0 };
    CHECK_EQ(hypercall2(HC(xen_version), XENVER_get_features, PTR(&fi)), 0,
             "get_features");
    CHECK(!(fi.submap & (1U << XENFEAT_auto_translated_physmap)),
          "a PV guest must not be auto-translated");

    fi.submap_idx = 1000;
    CHECK_EQ(hypercall2(HC(xen_version), XENVER_get_features, PTR(&fi)), -22,
             "get_features beyond the last submap");

    CHECK_EQ(hypercall2(HC(xen_version), XENVER_pagesize, 0), 4096, "pagesize");
}

/*
 * The guest kernel runs in ring 3: privileged instructions fault into its
 * #GP handler.  As in Xen, a read of CR3 is emulated and yields the machine
 * address of the current L4; loading a bogus CR3 is refused with #GP.
 */
static void check_privileged_instructions(void)
{
    uint64_t cr3 = 0;

    CHECK_EQ(PROBE("cli"), 13, "cli");
    CHECK_EQ(PROBE("hlt"), 13, "hlt");
    CHECK_EQ(PROBE("inb $0x80, %%al", : "rax"), 13, "in without I/O permission");
    CHECK_EQ(PROBE("outb %%al, $0x80", "a"(0)), 13, "out without I/O permission");
    asm volatile ("mov %%cr3, %0" : "=r"(cr3));
    CHECK_EQ(cr3, pte_maddr((void *)start_info->pt_base, 4) & ~0xfffUL,
             "emulated read of cr3");
    CHECK_EQ(PROBE("mov %%rax, %%cr3", "a"(0)), 13, "mov to cr3");
    CHECK_EQ(PROBE("wrmsr", "c"(0x10), "a"(0), "d"(0)), 13, "wrmsr");
    CHECK_EQ(PROBE("lgdt (%%rsp)"), 13, "lgdt");
    CHECK_EQ(PROBE("ud2"), 6, "ud2");
    CHECK_EQ(PROBE("int3"), 3, "int3");
}

static void check_page_fault(void)
{
    /* Nothing is mapped at the bottom of the address space. */
    CHECK_EQ(PROBE("mov (%0), %%rax", "r"(0x1000UL) : "rax"), 14, "read at 0x1000");
    CHECK_EQ(last_trap.cr2, 0x1000, "cr2 of the page fault");
    CHECK_EQ(last_trap.error_code & 1, 0, "#PF error code: not present");

    /* Reading hv's memory from the guest kernel is a protection fault. */
    CHECK_EQ(PROBE("mov (%0), %%rax", "r"(HYPERVISOR_VIRT_START + (8UL << 39)) : "rax"), 14, "read of hypervisor memory");

    /* Our page tables are mapped read-only. */
    CHECK_EQ(PROBE("movq $0, (%0)", "r"(start_info->pt_base)), 14,
             "write to our own L4");
    CHECK_EQ(last_trap.error_code & 3, 3, "#PF error code: present, write");
}

void test_main(void)
{
    check_start_info();
    check_version();
    check_privileged_instructions();
    check_page_fault();
}
