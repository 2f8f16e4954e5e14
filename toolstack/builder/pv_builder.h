/*
 * The userland PV domain builder: from a kernel with Xen ELF notes to a
 * paused domain whose vCPU 0 starts at the kernel's entry, with the same
 * initial address space as hv's boot-time builder (hv/pv_layout.h) and
 * Xen's libxenguest give a domU.  Everything goes through struct hv_ops.
 */
#ifndef TOOLSTACK_PV_BUILDER_H
#define TOOLSTACK_PV_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvops.h"

struct pv_build_request {
    const void *kernel;
    size_t kernel_len;
    const void *ramdisk;        /* NULL: none */
    size_t ramdisk_len;
    const char *cmdline;        /* at most MAX_GUEST_CMDLINE - 1 bytes */
    uint64_t mem_kb;            /* initial memory */
    uint64_t maxmem_kb;         /* domctl max_mem (>= mem_kb) */
    unsigned int vcpus;
    uint8_t handle[16];         /* the domain's UUID */
    domid_t console_domid;      /* backends: 0 (dom0) */
    domid_t store_domid;
};

struct pv_build_result {
    domid_t domid;
    xen_pfn_t console_mfn, store_mfn;
    evtchn_port_t console_port, store_port;
    uint64_t v_start, v_end, entry;
    unsigned int nr_pages;
};

/*
 * Creates and builds the domain, leaving it paused: createdomain,
 * max_vcpus, max_mem, two unbound ports (xenstore, console) for the
 * backends, populate_physmap, the image (kernel, ramdisk, p2m, start_info,
 * xenstore and console pages, page tables, stack), hypercall_init, pin of
 * the L4, grant entries 0 (console) and 1 (xenstore), vCPU 0's context.
 * Returns 0, or a negative errno with the step that failed in err; on
 * failure the domain is destroyed and every mapping undone.
 */
int pv_build(const struct hv_ops *ops, const struct pv_build_request *req,
             struct pv_build_result *res, char *err, size_t errlen);

#endif
