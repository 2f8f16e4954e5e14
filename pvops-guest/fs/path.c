/*
 * Path resolution over ramfs: absolute and relative paths, ".", "..",
 * repeated slashes, and symbolic links (relative to their directory, at most
 * MAX_SYMLINKS deep).  No reference counting here: callers take a
 * reference on what they keep.
 */
#include <linux/errno.h>

#include "fs.h"
#include "lib.h"

#define NAME_MAX_LEN 255
#define PATH_MAX_LEN 4096

static int walk(struct inode *root, struct inode *dir, const char *path, int flags,
		int depth, struct inode **out);

/* Resolves a symlink found in dir; follows further links in its target. */
static int follow(struct inode *root, struct inode *dir, struct inode *link,
		  int depth, struct inode **out)
{
	char target[512];

	if (depth >= MAX_SYMLINKS)
		return -ELOOP;
	if (link->size == 0 || link->size >= sizeof(target))
		return -ENOENT;
	memcpy(target, link->data, link->size);
	target[link->size] = 0;
	return walk(root, dir, target, LOOKUP_FOLLOW, depth + 1, out);
}

static int walk(struct inode *root, struct inode *dir, const char *path, int flags,
		int depth, struct inode **out)
{
	struct inode *cur = path[0] == '/' ? root : dir;

	if (!path[0])
		return -ENOENT;
	for (;;) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		const char *end = path;

		while (*end && *end != '/')
			end++;
		size_t len = end - path;
		bool last = true;

		for (const char *p = end; *p; p++)
			if (*p != '/') {
				last = false;
				break;
			}
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		if (len > NAME_MAX_LEN)
			return -ENAMETOOLONG;
		if (len == 1 && path[0] == '.') {
			/* stay */
		} else if (len == 2 && path[0] == '.' && path[1] == '.') {
			if (cur != root)
				cur = cur->parent;
		} else {
			struct inode *next = ramfs_lookup(cur, path, len);

			if (!next)
				return -ENOENT;
			if (S_ISLNK(next->mode) && (!last || (flags & LOOKUP_FOLLOW) || *end)) {
				int err = follow(root, cur, next, depth, &next);

				if (err)
					return err;
			}
			cur = next;
		}
		path = end;
	}
	*out = cur;
	return 0;
}

int path_lookup(struct inode *root, struct inode *cwd, const char *path, int flags,
		struct inode **out)
{
	if (strnlen(path, PATH_MAX_LEN) >= PATH_MAX_LEN)
		return -ENAMETOOLONG;
	return walk(root, cwd, path, flags, 0, out);
}

/*
 * Splits path into its directory (resolved) and final name.  Trailing
 * slashes are allowed (for mkdir "a/"); "." and ".." as final names are
 * refused since they cannot be created or removed.
 */
int path_parent(struct inode *root, struct inode *cwd, const char *path,
		struct inode **dir, char *name, size_t name_max)
{
	size_t len = strnlen(path, PATH_MAX_LEN);
	char buf[PATH_MAX_LEN];
	size_t end, start;
	int err;

	if (len == 0)
		return -ENOENT;
	if (len >= PATH_MAX_LEN)
		return -ENAMETOOLONG;
	end = len;
	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start == 0)
		return -EEXIST;    /* the root itself, which always exists */
	if (end - start >= name_max || end - start > NAME_MAX_LEN)
		return -ENAMETOOLONG;
	memcpy(name, path + start, end - start);
	name[end - start] = 0;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (start == 0) {
		*dir = cwd;
	} else {
		memcpy(buf, path, start);
		buf[start] = 0;
		err = walk(root, cwd, buf, LOOKUP_FOLLOW, 0, dir);
		if (err)
			return err;
	}
	return S_ISDIR((*dir)->mode) ? 0 : -ENOTDIR;
}

/* Writes the absolute path of directory dir (for getcwd). */
int path_of(struct inode *root, struct inode *dir, char *buf, size_t size)
{
	char tmp[PATH_MAX_LEN];
	size_t pos = sizeof(tmp) - 1;

	tmp[pos] = 0;
	while (dir != root) {
		struct inode *parent = dir->parent;
		struct dentry *d = parent->children;

		while (d && d->inode != dir)
			d = d->next;
		if (!d || parent == dir)
			return -ENOENT;     /* removed directory */
		size_t n = strlen(d->name);

		if (n + 1 > pos)
			return -ENAMETOOLONG;
		pos -= n;
		memcpy(tmp + pos, d->name, n);
		tmp[--pos] = '/';
		dir = parent;
	}
	if (pos == sizeof(tmp) - 1)
		tmp[--pos] = '/';
	if (sizeof(tmp) - pos > size)
		return -ERANGE;
	memcpy(buf, tmp + pos, sizeof(tmp) - pos);
	return sizeof(tmp) - pos;
}
