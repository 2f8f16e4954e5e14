/*
 * Address-space identifiers.  Guest TLB entries are tagged with the ASID
 * of the VMRUN that made them, so each vCPU runs with an ASID no other
 * vCPU uses.  Per CPU, ASIDs are handed out in generations: a vCPU keeps
 * its ASID while it belongs to the CPU's current generation; when the
 * ASIDs run out, a new generation starts, every vCPU gets a new one on
 * its next VMRUN, and the first VMRUN of the generation flushes the TLB
 * entries of all ASIDs, so a reused ASID never sees another's entries.
 * (ASID 0 is the host's.)
 */
#include <hv/percpu.h>
#include <hv/lib.h>
#include "svm.h"

struct asid_state {
    u32 next, max;
    u64 generation;
    bool flush_pending;
};

static struct asid_state asid_state[NR_CPUS];

void svm_asid_init_cpu(u32 nr_asids)
{
    struct asid_state *s = &asid_state[smp_processor_id()];

    /* At least one guest ASID; a CPU reporting fewer gets a flush per run. */
    s->max = nr_asids > 1 ? nr_asids - 1 : 1;
    s->next = 1;
    s->generation = 1;
    s->flush_pending = true;
}

void svm_asid_handle_vmrun(struct vcpu *v)
{
    struct asid_state *s = &asid_state[smp_processor_id()];
    struct svm_vcpu *sv = v->hvm->svm;
    struct vmcb *vmcb = sv->vmcb;

    vmcb->tlb_control = TLB_CTRL_NO_FLUSH;
    if (sv->asid_generation != s->generation) {
        if (s->next > s->max) {
            s->generation++;
            s->next = 1;
            s->flush_pending = true;
        }
        sv->asid = s->next++;
        sv->asid_generation = s->generation;
    }
    if (s->flush_pending) {
        vmcb->tlb_control = TLB_CTRL_FLUSH_ALL;
        s->flush_pending = false;
    }
    vmcb->asid = sv->asid;
}
