/*
 * mmap + munmap of a small region: 4 anonymous pages, never touched, so
 * the figure is the cost of creating and destroying the mapping itself.
 */
#include "bench.h"

#include <sys/mman.h>
#include <unistd.h>

#define REGION_PAGES 4

static size_t region_len;

static int get_region_len(const char *progdir)
{
	(void)progdir;
	region_len = REGION_PAGES * (size_t)sysconf(_SC_PAGESIZE);
	return 0;
}

static int map_unmap(uint64_t n)
{
	while (n--) {
		void *p = mmap(NULL, region_len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return bench_fail("mmap");
		if (munmap(p, region_len))
			return bench_fail("munmap");
	}
	return 0;
}

static const struct bench b = {
	.name = "mmap",
	.unit = "ns/op",
	.setup = get_region_len,
	.run = map_unmap,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
