/* Frames, page tables and the kernel's view of memory. */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include "pvops.h"

#define PTE_P   0x001UL
#define PTE_W   0x002UL
#define PTE_U   0x004UL
#define PTE_A   0x020UL
#define PTE_D   0x040UL
#define PTE_SPECIAL 0x200UL    /* software bit: the frame is not ours (device areas) */
#define PTE_NX  (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

/* Frame allocator (pseudo-physical frames; PTEs get machine frames). */
void frame_init(struct boot_info *bi);
void frame_use_direct_map(void);
pfn_t frame_alloc(void);                /* zeroed, refcount 1; panics when out */
pfn_t frame_try_alloc(void);            /* zeroed, or 0 when memory is exhausted */
pfn_t frames_alloc(size_t n);           /* n contiguous, not zeroed, or 0 */
void frames_free(pfn_t first, size_t n);
void frame_get(pfn_t pfn);
void frame_put(pfn_t pfn);              /* frees the frame at refcount 0 */
unsigned int frame_refs(pfn_t pfn);
uint32_t *frame_kmalloc_tag(pfn_t pfn); /* kmalloc's per-frame bookkeeping */
uint64_t frames_free_count(void);
uint64_t frames_total(void);

extern uintptr_t direct_map_base;
static inline void *pfn_to_virt(pfn_t pfn)
{
	return (void *)(direct_map_base + (pfn << PAGE_SHIFT));
}
static inline pfn_t virt_to_pfn(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (v >= KERNEL_BASE)
		return (v - KERNEL_BASE) >> PAGE_SHIFT;
	return (v - direct_map_base) >> PAGE_SHIFT;
}

/* Page tables, always changed through pv_ops.mmu. */
static inline pte_t mk_pte(pfn_t pfn, uint64_t flags)
{
	return (pv_ops.mmu.pfn_to_mfn(pfn) << PAGE_SHIFT) | flags;
}
static inline pfn_t pte_pfn(pte_t pte)
{
	return pv_ops.mmu.mfn_to_pfn((pte & PTE_ADDR) >> PAGE_SHIFT);
}

void paging_init(struct boot_info *bi);
pte_t *pt_walk(pfn_t root, uintptr_t va, bool create);   /* L1 entry or NULL */
pfn_t pt_new_user_root(void);
void pt_free_user(pfn_t root);
pfn_t pt_clone_user_cow(pfn_t parent_root);
void pt_unmap_range(pfn_t root, uintptr_t start, uintptr_t end);
void pt_protect_range(pfn_t root, uintptr_t start, uintptr_t end, uint64_t flags);
extern pfn_t kernel_root;

#endif
