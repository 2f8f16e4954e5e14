/*
 * Domains and vCPUs.  This is the arch-neutral core; later work adds fields
 * (scheduler, event channels, grant table, arch state) by appending them.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/types.h>
#include <hv/list.h>
#include <hv/spinlock.h>

#define MAX_VIRT_CPUS 32

enum domain_type {
    DOMAIN_PV,
    DOMAIN_HVM,
};

struct domain;
struct evtchn_domain;
struct grant_table;

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    vcpu_info_t *vcpu_info;     /* in shared_info (or registered elsewhere) */

    /* PV MMU: base pointers, each holding an L4 type reference; 0 = none. */
    mfn_t guest_table;          /* kernel-mode L4 (CR3 in guest kernel mode) */
    mfn_t guest_table_user;     /* user-mode L4 */
};

struct domain {
    domid_t domain_id;
    enum domain_type type;
    bool is_privileged;         /* dom0: may use domctl, foreign mappings */
    bool is_dying;

    /* Every frame this domain owns is on page_list; counts balance on death. */
    spinlock_t page_alloc_lock;
    struct list_head page_list;
    u64 tot_pages;
    u64 max_pages;

    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VIRT_CPUS];

    struct list_head domain_list;

    /* VMASST_TYPE_* bits the guest enabled with vm_assist. */
    unsigned long vm_assist;

    /* The shared_info frame (a domheap page the domain owns). */
    shared_info_t *shared_info;

    /* Event channels and grant table (hv/common/event_channel*.c, grant*.c). */
    struct evtchn_domain *evtchn;
    struct grant_table *grant_table;
};

static inline bool vm_assist_enabled(const struct domain *d, unsigned int t)
{
    return d->vm_assist & (1UL << t);
}

/* Registry of live domains (hv/common/domain.c). */
void domain_list_add(struct domain *d);
void domain_list_del(struct domain *d);

#endif
