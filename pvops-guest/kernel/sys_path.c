/* Path-based system calls: stat, access, mkdir, unlink, rename, links, cwd. */
#include "fs.h"
#include "lib.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

static int lookup_at(int dirfd, uintptr_t upath, int flags, struct inode **out)
{
	char path[4096];
	struct inode *base;
	int err = fd_at_path(dirfd, upath, path, &base);

	if (err)
		return err;
	return path_lookup(fs_root, base, path, flags, out);
}

static int parent_at(int dirfd, uintptr_t upath, struct inode **dir, char *name)
{
	char path[4096];
	struct inode *base;
	int err = fd_at_path(dirfd, upath, path, &base);

	if (err)
		return err;
	return path_parent(fs_root, base, path, dir, name, 256);
}

static int fill_stat(struct inode *ino, uintptr_t ust)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = 1;
	st.st_ino = ino->ino;
	st.st_mode = ino->mode;
	st.st_nlink = S_ISDIR(ino->mode) ? 2 : MAX(ino->nlink, 1u);
	st.st_rdev = ino->rdev;
	st.st_size = S_ISDIR(ino->mode) ? 4096 : ino->size;
	st.st_blksize = 4096;
	st.st_blocks = (ino->size + 511) / 512;
	st.st_atime = st.st_mtime = st.st_ctime = ino->mtime;
	return copy_to_user(ust, &st, sizeof(st));
}

long sys_newfstatat(int dirfd, uintptr_t path, uintptr_t st, int flags)
{
	struct inode *ino;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH) {
		char c;

		if (copy_from_user(&c, path, 1))
			return -EFAULT;
		if (!c) {
			struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);

			if (dirfd == AT_FDCWD)
				return fill_stat(current->cwd, st);
			return f ? fill_stat(f->inode, st) : -EBADF;
		}
	}
	err = lookup_at(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &ino);
	return err ? err : fill_stat(ino, st);
}

long sys_stat(uintptr_t path, uintptr_t st) { return sys_newfstatat(AT_FDCWD, path, st, 0); }
long sys_lstat(uintptr_t path, uintptr_t st) { return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }

long sys_fstat(int fd, uintptr_t st)
{
	struct file *f = fd_get(fd);

	return f ? fill_stat(f->inode, st) : -EBADF;
}

/* Everyone is root: only existence, and execute permission, are checked. */
long sys_faccessat2(int dirfd, uintptr_t path, int mode, int flags)
{
	struct inode *ino;
	int err;

	if (mode & ~7 || flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_at(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &ino);
	if (err)
		return err;
	if ((mode & 1) && !S_ISDIR(ino->mode) && !(ino->mode & 0111))
		return -EACCES;
	return 0;
}

long sys_faccessat(int dirfd, uintptr_t path, int mode) { return sys_faccessat2(dirfd, path, mode, 0); }
long sys_access(uintptr_t path, int mode) { return sys_faccessat2(AT_FDCWD, path, mode, 0); }

long sys_mkdirat(int dirfd, uintptr_t path, unsigned int mode)
{
	struct inode *dir;
	char name[256];
	int err = parent_at(dirfd, path, &dir, name);

	if (err)
		return err;
	return ramfs_create(dir, name, S_IFDIR | (mode & 07777 & ~current->umask), NULL);
}

long sys_mkdir(uintptr_t path, unsigned int mode) { return sys_mkdirat(AT_FDCWD, path, mode); }

long sys_unlinkat(int dirfd, uintptr_t path, int flags)
{
	struct inode *dir;
	char name[256];
	int err;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	err = parent_at(dirfd, path, &dir, name);
	if (err)
		return err;
	return ramfs_unlink(dir, name, flags & AT_REMOVEDIR);
}

long sys_unlink(uintptr_t path) { return sys_unlinkat(AT_FDCWD, path, 0); }
long sys_rmdir(uintptr_t path) { return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

long sys_renameat2(int ofd, uintptr_t from, int nfd, uintptr_t to, unsigned int flags)
{
	struct inode *odir, *ndir;
	char oname[256], nname[256];
	int err;

	if (flags)
		return -EINVAL;
	err = parent_at(ofd, from, &odir, oname);
	if (!err)
		err = parent_at(nfd, to, &ndir, nname);
	if (err)
		return err;
	return ramfs_rename(odir, oname, ndir, nname);
}

long sys_renameat(int ofd, uintptr_t from, int nfd, uintptr_t to) { return sys_renameat2(ofd, from, nfd, to, 0); }
long sys_rename(uintptr_t from, uintptr_t to) { return sys_renameat2(AT_FDCWD, from, AT_FDCWD, to, 0); }

long sys_link(uintptr_t from, uintptr_t to)
{
	struct inode *ino, *dir;
	char name[256];
	int err = lookup_at(AT_FDCWD, from, 0, &ino);

	if (err)
		return err;
	if (S_ISDIR(ino->mode))
		return -EPERM;
	err = parent_at(AT_FDCWD, to, &dir, name);
	return err ? err : ramfs_link(dir, name, ino);
}

long sys_symlinkat(uintptr_t utarget, int dirfd, uintptr_t path)
{
	char target[512], name[256];
	struct inode *dir;
	long n = strncpy_from_user(target, utarget, sizeof(target));
	int err;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	err = parent_at(dirfd, path, &dir, name);
	return err ? err : ramfs_symlink(dir, name, target);
}

long sys_symlink(uintptr_t target, uintptr_t path) { return sys_symlinkat(target, AT_FDCWD, path); }

long sys_readlinkat(int dirfd, uintptr_t path, uintptr_t buf, size_t n)
{
	struct inode *ino;
	int err = lookup_at(dirfd, path, 0, &ino);

	if (err)
		return err;
	if (!S_ISLNK(ino->mode))
		return -EINVAL;
	if ((long)n <= 0)
		return -EINVAL;
	n = MIN(n, ino->size);
	return copy_to_user(buf, ino->data, n) ? -EFAULT : (long)n;
}

long sys_readlink(uintptr_t path, uintptr_t buf, size_t n) { return sys_readlinkat(AT_FDCWD, path, buf, n); }

static long set_cwd(struct inode *ino)
{
	if (!S_ISDIR(ino->mode))
		return -ENOTDIR;
	inode_get(ino);
	inode_put(current->cwd);
	current->cwd = ino;
	return 0;
}

long sys_chdir(uintptr_t path)
{
	struct inode *ino;
	int err = lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);

	return err ? err : set_cwd(ino);
}

long sys_fchdir(int fd)
{
	struct file *f = fd_get(fd);

	return f ? set_cwd(f->inode) : -EBADF;
}

long sys_getcwd(uintptr_t buf, size_t n)
{
	char path[4096];
	int len = path_of(fs_root, current->cwd, path, sizeof(path));

	if (len < 0)
		return len;
	if ((size_t)len > n)
		return -ERANGE;
	return copy_to_user(buf, path, len) ? -EFAULT : len;
}

long sys_umask(unsigned int mask)
{
	unsigned int old = current->umask;

	current->umask = mask & 0777;
	return old;
}

static long set_mode(struct inode *ino, unsigned int mode)
{
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	return 0;
}

long sys_fchmodat(int dirfd, uintptr_t path, unsigned int mode)
{
	struct inode *ino;
	int err = lookup_at(dirfd, path, LOOKUP_FOLLOW, &ino);

	return err ? err : set_mode(ino, mode);
}

long sys_chmod(uintptr_t path, unsigned int mode) { return sys_fchmodat(AT_FDCWD, path, mode); }

long sys_fchmod(int fd, unsigned int mode)
{
	struct file *f = fd_get(fd);

	return f ? set_mode(f->inode, mode) : -EBADF;
}

long sys_truncate(uintptr_t path, int64_t len)
{
	struct inode *ino;
	int err = lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);

	if (err)
		return err;
	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	return ramfs_truncate(ino, len);
}

/* Only the modification time is kept (ramfs has one timestamp). */
long sys_utimensat(int dirfd, uintptr_t path, uintptr_t utimes, int flags)
{
	struct inode *ino;
	struct __kernel_timespec ts[2];
	int err;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	if (path) {
		err = lookup_at(dirfd, path, flags ? 0 : LOOKUP_FOLLOW, &ino);
		if (err)
			return err;
	} else {
		struct file *f = fd_get(dirfd);

		if (!f)
			return -EBADF;
		ino = f->inode;
	}
	if (!utimes) {
		ino->mtime = time_wall_ns() / 1000000000;
		return 0;
	}
	if (copy_from_user(ts, utimes, sizeof(ts)))
		return -EFAULT;
	if (ts[1].tv_nsec == UTIME_NOW)
		ino->mtime = time_wall_ns() / 1000000000;
	else if (ts[1].tv_nsec != UTIME_OMIT)
		ino->mtime = ts[1].tv_sec;
	return 0;
}
