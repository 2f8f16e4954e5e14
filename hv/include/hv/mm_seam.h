/*
 * What hv's mm code needs from the rest of hv.  Boot code, the scheduler
 * and domain management provide these; the host unit tests provide
 * simulated versions (tests/unit/mm/sim.c).  docs/mm.md lists the
 * contract of each.
 */
#ifndef HV_MM_SEAM_H
#define HV_MM_SEAM_H

#include <hv/types.h>
#include <hv/flushtlb.h>
#include <hv/mapping.h>
#include <hv/bootinfo.h>

struct domain;
struct vcpu;

/* --- boot information: hv/bootinfo.h --- */
/* hv's own L4 (512 entries); slots 256-271 are copied into guest L4s. */
const u64 *hv_root_l4(void);

/* --- execution context --- */

struct vcpu *current_vcpu(void);
/* The domain with this id, or NULL; no reference is taken. */
struct domain *domain_by_id(domid_t id);

/* --- translated (HVM) domains --- */

/* The machine frame behind guest frame gfn of HVM domain d, for a
 * foreign mapping: 0, or -EINVAL if nothing a mapping may reach is there. */
int mm_foreign_gfn_frame(struct domain *d, u64 gfn, mfn_t *mfn);

/* --- CR3 --- */

/* The current vCPU's kernel L4 changed (NEW_BASEPTR): load it. */
void load_guest_cr3(mfn_t l4_mfn);

#endif
