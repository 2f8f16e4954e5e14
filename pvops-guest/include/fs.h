/*
 * The in-memory file system: inodes (ramfs files, directories, symlinks,
 * character devices, pipes), open files, and path lookup.  ramfs.c and
 * path.c use only the kernel heap, so the host unit tests run them as is.
 */
#ifndef GUEST_FS_H
#define GUEST_FS_H

#include "kernel.h"

#if __STDC_HOSTED__
#include <sys/stat.h>     /* host unit tests: glibc hides the UAPI S_IF* macros */
#else
#include <linux/stat.h>
#endif

typedef long ssize_t;
struct file;
struct inode;
struct vma;

struct file_ops {
	/* Kernel buffers; offsets in file->off.  Blocking is the op's business. */
	ssize_t (*read)(struct file *f, char *buf, size_t n);
	ssize_t (*write)(struct file *f, const char *buf, size_t n);
	long (*ioctl)(struct file *f, unsigned int cmd, uintptr_t arg);
	unsigned int (*poll)(struct file *f);  /* POLLIN/POLLOUT/POLLHUP now */
	void (*release)(struct file *f);
	/* Devices: sets up f->priv at open; on failure release is not called. */
	int (*open)(struct file *f);
	/* Devices: a new area v (MAP_SHARED or MAP_PRIVATE in flags) of this file. */
	int (*mmap)(struct file *f, struct vma *v, unsigned long flags);
	/* Devices with a write cache (block devices); NULL: nothing to do. */
	int (*fsync)(struct file *f);
	/* Never short, never blocking (/dev/null, /dev/zero): a read or write
	 * moves all n bytes, as on Linux, not one bounce buffer's worth. */
	bool complete;
};

struct dentry {
	char *name;
	struct inode *inode;
	struct dentry *next;
};

struct inode {
	unsigned int mode;          /* S_IF* | permission bits */
	uint64_t ino;
	unsigned int nlink;         /* directory entries naming it */
	unsigned int refs;          /* open files, mappings, cwds, lookups */
	uint64_t size;
	char *data;                 /* file contents or symlink target */
	size_t cap;
	struct dentry *children;    /* directories */
	struct inode *parent;       /* directories: ".." */
	unsigned int rdev;          /* character devices */
	const struct file_ops *fops;
	void *priv;
	int64_t mtime;
};

struct file {
	struct inode *inode;
	uint64_t off;
	unsigned int flags;         /* O_* status flags */
	unsigned int refs;
	const struct file_ops *ops;
	void *priv;
};

/* ramfs.c */
void inode_get(struct inode *ino);
void inode_put(struct inode *ino);
extern struct inode *fs_root;
void ramfs_init(void);
struct inode *ramfs_new_inode(unsigned int mode);
struct inode *ramfs_lookup(struct inode *dir, const char *name, size_t len);
int ramfs_link(struct inode *dir, const char *name, struct inode *ino);
int ramfs_unlink(struct inode *dir, const char *name, bool want_dir);
int ramfs_create(struct inode *dir, const char *name, unsigned int mode,
		 struct inode **out);
int ramfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
		 const char *nname);
int ramfs_truncate(struct inode *ino, uint64_t size);
ssize_t ramfs_read(struct inode *ino, uint64_t off, char *buf, size_t n);
ssize_t ramfs_write(struct inode *ino, uint64_t off, const char *buf, size_t n);
int ramfs_symlink(struct inode *dir, const char *name, const char *target);
extern int64_t (*fs_clock)(void);

/* path.c: lookups from the root or a directory. */
#define LOOKUP_FOLLOW 1             /* follow a final symlink */
#define MAX_SYMLINKS 8
int path_lookup(struct inode *root, struct inode *cwd, const char *path,
		int flags, struct inode **out);
int path_parent(struct inode *root, struct inode *cwd, const char *path,
		struct inode **dir, char *name, size_t name_max);
int path_of(struct inode *root, struct inode *dir, char *buf, size_t size);

/* file.c */
struct file *file_new(struct inode *ino, unsigned int flags, const struct file_ops *ops);
void file_get(struct file *f);
void file_put(struct file *f);
extern const struct file_ops ramfs_file_ops;
extern const struct file_ops ramfs_dir_ops;

/* initrd.c, cpio.c, inflate.c */
struct cpio_entry {
	const char *name;
	unsigned int mode;
	const uint8_t *data;
	size_t size;
};
int cpio_parse(const uint8_t *buf, size_t len,
	       int (*fn)(void *arg, const struct cpio_entry *e), void *arg);
int gunzip(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);
int inflate_raw(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
		size_t *out_len);
int initrd_unpack(const uint8_t *buf, size_t len);
int initrd_add_entry(void *arg, const struct cpio_entry *e);

/* Devices: console tty, null, zero; pipes. */
void devices_init(void);
void dev_mknod(struct inode *dir, const char *name, unsigned int rdev,
	       const struct file_ops *ops);
/* Any device node: mode is S_IFCHR or S_IFBLK with permission bits. */
struct inode *dev_mknod_mode(struct inode *dir, const char *name, unsigned int mode,
			     unsigned int rdev, const struct file_ops *ops);
int pipe_create(struct file **rd, struct file **wr);

#endif
