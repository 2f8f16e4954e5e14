/*
 * Simulated machine for hv's mm code on the host.
 *
 * Machine memory is a memfd; the hypervisor hole is a reserved window of
 * this process (hosted_hv_hole), the direct map is the memfd mapped into
 * it, and map_pages_to_hv maps memfd frames at the requested hv address
 * with the requested protection, so a write through a read-only mapping
 * (the guest-visible M2P) faults as on hardware.
 */
#ifndef MM_TEST_SIM_H
#define MM_TEST_SIM_H

#include <hv/types.h>
#include <hv/domain.h>
#include <hv/mm.h>
#include <hv/mm_pte.h>

#define SIM_MEM_BYTES   (64UL << 20)
#define SIM_MAX_MFN     (SIM_MEM_BYTES >> PAGE_SHIFT)

/* Fake boot layout (bytes). */
#define SIM_IMAGE_START  0x200000UL     /* hv image */
#define SIM_IMAGE_END    0x400000UL
#define SIM_BOOTMEM_START 0x400000UL    /* boot allocator arena */
#define SIM_BOOTMEM_END  0x800000UL
#define SIM_MODULE_START 0x800000UL     /* a boot module */
#define SIM_MODULE_END   0x900000UL
#define SIM_HOLE_START   0x1000000UL    /* not RAM */
#define SIM_HOLE_END     0x1100000UL
#define SIM_RAM_FRAMES   (0x9fUL + (0x1000 - 0x100) + (0x4000 - 0x1100))

/* Guest virtual window copy_{from,to}_guest accept; all else faults. */
#define GUEST_WIN_BASE   0x10000000UL
#define GUEST_WIN_SIZE   (1UL << 20)
/* A read-only part of the window (empty unless a test sets it). */
extern u64 sim_guest_ro_start, sim_guest_ro_end;

struct sim_map_call {
    unsigned long va;
    mfn_t mfn;
    unsigned long nr;
    u64 flags;
};

struct sim_hooks {
    unsigned int flush_local, flush_one_local, flush_all, flush_one_all;
    unsigned int cr3_writes;
    u64 last_flush_va;
    mfn_t last_cr3;
    bool guest_globals;         /* what tlb_guest_globals() answers */
};

extern struct sim_hooks sim_hooks;

/* Full flushes of either kind: what hv's mm asked of the TLB. */
static inline unsigned int sim_flushes(void)
{
    return sim_hooks.flush_local + sim_hooks.flush_all;
}
extern struct sim_map_call sim_map_calls[16];
extern unsigned int sim_nr_map_calls;
extern struct vcpu *sim_current;
extern u64 sim_root_l4[PT_ENTRIES];
extern char sim_console[8192];   /* everything printk'd, NUL-terminated */

/* Sets up memory and runs mm_init(). */
void sim_init(void);
/* Host pointer for a guest virtual address inside the window. */
void *sim_guest_ptr(u64 gva);

/* Domains known to domain_by_id; vCPU 0 is created with the domain. */
struct domain *sim_new_domain(domid_t id, u64 max_pages, bool privileged);
struct domain *sim_domain(unsigned int idx);
unsigned int sim_nr_domains(void);

#endif
