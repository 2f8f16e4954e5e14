/*
 * The builder maps its own area plus some padding (at least 512 KiB).
 * Before paging_init the kernel must reach, through that mapping, the frame
 * allocator's arrays (about 9 bytes a frame), our page-table level map
 * (1 byte a frame) and the tables of the direct map (one per 512 frames),
 * which for a few hundred MiB no longer fit.  So the mapping is extended in
 * 2 MiB steps, at most to the 1 GiB the native boot tables map: each step
 * takes one new L1 from the frames mapped so far, fills it, makes it
 * read-only and links it into the builder's L2.
 */
#include "lib.h"
#include "mm.h"
#include "pv.h"

#define FRAMES_PER_L1 512
#define EARLY_MAP_MAX (1UL << 18)          /* frames: 1 GiB, as natively */

static uint64_t *early_va(pfn_t pfn)
{
	return (uint64_t *)(KERNEL_BASE + (pfn << PAGE_SHIFT));
}

static pfn_t table_pfn(uint64_t entry)
{
	return pv_m2p[(entry & PTE_ADDR) >> PAGE_SHIFT];
}

/* Early frames the kernel needs for n frames of memory, with some slack. */
static pfn_t early_need(pfn_t n)
{
	return n * 10 / PAGE_SIZE + n / FRAMES_PER_L1 + 64;
}

void pv_early_map_extend(struct boot_info *bi, struct pv_layout *l)
{
	pfn_t want = MIN(l->builder_end + early_need(l->nr_pfns), MIN(l->nr_pfns, EARLY_MAP_MAX));
	const xen_pfn_t *p2m = (const xen_pfn_t *)early_va(l->p2m_pfn);
	uint64_t *l3, *l2;
	pfn_t l2_pfn;
	unsigned int slot;

	if (want <= l->early_limit)
		return;
	/* KERNEL_BASE is L4 slot 511, L3 slot 510; the L2 slot is pfn / 512. */
	l3 = early_va(table_pfn(early_va(l->pt_first)[511]));
	l2_pfn = table_pfn(l3[510]);
	l2 = early_va(l2_pfn);
	/* The builder maps whole L1s: take all it mapped. */
	for (slot = 0; slot < FRAMES_PER_L1 && (l2[slot] & PTE_P); slot++)
		;
	l->early_limit = MIN((pfn_t)slot * FRAMES_PER_L1, l->nr_pfns);
	l->ext_first = l->next_free;
	for (; l->early_limit < want; slot++) {
		pfn_t l1 = pv_early_alloc(bi, l, 1);
		uint64_t *e;

		if (!l1)
			panic("pv: no frame to extend the initial mapping");
		e = early_va(l1);
		for (unsigned int i = 0; i < FRAMES_PER_L1; i++) {
			pfn_t p = (pfn_t)slot * FRAMES_PER_L1 + i;

			e[i] = p < l->nr_pfns ?
				(p2m[p] << PAGE_SHIFT) | PTE_P | PTE_W | PTE_A | PTE_D | PTE_NX : 0;
		}
		pv_batch_call(&pv_batch, __HYPERVISOR_update_va_mapping, (uintptr_t)e,
			      (p2m[l1] << PAGE_SHIFT) | PTE_P | PTE_A | PTE_NX, UVMF_INVLPG);
		pv_batch_mmu_update(&pv_batch, ((uint64_t)p2m[l2_pfn] << PAGE_SHIFT) +
				    slot * sizeof(uint64_t), (p2m[l1] << PAGE_SHIFT) |
				    PTE_P | PTE_W | PTE_U | PTE_A);
		pv_batch_flush(&pv_batch);
		l->ext_count++;
		l->early_limit = MIN((pfn_t)(slot + 1) * FRAMES_PER_L1, l->nr_pfns);
	}
	bi->early_limit = l->early_limit;
}
