/* What the Xen device drivers share: machine addresses of user PTEs. */
#ifndef GUEST_XEN_PTE_H
#define GUEST_XEN_PTE_H

#include "mm.h"

/* The machine address of a page-table entry (a frame of the direct map). */
static inline uint64_t pte_maddr(const pte_t *pte)
{
	return (pv_ops.mmu.pfn_to_mfn(virt_to_pfn(pte)) << PAGE_SHIFT) |
	       ((uintptr_t)pte & (PAGE_SIZE - 1));
}

#endif
