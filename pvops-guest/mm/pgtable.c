/*
 * Page-table construction and walks.  Every entry is written with
 * pv_ops.mmu.set_pte inside lazy_begin/lazy_flush brackets (so a PV backend
 * can batch them into mmu_update calls), every frame that becomes a page
 * table is announced with alloc_pt before it is linked in, and TLB flushes
 * that belong to a batch are asked for before its lazy_flush.
 */
#include "lib.h"
#include "mm.h"

#define L4_KERNEL_FIRST 256
#define PT_INTERMEDIATE (PTE_P | PTE_W | PTE_U)

pfn_t kernel_root;

extern char __image_start[], __bss_end[];

static inline unsigned int pt_index(uintptr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static pte_t *table(pfn_t pfn) { return pfn_to_virt(pfn); }

static pfn_t new_table(int level)
{
	pfn_t pfn = frame_alloc();

	pv_ops.mmu.alloc_pt(pfn, level);
	return pfn;
}

pte_t *pt_walk(pfn_t root, uintptr_t va, bool create)
{
	pte_t *t = table(root);

	for (int level = 4; level > 1; level--) {
		pte_t *e = &t[pt_index(va, level)];

		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			pv_ops.mmu.set_pte(e, mk_pte(new_table(level - 1), PT_INTERMEDIATE));
			pv_ops.mmu.lazy_flush();
		}
		t = table(pte_pfn(*e));
	}
	return &t[pt_index(va, 1)];
}

static void kernel_map(uintptr_t va, pfn_t pfn, uint64_t flags)
{
	pv_ops.mmu.set_pte(pt_walk(kernel_root, va, true), mk_pte(pfn, flags));
}

/*
 * Builds the kernel's tables: the direct map of every frame, the kernel
 * image at KERNEL_BASE, and a table behind every kernel L4 slot in use so
 * that user roots can share the kernel half by copying those slots.
 */
void paging_init(struct boot_info *bi)
{
	uintptr_t img = (uintptr_t)__image_start, end = PAGE_UP((uintptr_t)__bss_end);

	kernel_root = new_table(4);
	pv_ops.mmu.lazy_begin();
	for (uintptr_t va = img; va < end; va += PAGE_SIZE)
		kernel_map(va, virt_to_pfn((void *)va), PTE_P | PTE_W | PTE_A | PTE_D);
	for (pfn_t p = 0; p < bi->nr_pfns; p++)
		kernel_map(DIRECT_MAP_BASE + (p << PAGE_SHIFT), p,
			   PTE_P | PTE_W | PTE_A | PTE_D | PTE_NX);
	pv_ops.mmu.lazy_flush();
	pv_ops.mmu.switch_root(kernel_root);
	frame_use_direct_map();
}

pfn_t pt_new_user_root(void)
{
	pfn_t root = frame_alloc();
	pte_t *k = table(kernel_root), *u = table(root);

	pv_ops.mmu.lazy_begin();
	for (int i = L4_KERNEL_FIRST; i < 512; i++)
		if (k[i])
			pv_ops.mmu.set_pte(&u[i], k[i]);
	pv_ops.mmu.lazy_flush();
	pv_ops.mmu.alloc_pt(root, 4);
	return root;
}

/* Calls fn on every present user L1 entry in [start, end). */
static void for_each_user_pte(pfn_t root, uintptr_t start, uintptr_t end,
			      void (*fn)(pte_t *pte, uintptr_t va, void *arg), void *arg)
{
	uintptr_t va = start;

	while (va < end) {
		pte_t *t = table(root);
		int level = 4;

		for (; level > 1; level--) {
			pte_t e = t[pt_index(va, level)];

			if (!(e & PTE_P))
				break;
			t = table(pte_pfn(e));
		}
		if (level > 1) {
			/* Skip the whole hole this missing table covers. */
			uintptr_t span = 1UL << (PAGE_SHIFT + 9 * (level - 1));

			va = (va & ~(span - 1)) + span;
			continue;
		}
		if (t[pt_index(va, 1)] & PTE_P)
			fn(&t[pt_index(va, 1)], va, arg);
		va += PAGE_SIZE;
	}
}

/* A PTE_SPECIAL entry maps a frame that is not ours: it is dropped, never freed. */
static void unmap_one(pte_t *pte, uintptr_t va, void *arg)
{
	pte_t old = *pte;

	(void)arg;
	pv_ops.mmu.set_pte(pte, 0);
	pv_ops.mmu.flush_tlb_page(va);
	if (!(old & PTE_SPECIAL))
		frame_put(pte_pfn(old));
}

void pt_unmap_range(pfn_t root, uintptr_t start, uintptr_t end)
{
	pv_ops.mmu.lazy_begin();
	for_each_user_pte(root, start, end, unmap_one, NULL);
	pv_ops.mmu.lazy_flush();
}

/*
 * New permissions for present pages.  Write access is granted only to a
 * frame no other address space shares; shared frames stay read-only and
 * are copied on the first write fault.
 */
static void protect_one(pte_t *pte, uintptr_t va, void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	pfn_t pfn = pte_pfn(*pte);

	if (frame_refs(pfn) > 1)
		flags &= ~PTE_W;
	pv_ops.mmu.set_pte(pte, mk_pte(pfn, flags));
	pv_ops.mmu.flush_tlb_page(va);
}

void pt_protect_range(pfn_t root, uintptr_t start, uintptr_t end, uint64_t flags)
{
	pv_ops.mmu.lazy_begin();
	for_each_user_pte(root, start, end, protect_one, &flags);
	pv_ops.mmu.lazy_flush();
}

struct cow_arg {
	pfn_t child_root;
};

static void cow_one(pte_t *pte, uintptr_t va, void *arg)
{
	struct cow_arg *c = arg;
	pte_t e = *pte & ~PTE_W;

	if (*pte & PTE_SPECIAL)      /* device frames are not inherited */
		return;
	if (*pte & PTE_W)
		pv_ops.mmu.set_pte(pte, e);
	pv_ops.mmu.set_pte(pt_walk(c->child_root, va, true), e);
	frame_get(pte_pfn(e));
}

/* fork: the child shares every frame read-only; writes fault and copy. */
pfn_t pt_clone_user_cow(pfn_t parent_root)
{
	struct cow_arg c = { pt_new_user_root() };

	pv_ops.mmu.lazy_begin();
	for_each_user_pte(parent_root, 0, USER_TOP, cow_one, &c);
	pv_ops.mmu.flush_tlb_all();
	pv_ops.mmu.lazy_flush();
	return c.child_root;
}

/* Tables are released top-down: a table before the tables it points to. */
static void free_level(pfn_t pfn, int level)
{
	pte_t *t = table(pfn);
	int n = level == 4 ? L4_KERNEL_FIRST : 512;

	pv_ops.mmu.release_pt(pfn, level);
	for (int i = 0; i < n; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level > 1)
			free_level(pte_pfn(t[i]), level - 1);
		else if (!(t[i] & PTE_SPECIAL))
			frame_put(pte_pfn(t[i]));
	}
	frame_put(pfn);
}

/* Frees every user frame and table of an address space that is not live. */
void pt_free_user(pfn_t root)
{
	pv_ops.mmu.lazy_begin();
	free_level(root, 4);
	pv_ops.mmu.lazy_flush();
}
