/*
 * memory_op (memory maps, reservations, giving a page back and getting
 * one again with the p2m/M2P bookkeeping, machphys), vm_assist (every
 * type, and writable page tables doing their job), and xen_version.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/mm.h"
#include <public/memory.h>
#include <public/version.h>

const char test_title[] = "memory";

#define INVALID_M2P_ENTRY (~0UL)
#define NOT_A_DOMAIN 0x7000

static long memory_op(unsigned int cmd, void *arg)
{
    return hypercall2(HC(memory_op), cmd, PTR(arg));
}

static long reservation(unsigned int cmd, domid_t dom)
{
    domid_t d = dom;
    return memory_op(cmd, &d);
}

static bool e820_sane(const struct e820entry *e, unsigned int n, uint64_t *ram)
{
    *ram = 0;
    for (unsigned int i = 0; i < n; i++) {
        if (e[i].size == 0 || e[i].type < E820_RAM || e[i].type > E820_UNUSABLE)
            return false;
        if (i && e[i].addr < e[i - 1].addr + e[i - 1].size)
            return false;
        if (e[i].type == E820_RAM)
            *ram += e[i].size;
    }
    return true;
}

static void check_memory_maps(void)
{
    static struct e820entry map[128];
    struct xen_memory_map m = { .nr_entries = 128, .buffer = PTR(map) };
    uint64_t ram;

    /* Xen answers -ENOSYS unless the toolstack set a map (dom0 has none). */
    long rc = memory_op(XENMEM_memory_map, &m);
    if (rc == 0) {
        CHECK(m.nr_entries > 0 && m.nr_entries <= 128, "%u entries", m.nr_entries);
        CHECK(e820_sane(map, m.nr_entries, &ram), "pseudo-physical map is sane");
        CHECK(ram >= start_info->nr_pages * PAGE_SIZE, "map covers our pages");
    } else {
        CHECK_EQ(rc, -XEN_ENOSYS, "memory_map without a map");
    }
    CHECK_EQ(memory_op(XENMEM_memory_map, (void *)0x1000), -XEN_EFAULT,
             "memory_map with an unmapped argument");

    m.nr_entries = 128;
    rc = memory_op(XENMEM_machine_memory_map, &m);
    if (is_dom0()) {
        CHECK_EQ(rc, 0, "machine_memory_map (dom0)");
        CHECK(e820_sane(map, m.nr_entries, &ram), "machine map is sane");
        CHECK(ram >= start_info->nr_pages * PAGE_SIZE, "machine RAM holds us");
        m.nr_entries = 1;
        CHECK_EQ(memory_op(XENMEM_machine_memory_map, &m), -XEN_EINVAL,
                 "machine_memory_map into one entry");
    } else {
        CHECK_EQ(rc, -XEN_EPERM, "machine_memory_map needs privilege");
    }
}

static void check_reservations(void)
{
    long cur = reservation(XENMEM_current_reservation, DOMID_SELF);
    long max = reservation(XENMEM_maximum_reservation, DOMID_SELF);

    CHECK_EQ(cur, start_info->nr_pages, "current_reservation is nr_pages");
    CHECK(max >= cur, "maximum_reservation %ld below current %ld", max, cur);
    /* A PV guest states its pfn space in shared_info (as Linux does). */
    shared_info->arch.max_pfn = start_info->nr_pages;
    CHECK_EQ(reservation(XENMEM_maximum_gpfn, DOMID_SELF), start_info->nr_pages - 1,
             "maximum_gpfn follows shared_info->arch.max_pfn");
    CHECK(hypercall2(HC(memory_op), XENMEM_maximum_ram_page, 0) > 0, "maximum_ram_page");
    CHECK_EQ(reservation(XENMEM_current_reservation, NOT_A_DOMAIN), -XEN_ESRCH,
             "current_reservation of no domain");
    CHECK_EQ(reservation(XENMEM_maximum_reservation, NOT_A_DOMAIN), -XEN_ESRCH,
             "maximum_reservation of no domain");
    CHECK_EQ(memory_op(XENMEM_current_reservation, (void *)0x1000), -XEN_EFAULT,
             "current_reservation with an unmapped argument");
    CHECK_EQ(memory_op(63, 0), -XEN_ENOSYS, "unknown memory_op");
}

static long exchange_pages(unsigned int cmd, uint64_t *extents, uint64_t n,
                           unsigned int order, domid_t dom)
{
    struct xen_memory_reservation r = {
        .extent_start = PTR(extents), .nr_extents = n, .extent_order = order,
        .domid = dom,
    };
    return memory_op(cmd, &r);
}

/* Gives back the frame behind a page of the initial mapping, then gets a
 * fresh frame for the same pfn: the guest keeps its p2m and the M2P right. */
static void check_balloon(void)
{
    uint64_t *p2m = (uint64_t *)start_info->mfn_list;
    uint8_t *page = alloc_page();
    uint64_t pfn = ((uint64_t)page - GUEST_VIRT_BASE) / PAGE_SIZE;
    uint64_t mfn = p2m[pfn], extent;
    long before = reservation(XENMEM_current_reservation, DOMID_SELF);

    CHECK_EQ(update_va_mapping(page, 0, UVMF_INVLPG), 0, "unmap the page first");
    extent = mfn;
    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, &extent, 1, 0, DOMID_SELF), 1,
             "decrease_reservation of one page");
    CHECK_EQ(reservation(XENMEM_current_reservation, DOMID_SELF), before - 1,
             "one page fewer");
    CHECK_EQ(map_frame(page, mfn, PTE_DATA), -XEN_EBUSY, "the frame is no longer ours");
    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, &extent, 1, 0, DOMID_SELF), 0,
             "decrease_reservation of it again does nothing");
    p2m[pfn] = ~0UL;

    extent = 0;
    CHECK_EQ(exchange_pages(XENMEM_increase_reservation, &extent, 1, 0, DOMID_SELF), 1,
             "increase_reservation of one page");
    CHECK(extent != 0, "the new MFN is returned in the extent list");
    CHECK_EQ(reservation(XENMEM_current_reservation, DOMID_SELF), before,
             "back to the old size");
    CHECK_EQ(mmu_update1((extent << 12) | MMU_MACHPHYS_UPDATE, pfn), 0,
             "M2P entry for the new frame");
    p2m[pfn] = extent;
    CHECK_EQ(map_frame(page, extent, PTE_DATA), 0, "map the new frame");
    page[5] = 0x5a;
    CHECK_EQ(page[5], 0x5a, "new frame works");

    /* populate_physmap takes pfns and fills in the M2P itself. */
    CHECK_EQ(update_va_mapping(page, 0, UVMF_INVLPG), 0, "unmap again");
    extent = p2m[pfn];
    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, &extent, 1, 0, DOMID_SELF), 1,
             "decrease again");
    extent = pfn;
    CHECK_EQ(exchange_pages(XENMEM_populate_physmap, &extent, 1, 0, DOMID_SELF), 1,
             "populate_physmap of that pfn");
    CHECK_EQ(machine_to_phys[extent], pfn, "populate_physmap wrote the M2P");
    p2m[pfn] = extent;
    CHECK_EQ(map_frame(page, extent, PTE_DATA), 0, "map the populated frame");
}

static void check_bad_extents(void)
{
    uint64_t extents[2] = { PTE_MFN(((uint64_t *)start_info->pt_base)[256]), 0 };
    long cur = reservation(XENMEM_current_reservation, DOMID_SELF);

    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, extents, 1, 0, DOMID_SELF), 0,
             "decrease_reservation of a hypervisor frame");
    extents[0] = ((uint64_t)hypercall2(HC(memory_op), XENMEM_maximum_ram_page, 0)) << 4;
    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, extents, 1, 0, DOMID_SELF), 0,
             "decrease_reservation of an MFN beyond memory");
    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, (uint64_t *)0x1000, 1, 0,
                            DOMID_SELF), 0, "unmapped extent list");
    /* The reservation calls return how many extents they did. */
    CHECK_EQ(exchange_pages(XENMEM_increase_reservation, (uint64_t *)HYPERVISOR_VIRT_START,
                            1, 0, DOMID_SELF), 0, "extent list in the hypervisor hole");
    CHECK_EQ(exchange_pages(XENMEM_increase_reservation, extents, 1, 0, NOT_A_DOMAIN), 0,
             "increase_reservation of no domain");
    CHECK_EQ(exchange_pages(XENMEM_decrease_reservation, extents, 1UL << 62, 0, DOMID_SELF),
             0, "absurd extent count");
    CHECK_EQ(exchange_pages(XENMEM_populate_physmap, extents, 1, 40, DOMID_SELF), 0,
             "absurd extent order");
    CHECK_EQ(reservation(XENMEM_current_reservation, DOMID_SELF), cur, "nothing changed");

    domid_t self = DOMID_SELF;
    CHECK_EQ(hypercall2(HC(memory_op), XENMEM_current_reservation | (5 << 6), PTR(&self)),
             -XEN_EINVAL, "current_reservation with a continuation offset");
}

static void check_machphys(void)
{
    struct xen_machphys_mapping m;
    long max_ram = hypercall2(HC(memory_op), XENMEM_maximum_ram_page, 0);

    CHECK_EQ(memory_op(XENMEM_machphys_mapping, &m), 0, "machphys_mapping");
    CHECK_EQ(m.v_start, MACH2PHYS_VIRT_START, "M2P start");
    CHECK(m.v_end > m.v_start && m.v_end <= MACH2PHYS_VIRT_END, "M2P end %#lx", m.v_end);
    CHECK(m.max_mfn + 1 >= (uint64_t)max_ram, "max_mfn %#lx covers RAM", m.max_mfn);
    CHECK((m.v_end - m.v_start) / 8 >= (uint64_t)max_ram, "M2P covers RAM");
    CHECK_EQ(memory_op(XENMEM_machphys_mapping, (void *)0x1000), -XEN_EFAULT,
             "machphys_mapping into an unmapped page");
}

static long vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall2(HC(vm_assist), cmd, type);
}

static void check_vm_assist(void)
{
    static const unsigned int types[] = {
        VMASST_TYPE_4gb_segments, VMASST_TYPE_4gb_segments_notify,
        VMASST_TYPE_writable_pagetables, VMASST_TYPE_pae_extended_cr3,
        VMASST_TYPE_architectural_iopl, VMASST_TYPE_runstate_update_flag,
        VMASST_TYPE_m2p_strict,
    };

    for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        CHECK_EQ(vm_assist(VMASST_CMD_enable, types[i]), 0, "enable");
        CHECK_EQ(vm_assist(VMASST_CMD_disable, types[i]), 0, "disable");
    }
    CHECK_EQ(vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL, "type 6");
    CHECK_EQ(vm_assist(VMASST_CMD_enable, 31), -XEN_EINVAL, "type 31");
    CHECK_EQ(vm_assist(VMASST_CMD_enable, 33), -XEN_EINVAL, "type 33");
    CHECK_EQ(vm_assist(VMASST_CMD_enable, 64), -XEN_EINVAL, "type 64");
    CHECK_EQ(vm_assist(VMASST_CMD_enable, ~0U), -XEN_EINVAL, "type ~0");
    CHECK_EQ(vm_assist(2, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS, "command 2");

    /* Writable page tables: a plain store into an L1 entry is emulated. */
    uint8_t *page = alloc_page(), *other = alloc_page();
    other[0] = 0x42;
    uint64_t *l1e = (uint64_t *)mfn_to_virt(pte_maddr(page, 1) >> 12) +
                    (pte_maddr(page, 1) & 0xfff) / 8;
    uint64_t new = (virt_to_mfn(other) << 12) | PTE_DATA;

    /* Xen emulates such stores for dom0 (its hardware domain) regardless. */
    if (!skip_on_dom0("store into an L1 without writable_pagetables faults"))
        CHECK_EQ(PROBE("movq %0, (%1)", "r"(new), "r"(l1e)), 14,
                 "store into an L1 without writable_pagetables faults");
    CHECK_EQ(vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0, "enable");
    CHECK_EQ(PROBE("movq %0, (%1)", "r"(new), "r"(l1e)), TRAP_NONE,
             "store into an L1 with writable_pagetables is emulated");
    CHECK_EQ(PTE_MFN(*l1e), virt_to_mfn(other), "the entry changed");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, PTR(page), 0), 0, "invlpg");
    CHECK_EQ(page[0], 0x42, "the page now shows the other frame");
    uint64_t bad = (PTE_MFN(((uint64_t *)start_info->pt_base)[256]) << 12) | PTE_DATA;
    CHECK_EQ(PROBE("movq %0, (%1)", "r"(bad), "r"(l1e)), 14,
             "an emulated store that maps a hypervisor frame faults");
    CHECK_EQ(PTE_MFN(*l1e), virt_to_mfn(other), "the entry is unchanged");

    /* The read-modify-writes Linux uses on L1 entries are emulated too. */
    uint64_t mine = (virt_to_mfn(page) << 12) | PTE_DATA, x = mine, expect;
    bool ok;
    asm volatile("xchgq %0, (%1)" : "+r"(x) : "r"(l1e) : "memory");
    CHECK_EQ(PTE_MFN(x), virt_to_mfn(other), "xchg: the old entry back");
    CHECK_EQ(PTE_MFN(*l1e), virt_to_mfn(page), "xchg: the new entry in");
    expect = *l1e;
    asm volatile("lock cmpxchgq %2, (%3); setz %0"
                 : "=q"(ok), "+a"(expect) : "r"(new), "r"(l1e) : "memory", "cc");
    CHECK(ok, "cmpxchg that matches: ZF");
    CHECK_EQ(PTE_MFN(*l1e), virt_to_mfn(other), "cmpxchg stored");
    expect = 0;
    asm volatile("lock cmpxchgq %2, (%3); setz %0"
                 : "=q"(ok), "+a"(expect) : "r"(mine), "r"(l1e) : "memory", "cc");
    CHECK(!ok, "cmpxchg that does not match: no ZF");
    CHECK_EQ(expect, *l1e, "cmpxchg: RAX gets the entry");
    CHECK_EQ(PTE_MFN(*l1e), virt_to_mfn(other), "cmpxchg stored nothing");
    asm volatile("lock btrq $1, (%1); setc %0" : "=q"(ok) : "r"(l1e) : "memory", "cc");
    CHECK(ok && !(*l1e & _PAGE_RW), "btr of RW: CF was set, RW clear");
    asm volatile("lock orb $2, (%0)" :: "r"(l1e) : "memory", "cc");
    CHECK(*l1e & _PAGE_RW, "or byte: RW back");
    asm volatile("lock andb $0xfd, (%0)" :: "r"(l1e) : "memory", "cc");
    CHECK(!(*l1e & _PAGE_RW), "and byte: RW clear");
    CHECK_EQ(PROBE("lock btsq $40, (%0)", "r"(l1e) : "memory", "cc"), 14,
             "a bit op that maps a frame beyond RAM faults");
    CHECK_EQ(PTE_MFN(*l1e), virt_to_mfn(other), "the entry is unchanged");
    CHECK_EQ(vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0, "disable");
    CHECK_EQ(map_frame(page, virt_to_mfn(page), PTE_DATA), 0, "restore the mapping");
}

static bool terminated(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i])
            return true;
    return false;
}

static bool contains(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (!strncmp(s, word, n))
            return true;
    return false;
}

static long xen_version(unsigned int cmd, void *arg)
{
    return hypercall2(HC(xen_version), cmd, PTR(arg));
}

static void check_xen_version(void)
{
    static xen_extraversion_t extra;
    static xen_capabilities_info_t caps;
    static struct xen_compile_info info;
    static xen_changeset_info_t changeset;
    static struct xen_platform_parameters params;
    static uint8_t handle[16];
    static xen_commandline_t cmdline;

    long v = xen_version(XENVER_version, 0);
    CHECK(v >= (3 << 16), "version %ld.%ld", v >> 16, v & 0xffff);
    memset(extra, 0xff, sizeof(extra));
    CHECK_EQ(xen_version(XENVER_extraversion, extra), 0, "extraversion");
    CHECK(terminated(extra, sizeof(extra)), "extraversion is a string");
    CHECK_EQ(xen_version(XENVER_capabilities, caps), 0, "capabilities");
    CHECK(contains(caps, "xen-3.0-x86_64"), "capabilities name x86_64 PV: '%s'", caps);
    memset(&info, 0xff, sizeof(info));
    CHECK_EQ(xen_version(XENVER_compile_info, &info), 0, "compile_info");
    CHECK(terminated(info.compiler, sizeof(info.compiler)) &&
          terminated(info.compile_by, sizeof(info.compile_by)) &&
          terminated(info.compile_domain, sizeof(info.compile_domain)) &&
          terminated(info.compile_date, sizeof(info.compile_date)),
          "compile_info fields are strings");
    memset(changeset, 0xff, sizeof(changeset));
    CHECK_EQ(xen_version(XENVER_changeset, changeset), 0, "changeset");
    CHECK(terminated(changeset, sizeof(changeset)), "changeset is a string");
    CHECK_EQ(xen_version(XENVER_platform_parameters, &params), 0, "platform_parameters");
    CHECK_EQ(params.virt_start, HYPERVISOR_VIRT_START, "virt_start");
    CHECK_EQ(xen_version(XENVER_pagesize, 0), 4096, "pagesize");
    CHECK_EQ(xen_version(XENVER_pagesize, handle), -XEN_EINVAL, "pagesize with an argument");
    CHECK_EQ(xen_version(XENVER_guest_handle, handle), 0, "guest_handle");
    CHECK_EQ(xen_version(XENVER_commandline, cmdline), 0, "commandline");
    CHECK(terminated(cmdline, sizeof(cmdline)), "commandline is a string");

    CHECK_EQ(xen_version(XENVER_extraversion, (void *)0x1000), -XEN_EFAULT,
             "extraversion into an unmapped page");
    CHECK_EQ(xen_version(XENVER_capabilities, (void *)(HYPERVISOR_VIRT_START + 4096)),
             -XEN_EFAULT, "capabilities into the hypervisor hole");
    CHECK_EQ(xen_version(XENVER_compile_info, (void *)start_info->pt_base), -XEN_EFAULT,
             "compile_info into a read-only page");
    CHECK_EQ(xen_version(99, 0), -XEN_ENOSYS, "unknown sub-op");

    if (skip_on_dom0("build_id needs privilege"))
        return;
    CHECK_EQ(xen_version(XENVER_build_id, cmdline), -XEN_EPERM, "build_id");
}

void test_main(void)
{
    subtest("memory_map and machine_memory_map", check_memory_maps);
    subtest("reservations", check_reservations);
    subtest("decrease, increase, populate", check_balloon);
    subtest("hostile extents", check_bad_extents);
    subtest("machphys_mapping", check_machphys);
    subtest("vm_assist", check_vm_assist);
    subtest("xen_version", check_xen_version);
}
