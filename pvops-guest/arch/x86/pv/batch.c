/* The multicall batch (see batch.h).  Pure bookkeeping: issuing is b->issue. */
#include "batch.h"

static struct multicall_entry *new_call(struct pv_batch *b, unsigned int op)
{
	struct multicall_entry *c;

	if (b->nr_calls == PV_BATCH_CALLS)
		pv_batch_flush(b);
	c = &b->calls[b->nr_calls++];
	*c = (struct multicall_entry){ .op = op };
	return c;
}

static struct multicall_entry *last_call(struct pv_batch *b, unsigned int op)
{
	if (b->nr_calls && b->calls[b->nr_calls - 1].op == op)
		return &b->calls[b->nr_calls - 1];
	return NULL;
}

void pv_batch_mmu_update(struct pv_batch *b, uint64_t ptr, uint64_t val)
{
	struct multicall_entry *c;

	if (b->nr_updates == PV_BATCH_UPDATES)
		pv_batch_flush(b);
	c = last_call(b, __HYPERVISOR_mmu_update);
	if (!c) {
		c = new_call(b, __HYPERVISOR_mmu_update);
		c->args[0] = (uintptr_t)&b->updates[b->nr_updates];
		c->args[3] = DOMID_SELF;
	}
	b->updates[b->nr_updates++] = (struct mmu_update){ ptr, val };
	c->args[1]++;
}

void pv_batch_mmuext(struct pv_batch *b, unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
	struct multicall_entry *c;

	if (b->nr_ext == PV_BATCH_EXT)
		pv_batch_flush(b);
	c = last_call(b, __HYPERVISOR_mmuext_op);
	if (!c) {
		c = new_call(b, __HYPERVISOR_mmuext_op);
		c->args[0] = (uintptr_t)&b->ext[b->nr_ext];
		c->args[3] = DOMID_SELF;
	}
	b->ext[b->nr_ext++] = (struct mmuext_op){
		.cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2,
	};
	c->args[1]++;
}

void pv_batch_call(struct pv_batch *b, unsigned int op, uint64_t a0, uint64_t a1,
		   uint64_t a2)
{
	struct multicall_entry *c = new_call(b, op);

	c->args[0] = a0;
	c->args[1] = a1;
	c->args[2] = a2;
}

void pv_batch_flush_tlb_page(struct pv_batch *b, uintptr_t va)
{
	if (b->flush_all)
		return;
	for (unsigned int i = 0; i < b->nr_invlpg; i++)
		if (b->invlpg[i] == va)
			return;
	if (b->nr_invlpg == PV_BATCH_INVLPG)
		b->flush_all = true;
	else
		b->invlpg[b->nr_invlpg++] = va;
}

void pv_batch_flush_tlb_all(struct pv_batch *b)
{
	b->flush_all = true;
}

/* Appends the deferred flushes, making room for them first if needed. */
static void append_tlb_flushes(struct pv_batch *b)
{
	unsigned int need = b->flush_all ? 1 : b->nr_invlpg;
	bool all = b->flush_all;
	uint64_t va[PV_BATCH_INVLPG];
	unsigned int n = b->nr_invlpg;

	for (unsigned int i = 0; i < n; i++)
		va[i] = b->invlpg[i];
	b->flush_all = false;
	b->nr_invlpg = 0;
	if (!need)
		return;
	if (b->nr_ext + need > PV_BATCH_EXT ||
	    (b->nr_calls == PV_BATCH_CALLS && !last_call(b, __HYPERVISOR_mmuext_op)))
		pv_batch_flush(b);
	if (all)
		pv_batch_mmuext(b, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	else
		for (unsigned int i = 0; i < n; i++)
			pv_batch_mmuext(b, MMUEXT_INVLPG_LOCAL, va[i], 0);
}

void pv_batch_issue(struct pv_batch *b)
{
	append_tlb_flushes(b);
	if (!b->nr_calls)
		return;
	for (unsigned int i = 0; i < b->nr_calls; i++) {
		b->done[i] = 0;
		if (b->calls[i].op == __HYPERVISOR_mmu_update ||
		    b->calls[i].op == __HYPERVISOR_mmuext_op)
			b->calls[i].args[2] = (uintptr_t)&b->done[i];
	}
	b->issue(b->calls, b->nr_calls);
	for (unsigned int i = 0; i < b->nr_calls; i++)
		if (b->calls[i].result)
			b->failed(&b->calls[i], i, b->done[i]);
	b->nr_calls = b->nr_updates = b->nr_ext = 0;
}
