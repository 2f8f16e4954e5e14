/*
 * Kernel heap: power-of-two size classes carved from single frames for
 * small objects, runs of contiguous frames for large ones.  The frame's
 * kmalloc tag says which, so kfree needs no header.
 */
#include "kalloc.h"
#include "lib.h"
#include "mm.h"

#define MIN_SHIFT 4
#define NR_CLASSES 8                /* 16 .. 2048 bytes */
#define TAG_LARGE 0x80000000u

struct free_obj {
	struct free_obj *next;
};

static struct free_obj *free_lists[NR_CLASSES];

static int size_class(size_t size)
{
	int c = 0;

	while ((1UL << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > (1UL << (MIN_SHIFT + NR_CLASSES - 1))) {
		size_t n = PAGE_UP(size) / PAGE_SIZE;
		pfn_t p = frames_alloc(n);

		if (!p)
			return NULL;
		*frame_kmalloc_tag(p) = TAG_LARGE | n;
		return pfn_to_virt(p);
	}
	int c = size_class(size);

	if (!free_lists[c]) {
		pfn_t p = frames_alloc(1);
		size_t obj = 1UL << (c + MIN_SHIFT);
		char *page;

		if (!p)
			return NULL;
		*frame_kmalloc_tag(p) = c + 1;
		page = pfn_to_virt(p);
		for (size_t off = 0; off < PAGE_SIZE; off += obj) {
			struct free_obj *o = (struct free_obj *)(page + off);

			o->next = free_lists[c];
			free_lists[c] = o;
		}
	}
	struct free_obj *o = free_lists[c];

	free_lists[c] = o->next;
	return o;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	pfn_t p = virt_to_pfn(ptr);
	uint32_t tag = *frame_kmalloc_tag(p);

	if (tag & TAG_LARGE) {
		frames_free(p, tag & ~TAG_LARGE);
		return;
	}
	BUG_ON(tag == 0 || tag > NR_CLASSES);
	struct free_obj *o = ptr;

	o->next = free_lists[tag - 1];
	free_lists[tag - 1] = o;
}
