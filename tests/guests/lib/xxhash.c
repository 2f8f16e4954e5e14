/* XXH64 (the published algorithm: four lanes of 8-byte rounds, then a tail). */
#include "xxhash.h"

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, unsigned int r)
{
    return (x << r) | (x >> (64 - r));
}

/* Little-endian loads of n bytes, bytewise so any alignment will do. */
static uint64_t load(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t round64(uint64_t acc, uint64_t input)
{
    return rotl(acc + input * P2, 31) * P1;
}

static uint64_t merge(uint64_t acc, uint64_t lane)
{
    return (acc ^ round64(0, lane)) * P1 + P4;
}

uint64_t xxh64(const void *data, size_t len, uint64_t seed)
{
    const uint8_t *p = data, *end = p + len;
    uint64_t h;

    if (len >= 32) {
        uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;

        for (; p + 32 <= end; p += 32) {
            v1 = round64(v1, load(p, 8));
            v2 = round64(v2, load(p + 8, 8));
            v3 = round64(v3, load(p + 16, 8));
            v4 = round64(v4, load(p + 24, 8));
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = merge(merge(merge(merge(h, v1), v2), v3), v4);
    } else {
        h = seed + P5;
    }
    h += len;
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ round64(0, load(p, 8)), 27) * P1 + P4;
    if (p + 4 <= end) {
        h = rotl(h ^ (load(p, 4) * P1), 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        h = rotl(h ^ (*p * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}
