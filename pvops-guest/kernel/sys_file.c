/* File-descriptor system calls: I/O, descriptors, pipes, directories, polling. */
#include "fs.h"
#include "inet_sock.h"
#include "kalloc.h"
#include "lib.h"
#include "proc.h"
#include "syscalls.h"
#include "uaccess.h"

#define IO_CHUNK 4096
#define BLK_IO_CHUNK (64 * 1024)

/*
 * The bounce buffer of one read or write and its size (*chunk).  A block
 * device gets up to BLK_IO_CHUNK at once, so that its driver sees requests
 * as large as the caller's (one DMA transfer each), or IO_CHUNK when that
 * many contiguous frames are not to be had.
 */
static char *io_buffer(struct file *f, size_t n, size_t *chunk)
{
	if (S_ISBLK(f->inode->mode) && n > IO_CHUNK) {
		size_t want = MIN(PAGE_UP(n), (size_t)BLK_IO_CHUNK);
		char *k = kmalloc(want);

		if (k) {
			*chunk = want;
			return k;
		}
	}
	*chunk = IO_CHUNK;
	return kmalloc(IO_CHUNK);
}

static bool can_read(struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
static bool can_write(struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }
/* Regular files and block devices: offsets, pread/pwrite, full transfers. */
static bool seekable(struct file *f) { return S_ISREG(f->inode->mode) || S_ISBLK(f->inode->mode); }
static bool whole_transfers(struct file *f) { return seekable(f) || f->ops->complete; }

/*
 * Moves data through a kernel bounce buffer.  Regular files, block devices
 * and /dev/null and /dev/zero loop until n bytes or EOF; other devices and
 * pipes return after one transfer (as short reads/writes do on Linux).
 */
static long do_read(struct file *f, uintptr_t buf, size_t n)
{
	char *k;
	size_t chunk;
	long total = 0;

	if (!f)
		return -EBADF;
	if (!can_read(f) || !f->ops->read)
		return -EBADF;
	k = io_buffer(f, n, &chunk);
	if (!k)
		return -ENOMEM;
	while ((size_t)total < n) {
		ssize_t r = f->ops->read(f, k, MIN(n - total, chunk));

		if (r < 0) {
			if (!total)
				total = r;
			break;
		}
		if (r > 0 && copy_to_user(buf + total, k, r)) {
			total = total ? total : -EFAULT;
			break;
		}
		total += r;
		if (r == 0 || !whole_transfers(f))
			break;
	}
	kfree(k);
	return total;
}

static long do_write(struct file *f, uintptr_t buf, size_t n)
{
	char *k;
	size_t chunk;
	long total = 0;

	if (!f)
		return -EBADF;
	if (!can_write(f) || !f->ops->write)
		return -EBADF;
	k = io_buffer(f, n, &chunk);
	if (!k)
		return -ENOMEM;
	while ((size_t)total < n) {
		size_t len = MIN(n - total, chunk);

		if (copy_from_user(k, buf + total, len)) {
			total = total ? total : -EFAULT;
			break;
		}
		ssize_t r = f->ops->write(f, k, len);

		if (r < 0) {
			if (!total)
				total = r;
			break;
		}
		total += r;
		if ((size_t)r < len)
			break;
	}
	kfree(k);
	return total;
}

/* A datagram socket moves whole datagrams, not IO_CHUNK pieces. */
long sys_read(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fd_get(fd);

	/* A zero-length read takes no datagram, as on Linux. */
	if (inet_sock_of(f))
		return n ? sys_recvfrom(fd, buf, n, 0, 0, 0) : 0;
	return do_read(f, buf, n);
}

long sys_write(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fd_get(fd);

	return inet_sock_of(f) ? sys_sendto(fd, buf, n, 0, 0, 0) : do_write(f, buf, n);
}

static long positioned(int fd, uintptr_t buf, size_t n, int64_t off, bool write)
{
	struct file *f = fd_get(fd);
	uint64_t saved;
	long r;

	if (!f)
		return -EBADF;
	if (!seekable(f))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	saved = f->off;
	f->off = off;
	r = write ? do_write(f, buf, n) : do_read(f, buf, n);
	f->off = saved;
	return r;
}

long sys_pread64(int fd, uintptr_t buf, size_t n, int64_t off) { return positioned(fd, buf, n, off, false); }
long sys_pwrite64(int fd, uintptr_t buf, size_t n, int64_t off) { return positioned(fd, buf, n, off, true); }

static long vector_io(int fd, uintptr_t uiov, int cnt, bool write)
{
	struct file *f = fd_get(fd);
	long total = 0;

	if (!f)
		return -EBADF;
	if (inet_sock_of(f))
		return inet_vector_io(f->priv, f->flags & O_NONBLOCK, uiov, cnt, write);
	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	for (int i = 0; i < cnt; i++) {
		struct k_iovec v;

		if (copy_from_user(&v, uiov + i * sizeof(v), sizeof(v)))
			return total ? total : -EFAULT;
		if (v.len == 0)
			continue;
		long r = write ? do_write(f, v.base, v.len) : do_read(f, v.base, v.len);

		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v.len)
			break;
	}
	return total;
}

long sys_readv(int fd, uintptr_t iov, int cnt) { return vector_io(fd, iov, cnt, false); }
long sys_writev(int fd, uintptr_t iov, int cnt) { return vector_io(fd, iov, cnt, true); }

long sys_openat(int dirfd, uintptr_t upath, int flags, unsigned int mode)
{
	char path[4096], name[256];
	struct inode *base, *ino, *dir;
	int err = fd_at_path(dirfd, upath, path, &base);

	if (err)
		return err;
	err = path_lookup(fs_root, base, path, (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
	if (err == -ENOENT && (flags & O_CREAT)) {
		err = path_parent(fs_root, base, path, &dir, name, sizeof(name));
		if (err)
			return err;
		err = ramfs_create(dir, name, S_IFREG | (mode & 07777 & ~current->umask), &ino);
		if (err)
			return err;
	} else if (err) {
		return err;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		return -EEXIST;
	}
	if (S_ISLNK(ino->mode))
		return -ELOOP;
	if (S_ISSOCK(ino->mode))
		return -ENXIO;          /* a bound AF_UNIX name: connect() it */
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (S_ISDIR(ino->mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if ((flags & O_TRUNC) && S_ISREG(ino->mode) && (flags & O_ACCMODE) != O_RDONLY)
		ramfs_truncate(ino, 0);
	struct file *f = file_new(ino, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), ino->fops);

	if (!f)
		return -ENOMEM;
	if (f->ops->open) {
		err = f->ops->open(f);
		if (err) {
			f->ops = &ramfs_file_ops;   /* nothing of the device's to release */
			file_put(f);
			return err;
		}
	}
	return fd_install(f, 0, flags & O_CLOEXEC);
}

long sys_open(uintptr_t path, int flags, unsigned int mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_creat(uintptr_t path, unsigned int mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	current->files[fd] = NULL;
	current->cloexec &= ~(1UL << fd);
	file_put(f);
	return 0;
}

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = fd_get(fd);
	int64_t base;

	if (!f)
		return -EBADF;
	if (!seekable(f) && !S_ISDIR(f->inode->mode))
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->off; break;
	case SEEK_END: base = f->inode->size; break;
	default: return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	/* A block device's size is fixed: no seeking past its end (Linux). */
	if (S_ISBLK(f->inode->mode) && (uint64_t)(base + off) > f->inode->size)
		return -EINVAL;
	f->off = base + off;
	return f->off;
}

long sys_dup(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	file_get(f);
	return fd_install(f, 0, false);
}

long sys_dup3(int fd, int nfd, int flags)
{
	struct file *f = fd_get(fd);

	if (!f || nfd < 0 || nfd >= NOFILE)
		return -EBADF;
	if (flags & ~O_CLOEXEC || fd == nfd)
		return -EINVAL;
	file_get(f);
	if (current->files[nfd])
		file_put(current->files[nfd]);
	current->files[nfd] = f;
	if (flags & O_CLOEXEC)
		current->cloexec |= 1UL << nfd;
	else
		current->cloexec &= ~(1UL << nfd);
	return nfd;
}

long sys_dup2(int fd, int nfd)
{
	if (fd == nfd)
		return fd_get(fd) ? fd : -EBADF;
	return sys_dup3(fd, nfd, 0);
}

long sys_fcntl(int fd, int cmd, uintptr_t arg)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= NOFILE)
			return -EINVAL;
		file_get(f);
		return fd_install(f, arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return (current->cloexec >> fd) & 1 ? FD_CLOEXEC : 0;
	case F_SETFD:
		if (arg & FD_CLOEXEC)
			current->cloexec |= 1UL << fd;
		else
			current->cloexec &= ~(1UL << fd);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK));
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_ioctl(int fd, unsigned int cmd, uintptr_t arg)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}

long sys_pipe2(uintptr_t ufds, int flags)
{
	struct file *rd, *wr;
	int fds[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create(&rd, &wr);
	if (err)
		return err;
	rd->flags |= flags & O_NONBLOCK;
	wr->flags |= flags & O_NONBLOCK;
	fds[0] = fd_install(rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		sys_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		sys_close(fds[0]);
		sys_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(uintptr_t fds) { return sys_pipe2(fds, 0); }

static unsigned char dtype(unsigned int mode)
{
	return (mode & S_IFMT) >> 12;   /* DT_* equals the S_IFMT nibble */
}

/* f->off counts entries: 0 ".", 1 "..", then the children in list order. */
long sys_getdents64(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fd_get(fd);
	char k[512];
	size_t used = 0;

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	for (;;) {
		struct inode *ino;
		const char *name;
		uint64_t idx = f->off;

		if (idx == 0) {
			name = ".";
			ino = f->inode;
		} else if (idx == 1) {
			name = "..";
			ino = f->inode->parent;
		} else {
			struct dentry *d = f->inode->children;

			for (uint64_t i = 2; d && i < idx; i++)
				d = d->next;
			if (!d)
				break;
			name = d->name;
			ino = d->inode;
		}
		size_t len = strlen(name);
		size_t rec = (sizeof(struct linux_dirent64) + len + 1 + 7) & ~7UL;
		struct linux_dirent64 *de = (struct linux_dirent64 *)k;

		if (used + rec > n)
			return used ? (long)used : -EINVAL;
		memset(k, 0, rec);
		de->d_ino = ino->ino;
		de->d_off = idx + 1;
		de->d_reclen = rec;
		de->d_type = dtype(ino->mode);
		memcpy(de->d_name, name, len + 1);
		if (copy_to_user(buf + used, k, rec))
			return -EFAULT;
		used += rec;
		f->off++;
	}
	return used;
}

long sys_sendfile(int out, int in, uintptr_t offp, size_t n)
{
	struct file *fi = fd_get(in), *fo = fd_get(out);
	char *k;
	long total = 0;
	int64_t off = 0;

	if (!fi || !fo)
		return -EBADF;
	if (!can_read(fi) || !can_write(fo) || !fi->ops->read || !fo->ops->write)
		return -EBADF;
	if (offp) {
		if (copy_from_user(&off, offp, sizeof(off)))
			return -EFAULT;
		if (!S_ISREG(fi->inode->mode) || off < 0)
			return -EINVAL;
	}
	k = kmalloc(IO_CHUNK);
	if (!k)
		return -ENOMEM;
	uint64_t saved = fi->off;

	if (offp)
		fi->off = off;
	while ((size_t)total < n) {
		ssize_t r = fi->ops->read(fi, k, MIN(n - total, (size_t)IO_CHUNK));

		if (r <= 0) {
			if (r < 0 && !total)
				total = r;
			break;
		}
		ssize_t w = fo->ops->write(fo, k, r);

		if (w < 0) {
			if (!total)
				total = w;
			break;
		}
		total += w;
		/* Like read(): one transfer from a device or pipe (an EOF must not be eaten). */
		if (w < r || !S_ISREG(fi->inode->mode))
			break;
	}
	if (offp) {
		off = fi->off;
		fi->off = saved;
		copy_to_user(offp, &off, sizeof(off));
	}
	kfree(k);
	return total;
}

long sys_ftruncate(int fd, int64_t len)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (len < 0 || !can_write(f))
		return -EINVAL;
	return ramfs_truncate(f->inode, len);
}

long sys_fsync(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	/* ramfs has nothing to write back; a disk flushes its cache. */
	return f->ops->fsync ? f->ops->fsync(f) : 0;
}

long sys_sync(void)
{
	return 0;
}

/*
 * poll: checks every descriptor, then sleeps until any tty/pipe activity
 * (every wakeup also wakes poll sleepers) or the timeout, and checks again.
 */
static long do_poll(struct k_pollfd *pfds, unsigned int n, int64_t timeout_ns)
{
	uint64_t deadline = timeout_ns > 0 ? time_now_ns() + timeout_ns : 0;
	extern int poll_waitq;

	for (;;) {
		int ready = 0;

		for (unsigned int i = 0; i < n; i++) {
			struct file *f = fd_get(pfds[i].fd);

			pfds[i].revents = 0;
			if (pfds[i].fd < 0)
				continue;
			if (!f) {
				pfds[i].revents = POLLNVAL;
			} else {
				unsigned int m = f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT;

				pfds[i].revents = m & (pfds[i].events | POLLHUP | POLLERR);
			}
			if (pfds[i].revents)
				ready++;
		}
		if (ready || timeout_ns == 0)
			return ready;
		if (deadline && time_now_ns() >= deadline)
			return 0;
		if (sleep_until(&poll_waitq, deadline))
			return -EINTR;
	}
}

static long poll_user(uintptr_t ufds, unsigned int n, int64_t timeout_ns)
{
	struct k_pollfd pfds[NOFILE];
	long r;

	if (n > NOFILE)
		return -EINVAL;
	if (copy_from_user(pfds, ufds, n * sizeof(pfds[0])))
		return -EFAULT;
	r = do_poll(pfds, n, timeout_ns);
	if (r >= 0 && copy_to_user(ufds, pfds, n * sizeof(pfds[0])))
		return -EFAULT;
	return r;
}

long sys_poll(uintptr_t fds, unsigned int n, int timeout_ms)
{
	return poll_user(fds, n, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}

static int64_t timeout_from_ts(uintptr_t uts, long *err)
{
	struct __kernel_timespec ts;

	*err = 0;
	if (!uts)
		return -1;
	if (copy_from_user(&ts, uts, sizeof(ts))) {
		*err = -EFAULT;
		return 0;
	}
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) {
		*err = -EINVAL;
		return 0;
	}
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ppoll/pselect6: the temporary signal mask applies while waiting. */
static long with_mask(uintptr_t umask, size_t size)
{
	ksigset_t m;

	if (!umask)
		return 0;
	if (size != sizeof(m))
		return -EINVAL;
	if (copy_from_user(&m, umask, sizeof(m)))
		return -EFAULT;
	current->saved_mask = current->sig_blocked;
	current->restore_saved_mask = true;
	current->sig_blocked = m & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	return 0;
}

long sys_ppoll(uintptr_t fds, unsigned int n, uintptr_t ts, uintptr_t mask, size_t sz)
{
	long err;
	int64_t t = timeout_from_ts(ts, &err);

	if (err)
		return err;
	err = with_mask(mask, sz);
	if (err)
		return err;
	return poll_user(fds, n, t);
}

static long do_select(int n, uintptr_t ur, uintptr_t uw, uintptr_t ue, int64_t timeout_ns)
{
	uint64_t r = 0, w = 0, e = 0;
	struct k_pollfd pfds[NOFILE];
	unsigned int cnt = 0;
	long ready;

	if (n < 0 || n > NOFILE)
		return -EINVAL;
	if ((ur && copy_from_user(&r, ur, 8)) || (uw && copy_from_user(&w, uw, 8)) ||
	    (ue && copy_from_user(&e, ue, 8)))
		return -EFAULT;
	for (int fd = 0; fd < n; fd++) {
		short ev = ((r >> fd) & 1 ? POLLIN : 0) | ((w >> fd) & 1 ? POLLOUT : 0);

		if (!ev && !((e >> fd) & 1))
			continue;
		if (!fd_get(fd))
			return -EBADF;
		pfds[cnt++] = (struct k_pollfd){ fd, ev, 0 };
	}
	ready = do_poll(pfds, cnt, timeout_ns);
	if (ready < 0)
		return ready;
	r = w = e = 0;
	ready = 0;
	for (unsigned int i = 0; i < cnt; i++) {
		int fd = pfds[i].fd;

		if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR) & (pfds[i].events | POLLHUP | POLLERR) &&
		    (pfds[i].events & POLLIN))
			r |= 1UL << fd, ready++;
		if (pfds[i].revents & (POLLOUT | POLLERR) && (pfds[i].events & POLLOUT))
			w |= 1UL << fd, ready++;
	}
	if ((ur && copy_to_user(ur, &r, 8)) || (uw && copy_to_user(uw, &w, 8)) ||
	    (ue && copy_to_user(ue, &e, 8)))
		return -EFAULT;
	return ready;
}

long sys_select(int n, uintptr_t r, uintptr_t w, uintptr_t e, uintptr_t utv)
{
	int64_t t = -1;

	if (utv) {
		struct k_timeval tv;

		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		t = tv.tv_sec * 1000000000LL + tv.tv_usec * 1000;
	}
	return do_select(n, r, w, e, t);
}

long sys_pselect6(int n, uintptr_t r, uintptr_t w, uintptr_t e, uintptr_t ts, uintptr_t um)
{
	struct { uint64_t set, size; } m = { 0, 0 };
	long err;
	int64_t t = timeout_from_ts(ts, &err);

	if (err)
		return err;
	if (um && copy_from_user(&m, um, sizeof(m)))
		return -EFAULT;
	err = with_mask(m.set, m.size);
	if (err)
		return err;
	return do_select(n, r, w, e, t);
}
