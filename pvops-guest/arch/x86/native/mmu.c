/*
 * Native MMU operations: the kernel owns the page tables, so entries are
 * written directly, pseudo-physical frames are machine frames, and a frame
 * becoming a page table needs no announcement.
 */
#include "pvops.h"

static mfn_t native_pfn_to_mfn(pfn_t pfn) { return pfn; }
static pfn_t native_mfn_to_pfn(mfn_t mfn) { return mfn; }

static void native_set_pte(pte_t *ptep, pte_t val)
{
	*(volatile pte_t *)ptep = val;
}

/* Direct writes take effect at once: there is nothing to batch. */
static void native_lazy_nop(void) { }
static void native_pt_nop(pfn_t pfn, int level) { (void)pfn; (void)level; }

static void native_switch_root(pfn_t root)
{
	asm volatile("mov %0, %%cr3" : : "r"(root << 12) : "memory");
}

static void native_flush_tlb_page(uintptr_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static void native_flush_tlb_all(void)
{
	uint64_t cr3;

	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
}

const struct pv_mmu_ops native_mmu_ops = {
	.pfn_to_mfn = native_pfn_to_mfn,
	.mfn_to_pfn = native_mfn_to_pfn,
	.set_pte = native_set_pte,
	.lazy_begin = native_lazy_nop,
	.lazy_flush = native_lazy_nop,
	.alloc_pt = native_pt_nop,
	.release_pt = native_pt_nop,
	.switch_root = native_switch_root,
	.flush_tlb_page = native_flush_tlb_page,
	.flush_tlb_all = native_flush_tlb_all,
};
