/*
 * A simulated PV machine for unit tests of the PV MMU: guest frames in
 * host memory (reached as the guest's direct map), machine frame numbers
 * that differ from pseudo-physical ones, a p2m list inside guest memory
 * and an M2P table, and the hypercalls the PV MMU batches (mmu_update,
 * mmuext_op, update_va_mapping) with the one rule of Xen's that matters
 * here: no frame that is a page table of a pinned or loaded tree may be
 * mapped writable, neither in such a tree nor by update_va_mapping.
 */
#ifndef GUEST_TEST_FAKE_XEN_H
#define GUEST_TEST_FAKE_XEN_H

#include <public/xen.h>

#include "kernel.h"

#define FX_PAGES    1024
#define FX_MFN_BASE 0x40000           /* mfn = pfn + FX_MFN_BASE */
#define FX_MAX_LOG  16384

struct fx_call {
	uint64_t op;                  /* hypercall number */
	unsigned int cmd;             /* mmuext command */
	uint64_t arg;                 /* mmuext arg1 (as a pfn for MFN arguments), uvm VA */
	uint64_t val;                 /* mmu_update / uvm value */
};

struct fake_xen {
	uint8_t *mem;                 /* FX_PAGES frames */
	xen_pfn_t m2p[FX_MFN_BASE + FX_PAGES];
	bool writable[FX_PAGES];      /* the frame's own page is mapped writable */
	bool pinned[FX_PAGES];
	pfn_t base, user_base;        /* loaded roots (pfn), 0 = none */
	uint64_t special_va, special_maddr;   /* last update_va_mapping outside memory */
	struct fx_call log[FX_MAX_LOG];
	unsigned int nr_log, nr_issues;
	long error;                   /* last refusal, 0 if none */
};

extern struct fake_xen fx;

/* Zeroed memory, every frame writable, the p2m list at p2m_pfn. */
void fx_init(pfn_t p2m_pfn);
void fx_issue(struct multicall_entry *calls, unsigned int n);
/* Index in the log of the first call matching op (and cmd for mmuext), from `from`; -1 if none. */
int fx_find(unsigned int from, uint64_t op, unsigned int cmd, uint64_t arg);
/* True if pfn is a page table (L1-L4) of the tree under root. */
bool fx_in_tree(pfn_t root, pfn_t pfn);
/* Guest memory of a frame. */
void *fx_frame(pfn_t pfn);

#endif
