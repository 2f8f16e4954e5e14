/*
 * The block tests' data: 4 KiB block b of generation g is a xorshift64
 * stream seeded from (seed, b, g); a random run's operations come from
 * another xorshift64 stream seeded from its seed.  Shared by blk-probe
 * (in the domU) and test_blk (on the host, which replays the run to know
 * what the disk must hold and checks the image's digest).
 */
#ifndef BLK_PATTERN_H
#define BLK_PATTERN_H

#include <stdint.h>
#include <string.h>

#define BLK_PATTERN_BLOCK 4096

static inline void blk_pattern(uint64_t seed, uint64_t block, uint32_t gen, uint8_t *out)
{
    uint64_t x = seed ^ (block * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)gen << 48) ^ 1;

    for (unsigned int i = 0; i < BLK_PATTERN_BLOCK; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(out + i, &x, 8);
    }
}

/* At most this many blocks per random operation. */
#define BLK_RANDOM_MAX_RUN 16

struct blk_random_op {
    uint64_t block;        /* first block */
    unsigned int len;      /* 1..BLK_RANDOM_MAX_RUN blocks */
    int write;             /* else a read */
};

static inline uint64_t blk_random_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* The next operation of a run over a disk of blocks blocks (at least
 * BLK_RANDOM_MAX_RUN); *state starts as the run's seed | 1. */
static inline struct blk_random_op blk_random_op(uint64_t *state, uint64_t blocks)
{
    struct blk_random_op op;

    op.len = 1 + (unsigned int)(blk_random_next(state) % BLK_RANDOM_MAX_RUN);
    op.block = blk_random_next(state) % (blocks - op.len + 1);
    op.write = (int)(blk_random_next(state) & 1);
    return op;
}

#endif
