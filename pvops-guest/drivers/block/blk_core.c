/*
 * The request path of the block layer: range checks, splitting into the
 * driver's largest transfer, and byte-range I/O with read-modify-write of
 * partial sectors.  No /dev or driver knowledge here, so the host unit
 * tests run it on a memory disk (tests/guest/unit/test_blk.c).
 */
#include <linux/errno.h>

#include "blkdev.h"
#include "kalloc.h"
#include "lib.h"

static int blk_transfer(struct blkdev *d, bool write, uint64_t sector,
			uint32_t count, void *buf)
{
	struct blkdev *disk = d->disk;
	char *p = buf;

	while (count) {
		uint32_t n = MIN(count, disk->max_sectors);
		int err = disk->ops->rw(disk, write, d->start + sector, n, p);

		if (err)
			return err;
		sector += n;
		count -= n;
		p += (size_t)n << SECTOR_SHIFT;
	}
	return 0;
}

int blk_submit(struct blkdev *d, struct blk_request *rq)
{
	switch (rq->op) {
	case BLK_READ:
	case BLK_WRITE:
		if (!rq->count || !rq->buf || rq->sector >= d->nr_sectors ||
		    rq->count > d->nr_sectors - rq->sector)
			rq->error = -EINVAL;
		else
			rq->error = blk_transfer(d, rq->op == BLK_WRITE, rq->sector,
						 rq->count, rq->buf);
		break;
	case BLK_FLUSH:
		rq->error = rq->count ? -EINVAL : d->disk->ops->flush(d->disk);
		break;
	default:
		rq->error = -EINVAL;
		break;
	}
	if (rq->done)
		rq->done(rq);
	return rq->error;
}

static int sectors(struct blkdev *d, enum blk_op op, uint64_t sector,
		   uint32_t count, void *buf)
{
	struct blk_request rq = { .op = op, .sector = sector, .count = count, .buf = buf };

	return blk_submit(d, &rq);
}

static bool in_range(const struct blkdev *d, uint64_t off, size_t n)
{
	uint64_t size = d->nr_sectors << SECTOR_SHIFT;

	return off <= size && n <= size - off;
}

/*
 * Walks [off, off + n) as a partial head sector, whole sectors, and a
 * partial tail sector.  Whole sectors move between buf and the device
 * directly; partial ones through a one-sector bounce buffer, written back
 * after the modification when writing.
 */
static int bytes_io(struct blkdev *d, bool write, uint64_t off, char *buf, size_t n)
{
	uint8_t *bounce = NULL;
	int err = 0;

	if (!in_range(d, off, n))
		return -EINVAL;
	while (n && !err) {
		uint64_t sector = off >> SECTOR_SHIFT;
		size_t in_sector = off & (SECTOR_SIZE - 1);

		if (in_sector || n < SECTOR_SIZE) {
			size_t len = MIN(n, SECTOR_SIZE - in_sector);

			if (!bounce && !(bounce = kmalloc(SECTOR_SIZE)))
				return -ENOMEM;
			err = sectors(d, BLK_READ, sector, 1, bounce);
			if (err)
				break;
			if (write) {
				memcpy(bounce + in_sector, buf, len);
				err = sectors(d, BLK_WRITE, sector, 1, bounce);
			} else {
				memcpy(buf, bounce + in_sector, len);
			}
			off += len, buf += len, n -= len;
		} else {
			uint64_t whole = MIN(n >> SECTOR_SHIFT, (uint64_t)UINT32_MAX);

			err = sectors(d, write ? BLK_WRITE : BLK_READ, sector,
				      (uint32_t)whole, buf);
			off += whole << SECTOR_SHIFT;
			buf += whole << SECTOR_SHIFT;
			n -= whole << SECTOR_SHIFT;
		}
	}
	kfree(bounce);
	return err;
}

int blk_read_bytes(struct blkdev *d, uint64_t off, void *buf, size_t n)
{
	return bytes_io(d, false, off, buf, n);
}

int blk_write_bytes(struct blkdev *d, uint64_t off, const void *buf, size_t n)
{
	/* bytes_io stores into buf only when reading. */
	return bytes_io(d, true, off, (char *)buf, n);
}
