/*
 * vma list bookkeeping: insert, split, unmap, protect, find free space,
 * clone.  Pure list manipulation (no page tables), so the host unit tests
 * run it as is.
 */
#include <linux/errno.h>

#include "kalloc.h"
#include "vm.h"

struct vma *vma_find(struct mm *mm, uintptr_t addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

static struct vma *vma_new(uintptr_t start, uintptr_t end, unsigned int prot,
			   struct inode *file, uint64_t off, uint64_t file_end)
{
	struct vma *v = kmalloc(sizeof(*v));

	if (!v)
		return NULL;
	*v = (struct vma){ start, end, prot, file, off, file_end, NULL, NULL, NULL };
	if (file)
		inode_get(file);
	return v;
}

static void vma_release(struct vma *v)
{
	if (v->file)
		inode_put(v->file);
	if (v->ops && v->ops->put)
		v->ops->put(v->priv);
	kfree(v);
}

/* Makes v a device area: the vma holds a reference on priv from now on. */
int vma_set_device(struct vma *v, const struct vma_ops *ops, void *priv)
{
	if (v->ops || v->file)
		return -EINVAL;
	v->ops = ops;
	v->priv = priv;
	if (ops->get)
		ops->get(priv);
	return 0;
}

int vma_add(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot,
	    struct inode *file, uint64_t off, uint64_t file_end)
{
	struct vma **pp = &mm->vmas, *v;

	if (start >= end || (start | end) & (PAGE_SIZE - 1))
		return -EINVAL;
	while (*pp && (*pp)->end <= start)
		pp = &(*pp)->next;
	if (*pp && (*pp)->start < end)
		return -EEXIST;
	v = vma_new(start, end, prot, file, off, file_end);
	if (!v)
		return -ENOMEM;
	v->next = *pp;
	*pp = v;
	return 0;
}

/* Splits v at addr (strictly inside it); v keeps the low part. */
static int vma_split(struct vma *v, uintptr_t addr)
{
	struct vma *hi = vma_new(addr, v->end, v->prot, v->file,
				 v->file_off + (addr - v->start), v->file_end);

	if (!hi)
		return -ENOMEM;
	if (v->ops)
		vma_set_device(hi, v->ops, v->priv);
	hi->next = v->next;
	v->next = hi;
	v->end = addr;
	return 0;
}

/* Makes start and end fall on vma boundaries. */
static int vma_split_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->start < start && start < v->end && vma_split(v, start))
			return -ENOMEM;
		if (v->start < end && end < v->end && vma_split(v, end))
			return -ENOMEM;
	}
	return 0;
}

int vma_unmap(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vma **pp = &mm->vmas;

	if (start >= end || (start | end) & (PAGE_SIZE - 1))
		return -EINVAL;
	if (vma_split_range(mm, start, end))
		return -ENOMEM;
	while (*pp) {
		struct vma *v = *pp;

		if (v->start >= start && v->end <= end) {
			*pp = v->next;
			vma_release(v);
		} else {
			pp = &v->next;
		}
	}
	return 0;
}

bool vma_range_mapped(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uintptr_t covered = start;

	for (struct vma *v = mm->vmas; v && covered < end; v = v->next) {
		if (v->end <= covered)
			continue;
		if (v->start > covered)
			return false;
		covered = v->end;
	}
	return covered >= end;
}

int vma_protect(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot)
{
	if (start >= end || (start | end) & (PAGE_SIZE - 1))
		return -EINVAL;
	/* Linux fails with ENOMEM if any page of the range is unmapped. */
	if (!vma_range_mapped(mm, start, end))
		return -ENOMEM;
	if (vma_split_range(mm, start, end))
		return -ENOMEM;
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (v->start >= start && v->end <= end)
			v->prot = prot;
	return 0;
}

uintptr_t vma_find_gap(struct mm *mm, size_t len, uintptr_t lo, uintptr_t hi)
{
	uintptr_t cand = lo;

	len = PAGE_UP(len);
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->end <= cand)
			continue;
		if (v->start >= cand + len)
			break;
		cand = v->end;
	}
	return cand + len <= hi && cand + len > cand ? cand : 0;
}

int vma_clone(struct mm *dst, const struct mm *src)
{
	struct vma **tail = &dst->vmas;

	for (const struct vma *v = src->vmas; v; v = v->next) {
		struct vma *c;

		if (v->ops)
			continue;
		c = vma_new(v->start, v->end, v->prot, v->file, v->file_off, v->file_end);

		if (!c) {
			vma_free_all(dst);
			return -ENOMEM;
		}
		*tail = c;
		tail = &c->next;
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	return 0;
}

void vma_free_all(struct mm *mm)
{
	while (mm->vmas) {
		struct vma *v = mm->vmas;

		mm->vmas = v->next;
		vma_release(v);
	}
}
