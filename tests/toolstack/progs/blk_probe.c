/*
 * blk-probe: a test domU's program for the PV block path (blkfront), for
 * test_blk.
 *   blk-probe size DEV             BLKGETSIZE64
 *   blk-probe fill DEV SEED        writes blk_pattern generation 0 over
 *                                  the whole device, fsyncs, reads it back
 *   blk-probe random DEV SEED N    on a zeroed DEV, N random reads/writes
 *                                  of 1..16 blocks at random places
 *                                  (blk_random_op), writing generations 1,
 *                                  2, ... of the pattern; every
 *                                  read checked against the generation last
 *                                  written, then every block written read
 *                                  back after an fsync; N = 0: until killed,
 *                                  a "blk progress" line every 100 ops
 *   blk-probe check DEV BYTE       reads the whole device: every byte BYTE?
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

#define MAX_RUN BLK_RANDOM_MAX_RUN

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

/* Reads blocks b..b+len-1 and checks each against generation gen[] of
 * the pattern (generation 0: zeros, as on a fresh disk). */
static int verify_run(int fd, uint64_t seed, uint64_t b, unsigned int len, const uint32_t *gen,
                      const char *when)
{
    static uint8_t buf[MAX_RUN * BLK_PATTERN_BLOCK], want[BLK_PATTERN_BLOCK];
    size_t bytes = len * BLK_PATTERN_BLOCK;

    if (pread(fd, buf, bytes, (off_t)(b * BLK_PATTERN_BLOCK)) != (ssize_t)bytes) {
        printf("blk random: read: %s\n", strerror(errno));
        return 1;
    }
    for (unsigned int j = 0; j < len; j++) {
        if (gen[b + j])
            blk_pattern(seed, b + j, gen[b + j], want);
        else
            memset(want, 0, sizeof(want));
        if (memcmp(buf + j * BLK_PATTERN_BLOCK, want, BLK_PATTERN_BLOCK)) {
            printf("blk random: block %llu differs (%s)\n", (unsigned long long)(b + j), when);
            return 1;
        }
    }
    return 0;
}

/*
 * n operations of blk_random_op on a zeroed device (n == 0: until killed,
 * with a progress line every PROGRESS_EVERY), every read checked against
 * the generation last written (gen[b] == 0: never written, zeros); then
 * fsync and every block the run wrote read back and checked once more.
 */
#define PROGRESS_EVERY 100

static int random_io(int fd, uint64_t seed, unsigned long n)
{
    uint64_t blocks = device_size(fd) / BLK_PATTERN_BLOCK, state = seed | 1, written = 0;
    uint32_t *gen = calloc(blocks, sizeof(*gen));
    static uint8_t buf[MAX_RUN * BLK_PATTERN_BLOCK];
    unsigned long reads = 0, writes = 0;
    char when[32];

    if (!gen || blocks < MAX_RUN) {
        printf("blk random: %llu blocks: too small or no memory\n", (unsigned long long)blocks);
        return 1;
    }
    for (unsigned long i = 0; !n || i < n; i++) {
        struct blk_random_op op = blk_random_op(&state, blocks);
        size_t bytes = op.len * BLK_PATTERN_BLOCK;

        if (op.write) {
            for (unsigned int j = 0; j < op.len; j++)
                blk_pattern(seed, op.block + j, ++gen[op.block + j], buf + j * BLK_PATTERN_BLOCK);
            if (pwrite(fd, buf, bytes, (off_t)(op.block * BLK_PATTERN_BLOCK)) != (ssize_t)bytes) {
                printf("blk random: write: %s\n", strerror(errno));
                return 1;
            }
            writes++;
        } else {
            snprintf(when, sizeof(when), "op %lu", i);
            if (verify_run(fd, seed, op.block, op.len, gen, when))
                return 1;
            reads++;
        }
        if (!n && (i + 1) % PROGRESS_EVERY == 0)
            printf("blk progress: %lu ops\n", i + 1);
    }
    if (fsync(fd)) {
        printf("blk random: fsync: %s\n", strerror(errno));
        return 1;
    }
    for (uint64_t b = 0; b < blocks;) {
        unsigned int len = 0;

        while (b + len < blocks && len < MAX_RUN && gen[b + len])
            len++;
        if (!len) {
            b++;
            continue;
        }
        if (verify_run(fd, seed, b, len, gen, "after the run"))
            return 1;
        written += len;
        b += len;
    }
    printf("blk random: %lu reads verified, %lu writes over %llu MiB; "
           "%llu blocks written, all read back\n", reads, writes,
           (unsigned long long)(blocks * BLK_PATTERN_BLOCK >> 20), (unsigned long long)written);
    free(gen);
    return 0;
}

static int check(int fd, uint8_t byte)
{
    uint64_t blocks = device_size(fd) / BLK_PATTERN_BLOCK;
    static uint8_t buf[MAX_RUN * BLK_PATTERN_BLOCK], want[MAX_RUN * BLK_PATTERN_BLOCK];

    memset(want, byte, sizeof(want));
    for (uint64_t b = 0; b < blocks; b += MAX_RUN) {
        unsigned int n = blocks - b < MAX_RUN ? (unsigned int)(blocks - b) : MAX_RUN;

        if (pread(fd, buf, n * BLK_PATTERN_BLOCK, (off_t)(b * BLK_PATTERN_BLOCK)) !=
            (ssize_t)(n * BLK_PATTERN_BLOCK)) {
            printf("blk check: read at block %llu: %s\n", (unsigned long long)b, strerror(errno));
            return 1;
        }
        if (memcmp(buf, want, n * BLK_PATTERN_BLOCK)) {
            printf("blk check: blocks %llu.. differ\n", (unsigned long long)b);
            return 1;
        }
    }
    printf("blk check: %llu blocks of 0x%02x\n", (unsigned long long)blocks, byte);
    return 0;
}

int main(int argc, char **argv)
{
    int fd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: blk-probe size|fill|random|check|write DEV [SEED [N]|BYTE]\n");
        return 2;
    }
    fd = open(argv[2], !strcmp(argv[1], "size") || !strcmp(argv[1], "check") ? O_RDONLY : O_RDWR);
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
    if (!strcmp(argv[1], "check") && argc == 4)
        return check(fd, (uint8_t)strtoul(argv[3], NULL, 0));
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
