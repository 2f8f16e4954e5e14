/*
 * The toolstack's side of building an HVM domain: createdomain with
 * CDF_hvm | CDF_hap, max_vcpus, max_mem, then HERON_DOMCTL_hvm_build, in
 * which hv loads the kernel and builds the platform with the same code as
 * its boot-time builder (docs/hvm.md, "HVM domains from the toolstack").
 */
#ifndef TOOLSTACK_HVM_BUILDER_H
#define TOOLSTACK_HVM_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "hvops.h"

/* What `heron create` says when hv cannot run HVM domains. */
#define HVM_UNAVAILABLE_MSG "HVM domains are not available: hv found no SVM with " \
    "nested paging and no VMX with EPT on this CPU (its boot log says which)"

struct hvm_build_request {
    const void *kernel;         /* a multiboot v1 kernel or a Linux bzImage */
    size_t kernel_len;
    const void *ramdisk;        /* NULL: none */
    size_t ramdisk_len;
    const char *cmdline;
    uint64_t mem_kb;            /* guest RAM */
    uint64_t maxmem_kb;         /* domctl max_mem (>= mem_kb) */
    uint8_t handle[16];         /* the domain's UUID */
};

/*
 * Creates and builds the domain, leaving it paused with vCPU 0 online at
 * the kernel's entry.  Returns 0 with *domid, or a negative errno with the
 * step and hv's reason in err (-EOPNOTSUPP: HVM_UNAVAILABLE_MSG; -EINVAL:
 * hv refused the kernel, initrd or sizes); on failure the domain is
 * destroyed.
 */
int hvm_build(const struct hv_ops *ops, const struct hvm_build_request *req,
              domid_t *domid, char *err, size_t errlen);

#endif
