/*
 * Block I/O: one read or write of a fixed size at a sequential or random
 * block-aligned offset of the disk under test, through the kernel's block
 * device file (pvops-guest has no page cache: every call reaches the
 * driver).  One program, installed under one name per pattern:
 *
 *   blk_{seq,rand}_{read,write}_{4k,64k}
 *
 * The name picks the pattern and is the benchmark's name.  The disk is
 * /dev/xvda when there is one (a PV domU's blkfront), else /dev/sda (IDE,
 * natively or as dom0); the first REGION_BYTES of it are used.  Writes
 * store a fixed text pattern and are not flushed (QEMU's write-back cache
 * takes them, as it takes every configuration's).  The disk is opened
 * O_DIRECT with a page-aligned buffer so that Linux, which has a page
 * cache, sends every call to its driver as pvops-guest does (pvops-guest
 * ignores the flag).
 */
#include "bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>

#define REGION_BYTES (32ULL << 20)
#define MAX_BLOCK    (64 * 1024)

static const char *const disks[] = { "/dev/xvda", "/dev/sda" };

static struct {
	int fd;
	int write, random;
	uint64_t block, blocks, next;
	uint32_t rng;
	uint8_t *buf;
} io = { .fd = -1 };

static uint64_t next_offset(void)
{
	uint64_t b;

	if (io.random) {
		io.rng ^= io.rng << 13;
		io.rng ^= io.rng >> 17;
		io.rng ^= io.rng << 5;
		b = io.rng % io.blocks;
	} else {
		b = io.next;
		io.next = (io.next + 1) % io.blocks;
	}
	return b * io.block;
}

static int open_disk(const char *progdir)
{
	uint64_t bytes = 0;
	const char *path = NULL;

	(void)progdir;
	for (size_t i = 0; i < sizeof(disks) / sizeof(disks[0]) && io.fd < 0; i++) {
		path = disks[i];
		io.fd = open(path, (io.write ? O_RDWR : O_RDONLY) | O_DIRECT);
	}
	if (io.fd < 0)
		return bench_fail("no disk to measure: open /dev/xvda and /dev/sda");
	if (ioctl(io.fd, BLKGETSIZE64, &bytes))
		return bench_fail("BLKGETSIZE64");
	if (bytes > REGION_BYTES)
		bytes = REGION_BYTES;
	io.blocks = bytes / io.block;
	if (io.blocks < 16) {
		fprintf(stderr, "blkio: %s holds %llu bytes, too small\n", path,
			(unsigned long long)bytes);
		return -1;
	}
	io.buf = aligned_alloc(4096, MAX_BLOCK);
	if (!io.buf)
		return bench_fail("aligned_alloc");
	fill_text(io.buf, MAX_BLOCK, 7);
	io.rng = 2463534242u;
	printf("disk %s, %llu blocks of %llu bytes\n", path, (unsigned long long)io.blocks,
	       (unsigned long long)io.block);
	fflush(stdout);
	return 0;
}

static int transfer(uint64_t n)
{
	while (n--) {
		off_t off = (off_t)next_offset();
		ssize_t done = io.write ? pwrite(io.fd, io.buf, io.block, off)
					: pread(io.fd, io.buf, io.block, off);

		if (done != (ssize_t)io.block)
			return bench_fail(io.write ? "pwrite" : "pread");
	}
	return 0;
}

static void close_disk(void)
{
	close(io.fd);
	free(io.buf);
}

/* "blk_seq_read_4k" and the like: the pattern, or -1. */
static int parse_name(const char *name)
{
	char access[8], rw[8], size[8], extra;

	if (sscanf(name, "blk_%7[a-z]_%7[a-z]_%7[0-9k]%c", access, rw, size, &extra) != 3)
		return -1;
	if (strcmp(access, "seq") && strcmp(access, "rand"))
		return -1;
	if (strcmp(rw, "read") && strcmp(rw, "write"))
		return -1;
	if (strcmp(size, "4k") && strcmp(size, "64k"))
		return -1;
	io.random = !strcmp(access, "rand");
	io.write = !strcmp(rw, "write");
	io.block = strcmp(size, "4k") ? 64 * 1024 : 4096;
	return 0;
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	const char *name = slash ? slash + 1 : argv[0];
	struct bench b = {
		.name = name,
		.unit = "ns/op",
		.setup = open_disk,
		.run = transfer,
		.teardown = close_disk,
	};

	if (parse_name(name)) {
		fprintf(stderr, "blkio: run me as blk_{seq,rand}_{read,write}_{4k,64k}, not %s\n",
			name);
		return 2;
	}
	return bench_main(argc, argv, &b);
}
