/*
 * start_info -> boot_info: which pseudo-physical frames are ours to use,
 * which hold what the domain builder left (kernel, initrd, p2m list,
 * start_info, its page tables and stack), how far its mapping reaches,
 * where the initrd is and the command line.  Pure; unit-tested on the host.
 */
#include <public/xen.h>

#include "lib.h"
#include "pv.h"

#define PADDING_FRAMES ((512 << 10) / PAGE_SIZE)   /* guaranteed after the builder's area */

static pfn_t va_pfn(uint64_t va)
{
	return (va - KERNEL_BASE) >> PAGE_SHIFT;
}

static pfn_t va_pfn_up(uint64_t va)
{
	return (PAGE_UP(va) - KERNEL_BASE) >> PAGE_SHIFT;
}

/* Returns 0, or -1 if start_info is not a 64-bit PV one we can use. */
int pv_parse_start_info(const struct start_info *si, uintptr_t image_start,
			uintptr_t image_end, struct boot_info *bi, struct pv_layout *l,
			char *cmdline, size_t cmdline_size)
{
	pfn_t end;
	size_t n;

	if (memcmp(si->magic, XEN_START_INFO_MAGIC, sizeof(XEN_START_INFO_MAGIC) - 1) ||
	    si->nr_pages < 2 || si->pt_base < KERNEL_BASE || si->mfn_list < KERNEL_BASE ||
	    image_start < KERNEL_BASE)
		return -1;
	memset(l, 0, sizeof(*l));
	memset(bi, 0, sizeof(*bi));
	l->nr_pfns = si->nr_pages;
	l->p2m_pfn = va_pfn(si->mfn_list);
	l->pt_first = va_pfn(si->pt_base);
	l->pt_count = si->nr_pt_frames;

	/*
	 * The builder's elements are packed in a fixed order (kernel, initrd,
	 * p2m list, start_info, domU rings, page tables, stack page), so the
	 * stack page after the tables ends them; the rest is a sanity check.
	 */
	end = l->pt_first + l->pt_count + 1;
	end = MAX(end, va_pfn_up(image_end));
	end = MAX(end, va_pfn_up(si->mfn_list + si->nr_pages * sizeof(xen_pfn_t)));
	if (si->mod_len && !(si->flags & SIF_MOD_START_PFN))
		end = MAX(end, va_pfn_up(si->mod_start + si->mod_len));
	if (end > l->nr_pfns)
		return -1;
	l->builder_end = l->next_free = end;
	l->early_limit = MIN(end + PADDING_FRAMES, l->nr_pfns);

	bi->nr_pfns = l->nr_pfns;
	bi->usable[bi->nr_usable++] = (struct mem_range){ 1, l->nr_pfns };
	bi->reserved[bi->nr_reserved++] = (struct mem_range){ va_pfn(image_start), end };
	bi->early_map_base = KERNEL_BASE;
	bi->early_limit = l->early_limit;

	if (si->mod_len) {
		if (si->flags & SIF_MOD_START_PFN) {
			pfn_t last = si->mod_start + PAGE_UP(si->mod_len) / PAGE_SIZE;

			if (last > l->nr_pfns)
				return -1;
			bi->initrd_paddr = si->mod_start << PAGE_SHIFT;
			bi->reserved[bi->nr_reserved++] = (struct mem_range){ si->mod_start, last };
		} else {
			if (si->mod_start < KERNEL_BASE)
				return -1;
			bi->initrd_paddr = si->mod_start - KERNEL_BASE;
		}
		bi->initrd_len = si->mod_len;
	}

	n = strnlen((const char *)si->cmd_line, MIN(sizeof(si->cmd_line), cmdline_size - 1));
	memcpy(cmdline, si->cmd_line, n);
	cmdline[n] = 0;
	bi->cmdline = cmdline;
	return 0;
}

pfn_t pv_early_alloc(struct boot_info *bi, struct pv_layout *l, size_t n)
{
	pfn_t first = l->next_free;

	if (n == 0 || first + n > l->early_limit)
		return 0;
	l->next_free += n;
	bi->reserved[0].end = l->next_free;
	return first;
}
