/* mmap, munmap, mprotect, mlock, munlock and brk. */
#include "fs.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "syscalls.h"
#include "vm.h"

static unsigned int prot_to_vm(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/*
 * MAP_POPULATE and MAP_LOCKED fault the pages in now (there is no swap,
 * so a present page stays present).  Hypercall buffers need this: the
 * hypervisor reads and writes them without faulting them in (privcmd).
 */
static void populate(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot)
{
	for (uintptr_t p = start; p < end; p += PAGE_SIZE)
		if (vm_fault(mm, p, prot & VM_WRITE))
			return;
}

long sys_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags,
	      int fd, uint64_t off)
{
	struct mm *mm = current->mm;
	struct inode *ino = NULL;
	struct file *dev = NULL;
	uintptr_t start;
	int err;

	if (len == 0 || (addr & (PAGE_SIZE - 1)) || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	len = PAGE_UP(len);
	if (len == 0 || len > USER_TOP)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd >= 0 && fd < NOFILE ? current->files[fd] : NULL;

		if (!f)
			return -EBADF;
		if (f->ops->mmap)
			dev = f;
		else if (!S_ISREG(f->inode->mode))
			return -ENODEV;
		if ((f->flags & O_ACCMODE) == O_WRONLY)
			return -EACCES;
		ino = dev ? NULL : f->inode;
	}
	/*
	 * Only private mappings, and shared ones of devices (which map their
	 * own frames): shared memory is not implemented (docs/pvops-guest.md).
	 */
	if ((flags & MAP_TYPE) != MAP_PRIVATE &&
	    !(dev && (flags & MAP_TYPE) == MAP_SHARED))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		start = addr;
		if (start >= USER_TOP || len > USER_TOP - start)
			return -ENOMEM;
		err = mm_unmap(mm, start, start + len);
		if (err)
			return err;
	} else {
		start = 0;
		if (addr && addr < USER_TOP && len <= USER_TOP - addr &&
		    vma_find_gap(mm, len, addr, addr + len) == addr)
			start = addr;
		if (!start)
			start = vma_find_gap(mm, len, MMAP_BASE, STACK_TOP - STACK_SIZE);
		if (!start)
			return -ENOMEM;
	}
	err = vma_add(mm, start, start + len, prot_to_vm(prot), ino, off,
		      ino ? UINT64_MAX : 0);
	if (err)
		return err;
	if (dev) {
		err = dev->ops->mmap(dev, vma_find(mm, start), flags);
		if (err) {
			mm_unmap(mm, start, start + len);
			return err;
		}
	} else if (flags & (MAP_POPULATE | MAP_LOCKED)) {
		populate(mm, start, start + len, prot_to_vm(prot));
	}
	return start;
}

long sys_munmap(uintptr_t addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr >= USER_TOP ||
	    PAGE_UP(len) > USER_TOP - addr)
		return -EINVAL;
	return mm_unmap(current->mm, addr, addr + PAGE_UP(len));
}

long sys_mprotect(uintptr_t addr, size_t len, unsigned long prot)
{
	if ((addr & (PAGE_SIZE - 1)) ||
	    (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (addr >= USER_TOP || PAGE_UP(len) > USER_TOP - addr)
		return -ENOMEM;
	return mm_protect(current->mm, addr, addr + PAGE_UP(len), prot_to_vm(prot));
}

/*
 * The pages of [addr, addr + len), whole pages, must all be mapped
 * (Linux's ENOMEM otherwise); with fault_in they are made present, and
 * writable ones written (a copy-on-write page is copied), as mlock does.
 * There is no swap: a present page stays so, and munlock only checks.
 * The toolstack locks its hypercall buffers, which hv reads and writes
 * without faulting them in.
 */
static long lock_range(uintptr_t addr, size_t len, bool fault_in)
{
	struct mm *mm = current->mm;
	uintptr_t start = addr & ~(uintptr_t)(PAGE_SIZE - 1), end, p;

	if (len == 0 && addr == start)
		return 0;
	if (addr >= USER_TOP || len > USER_TOP - addr)
		return -ENOMEM;
	end = PAGE_UP(addr + len);     /* as Linux: the offset counts in len */
	if (!vma_range_mapped(mm, start, end))
		return -ENOMEM;
	for (p = start; fault_in && p < end;) {
		struct vma *v = vma_find(mm, p);
		uintptr_t stop = MIN(end, v->end);

		if (!v->ops)
			populate(mm, p, stop, v->prot);
		p = stop;
	}
	return 0;
}

long sys_mlock(uintptr_t addr, size_t len)
{
	return lock_range(addr, len, true);
}

long sys_munlock(uintptr_t addr, size_t len)
{
	return lock_range(addr, len, false);
}

/* The heap is one anonymous area [brk_start, PAGE_UP(brk)). */
long sys_brk(uintptr_t want)
{
	struct mm *mm = current->mm;
	uintptr_t old_end = PAGE_UP(mm->brk), new_end = PAGE_UP(want);

	if (want < mm->brk_start || want >= STACK_TOP - STACK_SIZE)
		return mm->brk;
	if (new_end > old_end) {
		if (vma_find_gap(mm, new_end - old_end, old_end, new_end) != old_end)
			return mm->brk;
		if (vma_add(mm, old_end, new_end, VM_READ | VM_WRITE, NULL, 0, 0))
			return mm->brk;
	} else if (new_end < old_end) {
		mm_unmap(mm, new_end, old_end);
	}
	mm->brk = want;
	return mm->brk;
}
