/*
 * User address spaces: an ordered list of areas (vmas) over a page-table
 * root.  vma bookkeeping (mm/vma.c) is pure and unit-tested on the host;
 * page tables are touched only in mm/fault.c, mm/as.c and mm/mmap.c.
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "kernel.h"

struct inode;
void inode_get(struct inode *ino);
void inode_put(struct inode *ino);

#define VM_READ  1
#define VM_WRITE 2
#define VM_EXEC  4

struct mm;
struct vma;

/*
 * A device area (an mmap of /dev/xen/privcmd or gntdev): its pages are
 * frames that are not the kernel's (another domain's, or granted), mapped
 * by the device with PTE_SPECIAL.  Such an area is never demand-paged,
 * never copied by fork, and its frames are never counted or freed.
 */
struct vma_ops {
	void (*get)(void *priv);    /* another vma shares priv (split); may be NULL */
	void (*put)(void *priv);    /* may be NULL */
	/* Ends the device's mappings in [start, end) of v; NULL: clearing the PTEs does. */
	void (*zap)(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end);
};

struct vma {
	uintptr_t start, end;       /* page aligned, [start, end) */
	unsigned int prot;          /* VM_* */
	struct inode *file;         /* private file mapping, or NULL (anonymous) */
	uint64_t file_off;          /* file (device: mmap) offset of start */
	uint64_t file_end;          /* file bytes at or past this offset read as 0 */
	struct vma *next;
	const struct vma_ops *ops;  /* device area, or NULL */
	void *priv;                 /* the device's, shared by the pieces of a split */
};

struct mm {
	pfn_t root;
	struct vma *vmas;           /* sorted by address, never overlapping */
	uintptr_t brk_start, brk;
};

#define MMAP_BASE 0x0000100000000000UL
#define STACK_TOP 0x00007ffffffde000UL
#define STACK_SIZE (8UL << 20)

struct vma *vma_find(struct mm *mm, uintptr_t addr);
/* Every page of [start, end) (page aligned) is in some area. */
bool vma_range_mapped(struct mm *mm, uintptr_t start, uintptr_t end);
int vma_add(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot,
	    struct inode *file, uint64_t off, uint64_t file_end);
int vma_unmap(struct mm *mm, uintptr_t start, uintptr_t end);
int vma_protect(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot);
uintptr_t vma_find_gap(struct mm *mm, size_t len, uintptr_t lo, uintptr_t hi);
int vma_set_device(struct vma *v, const struct vma_ops *ops, void *priv);
int vma_clone(struct mm *dst, const struct mm *src);   /* device areas stay behind */
void vma_free_all(struct mm *mm);

/* Address-space operations (mm/as.c, mm/fault.c). */
struct mm *mm_create(void);
struct mm *mm_fork(struct mm *parent);
void mm_destroy(struct mm *mm);
void mm_activate(struct mm *mm);
int vm_fault(struct mm *mm, uintptr_t addr, bool write);
int mm_unmap(struct mm *mm, uintptr_t start, uintptr_t end);
int mm_protect(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot);

#endif
