/*
 * PV MMU: building, pinning and hooking page tables, mmu_update and
 * update_va_mapping on live mappings, the M2P, base pointers, TLB flushes,
 * and the updates a guest must never get through (writable page tables,
 * foreign and hypervisor frames, hypervisor L4 slots, superpages, pin
 * misuse).  Every refused update is followed by re-reading the entry.
 *
 * xen-ref: pass
 */
#include "lib/guest.h"
#include "lib/traps.h"
#include "lib/mm.h"
#include <public/memory.h>

const char test_title[] = "mmu";

/* An otherwise unused L4 slot in the guest-kernel half. */
#define TEST_SLOT 400UL
#define TEST_VA   (0xffff000000000000UL | (TEST_SLOT << 39))
#define TEST_PAGE(i) ((volatile uint64_t *)(TEST_VA + (i) * PAGE_SIZE))
#define M2P_SLOT  L4_SLOT(MACH2PHYS_VIRT_START)

static uint64_t *l4;                /* our (initial) L4, read-only */
static uint64_t l4_mfn;
static struct pt_chain chain;       /* the tables behind TEST_VA */
static uint64_t *data, data_mfn;    /* a page seen at TEST_PAGE(0) */
static uint64_t *other, other_mfn;  /* mapped only through TEST_VA */

static uint64_t l4_entry(unsigned long slot)
{
    return (l4_mfn << 12) | (slot * 8);
}

static uint64_t l1_entry(unsigned int i)
{
    return (chain.l1_mfn << 12) | (i * 8);
}

static void fill(uint64_t *page, uint64_t seed)
{
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        page[i] = seed ^ i;
}

static bool holds(volatile const uint64_t *page, uint64_t seed)
{
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        if (page[i] != (seed ^ i))
            return false;
    return true;
}

static uint64_t read_cr3(void)
{
    uint64_t cr3;
    asm volatile ("mov %%cr3, %0" : "=r"(cr3));
    return cr3;
}

/* --- building ------------------------------------------------------------ */

static void check_build_and_pin(void)
{
    data = alloc_page();
    data_mfn = virt_to_mfn(data);
    fill(data, 0xd0d0);

    /* A fresh frame: its only mapping will be through the new tables. */
    other = alloc_page();
    other_mfn = virt_to_mfn(other);
    fill(other, 0x0e0e);
    CHECK_EQ(update_va_mapping(other, 0, UVMF_INVLPG), 0, "unmap the fresh frame");

    uint64_t l1e = (data_mfn << 12) | PTE_DATA;
    pt_chain_build(&chain, TEST_VA, &l1e, 1);

    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, chain.l1_mfn, 0), 0, "pin L1");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, chain.l2_mfn, 0), 0, "pin L2");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, chain.l3_mfn, 0), 0, "pin L3");
    CHECK_EQ(l4[TEST_SLOT], 0, "test slot unused before");
    CHECK_EQ(mmu_update1(l4_entry(TEST_SLOT), (chain.l3_mfn << 12) | PTE_TABLE), 0,
             "hook the L3 into our L4");
    CHECK_EQ(PTE_MFN(l4[TEST_SLOT]), chain.l3_mfn, "L4 entry written");
    CHECK(holds(TEST_PAGE(0), 0xd0d0), "data visible through the new tables");

    /* A store through the new mapping shows in the old one. */
    TEST_PAGE(0)[7] = 0x77;
    CHECK_EQ(data[7], 0x77, "write through the new mapping");
    data[7] = 0xd0d0 ^ 7;
}

/* --- valid updates --------------------------------------------------------- */

static void check_update_va_mapping(void)
{
    const void *va = (const void *)TEST_PAGE(1);

    CHECK_EQ(update_va_mapping(va, (other_mfn << 12) | PTE_DATA, UVMF_INVLPG), 0,
             "map the fresh frame");
    CHECK(holds(TEST_PAGE(1), 0x0e0e), "fresh frame's contents");
    CHECK_EQ(PTE_MFN(chain.l1[1]), other_mfn, "L1 entry written");

    CHECK_EQ(update_va_mapping(va, (data_mfn << 12) | PTE_DATA, UVMF_INVLPG), 0,
             "remap to the data frame");
    CHECK(holds(TEST_PAGE(1), 0xd0d0), "remapped contents");

    CHECK_EQ(update_va_mapping(va, (other_mfn << 12) | (PTE_DATA & ~_PAGE_RW),
                               UVMF_INVLPG), 0, "map read-only");
    CHECK_EQ(PROBE("movq $0, (%0)", "r"(va)), 14, "write to the read-only mapping");
    CHECK(holds(TEST_PAGE(1), 0x0e0e), "contents unchanged");

    CHECK_EQ(update_va_mapping(va, 0, UVMF_INVLPG), 0, "unmap");
    CHECK_EQ(chain.l1[1], 0, "L1 entry cleared");
    CHECK_EQ(PROBE("mov (%0), %%rax", "r"(va) : "rax"), 14, "read after unmap");

    CHECK_EQ(update_va_mapping(va, (other_mfn << 12) | PTE_DATA, UVMF_TLB_FLUSH), 0,
             "map with a full flush");
    CHECK(holds(TEST_PAGE(1), 0x0e0e), "contents after the full flush");
    CHECK_EQ(update_va_mapping(va, 0, UVMF_INVLPG | UVMF_ALL), 0,
             "unmap with invlpg on all vCPUs");
}

static void check_mmu_update(void)
{
    struct mmu_update u[2] = {
        { l1_entry(2), (data_mfn << 12) | PTE_DATA },
        { l1_entry(3), (other_mfn << 12) | PTE_DATA },
    };
    unsigned int done = 99;

    CHECK_EQ(hypercall4(HC(mmu_update), PTR(u), 2, PTR(&done), DOMID_SELF), 0,
             "two L1 updates in one call");
    CHECK_EQ(done, 2, "done count");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)TEST_PAGE(2), 0), 0, "invlpg");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)TEST_PAGE(3), 0), 0, "invlpg");
    CHECK(holds(TEST_PAGE(2), 0xd0d0), "first update took effect");
    CHECK(holds(TEST_PAGE(3), 0x0e0e), "second update took effect");

    CHECK_EQ(mmu_update1(l1_entry(3) | MMU_PT_UPDATE_PRESERVE_AD,
                         (data_mfn << 12) | _PAGE_PRESENT | _PAGE_RW), 0,
             "MMU_PT_UPDATE_PRESERVE_AD");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)TEST_PAGE(3), 0), 0, "invlpg");
    CHECK(holds(TEST_PAGE(3), 0xd0d0), "preserve-AD update took effect");

    u[0].val = 0;
    u[1].val = 0;
    CHECK_EQ(hypercall4(HC(mmu_update), PTR(u), 2, 0, DOMID_SELF), 0, "unmap both");
    CHECK_EQ(chain.l1[2] | chain.l1[3], 0, "entries cleared");

    /* A stale TLB entry is the guest's problem; after invlpg it is gone. */
    CHECK_EQ(update_va_mapping((const void *)TEST_PAGE(1), (data_mfn << 12) | PTE_DATA, UVMF_NONE),
             0, "map without flush");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)TEST_PAGE(1), 0), 0, "invlpg");
    CHECK(holds(TEST_PAGE(1), 0xd0d0), "mapping visible after invlpg");
    CHECK_EQ(update_va_mapping((const void *)TEST_PAGE(1), 0, UVMF_INVLPG), 0, "unmap");

    /* Xen lets mmu_update write any 8 bytes of an ordinary page we own. */
    CHECK_EQ(mmu_update1((data_mfn << 12) | 8 * 9, 0x1234), 0,
             "mmu_update into an ordinary writable page");
    CHECK_EQ(data[9], 0x1234, "the word was written");
    data[9] = 0xd0d0 ^ 9;
}

static void check_machphys_update(void)
{
    uint64_t pfn = machine_to_phys[data_mfn];

    CHECK_EQ(mmu_update1((data_mfn << 12) | MMU_MACHPHYS_UPDATE, 0x12345), 0,
             "MMU_MACHPHYS_UPDATE of our frame");
    CHECK_EQ(machine_to_phys[data_mfn], 0x12345, "M2P entry updated");
    CHECK_EQ(mmu_update1((data_mfn << 12) | MMU_MACHPHYS_UPDATE, pfn), 0,
             "restore the M2P entry");
    CHECK_EQ(machine_to_phys[data_mfn], pfn, "M2P entry restored");

    uint64_t xen_mfn = PTE_MFN(l4[M2P_SLOT]);
    uint64_t xen_pfn = machine_to_phys[xen_mfn];
    CHECK_EQ(mmu_update1((xen_mfn << 12) | MMU_MACHPHYS_UPDATE, 0x12345), -XEN_EINVAL,
             "MMU_MACHPHYS_UPDATE of a hypervisor frame");
    CHECK_EQ(machine_to_phys[xen_mfn], xen_pfn, "its M2P entry unchanged");
}

static void check_baseptr(void)
{
    uint64_t *copy = alloc_page();
    uint64_t copy_mfn = virt_to_mfn(copy);

    memcpy(copy, l4, PAGE_SIZE);
    make_readonly(copy);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, copy_mfn, 0), 0, "NEW_BASEPTR to a copy");
    CHECK_EQ(read_cr3(), copy_mfn << 12, "CR3 is the copy");
    CHECK(holds(TEST_PAGE(0), 0xd0d0), "mappings intact under the copy");
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, l4_mfn, 0), 0, "NEW_BASEPTR back");
    CHECK_EQ(read_cr3(), l4_mfn << 12, "CR3 is ours again");
    /* The copy was never pinned: with CR3 gone it is an ordinary page again. */
    CHECK_EQ(map_frame(copy, copy_mfn, PTE_DATA), 0, "old base is writable again");

    /* The copy is now writable-mapped, so it cannot become an L4. */
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, copy_mfn, 0), -XEN_EINVAL,
             "NEW_BASEPTR to a writable page");
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, chain.l1_mfn, 0), -XEN_EINVAL,
             "NEW_BASEPTR to an L1");
    CHECK_EQ(read_cr3(), l4_mfn << 12, "CR3 unchanged");

    /* A pinned L4 stays a page table with no other reference to it. */
    make_readonly(copy);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L4_TABLE, copy_mfn, 0), 0, "pin the copy as an L4");
    CHECK_EQ(map_frame(copy, copy_mfn, PTE_DATA), -XEN_EBUSY, "a pinned L4 is not writable");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, copy_mfn, 0), 0, "unpin it");
    CHECK_EQ(map_frame(copy, copy_mfn, PTE_DATA), 0, "writable once unpinned");

    make_readonly(copy);
    CHECK_EQ(mmuext1(MMUEXT_NEW_USER_BASEPTR, copy_mfn, 0), 0, "NEW_USER_BASEPTR");
    CHECK_EQ(map_frame(copy, copy_mfn, PTE_DATA), -XEN_EBUSY,
             "the user L4 cannot be mapped writable");
    CHECK_EQ(mmuext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0, "NEW_USER_BASEPTR 0");
    CHECK_EQ(map_frame(copy, copy_mfn, PTE_DATA), 0, "released by clearing it");
    CHECK_EQ(mmuext1(MMUEXT_NEW_USER_BASEPTR, copy_mfn, 0), -XEN_EINVAL,
             "NEW_USER_BASEPTR to a writable page");
}

static void check_tlb_ops(void)
{
    uint64_t vcpus = 1;

    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0, "TLB_FLUSH_LOCAL");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, TEST_VA, 0), 0, "INVLPG_LOCAL");
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0, "TLB_FLUSH_ALL");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_ALL, TEST_VA, 0), 0, "INVLPG_ALL");
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, PTR(&vcpus)), 0, "TLB_FLUSH_MULTI");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_MULTI, TEST_VA, PTR(&vcpus)), 0, "INVLPG_MULTI");
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, 0x1000), -XEN_EINVAL,
             "TLB_FLUSH_MULTI with an unmapped vCPU mask");
    /* Flushing an address that is not ours is harmless and accepted. */
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, HYPERVISOR_VIRT_START, 0), 0,
             "INVLPG_LOCAL of a hypervisor address");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_ALL, 0x8000000000000000UL, 0), 0,
             "INVLPG_ALL of a non-canonical address");
    CHECK_EQ(mmuext1(MMUEXT_MARK_SUPER, data_mfn, 0), -XEN_EOPNOTSUPP, "MARK_SUPER");
    CHECK_EQ(mmuext1(14, 0, 0), -XEN_ENOSYS, "unknown mmuext command 14");
    CHECK_EQ(mmuext1(1000, 0, 0), -XEN_ENOSYS, "unknown mmuext command 1000");
    CHECK(holds(TEST_PAGE(0), 0xd0d0), "mappings intact");
}

/* --- hostile updates ------------------------------------------------------- */

static void check_writable_page_tables(void)
{
    const void *va = (const void *)TEST_PAGE(4);

    CHECK_EQ(mmu_update1(l1_entry(4), (chain.l1_mfn << 12) | PTE_DATA), -XEN_EBUSY,
             "mmu_update: writable mapping of a pinned L1");
    CHECK_EQ(mmu_update1(l1_entry(4), (l4_mfn << 12) | PTE_DATA), -XEN_EBUSY,
             "mmu_update: writable mapping of our L4");
    CHECK_EQ(update_va_mapping(va, (chain.l3_mfn << 12) | PTE_DATA, UVMF_INVLPG),
             -XEN_EBUSY, "update_va_mapping: writable mapping of an L3");
    CHECK_EQ(update_va_mapping(l4, (l4_mfn << 12) | PTE_DATA, UVMF_INVLPG),
             -XEN_EBUSY, "update_va_mapping: our L4's own mapping made writable");
    CHECK_EQ(chain.l1[4], 0, "L1 entry unchanged");
    CHECK_EQ(pte_read(l4, 1) & _PAGE_RW, 0, "our L4 still mapped read-only");
    CHECK_EQ(PROBE("movq $0, 8(%0)", "r"(l4)), 14, "and still not writable");

    /* Read-only mappings of page tables are fine. */
    CHECK_EQ(update_va_mapping(va, (chain.l1_mfn << 12) | (PTE_DATA & ~_PAGE_RW),
                               UVMF_INVLPG), 0, "read-only mapping of the L1");
    CHECK_EQ(TEST_PAGE(4)[0], PTE_MFN(chain.l1[0]) << 12 | PTE_FLAGS(chain.l1[0]),
             "L1 readable through it");
    CHECK_EQ(update_va_mapping(va, 0, UVMF_INVLPG), 0, "unmap it");

    /* An L1 that maps itself writable can never be validated. */
    uint64_t *self = alloc_page();
    uint64_t self_mfn = virt_to_mfn(self);
    self[0] = (self_mfn << 12) | PTE_DATA;
    make_readonly(self);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, self_mfn, 0), -XEN_EBUSY,
             "pin an L1 that maps itself writable");
    CHECK_EQ(mmu_update1(chain.l2_mfn << 12 | 8, (self_mfn << 12) | PTE_TABLE),
             -XEN_EBUSY, "hook in an L1 that maps itself writable");
    CHECK_EQ(chain.l2[1], 0, "L2 entry unchanged");
    CHECK_EQ(map_frame(self, self_mfn, PTE_DATA), 0, "the frame is still a plain page");
}

/*
 * A writable mapping dropped without a flush leaves its translation in
 * the TLB (QEMU's as a CPU's).  Pinned as a table right after, the frame
 * must not stay writable through it: hv flushes before validating unless
 * a CR3 write came since, and between these hypercalls none does.
 */
static void check_stale_writable(void)
{
    uint64_t *t = alloc_page();
    uint64_t t_mfn = virt_to_mfn(t);
    uint64_t evil = (l4_mfn << 12) | PTE_DATA;

    t[0] = 0;
    CHECK_EQ(update_va_mapping(t, (t_mfn << 12) | (PTE_DATA & ~_PAGE_RW), UVMF_NONE),
             0, "remap a written page read-only without a flush");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, t_mfn, 0), 0, "pin it as an L1");
    CHECK_EQ(PROBE("movq %1, (%0)", "r"(t), "r"(evil)), 14,
             "a write through the old translation faults");
    CHECK_EQ(t[0], 0, "the new L1 is unchanged");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, t_mfn, 0), 0, "unpin it");
    make_writable(t);
}

/* A RAM frame that is not ours: counting down from the top of RAM.
 * Frames that are ours without a p2m entry (shared_info, grant table
 * frames) are told apart by an M2P update to their own value, which only
 * the owner may do (and which changes nothing). */
static uint64_t foreign_ram_mfn(uint64_t max_mfn)
{
    const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;

    for (uint64_t mfn = max_mfn - 1; mfn > 0; mfn--) {
        uint64_t pfn = machine_to_phys[mfn];
        if ((pfn >= start_info->nr_pages || p2m[pfn] != mfn) &&
            mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn) != 0)
            return mfn;
    }
    panic("no foreign RAM frame");
}

static void check_foreign_frames(void)
{
    const void *va = (const void *)TEST_PAGE(5);
    long max_mfn = hypercall2(HC(memory_op), XENMEM_maximum_ram_page, 0);
    uint64_t xen_mfn = PTE_MFN(l4[M2P_SLOT]);
    uint64_t foreign = foreign_ram_mfn(max_mfn);

    CHECK(max_mfn > 0, "maximum_ram_page %ld", max_mfn);
    CHECK_EQ(map_frame(va, xen_mfn, PTE_DATA & ~_PAGE_RW), -XEN_EBUSY,
             "map the hypervisor's M2P L3 frame (from L4 slot 256)");
    CHECK_EQ(map_frame(va, foreign, PTE_DATA & ~_PAGE_RW), -XEN_EBUSY,
             "map a RAM frame we do not own");
    CHECK_EQ(mmu_update1(l1_entry(5), (foreign << 12) | PTE_DATA), -XEN_EBUSY,
             "mmu_update: writable mapping of that frame");
    CHECK_EQ(chain.l1[5], 0, "L1 entry unchanged");

    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, xen_mfn, 0), -XEN_EINVAL,
             "pin a hypervisor frame");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, foreign, 0), -XEN_EINVAL,
             "pin a frame we do not own");
    CHECK_EQ(mmu_update1(xen_mfn << 12, 0), -XEN_EINVAL,
             "mmu_update with ptr in a hypervisor frame");
    CHECK_EQ(mmu_update1(max_mfn << 12 << 4, 0), -XEN_EINVAL,
             "mmu_update with ptr beyond the end of memory");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, (uint64_t)max_mfn << 4, 0), -XEN_EINVAL,
             "pin an MFN beyond the end of memory");

    if (skip_on_dom0("mapping an MFN beyond RAM (dom0 may map I/O memory)"))
        return;
    CHECK_EQ(map_frame(va, (uint64_t)max_mfn << 4, PTE_DATA & ~_PAGE_RW), -XEN_EPERM,
             "map an MFN beyond the end of memory");
    CHECK_EQ(chain.l1[5], 0, "L1 entry unchanged");
}

static void check_hypervisor_slots(void)
{
    for (unsigned long slot = M2P_SLOT; slot < M2P_SLOT + 16; slot++) {
        uint64_t before = l4[slot];
        CHECK_EQ(mmu_update1(l4_entry(slot), (chain.l3_mfn << 12) | PTE_TABLE),
                 -XEN_EINVAL, "write a hypervisor L4 slot");
        CHECK_EQ(mmu_update1(l4_entry(slot), 0), -XEN_EINVAL,
                 "clear a hypervisor L4 slot");
        CHECK_EQ(l4[slot], before, "hypervisor L4 slot unchanged");
    }
    CHECK(l4[M2P_SLOT] & _PAGE_PRESENT, "the M2P slot is present");
    CHECK_EQ(machine_to_phys[data_mfn], (uint64_t)((uint8_t *)data - (uint8_t *)GUEST_VIRT_BASE) / PAGE_SIZE,
             "M2P still readable");
}

static void check_bad_flags(void)
{
    CHECK_EQ(mmu_update1((chain.l2_mfn << 12) | 8, (data_mfn << 12) | PTE_TABLE | _PAGE_PSE),
             -XEN_EINVAL, "2 MiB superpage in an L2");
    CHECK_EQ(chain.l2[1], 0, "L2 entry unchanged");
    CHECK_EQ(mmu_update1((chain.l3_mfn << 12) | 8, (data_mfn << 12) | PTE_TABLE | _PAGE_PSE),
             -XEN_EINVAL, "1 GiB superpage in an L3");
    CHECK_EQ(chain.l3[1], 0, "L3 entry unchanged");
    CHECK_EQ(mmu_update1((chain.l2_mfn << 12) | 8, (chain.l1_mfn << 12) | PTE_TABLE | _PAGE_GLOBAL),
             -XEN_EINVAL, "global bit in an L2");
    CHECK_EQ(chain.l2[1], 0, "L2 entry unchanged");
    CHECK_EQ(mmu_update1((chain.l2_mfn << 12) | 8, (data_mfn << 12) | PTE_TABLE),
             -XEN_EINVAL, "L2 entry pointing at a data page");
    CHECK_EQ(mmu_update1((chain.l3_mfn << 12) | 8, (chain.l1_mfn << 12) | PTE_TABLE),
             -XEN_EINVAL, "L3 entry pointing at an L1");
    CHECK_EQ(chain.l3[1], 0, "L3 entry unchanged");
    CHECK_EQ(mmu_update1(l1_entry(6) | 4, (data_mfn << 12) | PTE_DATA), -XEN_ENOSYS,
             "mmu_update command 4");
    CHECK_EQ(chain.l1[6], 0, "L1 entry unchanged");

    if (skip_on_dom0("cache attributes on an L1 entry (dom0 has I/O privilege)"))
        return;
    CHECK_EQ(mmu_update1(l1_entry(6), (data_mfn << 12) | PTE_DATA | _PAGE_PCD),
             -XEN_EINVAL, "PCD without I/O privilege");
    CHECK_EQ(chain.l1[6], 0, "L1 entry unchanged");
}

static void check_pinning(void)
{
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, chain.l1_mfn, 0), -XEN_EINVAL, "double pin");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, chain.l1_mfn, 0), -XEN_EINVAL,
             "pin an L1 as an L2");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, data_mfn, 0), -XEN_EINVAL,
             "pin a writable-mapped page");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, data_mfn, 0), -XEN_EINVAL,
             "unpin a page that is not pinned");

    /* The base stays valid through CR3's own reference: Xen allows this. */
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l4_mfn, 0), 0, "unpin the current base");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l4_mfn, 0), -XEN_EINVAL, "unpin it twice");
    CHECK_EQ(map_frame(l4, l4_mfn, PTE_DATA), -XEN_EBUSY,
             "the unpinned base is still a page table");
    CHECK_EQ(mmuext1(MMUEXT_PIN_L4_TABLE, l4_mfn, 0), 0, "pin it again");
    CHECK(holds(TEST_PAGE(0), 0xd0d0), "mappings intact");
}

/* Unhook and unpin everything; the frames become plain pages again. */
static void check_teardown(void)
{
    CHECK_EQ(mmu_update1(l4_entry(TEST_SLOT), 0), 0, "unhook the L3");
    CHECK_EQ(PROBE("mov (%0), %%rax", "r"(TEST_VA) : "rax"), 14, "TEST_VA gone");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, chain.l3_mfn, 0), 0, "unpin L3");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, chain.l2_mfn, 0), 0, "unpin L2");
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, chain.l1_mfn, 0), 0, "unpin L1");
    CHECK_EQ(map_frame(chain.l1, chain.l1_mfn, PTE_DATA), 0, "old L1 writable again");
    CHECK_EQ(map_frame(chain.l3, chain.l3_mfn, PTE_DATA), 0, "old L3 writable again");
}

void test_main(void)
{
    l4 = (uint64_t *)start_info->pt_base;
    l4_mfn = virt_to_mfn(l4);

    subtest("build, pin and hook L1-L3", check_build_and_pin);
    subtest("update_va_mapping: map, remap, unmap", check_update_va_mapping);
    subtest("mmu_update on L1 entries", check_mmu_update);
    subtest("MMU_MACHPHYS_UPDATE", check_machphys_update);
    subtest("NEW_BASEPTR and NEW_USER_BASEPTR", check_baseptr);
    subtest("TLB flush operations", check_tlb_ops);
    subtest("hostile: writable page tables", check_writable_page_tables);
    subtest("hostile: a stale writable translation", check_stale_writable);
    subtest("hostile: foreign and hypervisor frames", check_foreign_frames);
    subtest("hostile: hypervisor L4 slots", check_hypervisor_slots);
    subtest("hostile: superpages and bad flags", check_bad_flags);
    subtest("hostile: pin misuse", check_pinning);
    subtest("teardown", check_teardown);
}
