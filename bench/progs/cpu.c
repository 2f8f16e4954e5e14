/*
 * CPU-bound job: LZSS-compress 64 KiB of generated text, decompress it and
 * check the round trip.  Pure user-mode integer work (hashing, byte
 * compares, branches), no system calls: under a hypervisor it should cost
 * the same as natively.  One operation is one compress + decompress.
 *
 * Format: a flag byte announces 8 items; bit set = a 2-byte match
 * (12-bit distance - 1, 4-bit length - MIN_MATCH), clear = a literal.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_LEN  (64 * 1024)
#define WINDOW     4096
#define MIN_MATCH  3
#define MAX_MATCH  (MIN_MATCH + 15)
#define HASH_BITS  12

static uint8_t input[INPUT_LEN], packed[INPUT_LEN + INPUT_LEN / 8 + 1],
	unpacked[INPUT_LEN];
static int32_t head[1 << HASH_BITS];

static uint32_t hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	return (v * 2654435761u) >> (32 - HASH_BITS);
}

static size_t lzss_compress(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0, flag = 0;
	unsigned int bit = 8;

	memset(head, 0xff, sizeof(head));
	while (i < n) {
		size_t len = 0, dist = 0;

		if (bit == 8) {
			flag = o++;
			out[flag] = 0;
			bit = 0;
		}
		if (i + MIN_MATCH <= n) {
			uint32_t h = hash3(in + i);
			int32_t cand = head[h];

			head[h] = (int32_t)i;
			if (cand >= 0 && i - (size_t)cand <= WINDOW) {
				while (len < MAX_MATCH && i + len < n &&
				       in[cand + len] == in[i + len])
					len++;
				dist = i - (size_t)cand;
			}
		}
		if (len >= MIN_MATCH) {
			unsigned int v = (unsigned int)(dist - 1) << 4 |
					 (unsigned int)(len - MIN_MATCH);

			out[flag] |= (uint8_t)(1u << bit);
			out[o++] = (uint8_t)(v >> 8);
			out[o++] = (uint8_t)v;
			i += len;
		} else {
			out[o++] = in[i++];
		}
		bit++;
	}
	return o;
}

/* Returns the decompressed length, or 0 on a malformed stream. */
static size_t lzss_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint8_t flags = in[i++];

		for (unsigned int bit = 0; bit < 8 && i < n; bit++) {
			if (!(flags & (1u << bit))) {
				if (o == cap)
					return 0;
				out[o++] = in[i++];
				continue;
			}
			if (i + 2 > n)
				return 0;
			unsigned int v = (unsigned int)in[i] << 8 | in[i + 1];
			size_t dist = (v >> 4) + 1, len = (v & 15) + MIN_MATCH;

			i += 2;
			if (dist > o || len > cap - o)
				return 0;
			for (size_t k = 0; k < len; k++, o++)
				out[o] = out[o - dist];
		}
	}
	return o;
}

static int make_input(const char *progdir)
{
	(void)progdir;
	fill_text(input, INPUT_LEN, 0x5eed);
	return 0;
}

static int compress_round_trip(uint64_t n)
{
	while (n--) {
		size_t packed_len = lzss_compress(input, INPUT_LEN, packed);

		if (lzss_decompress(packed, packed_len, unpacked, INPUT_LEN) != INPUT_LEN ||
		    memcmp(input, unpacked, INPUT_LEN)) {
			fprintf(stderr, "cpu: LZSS round trip does not match\n");
			return -1;
		}
	}
	return 0;
}

static const struct bench b = {
	.name = "cpu",
	.unit = "ns/op",
	.setup = make_input,
	.run = compress_round_trip,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}
