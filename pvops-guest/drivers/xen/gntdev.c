/*
 * /dev/xen/gntdev: other domains' grants mapped into a program, as Linux's
 * drivers/xen/gntdev.c does it for a PV kernel.
 *
 * IOCTL_GNTDEV_MAP_GRANT_REF only records the grants and hands out an
 * offset; mmap() of that offset maps them, one GNTTABOP_map_grant_ref per
 * page straight into the program's PTE (GNTMAP_contains_pte with the
 * entry's machine address, so unmapping works on an address space that
 * is not loaded, e.g. at exit).  The PTE carries PTE_SPECIAL (through
 * the guest-available GNTMAP bits), so the kernel never takes the frame
 * for its own.  munmap() and exit unmap every grant of the area with
 * GNTTABOP_unmap_grant_ref; IOCTL_GNTDEV_UNMAP_GRANT_REF forgets the
 * record, which lives on until its area is gone.
 *
 * IOCTL_GNTDEV_SET_UNMAP_NOTIFY, as on Linux: the byte is cleared when its
 * page is unmapped (with GNTTABOP_copy from a zero byte of the kernel, so
 * it works whichever address space is loaded), the event is sent when the
 * record goes.
 *
 * IOCTL_GNTDEV_GRANT_COPY, as on Linux: each segment copies between a
 * grant and the program's memory (or two grants); the program's side is
 * faulted in and named by its machine frame, cut at page boundaries, and
 * the pieces go to hv in batches of GNTTABOP_copy.  A segment's status
 * is its first failed piece's.
 */
#include <public/grant_table.h>
#include <xen/gntdev.h>

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
 * Xen's _GNTMAP_guest_avail0: GNTMAP bits 16-18 become PTE bits 9-11, so
 * this flag makes the hypervisor write PTE_SPECIAL (bit 9).
 */
#define GNTMAP_PTE_SPECIAL (1U << 16)
#define NO_HANDLE UINT32_MAX
#define MAX_GRANTS 65536          /* per MAP_GRANT_REF, Linux's default limit */
#define COPY_SEGS 16              /* segments read from the program at a time */
#define COPY_OPS 64               /* GNTTABOP_copy pieces per hypercall */

struct gnt_map {
	struct gnt_map *next;     /* the file's records, by index */
	unsigned int refs;        /* the file's list, plus each area */
	uint64_t index;           /* mmap offset in pages */
	uint32_t count;
	bool mmapped;             /* an area was made for it (once only, as Linux) */
	bool readonly;            /* mapped GNTMAP_readonly */
	uint32_t notify;          /* UNMAP_NOTIFY_* still to do */
	uint64_t notify_off;      /* byte offset in the record */
	evtchn_port_t notify_port;
	struct ioctl_gntdev_grant_ref *grants;
	grant_handle_t *handles;  /* per page, NO_HANDLE when not mapped */
};

struct gntdev {
	struct gnt_map *maps;
};

static const struct vma_ops gntdev_vma_ops;

static long gnttab_op_n(unsigned int cmd, void *ops, unsigned int n)
{
	return hypercall3(HYPERCALL(grant_table_op), cmd, HPTR(ops), n);
}

static long gnttab_op(unsigned int cmd, void *op)
{
	return gnttab_op_n(cmd, op, 1);
}

static void map_get(void *priv)
{
	((struct gnt_map *)priv)->refs++;
}

static void map_put(void *priv)
{
	struct gnt_map *map = priv;

	if (--map->refs)
		return;
	/* The port may have been closed since; then there is no one to tell. */
	if ((map->notify & UNMAP_NOTIFY_SEND_EVENT) && evtchn_user_port(map->notify_port))
		pv_notify(map->notify_port);
	kfree(map->grants);
	kfree(map->handles);
	kfree(map);
}

/* Records count grants at the lowest free run of offsets. */
static void map_insert(struct gntdev *g, struct gnt_map *map)
{
	struct gnt_map **pp = &g->maps;

	map->index = 0;
	for (; *pp; pp = &(*pp)->next) {
		if (map->index + map->count <= (*pp)->index)
			break;
		map->index = (*pp)->index + (*pp)->count;
	}
	map->next = *pp;
	*pp = map;
}

static long gntdev_map_refs(struct gntdev *g, uintptr_t arg)
{
	struct ioctl_gntdev_map_grant_ref op;
	struct gnt_map *map;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.count == 0 || op.count > MAX_GRANTS)
		return -EINVAL;
	map = kzalloc(sizeof(*map));
	if (!map)
		return -ENOMEM;
	map->refs = 1;
	map->count = op.count;
	map->grants = kmalloc(op.count * sizeof(*map->grants));
	map->handles = kmalloc(op.count * sizeof(*map->handles));
	if (!map->grants || !map->handles) {
		map_put(map);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < op.count; i++)
		map->handles[i] = NO_HANDLE;
	if (copy_from_user(map->grants, arg + offsetof(struct ioctl_gntdev_map_grant_ref, refs),
			   op.count * sizeof(*map->grants))) {
		map_put(map);
		return -EFAULT;
	}
	map_insert(g, map);
	op.index = map->index << PAGE_SHIFT;
	return copy_to_user(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

static long gntdev_unmap_refs(struct gntdev *g, uintptr_t arg)
{
	struct ioctl_gntdev_unmap_grant_ref op;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	for (struct gnt_map **pp = &g->maps; *pp; pp = &(*pp)->next) {
		struct gnt_map *map = *pp;

		if (map->index == op.index >> PAGE_SHIFT && map->count == op.count) {
			*pp = map->next;
			map_put(map);
			return 0;
		}
	}
	return -ENOENT;
}

static long gntdev_offset_for_vaddr(uintptr_t arg)
{
	struct ioctl_gntdev_get_offset_for_vaddr op;
	struct vma *v;
	struct gnt_map *map;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	v = vma_find(current->mm, op.vaddr);
	if (!v || v->ops != &gntdev_vma_ops)
		return -EINVAL;
	map = v->priv;
	op.offset = map->index << PAGE_SHIFT;
	op.count = map->count;
	return copy_to_user(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

static long gntdev_set_notify(struct gntdev *g, uintptr_t arg)
{
	struct ioctl_gntdev_unmap_notify op;
	struct gnt_map *map;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.action & ~(UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT))
		return -EINVAL;
	if ((op.action & UNMAP_NOTIFY_SEND_EVENT) && !evtchn_user_port(op.event_channel_port))
		return -EINVAL;
	for (map = g->maps; map; map = map->next)
		if (op.index >> PAGE_SHIFT >= map->index &&
		    op.index >> PAGE_SHIFT < map->index + map->count)
			break;
	if (!map)
		return -ENOENT;
	if ((op.action & UNMAP_NOTIFY_CLEAR_BYTE) && map->readonly)
		return -EINVAL;
	map->notify = op.action;
	map->notify_off = op.index - (map->index << PAGE_SHIFT);
	map->notify_port = op.event_channel_port;
	return 0;
}

struct copy_batch {
	struct gnttab_copy op[COPY_OPS];
	unsigned int seg[COPY_OPS];       /* the segment (of segs[]) each piece is of */
	unsigned int n;
	uintptr_t page;                   /* the program's page user_frame saw last */
	pte_t *pte;                       /* and its entry (NULL: none yet) */
};

/* Bytes one last-level table maps. */
#define L1_SPAN ((uintptr_t)PAGE_SIZE << 9)

/*
 * The machine frame behind a program's page at va, faulted in (for
 * writing if asked).  A buffer's pages come one after the other: the
 * entry of the page after the last one, in the same last-level table,
 * is the next entry, no walk (a PV walk translates a frame per level).
 */
static int user_frame(struct copy_batch *b, uintptr_t va, bool write, xen_pfn_t *mfn)
{
	struct mm *mm = current->mm;
	uintptr_t page = PAGE_DOWN(va);
	pte_t *pte;

	if (va >= USER_TOP || !mm)
		return -EFAULT;
	if (b->pte && page == b->page)
		pte = b->pte;
	else if (b->pte && page == b->page + PAGE_SIZE && (page & (L1_SPAN - 1)))
		pte = b->pte + 1;
	else
		pte = pt_walk(mm->root, page, false);
	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U) || (write && !(*pte & PTE_W))) {
		if (vm_fault(mm, page, write))
			return -EFAULT;
		pte = pt_walk(mm->root, page, false);
	}
	b->pte = pte;
	b->page = page;
	/* Device areas hold frames that are not ours to name by frame. */
	if (!pte || !(*pte & PTE_P) || (*pte & PTE_SPECIAL))
		return -EFAULT;
	*mfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;
	return 0;
}

/* Runs the queued pieces; each failure becomes its segment's status if it has none. */
static int copy_run(struct copy_batch *b, struct gntdev_grant_copy_segment *segs)
{
	if (b->n && gnttab_op_n(GNTTABOP_copy, b->op, b->n))
		return -EFAULT;
	for (unsigned int i = 0; i < b->n; i++)
		if (b->op[i].status != GNTST_okay && segs[b->seg[i]].status == GNTST_okay)
			segs[b->seg[i]].status = b->op[i].status;
	b->n = 0;
	return 0;
}

/* Queues segment i's pieces (flushing the batch when full). */
static int copy_segment(struct copy_batch *b, struct gntdev_grant_copy_segment *segs,
			unsigned int i)
{
	struct gntdev_grant_copy_segment *s = &segs[i];
	bool src_gref = s->flags & GNTCOPY_source_gref, dst_gref = s->flags & GNTCOPY_dest_gref;
	uint16_t done = 0;

	if (!src_gref && !dst_gref)
		return -EINVAL;
	if ((src_gref && s->source.foreign.offset + s->len > PAGE_SIZE) ||
	    (dst_gref && s->dest.foreign.offset + s->len > PAGE_SIZE))
		return -EINVAL;
	s->status = GNTST_okay;
	while (done < s->len) {
		struct gnttab_copy *op = &b->op[b->n];
		uint16_t len = s->len - done;
		int err;

		memset(op, 0, sizeof(*op));
		op->flags = s->flags & (GNTCOPY_source_gref | GNTCOPY_dest_gref);
		if (src_gref) {
			op->source = (struct gnttab_copy_ptr){ .u.ref = s->source.foreign.ref,
				.domid = s->source.foreign.domid,
				.offset = (uint16_t)(s->source.foreign.offset + done) };
		} else {
			uintptr_t va = (uintptr_t)s->source.virt + done;

			len = MIN(len, (uint16_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
			err = user_frame(b, va, false, &op->source.u.gmfn);
			if (err)
				return err;
			op->source.domid = DOMID_SELF;
			op->source.offset = (uint16_t)(va & (PAGE_SIZE - 1));
		}
		if (dst_gref) {
			op->dest = (struct gnttab_copy_ptr){ .u.ref = s->dest.foreign.ref,
				.domid = s->dest.foreign.domid,
				.offset = (uint16_t)(s->dest.foreign.offset + done) };
		} else {
			uintptr_t va = (uintptr_t)s->dest.virt + done;

			len = MIN(len, (uint16_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
			err = user_frame(b, va, true, &op->dest.u.gmfn);
			if (err)
				return err;
			op->dest.domid = DOMID_SELF;
			op->dest.offset = (uint16_t)(va & (PAGE_SIZE - 1));
		}
		op->len = len;
		b->seg[b->n++] = i;
		done += len;
		if (b->n == COPY_OPS && copy_run(b, segs))
			return -EFAULT;
	}
	return 0;
}

static long gntdev_grant_copy(uintptr_t arg)
{
	static struct copy_batch batch;
	struct gntdev_grant_copy_segment segs[COPY_SEGS];
	struct ioctl_gntdev_grant_copy op;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	for (unsigned int first = 0; first < op.count; first += COPY_SEGS) {
		unsigned int n = MIN(op.count - first, (unsigned int)COPY_SEGS);
		uintptr_t user = (uintptr_t)op.segments + first * sizeof(segs[0]);
		int err = 0;

		if (copy_from_user(segs, user, n * sizeof(segs[0])))
			return -EFAULT;
		batch.n = 0;
		batch.pte = NULL;
		for (unsigned int i = 0; i < n && !err; i++)
			err = copy_segment(&batch, segs, i);
		if (!err)
			err = copy_run(&batch, segs);
		if (err)
			return err;
		for (unsigned int i = 0; i < n; i++)
			if (copy_to_user(user + i * sizeof(segs[0]) +
					 offsetof(struct gntdev_grant_copy_segment, status),
					 &segs[i].status, sizeof(segs[i].status)))
				return -EFAULT;
	}
	return 0;
}

static long gntdev_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	switch (cmd) {
	case IOCTL_GNTDEV_MAP_GRANT_REF:
		return gntdev_map_refs(f->priv, arg);
	case IOCTL_GNTDEV_UNMAP_GRANT_REF:
		return gntdev_unmap_refs(f->priv, arg);
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR:
		return gntdev_offset_for_vaddr(arg);
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		return gntdev_set_notify(f->priv, arg);
	case IOCTL_GNTDEV_GRANT_COPY:
		return gntdev_grant_copy(arg);
	default:
		return -ENOTTY;
	}
}

/* Page i of map for the area page at va of v. */
static uint32_t map_page(const struct vma *v, const struct gnt_map *map, uintptr_t va)
{
	return (v->file_off >> PAGE_SHIFT) - map->index + ((va - v->start) >> PAGE_SHIFT);
}

/* UNMAP_NOTIFY_CLEAR_BYTE: page i is still mapped, so the grant is writable. */
static void clear_notify_byte(struct gnt_map *map, uint32_t i)
{
	static const uint8_t zero;
	struct gnttab_copy op = {
		.source = { .u.gmfn = pv_ops.mmu.pfn_to_mfn(virt_to_pfn(&zero)),
			    .domid = DOMID_SELF, .offset = (uintptr_t)&zero & (PAGE_SIZE - 1) },
		.dest = { .u.ref = map->grants[i].ref, .domid = map->grants[i].domid,
			  .offset = map->notify_off & (PAGE_SIZE - 1) },
		.len = 1,
		.flags = GNTCOPY_dest_gref,
	};

	map->notify &= ~UNMAP_NOTIFY_CLEAR_BYTE;
	if (gnttab_op(GNTTABOP_copy, &op) || op.status != GNTST_okay)
		printk("gntdev: clearing the notify byte of grant %u of domain %u: %d\n",
		       map->grants[i].ref, map->grants[i].domid, op.status);
}

static void gntdev_zap(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end)
{
	struct gnt_map *map = v->priv;

	pv_mmu_flush();
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		uint32_t i = map_page(v, map, va);
		struct gnttab_unmap_grant_ref op = { .handle = map->handles[i] };
		pte_t *pte;

		if (op.handle == NO_HANDLE)
			continue;
		if ((map->notify & UNMAP_NOTIFY_CLEAR_BYTE) && i == map->notify_off >> PAGE_SHIFT)
			clear_notify_byte(map, i);
		pte = pt_walk(mm->root, va, false);
		op.host_addr = pte_maddr(pte);
		if (gnttab_op(GNTTABOP_unmap_grant_ref, &op) || op.status != GNTST_okay)
			printk("gntdev: unmapping grant %u of domain %u: %d\n",
			       map->grants[i].ref, map->grants[i].domid, op.status);
		map->handles[i] = NO_HANDLE;
	}
}

static const struct vma_ops gntdev_vma_ops = {
	.get = map_get,
	.put = map_put,
	.zap = gntdev_zap,
};

/*
 * The area must be the whole record, mapped only once, and shared if
 * writable (read-only areas map the grants GNTMAP_readonly).  Any grant
 * that cannot be mapped fails the mmap with -EINVAL (sys_mmap then unmaps
 * the rest), as on Linux.
 */
static int gntdev_new_area(struct file *f, struct vma *v, unsigned long flags)
{
	struct gntdev *g = f->priv;
	uint64_t index = v->file_off >> PAGE_SHIFT, count = (v->end - v->start) >> PAGE_SHIFT;
	uint32_t gflags = GNTMAP_host_map | GNTMAP_application_map | GNTMAP_contains_pte |
			  GNTMAP_PTE_SPECIAL;
	struct gnt_map *map;
	int err;

	if ((v->prot & VM_WRITE) && (flags & MAP_TYPE) != MAP_SHARED)
		return -EINVAL;
	for (map = g->maps; map; map = map->next)
		if (map->index == index && map->count == count)
			break;
	if (!map || map->mmapped)
		return -EINVAL;
	err = vma_set_device(v, &gntdev_vma_ops, map);
	if (err)
		return err;
	map->mmapped = true;
	map->readonly = !(v->prot & VM_WRITE);
	if (map->readonly)
		gflags |= GNTMAP_readonly;
	for (uint32_t i = 0; i < map->count; i++) {
		struct gnttab_map_grant_ref op = {
			.flags = gflags, .ref = map->grants[i].ref, .dom = map->grants[i].domid,
		};
		pte_t *pte = pt_walk(current->mm->root, v->start + ((uintptr_t)i << PAGE_SHIFT), true);

		pv_mmu_flush();
		op.host_addr = pte_maddr(pte);
		if (gnttab_op(GNTTABOP_map_grant_ref, &op) || op.status != GNTST_okay) {
			map->mmapped = false;   /* the caller unmaps the rest; retry allowed */
			return -EINVAL;
		}
		map->handles[i] = op.handle;
	}
	return 0;
}

static int gntdev_open(struct file *f)
{
	f->priv = kzalloc(sizeof(struct gntdev));
	return f->priv ? 0 : -ENOMEM;
}

/* Areas keep their records alive; the file's own references go. */
static void gntdev_release(struct file *f)
{
	struct gntdev *g = f->priv;

	while (g->maps) {
		struct gnt_map *map = g->maps;

		g->maps = map->next;
		map_put(map);
	}
	kfree(g);
}

const struct file_ops gntdev_ops = {
	.ioctl = gntdev_ioctl,
	.open = gntdev_open,
	.release = gntdev_release,
	.mmap = gntdev_new_area,
};
