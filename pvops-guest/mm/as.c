/* Address-space lifetime: create, fork (copy-on-write), destroy, activate. */
#include <linux/errno.h>

#include "kalloc.h"
#include "lib.h"
#include "fs.h"
#include "mm.h"
#include "vm.h"

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->root = pt_new_user_root();
	return mm;
}

struct mm *mm_fork(struct mm *parent)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	if (vma_clone(mm, parent)) {
		kfree(mm);
		return NULL;
	}
	mm->root = pt_clone_user_cow(parent->root);
	return mm;
}

/* Lets each device area in [start, end) end its mappings there. */
static void zap_devices(struct mm *mm, uintptr_t start, uintptr_t end)
{
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->ops && v->ops->zap && v->end > start)
			v->ops->zap(mm, v, MAX(start, v->start), MIN(end, v->end));
}

/* The address space must not be live (the caller switched away first). */
void mm_destroy(struct mm *mm)
{
	zap_devices(mm, 0, USER_TOP);
	vma_free_all(mm);
	pt_free_user(mm->root);
	kfree(mm);
}

void mm_activate(struct mm *mm)
{
	pv_ops.mmu.switch_root(mm ? mm->root : kernel_root);
}

int mm_unmap(struct mm *mm, uintptr_t start, uintptr_t end)
{
	int err;

	if (start < end && !((start | end) & (PAGE_SIZE - 1)))
		zap_devices(mm, start, end);
	err = vma_unmap(mm, start, end);

	if (!err)
		pt_unmap_range(mm->root, start, end);
	return err;
}

static uint64_t prot_pte_flags(unsigned int prot)
{
	uint64_t f = PTE_P | PTE_U | PTE_A;

	if (prot & VM_WRITE)
		f |= PTE_W | PTE_D;
	if (!(prot & VM_EXEC))
		f |= PTE_NX;
	return f;
}

int mm_protect(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot)
{
	int err;

	/* Device areas keep the protection they were mapped with. */
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->ops && v->end > start)
			return -EACCES;
	err = vma_protect(mm, start, end, prot);
	if (err)
		return err;
	if (prot & (VM_READ | VM_WRITE | VM_EXEC))
		pt_protect_range(mm->root, start, end, prot_pte_flags(prot));
	else
		pt_unmap_range(mm->root, start, end);
	return 0;
}

/*
 * Demand paging and copy-on-write.  A missing page is filled from its file
 * (private copy) or with zeros; a write to a present read-only page of a
 * writable area copies the frame unless this address space is its only user.
 */
int vm_fault(struct mm *mm, uintptr_t addr, bool write)
{
	struct vma *v = vma_find(mm, addr);
	uintptr_t page = PAGE_DOWN(addr);
	pte_t *pte;
	pfn_t pfn;
	bool present;

	if (!v || v->ops || !(v->prot & (VM_READ | VM_WRITE | VM_EXEC)))
		return -1;      /* device areas are mapped by their device, never on demand */
	if (write && !(v->prot & VM_WRITE))
		return -1;
	pte = pt_walk(mm->root, page, true);
	present = *pte & PTE_P;
	if (present) {
		if (!write || (*pte & PTE_W))
			return 0;          /* already resolved (e.g. by another path) */
		pfn_t old = pte_pfn(*pte);

		if (frame_refs(old) == 1) {
			pfn = old;
		} else {
			pfn = frame_try_alloc();
			if (!pfn)
				return -1;
			memcpy(pfn_to_virt(pfn), pfn_to_virt(old), PAGE_SIZE);
			frame_put(old);
		}
	} else {
		pfn = frame_try_alloc();
		if (!pfn)
			return -1;
		if (v->file) {
			uint64_t off = v->file_off + (page - v->start);
			uint64_t limit = MIN(v->file_end, v->file->size);

			if (off < limit)
				memcpy(pfn_to_virt(pfn), v->file->data + off,
				       MIN(PAGE_SIZE, limit - off));
		}
	}
	pv_ops.mmu.set_pte(pte, mk_pte(pfn, prot_pte_flags(v->prot)));
	if (present)                 /* not-present entries are never cached */
		pv_ops.mmu.flush_tlb_page(page);
	pv_ops.mmu.lazy_flush();
	return 0;
}
