/*
 * Domain control (domctl, hypercall 36): the toolstack's interface for
 * making, inspecting and tearing down domains.  Privileged domain only.
 * Numbers and layouts are Xen 4.17's (interface version 0x15); only the
 * sub-ops heron serves are declared.
 */
#ifndef HERON_PUBLIC_DOMCTL_H
#define HERON_PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

typedef uint8_t xen_domain_handle_t[16];

/* x86 emulated-device selection for a new domain (0 for PV). */
struct xen_arch_domainconfig {
#define XEN_X86_EMU_LAPIC    (1U << 0)
#define XEN_X86_EMU_HPET     (1U << 1)
#define XEN_X86_EMU_PM       (1U << 2)
#define XEN_X86_EMU_RTC      (1U << 3)
#define XEN_X86_EMU_IOAPIC   (1U << 4)
#define XEN_X86_EMU_PIC      (1U << 5)
#define XEN_X86_EMU_VGA      (1U << 6)
#define XEN_X86_EMU_IOMMU    (1U << 7)
#define XEN_X86_EMU_PIT      (1U << 8)
#define XEN_X86_EMU_USE_PIRQ (1U << 9)
#define XEN_X86_EMU_VPCI     (1U << 10)
    uint32_t emulation_flags;
#define XEN_X86_MSR_RELAXED  (1U << 0)
    uint32_t misc_flags;
};

/*
 * XEN_DOMCTL_createdomain.  xen_domctl.domain is in/out: 0 or a reserved
 * id asks hv to pick one, and the chosen id comes back there.
 */
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
#define XEN_DOMCTL_CDF_hvm          (1U << 0)
#define XEN_DOMCTL_CDF_hap          (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off      (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain    (1U << 4)
#define XEN_DOMCTL_CDF_iommu        (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt  (1U << 6)
#define XEN_DOMCTL_CDF_vpmu         (1U << 7)
    uint32_t flags;
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t  max_grant_frames;      /* < 0: hv's default */
    int32_t  max_maptrack_frames;   /* < 0: hv's default */
#define XEN_DOMCTL_GRANT_version_mask 0xf
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo (and each entry of sysctl getdomaininfolist). */
struct xen_domctl_getdomaininfo {
    domid_t  domain;
    uint16_t pad1;
#define XEN_DOMINF_dying      (1U << 0)
#define XEN_DOMINF_hvm_guest  (1U << 1)
#define XEN_DOMINF_shutdown   (1U << 2)
#define XEN_DOMINF_paused     (1U << 3)
#define XEN_DOMINF_blocked    (1U << 4)
#define XEN_DOMINF_running    (1U << 5)
#define XEN_DOMINF_debugged   (1U << 6)
#define XEN_DOMINF_xs_domain  (1U << 7)
#define XEN_DOMINF_hap        (1U << 8)
#define XEN_DOMINF_shutdownmask  255    /* the SHUTDOWN_* reason ... */
#define XEN_DOMINF_shutdownshift 16     /* ... sits in flags bits 16-23 */
    uint32_t flags;
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;     /* gfn of shared_info */
    uint64_t cpu_time;              /* ns, all vCPUs */
    uint32_t nr_online_vcpus;
#define XEN_INVALID_MAX_VCPU_ID (~0U)
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t  gpaddr_bits;
    uint8_t  pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;

struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

/* XEN_DOMCTL_setvcpucontext / getvcpucontext */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    xen_guest_handle_t ctxt;        /* struct vcpu_guest_context * */
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                  /* in */
    uint8_t  online;                /* out ... */
    uint8_t  blocked;
    uint8_t  running;
    uint64_t cpu_time;              /* ns */
    uint32_t cpu;
};

struct xen_domctl_max_vcpus {
    uint32_t max;
};

/* XEN_DOMCTL_hypercall_init: fill frame gmfn with the hypercall stubs. */
struct xen_domctl_hypercall_init {
    uint64_t gmfn;
};

/*
 * HERON_DOMCTL_hvm_build (heron-specific; Xen has no such sub-op): hv
 * builds an HVM domain made by createdomain with CDF_hvm, as its
 * boot-time builder does for hvm=: ram_kb of RAM from guest-physical 0,
 * nested paging, the kernel (a multiboot v1 image or a Linux bzImage)
 * and its initrd, the multiboot information or zero page, the e820 map,
 * the ACPI tables, the platform devices, and vCPU 0 online at the
 * kernel's entry (it runs once the domain is unpaused).  The buffers are
 * the caller's; on a refusal hv writes the reason (NUL-terminated, at
 * most msg_len bytes) to msg.  docs/hvm.md, "HVM domains from the
 * toolstack".
 */
struct heron_domctl_hvm_build {
    uint64_t ram_kb;                /* a multiple of 4, at least 2 MiB, <= max_mem */
    xen_guest_handle_t image;
    uint64_t image_len;
    xen_guest_handle_t initrd;      /* 0: none */
    uint64_t initrd_len;
    xen_guest_handle_t cmdline;     /* the kernel's arguments, no NUL */
    uint32_t cmdline_len;
    uint32_t msg_len;
    xen_guest_handle_t msg;         /* 0: no message wanted */
};

struct xen_domctl {
#define XEN_DOMCTL_createdomain     1
#define XEN_DOMCTL_destroydomain    2
#define XEN_DOMCTL_pausedomain      3
#define XEN_DOMCTL_unpausedomain    4
#define XEN_DOMCTL_getdomaininfo    5
#define XEN_DOMCTL_max_mem         11
#define XEN_DOMCTL_setvcpucontext  12
#define XEN_DOMCTL_getvcpucontext  13
#define XEN_DOMCTL_getvcpuinfo     14
#define XEN_DOMCTL_max_vcpus       15
#define XEN_DOMCTL_hypercall_init  22
#define HERON_DOMCTL_hvm_build     0x8001   /* heron-specific */
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_hypercall_init hypercall_init;
        struct heron_domctl_hvm_build hvm_build;
        uint8_t pad[128];
    } u;
};

#endif
