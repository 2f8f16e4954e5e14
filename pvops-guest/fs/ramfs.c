/*
 * ramfs: directories are linked lists of names, regular files one growable
 * heap buffer each.  Inodes are freed when no name and no reference remains.
 */
#include <linux/errno.h>

#include "fs.h"
#include "kalloc.h"
#include "lib.h"

struct inode *fs_root;
int64_t (*fs_clock)(void);
static uint64_t next_ino = 1;

static int64_t fs_now(void) { return fs_clock ? fs_clock() : 0; }

struct inode *ramfs_new_inode(unsigned int mode)
{
	struct inode *ino = kzalloc(sizeof(*ino));

	if (!ino)
		return NULL;
	ino->mode = mode;
	ino->ino = next_ino++;
	ino->mtime = fs_now();
	if (S_ISREG(mode))
		ino->fops = &ramfs_file_ops;
	else if (S_ISDIR(mode))
		ino->fops = &ramfs_dir_ops;
	return ino;
}

static void inode_free(struct inode *ino)
{
	while (ino->children) {
		struct dentry *d = ino->children;

		ino->children = d->next;
		kfree(d->name);
		kfree(d);
	}
	kfree(ino->data);
	kfree(ino);
}

void inode_get(struct inode *ino)
{
	ino->refs++;
}

void inode_put(struct inode *ino)
{
	if (--ino->refs == 0 && ino->nlink == 0)
		inode_free(ino);
}

void ramfs_init(void)
{
	fs_root = ramfs_new_inode(S_IFDIR | 0755);
	fs_root->parent = fs_root;
	fs_root->nlink = 1;
	fs_root->refs = 1;
}

struct inode *ramfs_lookup(struct inode *dir, const char *name, size_t len)
{
	for (struct dentry *d = dir->children; d; d = d->next)
		if (strlen(d->name) == len && memcmp(d->name, name, len) == 0)
			return d->inode;
	return NULL;
}

int ramfs_link(struct inode *dir, const char *name, struct inode *ino)
{
	struct dentry *d;
	size_t len = strlen(name);

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len == 0 || len > 255)
		return len ? -ENAMETOOLONG : -ENOENT;
	if (ramfs_lookup(dir, name, len))
		return -EEXIST;
	d = kmalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->name = kmalloc(len + 1);
	if (!d->name) {
		kfree(d);
		return -ENOMEM;
	}
	memcpy(d->name, name, len + 1);
	d->inode = ino;
	d->next = dir->children;
	dir->children = d;
	ino->nlink++;
	if (S_ISDIR(ino->mode))
		ino->parent = dir;
	dir->mtime = fs_now();
	return 0;
}

int ramfs_create(struct inode *dir, const char *name, unsigned int mode,
		 struct inode **out)
{
	struct inode *ino = ramfs_new_inode(mode);
	int err;

	if (!ino)
		return -ENOMEM;
	err = ramfs_link(dir, name, ino);
	if (err) {
		inode_free(ino);
		return err;
	}
	if (out)
		*out = ino;
	return 0;
}

int ramfs_symlink(struct inode *dir, const char *name, const char *target)
{
	struct inode *ino;
	size_t len = strlen(target);
	int err = ramfs_create(dir, name, S_IFLNK | 0777, &ino);

	if (err)
		return err;
	return ramfs_write(ino, 0, target, len) == (ssize_t)len ? 0 : -ENOMEM;
}

static struct dentry **find_entry(struct inode *dir, const char *name)
{
	struct dentry **pp = &dir->children;

	while (*pp && strcmp((*pp)->name, name) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void drop_entry(struct inode *dir, struct dentry **pp)
{
	struct dentry *d = *pp;
	struct inode *ino = d->inode;

	*pp = d->next;
	kfree(d->name);
	kfree(d);
	dir->mtime = fs_now();
	ino->nlink--;
	if (ino->nlink == 0 && ino->refs == 0)
		inode_free(ino);
}

int ramfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
	struct dentry **pp = find_entry(dir, name);
	struct inode *ino;

	if (!*pp)
		return -ENOENT;
	ino = (*pp)->inode;
	if (want_dir) {
		if (!S_ISDIR(ino->mode))
			return -ENOTDIR;
		if (ino->children)
			return -ENOTEMPTY;
		if (ino == fs_root)
			return -EBUSY;
	} else if (S_ISDIR(ino->mode)) {
		return -EISDIR;
	}
	drop_entry(dir, pp);
	return 0;
}

static bool is_ancestor(struct inode *a, struct inode *d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d->parent == d || !d->parent)
			return false;
		d = d->parent;
	}
}

int ramfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
		 const char *nname)
{
	struct dentry **op = find_entry(odir, oname), **np;
	struct inode *ino;
	int err;

	if (!*op)
		return -ENOENT;
	ino = (*op)->inode;
	if (S_ISDIR(ino->mode) && is_ancestor(ino, ndir))
		return -EINVAL;
	np = find_entry(ndir, nname);
	if (*np) {
		struct inode *victim = (*np)->inode;

		if (victim == ino)
			return 0;
		if (S_ISDIR(victim->mode) != S_ISDIR(ino->mode))
			return S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;
		if (S_ISDIR(victim->mode) && victim->children)
			return -ENOTEMPTY;
	}
	/* Link first so that failure leaves the old name in place. */
	ino->refs++;
	if (*np)
		drop_entry(ndir, np);
	err = ramfs_link(ndir, nname, ino);
	if (!err)
		drop_entry(odir, find_entry(odir, oname));
	inode_put(ino);
	return err;
}

static int reserve(struct inode *ino, size_t size)
{
	char *n;
	size_t cap;

	if (size <= ino->cap)
		return 0;
	cap = MAX(size, ino->cap * 2);
	cap = MAX(cap, (size_t)64);
	n = kmalloc(cap);
	if (!n)
		return -ENOSPC;
	memcpy(n, ino->data, ino->size);
	kfree(ino->data);
	ino->data = n;
	ino->cap = cap;
	return 0;
}

int ramfs_truncate(struct inode *ino, uint64_t size)
{
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (size > (1UL << 30))
		return -EFBIG;
	if (size > ino->size) {
		if (reserve(ino, size))
			return -ENOSPC;
		memset(ino->data + ino->size, 0, size - ino->size);
	}
	ino->size = size;
	ino->mtime = fs_now();
	return 0;
}

ssize_t ramfs_read(struct inode *ino, uint64_t off, char *buf, size_t n)
{
	if (off >= ino->size)
		return 0;
	n = MIN(n, ino->size - off);
	memcpy(buf, ino->data + off, n);
	return n;
}

ssize_t ramfs_write(struct inode *ino, uint64_t off, const char *buf, size_t n)
{
	if (off + n > (1UL << 30))
		return -EFBIG;
	if (reserve(ino, off + n))
		return -ENOSPC;
	if (off > ino->size)
		memset(ino->data + ino->size, 0, off - ino->size);
	memcpy(ino->data + off, buf, n);
	ino->size = MAX(ino->size, off + n);
	ino->mtime = fs_now();
	return n;
}
