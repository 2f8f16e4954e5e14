/*
 * Memory helpers for PV test guests: a page allocator over the spare end
 * of the initial mapping, page-table walking, and thin wrappers for the
 * PV MMU hypercalls.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include "guest.h"

#define PTE_MFN(e)      (((e) & 0x000ffffffffff000UL) >> 12)
#define PTE_FLAGS(e)    ((e) & ~0x000ffffffffff000UL)
/* What the domain builder uses: data pages, and links to lower tables. */
#define PTE_DATA        (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_TABLE       (PTE_DATA | _PAGE_USER)
#define L4_SLOT(va)     (((uint64_t)(va) >> 39) & 511)

/*
 * A zeroed page from the spare end of the initial mapping, mapped
 * read-write at its VIRT_BASE + pfn address.  Never freed.
 */
void *alloc_page(void);

/* A page from alloc_page() whose successor is left unmapped: buffers at
 * its end run into a hole. */
uint8_t *alloc_page_before_hole(void);

/* MFN backing a page of the initial mapping, from the p2m list. */
uint64_t virt_to_mfn(const void *va);
/* VA of a frame of the initial mapping (through the M2P). */
void *mfn_to_virt(uint64_t mfn);

/* Machine address of the level-`level` entry (1 = L1) that maps va. */
uint64_t pte_maddr(const void *va, unsigned int level);
/* Contents of that entry, or 0 if a table above it is not present. */
uint64_t pte_read(const void *va, unsigned int level);

/* One-element mmu_update / mmuext_op for our own tables. */
long mmu_update1(uint64_t ptr, uint64_t val);
long mmuext1(unsigned int cmd, uint64_t arg1, uint64_t arg2);
long update_va_mapping(const void *va, uint64_t pte, unsigned long flags);
/* Maps `mfn` at va (which needs an L1 already) with `flags`, flushing va. */
long map_frame(const void *va, uint64_t mfn, uint64_t flags);
/* Remaps a page of the initial mapping read-only / read-write. */
void make_readonly(const void *va);
void make_writable(const void *va);

/*
 * A fresh L3 -> L2 -> L1 chain for one 2 MiB region, built in pages from
 * alloc_page(), made read-only (as page tables must be) but not hooked in
 * anywhere.  l1_entries are written into the L1 before it is protected.
 */
struct pt_chain {
    uint64_t *l3, *l2, *l1;         /* VAs (read-only mappings) */
    uint64_t l3_mfn, l2_mfn, l1_mfn;
};
void pt_chain_build(struct pt_chain *c, uint64_t va, const uint64_t *l1_entries,
                    unsigned int n);

#endif
