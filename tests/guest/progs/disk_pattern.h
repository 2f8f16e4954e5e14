/*
 * The data the disk test writes, shared by the guest program
 * (disk_test.c) and the host check (tests/guest/test_guest_disk.c), so
 * the host can recompute the image the guest must leave behind.
 *
 * Every byte is a function of (seed, offset), so any write at any offset
 * writes the same bytes; the operations are a deterministic sequence from
 * DISK_SEED: a sweep of the whole disk in chunks of awkward sizes, then
 * DISK_SCATTERED writes at unaligned offsets with unaligned lengths.
 */
#ifndef DISK_PATTERN_H
#define DISK_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define DISK_SEED        0x5eed0f0d15cULL
#define DISK_HOST_SEED   0x0b57ed1a7aULL   /* what the host puts on the disk first */
#define DISK_SCATTERED   120
#define DISK_MAX_CHUNK   65536

static inline uint64_t disk_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t disk_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The pattern of seed at [off, off + n). */
static inline void disk_fill(uint64_t seed, uint64_t off, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t o = off + i;

		buf[i] = (uint8_t)(disk_mix(seed ^ (o >> 3)) >> ((o & 7) * 8));
	}
}

struct disk_write {
	uint64_t off, len, seed;
};

/*
 * Operation i of the sequence for a disk of size bytes.  Sweep chunks
 * first (1..DISK_MAX_CHUNK bytes, from 0 up to size, seed DISK_SEED), then
 * the scattered writes (seed DISK_SEED + 1 + k).  Returns 0 past the end.
 */
struct disk_ops {
	uint64_t size, rng, pos;
	unsigned int scattered;
};

static inline void disk_ops_start(struct disk_ops *o, uint64_t size)
{
	o->size = size;
	o->rng = DISK_SEED;
	o->pos = 0;
	o->scattered = 0;
}

static inline int disk_ops_next(struct disk_ops *o, struct disk_write *w)
{
	uint64_t len;

	if (o->pos < o->size) {
		len = 1 + disk_xorshift(&o->rng) % DISK_MAX_CHUNK;
		if (len > o->size - o->pos)
			len = o->size - o->pos;
		*w = (struct disk_write){ o->pos, len, DISK_SEED };
		o->pos += len;
		return 1;
	}
	if (o->scattered == DISK_SCATTERED)
		return 0;
	w->off = disk_xorshift(&o->rng) % o->size;
	len = 1 + disk_xorshift(&o->rng) % DISK_MAX_CHUNK;
	w->len = len > o->size - w->off ? o->size - w->off : len;
	w->seed = DISK_SEED + 1 + o->scattered++;
	return 1;
}

#endif
