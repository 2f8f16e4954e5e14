/*
 * Mixed job: unpack a newc cpio archive of a small source-like file set
 * (fileset.cpio, next to the program) into a scratch directory, read every
 * file back and CRC it, then delete the tree.  One operation is one
 * read-unpack-checksum-delete cycle: file system calls, page faults on the
 * buffers, copies and a checksum loop, in the proportions of a build step.
 */
#include "bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRIES 512
#define NEWC_HDR    110
#define CHUNK       16384

struct entry {
	const char *name;
	const uint8_t *data;
	uint32_t size;
	int is_dir;
};

static char archive_path[4096], scratch[4096];
static uint8_t *archive, chunk[CHUNK];
static size_t archive_len, nr_entries;
static struct entry entries[MAX_ENTRIES];
static uint32_t expected_crc;

static int malformed(const char *why)
{
	fprintf(stderr, "mixed: %s: malformed archive: %s\n", archive_path, why);
	return -1;
}

static int hex8(const uint8_t *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

static size_t align4(size_t v)
{
	return (v + 3) & ~(size_t)3;
}

/* Fills entries[] from archive[]; names point into the archive. */
static int parse_newc(void)
{
	size_t off = 0;

	nr_entries = 0;
	for (;;) {
		const uint8_t *h = archive + off;
		uint32_t mode, size, namesize;
		const char *name;

		if (off + NEWC_HDR > archive_len || memcmp(h, "070701", 6))
			return malformed("bad header");
		if (hex8(h + 14, &mode) || hex8(h + 54, &size) || hex8(h + 94, &namesize))
			return malformed("bad header field");
		name = (const char *)h + NEWC_HDR;
		if (namesize == 0 || off + NEWC_HDR + namesize > archive_len ||
		    name[namesize - 1])
			return malformed("bad name");
		off = align4(off + NEWC_HDR + namesize);
		if (!strcmp(name, "TRAILER!!!"))
			return 0;
		if (off + size > archive_len)
			return malformed("truncated data");
		if (name[0] == '/' || strstr(name, ".."))
			return malformed("name leaves the scratch directory");
		if (strcmp(name, ".")) {
			if (nr_entries == MAX_ENTRIES)
				return malformed("too many entries");
			entries[nr_entries++] = (struct entry){
				.name = name, .data = archive + off, .size = size,
				.is_dir = S_ISDIR(mode),
			};
		}
		off = align4(off + size);
	}
}

static int read_archive(void)
{
	int fd = open(archive_path, O_RDONLY);
	size_t got = 0;

	if (fd < 0)
		return bench_fail(archive_path);
	while (got < archive_len) {
		ssize_t r = read(fd, archive + got, archive_len - got);

		if (r <= 0) {
			close(fd);
			return r < 0 ? bench_fail("read archive") : malformed("shrank");
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

static void entry_path(char *buf, size_t size, const struct entry *e)
{
	snprintf(buf, size, "%s/%s", scratch, e->name);
}

static int unpack(void)
{
	char path[8192];

	for (size_t i = 0; i < nr_entries; i++) {
		const struct entry *e = &entries[i];
		int fd;

		entry_path(path, sizeof(path), e);
		if (e->is_dir) {
			if (mkdir(path, 0755))
				return bench_fail(path);
			continue;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return bench_fail(path);
		if (write(fd, e->data, e->size) != (ssize_t)e->size) {
			close(fd);
			return bench_fail("write");
		}
		close(fd);
	}
	return 0;
}

static int checksum_tree(uint32_t *crc)
{
	char path[8192];

	*crc = 0;
	for (size_t i = 0; i < nr_entries; i++) {
		ssize_t r;
		int fd;

		if (entries[i].is_dir)
			continue;
		entry_path(path, sizeof(path), &entries[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return bench_fail(path);
		while ((r = read(fd, chunk, CHUNK)) > 0)
			*crc = crc32_update(*crc, chunk, (uint64_t)r);
		close(fd);
		if (r < 0)
			return bench_fail("read");
	}
	return 0;
}

static int remove_tree(void)
{
	char path[8192];

	for (size_t i = nr_entries; i-- > 0;) {
		entry_path(path, sizeof(path), &entries[i]);
		if (entries[i].is_dir ? rmdir(path) : unlink(path))
			return bench_fail(path);
	}
	return 0;
}

static int prepare(const char *progdir)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	snprintf(archive_path, sizeof(archive_path), "%s/fileset.cpio", progdir);
	snprintf(scratch, sizeof(scratch), "%s/bench-mixed.%d",
		 tmp && *tmp ? tmp : "/tmp", (int)getpid());
	if (stat(archive_path, &st))
		return bench_fail(archive_path);
	archive_len = (size_t)st.st_size;
	archive = malloc(archive_len ? archive_len : 1);
	if (!archive)
		return bench_fail("malloc");
	if (read_archive() || parse_newc())
		return -1;
	expected_crc = 0;
	for (size_t i = 0; i < nr_entries; i++)
		expected_crc = crc32_update(expected_crc, entries[i].data, entries[i].size);
	if (mkdir(scratch, 0755))
		return bench_fail(scratch);
	return 0;
}

static int unpack_checksum_delete(uint64_t n)
{
	while (n--) {
		uint32_t crc;

		if (read_archive() || parse_newc() || unpack() ||
		    checksum_tree(&crc) || remove_tree())
			return -1;
		if (crc != expected_crc) {
			fprintf(stderr, "mixed: checksum %08x, expected %08x\n",
				crc, expected_crc);
			return -1;
		}
	}
	return 0;
}

static void cleanup(void)
{
	rmdir(scratch);
	free(archive);
}

static const struct bench b = {
	.name = "mixed",
	.unit = "ns/op",
	.setup = prepare,
	.run = unpack_checksum_delete,
	.teardown = cleanup,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
