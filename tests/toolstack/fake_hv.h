/*
 * An in-memory hypervisor behind struct hv_ops for host unit tests: a
 * machine of frames in a memfd (so "foreign mappings" are real shared
 * mappings, as privcmd's), domains with their frames, ports, grant frame,
 * pinned L4, hypercall page and vCPU context recorded for inspection.
 * Any operation can be made to fail (fake_hv_fail_at) to test rollback.
 * All its state is in shared memory: daemons forked from the test see
 * domains built after the fork.
 */
#ifndef TESTS_TOOLSTACK_FAKE_HV_H
#define TESTS_TOOLSTACK_FAKE_HV_H

#include <stdbool.h>
#include <sys/types.h>
#include "hvops.h"

#define FAKE_MAX_DOMAINS 8
#define FAKE_MAX_PORTS   8

struct fake_domain {
    bool exists, paused;
    domid_t domid;
    struct xen_domctl_createdomain cfg;
    unsigned int max_vcpus;
    uint64_t max_kb;
    uint64_t tot_pages;
    xen_pfn_t shared_info_mfn, grant_mfn, pinned_l4, hypercall_mfn;
    bool has_grant, has_ctx;
    evtchn_port_t nr_ports;
    domid_t port_remote[FAKE_MAX_PORTS];
    struct vcpu_guest_context ctx;
    unsigned int shutdown_reason;
    bool shut_down;
};

struct fake_hv;

struct fake_hv *fake_hv_new(unsigned int nr_frames);
void fake_hv_free(struct fake_hv *f);
const struct hv_ops *fake_hv_ops(struct fake_hv *f);

/* The nth operation from now (1 = the next) fails with -ENOMEM; 0: none. */
void fake_hv_fail_at(struct fake_hv *f, unsigned int n);
unsigned int fake_hv_calls(const struct fake_hv *f);

/* What map does, at a given (reserved) address: as privcmd's MMAPBATCH
 * fills a range mmap'd from the device.  0 or a negative errno. */
int fake_hv_map_at(struct fake_hv *f, domid_t domid, const xen_pfn_t *mfns,
                   unsigned int n, void *addr);

unsigned int fake_hv_free_frames(const struct fake_hv *f);
unsigned int fake_hv_nr_domains(const struct fake_hv *f);
unsigned int fake_hv_live_mappings(const struct fake_hv *f);
struct fake_domain *fake_hv_domain(struct fake_hv *f, domid_t domid);
void *fake_hv_frame(struct fake_hv *f, xen_pfn_t mfn);
uint64_t fake_hv_m2p(const struct fake_hv *f, xen_pfn_t mfn);
domid_t fake_hv_owner(const struct fake_hv *f, xen_pfn_t mfn);

/* Where grant ref of domid (permitted to dom0) lives: the machine's
 * memfd and offset, as gntdev would map it.  0 or -EINVAL. */
int fake_hv_grant_page(struct fake_hv *f, domid_t domid, unsigned int ref, int *fd,
                       off_t *off);

#endif
