/*
 * AMD SVM backend: turning SVM on, the VMCB of each vCPU, the I/O and MSR
 * permission maps of each domain, context switches and the run loop.
 *
 * World switch: VMRUN saves hv's CR0/3/4, EFER, RFLAGS, RIP, RSP, RAX
 * and ES/CS/SS/DS/GDTR/IDTR in the host save area and #VMEXIT restores
 * them.  FS, GS, TR, LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs are
 * not switched by hardware: svm_vmrun() VMLOADs the guest's before VMRUN
 * and, after #VMEXIT, VMSAVEs them back and VMLOADs hv's, which were
 * VMSAVEd once per CPU at boot.  Everything the guest can reach is
 * intercepted unless it is switched this way (docs/hvm.md lists it).
 */
#include <hv/hvm.h>
#include <hv/cpufeature.h>
#include <hv/processor.h>
#include <hv/percpu.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/pv.h>
#include <hv/traps.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "svm.h"

u32 svm_features;

/* Per CPU: the host save area (VM_HSAVE_PA) and hv's VMSAVE state. */
static void *host_save_area[NR_CPUS];
static struct vmcb *host_vmcb[NR_CPUS];

paddr_t svm_host_vmcb_pa(void)
{
    return virt_to_maddr(host_vmcb[smp_processor_id()]);
}

static void vmsave(paddr_t pa)
{
    asm volatile("vmsave %%rax" :: "a"(pa) : "memory");
}

static void *alloc_zeroed_xenheap(unsigned int order)
{
    void *p = alloc_xenheap_pages(order);

    if (p)
        memset(p, 0, PAGE_SIZE << order);
    return p;
}

/* Boot CPU: EFER.SVME, the host save area and hv's VMLOAD state. */
static int svm_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();
    u32 a, nr_asids, c;

    cpuid(0x8000000a, &a, &nr_asids, &c, &svm_features);
    host_save_area[cpu] = alloc_zeroed_xenheap(0);
    host_vmcb[cpu] = alloc_zeroed_xenheap(0);
    if (!host_save_area[cpu] || !host_vmcb[cpu])
        return -ENOMEM;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_maddr(host_save_area[cpu]));
    /* TR, the SYSCALL MSRs and the rest are final by now (syscall_init). */
    vmsave(virt_to_maddr(host_vmcb[cpu]));
    svm_asid_init_cpu(nr_asids);
    printk("hvm: SVM revision %u, %u ASIDs, features %#x:%s%s%s%s\n", a & 0xff,
           nr_asids, svm_features,
           svm_features & SVM_FEATURE_NPT ? " npt" : "",
           svm_features & SVM_FEATURE_NRIPS ? " nrip-save" : "",
           svm_features & SVM_FEATURE_FLUSHBYASID ? " flush-by-asid" : "",
           svm_features & SVM_FEATURE_DECODEASSISTS ? " decode-assists" : "");
    return 0;
}

/* --- per-domain permission maps --- */

/* MSRs whose guest value VMLOAD/VMSAVE switch: the guest may use them. */
static const u32 passthrough_msrs[] = {
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_CS + 1, MSR_IA32_SYSENTER_CS + 2,
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
    MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE,
};

/* Clears both intercept bits of msr (two bits per MSR, three ranges). */
static void msrpm_allow(u8 *msrpm, u32 msr)
{
    u32 base;

    if (msr < 0x2000)
        base = 0;
    else if (msr >= 0xc0000000 && msr < 0xc0002000)
        base = 0x800 * 8;
    else
        base = 0x1000 * 8;
    base += 2 * (msr & 0x1fff);
    msrpm[base / 8] &= ~(3u << (base % 8));
}

static int svm_domain_init(struct domain *d)
{
    struct svm_domain *s = xzalloc(sizeof(*s));

    if (!s)
        return -ENOMEM;
    d->hvm->svm = s;
    s->iopm = alloc_xenheap_pages(IOPM_ORDER);
    s->msrpm = alloc_xenheap_pages(MSRPM_ORDER);
    if (!s->iopm || !s->msrpm)
        return -ENOMEM;
    /* Every port and every MSR exits unless allowed below. */
    memset(s->iopm, 0xff, PAGE_SIZE << IOPM_ORDER);
    memset(s->msrpm, 0xff, PAGE_SIZE << MSRPM_ORDER);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msrpm_allow(s->msrpm, passthrough_msrs[i]);
    return 0;
}

static void svm_domain_destroy(struct domain *d)
{
    struct svm_domain *s = d->hvm->svm;

    if (!s)
        return;
    svm_npt_destroy(d);
    free_xenheap_pages(s->iopm, IOPM_ORDER);
    free_xenheap_pages(s->msrpm, MSRPM_ORDER);
    xfree(s);
    d->hvm->svm = NULL;
}

static int svm_map_memory(struct domain *d)
{
    return svm_npt_build(d);
}

/* --- per-vCPU control block --- */

static void vmcb_init(struct vcpu *v)
{
    struct svm_domain *sd = v->domain->hvm->svm;
    struct vmcb *vmcb = v->hvm->svm->vmcb;

    vmcb->cr_intercepts = CR_INTERCEPT_CR4_WRITE;
    vmcb->exception_intercepts = (1u << TRAP_debug) | (1u << TRAP_alignment_check);
    vmcb->intercepts1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
                        INTERCEPT_INIT | INTERCEPT_RDPMC | INTERCEPT_CPUID |
                        INTERCEPT_RSM | INTERCEPT_INVD | INTERCEPT_HLT |
                        INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT |
                        INTERCEPT_MSR_PROT | INTERCEPT_TASK_SWITCH |
                        INTERCEPT_FERR_FREEZE | INTERCEPT_SHUTDOWN;
    vmcb->intercepts2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
                        INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI |
                        INTERCEPT_SKINIT | INTERCEPT_RDTSCP | INTERCEPT_WBINVD |
                        INTERCEPT_MONITOR | INTERCEPT_MWAIT |
                        INTERCEPT_MWAIT_COND | INTERCEPT_XSETBV |
                        INTERCEPT_RDPRU;
    vmcb->iopm_base_pa = virt_to_maddr(sd->iopm);
    vmcb->msrpm_base_pa = virt_to_maddr(sd->msrpm);
    /* The guest's TSC starts near 0 when it is built. */
    vmcb->tsc_offset = -rdtsc();
    /* Guest IF and CR8 act on virtual interrupts only. */
    vmcb->int_ctl = V_INTR_MASKING;
    vmcb->nested_ctl = NESTED_CTL_NP_ENABLE;
    vmcb->n_cr3 = mfn_to_maddr(sd->npt_root);
    vmcb->g_pat = 0x0007040600070406ull;        /* the PAT's reset value */

    vmcb->efer = EFER_SVME;
    v->hvm->svm->lme_held = false;
    v->hvm->svm->virq_in_flight = false;
    vmcb->cr0 = X86_CR0_ET | X86_CR0_PE;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->rflags = 0x2;
    vmcb->ldtr.attr = SEG_ATTR_LDT;
    vmcb->ldtr.limit = 0xffff;
    vmcb->tr.attr = SEG_ATTR_TSS32;
    vmcb->tr.limit = 0xffff;
    vmcb->gdtr.limit = 0xffff;
    vmcb->idtr.limit = 0xffff;
}

static int svm_vcpu_init(struct vcpu *v)
{
    struct svm_vcpu *s = xzalloc(sizeof(*s));

    if (!s)
        return -ENOMEM;
    v->hvm->svm = s;
    s->vmcb = alloc_zeroed_xenheap(0);
    if (!s->vmcb)
        return -ENOMEM;
    s->vmcb_pa = virt_to_maddr(s->vmcb);
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = v->hvm->svm;

    if (!s)
        return;
    if (s->vmcb)
        free_xenheap_pages(s->vmcb, 0);
    xfree(s);
    v->hvm->svm = NULL;
}

static void set_flat_seg(struct vmcb_seg *s, u16 sel, u16 attr)
{
    s->sel = sel;
    s->attr = attr;
    s->limit = 0xffffffff;
    s->base = 0;
}

/* Multiboot: 32-bit flat protected mode, paging off, interrupts off. */
static void svm_set_boot_state(struct vcpu *v, const struct hvm_boot_state *bs)
{
    struct vmcb *vmcb = v->hvm->svm->vmcb;

    vmcb_init(v);
    set_flat_seg(&vmcb->cs, 0x08, SEG_ATTR_CODE32);
    set_flat_seg(&vmcb->ds, 0x10, SEG_ATTR_DATA32);
    set_flat_seg(&vmcb->es, 0x10, SEG_ATTR_DATA32);
    set_flat_seg(&vmcb->fs, 0x10, SEG_ATTR_DATA32);
    set_flat_seg(&vmcb->gs, 0x10, SEG_ATTR_DATA32);
    set_flat_seg(&vmcb->ss, 0x10, SEG_ATTR_DATA32);
    vmcb->cpl = 0;
    v->hvm->regs.rip = bs->eip;
    v->hvm->regs.rax = bs->eax;
    v->hvm->regs.rbx = bs->ebx;
    v->hvm->regs.rflags = 0x2;
}

/* --- context switch --- */

/*
 * DR6/DR7 live in the VMCB; DR0-3 do not, and hv never uses them (PV
 * guests cannot set them), so they are switched here between guests.
 * The FPU is switched eagerly: the guest uses it without hv knowing.
 */
static void svm_ctxt_switch_from(struct vcpu *v)
{
    struct svm_vcpu *s = v->hvm->svm;

    s->dr[0] = read_dr0();
    s->dr[1] = read_dr1();
    s->dr[2] = read_dr2();
    s->dr[3] = read_dr3();
    fpu_switch_out(v);
}

static void svm_ctxt_switch_to(struct vcpu *v)
{
    struct svm_vcpu *s = v->hvm->svm;

    write_dr0(s->dr[0]);
    write_dr1(s->dr[1]);
    write_dr2(s->dr[2]);
    write_dr3(s->dr[3]);
    /* What a PV vCPU's first FPU instruction would do: load its state. */
    fpu_device_not_available(v);
}

/* --- register and state accessors --- */

static void svm_inject_exception(struct vcpu *v, unsigned int vector,
                                 bool has_ec, u32 ec)
{
    struct vmcb *vmcb = v->hvm->svm->vmcb;

    vmcb->event_inj = EVENT_VALID | EVENT_TYPE_EXCEPTION | vector |
                      (has_ec ? EVENT_ERROR_VALID | ((u64)ec << 32) : 0);
}

static void svm_get_paging(struct vcpu *v, struct hvm_paging *p)
{
    const struct vmcb *vmcb = v->hvm->svm->vmcb;

    p->cr0 = vmcb->cr0;
    p->cr3 = vmcb->cr3;
    p->cr4 = vmcb->cr4;
    p->efer = svm_guest_efer(v);
    p->cs_base = vmcb->cs.base;
    p->cs_long = (vmcb->efer & EFER_LMA) && (vmcb->cs.attr & (1u << 9));
    p->cs_db = vmcb->cs.attr & (1u << 10);
    p->seg_base[0] = vmcb->es.base;
    p->seg_base[1] = vmcb->cs.base;
    p->seg_base[2] = vmcb->ss.base;
    p->seg_base[3] = vmcb->ds.base;
    p->seg_base[4] = vmcb->fs.base;
    p->seg_base[5] = vmcb->gs.base;
    p->cpl = vmcb->cpl;
}

static void svm_set_cr2(struct vcpu *v, u64 cr2)
{
    v->hvm->svm->vmcb->cr2 = cr2;
}

/* PAE decides where the guest's LME lives (efer.c). */
static void svm_set_cr4(struct vcpu *v, u64 cr4)
{
    bool lme = svm_guest_efer(v) & EFER_LME;

    v->hvm->svm->vmcb->cr4 = cr4;
    svm_place_lme(v, lme);
    /* Paging bits may have changed: the guest's TLB goes (a new ASID). */
    v->hvm->svm->asid_generation = 0;
}

static u64 svm_get_efer(struct vcpu *v)
{
    return svm_guest_efer(v);
}

/*
 * EFER as the guest may set it: SCE, LME, NXE (if hv has NX); LMA is the
 * CPU's and SVME stays hidden (always set in the VMCB, as VMRUN needs).
 * LME cannot change while paging is on, and reaches the VMCB only with
 * CR4.PAE set (efer.c).
 */
static int svm_set_efer(struct vcpu *v, u64 efer)
{
    struct vmcb *vmcb = v->hvm->svm->vmcb;
    u64 allowed = EFER_SCE | EFER_LME | EFER_LMA | (cpu_has_nx ? EFER_NXE : 0);

    if (efer & ~allowed)
        return -EINVAL;
    if ((vmcb->cr0 & X86_CR0_PG) && ((efer ^ svm_guest_efer(v)) & EFER_LME))
        return -EINVAL;
    vmcb->efer = (efer & ~(u64)(EFER_LMA | EFER_LME)) | (vmcb->efer & EFER_LMA) |
                 EFER_SVME;
    svm_place_lme(v, efer & EFER_LME);
    return 0;
}

static u64 svm_get_pat(struct vcpu *v)
{
    return v->hvm->svm->vmcb->g_pat;
}

static void svm_set_pat(struct vcpu *v, u64 pat)
{
    v->hvm->svm->vmcb->g_pat = pat;
}

static u64 svm_get_tsc_offset(struct vcpu *v)
{
    return v->hvm->svm->vmcb->tsc_offset;
}

static void svm_set_tsc_offset(struct vcpu *v, u64 offset)
{
    v->hvm->svm->vmcb->tsc_offset = offset;
}

static void svm_dump(struct vcpu *v)
{
    const struct vmcb *vmcb = v->hvm->svm->vmcb;
    const struct hvm_regs *r = &v->hvm->regs;

    printk("hvm: d%u v%u rip %04x:%016lx rsp %016lx rflags %08lx cpl %u\n",
           v->domain->domain_id, v->vcpu_id, vmcb->cs.sel, r->rip, r->rsp,
           r->rflags, vmcb->cpl);
    printk("hvm: cr0 %08lx cr2 %016lx cr3 %016lx cr4 %08lx efer %08lx%s\n",
           vmcb->cr0, vmcb->cr2, vmcb->cr3, vmcb->cr4, svm_guest_efer(v),
           v->hvm->svm->lme_held ? " (LME held out of the VMCB)" : "");
    printk("hvm: rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
           r->rax, r->rbx, r->rcx, r->rdx);
    printk("hvm: rsi %016lx rdi %016lx rbp %016lx; last exit %#lx "
           "(info %#lx %#lx)\n", r->rsi, r->rdi, r->rbp, vmcb->exitcode,
           vmcb->exitinfo1, vmcb->exitinfo2);
}

/* --- the run loop --- */

/* Registers in the VMCB go in before VMRUN and come out after. */
static void sync_to_vmcb(struct vcpu *v)
{
    struct vmcb *vmcb = v->hvm->svm->vmcb;
    const struct hvm_regs *r = &v->hvm->regs;

    /* An emulated instruction ended any STI / MOV SS interrupt shadow. */
    if (vmcb->rip != r->rip)
        vmcb->int_state &= ~(u64)INT_STATE_SHADOW;
    vmcb->rax = r->rax;
    vmcb->rsp = r->rsp;
    vmcb->rip = r->rip;
    vmcb->rflags = r->rflags;
    vmcb->int_ctl = (vmcb->int_ctl & ~(u64)V_TPR_MASK) |
                    ((v->hvm->vlapic.tpr >> 4) & 0xf);
}

static void sync_from_vmcb(struct vcpu *v)
{
    const struct vmcb *vmcb = v->hvm->svm->vmcb;
    struct hvm_regs *r = &v->hvm->regs;
    struct vlapic *l = &v->hvm->vlapic;

    r->rax = vmcb->rax;
    r->rsp = vmcb->rsp;
    r->rip = vmcb->rip;
    r->rflags = vmcb->rflags;
    /* CR8 writes land in V_TPR: TPR[7:4]. */
    l->tpr = ((vmcb->int_ctl & 0xf) << 4) | (l->tpr & 0xf);
}

static void __noreturn svm_resume(void)
{
    struct vcpu *v = current;
    struct svm_vcpu *s = v->hvm->svm;

    for (;;) {
        hvm_prepare_entry();            /* returns with interrupts off */
        sync_to_vmcb(v);
        svm_intr_assist(v);
        svm_asid_handle_vmrun(v);
        svm_vmrun(&v->hvm->regs, s->vmcb_pa, svm_host_vmcb_pa());
        sync_from_vmcb(v);
        svm_vmexit_handler(v);
    }
}

static const struct hvm_arch_ops svm_ops = {
    .name = "SVM",
    .hypercall_insn = { 0x0f, 0x01, 0xd9 },
    .domain_init = svm_domain_init,
    .map_memory = svm_map_memory,
    .p2m_set = svm_npt_set,
    .domain_destroy = svm_domain_destroy,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
    .set_boot_state = svm_set_boot_state,
    .ctxt_switch_from = svm_ctxt_switch_from,
    .ctxt_switch_to = svm_ctxt_switch_to,
    .resume = svm_resume,
    .inject_exception = svm_inject_exception,
    .get_paging = svm_get_paging,
    .set_cr2 = svm_set_cr2,
    .set_cr4 = svm_set_cr4,
    .get_efer = svm_get_efer,
    .set_efer = svm_set_efer,
    .get_pat = svm_get_pat,
    .set_pat = svm_set_pat,
    .get_tsc_offset = svm_get_tsc_offset,
    .set_tsc_offset = svm_set_tsc_offset,
    .dump = svm_dump,
};

const struct hvm_arch_ops *svm_start(void)
{
    if (svm_cpu_up()) {
        printk("hvm: no memory for the SVM host state\n");
        return NULL;
    }
    return &svm_ops;
}
