/*
 * blk-probe: a test domU's program for the PV block path (blkfront), for
 * test_blk.
 *   blk-probe size DEV             BLKGETSIZE64
 *   blk-probe fill DEV SEED        writes blk_pattern generation 0 over
 *                                  the whole device, fsyncs, reads it back
 *   blk-probe random DEV SEED N    N random reads/writes of 1..16 blocks
 *                                  at random places, every read checked
 *                                  against the generation last written
 *   blk-probe write DEV            one write (expected to fail: read-only)
 * Prints one result line per command ("blk ...").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>

#include "blk_pattern.h"

#define MAX_RUN 16

static uint64_t device_size(int fd)
{
    uint64_t bytes = 0;

    if (ioctl(fd, BLKGETSIZE64, &bytes))
        return 0;
    return bytes;
}

static int fill(int fd, uint64_t seed)
{
    uint64_t blocks = device_size(fd) / BLK_PATTERN_BLOCK;
    static uint8_t buf[MAX_RUN * BLK_PATTERN_BLOCK], want[BLK_PATTERN_BLOCK];

    for (uint64_t b = 0; b < blocks; b += MAX_RUN) {
        unsigned int n = blocks - b < MAX_RUN ? (unsigned int)(blocks - b) : MAX_RUN;

        for (unsigned int i = 0; i < n; i++)
            blk_pattern(seed, b + i, 0, buf + i * BLK_PATTERN_BLOCK);
        if (pwrite(fd, buf, n * BLK_PATTERN_BLOCK, (off_t)(b * BLK_PATTERN_BLOCK)) !=
            (ssize_t)(n * BLK_PATTERN_BLOCK)) {
            printf("blk fill: write at block %llu: %s\n", (unsigned long long)b, strerror(errno));
            return 1;
        }
    }
    if (fsync(fd)) {
        printf("blk fill: fsync: %s\n", strerror(errno));
        return 1;
    }
    for (uint64_t b = 0; b < blocks; b++) {
        blk_pattern(seed, b, 0, want);
        if (pread(fd, buf, BLK_PATTERN_BLOCK, (off_t)(b * BLK_PATTERN_BLOCK)) != BLK_PATTERN_BLOCK ||
            memcmp(buf, want, BLK_PATTERN_BLOCK)) {
            printf("blk fill: block %llu reads back wrong\n", (unsigned long long)b);
            return 1;
        }
    }
    printf("blk fill: %llu blocks written, flushed and read back\n", (unsigned long long)blocks);
    return 0;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int random_io(int fd, uint64_t seed, unsigned long n)
{
    uint64_t blocks = device_size(fd) / BLK_PATTERN_BLOCK;
    uint32_t *gen = calloc(blocks, sizeof(*gen));
    static uint8_t buf[MAX_RUN * BLK_PATTERN_BLOCK], want[BLK_PATTERN_BLOCK];
    unsigned long reads = 0, writes = 0;

    rng_state = seed | 1;
    /* gen[b] == 0: block b still holds fill's pattern. */
    for (unsigned long i = 0; i < n; i++) {
        unsigned int len = 1 + (unsigned int)(rnd() % MAX_RUN);
        uint64_t b = rnd() % (blocks - len + 1);
        off_t off = (off_t)(b * BLK_PATTERN_BLOCK);
        size_t bytes = len * BLK_PATTERN_BLOCK;

        if (rnd() & 1) {
            for (unsigned int j = 0; j < len; j++)
                blk_pattern(seed, b + j, ++gen[b + j], buf + j * BLK_PATTERN_BLOCK);
            if (pwrite(fd, buf, bytes, off) != (ssize_t)bytes) {
                printf("blk random: write: %s\n", strerror(errno));
                return 1;
            }
            writes++;
        } else {
            if (pread(fd, buf, bytes, off) != (ssize_t)bytes) {
                printf("blk random: read: %s\n", strerror(errno));
                return 1;
            }
            for (unsigned int j = 0; j < len; j++) {
                blk_pattern(seed, b + j, gen[b + j], want);
                if (memcmp(buf + j * BLK_PATTERN_BLOCK, want, BLK_PATTERN_BLOCK)) {
                    printf("blk random: block %llu differs (op %lu)\n",
                           (unsigned long long)(b + j), i);
                    return 1;
                }
            }
            reads++;
        }
    }
    if (fsync(fd)) {
        printf("blk random: fsync: %s\n", strerror(errno));
        return 1;
    }
    printf("blk random: %lu reads verified, %lu writes over %llu MiB\n", reads, writes,
           (unsigned long long)(blocks * BLK_PATTERN_BLOCK >> 20));
    free(gen);
    return 0;
}

int main(int argc, char **argv)
{
    int fd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: blk-probe size|fill|random|write DEV [SEED [N]]\n");
        return 2;
    }
    fd = open(argv[2], !strcmp(argv[1], "size") ? O_RDONLY : O_RDWR);
    if (fd < 0) {
        printf("blk %s: open %s: %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    if (!strcmp(argv[1], "size")) {
        printf("blk size: %llu\n", (unsigned long long)device_size(fd));
        return 0;
    }
    if (!strcmp(argv[1], "fill") && argc == 4)
        return fill(fd, strtoull(argv[3], NULL, 0));
    if (!strcmp(argv[1], "random") && argc == 5)
        return random_io(fd, strtoull(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
    if (!strcmp(argv[1], "write")) {
        static uint8_t buf[BLK_PATTERN_BLOCK];
        ssize_t r;

        memset(buf, 0xee, sizeof(buf));
        r = pwrite(fd, buf, sizeof(buf), 0);
        printf("blk write: %s\n", r < 0 ? strerror(errno) : "written");
        if (r >= 0)
            fsync(fd);
        return 0;
    }
    fprintf(stderr, "blk-probe: bad arguments\n");
    return 2;
}
