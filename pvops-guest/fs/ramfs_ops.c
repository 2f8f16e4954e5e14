/* File operations of ramfs regular files and directories. */
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/poll.h>

#include "fs.h"

static ssize_t file_read(struct file *f, char *buf, size_t n)
{
	ssize_t r = ramfs_read(f->inode, f->off, buf, n);

	if (r > 0)
		f->off += r;
	return r;
}

static ssize_t file_write(struct file *f, const char *buf, size_t n)
{
	ssize_t r;

	if (f->flags & O_APPEND)
		f->off = f->inode->size;
	r = ramfs_write(f->inode, f->off, buf, n);
	if (r > 0)
		f->off += r;
	return r;
}

static unsigned int always_ready(struct file *f)
{
	(void)f;
	return POLLIN | POLLOUT;
}

static ssize_t dir_read(struct file *f, char *buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return -EISDIR;
}

const struct file_ops ramfs_file_ops = {
	.read = file_read,
	.write = file_write,
	.poll = always_ready,
};

const struct file_ops ramfs_dir_ops = {
	.read = dir_read,
	.poll = always_ready,
};
