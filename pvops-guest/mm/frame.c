/*
 * Frame allocator over pseudo-physical frame numbers.  Natively pfn == mfn;
 * under Xen PV the p2m translation happens only where a PTE is built
 * (mk_pte), so this allocator never sees machine frames.
 *
 * A bitmap records free frames, and a per-frame record holds a reference
 * count (for copy-on-write sharing) and kmalloc's tag.
 */
#include "lib.h"
#include "mm.h"

struct frame {
	uint32_t refs;
	uint32_t kmalloc_tag;
};

uintptr_t direct_map_base;

static struct frame *frames;
static uint64_t *bitmap;              /* bit set = frame free */
static pfn_t frames_pfn, bitmap_pfn;  /* where the two arrays live */
static pfn_t nr_pfns, next_hint;
static uint64_t nr_free, nr_total;
static pfn_t alloc_limit;             /* frames above are unreachable before paging_init */

static bool is_free(pfn_t p) { return bitmap[p / 64] & (1UL << (p % 64)); }
static void set_free(pfn_t p) { bitmap[p / 64] |= 1UL << (p % 64); }
static void set_used(pfn_t p) { bitmap[p / 64] &= ~(1UL << (p % 64)); }

static bool in_ranges(const struct mem_range *r, int n, pfn_t p)
{
	for (int i = 0; i < n; i++)
		if (p >= r[i].start && p < r[i].end)
			return true;
	return false;
}

/* Finds n frames for the allocator's own arrays: usable, not reserved, reachable. */
static pfn_t carve(struct boot_info *bi, size_t n)
{
	for (int i = 0; i < bi->nr_usable; i++) {
		pfn_t s = bi->usable[i].start;

		while (s + n <= MIN(bi->usable[i].end, bi->early_limit)) {
			pfn_t bad = 0;

			for (pfn_t p = s; p < s + n; p++)
				if (in_ranges(bi->reserved, bi->nr_reserved, p))
					bad = p + 1;
			if (!bad) {
				if (bi->nr_reserved < BOOT_MAX_RANGES)
					bi->reserved[bi->nr_reserved++] =
						(struct mem_range){ s, s + n };
				return s;
			}
			s = bad;
		}
	}
	panic("no memory for the frame allocator");
}

void frame_init(struct boot_info *bi)
{
	size_t frames_bytes, bitmap_bytes;

	direct_map_base = bi->early_map_base;
	nr_pfns = bi->nr_pfns;
	frames_bytes = PAGE_UP(nr_pfns * sizeof(struct frame));
	bitmap_bytes = PAGE_UP((nr_pfns + 63) / 64 * 8);
	frames_pfn = carve(bi, frames_bytes / PAGE_SIZE);
	bitmap_pfn = carve(bi, bitmap_bytes / PAGE_SIZE);
	frames = pfn_to_virt(frames_pfn);
	bitmap = pfn_to_virt(bitmap_pfn);
	memset(frames, 0, frames_bytes);
	memset(bitmap, 0, bitmap_bytes);

	for (int i = 0; i < bi->nr_usable; i++)
		for (pfn_t p = bi->usable[i].start; p < bi->usable[i].end && p < nr_pfns; p++)
			if (!in_ranges(bi->reserved, bi->nr_reserved, p)) {
				set_free(p);
				nr_free++;
			}
	nr_total = nr_free;
	alloc_limit = bi->early_limit;
}

/* Called once the kernel's own tables (with the full direct map) are live. */
void frame_use_direct_map(void)
{
	direct_map_base = DIRECT_MAP_BASE;
	frames = pfn_to_virt(frames_pfn);
	bitmap = pfn_to_virt(bitmap_pfn);
	alloc_limit = nr_pfns;
}

pfn_t frames_alloc(size_t n)
{
	pfn_t limit = MIN(alloc_limit, nr_pfns);

	for (int pass = 0; pass < 2; pass++) {
		pfn_t start = pass ? 0 : next_hint;

		for (pfn_t p = start; p + n <= limit; p++) {
			size_t k = 0;

			while (k < n && is_free(p + k))
				k++;
			if (k == n) {
				for (k = 0; k < n; k++) {
					set_used(p + k);
					frames[p + k].refs = 1;
					frames[p + k].kmalloc_tag = 0;
				}
				nr_free -= n;
				next_hint = p + n;
				return p;
			}
			p += k;
		}
	}
	return 0;
}

void frames_free(pfn_t first, size_t n)
{
	for (pfn_t p = first; p < first + n; p++) {
		BUG_ON(p >= nr_pfns || is_free(p));
		frames[p].refs = 0;
		frames[p].kmalloc_tag = 0;
		set_free(p);
	}
	nr_free += n;
}

pfn_t frame_try_alloc(void)
{
	pfn_t p = frames_alloc(1);

	if (p)
		memset(pfn_to_virt(p), 0, PAGE_SIZE);
	return p;
}

pfn_t frame_alloc(void)
{
	pfn_t p = frame_try_alloc();

	if (!p)
		panic("out of memory");
	return p;
}

void frame_get(pfn_t pfn)
{
	BUG_ON(pfn >= nr_pfns || frames[pfn].refs == 0);
	frames[pfn].refs++;
}

void frame_put(pfn_t pfn)
{
	BUG_ON(pfn >= nr_pfns || frames[pfn].refs == 0);
	if (--frames[pfn].refs == 0)
		frames_free(pfn, 1);
}

unsigned int frame_refs(pfn_t pfn) { return frames[pfn].refs; }
uint32_t *frame_kmalloc_tag(pfn_t pfn) { return &frames[pfn].kmalloc_tag; }
uint64_t frames_free_count(void) { return nr_free; }
uint64_t frames_total(void) { return nr_total; }
