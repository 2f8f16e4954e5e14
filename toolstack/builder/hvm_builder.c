/*
 * HVM domains from the toolstack (hvm_builder.h).  Xen's libxenguest
 * populates the guest's RAM and writes the kernel through foreign
 * mappings; heron asks hv to do it (HERON_DOMCTL_hvm_build) because hv
 * already has a tested HVM builder (multiboot, bzImage, e820, ACPI) and
 * its p2m, so there is one copy of that logic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hvm_builder.h"

/* As libxl (LIBXL_MAXMEM_CONSTANT): max_mem has 1 MiB above the RAM, for
 * the frames hv gives the domain besides (the device model's ioreq page). */
#define MAXMEM_SLACK_KB 1024

int hvm_build(const struct hv_ops *ops, const struct hvm_build_request *req,
              domid_t *domid, char *err, size_t errlen)
{
    struct xen_domctl_createdomain cfg = {
        .flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        .max_vcpus = 1,
        .max_evtchn_port = (uint32_t)-1,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
        .grant_opts = 1,                /* grant table version 1 */
    };
    char msg[256];
    const char *step;
    int rc;

    memcpy(cfg.handle, req->handle, sizeof(cfg.handle));
    *domid = 0;
    rc = ops->create(ops->ctx, &cfg, domid);
    if (rc == -EOPNOTSUPP) {
        snprintf(err, errlen, "%s", HVM_UNAVAILABLE_MSG);
        return rc;
    }
    if (rc) {
        snprintf(err, errlen, "createdomain: %s", strerror(-rc));
        return rc;
    }
    step = "max_vcpus 1";
    rc = ops->max_vcpus(ops->ctx, *domid, 1);
    if (!rc) {
        step = "max_mem";
        rc = ops->max_mem(ops->ctx, *domid, req->maxmem_kb + MAXMEM_SLACK_KB);
    }
    msg[0] = '\0';
    if (!rc) {
        step = "hv's HVM build";
        rc = ops->hvm_build(ops->ctx, *domid, req->mem_kb, req->kernel, req->kernel_len,
                            req->ramdisk, req->ramdisk_len, req->cmdline, msg,
                            sizeof(msg));
    }
    if (rc) {
        snprintf(err, errlen, "%s: %s", step, msg[0] ? msg : strerror(-rc));
        ops->destroy(ops->ctx, *domid);
        return rc;
    }
    return 0;
}
