/*
 * The PV block protocol (Xen's io/blkif.h): requests on a shared ring
 * (ring.h), data in pages the frontend grants, a segment being sectors
 * first_sect..last_sect (512 bytes each) of one granted page.  The
 * xenstore keys of the handshake are described in docs/split-drivers.md.
 */
#ifndef HERON_PUBLIC_IO_BLKIF_H
#define HERON_PUBLIC_IO_BLKIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "../grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ              0
#define BLKIF_OP_WRITE             1
#define BLKIF_OP_WRITE_BARRIER     2   /* backend offers feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE   3   /* backend offers feature-flush-cache */
#define BLKIF_OP_RESERVED_1        4
#define BLKIF_OP_DISCARD           5   /* backend offers feature-discard */
#define BLKIF_OP_INDIRECT          6   /* backend offers feature-max-indirect-segments */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST       11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

struct blkif_request_segment {
    grant_ref_t gref;                 /* the granted page */
    uint8_t first_sect, last_sect;    /* inclusive, 0..7 */
};

struct blkif_request {
    uint8_t operation;
    uint8_t nr_segments;
    blkif_vdev_t handle;
    uint64_t id;                      /* the frontend's, echoed in the response */
    blkif_sector_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct blkif_request_discard {
    uint8_t operation;                /* BLKIF_OP_DISCARD */
    uint8_t flag;
#define BLKIF_DISCARD_SECURE (1 << 0)
    blkif_vdev_t handle;
    uint64_t id;
    blkif_sector_t sector_number;
    uint64_t nr_sectors;
};

/* Segments listed in granted pages (512 per page) rather than in the slot. */
struct blkif_request_indirect {
    uint8_t operation;                /* BLKIF_OP_INDIRECT */
    uint8_t indirect_op;              /* BLKIF_OP_READ or WRITE */
    uint16_t nr_segments;
    uint64_t id;
    blkif_sector_t sector_number;
    blkif_vdev_t handle;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct blkif_response {
    uint64_t id;
    uint8_t operation;
    int16_t status;
};

#define BLKIF_RSP_EOPNOTSUPP -2
#define BLKIF_RSP_ERROR      -1
#define BLKIF_RSP_OKAY        0

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* Slots in one ring page: 32. */
#define BLK_RING_SIZE(pg) __CONST_RING_SIZE(blkif, pg)

#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

#endif
