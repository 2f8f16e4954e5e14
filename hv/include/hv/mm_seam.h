/*
 * What hv's mm code needs from the rest of hv.  Boot code, the scheduler
 * and domain management provide these; the host unit tests provide
 * simulated versions (tests/unit/mm/sim.c).  docs/mm.md lists the
 * contract of each.
 */
#ifndef HV_MM_SEAM_H
#define HV_MM_SEAM_H

#include <hv/types.h>

struct domain;
struct vcpu;

/* --- boot information --- */

/* The idx-th RAM range [*start, *end) of the machine; false past the last. */
bool bootinfo_ram_range(unsigned int idx, paddr_t *start, paddr_t *end);
/*
 * True if any byte of [start, end) must not be handed out: below 1 MiB,
 * the hv image, boot modules, and every boot-allocator allocation so far.
 */
bool bootinfo_range_used(paddr_t start, paddr_t end);
/* Boot allocator: nr contiguous frames aligned to align frames. */
mfn_t alloc_boot_pages(unsigned long nr, unsigned long align);
/* Map nr frames from mfn at hv virtual address va with PTE flags. */
int map_pages_to_hv(unsigned long va, mfn_t mfn, unsigned long nr, u64 flags);
/* hv's own L4 (512 entries); slots 256-271 are copied into guest L4s. */
const u64 *hv_root_l4(void);

/* --- execution context --- */

struct vcpu *current_vcpu(void);
/* The domain with this id, or NULL; no reference is taken. */
struct domain *domain_by_id(domid_t id);

/* --- TLB and CR3 --- */

void flush_tlb_local(void);              /* this CPU, non-global entries */
void flush_tlb_one_local(u64 va);        /* this CPU, one address */
void flush_tlb_all(void);                /* every CPU, global entries too */
void flush_tlb_one_all(u64 va);          /* every CPU, one address */
void write_cr3(mfn_t l4_mfn);            /* load this CPU's CR3 */

#endif
