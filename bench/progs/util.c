/* Helpers shared by the benchmark programs and the file-set generator. */
#include "bench.h"

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* CRC-32 (IEEE, as gzip and cpio's crc format use): start with 0. */
uint32_t crc32_update(uint32_t crc, const void *buf, uint64_t len)
{
	const uint8_t *p = buf;

	if (!crc_table[1])
		crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/*
 * Words drawn from a small vocabulary with a skewed distribution, lines of
 * about 70 columns: repetitive the way text and source code are, so an LZ
 * compressor finds matches at realistic distances.
 */
void fill_text(uint8_t *buf, uint64_t len, uint32_t seed)
{
	static const char *const words[] = {
		"the", "page", "table", "frame", "domain", "event", "channel",
		"grant", "return", "if", "struct", "uint64_t", "static", "int",
		"for", "while", "hypercall", "mapping", "guest", "kernel", "=",
		"{", "}", "(", ")", ";", "0", "1", "->", "vcpu", "error", "count",
	};
	const uint64_t NWORDS = sizeof(words) / sizeof(words[0]);
	uint32_t s = seed ? seed : 1;
	uint64_t i = 0, col = 0;

	while (i < len) {
		uint64_t u = xorshift32(&s) & 0xffff;
		/* u*u/2^32 is skewed towards 0: early words are the common ones. */
		const char *p = words[(u * u * NWORDS) >> 32];

		while (*p && i < len) {
			buf[i++] = (uint8_t)*p++;
			col++;
		}
		if (i < len) {
			buf[i++] = col > 70 ? '\n' : ' ';
			col = col > 70 ? 0 : col + 1;
		}
	}
}
