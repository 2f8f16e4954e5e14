/* The SVM backend's private state and functions (hv/arch/x86/hvm/svm/). */
#ifndef HV_SVM_PRIVATE_H
#define HV_SVM_PRIVATE_H

#include <hv/hvm.h>
#include "vmcb.h"

struct svm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    u32 asid;
    u64 asid_generation;        /* the CPU generation asid belongs to */
    u64 dr[4];                  /* DR0-3 while the vCPU is off the CPU */
    bool lme_held;              /* guest's EFER.LME, kept out of the VMCB */
    /* An external interrupt acknowledged at its source and presented
     * through V_IRQ, not yet taken by the guest (intr.c). */
    bool virq_in_flight;
    u8 virq_vector;
};

struct svm_domain {
    void *iopm, *msrpm;         /* I/O and MSR permission maps (hv memory) */
    mfn_t npt_root;             /* nested L4 (hv memory) */
};

/* CPUID 0x8000000a EDX of this CPU. */
extern u32 svm_features;

/* entry.S: runs the guest once.  Loads the guest's registers and its
 * VMLOAD state, VMRUN, and on #VMEXIT saves them back and restores hv's
 * VMLOAD state; returns with GIF and interrupts on. */
void svm_vmrun(struct hvm_regs *regs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);

/* svm.c */
paddr_t svm_host_vmcb_pa(void);

/* asid.c: gives v an ASID of this CPU's generation before VMRUN. */
void svm_asid_init_cpu(u32 nr_asids);
void svm_asid_handle_vmrun(struct vcpu *v);

/* npt.c: nested page tables over the domain's p2m. */
int svm_npt_build(struct domain *d);
int svm_npt_set(struct domain *d, u64 gpfn, mfn_t mfn);
void svm_npt_destroy(struct domain *d);

/* intr.c: event injection before VMRUN. */
void svm_intr_assist(struct vcpu *v);
/* After a VMEXIT: whether the interrupt in flight was taken, and the
 * event whose delivery the exit interrupted queued again. */
void svm_intr_after_exit(struct vcpu *v);
void svm_disable_intr_window(struct vmcb *vmcb);

/* efer.c: the guest's EFER.LME reaches the VMCB only with CR4.PAE set. */
u64 svm_guest_efer(const struct vcpu *v);
void svm_place_lme(struct vcpu *v, bool lme);
void svm_handle_cr0_write(struct vcpu *v);

/* exit.c */
void svm_vmexit_handler(struct vcpu *v);

#endif
