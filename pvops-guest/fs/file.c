/* Open-file objects shared between descriptors (dup, fork). */
#include "fs.h"
#include "kalloc.h"

struct file *file_new(struct inode *ino, unsigned int flags, const struct file_ops *ops)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->inode = ino;
	f->flags = flags;
	f->ops = ops;
	f->refs = 1;
	if (ino)
		inode_get(ino);
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	if (--f->refs)
		return;
	if (f->ops->release)
		f->ops->release(f);
	if (f->inode)
		inode_put(f->inode);
	kfree(f);
}
