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

/*
 * HERON_SYSCTL_fail_alloc (heron-specific; Xen has no such sub-op): hv's
 * allocation-failure injector, for tests only.  It is -EOPNOTSUPP unless
 * hv was booted with the bare option `fail_alloc`.  An allocation is a
 * call of alloc_domheap_pages, alloc_xenheap_pages or xmalloc (an xmalloc
 * that needs a fresh page counts twice).  docs/robustness.md.
 */
struct heron_sysctl_fail_alloc {
#define HERON_FAIL_ALLOC_query   0  /* change nothing */
#define HERON_FAIL_ALLOC_nth     1  /* fail only the nth allocation from now (1: the next) */
#define HERON_FAIL_ALLOC_random  2  /* fail each one with probability per_mille/1000 */
#define HERON_FAIL_ALLOC_off     3  /* fail none */
    uint32_t op;
    uint32_t per_mille;             /* random: 1..1000; else 0 */
    uint64_t nth;                   /* nth: >= 1; else 0 */
    uint64_t seed;                  /* random: the generator's seed (0 taken as 1) */
    /* Out, after the op: */
    uint64_t allocs;                /* allocations since the injector was last set */
    uint64_t failed;                /* of those, failed by the injector */
    uint64_t free_frames;           /* the heap's free frames */
    uint64_t xmalloc_bytes;         /* bytes xmalloc has handed out and not had back */
    uint64_t xenheap_frames;        /* frames hv holds for itself */
};

struct xen_sysctl {
#define XEN_SYSCTL_physinfo           3
#define XEN_SYSCTL_getdomaininfolist  6
#define HERON_SYSCTL_fail_alloc       0x8001   /* heron-specific */
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct heron_sysctl_fail_alloc fail_alloc;
        uint8_t pad[128];
    } u;
};

#endif
