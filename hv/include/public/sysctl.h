/*
 * System control (sysctl, hypercall 35): host-wide queries for the
 * toolstack.  Privileged domain only.  Xen 4.17's numbers and layouts
 * (interface version 0x15); only the sub-ops heron serves are declared.
 */
#ifndef HERON_PUBLIC_SYSCTL_H
#define HERON_PUBLIC_SYSCTL_H

#include "xen.h"
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
#define XEN_SYSCTL_PHYSCAP_hvm      (1U << 0)
#define XEN_SYSCTL_PHYSCAP_pv       (1U << 1)
#define XEN_SYSCTL_PHYSCAP_directio (1U << 2)
#define XEN_SYSCTL_PHYSCAP_hap      (1U << 3)
#define XEN_SYSCTL_PHYSCAP_shadow   (1U << 4)
    uint32_t capabilities;
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];
};

/* Domains with id >= first_domain, in id order, at most max_domains. */
struct xen_sysctl_getdomaininfolist {
    domid_t  first_domain;
    uint32_t max_domains;
    xen_guest_handle_t buffer;      /* xen_domctl_getdomaininfo_t[] */
    uint32_t num_domains;           /* out */
};

struct xen_sysctl {
#define XEN_SYSCTL_physinfo           3
#define XEN_SYSCTL_getdomaininfolist  6
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        uint8_t pad[128];
    } u;
};

#endif
