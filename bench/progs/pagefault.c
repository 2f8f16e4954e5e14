/*
 * Page fault: map fresh anonymous memory, write one byte to each page (one
 * demand-zero fault per page), unmap it.  One operation is one page: the
 * fault, zeroing the frame, and a 1/CHUNK_PAGES share of mmap and of the
 * munmap that frees the frames.
 */
#include "bench.h"

#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_PAGES 256

static size_t page_size;

static int get_page_size(const char *progdir)
{
	(void)progdir;
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	return 0;
}

static int touch_fresh_pages(uint64_t n)
{
	while (n) {
		size_t pages = n < CHUNK_PAGES ? n : CHUNK_PAGES;
		size_t len = pages * page_size;
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return bench_fail("mmap");
		for (size_t i = 0; i < pages; i++)
			p[i * page_size] = 1;
		if (munmap((void *)p, len))
			return bench_fail("munmap");
		n -= pages;
	}
	return 0;
}

static const struct bench b = {
	.name = "pagefault",
	.unit = "ns/page",
	.setup = get_page_size,
	.run = touch_fresh_pages,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
