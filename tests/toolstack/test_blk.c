/*
 * Scenario test of the PV block path (issue 6) on the real hv: the host
 * makes a raw disk image with an MBR (sda1: 64 MiB for the pattern,
 * sda2: 4 MiB of 0x5a bytes, read-only to the guest, sda3: 64 MiB of
 * scratch), QEMU gives it to dom0 as /dev/sda, and tests/toolstack/
 * scripts/blk.sh runs three domUs whose xvda heron-blkback serves from
 * those partitions (the third also sees its backend go Closing, fails,
 * closes, and reconnects when the backend is back in InitWait).  After
 * QEMU exits the host checks the image by
 * xxHash digest: sda1 holds exactly the pattern the domU wrote (computed
 * here with the same generator); sda3 exactly what the random run left
 * on it (RANDOM_OPS operations replayed here from the same seed: every
 * block it wrote at the generation it wrote last, the others still
 * zero); sda2 and the MBR are unchanged.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dom0_script.h"
#include "progs/blk_pattern.h"

#define IMAGE "build/tests/toolstack/blk.img"
#define LOG "build/tests/toolstack/blk.log"
#define RUN "HV_CMDLINE=dom0_mem=128M toolstack/dom0/run-script tests/toolstack/scripts/blk.sh" \
            " build/tests/toolstack/dom0-root build/hv.elf build/pvops-guest.elf " LOG \
            " 1500 qemu-system-x86_64 -cpu max -m 512" \
            " -drive file=" IMAGE ",format=raw,if=ide,index=0 2>&1"

#define S1 2048u
#define N1 131072u
#define S2 (S1 + N1)
#define N2 8192u
#define S3 (S2 + N2)
#define N3 131072u
#define SECTORS (S3 + N3)
/* blk.sh's random run on sda3: "blk random /dev/xvda 7 1000". */
#define RANDOM_SEED 7u
#define RANDOM_OPS 1000u

static uint8_t mbr[512];

static void make_image(void)
{
    static const uint32_t part[3][2] = { { S1, N1 }, { S2, N2 }, { S3, N3 } };
    uint8_t block[4096];
    FILE *f = fopen(IMAGE, "wb");

    ck_assert_ptr_nonnull(f);
    memset(mbr, 0, sizeof(mbr));
    for (int i = 0; i < 3; i++) {
        uint8_t *e = mbr + 446 + 16 * i;

        e[4] = 0x83;
        memcpy(e + 8, &part[i][0], 4);
        memcpy(e + 12, &part[i][1], 4);
    }
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    ck_assert_int_eq(fwrite(mbr, 512, 1, f), 1);
    memset(block, 0, sizeof(block));
    for (uint32_t s = 1; s < S2; s++)
        ck_assert_int_eq(fwrite(block, 512, 1, f), 1);
    memset(block, 0x5a, sizeof(block));
    for (uint32_t s = S2; s < S3; s++)
        ck_assert_int_eq(fwrite(block, 512, 1, f), 1);
    memset(block, 0, sizeof(block));
    for (uint32_t s = S3; s < SECTORS; s++)
        ck_assert_int_eq(fwrite(block, 512, 1, f), 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* Digest of count sectors of the image from sector first. */
static XXH64_hash_t image_digest(uint32_t first, uint32_t count)
{
    XXH64_state_t *st = XXH64_createState();
    uint8_t buf[4096];
    FILE *f = fopen(IMAGE, "rb");
    XXH64_hash_t h;

    ck_assert_ptr_nonnull(f);
    XXH64_reset(st, 0);
    ck_assert_int_eq(fseek(f, (long)first * 512, SEEK_SET), 0);
    for (uint32_t s = 0; s < count; s += 8) {
        ck_assert_int_eq(fread(buf, 512, 8, f), 8);
        XXH64_update(st, buf, sizeof(buf));
    }
    fclose(f);
    h = XXH64_digest(st);
    XXH64_freeState(st);
    return h;
}

/* Digest of a disk of sectors sectors whose block b holds generation
 * gen[b] of seed's pattern, or zeros if gen[b] == 0 (gen NULL: generation
 * 0 of the pattern throughout, as blk-probe fill writes it). */
static XXH64_hash_t pattern_digest(uint64_t seed, uint32_t sectors, const uint32_t *gen)
{
    XXH64_state_t *st = XXH64_createState();
    uint8_t buf[BLK_PATTERN_BLOCK];
    XXH64_hash_t h;

    XXH64_reset(st, 0);
    for (uint64_t b = 0; b < sectors / 8; b++) {
        if (gen && !gen[b])
            memset(buf, 0, sizeof(buf));
        else
            blk_pattern(seed, b, gen ? gen[b] : 0, buf);
        XXH64_update(st, buf, sizeof(buf));
    }
    h = XXH64_digest(st);
    XXH64_freeState(st);
    return h;
}

/* blk-probe's random run replayed: the generation each block ends at,
 * how many reads and writes it makes and how many blocks it writes. */
struct random_run {
    uint32_t *gen;
    unsigned long reads, writes, written;
};

static struct random_run random_replay(uint64_t seed, unsigned long ops, uint32_t sectors)
{
    uint64_t blocks = sectors / 8, state = seed | 1;
    struct random_run r = { .gen = calloc(blocks, sizeof(uint32_t)) };

    ck_assert_ptr_nonnull(r.gen);
    for (unsigned long i = 0; i < ops; i++) {
        struct blk_random_op op = blk_random_op(&state, blocks);

        if (!op.write) {
            r.reads++;
            continue;
        }
        r.writes++;
        for (unsigned int j = 0; j < op.len; j++)
            r.gen[op.block + j]++;
    }
    for (uint64_t b = 0; b < blocks; b++)
        r.written += r.gen[b] != 0;
    return r;
}

static XXH64_hash_t bytes_digest(uint8_t byte, uint32_t sectors)
{
    uint8_t *buf = malloc((size_t)sectors * 512);
    XXH64_hash_t h;

    memset(buf, byte, (size_t)sectors * 512);
    h = XXH64(buf, (size_t)sectors * 512, 0);
    free(buf);
    return h;
}

START_TEST(pv_block)
{
    struct random_run run = random_replay(RANDOM_SEED, RANDOM_OPS, N3);
    char *out, *console, first[512], want[256];
    bool balanced;
    FILE *p;

    make_image();
    out = dom0_script_run(RUN, LOG ".txt", &console);
    balanced = line_has(console, "hv: frame accounting:", ": balanced");
    ck_assert_msg(balanced, "hv's frame accounting did not balance: " LOG ".txt");

    HAS(out, "/dev/sda1");
    HAS(out, "blkfront: xvda: 131072 sectors (64 MiB), flush, backend "
             "/local/domain/0/backend/vbd/1/51712\n");
    HAS(out, "blk size: 67108864\n");
    snprintf(want, sizeof(want), "blk random: %lu reads verified, %lu writes over 64 MiB; "
             "%lu blocks written, all read back\n", run.reads, run.writes, run.written);
    HAS(out, want);
    HAS(out, "destroy randomio: 0\n");
    HAS(out, "blk fill: 16384 blocks written, flushed and read back\n");
    HAS(out, "destroy pattern: 0\n");
    HAS(out, "blkfront: xvda: 8192 sectors (4 MiB), read-only, flush, backend "
             "/local/domain/0/backend/vbd/3/51712\n");
    HAS(out, "blk size: 4194304\n");
    HAS(out, "blk write: I/O error\n");
    /* hostile's ring: every bad request refused, garbage indices disconnect it. */
    HAS(out, "hostile: 11 of 11 requests answered as expected\n");
    HAS(out, "hostile backend state: 4\n");
    HAS(out, "hostile backend state after garbage indices: 5\n");
    HAS(out, "vbd/4/51712: disconnected (protocol error), ");
    HAS(out, "destroy hostile: 0\n");
    /* ro's backend goes Closing; the frontend starting again brings it back to InitWait. */
    HAS(out, "check 1: blk check: 1024 blocks of 0x5a\n");
    HAS(out, "check 2: blk check: read at block 0: I/O error\n");
    HAS(out, "blkfront: xvda: backend went to state 5: 0 requests failed, closed, "
             "grants ended (0 still mapped)\n");
    HAS(out, "vbd/3/51712: disconnected (frontend closed), ");
    HAS(out, "after Closing: frontend 6, backend 6\n");
    /* The frontend's Initialising after both closed: blkback offers InitWait. */
    HAS(out, "vbd/3/51712: frontend back, InitWait\n");
    HAS(out, "blkfront: xvda: reconnected (0)\n");
    HAS(out, "check 3: blk check: 1024 blocks of 0x5a\n");
    HAS(out, "after InitWait: frontend 4, backend 4\n");
    HAS(out, "destroy ro: 0\n");
    HAS(out, "xenstore and free memory: back\n");
    HAS(out, "vbd/3/51712: /dev/sda2, 8192 sectors, read-only\n");
    HAS(out, ": released (backend node removed)\n");
    ck_assert_msg(!strstr(out, "differs") && !strstr(out, "no '"), "%s", out);

    /* The image, after QEMU has exited. */
    ck_assert_uint_eq(image_digest(S1, N1), pattern_digest(42, N1, NULL));
    ck_assert_uint_eq(image_digest(S3, N3), pattern_digest(RANDOM_SEED, N3, run.gen));
    ck_assert_uint_eq(image_digest(S2, N2), bytes_digest(0x5a, N2));
    p = fopen(IMAGE, "rb");
    ck_assert_int_eq(fread(first, 512, 1, p), 1);
    fclose(p);
    ck_assert_int_eq(memcmp(first, mbr, 512), 0);
    free(run.gen);
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_blk");
    TCase *tc = tcase_create("blk");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 1500);
    tcase_add_test(tc, pv_block);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
