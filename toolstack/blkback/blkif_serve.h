/*
 * The blkif protocol's backend half (Xen's io/blkif.h), apart from how
 * bytes cross between domains: heron-blkback plugs in gntdev's grant
 * copy, the unit tests a fake.  Every request is copied off the shared
 * ring before it is looked at and checked whole before any I/O; a bad
 * one gets BLKIF_RSP_ERROR, garbage ring indices end the connection.
 * A request's data goes through the vbd's buffer: one pread or pwrite
 * of the whole run, one copy call for all its segments (as QEMU's qdisk
 * does), not a mapping of the frontend's pages per request.  Requests
 * that follow each other on the ring and on the disk (a large transfer
 * the frontend cut up) are served as one run: one I/O, one copy call.
 */
#ifndef HERON_BLKIF_SERVE_H
#define HERON_BLKIF_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/blkif.h>

#include "grant_copy.h"

/* A vbd's buffer: the most one run moves (Linux's default largest
 * request, 128 KiB), and the most copies one run asks for at once. */
#define BLKIF_BUF_SIZE (32 * 4096)
#define BLKIF_RUN_SEGS 64

struct blkif_backend {
    blkif_back_ring_t ring;
    uint16_t domid;               /* the frontend's */
    int fd;                       /* the disk image or device */
    uint64_t start_sector;        /* the vbd's first sector in fd */
    uint64_t nr_sectors;
    bool readonly;
    bool broken;                  /* garbage indices seen: stop serving */
    struct grant_copy_ops ops;    /* called with up to BLKIF_RUN_SEGS copies */
    /* BLKIF_BUF_SIZE bytes, page-aligned: a request of whole pages (the
     * usual kind) then copies one local page per segment, not two. */
    uint8_t *buf;
    /* Counters for the log and the tests. */
    unsigned long done, errors;
};

/* Serves every pending request; returns true if the frontend should be
 * notified.  Sets b->broken (and serves nothing more) on bad indices. */
bool blkif_serve(struct blkif_backend *b);

#endif
