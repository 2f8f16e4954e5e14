/*
 * /dev/xen/privcmd: hypercalls on behalf of a program, and other domains'
 * frames mapped into an area mmap'ed from the device, as Linux does it
 * (drivers/xen/privcmd.c), for the toolstack's libraries.
 *
 * A hypercall's pointers are the program's own addresses: the kernel
 * makes the call from the program's system call, with the program's
 * kernel L4 loaded (it holds the user half), so the hypervisor reaches
 * those buffers the way it reaches the kernel's.  It does not fault
 * pages in: a buffer must be present (touched, or mmap'ed with
 * MAP_POPULATE/MAP_LOCKED) and, if written, not copy-on-write, or the
 * hypervisor says -EFAULT, as on Linux.
 *
 * Mapped frames go in with mmu_update naming the owner as FOREIGNDOM and
 * carry PTE_SPECIAL: the kernel never counts, copies or frees them
 * (mm/pgtable.c); unmapping or exit just clears the entries.
 */
#include "kernel.h"       /* size_t, which <xen/privcmd.h> assumes */
#include <xen/privcmd.h>

#include "fs.h"
#include "hypercall.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"
#include "pv.h"
#include "uaccess.h"
#include "vm.h"
#include "xen_devices.h"
#include "xen_pte.h"

/*
 * <xen/privcmd.h> takes domid_t and xen_pfn_t from our public/xen.h: the
 * structures must still have Linux's x86-64 layout (Linux: u16, unsigned long).
 */
_Static_assert(sizeof(domid_t) == 2 && sizeof(xen_pfn_t) == 8, "Linux's Xen types");
_Static_assert(sizeof(struct privcmd_hypercall) == 48, "privcmd_hypercall");
_Static_assert(sizeof(struct privcmd_mmap_entry) == 24, "privcmd_mmap_entry");
_Static_assert(sizeof(struct privcmd_mmap) == 16 &&
	       offsetof(struct privcmd_mmap, dom) == 4 &&
	       offsetof(struct privcmd_mmap, entry) == 8, "privcmd_mmap");
_Static_assert(sizeof(struct privcmd_mmapbatch) == 24 &&
	       offsetof(struct privcmd_mmapbatch, addr) == 8 &&
	       offsetof(struct privcmd_mmapbatch, arr) == 16, "privcmd_mmapbatch");
_Static_assert(sizeof(struct privcmd_mmapbatch_v2) == 32 &&
	       offsetof(struct privcmd_mmapbatch_v2, dom) == 4 &&
	       offsetof(struct privcmd_mmapbatch_v2, addr) == 8 &&
	       offsetof(struct privcmd_mmapbatch_v2, arr) == 16 &&
	       offsetof(struct privcmd_mmapbatch_v2, err) == 24, "privcmd_mmapbatch_v2");

#define NR_HYPERCALL_STUBS (PAGE_SIZE / 32)
/* Largest machine frame number a PTE can hold. */
#define MFN_MAX (PTE_ADDR >> PAGE_SHIFT)
/* How many frames one ioctl may map. */
#define MAX_BATCH (1U << 20)

struct privcmd {
	domid_t restrict_dom;     /* DOMID_INVALID until IOCTL_PRIVCMD_RESTRICT */
};

/*
 * An area's priv: NULL until its first mapping ioctl, then this marker
 * (Linux's PRIV_VMA_LOCKED): the first one must cover the whole area,
 * later ones only pages still unmapped.
 */
static const struct vma_ops privcmd_vma_ops;
static char privcmd_area_used;

static long privcmd_do_hypercall(struct privcmd *pc, uintptr_t arg)
{
	struct privcmd_hypercall h;

	if (copy_from_user(&h, arg, sizeof(h)))
		return -EFAULT;
	if (pc->restrict_dom != DOMID_INVALID)
		return -EPERM;
	if (h.op >= NR_HYPERCALL_STUBS)
		return -EINVAL;
	pv_mmu_flush();           /* the call must see our queued page-table writes */
	return hypercall5(h.op, h.arg[0], h.arg[1], h.arg[2], h.arg[3], h.arg[4]);
}

/* The privcmd area holding [addr, addr + len), or NULL. */
static struct vma *privcmd_area(uintptr_t addr, uint64_t len)
{
	struct vma *v = vma_find(current->mm, addr);

	if (!v || v->ops != &privcmd_vma_ops || len > v->end - addr)
		return NULL;
	return v;
}

static bool range_mapped(struct mm *mm, uintptr_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		pte_t *pte = pt_walk(mm->root, va + i * PAGE_SIZE, false);

		if (pte && (*pte & PTE_P))
			return true;
	}
	return false;
}

/* Maps machine frame mfn of domain dom at va of area v; the hypervisor's error or 0. */
static long map_foreign(struct vma *v, uintptr_t va, xen_pfn_t mfn, domid_t dom)
{
	struct mmu_update req;
	pte_t *pte;

	if (mfn > MFN_MAX)
		return -EINVAL;
	pte = pt_walk(current->mm->root, va, true);
	req.ptr = pte_maddr(pte) | MMU_NORMAL_PT_UPDATE;
	req.val = (mfn << PAGE_SHIFT) | PTE_P | PTE_U | PTE_A | PTE_SPECIAL |
		  (v->prot & VM_WRITE ? PTE_W | PTE_D : 0) | (v->prot & VM_EXEC ? 0 : PTE_NX);
	pv_mmu_flush();
	return hypercall4(HYPERCALL(mmu_update), HPTR(&req), 1, 0, dom);
}

/* Reports entry i's error: V2 in err[i], V1 as flag bits or'ed into arr[i]. */
static int report_error(const struct privcmd_mmapbatch_v2 *m, bool v1, unsigned int i,
			xen_pfn_t mfn, int err)
{
	if (!v1)
		return copy_to_user((uintptr_t)&m->err[i], &err, sizeof(err));
	mfn |= err == -ENOENT ? PRIVCMD_MMAPBATCH_PAGED_ERROR : PRIVCMD_MMAPBATCH_MFN_ERROR;
	return copy_to_user((uintptr_t)&m->arr[i], &mfn, sizeof(mfn));
}

/*
 * IOCTL_PRIVCMD_MMAPBATCH(_V2): num frames of dom at addr.  Each entry
 * that fails gets the hypervisor's error reported (V2: in err[]; V1:
 * flag bits in its arr[] entry); the call itself succeeds unless an entry
 * said -ENOENT (paged out), as on Linux.
 */
static long privcmd_mmapbatch(struct privcmd *pc, uintptr_t arg, bool v1)
{
	struct privcmd_mmapbatch_v2 m = { 0 };
	xen_pfn_t *mfns;
	struct vma *v;
	long ret = 0;

	if (v1) {
		struct privcmd_mmapbatch m1;

		if (copy_from_user(&m1, arg, sizeof(m1)))
			return -EFAULT;
		if (m1.num < 0)
			return -EINVAL;
		m = (struct privcmd_mmapbatch_v2){ m1.num, m1.dom, m1.addr, m1.arr, NULL };
	} else if (copy_from_user(&m, arg, sizeof(m))) {
		return -EFAULT;
	}
	if (pc->restrict_dom != DOMID_INVALID && pc->restrict_dom != m.dom)
		return -EPERM;
	if (m.num == 0 || m.num > MAX_BATCH)
		return -EINVAL;
	mfns = kmalloc(m.num * sizeof(*mfns));
	if (!mfns)
		return -ENOMEM;
	if (copy_from_user(mfns, (uintptr_t)m.arr, m.num * sizeof(*mfns)) ||
	    (!v1 && clear_user((uintptr_t)m.err, m.num * sizeof(*m.err)))) {
		ret = -EFAULT;
		goto out;
	}
	v = privcmd_area(m.addr, (uint64_t)m.num << PAGE_SHIFT);
	if (!v || (m.addr & (PAGE_SIZE - 1))) {
		ret = -EINVAL;
		goto out;
	}
	if (!v->priv) {
		if (m.addr != v->start || m.addr + ((uint64_t)m.num << PAGE_SHIFT) != v->end) {
			ret = -EINVAL;
			goto out;
		}
		v->priv = &privcmd_area_used;
	} else if (range_mapped(current->mm, m.addr, m.num)) {
		ret = -EINVAL;
		goto out;
	}
	for (unsigned int i = 0; i < m.num; i++) {
		int err = map_foreign(v, m.addr + ((uint64_t)i << PAGE_SHIFT), mfns[i], m.dom);

		if (err && report_error(&m, v1, i, mfns[i], err)) {
			ret = -EFAULT;
			goto out;
		}
		if (err == -ENOENT)
			ret = -ENOENT;
	}
out:
	kfree(mfns);
	return ret;
}

/*
 * IOCTL_PRIVCMD_MMAP: ranges of consecutive frames, laid out one after
 * the other from the start of an unused area; stops at the first error.
 */
static long privcmd_mmap_ranges(struct privcmd *pc, uintptr_t arg)
{
	struct privcmd_mmap m;
	struct privcmd_mmap_entry e;
	struct vma *v = NULL;
	uintptr_t va = 0;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (pc->restrict_dom != DOMID_INVALID && pc->restrict_dom != m.dom)
		return -EPERM;
	for (int i = 0; i < m.num; i++) {
		if (copy_from_user(&e, (uintptr_t)&m.entry[i], sizeof(e)))
			return -EFAULT;
		if (!v) {
			v = privcmd_area(e.va, 0);
			if (!v || e.va != v->start || v->priv)
				return -EINVAL;
			v->priv = &privcmd_area_used;
			va = v->start;
		}
		if (e.va != va || e.npages > (v->end - va) >> PAGE_SHIFT)
			return -EINVAL;
		for (uint64_t p = 0; p < e.npages; p++) {
			long err = map_foreign(v, va, e.mfn + p, m.dom);

			if (err)
				return err;
			va += PAGE_SIZE;
		}
	}
	return 0;
}

static long privcmd_restrict(struct privcmd *pc, uintptr_t arg)
{
	domid_t dom;

	if (copy_from_user(&dom, arg, sizeof(dom)))
		return -EFAULT;
	if (pc->restrict_dom == DOMID_INVALID)
		pc->restrict_dom = dom;
	else if (pc->restrict_dom != dom)
		return -EINVAL;
	return 0;
}

static long privcmd_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct privcmd *pc = f->priv;

	switch (cmd) {
	case IOCTL_PRIVCMD_HYPERCALL:
		return privcmd_do_hypercall(pc, arg);
	case IOCTL_PRIVCMD_MMAP:
		return privcmd_mmap_ranges(pc, arg);
	case IOCTL_PRIVCMD_MMAPBATCH:
		return privcmd_mmapbatch(pc, arg, true);
	case IOCTL_PRIVCMD_MMAPBATCH_V2:
		return privcmd_mmapbatch(pc, arg, false);
	case IOCTL_PRIVCMD_RESTRICT:
		return privcmd_restrict(pc, arg);
	default:
		return -ENOTTY;
	}
}

/* An area's frames are mapped by the ioctls; the area itself starts empty. */
static int privcmd_new_area(struct file *f, struct vma *v, unsigned long flags)
{
	(void)f, (void)flags;
	return vma_set_device(v, &privcmd_vma_ops, NULL);
}

static int privcmd_open(struct file *f)
{
	struct privcmd *pc = kmalloc(sizeof(*pc));

	if (!pc)
		return -ENOMEM;
	pc->restrict_dom = DOMID_INVALID;
	f->priv = pc;
	return 0;
}

static void privcmd_release(struct file *f)
{
	kfree(f->priv);
}

const struct file_ops privcmd_ops = {
	.ioctl = privcmd_ioctl,
	.open = privcmd_open,
	.release = privcmd_release,
	.mmap = privcmd_new_area,
};
