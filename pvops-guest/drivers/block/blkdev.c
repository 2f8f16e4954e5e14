/*
 * Block devices as files: the registry of disks and partitions, their
 * /dev nodes (block special, Linux's SCSI-disk numbers 8:16n+p), and the
 * file operations user programs reach through read/write/lseek/pread/
 * pwrite (any byte offset), fsync (the disk's write cache) and the BLK*
 * size ioctls.  Linux's rules at the end of the device: reads there return
 * 0, writes fail with ENOSPC, both are cut short at the end.
 */
#include <linux/errno.h>
#include <linux/fs.h>

#include "blkdev.h"
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "uaccess.h"

#define SCSI_DISK_MAJOR 8
#define MAX_BLKDEVS     16

static struct blkdev *devices[MAX_BLKDEVS];
static unsigned int nr_devices;

static uint64_t dev_bytes(const struct blkdev *d)
{
	return d->nr_sectors << SECTOR_SHIFT;
}

static int blk_open(struct file *f)
{
	f->priv = f->inode->priv;
	return 0;
}

static ssize_t blk_read(struct file *f, char *buf, size_t n)
{
	struct blkdev *d = f->priv;
	uint64_t size = dev_bytes(d);
	int err;

	if (f->off >= size)
		return 0;
	n = MIN(n, size - f->off);
	err = blk_read_bytes(d, f->off, buf, n);
	if (err)
		return err;
	f->off += n;
	return n;
}

static ssize_t blk_write(struct file *f, const char *buf, size_t n)
{
	struct blkdev *d = f->priv;
	uint64_t size = dev_bytes(d);
	int err;

	if (f->off >= size)
		return -ENOSPC;
	n = MIN(n, size - f->off);
	err = blk_write_bytes(d, f->off, buf, n);
	if (err)
		return err;
	f->off += n;
	return n;
}

static int blk_flush(struct blkdev *d)
{
	struct blk_request rq = { .op = BLK_FLUSH };

	return blk_submit(d, &rq);
}

static long blk_ioctl(struct file *f, unsigned int cmd, uintptr_t arg)
{
	struct blkdev *d = f->priv;
	uint64_t bytes = dev_bytes(d);
	unsigned long sectors = d->nr_sectors;
	int ssz = SECTOR_SIZE;

	switch (cmd) {
	case BLKGETSIZE64:
		return copy_to_user(arg, &bytes, sizeof(bytes)) ? -EFAULT : 0;
	case BLKGETSIZE:
		return copy_to_user(arg, &sectors, sizeof(sectors)) ? -EFAULT : 0;
	case BLKSSZGET:
		return copy_to_user(arg, &ssz, sizeof(ssz)) ? -EFAULT : 0;
	case BLKFLSBUF:                 /* no page cache: only the disk's */
		return blk_flush(d);
	default:
		return -ENOTTY;
	}
}

static int blk_fsync(struct file *f)
{
	return blk_flush(f->priv);
}

static unsigned int blk_poll(struct file *f)
{
	(void)f;
	return 0x1 | 0x4;               /* POLLIN | POLLOUT */
}

static const struct file_ops blk_file_ops = {
	.open = blk_open, .read = blk_read, .write = blk_write, .ioctl = blk_ioctl,
	.fsync = blk_fsync, .poll = blk_poll,
};

static int add(struct blkdev *d)
{
	struct inode *dev = ramfs_lookup(fs_root, "dev", 3);
	struct inode *ino;

	if (!dev)
		return -ENOENT;
	if (nr_devices == MAX_BLKDEVS)
		return -ENOSPC;
	ino = dev_mknod_mode(dev, d->name, S_IFBLK | 0660,
			     (d->major << 8) | d->minor, &blk_file_ops);
	ino->priv = d;
	ino->size = dev_bytes(d);
	devices[nr_devices++] = d;
	return 0;
}

/* The partitions of sector 0's MBR, as sdXN. */
static void add_partitions(struct blkdev *disk)
{
	struct mbr_part parts[4];
	uint8_t *sector0 = kmalloc(SECTOR_SIZE);
	int n;

	if (!sector0)
		return;
	n = blk_read_bytes(disk, 0, sector0, SECTOR_SIZE) ? -EIO :
	    mbr_parse(sector0, disk->nr_sectors, parts);
	kfree(sector0);
	for (int i = 0; i < n; i++) {
		struct blkdev *p = kzalloc(sizeof(*p));

		if (!p)
			return;
		*p = *disk;
		p->start = parts[i].start;
		p->nr_sectors = parts[i].nr_sectors;
		p->minor = disk->minor + parts[i].index;
		snprintf(p->name, sizeof(p->name), "%s%u", disk->name, parts[i].index);
		printk("blk: %s: sectors %lu-%lu, type %#x\n", p->name, p->start,
		       p->start + p->nr_sectors - 1, parts[i].type);
		if (add(p))
			kfree(p);
	}
}

int blkdev_add_disk(struct blkdev *d)
{
	int err;

	d->disk = d;
	d->start = 0;
	if (!d->major) {             /* sdX; other drivers number their own */
		d->major = SCSI_DISK_MAJOR;
		d->minor = (d->name[2] - 'a') * 16;
	}
	err = add(d);
	if (!err)
		add_partitions(d);
	return err;
}

struct blkdev *blkdev_find(const char *name)
{
	for (unsigned int i = 0; i < nr_devices; i++)
		if (!strcmp(devices[i]->name, name))
			return devices[i];
	return NULL;
}

void block_init(void)
{
	ata_probe();
}
