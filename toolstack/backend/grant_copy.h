/*
 * Bytes between a frontend's granted pages and a backend daemon's own
 * buffers, as the ring-serving code of heron-blkback and heron-netback
 * asks for them: the daemons plug in gntdev's grant copy
 * (backend_copy_ops), the unit tests and fuzz targets a fake.  A copy needs
 * no mapping of the guest's page in the daemon, so it costs one system
 * call per batch.
 */
#ifndef HERON_GRANT_COPY_H
#define HERON_GRANT_COPY_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>

/* One copy between a granted page of the frontend and a local buffer. */
struct grant_copy {
    grant_ref_t ref;
    uint16_t offset;            /* in the granted page */
    uint16_t len;
    void *local;
    bool to_guest;              /* local -> grant, else grant -> local */
    int16_t status;             /* GNTST_*, set by the copy op */
};

struct grant_copy_ops {
    /* Performs n copies with domid's grants (n at most what the serving
     * code documents), setting each one's status; -1 if the call failed
     * as a whole (no status set). */
    int (*copy)(void *ctx, uint16_t domid, struct grant_copy *c, unsigned int n);
    void *ctx;
};

#endif
