/*
 * Building PV domains (hv/arch/x86/pv/domain_build.c) and creating the
 * boot-time domains from multiboot modules (boot_domains.c).
 */
#ifndef HV_PV_BUILD_H
#define HV_PV_BUILD_H

#include <hv/domain.h>

struct pv_build_params {
    domid_t domid;
    bool privileged;            /* dom0: SIF_PRIVILEGED | SIF_INITDOMAIN */
    u64 nr_pages;               /* guest memory */
    unsigned int weight;        /* scheduler weight */
    unsigned int max_vcpus;     /* 1 .. MAX_VIRT_CPUS; all but vCPU 0 offline */
    const void *image;          /* the kernel ELF */
    size_t image_len;
    const void *initrd;         /* NULL if none */
    size_t initrd_len;
    const char *cmdline;        /* start_info.cmd_line */
};

/*
 * Builds a PV domain ready to run (vCPU 0 still offline): loads the
 * kernel, lays out the initial mapping (kernel, initrd, p2m, start_info,
 * [xenstore, console pages,] page tables, stack), pins the L4, writes the
 * hypercall page and start_info, and sets vCPU 0's registers.  Returns
 * the domain, or NULL with a reason in err; nothing is left behind.
 */
struct domain *pv_build_domain(const struct pv_build_params *p, char *err,
                               size_t errlen);

/* Brings vCPU 0 up: the domain starts running. */
void pv_start_domain(struct domain *d);

/* Boot: creates dom0 and the domUs the command line names (docs/pv.md). */
void create_boot_domains(void);

#endif
