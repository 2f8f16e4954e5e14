/*
 * Writes the mixed benchmark's file set as a newc cpio archive on stdout:
 * DIRS directories of FILES generated text files each, sizes from 512 B to
 * 32 KiB.  Everything (content, inode numbers, times) is fixed, so the
 * archive is byte-identical on every build.
 */
#include "../progs/bench.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define DIRS  8
#define FILES 8

static uint32_t ino = 1;
static uint8_t data[32 * 1024];

static void put_entry(const char *name, unsigned int mode, const uint8_t *body,
		      uint32_t size)
{
	size_t namesize = strlen(name) + 1;
	static const char zeros[4];

	printf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08zx%08x",
	       ino++, mode, 0, 0, S_ISDIR(mode) ? 2 : 1, 0, size, 0, 0, 0, 0,
	       namesize, 0);
	fwrite(name, 1, namesize, stdout);
	fwrite(zeros, 1, (4 - (110 + namesize) % 4) % 4, stdout);
	fwrite(body, 1, size, stdout);
	fwrite(zeros, 1, (4 - size % 4) % 4, stdout);
}

int main(void)
{
	char name[64];

	for (int d = 0; d < DIRS; d++) {
		snprintf(name, sizeof(name), "d%d", d);
		put_entry(name, S_IFDIR | 0755, NULL, 0);
		for (int f = 0; f < FILES; f++) {
			/* 512 B << 0..6, with an odd tail so sizes are not aligned. */
			uint32_t size = (512u << ((d + f) % 7)) - 37u * (uint32_t)f;

			snprintf(name, sizeof(name), "d%d/f%d.txt", d, f);
			fill_text(data, size, (uint32_t)(d * FILES + f + 1));
			put_entry(name, S_IFREG | 0644, data, size);
		}
	}
	put_entry("TRAILER!!!", 0, NULL, 0);
	return fflush(stdout) ? 1 : 0;
}
