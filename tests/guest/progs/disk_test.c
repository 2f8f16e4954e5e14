/*
 * The block device tests (tests/guest/scripts/disk.sh, disk2.sh):
 *   disk_test pattern DEV   digests what the host put on the disk, checks
 *       the size ioctls and Linux's error rules, writes the sequence of
 *       disk_pattern.h (a sweep in awkward chunk sizes, then scattered
 *       unaligned writes), fsyncs, reads everything back in other chunk
 *       sizes and compares with a copy kept in memory.  The host checks
 *       the digests it prints and the image left behind.
 *   disk_test parts DISK    the MBR partitions the host made on DISK.
 *   disk_test errors DEV S  sector S of DEV fails in QEMU (blkdebug):
 *       reads and writes touching it are EIO, the rest still works.
 *   disk_test userio        a process executing IN itself gets SIGSEGV:
 *       the kernel's port access (IOPL 1 under PV) is not user mode's.
 */
#define XXH_INLINE_ALL
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "disk_pattern.h"

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

static void check_errors(int fd, uint64_t size)
{
	uint64_t bytes = 0;
	int ssz = 0;
	char buf[100];
	struct stat st;

	memset(buf, 0x5a, sizeof(buf));
	if (fstat(fd, &st) == 0)
		printf("fstat: %s %u:%u\n", S_ISBLK(st.st_mode) ? "block" : "not block",
		       major(st.st_rdev), minor(st.st_rdev));
	report("BLKGETSIZE64", ioctl(fd, BLKGETSIZE64, &bytes));
	printf("size matches: %s\n", bytes == size ? "yes" : "no");
	report("BLKSSZGET", ioctl(fd, BLKSSZGET, &ssz));
	printf("sector size: %d\n", ssz);
	report("BLKGETSIZE64 bad pointer", ioctl(fd, BLKGETSIZE64, (void *)8));
	report("unknown ioctl", ioctl(fd, _IO(0x12, 0x7f), 0));
	printf("SEEK_END is the size: %s\n",
	       lseek(fd, 0, SEEK_END) == (off_t)size ? "yes" : "no");
	report("lseek past the end", lseek(fd, size + 1, SEEK_SET));
	report("pread at the end", pread(fd, buf, sizeof(buf), size));
	report("pread across the end", pread(fd, buf, sizeof(buf), size - 10));
	report("pwrite at the end", pwrite(fd, buf, sizeof(buf), size));
	report("pwrite across the end", pwrite(fd, buf, sizeof(buf), size - 10));
	report("pread negative offset", pread(fd, buf, sizeof(buf), -1));
	report("read into a bad buffer", pread(fd, (void *)8, 512, 0));
	report("write from a bad buffer", pwrite(fd, (void *)8, 512, 0));
}

/* XXH64 of the whole device, read in 1 MiB pieces from offset 0. */
static uint64_t digest_device(int fd, uint64_t size)
{
	static uint8_t buf[1 << 20];
	XXH64_state_t *st = XXH64_createState();
	uint64_t off = 0, h;

	XXH64_reset(st, 0);
	while (off < size) {
		ssize_t r = pread(fd, buf, sizeof(buf), off);

		if (r <= 0) {
			printf("digest read at %llu: %zd\n", (unsigned long long)off, r);
			break;
		}
		XXH64_update(st, buf, r);
		off += r;
	}
	h = XXH64_digest(st);
	XXH64_freeState(st);
	return h;
}

static int write_sequence(int fd, uint8_t *model, uint64_t size)
{
	static uint8_t buf[DISK_MAX_CHUNK];
	struct disk_ops ops;
	struct disk_write w;
	unsigned int n = 0;

	disk_ops_start(&ops, size);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	while (disk_ops_next(&ops, &w)) {
		ssize_t r;

		disk_fill(w.seed, w.off, buf, w.len);
		/* The sweep uses the file offset, the scattered writes pwrite. */
		r = w.seed == DISK_SEED ? write(fd, buf, w.len) : pwrite(fd, buf, w.len, w.off);
		if (r != (ssize_t)w.len) {
			printf("write %u at %llu+%llu: %zd (%s)\n", n,
			       (unsigned long long)w.off, (unsigned long long)w.len, r,
			       strerror(errno));
			return -1;
		}
		memcpy(model + w.off, buf, w.len);
		n++;
	}
	printf("writes: %u\n", n);
	return 0;
}

/* Reads the disk back in chunks of 1..3*512+7 bytes and compares. */
static int verify(int fd, const uint8_t *model, uint64_t size)
{
	static uint8_t buf[3 * 512 + 7];
	uint64_t off = 0, rng = 12345;

	while (off < size) {
		size_t len = 1 + disk_xorshift(&rng) % sizeof(buf);
		ssize_t r = pread(fd, buf, len, off);

		if (r <= 0 || memcmp(buf, model + off, r)) {
			printf("verify: mismatch at %llu (read %zd)\n",
			       (unsigned long long)off, r);
			return -1;
		}
		off += r;
	}
	printf("verify: ok\n");
	return 0;
}

static void show_partition(const char *dev)
{
	char head[17] = { 0 };
	uint64_t size = 0;
	struct stat st;
	int fd = open(dev, O_RDWR);

	if (fd < 0) {
		printf("%s: %s\n", dev, strerror(errno));
		return;
	}
	fstat(fd, &st);
	ioctl(fd, BLKGETSIZE64, &size);
	pread(fd, head, 16, 0);
	printf("%s: %u:%u, %llu bytes, starts with \"%s\"\n", dev, major(st.st_rdev),
	       minor(st.st_rdev), (unsigned long long)size, head);
	report("  pwrite at its end", pwrite(fd, head, 1, size));
	report("  pread across its end", pread(fd, head, 16, size - 3));
	close(fd);
}

static int parts(const char *disk)
{
	char name[64];

	for (int i = 1; i <= 4; i++) {
		snprintf(name, sizeof(name), "%s%d", disk, i);
		show_partition(name);
	}
	return 0;
}

static int errors(const char *dev, long sector)
{
	char buf[4096];
	int fd = open(dev, O_RDWR);

	if (fd < 0) {
		printf("open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	memset(buf, 0xa5, sizeof(buf));
	report("read the bad sector", pread(fd, buf, 512, sector * 512));
	report("read across it", pread(fd, buf, 4096, (sector - 4) * 512));
	report("read the sector before", pread(fd, buf, 512, (sector - 1) * 512));
	report("write the bad sector", pwrite(fd, buf, 512, sector * 512));
	report("write part of it", pwrite(fd, buf, 10, sector * 512 + 5));
	report("read sector 0 after the errors", pread(fd, buf, 512, 0));
	report("fsync", fsync(fd));
	return close(fd) ? 1 : 0;
}

static int user_io(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		unsigned char v;

		asm volatile("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x1f7));
		printf("user inb returned %#x\n", v);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	if (WIFSIGNALED(st))
		printf("user inb: killed by signal %d\n", WTERMSIG(st));
	else
		printf("user inb: exit %d\n", WEXITSTATUS(st));
	return 0;
}

static int pattern(const char *dev)
{
	uint64_t size = 0;
	uint8_t *model;
	int fd = open(dev, O_RDWR);

	if (fd < 0) {
		printf("open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) || !size || !(model = calloc(1, size))) {
		printf("no size\n");
		return 1;
	}
	printf("initial xxh64: %016llx\n", (unsigned long long)digest_device(fd, size));
	check_errors(fd, size);
	if (write_sequence(fd, model, size))
		return 1;
	report("fsync", fsync(fd));
	if (verify(fd, model, size))
		return 1;
	printf("final xxh64: %016llx\n", (unsigned long long)XXH64(model, size, 0));
	printf("device xxh64: %016llx\n", (unsigned long long)digest_device(fd, size));
	return close(fd) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pattern"))
		return pattern(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "parts"))
		return parts(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "errors"))
		return errors(argv[2], atol(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "userio"))
		return user_io();
	fprintf(stderr, "usage: disk_test pattern DEV | parts DISK | errors DEV SECTOR | userio\n");
	return 2;
}
