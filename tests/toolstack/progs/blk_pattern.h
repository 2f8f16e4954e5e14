/*
 * The block tests' data: 4 KiB block b of generation g is a xorshift64
 * stream seeded from (seed, b, g).  Shared by blk-probe (in the domU)
 * and test_blk (on the host, which checks the disk image's digest).
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

#endif
