/*
 * Xen PV MMU operations (direct paging).  The hypervisor owns the right
 * to write page-table frames: every entry of a frame announced with
 * alloc_pt goes through mmu_update, queued in pv_batch and issued at
 * lazy_flush.  The rules we keep so that the hypervisor accepts it all:
 *
 *  - A page-table frame is never mapped writable.  alloc_pt remaps the
 *    frame's direct-map page read-only (update_va_mapping), and set_pte
 *    drops RW from any L1 entry that would map a page-table frame.
 *  - Address spaces: the generic code gives each process a root L4 with
 *    its user half (slots 0-255) and the shared kernel slots.  That root is
 *    the PV *kernel* L4 (NEW_BASEPTR).  User mode must not see the kernel,
 *    so each root gets a companion *user* L4 (NEW_USER_BASEPTR) holding only
 *    the user half: every write to a root's slot below 256 is mirrored into
 *    it.  Both point at the same L3s, so only L4 writes are doubled, and a
 *    switch is one mmuext_op with two entries.  (The alternative, one
 *    kernel L4 with the user half rewritten on every switch, costs up to 256
 *    validated L4 writes per switch.)
 *  - Roots are pinned (PIN_L4_TABLE) at their first switch, so the
 *    hypervisor validates a tree once, not at every switch; releasing a
 *    root unpins it, which drops the validation of the whole tree below, so
 *    the generic code releases tables top-down.
 *  - Before our tables are live, the builder's tables map the first frames
 *    writable, and the direct map is being built.  Tables made then are
 *    remapped read-only in the builder's mapping, and the first switch
 *    write-protects their direct-map entries, pins the kernel root, loads
 *    it and unpins the builder's L4.
 */
#include "lib.h"
#include "mm.h"
#include "pv.h"

#define PT_BUILDER 5              /* level byte of the builder's own tables */
#define USER_SLOTS 256            /* L4 slots of the user half */

struct pv_root {
	pfn_t root;               /* 0: free slot */
	pfn_t user;               /* companion user L4, 0 until needed */
	bool pinned;
};

struct pv_batch pv_batch;
const xen_pfn_t *pv_m2p;

static struct {
	pfn_t nr_pfns;
	pfn_t p2m_pfn;
	pfn_t levels_pfn;         /* one byte per frame: page-table level, 0 = none */
	pfn_t builder_l4;
	uintptr_t shared_info_va;
	uint64_t shared_info_maddr;
	bool live;                /* our kernel root is loaded */
	bool lazy;                /* between lazy_begin and lazy_flush */
	struct pv_root roots[PV_MAX_ROOTS];
} mmu;

/*
 * The p2m list and the level map live in frames the builder mapped; like
 * every frame they are reached through pfn_to_virt, which follows the
 * kernel from the builder's mapping to the direct map.
 */
static xen_pfn_t *p2m(void) { return pfn_to_virt(mmu.p2m_pfn); }
static uint8_t *levels(void) { return pfn_to_virt(mmu.levels_pfn); }

unsigned int pv_pt_level(pfn_t pfn) { return levels()[pfn]; }

static mfn_t pv_pfn_to_mfn(pfn_t pfn) { return p2m()[pfn]; }
static pfn_t pv_mfn_to_pfn(mfn_t mfn) { return pv_m2p[mfn]; }

static uint64_t maddr_of(const void *p)
{
	return (pv_pfn_to_mfn(virt_to_pfn(p)) << PAGE_SHIFT) | ((uintptr_t)p & ~PAGE_MASK);
}

static void remap(pfn_t pfn, bool writable)
{
	uint64_t pte = mk_pte(pfn, PTE_P | PTE_A | PTE_NX | (writable ? PTE_W | PTE_D : 0));

	pv_batch_call(&pv_batch, __HYPERVISOR_update_va_mapping,
		      (uintptr_t)pfn_to_virt(pfn), pte, UVMF_INVLPG);
}

static struct pv_root *root_find(pfn_t root)
{
	for (int i = 0; i < PV_MAX_ROOTS; i++)
		if (mmu.roots[i].root == root)
			return &mmu.roots[i];
	return NULL;
}

/* The root's record, with its companion user L4 made on first use. */
static struct pv_root *root_get(pfn_t root)
{
	struct pv_root *r = root_find(root);
	pte_t *k, *u;

	if (!r) {
		r = root_find(0);
		if (!r)
			panic("pv: more than %d address spaces", PV_MAX_ROOTS);
		*r = (struct pv_root){ .root = root };
	}
	if (r->user)
		return r;
	r->user = frame_alloc();
	k = pfn_to_virt(root);
	u = pfn_to_virt(r->user);
	for (int i = 0; i < USER_SLOTS; i++)
		u[i] = k[i];
	levels()[r->user] = 4;
	remap(r->user, false);
	return r;
}

/* True if an L1 entry with this value would map a page-table frame. */
static bool maps_table(pte_t val)
{
	pfn_t pfn = pv_mfn_to_pfn((val & PTE_ADDR) >> PAGE_SHIFT);

	return pfn < mmu.nr_pfns && levels()[pfn];
}

static void pv_set_pte(pte_t *ptep, pte_t val)
{
	pfn_t table = virt_to_pfn(ptep);
	unsigned int level = levels()[table];
	unsigned int slot = ((uintptr_t)ptep & ~PAGE_MASK) / sizeof(pte_t);

	if (!level) {
		/* Not a page table (yet): ordinary memory. */
		*ptep = val;
		return;
	}
	if (level == 1 && (val & (PTE_P | PTE_W)) == (PTE_P | PTE_W) && maps_table(val))
		val &= ~PTE_W;
	pv_batch_mmu_update(&pv_batch, maddr_of(ptep) | MMU_NORMAL_PT_UPDATE, val);
	if (level == 4 && slot < USER_SLOTS && table != kernel_root) {
		struct pv_root *r = root_get(table);

		pv_batch_mmu_update(&pv_batch, (pv_pfn_to_mfn(r->user) << PAGE_SHIFT) +
				    slot * sizeof(pte_t), val);
	}
}

static void pv_lazy_begin(void)
{
	mmu.lazy = true;
}

static void pv_lazy_flush(void)
{
	mmu.lazy = false;
	pv_batch_flush(&pv_batch);
}

void pv_mmu_flush(void)
{
	pv_batch_flush(&pv_batch);
}

static void pv_alloc_pt(pfn_t pfn, int level)
{
	levels()[pfn] = level;
	remap(pfn, false);
}

/*
 * Called top-down: a root comes first, and unpinning it (and its
 * companion) drops the hypervisor's validation of every table below, so
 * the tables released after it may be mapped writable again.
 */
static void pv_release_pt(pfn_t pfn, int level)
{
	struct pv_root *r = level == 4 ? root_find(pfn) : NULL;

	if (r) {
		if (r->pinned) {
			pv_batch_mmuext(&pv_batch, MMUEXT_UNPIN_TABLE, pv_pfn_to_mfn(pfn), 0);
			pv_batch_mmuext(&pv_batch, MMUEXT_UNPIN_TABLE, pv_pfn_to_mfn(r->user), 0);
		}
		if (r->user) {
			levels()[r->user] = 0;
			remap(r->user, true);
			frame_put(r->user);
		}
		*r = (struct pv_root){ 0 };
	}
	levels()[pfn] = 0;
	remap(pfn, true);
}

/*
 * The first switch, from the builder's tables to kernel_root.  Entries of
 * the direct map may have been written before their frame became a page
 * table; protect them now that the set of tables is known, then pin and
 * load the root, give back the builder's L4, and map shared_info again
 * (paging_init mapped the image page it lives on to its own frame).
 */
static void first_switch(pfn_t root)
{
	pv_batch_flush(&pv_batch);
	for (pfn_t pfn = 0; pfn < mmu.nr_pfns; pfn++) {
		pte_t *e;

		if (!levels()[pfn])
			continue;
		e = pt_walk(root, DIRECT_MAP_BASE + (pfn << PAGE_SHIFT), false);
		if (e && (*e & PTE_W))
			pv_batch_mmu_update(&pv_batch, maddr_of(e) | MMU_NORMAL_PT_UPDATE,
					    *e & ~PTE_W);
	}
	pv_batch_mmuext(&pv_batch, MMUEXT_PIN_L4_TABLE, pv_pfn_to_mfn(root), 0);
	pv_batch_mmuext(&pv_batch, MMUEXT_NEW_BASEPTR, pv_pfn_to_mfn(root), 0);
	pv_batch_mmuext(&pv_batch, MMUEXT_UNPIN_TABLE, pv_pfn_to_mfn(mmu.builder_l4), 0);
	pv_batch_call(&pv_batch, __HYPERVISOR_update_va_mapping, mmu.shared_info_va,
		      mmu.shared_info_maddr | PTE_P | PTE_W | PTE_A | PTE_D | PTE_NX,
		      UVMF_INVLPG);
	mmu.live = true;
	pv_batch_flush(&pv_batch);
}

static void pv_switch_root(pfn_t root)
{
	struct pv_root *r;

	if (!mmu.live) {
		first_switch(root);
		return;
	}
	r = root == kernel_root ? NULL : root_get(root);
	if (r && !r->pinned) {
		pv_batch_mmuext(&pv_batch, MMUEXT_PIN_L4_TABLE, pv_pfn_to_mfn(root), 0);
		pv_batch_mmuext(&pv_batch, MMUEXT_PIN_L4_TABLE, pv_pfn_to_mfn(r->user), 0);
		r->pinned = true;
	}
	pv_batch_mmuext(&pv_batch, MMUEXT_NEW_BASEPTR, pv_pfn_to_mfn(root), 0);
	pv_batch_mmuext(&pv_batch, MMUEXT_NEW_USER_BASEPTR, r ? pv_pfn_to_mfn(r->user) : 0, 0);
	pv_batch_flush(&pv_batch);
}

/* Inside a lazy section a flush waits for lazy_flush; outside it is immediate. */
static void pv_flush_tlb_page(uintptr_t va)
{
	pv_batch_flush_tlb_page(&pv_batch, va);
	if (!mmu.lazy)
		pv_batch_flush(&pv_batch);
}

static void pv_flush_tlb_all(void)
{
	pv_batch_flush_tlb_all(&pv_batch);
	if (!mmu.lazy)
		pv_batch_flush(&pv_batch);
}

void pv_mmu_init(const struct pv_layout *l, pfn_t levels_pfn, uintptr_t shared_info_va,
		 uint64_t shared_info_maddr)
{
	mmu.nr_pfns = l->nr_pfns;
	mmu.p2m_pfn = l->p2m_pfn;
	mmu.levels_pfn = levels_pfn;
	mmu.builder_l4 = l->pt_first;
	mmu.shared_info_va = shared_info_va;
	mmu.shared_info_maddr = shared_info_maddr;
	memset(levels(), 0, PAGE_UP(l->nr_pfns));
	for (pfn_t p = l->pt_first; p < l->pt_first + l->pt_count; p++)
		levels()[p] = PT_BUILDER;
	for (pfn_t p = l->ext_first; p < l->ext_first + l->ext_count; p++)
		levels()[p] = PT_BUILDER;
}

const struct pv_mmu_ops pv_mmu_ops = {
	.pfn_to_mfn = pv_pfn_to_mfn,
	.mfn_to_pfn = pv_mfn_to_pfn,
	.set_pte = pv_set_pte,
	.lazy_begin = pv_lazy_begin,
	.lazy_flush = pv_lazy_flush,
	.alloc_pt = pv_alloc_pt,
	.release_pt = pv_release_pt,
	.switch_root = pv_switch_root,
	.flush_tlb_page = pv_flush_tlb_page,
	.flush_tlb_all = pv_flush_tlb_all,
};
