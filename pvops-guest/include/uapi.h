/*
 * The Linux x86-64 user ABI, taken from the Linux UAPI headers
 * (linux-libc-dev) rather than redefined here.  Only what those headers
 * leave to libc is defined below.
 */
#ifndef GUEST_UAPI_H
#define GUEST_UAPI_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <asm/stat.h>
#include <linux/mman.h>
#include <linux/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <asm/prctl.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <asm/unistd_64.h>
#include <linux/resource.h>
#include <linux/utsname.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/sysinfo.h>
#include <asm/termbits.h>
#include <asm/ioctls.h>
#include <linux/random.h>
#include <linux/prctl.h>
#include <linux/reboot.h>
#include <linux/poll.h>

/* lseek whence values (unistd.h). */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* utimensat special nanosecond values (glibc's sys/stat.h). */
#define UTIME_NOW  ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)

/* Kernel-internal restart codes (never reach user space). */
#define ERESTARTSYS 512

/* The kernel's 64-signal set and rt_sigaction's argument layout. */
#define NSIGS 64
typedef uint64_t ksigset_t;
#define SIGBIT(s) (1ULL << ((s) - 1))

struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	ksigset_t mask;
};

/* getdents64 record (glibc's struct dirent64). */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* struct timeval / timezone as gettimeofday writes them. */
struct k_timeval {
	int64_t tv_sec, tv_usec;
};

/* struct iovec for readv/writev. */
struct k_iovec {
	uint64_t base, len;
};

/* struct pollfd. */
struct k_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* struct winsize (TIOCGWINSZ). */
struct k_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#endif
