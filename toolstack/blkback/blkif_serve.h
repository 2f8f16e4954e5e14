/*
 * The blkif protocol's backend half (Xen's io/blkif.h), apart from how
 * grants are mapped: heron-blkback plugs in gntdev, the unit tests a fake.
 * Every request is copied off the shared ring before it is looked at and
 * checked whole before any I/O; a bad one gets BLKIF_RSP_ERROR, garbage
 * ring indices end the connection.
 */
#ifndef HERON_BLKIF_SERVE_H
#define HERON_BLKIF_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/blkif.h>

struct blkif_grant_ops {
    /* Maps n grants of domid (pages, in order, one contiguous area);
     * writable unless readonly.  NULL on failure. */
    void *(*map)(void *ctx, uint16_t domid, const grant_ref_t *refs, unsigned int n,
                 bool readonly);
    void (*unmap)(void *ctx, void *area, unsigned int n);
    void *ctx;
};

struct blkif_backend {
    blkif_back_ring_t ring;
    uint16_t domid;               /* the frontend's */
    int fd;                       /* the disk image or device */
    uint64_t start_sector;        /* the vbd's first sector in fd */
    uint64_t nr_sectors;
    bool readonly;
    bool broken;                  /* garbage indices seen: stop serving */
    struct blkif_grant_ops ops;
    /* Counters for the log and the tests. */
    unsigned long done, errors;
};

/* Serves every pending request; returns true if the frontend should be
 * notified.  Sets b->broken (and serves nothing more) on bad indices. */
bool blkif_serve(struct blkif_backend *b);

#endif
