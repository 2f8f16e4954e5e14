/*
 * Intel VMX backend: turning VMX on (VMXON) and choosing the controls
 * guests run with, the VMCS of each vCPU, context switches, the run loop
 * and the state accessors of struct hvm_arch_ops.
 *
 * World switch: VM entry loads the guest state of the VMCS (segments,
 * CR0/3/4, DR7, RSP, RIP, RFLAGS, EFER, PAT, SYSENTER MSRs) and VM exit
 * loads hv's host state.  What VMX does not switch is switched here: the
 * general registers (entry.S), CR2, DR0-3/DR6, the FPU, the GDTR/IDTR
 * limits (VM exit sets them to 0xffff) and, through the VM-entry load /
 * VM-exit store and load MSR areas, KernelGSBase and the SYSCALL MSRs.
 * docs/hvm.md lists what exits.
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
#include "vmx.h"

BUILD_BUG_ON(offsetof(struct hvm_regs, rax) != 0);

struct vmx_caps vmx_caps;

static void *vmxon_region[NR_CPUS];
/* The VMCS the CPU has loaded (VMPTRLD), 0 if none. */
static paddr_t current_vmcs[NR_CPUS];

static void *alloc_zeroed_xenheap(unsigned int order)
{
    void *p = alloc_xenheap_pages(order);

    if (p)
        memset(p, 0, PAGE_SIZE << order);
    return p;
}

static int vmxon(paddr_t pa)
{
    bool fail;

    asm volatile("vmxon %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
    return fail ? -1 : 0;
}

/*
 * A control word: the bits hv wants, plus those the CPU forces to 1,
 * minus those it cannot set.  -1 if a bit hv needs cannot be set.
 */
static int adjust_controls(u32 msr, u32 want, u32 need, u32 *out)
{
    u64 caps = rdmsr(msr);
    u32 ctl = (want | (u32)caps) & (u32)(caps >> 32);

    *out = ctl;
    return (ctl & need) == need ? 0 : -1;
}

/* The controls every VMCS gets; NULL or why VMX cannot run guests. */
static const char *vmx_choose_controls(void)
{
    struct vmx_caps *c = &vmx_caps;
    u64 basic = rdmsr(MSR_IA32_VMX_BASIC);
    bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
    u32 cpu_want, cpu2_want, cpu2_need;

    c->revision = basic & 0x7fffffff;
    c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

    if (adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED : MSR_IA32_VMX_PINBASED_CTLS,
                        PIN_EXT_INTR_EXITING | PIN_NMI_EXITING,
                        PIN_EXT_INTR_EXITING | PIN_NMI_EXITING, &c->pin))
        return "no external-interrupt or NMI exiting";
    cpu_want = CPU_HLT_EXITING | CPU_USE_TSC_OFFSETTING | CPU_RDPMC_EXITING |
               CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING |
               CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |
               CPU_MWAIT_EXITING | CPU_MONITOR_EXITING | CPU_SECONDARY_CONTROLS;
    if (adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED : MSR_IA32_VMX_PROCBASED_CTLS,
                        cpu_want, cpu_want, &c->cpu))
        return "missing processor-based controls";
    c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    c->vpid = (c->ept_vpid & VPID_CAP_INVVPID) &&
              (c->ept_vpid & VPID_CAP_INVVPID_SINGLE) &&
              (c->ept_vpid & VPID_CAP_INVVPID_ALL);
    cpu2_need = CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST;
    cpu2_want = cpu2_need | (c->vpid ? CPU2_ENABLE_VPID : 0);
    if (adjust_controls(MSR_IA32_VMX_PROCBASED_CTLS2, cpu2_want, cpu2_need, &c->cpu2))
        return "no EPT or no unrestricted guest";
    c->vpid = c->cpu2 & CPU2_ENABLE_VPID;
    if (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB) ||
        !(c->ept_vpid & EPT_CAP_INVEPT) ||
        !(c->ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)))
        return "EPT without 4-level tables, write-back memory or INVEPT";

    if (adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_EXIT : MSR_IA32_VMX_EXIT_CTLS,
                        EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_PAT |
                        EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_EFER |
                        EXIT_LOAD_IA32_EFER | EXIT_SAVE_DEBUG_CONTROLS,
                        EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_PAT |
                        EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_EFER |
                        EXIT_LOAD_IA32_EFER, &c->exit))
        return "VM exits cannot switch PAT and EFER";
    if (adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY : MSR_IA32_VMX_ENTRY_CTLS,
                        ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER |
                        ENTRY_LOAD_DEBUG_CONTROLS,
                        ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER, &c->entry))
        return "VM entries cannot load PAT and EFER";
    if (!((rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY : MSR_IA32_VMX_ENTRY_CTLS) >> 32) &
          ENTRY_IA32E_MODE))
        return "no IA-32e mode guests";
    c->entry &= ~ENTRY_IA32E_MODE;
    return NULL;
}

/* This CPU: IA32_FEATURE_CONTROL, CR4.VMXE, VMXON. */
static const char *vmx_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();
    u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    const char *why = vmx_choose_controls();

    if (why)
        return why;
    /* Unlocked (cpu.c refused locked-off): allow VMXON and lock. */
    if (!(fc & FEATURE_CONTROL_LOCKED))
        wrmsr(MSR_IA32_FEATURE_CONTROL,
              fc | FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON);
    if ((read_cr0() & vmx_caps.cr0_fixed0) != vmx_caps.cr0_fixed0)
        return "hv's CR0 does not suit VMX operation";
    vmxon_region[cpu] = alloc_zeroed_xenheap(0);
    if (!vmxon_region[cpu] || vmx_host_msrs_init_cpu())
        return "no memory for the VMXON region and host MSR area";
    *(u32 *)vmxon_region[cpu] = vmx_caps.revision;
    write_cr4(read_cr4() | X86_CR4_VMXE);
    if (vmxon(virt_to_maddr(vmxon_region[cpu]))) {
        write_cr4(read_cr4() & ~X86_CR4_VMXE);
        return "VMXON failed";
    }
    vmx_vpid_init_cpu();
    printk("hvm: VMX revision %#x, controls pin %#x cpu %#x cpu2 %#x exit %#x "
           "entry %#x:%s ept unrestricted-guest%s\n", vmx_caps.revision,
           vmx_caps.pin, vmx_caps.cpu, vmx_caps.cpu2, vmx_caps.exit,
           vmx_caps.entry, vmx_caps.vpid ? " vpid" : "",
           vmx_caps.ept_vpid & EPT_CAP_2MB ? " ept-2mb" : "");
    return NULL;
}

/* --- the current VMCS --- */

void vmx_vmcs_load(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    paddr_t pa = v->hvm->vmx->vmcs_pa;

    if (current_vmcs[cpu] == pa)
        return;
    if (vmptrld(pa))
        panic("hvm: VMPTRLD of d%u v%u's VMCS failed", v->domain->domain_id,
              v->vcpu_id);
    current_vmcs[cpu] = pa;
}

/* VMCLEAR: the CPU writes back and forgets v's VMCS; the next entry is a
 * VMLAUNCH. */
static void vmx_vmcs_clear(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();
    struct vmx_vcpu *s = v->hvm->vmx;

    vmclear(s->vmcs_pa);
    if (current_vmcs[cpu] == s->vmcs_pa)
        current_vmcs[cpu] = 0;
    s->launched = false;
}

/* --- domains and vCPUs --- */

static int vmx_domain_init(struct domain *d)
{
    struct vmx_domain *s = xzalloc(sizeof(*s));

    if (!s)
        return -ENOMEM;
    d->hvm->vmx = s;
    return vmx_domain_bitmaps_init(s);
}

static void vmx_domain_destroy(struct domain *d)
{
    struct vmx_domain *s = d->hvm->vmx;

    if (!s)
        return;
    vmx_ept_destroy(d);
    if (s->msr_bitmap)
        free_xenheap_pages(s->msr_bitmap, 0);
    xfree(s);
    d->hvm->vmx = NULL;
}

static int vmx_map_memory(struct domain *d)
{
    return vmx_ept_build(d);
}

static int vmx_vcpu_init(struct vcpu *v)
{
    struct vmx_vcpu *s = xzalloc(sizeof(*s));

    if (!s)
        return -ENOMEM;
    v->hvm->vmx = s;
    s->vmcs = alloc_zeroed_xenheap(0);
    s->guest_msrs = alloc_zeroed_xenheap(0);
    if (!s->vmcs || !s->guest_msrs)
        return -ENOMEM;
    *(u32 *)s->vmcs = vmx_caps.revision;
    s->vmcs_pa = virt_to_maddr(s->vmcs);
    s->dr6 = 0xffff0ff0;
    return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = v->hvm->vmx;

    if (!s)
        return;
    if (s->vmcs) {
        /* The CPU may hold parts of an active VMCS: write them back first. */
        vmx_vmcs_clear(v);
        free_xenheap_pages(s->vmcs, 0);
    }
    if (s->guest_msrs)
        free_xenheap_pages(s->guest_msrs, 0);
    xfree(s);
    v->hvm->vmx = NULL;
}

static void vmx_set_boot_state(struct vcpu *v, const struct hvm_boot_state *bs)
{
    vmx_vmcs_clear(v);
    vmx_vmcs_load(v);
    vmx_vmcs_init(v, bs);
    v->hvm->regs.rip = bs->eip;
    v->hvm->regs.rax = bs->eax;
    v->hvm->regs.rbx = bs->ebx;
    v->hvm->regs.rflags = 0x2;
}

/* --- context switch --- */

/*
 * DR7 is in the VMCS; DR0-3 and DR6 are not, and hv never uses them (PV
 * guests cannot set them), so they are switched here between guests.
 * The FPU is switched eagerly: the guest uses it without hv knowing.
 */
static void vmx_ctxt_switch_from(struct vcpu *v)
{
    struct vmx_vcpu *s = v->hvm->vmx;

    s->dr[0] = read_dr0();
    s->dr[1] = read_dr1();
    s->dr[2] = read_dr2();
    s->dr[3] = read_dr3();
    s->dr6 = read_dr6();
    fpu_switch_out(v);
}

static void vmx_ctxt_switch_to(struct vcpu *v)
{
    struct vmx_vcpu *s = v->hvm->vmx;

    write_dr0(s->dr[0]);
    write_dr1(s->dr[1]);
    write_dr2(s->dr[2]);
    write_dr3(s->dr[3]);
    write_dr6(s->dr6);
    fpu_device_not_available(v);
}

/* --- register and state accessors (each makes v's VMCS current) --- */

u64 vmx_guest_cr0(void)
{
    u64 mask = vmread(CR0_GUEST_HOST_MASK);

    return (vmread(GUEST_CR0) & ~mask) | (vmread(CR0_READ_SHADOW) & mask);
}

static void vmx_inject_exception(struct vcpu *v, unsigned int vector,
                                 bool has_ec, u32 ec)
{
    vmx_vmcs_load(v);
    /* Real mode delivers no error codes. */
    if (!(vmx_guest_cr0() & X86_CR0_PE))
        has_ec = false;
    vmwrite(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector |
                                (has_ec ? INTR_INFO_ERROR_VALID : 0));
    if (has_ec)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, ec);
}

static void vmx_get_paging(struct vcpu *v, struct hvm_paging *p)
{
    u32 cs_ar;

    vmx_vmcs_load(v);
    cs_ar = vmread(GUEST_ES_AR + 2 * SEG_CS);
    p->cr0 = vmx_guest_cr0();
    p->cr3 = vmread(GUEST_CR3);
    p->cr4 = v->hvm->vmx->cr4_shadow;
    p->efer = vmread(GUEST_IA32_EFER);
    p->cs_base = vmread(GUEST_ES_BASE + 2 * SEG_CS);
    p->cs_long = (p->efer & EFER_LMA) && (cs_ar & AR_L);
    p->cs_db = cs_ar & AR_DB;
    for (unsigned int seg = SEG_ES; seg <= SEG_GS; seg++)
        p->seg_base[seg] = vmread(GUEST_ES_BASE + 2 * seg);
    p->cpl = (vmread(GUEST_ES_AR + 2 * SEG_SS) >> 5) & 3;
}

static void vmx_set_cr2(struct vcpu *v, u64 cr2)
{
    v->hvm->vmx->cr2 = cr2;
}

static void vmx_set_cr4(struct vcpu *v, u64 cr4)
{
    vmx_vmcs_load(v);
    vmx_write_cr4(v, cr4);
    vmx_flush_guest_tlb(v);
}

static u64 vmx_get_efer(struct vcpu *v)
{
    vmx_vmcs_load(v);
    return vmread(GUEST_IA32_EFER);
}

/*
 * EFER as the guest may set it: SCE, LME, NXE (if hv has NX); LMA is the
 * CPU's (set when the guest turns paging on with LME, exit.c).  LME
 * cannot change while paging is on.
 */
static int vmx_set_efer(struct vcpu *v, u64 efer)
{
    u64 allowed = EFER_SCE | EFER_LME | EFER_LMA | (cpu_has_nx ? EFER_NXE : 0);
    u64 old;

    vmx_vmcs_load(v);
    old = vmread(GUEST_IA32_EFER);
    if (efer & ~allowed)
        return -EINVAL;
    if ((vmx_guest_cr0() & X86_CR0_PG) && ((efer ^ old) & EFER_LME))
        return -EINVAL;
    vmwrite(GUEST_IA32_EFER, (efer & ~(u64)EFER_LMA) | (old & EFER_LMA));
    return 0;
}

static u64 vmx_get_pat(struct vcpu *v)
{
    vmx_vmcs_load(v);
    return vmread(GUEST_IA32_PAT);
}

static void vmx_set_pat(struct vcpu *v, u64 pat)
{
    vmx_vmcs_load(v);
    vmwrite(GUEST_IA32_PAT, pat);
}

static u64 vmx_get_tsc_offset(struct vcpu *v)
{
    vmx_vmcs_load(v);
    return vmread(TSC_OFFSET);
}

static void vmx_set_tsc_offset(struct vcpu *v, u64 offset)
{
    vmx_vmcs_load(v);
    vmwrite(TSC_OFFSET, offset);
}

static void vmx_dump(struct vcpu *v)
{
    const struct vmx_vcpu *s = v->hvm->vmx;
    const struct hvm_regs *r = &v->hvm->regs;

    vmx_vmcs_load(v);
    printk("hvm: d%u v%u rip %04lx:%016lx rsp %016lx rflags %08lx cs ar %#lx\n",
           v->domain->domain_id, v->vcpu_id,
           (unsigned long)vmread(GUEST_ES_SELECTOR + 2 * SEG_CS), r->rip, r->rsp,
           r->rflags, (unsigned long)vmread(GUEST_ES_AR + 2 * SEG_CS));
    printk("hvm: cr0 %08lx cr2 %016lx cr3 %016lx cr4 %08lx efer %08lx\n",
           (unsigned long)vmx_guest_cr0(), s->cr2,
           (unsigned long)vmread(GUEST_CR3), s->cr4_shadow,
           (unsigned long)vmread(GUEST_IA32_EFER));
    printk("hvm: rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
           r->rax, r->rbx, r->rcx, r->rdx);
    printk("hvm: rsi %016lx rdi %016lx rbp %016lx; last exit %u "
           "(qualification %#lx, guest-physical %#lx)\n", r->rsi, r->rdi, r->rbp,
           s->exit_reason, s->exit_qualification,
           (unsigned long)vmread(GUEST_PHYSICAL_ADDRESS));
}

/* --- the run loop --- */

/* RSP, RIP and RFLAGS live in the VMCS. */
static void sync_to_vmcs(struct vcpu *v)
{
    const struct hvm_regs *r = &v->hvm->regs;

    /* An emulated instruction ended any STI / MOV SS interrupt shadow. */
    if (vmread(GUEST_RIP) != r->rip)
        vmwrite(GUEST_INTERRUPTIBILITY, vmread(GUEST_INTERRUPTIBILITY) &
                                        ~(u64)(INTR_BLOCK_STI | INTR_BLOCK_MOV_SS));
    vmwrite(GUEST_RSP, r->rsp);
    vmwrite(GUEST_RIP, r->rip);
    vmwrite(GUEST_RFLAGS, r->rflags);
}

static void sync_from_vmcs(struct vcpu *v)
{
    struct hvm_regs *r = &v->hvm->regs;

    r->rsp = vmread(GUEST_RSP);
    r->rip = vmread(GUEST_RIP);
    r->rflags = vmread(GUEST_RFLAGS);
}

static void entry_failed(struct vcpu *v)
{
    char why[96];

    hvm_count_exit(v, HVM_EXIT_OTHER);
    snprintf(why, sizeof(why), "VM%s failed (VM-instruction error %lu)",
             v->hvm->vmx->launched ? "RESUME" : "LAUNCH",
             (unsigned long)vmread(VM_INSTRUCTION_ERROR));
    domain_crash(v->domain, why);
}

static void __noreturn vmx_resume(void)
{
    struct vcpu *v = current;
    struct vmx_vcpu *s = v->hvm->vmx;

    for (;;) {
        hvm_prepare_entry();            /* returns with interrupts off */
        vmx_vmcs_load(v);
        sync_to_vmcs(v);
        vmx_intr_assist(v);
        vmx_vpid_handle_entry(v);
        vmx_vmcs_refresh_host();
        write_cr2(s->cr2);
        if (vmx_enter(&v->hvm->regs, s->launched)) {
            local_irq_enable();
            entry_failed(v);
            continue;
        }
        s->cr2 = read_cr2();
        vmx_restore_host_tables();
        s->launched = true;
        sync_from_vmcs(v);
        local_irq_enable();
        vmx_vmexit_handler(v);
    }
}

static const struct hvm_arch_ops vmx_ops = {
    .name = "VMX",
    .hypercall_insn = { 0x0f, 0x01, 0xc1 },
    .domain_init = vmx_domain_init,
    .map_memory = vmx_map_memory,
    .p2m_set = vmx_ept_set,
    .domain_destroy = vmx_domain_destroy,
    .vcpu_init = vmx_vcpu_init,
    .vcpu_destroy = vmx_vcpu_destroy,
    .set_boot_state = vmx_set_boot_state,
    .ctxt_switch_from = vmx_ctxt_switch_from,
    .ctxt_switch_to = vmx_ctxt_switch_to,
    .resume = vmx_resume,
    .inject_exception = vmx_inject_exception,
    .get_paging = vmx_get_paging,
    .set_cr2 = vmx_set_cr2,
    .set_cr4 = vmx_set_cr4,
    .get_efer = vmx_get_efer,
    .set_efer = vmx_set_efer,
    .get_pat = vmx_get_pat,
    .set_pat = vmx_set_pat,
    .get_tsc_offset = vmx_get_tsc_offset,
    .set_tsc_offset = vmx_set_tsc_offset,
    .dump = vmx_dump,
};

const struct hvm_arch_ops *vmx_start(void)
{
    const char *why = vmx_cpu_up();

    if (why) {
        printk("hvm: VMX cannot run guests here: %s\n", why);
        return NULL;
    }
    return &vmx_ops;
}
