/*
 * The block layer: disks and their partitions as 512-byte-sector devices,
 * the in-kernel request API (for /dev/sdX and, later, blkback), byte-range
 * I/O on top of it, and MBR partition tables.  drivers/block/ holds the
 * code; docs/pvops-guest.md "Block devices" describes it.
 */
#ifndef GUEST_BLKDEV_H
#define GUEST_BLKDEV_H

#include "kernel.h"

#define SECTOR_SIZE  512u
#define SECTOR_SHIFT 9

struct blkdev;

/* What a disk driver provides.  Both calls complete before they return. */
struct blkdev_ops {
	/* count (1..max_sectors) sectors from sector, in range; 0 or -EIO. */
	int (*rw)(struct blkdev *d, bool write, uint64_t sector, uint32_t count,
		  void *buf);
	int (*flush)(struct blkdev *d);         /* the disk's write cache */
};

struct blkdev {
	char name[16];                          /* "sda", "sda1" */
	uint64_t nr_sectors;
	uint64_t start;                         /* first sector on the disk (partitions) */
	uint32_t max_sectors;                   /* per driver call */
	unsigned int major, minor;
	const struct blkdev_ops *ops;           /* the disk's */
	struct blkdev *disk;                    /* the whole disk; itself for a disk */
	void *priv;                             /* the driver's */
};

/*
 * One request of the in-kernel API.  Sectors count from the start of the
 * device (partition or disk); buf is a kernel buffer of count sectors.
 * The polling ATA driver completes it inside blk_submit, which then calls
 * done (if set) and returns error; an interrupt-driven driver may call
 * done later.
 */
enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct blk_request {
	enum blk_op op;
	uint64_t sector;
	uint32_t count;                         /* 0 for BLK_FLUSH */
	void *buf;
	int error;                              /* 0, -EINVAL (range), -EIO */
	void (*done)(struct blk_request *rq);
	void *priv;                             /* the submitter's */
};

int blk_submit(struct blkdev *d, struct blk_request *rq);

/*
 * Byte-range I/O at any offset: whole sectors go straight to the device
 * (in max_sectors pieces), partial sectors at either end are read,
 * modified and written back.  The range must lie inside the device.
 * Returns 0 or the first request's error (bytes before it were done).
 */
int blk_read_bytes(struct blkdev *d, uint64_t off, void *buf, size_t n);
int blk_write_bytes(struct blkdev *d, uint64_t off, const void *buf, size_t n);

/* MBR: the primary partitions of a disk of disk_sectors sectors. */
struct mbr_part {
	unsigned int index;                     /* 1-4: the sdaN number */
	uint8_t type;
	uint64_t start, nr_sectors;
};

/* Fills parts with the used, valid, non-extended entries of sector 0;
 * returns how many, or -EINVAL without a 0x55aa signature. */
int mbr_parse(const uint8_t sector0[SECTOR_SIZE], uint64_t disk_sectors,
	      struct mbr_part parts[4]);

/* Registry and /dev nodes (blkdev.c). */
int blkdev_add_disk(struct blkdev *d);  /* registers it, its partitions, /dev nodes */
struct blkdev *blkdev_find(const char *name);
void block_init(void);                  /* probes the disk drivers (kernel_main) */

/* drivers/block/ata.c */
int ata_probe(void);                    /* disks found on the primary channel */

#endif
