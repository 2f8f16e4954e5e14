/* Populates ramfs from the initrd: a newc cpio archive, optionally gzipped. */
#include <linux/errno.h>

#include "fs.h"
#include "kalloc.h"
#include "lib.h"

/* Creates missing parent directories of path; returns the parent and last name. */
static int make_parents(char *path, struct inode **dir, const char **name)
{
	struct inode *cur = fs_root;
	char *p = path;

	while (*p == '/')
		p++;
	for (;;) {
		char *slash = strchr(p, '/');

		if (!slash)
			break;
		*slash = 0;
		struct inode *next = ramfs_lookup(cur, p, strlen(p));

		if (!next) {
			int err = ramfs_create(cur, p, S_IFDIR | 0755, &next);

			if (err)
				return err;
		}
		if (!S_ISDIR(next->mode))
			return -ENOTDIR;
		cur = next;
		p = slash + 1;
	}
	*dir = cur;
	*name = p;
	return 0;
}

int initrd_add_entry(void *arg, const struct cpio_entry *e)
{
	char path[256];
	struct inode *dir, *ino;
	const char *name;
	size_t n = strlen(e->name);
	int err;

	(void)arg;
	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, e->name, n + 1);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = 0;
	if (n == 0 || !strcmp(path, "."))
		return 0;
	err = make_parents(path, &dir, &name);
	if (err)
		return err;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	ino = ramfs_lookup(dir, name, strlen(name));
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		if (ino)
			return S_ISDIR(ino->mode) ? 0 : -EEXIST;
		err = ramfs_create(dir, name, e->mode, &ino);
		return err;
	case S_IFREG:
		if (ino)
			return -EEXIST;
		err = ramfs_create(dir, name, e->mode, &ino);
		if (!err && e->size && ramfs_write(ino, 0, (const char *)e->data, e->size) < 0)
			err = -ENOMEM;
		return err;
	case S_IFLNK: {
		char target[256];

		if (ino)
			return -EEXIST;
		if (e->size == 0 || e->size >= sizeof(target))
			return -EINVAL;
		memcpy(target, e->data, e->size);
		target[e->size] = 0;
		return ramfs_symlink(dir, name, target);
	}
	default:
		/* Device nodes, fifos and sockets: the kernel makes its own /dev. */
		return 0;
	}
}

int initrd_unpack(const uint8_t *buf, size_t len)
{
	uint8_t *plain = NULL;
	size_t plain_len;
	int err;

	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
		err = gunzip(buf, len, &plain, &plain_len);
		if (err)
			return err;
		buf = plain;
		len = plain_len;
	}
	err = cpio_parse(buf, len, initrd_add_entry, NULL);
	kfree(plain);
	return err;
}
