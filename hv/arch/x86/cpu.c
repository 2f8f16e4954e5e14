/* CPU identification and control-register setup. */
#include <hv/cpufeature.h>
#include <hv/processor.h>
#include <hv/mapping.h>
#include <hv/lib.h>

struct cpuinfo_x86 boot_cpu_data;
__hot_data bool smap_active;

#define BIT(n) (1u << (n))

static void detect_svm(struct cpuinfo_x86 *c, u32 ext_ecx)
{
    u32 a, b, cx, d;
    u64 vm_cr;

    if (!(ext_ecx & BIT(2)) || c->max_ext_leaf < 0x8000000a)
        return;
    if (!rdmsr_safe(MSR_K8_VM_CR, &vm_cr) && (vm_cr & VM_CR_SVMDIS)) {
        printk("hvm: SVM disabled by firmware (VM_CR.SVMDIS)\n");
        return;
    }
    cpuid(0x8000000a, &a, &b, &cx, &d);
    c->svm = true;
    c->npt = d & BIT(0);
}

static void detect_vmx(struct cpuinfo_x86 *c, u32 ecx1)
{
    u64 fc, procbased;

    if (!(ecx1 & BIT(5)))
        return;
    /* Locked with VMX-outside-SMX off means the firmware forbids VMX. */
    if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc) && (fc & 1) && !(fc & BIT(2))) {
        printk("hvm: VMX disabled by firmware (IA32_FEATURE_CONTROL)\n");
        return;
    }
    c->vmx = true;
    /* EPT: secondary controls allowed, and their EPT bit allowed-1. */
    if (!rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS, &procbased) &&
        (procbased >> 32) & BIT(31)) {
        u64 ctls2;

        if (!rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &ctls2))
            c->ept = (ctls2 >> 32) & BIT(1);
    }
}

void cpu_identify(void)
{
    struct cpuinfo_x86 *c = &boot_cpu_data;
    u32 a, b, cx, d, ext_ecx = 0, ext_edx = 0, ecx1, edx1, ebx7 = 0;

    cpuid(0, &c->max_leaf, &b, &cx, &d);
    memcpy(c->vendor_id, &b, 4);
    memcpy(c->vendor_id + 4, &d, 4);
    memcpy(c->vendor_id + 8, &cx, 4);
    c->vendor_id[12] = '\0';
    if (!strcmp(c->vendor_id, "GenuineIntel"))
        c->vendor = X86_VENDOR_INTEL;
    else if (!strcmp(c->vendor_id, "AuthenticAMD") || !strcmp(c->vendor_id, "HygonGenuine"))
        c->vendor = X86_VENDOR_AMD;

    cpuid(1, &a, &b, &ecx1, &edx1);
    c->family = (a >> 8) & 0xf;
    c->model = (a >> 4) & 0xf;
    c->stepping = a & 0xf;
    if (c->family == 0xf)
        c->family += (a >> 20) & 0xff;
    if (c->family >= 6)
        c->model += ((a >> 16) & 0xf) << 4;
    c->pge = edx1 & BIT(13);
    c->pat = edx1 & BIT(16);
    c->apic = edx1 & BIT(9);
    c->x2apic = ecx1 & BIT(21);
    c->tsc_deadline = ecx1 & BIT(24);
    c->hypervisor = ecx1 & BIT(31);

    if (c->max_leaf >= 7) {
        cpuid_count(7, 0, &a, &ebx7, &cx, &d);
        c->fsgsbase = ebx7 & BIT(0);
        c->smep = ebx7 & BIT(7);
        c->smap = ebx7 & BIT(20);
    }

    cpuid(0x80000000, &c->max_ext_leaf, &b, &cx, &d);
    if (c->max_ext_leaf >= 0x80000001) {
        cpuid(0x80000001, &a, &b, &ext_ecx, &ext_edx);
        c->nx = ext_edx & BIT(20);
        c->pdpe1gb = ext_edx & BIT(26);
    }
    if (c->max_ext_leaf >= 0x80000004) {
        u32 *p = (u32 *)c->brand;

        for (u32 leaf = 0x80000002; leaf <= 0x80000004; leaf++, p += 4)
            cpuid(leaf, &p[0], &p[1], &p[2], &p[3]);
        c->brand[48] = '\0';
    }
    if (c->max_ext_leaf >= 0x80000007) {
        cpuid(0x80000007, &a, &b, &cx, &d);
        c->invariant_tsc = d & BIT(8);
    }
    c->phys_addr_bits = 36;
    c->virt_addr_bits = 48;
    if (c->max_ext_leaf >= 0x80000008) {
        cpuid(0x80000008, &a, &b, &cx, &d);
        c->phys_addr_bits = a & 0xff;
        c->virt_addr_bits = (a >> 8) & 0xff;
    }

    detect_svm(c, ext_ecx);
    detect_vmx(c, ecx1);

    printk("cpu: %s family %#x model %#x stepping %u \"%s\"\n",
           c->vendor_id, c->family, c->model, c->stepping, c->brand);
    printk("cpu: %u-bit physical, %u-bit virtual addresses; features:%s%s%s%s%s%s%s%s\n",
           c->phys_addr_bits, c->virt_addr_bits,
           c->nx ? " nx" : "", c->pdpe1gb ? " page1gb" : "",
           c->smep ? " smep" : "", c->smap ? " smap" : "",
           c->fsgsbase ? " fsgsbase" : "", c->tsc_deadline ? " tsc-deadline" : "",
           c->invariant_tsc ? " invariant-tsc" : "", c->hypervisor ? " hypervisor" : "");
    if (c->svm)
        printk("hvm: SVM %s NPT available\n", c->npt ? "with" : "without");
    if (c->vmx)
        printk("hvm: VMX %s EPT available\n", c->ept ? "with" : "without");
    if (!c->svm && !c->vmx)
        printk("hvm: no SVM/VMX: HVM guests disabled\n");
}

void cpu_init(void)
{
    const struct cpuinfo_x86 *c = &boot_cpu_data;
    unsigned long cr4 = read_cr4();
    u64 efer = rdmsr(MSR_EFER);

    if (!c->pge || !c->pat)
        panic("cpu: hv needs global pages and PAT");
    efer |= EFER_SCE;
    if (c->nx)
        efer |= EFER_NXE;
    wrmsr(MSR_EFER, efer);
    wrmsr(MSR_IA32_PAT, HV_MSR_PAT);

    write_cr0(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
              X86_CR0_PG);
    cr4 |= X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    if (c->smep)
        cr4 |= X86_CR4_SMEP;
    if (c->smap)
        cr4 |= X86_CR4_SMAP;
    if (c->fsgsbase)
        cr4 |= X86_CR4_FSGSBASE;
    write_cr4(cr4);
    smap_active = c->smap;
    printk("cpu: NX %s, SMEP %s, SMAP %s, FSGSBASE %s, WP on, global pages on\n",
           c->nx ? "on" : "absent", c->smep ? "on" : "absent",
           c->smap ? "on" : "absent", c->fsgsbase ? "on" : "absent");
}
