/*
 * A batch of hypervisor operations issued as one multicall.  Consecutive
 * page-table updates share one mmu_update call and consecutive extended
 * MMU operations one mmuext_op call; other calls (update_va_mapping,
 * stack_switch, ...) take a multicall entry each.  TLB flushes asked for
 * while the batch fills are appended at its end, after every update, and
 * collapse into one full flush when there are many.  Order is otherwise
 * kept: the hypervisor runs the entries one after the other.
 */
#ifndef GUEST_PV_BATCH_H
#define GUEST_PV_BATCH_H

#include <public/xen.h>

#include "kernel.h"

#define PV_BATCH_CALLS    32
#define PV_BATCH_UPDATES  256
#define PV_BATCH_EXT      32
#define PV_BATCH_INVLPG   8

struct pv_batch {
	struct multicall_entry calls[PV_BATCH_CALLS];
	unsigned int done[PV_BATCH_CALLS];     /* mmu_update/mmuext_op progress */
	unsigned int nr_calls;
	struct mmu_update updates[PV_BATCH_UPDATES];
	unsigned int nr_updates;
	struct mmuext_op ext[PV_BATCH_EXT];
	unsigned int nr_ext;
	uint64_t invlpg[PV_BATCH_INVLPG];      /* deferred single-page flushes */
	unsigned int nr_invlpg;
	bool flush_all;                        /* deferred full TLB flush */
	/* Runs calls[0..n) in order, filling each result. */
	void (*issue)(struct multicall_entry *calls, unsigned int n);
	/* Called for the first call whose result is not 0 (does not return). */
	void (*failed)(const struct multicall_entry *call, unsigned int index,
		       unsigned int done);
};

void pv_batch_mmu_update(struct pv_batch *b, uint64_t ptr, uint64_t val);
void pv_batch_mmuext(struct pv_batch *b, unsigned int cmd, uint64_t arg1, uint64_t arg2);
void pv_batch_call(struct pv_batch *b, unsigned int op, uint64_t a0, uint64_t a1,
		   uint64_t a2);
void pv_batch_flush_tlb_page(struct pv_batch *b, uintptr_t va);
void pv_batch_flush_tlb_all(struct pv_batch *b);
/* Nothing queued: no calls, no deferred TLB flush. */
static inline bool pv_batch_empty(const struct pv_batch *b)
{
	return !b->nr_calls && !b->flush_all && !b->nr_invlpg;
}

/* Issues everything queued and checks every result (pv_batch_flush). */
void pv_batch_issue(struct pv_batch *b);

/* Issues everything queued, if anything: inline, because every return
 * to user mode flushes and most find nothing batched. */
static inline void pv_batch_flush(struct pv_batch *b)
{
	if (!pv_batch_empty(b))
		pv_batch_issue(b);
}

#endif
