/*
 * Page allocation and PV MMU hypercall wrappers.
 *
 * The domain builder maps, from VIRT_BASE: the kernel image, the p2m list,
 * start_info, (domU) the xenstore and console pages, the page tables and
 * one stack page, then pads the mapping to a 4 MiB boundary.  That padding
 * is ours and already mapped read-write: alloc_page() hands it out.
 */
#include "mm.h"

extern char _end[];
static uint64_t next_free;

static uint64_t page_up(uint64_t va)
{
    return (va + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* The first VA after everything the builder placed. */
static uint64_t builder_end(void)
{
    uint64_t end = page_up((uint64_t)_end);

    end = max_u64(end, start_info->pt_base + (start_info->nr_pt_frames + 1) * PAGE_SIZE);
    end = max_u64(end, page_up(start_info->mfn_list + start_info->nr_pages * 8));
    end = max_u64(end, page_up((uint64_t)start_info + sizeof(*start_info)));
    return end;
}

void *alloc_page(void)
{
    if (!next_free)
        next_free = builder_end();

    void *va = (void *)next_free;
    uint64_t pte = pte_read(va, 1);
    if ((pte & (_PAGE_PRESENT | _PAGE_RW)) != (_PAGE_PRESENT | _PAGE_RW))
        panic("alloc_page: out of pages at %p", va);
    next_free += PAGE_SIZE;
    memset(va, 0, PAGE_SIZE);
    return va;
}

uint8_t *alloc_page_before_hole(void)
{
    uint8_t *page = alloc_page();
    uint8_t *hole = alloc_page();

    if (hole != page + PAGE_SIZE)
        panic("alloc_page_before_hole: pages not contiguous");
    long rc = update_va_mapping(hole, 0, UVMF_INVLPG);
    if (rc)
        panic("alloc_page_before_hole: unmapping: %ld", rc);
    return page;
}

long mmu_update1(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = { ptr, val };
    return hypercall4(HC(mmu_update), PTR(&u), 1, 0, DOMID_SELF);
}

long mmuext1(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2 };
    return hypercall4(HC(mmuext_op), PTR(&op), 1, 0, DOMID_SELF);
}

long update_va_mapping(const void *va, uint64_t pte, unsigned long flags)
{
    return hypercall3(HC(update_va_mapping), PTR(va), pte, flags);
}

long map_frame(const void *va, uint64_t mfn, uint64_t flags)
{
    return update_va_mapping(va, (mfn << 12) | flags, UVMF_INVLPG);
}

static void remap(const void *va, uint64_t flags)
{
    long rc = map_frame(va, virt_to_mfn(va), flags);
    if (rc)
        panic("remapping %p with flags %#lx: %ld", va, flags, rc);
}

void make_readonly(const void *va)
{
    remap(va, PTE_DATA & ~_PAGE_RW);
}

void make_writable(const void *va)
{
    remap(va, PTE_DATA);
}
