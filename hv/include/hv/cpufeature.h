/* What the boot CPU offers, from CPUID (filled by cpu_identify()). */
#ifndef HV_CPUFEATURE_H
#define HV_CPUFEATURE_H

#include <hv/types.h>

enum x86_vendor { X86_VENDOR_UNKNOWN, X86_VENDOR_INTEL, X86_VENDOR_AMD };

struct cpuinfo_x86 {
    enum x86_vendor vendor;
    char vendor_id[13];
    char brand[49];
    unsigned int family, model, stepping;
    unsigned int phys_addr_bits, virt_addr_bits;
    u32 max_leaf, max_ext_leaf;
    bool nx, pdpe1gb, pge, pat, smep, smap, fsgsbase, tsc_deadline, x2apic,
         apic, invariant_tsc, hypervisor;
    bool svm, npt, vmx, ept;            /* usable: present and not disabled */
};

extern struct cpuinfo_x86 boot_cpu_data;

#define cpu_has_nx       (boot_cpu_data.nx)
#define cpu_has_page1gb  (boot_cpu_data.pdpe1gb)
#define cpu_has_smep     (boot_cpu_data.smep)
#define cpu_has_smap     (boot_cpu_data.smap)
#define cpu_has_svm      (boot_cpu_data.svm)
#define cpu_has_npt      (boot_cpu_data.npt)
#define cpu_has_vmx      (boot_cpu_data.vmx)
#define cpu_has_ept      (boot_cpu_data.ept)
#define cpu_has_hvm      (cpu_has_svm || cpu_has_vmx)

/* Reads CPUID into boot_cpu_data and prints vendor, model and HVM support. */
void cpu_identify(void);
/* Sets EFER, CR0, CR4 (NX, WP, PGE, SMEP, SMAP, FSGSBASE) and the PAT. */
void cpu_init(void);

/* True once CR4.SMAP is on: guest accessors then need stac/clac. */
extern bool smap_active;

#endif
