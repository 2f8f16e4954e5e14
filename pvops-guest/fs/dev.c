/* /dev: console, tty, null and zero, created at boot; /dev/xen under Xen PV;
 * disks (drivers/block) add their own nodes. */

#include "fs.h"
#include "lib.h"
#include "tty.h"
#include "xen_devices.h"

#define MKDEV(ma, mi) (((ma) << 8) | (mi))

static ssize_t null_read(struct file *f, char *buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return 0;
}

static ssize_t zero_read(struct file *f, char *buf, size_t n)
{
	(void)f;
	memset(buf, 0, n);
	return n;
}

static ssize_t sink_write(struct file *f, const char *buf, size_t n)
{
	(void)f, (void)buf;
	return n;
}

static unsigned int always_ready(struct file *f)
{
	(void)f;
	return 0x1 | 0x4;  /* POLLIN | POLLOUT */
}

static const struct file_ops null_ops = { .read = null_read, .write = sink_write,
					  .poll = always_ready, .complete = true };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write,
					  .poll = always_ready, .complete = true };

struct inode *dev_mknod_mode(struct inode *dir, const char *name, unsigned int mode,
			     unsigned int rdev, const struct file_ops *ops)
{
	struct inode *ino;

	ramfs_unlink(dir, name, false);
	if (ramfs_create(dir, name, mode, &ino))
		panic("cannot create /dev/%s", name);
	ino->rdev = rdev;
	ino->fops = ops;
	return ino;
}

void dev_mknod(struct inode *dir, const char *name, unsigned int rdev,
		  const struct file_ops *ops)
{
	dev_mknod_mode(dir, name, S_IFCHR | 0666, rdev, ops);
}

void devices_init(void)
{
	struct inode *dev = ramfs_lookup(fs_root, "dev", 3);

	if (!dev && ramfs_create(fs_root, "dev", S_IFDIR | 0755, &dev))
		panic("cannot create /dev");
	tty_init();
	dev_mknod(dev, "console", MKDEV(5, 1), &tty_ops);
	dev_mknod(dev, "tty", MKDEV(5, 0), &tty_ops);
	dev_mknod(dev, "null", MKDEV(1, 3), &null_ops);
	dev_mknod(dev, "zero", MKDEV(1, 5), &zero_ops);
	xen_devices_init(dev);
}
