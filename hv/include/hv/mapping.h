/*
 * hv's own page tables (the "idle" page tables every address space shares
 * through the hypervisor-hole L4 slots).
 *
 * map_pages_to_hv() maps nr 4 KiB frames from mfn at va; it uses 2 MiB and
 * 1 GiB pages where va, mfn and nr allow (unless MAP_SMALL_PAGES) and
 * splits existing superpages when a smaller mapping lands inside one.
 * Intermediate tables come from the page-table page source, which is the
 * boot allocator until set_pt_page_source() switches it to the heap.
 */
#ifndef HV_MAPPING_H
#define HV_MAPPING_H

#include <hv/types.h>

#define MAP_RW           (1u << 0)
#define MAP_USER         (1u << 1)
#define MAP_NX           (1u << 2)
#define MAP_SMALL_PAGES  (1u << 3)
/* Memory type, through the PAT hv programs (Xen's layout, a PV ABI). */
#define MAP_CACHE_SHIFT  4
#define MAP_CACHE_MASK   (7u << MAP_CACHE_SHIFT)
#define MAP_CACHE_WB     (0u << MAP_CACHE_SHIFT)
#define MAP_CACHE_WT     (1u << MAP_CACHE_SHIFT)
#define MAP_CACHE_UCM    (2u << MAP_CACHE_SHIFT)   /* UC- */
#define MAP_CACHE_UC     (3u << MAP_CACHE_SHIFT)
#define MAP_CACHE_WC     (4u << MAP_CACHE_SHIFT)
#define MAP_CACHE_WP     (5u << MAP_CACHE_SHIFT)

#define PAGE_HV_RW  (MAP_RW | MAP_NX)
#define PAGE_HV_RO  (MAP_NX)
#define PAGE_HV_RX  0u
#define PAGE_HV_UC  (MAP_RW | MAP_NX | MAP_CACHE_UC)
/* Read-only and visible to guests: the M2P in slot 256. */
#define PAGE_HV_RO_USER (MAP_USER | MAP_NX)

/* PAT MSR value matching the MAP_CACHE_* indices. */
#define HV_MSR_PAT  0x0000050100070406ULL

/* Both return 0, -EINVAL (bad va/flags) or -ENOMEM (no page-table page). */
int map_pages_to_hv(unsigned long va, mfn_t mfn, unsigned long nr,
                    unsigned int flags);
int unmap_pages_from_hv(unsigned long va, unsigned long nr);

/* The machine address of the L4 every CPU runs on while idle. */
paddr_t idle_pg_table_maddr(void);

/* Where intermediate page-table pages come from: returns a zeroed page's
 * MFN or INVALID_MFN. */
typedef mfn_t (*pt_page_source_t)(void);
void set_pt_page_source(pt_page_source_t fn);
/* The source once the heap is up (mm_init()). */
mfn_t heap_pt_page(void);

/* Maps MMIO uncached into the ioremap area; never unmapped. */
void *ioremap(paddr_t pa, size_t len);

/* Builds the direct map and the image mapping and switches CR3 to them. */
void paging_init(void);

#endif
