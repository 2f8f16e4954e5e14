/* See include/random.h. */
#include "proc.h"
#include "random.h"

static uint64_t state;

void random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;

	if (!state)
		state = time_now_ns() ^ 0x9e3779b97f4a7c15ULL;
	while (n) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		uint64_t v = state ^ time_now_ns();

		for (int i = 0; i < 8 && n; i++, n--)
			*p++ = v >> (8 * i);
	}
}
