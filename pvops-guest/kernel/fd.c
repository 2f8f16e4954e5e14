/* The per-process descriptor table and *at() path bases. */
#include "fs.h"
#include "lib.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

struct file *fd_get(int fd)
{
	if (fd < 0 || fd >= NOFILE)
		return NULL;
	return current->files[fd];
}

/* Installs f at the lowest free descriptor >= min; consumes the reference. */
int fd_install(struct file *f, int min, bool cloexec)
{
	for (int fd = MAX(min, 0); fd < NOFILE; fd++) {
		if (current->files[fd])
			continue;
		current->files[fd] = f;
		if (cloexec)
			current->cloexec |= 1UL << fd;
		else
			current->cloexec &= ~(1UL << fd);
		return fd;
	}
	file_put(f);
	return -EMFILE;
}

/*
 * Copies a user path (PATH_MAX buffer) and picks the directory relative
 * paths start from: the cwd for AT_FDCWD, else the directory dirfd names.
 */
int fd_at_path(int dirfd, uintptr_t upath, char *path, struct inode **base)
{
	long n = strncpy_from_user(path, upath, 4096);

	if (n < 0)
		return n;
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*base = current->cwd;
		return 0;
	}
	struct file *f = fd_get(dirfd);

	if (!f)
		return -EBADF;
	if (!f->inode || !S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	*base = f->inode;
	return 0;
}
