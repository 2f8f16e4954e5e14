/*
 * Virtual-processor identifiers and EPT contexts.  Guest TLB entries are
 * tagged with the VPID of the VM entry that made them, so each vCPU runs
 * with a VPID no other vCPU uses.  Per CPU, VPIDs are handed out in
 * generations (as SVM's ASIDs, svm/asid.c): a vCPU keeps its VPID while
 * it belongs to the CPU's generation; when the 16-bit space runs out a
 * new generation starts and its first entry flushes every VPID's
 * entries, so a reused VPID never sees another's.  (VPID 0 is hv's; a
 * CPU without usable VPIDs runs every guest with VPID 0, which VM entry
 * and exit flush.)
 */
#include <hv/percpu.h>
#include <hv/lib.h>
#include "vmx.h"

#define VPID_MAX    0xffff

struct vpid_state {
    u32 next;
    u64 generation;
    bool flush_pending;
};

static struct vpid_state vpid_state[NR_CPUS];

void vmx_vpid_init_cpu(void)
{
    struct vpid_state *s = &vpid_state[smp_processor_id()];

    s->next = 1;
    s->generation = 1;
    s->flush_pending = true;
}

void vmx_vpid_handle_entry(struct vcpu *v)
{
    struct vpid_state *s = &vpid_state[smp_processor_id()];
    struct vmx_vcpu *xv = v->hvm->vmx;

    if (!vmx_caps.vpid)
        return;
    if (xv->vpid_generation != s->generation) {
        if (s->next > VPID_MAX) {
            s->generation++;
            s->next = 1;
            s->flush_pending = true;
        }
        xv->vpid = s->next++;
        xv->vpid_generation = s->generation;
    }
    if (s->flush_pending) {
        invvpid(INV_ALL_CONTEXT, 0);
        s->flush_pending = false;
    }
    vmwrite(VIRTUAL_PROCESSOR_ID, xv->vpid);
}

/* After hv changed the guest's paging (CR0/CR3/CR4 written on its behalf). */
void vmx_flush_guest_tlb(struct vcpu *v)
{
    if (vmx_caps.vpid && v->hvm->vmx->vpid_generation ==
                         vpid_state[smp_processor_id()].generation)
        invvpid(INV_SINGLE_CONTEXT, v->hvm->vmx->vpid);
}

/* New EPT tables may sit where a dead domain's were: drop what the CPU
 * cached for that EPT pointer before the first entry. */
void vmx_invept_domain(const struct vmx_domain *d)
{
    if (vmx_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE)
        invept(INV_SINGLE_CONTEXT, vmx_eptp(d));
    else
        invept(INV_ALL_CONTEXT, 0);
}
