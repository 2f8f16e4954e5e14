/*
 * The VMCS of a vCPU: controls, the guest's boot state and hv's host
 * state, and the per-domain MSR bitmap.  Also the CR0/CR4 split between
 * what the guest sees (read shadows) and what the CPU runs with (VMX
 * forces CR0.NE and CR4.VMXE, and unrestricted guest lifts CR0.PE/PG).
 */
#include <hv/hvm.h>
#include <hv/hvm_io.h>
#include <hv/processor.h>
#include <hv/percpu.h>
#include <hv/desc.h>
#include <hv/traps.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include "vmx.h"

extern char vmx_exit_point[];

/* MSRs whose guest value VMX switches (VMCS fields or the MSR areas):
 * the guest may use them without exits. */
static const u32 passthrough_msrs[] = {
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_CS + 1, MSR_IA32_SYSENTER_CS + 2,
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
    MSR_FS_BASE, MSR_GS_BASE, MSR_SHADOW_GS_BASE,
};

/* Switched through the MSR areas (VMX has no VMCS fields for them). */
static const u32 switched_msrs[VMX_NR_SWITCHED_MSRS] = {
    MSR_SHADOW_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
};

/* Per CPU: hv's values of the switched MSRs (the VM-exit load area) and
 * its descriptor tables, whose limits VM exit does not restore. */
static struct vmx_msr_entry *host_msrs[NR_CPUS];
static struct desc_ptr host_gdtr[NR_CPUS], host_idtr[NR_CPUS];

/* CR0 bits hv owns: the guest's view of them is the read shadow. */
#define CR0_HOST_OWNED  (X86_CR0_PE | X86_CR0_PG | X86_CR0_NE)

/* One bit per MSR and direction: reads 0-0x1fff, 0xc0000000-0xc0001fff,
 * then writes likewise, 1 KiB each. */
static void msr_bitmap_allow(u8 *bitmap, u32 msr)
{
    unsigned int base = (msr >= 0xc0000000 ? 1024 : 0), bit = msr & 0x1fff;

    bitmap[base + bit / 8] &= ~(1u << (bit % 8));
    bitmap[2048 + base + bit / 8] &= ~(1u << (bit % 8));
}

int vmx_domain_bitmaps_init(struct vmx_domain *d)
{
    d->msr_bitmap = alloc_xenheap_pages(0);
    if (!d->msr_bitmap)
        return -ENOMEM;
    /* Every MSR exits unless allowed below. */
    memset(d->msr_bitmap, 0xff, PAGE_SIZE);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msr_bitmap_allow(d->msr_bitmap, passthrough_msrs[i]);
    return 0;
}

/* --- CR0 / CR4 --- */

/* PAE paging outside long mode: the CPU takes the four PDPTEs from the
 * VMCS at entry, so they are read here whenever hv changes paging. */
void vmx_load_pdptes(struct vcpu *v)
{
    const struct vmx_vcpu *s = v->hvm->vmx;
    u64 pdpte[4] = { 0 };

    if (!(vmx_guest_cr0() & X86_CR0_PG) || !(s->cr4_shadow & X86_CR4_PAE) ||
        (vmread(GUEST_IA32_EFER) & EFER_LMA))
        return;
    if (hvm_copy_from_gphys(v->domain, pdpte, vmread(GUEST_CR3) & ~0x1full,
                            sizeof(pdpte)))
        memset(pdpte, 0, sizeof(pdpte));
    for (unsigned int i = 0; i < 4; i++)
        vmwrite(GUEST_PDPTE0 + 2 * i, pdpte[i]);
}

void vmx_write_cr0(struct vcpu *v, u64 cr0)
{
    const struct vmx_caps *c = &vmx_caps;
    u64 fixed0 = c->cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

    v->hvm->vmx->cr0_shadow = cr0;
    vmwrite(CR0_READ_SHADOW, cr0);
    vmwrite(GUEST_CR0, (cr0 | fixed0) & c->cr0_fixed1);
    vmx_load_pdptes(v);
}

void vmx_write_cr4(struct vcpu *v, u64 cr4)
{
    const struct vmx_caps *c = &vmx_caps;

    v->hvm->vmx->cr4_shadow = cr4;
    vmwrite(CR4_READ_SHADOW, cr4);
    vmwrite(GUEST_CR4, (cr4 | c->cr4_fixed0) & c->cr4_fixed1);
    vmx_load_pdptes(v);
}

/* --- host state --- */

/* Boot of a CPU: hv's values of the switched MSRs are final by now
 * (syscall_init). */
int vmx_host_msrs_init_cpu(void)
{
    unsigned int cpu = smp_processor_id();
    struct vmx_msr_entry *m = alloc_xenheap_pages(0);

    if (!m)
        return -ENOMEM;
    for (unsigned int i = 0; i < VMX_NR_SWITCHED_MSRS; i++) {
        m[i].index = switched_msrs[i];
        m[i].reserved = 0;
        m[i].value = rdmsr(switched_msrs[i]);
    }
    host_msrs[cpu] = m;
    return 0;
}

void vmx_vmcs_refresh_host(void)
{
    unsigned int cpu = smp_processor_id();
    u16 tr;

    asm volatile("sgdt %0" : "=m"(host_gdtr[cpu]));
    asm volatile("sidt %0" : "=m"(host_idtr[cpu]));
    asm volatile("str %0" : "=r"(tr));
    vmwrite(HOST_CR0, read_cr0());
    vmwrite(HOST_CR3, read_cr3());
    vmwrite(HOST_CR4, read_cr4());
    vmwrite(HOST_CS_SELECTOR, HV_CS);
    vmwrite(HOST_SS_SELECTOR, HV_DS);
    vmwrite(HOST_DS_SELECTOR, HV_DS);
    vmwrite(HOST_ES_SELECTOR, HV_DS);
    vmwrite(HOST_FS_SELECTOR, 0);
    vmwrite(HOST_GS_SELECTOR, 0);
    vmwrite(HOST_TR_SELECTOR, tr);
    vmwrite(HOST_FS_BASE, 0);
    vmwrite(HOST_GS_BASE, 0);
    vmwrite(HOST_TR_BASE, (unsigned long)&per_cpu_tss[cpu].tss);
    vmwrite(HOST_GDTR_BASE, host_gdtr[cpu].base);
    vmwrite(HOST_IDTR_BASE, host_idtr[cpu].base);
    vmwrite(HOST_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
    vmwrite(HOST_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_CS + 1));
    vmwrite(HOST_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_CS + 2));
    vmwrite(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
    vmwrite(HOST_IA32_EFER, rdmsr(MSR_EFER));
    vmwrite(HOST_RIP, (unsigned long)vmx_exit_point);
    vmwrite(VM_EXIT_MSR_LOAD_ADDR, virt_to_maddr(host_msrs[cpu]));
    vmwrite(VM_EXIT_MSR_LOAD_COUNT, VMX_NR_SWITCHED_MSRS);
}

void vmx_restore_host_tables(void)
{
    unsigned int cpu = smp_processor_id();

    lgdt(&host_gdtr[cpu]);
    lidt(&host_idtr[cpu]);
}

/* --- guest state --- */

static void set_seg(enum vmx_seg seg, u16 sel, u64 base, u32 limit, u32 ar)
{
    vmwrite(GUEST_ES_SELECTOR + 2 * seg, sel);
    vmwrite(GUEST_ES_BASE + 2 * seg, base);
    vmwrite(GUEST_ES_LIMIT + 2 * seg, limit);
    vmwrite(GUEST_ES_AR + 2 * seg, ar);
}

u64 vmx_eptp(const struct vmx_domain *d)
{
    /* Write-back paging structures, a 4-level walk. */
    return mfn_to_maddr(d->ept_root) | 6 | (3 << 3);
}

/*
 * The multiboot / bzImage entry state: 32-bit flat protected mode,
 * paging and interrupts off (the same as the SVM backend gives).
 */
void vmx_vmcs_init(struct vcpu *v, const struct hvm_boot_state *bs)
{
    const struct vmx_caps *c = &vmx_caps;
    struct vmx_vcpu *s = v->hvm->vmx;
    struct vmx_domain *d = v->domain->hvm->vmx;

    vmwrite(PIN_BASED_CONTROLS, c->pin);
    vmwrite(CPU_BASED_CONTROLS, c->cpu);
    vmwrite(SECONDARY_CONTROLS, c->cpu2);
    vmwrite(VM_EXIT_CONTROLS, c->exit);
    vmwrite(VM_ENTRY_CONTROLS, c->entry);
    /* #UD for VMMCALL (AMD's hypercall), #DB and #AC so a guest cannot
     * wedge the CPU delivering them forever. */
    vmwrite(EXCEPTION_BITMAP, (1u << TRAP_invalid_op) | (1u << TRAP_debug) |
                              (1u << TRAP_alignment_check));
    vmwrite(CR3_TARGET_COUNT, 0);
    vmwrite(MSR_BITMAP, virt_to_maddr(d->msr_bitmap));
    vmwrite(EPT_POINTER, vmx_eptp(d));
    /* The guest's TSC starts near 0 when it is built. */
    vmwrite(TSC_OFFSET, -rdtsc());
    vmwrite(VMCS_LINK_POINTER, ~0ull);
    vmwrite(VM_ENTRY_INTR_INFO, 0);

    for (unsigned int i = 0; i < VMX_NR_SWITCHED_MSRS; i++) {
        s->guest_msrs[i].index = switched_msrs[i];
        s->guest_msrs[i].value = 0;
    }
    vmwrite(VM_ENTRY_MSR_LOAD_ADDR, virt_to_maddr(s->guest_msrs));
    vmwrite(VM_ENTRY_MSR_LOAD_COUNT, VMX_NR_SWITCHED_MSRS);
    vmwrite(VM_EXIT_MSR_STORE_ADDR, virt_to_maddr(s->guest_msrs));
    vmwrite(VM_EXIT_MSR_STORE_COUNT, VMX_NR_SWITCHED_MSRS);

    /* CR4 is the guest's only through the shadow: every write exits. */
    vmwrite(CR0_GUEST_HOST_MASK, CR0_HOST_OWNED | c->cr0_fixed0 | ~c->cr0_fixed1);
    vmwrite(CR4_GUEST_HOST_MASK, ~0ull);
    vmwrite(GUEST_CR3, 0);
    vmwrite(GUEST_IA32_EFER, 0);
    vmx_write_cr4(v, 0);
    vmx_write_cr0(v, X86_CR0_ET | X86_CR0_PE);

    set_seg(SEG_CS, 0x08, 0, 0xffffffff, AR_CODE32);
    set_seg(SEG_DS, 0x10, 0, 0xffffffff, AR_DATA32);
    set_seg(SEG_ES, 0x10, 0, 0xffffffff, AR_DATA32);
    set_seg(SEG_FS, 0x10, 0, 0xffffffff, AR_DATA32);
    set_seg(SEG_GS, 0x10, 0, 0xffffffff, AR_DATA32);
    set_seg(SEG_SS, 0x10, 0, 0xffffffff, AR_DATA32);
    set_seg(SEG_LDTR, 0, 0, 0xffff, AR_UNUSABLE);
    set_seg(SEG_TR, 0, 0, 0xffff, AR_TSS_BUSY);
    vmwrite(GUEST_GDTR_BASE, 0);
    vmwrite(GUEST_GDTR_LIMIT, 0xffff);
    vmwrite(GUEST_IDTR_BASE, 0);
    vmwrite(GUEST_IDTR_LIMIT, 0xffff);

    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_IA32_DEBUGCTL, 0);
    vmwrite(GUEST_IA32_PAT, 0x0007040600070406ull);     /* the reset value */
    vmwrite(GUEST_SYSENTER_CS, 0);
    vmwrite(GUEST_SYSENTER_ESP, 0);
    vmwrite(GUEST_SYSENTER_EIP, 0);
    vmwrite(GUEST_RSP, 0);
    vmwrite(GUEST_RIP, bs->eip);
    vmwrite(GUEST_RFLAGS, 0x2);
    vmwrite(GUEST_INTERRUPTIBILITY, 0);
    vmwrite(GUEST_ACTIVITY_STATE, 0);
    vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
}
