/*
 * What the toolstack asks of the hypervisor, as a table of operations.
 * Two implementations: hvops_privcmd.c (hypercalls through dom0's
 * /dev/xen/privcmd, Linux's ioctl ABI) and the in-memory fake hv of the
 * host unit tests (tests/toolstack/fake_hv.c).
 *
 * Every operation returns 0 or a negative errno value and changes
 * nothing when it fails.  Frame numbers are machine frames (MFNs) of PV
 * domains, whose p2m the toolstack keeps; HVM domains are built by hv
 * (hvm_build).
 */
#ifndef TOOLSTACK_HVOPS_H
#define TOOLSTACK_HVOPS_H

#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>

struct hv_ops {
    void *ctx;

    /* domctl createdomain: *domid 0 lets hv choose; the domain starts paused. */
    int (*create)(void *ctx, const struct xen_domctl_createdomain *cfg,
                  domid_t *domid);
    /* domctl destroydomain: frees all the domain's frames and ports. */
    int (*destroy)(void *ctx, domid_t domid);
    int (*pause)(void *ctx, domid_t domid);
    int (*unpause)(void *ctx, domid_t domid);
    /* domctl max_vcpus / max_mem. */
    int (*max_vcpus)(void *ctx, domid_t domid, unsigned int max);
    int (*max_mem)(void *ctx, domid_t domid, uint64_t max_kb);
    /* memory_op populate_physmap: frames for pfns[0..n), order 0; on
     * success mfns[i] is the frame now at pfns[i] (hv sets the M2P). */
    int (*populate)(void *ctx, domid_t domid, const xen_pfn_t *pfns,
                    unsigned int n, xen_pfn_t *mfns);
    /* Maps n frames of domid (privcmd MMAPBATCH_V2) read-write,
     * contiguously; NULL with *rc set on failure. */
    void *(*map)(void *ctx, domid_t domid, const xen_pfn_t *mfns, unsigned int n,
                 int *rc);
    void (*unmap)(void *ctx, void *addr, unsigned int n);
    /* mmuext_op MMUEXT_PIN_L4_TABLE of mfn on behalf of domid. */
    int (*pin_l4)(void *ctx, domid_t domid, xen_pfn_t mfn);
    /* domctl hypercall_init: hv writes its hypercall stubs into mfn. */
    int (*hypercall_page)(void *ctx, domid_t domid, xen_pfn_t mfn);
    /* event_channel_op alloc_unbound: a port of domid for remote. */
    int (*evtchn_alloc_unbound)(void *ctx, domid_t domid, domid_t remote,
                                evtchn_port_t *port);
    /* grant_table_op setup_table (1 frame) for domid: its frame 0. */
    int (*gnttab_frame)(void *ctx, domid_t domid, xen_pfn_t *mfn);
    /* domctl setvcpucontext. */
    int (*set_vcpu_context)(void *ctx, domid_t domid, unsigned int vcpu,
                            const struct vcpu_guest_context *c);
    /* domctl getdomaininfo: the domain domid exactly (-ESRCH if none). */
    int (*domain_info)(void *ctx, domid_t domid, xen_domctl_getdomaininfo_t *info);
    /* sysctl getdomaininfolist: up to max domains with id >= first. */
    int (*list_domains)(void *ctx, domid_t first, xen_domctl_getdomaininfo_t *info,
                        unsigned int max, unsigned int *n);
    /* domctl getvcpuinfo. */
    int (*vcpu_info)(void *ctx, domid_t domid, unsigned int vcpu,
                     struct xen_domctl_getvcpuinfo *info);
    /* sysctl physinfo. */
    int (*physinfo)(void *ctx, struct xen_sysctl_physinfo *info);
    /* HERON_DOMCTL_hvm_build: hv builds HVM domain domid (made by create
     * with CDF_hvm, max_vcpus done) from these files; on a refusal the
     * reason is in msg (msglen bytes, NUL-terminated). */
    int (*hvm_build)(void *ctx, domid_t domid, uint64_t ram_kb, const void *image,
                     size_t image_len, const void *initrd, size_t initrd_len,
                     const char *cmdline, char *msg, size_t msglen);
    /* sched_op remote_shutdown with a SHUTDOWN_* reason. */
    int (*shutdown)(void *ctx, domid_t domid, unsigned int reason);
};

/* The privcmd implementation; NULL with errno set if /dev/xen/privcmd
 * cannot be opened (not in a dom0). */
struct hv_ops *hvops_privcmd_open(void);
void hvops_privcmd_close(struct hv_ops *ops);

#endif
