/*
 * The block layer's pure parts on a memory disk: request checks and
 * splitting (pvops-guest/drivers/block/blk_core.c), byte-range I/O with
 * read-modify-write of partial sectors, and MBR parsing (mbr.c).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blkdev.h"

#define DISK_SECTORS 64
#define MAX_CALLS    4096

struct call {
	bool write;
	uint64_t sector;
	uint32_t count;
};

static uint8_t disk[DISK_SECTORS * SECTOR_SIZE];
static struct call calls[MAX_CALLS];
static unsigned int nr_calls, nr_flushes;
static uint64_t bad_sector;             /* fails with -EIO; ~0: none */
static struct blkdev mem;

static int mem_rw(struct blkdev *d, bool write, uint64_t sector, uint32_t count, void *buf)
{
	ck_assert_ptr_eq(d, &mem);
	ck_assert_uint_ge(count, 1);
	ck_assert_uint_le(count, d->max_sectors);
	ck_assert_uint_le(sector + count, DISK_SECTORS);
	if (nr_calls < MAX_CALLS)
		calls[nr_calls] = (struct call){ write, sector, count };
	nr_calls++;
	if (bad_sector >= sector && bad_sector < sector + count)
		return -EIO;
	if (write)
		memcpy(disk + sector * SECTOR_SIZE, buf, count * SECTOR_SIZE);
	else
		memcpy(buf, disk + sector * SECTOR_SIZE, count * SECTOR_SIZE);
	return 0;
}

static int mem_flush(struct blkdev *d)
{
	(void)d;
	nr_flushes++;
	return 0;
}

static const struct blkdev_ops mem_ops = { .rw = mem_rw, .flush = mem_flush };

static void setup(void)
{
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 7 + (i >> 9));
	nr_calls = nr_flushes = 0;
	bad_sector = ~0ULL;
	mem = (struct blkdev){ .name = "mem", .nr_sectors = DISK_SECTORS,
			       .max_sectors = 8, .ops = &mem_ops, .disk = &mem };
}

static int done_calls;
static void done(struct blk_request *rq)
{
	(void)rq;
	done_calls++;
}

START_TEST(requests_split_at_max_sectors)
{
	static uint8_t buf[20 * SECTOR_SIZE];
	struct blk_request rq = { .op = BLK_READ, .sector = 3, .count = 20, .buf = buf,
				  .done = done };

	done_calls = 0;
	ck_assert_int_eq(blk_submit(&mem, &rq), 0);
	ck_assert_int_eq(rq.error, 0);
	ck_assert_int_eq(done_calls, 1);
	ck_assert_uint_eq(nr_calls, 3);
	ck_assert(!calls[0].write && calls[0].sector == 3 && calls[0].count == 8);
	ck_assert(calls[1].sector == 11 && calls[1].count == 8);
	ck_assert(calls[2].sector == 19 && calls[2].count == 4);
	ck_assert_mem_eq(buf, disk + 3 * SECTOR_SIZE, sizeof(buf));
}
END_TEST

START_TEST(requests_outside_the_device_are_refused)
{
	static uint8_t buf[2 * SECTOR_SIZE];
	struct blk_request bad[] = {
		{ .op = BLK_READ, .sector = DISK_SECTORS, .count = 1, .buf = buf },
		{ .op = BLK_WRITE, .sector = DISK_SECTORS - 1, .count = 2, .buf = buf },
		{ .op = BLK_READ, .sector = 0, .count = 0, .buf = buf },
		{ .op = BLK_READ, .sector = 0, .count = 1, .buf = NULL },
		{ .op = BLK_WRITE, .sector = ~0ULL, .count = 2, .buf = buf },
		{ .op = BLK_FLUSH, .count = 1 },
		{ .op = (enum blk_op)7, .count = 1, .buf = buf },
	};

	done_calls = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		bad[i].done = done;
		ck_assert_int_eq(blk_submit(&mem, &bad[i]), -EINVAL);
		ck_assert_int_eq(bad[i].error, -EINVAL);
	}
	ck_assert_int_eq(done_calls, (int)ARRAY_SIZE(bad));
	ck_assert_uint_eq(nr_calls, 0);
	ck_assert_uint_eq(nr_flushes, 0);
}
END_TEST

START_TEST(flush_reaches_the_disk)
{
	struct blk_request rq = { .op = BLK_FLUSH };

	ck_assert_int_eq(blk_submit(&mem, &rq), 0);
	ck_assert_uint_eq(nr_flushes, 1);
}
END_TEST

START_TEST(device_errors_are_reported)
{
	static uint8_t buf[16 * SECTOR_SIZE];
	struct blk_request rq = { .op = BLK_WRITE, .sector = 0, .count = 16, .buf = buf };

	bad_sector = 10;
	ck_assert_int_eq(blk_submit(&mem, &rq), -EIO);
	ck_assert_uint_eq(nr_calls, 2);         /* stops at the failing piece */
	ck_assert_int_eq(blk_read_bytes(&mem, 10 * SECTOR_SIZE + 3, buf, 1), -EIO);
	ck_assert_int_eq(blk_write_bytes(&mem, 10 * SECTOR_SIZE + 3, buf, 1), -EIO);
	ck_assert_int_eq(blk_read_bytes(&mem, 9 * SECTOR_SIZE, buf, SECTOR_SIZE), 0);
}
END_TEST

START_TEST(partitions_are_offset_and_bounded)
{
	static uint8_t buf[4 * SECTOR_SIZE];
	struct blkdev part = mem;
	struct blk_request rq = { .op = BLK_READ, .sector = 6, .count = 4, .buf = buf };

	part.start = 40;
	part.nr_sectors = 10;
	ck_assert_int_eq(blk_submit(&part, &rq), 0);
	ck_assert(calls[0].sector == 46 && calls[0].count == 4);
	ck_assert_mem_eq(buf, disk + 46 * SECTOR_SIZE, sizeof(buf));
	rq.sector = 7;
	ck_assert_int_eq(blk_submit(&part, &rq), -EINVAL);
	ck_assert_int_eq(blk_read_bytes(&part, 10 * SECTOR_SIZE - 1, buf, 2), -EINVAL);
	ck_assert_int_eq(blk_read_bytes(&part, 10 * SECTOR_SIZE - 1, buf, 1), 0);
	ck_assert_int_eq(buf[0], disk[50 * SECTOR_SIZE - 1]);
}
END_TEST

START_TEST(aligned_writes_read_nothing)
{
	static uint8_t buf[12 * SECTOR_SIZE];

	memset(buf, 0xab, sizeof(buf));
	ck_assert_int_eq(blk_write_bytes(&mem, 2 * SECTOR_SIZE, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(nr_calls, 2);
	ck_assert(calls[0].write && calls[0].sector == 2 && calls[0].count == 8);
	ck_assert(calls[1].write && calls[1].sector == 10 && calls[1].count == 4);
	ck_assert_mem_eq(disk + 2 * SECTOR_SIZE, buf, sizeof(buf));
}
END_TEST

START_TEST(partial_sectors_are_read_modified_written)
{
	static uint8_t before[sizeof(disk)], buf[3 * SECTOR_SIZE];

	memcpy(before, disk, sizeof(disk));
	memset(buf, 0xcd, sizeof(buf));
	/* 100 bytes into sector 5 up to 50 bytes into sector 8. */
	ck_assert_int_eq(blk_write_bytes(&mem, 5 * SECTOR_SIZE + 100, buf,
					 3 * SECTOR_SIZE - 50), 0);
	ck_assert_uint_eq(nr_calls, 5);
	ck_assert(!calls[0].write && calls[0].sector == 5 && calls[0].count == 1);
	ck_assert(calls[1].write && calls[1].sector == 5 && calls[1].count == 1);
	ck_assert(calls[2].write && calls[2].sector == 6 && calls[2].count == 2);
	ck_assert(!calls[3].write && calls[3].sector == 8 && calls[3].count == 1);
	ck_assert(calls[4].write && calls[4].sector == 8 && calls[4].count == 1);
	memcpy(before + 5 * SECTOR_SIZE + 100, buf, 3 * SECTOR_SIZE - 50);
	ck_assert_mem_eq(disk, before, sizeof(disk));
}
END_TEST

START_TEST(a_write_inside_one_sector)
{
	static uint8_t before[sizeof(disk)];
	const char msg[] = "inside";

	memcpy(before, disk, sizeof(disk));
	ck_assert_int_eq(blk_write_bytes(&mem, 3 * SECTOR_SIZE + 10, msg, 6), 0);
	ck_assert_uint_eq(nr_calls, 2);
	ck_assert(!calls[0].write && calls[1].write && calls[1].sector == 3);
	memcpy(before + 3 * SECTOR_SIZE + 10, msg, 6);
	ck_assert_mem_eq(disk, before, sizeof(disk));
	ck_assert_int_eq(blk_write_bytes(&mem, 0, msg, 0), 0);
	ck_assert_int_eq(blk_write_bytes(&mem, sizeof(disk), msg, 1), -EINVAL);
	ck_assert_int_eq(blk_write_bytes(&mem, ~0ULL, msg, 2), -EINVAL);
}
END_TEST

/* Random byte ranges against a model of the disk. */
START_TEST(random_ranges_match_a_model)
{
	static uint8_t model[sizeof(disk)], buf[sizeof(disk)];
	uint64_t rng = 88172645463325252ULL;

	memcpy(model, disk, sizeof(disk));
	for (int i = 0; i < 2000; i++) {
		uint64_t off, len;

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		off = rng % sizeof(disk);
		len = (rng >> 20) % (sizeof(disk) - off + 1);
		if (rng & (1ULL << 63)) {
			for (uint64_t j = 0; j < len; j++)
				buf[j] = (uint8_t)(rng >> (j % 56));
			ck_assert_int_eq(blk_write_bytes(&mem, off, buf, len), 0);
			memcpy(model + off, buf, len);
		} else {
			ck_assert_int_eq(blk_read_bytes(&mem, off, buf, len), 0);
			ck_assert_mem_eq(buf, model + off, len);
		}
	}
	ck_assert_mem_eq(disk, model, sizeof(disk));
}
END_TEST

static void entry(uint8_t *mbr, int i, uint8_t type, uint32_t start, uint32_t size)
{
	uint8_t *e = mbr + 446 + 16 * i;

	e[4] = type;
	for (int b = 0; b < 4; b++) {
		e[8 + b] = start >> (8 * b);
		e[12 + b] = size >> (8 * b);
	}
}

START_TEST(mbr_primary_partitions)
{
	uint8_t mbr[SECTOR_SIZE] = { 0 };
	struct mbr_part p[4];

	ck_assert_int_eq(mbr_parse(mbr, 1000000, p), -EINVAL);   /* no signature */
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	ck_assert_int_eq(mbr_parse(mbr, 1000000, p), 0);
	entry(mbr, 0, 0x83, 2048, 100000);
	entry(mbr, 1, 0x0f, 200000, 1000);      /* extended: not followed */
	entry(mbr, 3, 0x07, 0x12345678, 0x100);
	ck_assert_int_eq(mbr_parse(mbr, 0x20000000, p), 2);
	ck_assert(p[0].index == 1 && p[0].type == 0x83 && p[0].start == 2048 &&
		  p[0].nr_sectors == 100000);
	ck_assert(p[1].index == 4 && p[1].type == 0x07 && p[1].start == 0x12345678 &&
		  p[1].nr_sectors == 0x100);
	/* The same table on a disk too small for entry 4: skipped. */
	ck_assert_int_eq(mbr_parse(mbr, 0x12345678 + 0xff, p), 1);
	ck_assert_int_eq(mbr_parse(mbr, 2048 + 100000, p), 1);
	ck_assert_int_eq(mbr_parse(mbr, 2048 + 99999, p), 0);
}
END_TEST

START_TEST(mbr_odd_entries_are_skipped)
{
	uint8_t mbr[SECTOR_SIZE] = { 0 };
	struct mbr_part p[4];

	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	entry(mbr, 0, 0x83, 0, 100);            /* starts on the MBR */
	entry(mbr, 1, 0x83, 100, 0);            /* empty */
	entry(mbr, 2, 0x00, 100, 100);          /* unused type */
	entry(mbr, 3, 0x85, 300, 100);          /* Linux extended */
	ck_assert_int_eq(mbr_parse(mbr, 1000, p), 0);
	mbr[511] = 0xab;
	ck_assert_int_eq(mbr_parse(mbr, 1000, p), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blk");
	TCase *tc = tcase_create("core");
	TCase *mbr = tcase_create("mbr");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, requests_split_at_max_sectors);
	tcase_add_test(tc, requests_outside_the_device_are_refused);
	tcase_add_test(tc, flush_reaches_the_disk);
	tcase_add_test(tc, device_errors_are_reported);
	tcase_add_test(tc, partitions_are_offset_and_bounded);
	tcase_add_test(tc, aligned_writes_read_nothing);
	tcase_add_test(tc, partial_sectors_are_read_modified_written);
	tcase_add_test(tc, a_write_inside_one_sector);
	tcase_add_test(tc, random_ranges_match_a_model);
	suite_add_tcase(s, tc);
	tcase_add_test(mbr, mbr_primary_partitions);
	tcase_add_test(mbr, mbr_odd_entries_are_skipped);
	suite_add_tcase(s, mbr);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
