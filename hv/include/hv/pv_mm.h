/*
 * The PV MMU hypercalls (direct paging) and domain memory teardown.
 * Each returns 0 or a negative errno; docs/mm.md lists every error.
 */
#ifndef HV_PV_MM_H
#define HV_PV_MM_H

#include <hv/types.h>

struct domain;
struct vcpu;

long do_mmu_update(xen_guest_handle_t ureqs, unsigned int count,
                   xen_guest_handle_t pdone, unsigned int foreigndom);
long do_mmuext_op(xen_guest_handle_t uops, unsigned int count,
                  xen_guest_handle_t pdone, unsigned int foreigndom);
long do_update_va_mapping(u64 va, u64 val, u64 flags);
long do_update_va_mapping_otherdomain(u64 va, u64 val, u64 flags,
                                      domid_t domid);

/*
 * Releases everything d holds: base pointers, pins, page-table validation
 * and the allocation reference of every frame.  Returns 0 when every frame
 * went back to the allocator, -EBUSY when some are still referenced from
 * elsewhere (they are freed when that reference goes; d must stay until
 * d->tot_pages is 0).  No vCPU of d may be running.
 */
int relinquish_domain_memory(struct domain *d);

/* domctl setvcpucontext: v's kernel L4 and user L4 (0: none), each a
 * frame of v's domain taking an L4 type reference; v has none yet. */
int pv_set_initial_tables(struct vcpu *v, mfn_t kernel, mfn_t user);

/*
 * The guest gives frame mfn back (XENMEM_decrease_reservation): unpins
 * it, drops its allocation reference and invalidates its M2P entry.  0,
 * -EINVAL (no such frame) or -EPERM (not d's, or not one it was given).
 */
int guest_remove_page(struct domain *d, mfn_t mfn);

/*
 * Writable page tables: the guest stores val at addr (8-byte aligned) in
 * the address space of L4 l4, and addr is in one of its L1 tables.  The
 * store is applied as an mmu_update of that entry; with expect (cmpxchg)
 * only if the entry equals *expect.  *old (if not NULL) gets the entry's
 * value before.  0 (also for a cmpxchg that did not match), or -EINVAL if
 * addr is not in a validated L1 of the vCPU's domain, or the entry's error.
 */
int ptwr_emulate_update(struct vcpu *v, mfn_t l4, u64 addr, const u64 *expect,
                        u64 val, u64 *old);

#endif
