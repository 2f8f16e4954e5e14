/*
 * Scenario test: pvops-guest drives real disks (QEMU's IDE, primary
 * channel), natively and as dom0 of hv, then the host checks the images.
 *
 * Each boot gets two raw images made here:
 *   - hda, 8 MiB, filled with the host's pattern (disk_pattern.h,
 *     DISK_HOST_SEED).  The guest's "disk" script (disk_test pattern)
 *     reports its XXH64, which must be the host's (read path); checks the
 *     error rules; writes the pattern sequence, fsyncs, reads it back and
 *     verifies.  After power-off the image must hold exactly the result of
 *     replaying that sequence on the host (XXH64 with libxxhash).
 *   - hdb, 1 MiB, an MBR with partitions 1 (valid), 2 (extended: not
 *     followed), 3 (valid) and 4 (past the end: skipped), a marker at the
 *     start of 1 and 3, behind QEMU's blkdebug failing every read and write
 *     of sector BAD_SECTOR.  The "disk2" script lists the partitions and
 *     gets EIO for the bad sector only; the image must be unchanged.
 * Both boots drive the disks by bus-master DMA (QEMU's PIIX3 IDE at
 * 00:01.1), which the driver's lines must say: 1 MiB reads and writes of
 * up to 64 KiB are requests of up to 64 KiB (multi-page buffers), the
 * unaligned ends go through one-sector bounce buffers (sub-page), and the
 * blkdebug failures are DMA transfers that must end in EIO.
 * A third boot, dom0 of hv with no disk at all, must say so and have no
 * /dev/sda.
 *
 * Console logs: build/tests/guest/disk-native.log, disk-hv.log,
 * disk-none.log; images next to them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "scenario.h"
#include "progs/disk_pattern.h"

#define HV          "build/hv.elf"
#define OUT_DIR     "build/tests/guest/"
#define DISK_SIZE   (8u << 20)
#define DISK2_SIZE  (1u << 20)
#define BAD_SECTOR  1500u

static char blkdebug_conf[] = OUT_DIR "disk-blkdebug.conf";

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_int_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static uint64_t file_digest(const char *path, size_t want_size)
{
	char *data = scenario_slurp(path);
	FILE *f = fopen(path, "rb");
	long size;

	ck_assert_msg(data && f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	ck_assert_int_eq(size, want_size);
	return XXH64(data, want_size, 0);
}

static uint8_t *host_pattern(void)
{
	uint8_t *img = malloc(DISK_SIZE);

	disk_fill(DISK_HOST_SEED, 0, img, DISK_SIZE);
	return img;
}

/* What the guest's write sequence leaves on the disk. */
static uint64_t expected_final_digest(void)
{
	uint8_t *img = host_pattern();
	struct disk_ops ops;
	struct disk_write w;
	uint64_t h;

	disk_ops_start(&ops, DISK_SIZE);
	while (disk_ops_next(&ops, &w))
		disk_fill(w.seed, w.off, img + w.off, w.len);
	h = XXH64(img, DISK_SIZE, 0);
	free(img);
	return h;
}

static void mbr_entry(uint8_t *mbr, int i, uint8_t type, uint32_t start, uint32_t size)
{
	uint8_t *e = mbr + 446 + 16 * i;

	e[4] = type;
	for (int b = 0; b < 4; b++) {
		e[8 + b] = start >> (8 * b);
		e[12 + b] = size >> (8 * b);
	}
}

static uint8_t *partitioned_disk(void)
{
	uint8_t *img = calloc(1, DISK2_SIZE);

	mbr_entry(img, 0, 0x83, 64, 1000);
	mbr_entry(img, 1, 0x05, 1100, 100);
	mbr_entry(img, 2, 0x0c, 1200, 800);
	mbr_entry(img, 3, 0x83, 2000, 100);     /* ends past sector 2048 */
	img[510] = 0x55;
	img[511] = 0xaa;
	strcpy((char *)img + 64 * 512, "first partition");
	strcpy((char *)img + 1200 * 512, "third partition");
	return img;
}

static void make_images(const char *hda, const char *hdb)
{
	uint8_t *img = host_pattern(), *img2 = partitioned_disk();
	char conf[256];

	write_file(hda, img, DISK_SIZE);
	write_file(hdb, img2, DISK2_SIZE);
	snprintf(conf, sizeof(conf),
		 "[inject-error]\nevent = \"read_aio\"\nerrno = \"5\"\nsector = \"%u\"\n\n"
		 "[inject-error]\nevent = \"write_aio\"\nerrno = \"5\"\nsector = \"%u\"\n",
		 BAD_SECTOR, BAD_SECTOR);
	write_file(blkdebug_conf, conf, strlen(conf));
	free(img);
	free(img2);
}

/* The section without the driver's own log lines ("ata: ..."). */
static char *section(const char *name)
{
	char *s = scenario_section(scenario_output, name), *w;

	if (!s)
		return NULL;
	w = s;
	for (char *r = s; *r;) {
		char *nl = strchr(r, '\n');
		size_t len = nl ? (size_t)(nl - r + 1) : strlen(r);

		if (strncmp(r, "ata: ", 5)) {
			memmove(w, r, len);
			w += len;
		}
		r += len;
	}
	*w = 0;
	return s;
}

/* Both disks go by the PIIX bus master, so every request above is DMA,
 * and IRQ 14 reaches the kernel (natively the 8259, as dom0 a pirq). */
static void check_dma_disks(void)
{
	ck_assert_msg(strstr(scenario_output, "ata: bus master at 00:01.1"),
		      "no bus master found; see %s", scenario_log);
	ck_assert_msg(strstr(scenario_output, "ata: sda: QEMU HARDDISK, 16384 sectors (8 MiB), "
				"DMA, IRQ 14\n") &&
		      strstr(scenario_output, "ata: sdb: QEMU HARDDISK, 2048 sectors (1 MiB), "
				"DMA, IRQ 14\n"),
		      "sda and sdb not driven by DMA; see %s", scenario_log);
}

static void check_disk_section(void)
{
	char *middle = scenario_slurp(EXPECTED_DIR "disk.out"), *got = section("disk");
	uint64_t h0 = XXH64(host_pattern(), DISK_SIZE, 0), h1 = expected_final_digest();
	char *want;

	ck_assert_msg(middle != NULL, "missing " EXPECTED_DIR "disk.out");
	ck_assert_msg(got != NULL, "no disk section; see %s", scenario_log);
	ck_assert_int_ge(asprintf(&want, "initial xxh64: %016llx\n%sfinal xxh64: %016llx\n"
				  "device xxh64: %016llx\n", (unsigned long long)h0, middle,
				  (unsigned long long)h1, (unsigned long long)h1), 0);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(scenario_output, "disk"), 0);
}

static void check_disk2_section(void)
{
	char *want = scenario_slurp(EXPECTED_DIR "disk2.out"), *got = section("disk2");

	ck_assert_msg(want != NULL, "missing " EXPECTED_DIR "disk2.out");
	ck_assert_msg(got != NULL, "no disk2 section; see %s", scenario_log);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(scenario_output, "disk2"), 0);
	ck_assert_msg(strstr(scenario_output, "ata: sdb: read: status"),
		      "the driver did not report the device error; see %s", scenario_log);
	ck_assert_msg(strstr(scenario_output, "blk: sdb1: sectors 64-1063, type 0x83\n") &&
		      strstr(scenario_output, "blk: sdb3: sectors 1200-1999, type 0xc\n"),
		      "partitions not announced; see %s", scenario_log);
}

/* The host's view after power-off: hda holds the sequence, hdb is intact. */
static void check_images(const char *hda, const char *hdb)
{
	uint8_t *img2 = partitioned_disk();

	ck_assert_msg(file_digest(hda, DISK_SIZE) == expected_final_digest(),
		      "%s does not hold the guest's writes", hda);
	ck_assert_msg(file_digest(hdb, DISK2_SIZE) == XXH64(img2, DISK2_SIZE, 0),
		      "%s changed", hdb);
	free(img2);
}

static void run(const char *const *argv, const char *log, int *status)
{
	const struct scenario_run r = { .argv = argv, .log = log, .timeout_s = 280 };

	scenario_log = log;
	scenario_output = scenario_run(&r, status);
}

#define DRIVES(a, b) \
	"-drive", "file=" a ",format=raw,if=ide,index=0", \
	"-drive", "driver=raw,file.driver=blkdebug,file.config=" OUT_DIR \
		  "disk-blkdebug.conf,file.image.filename=" b ",if=ide,index=1"

START_TEST(test_native_disk)
{
#define N_HDA OUT_DIR "disk-native-a.img"
#define N_HDB OUT_DIR "disk-native-b.img"
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "256M",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4", DRIVES(N_HDA, N_HDB),
		"-kernel", GUEST_ELF, "-initrd", GUEST_INITRD, "-append", "disk disk2", NULL,
	};
	int status = -1;

	make_images(N_HDA, N_HDB);
	run(argv, OUT_DIR "disk-native.log", &status);
	scenario_check_boot("pvops-guest: booting in native mode");
	ck_assert_int_eq(status, 1);            /* isa-debug-exit, code 0 */
	check_dma_disks();
	check_disk_section();
	check_disk2_section();
	check_images(N_HDA, N_HDB);
}
END_TEST

START_TEST(test_hv_dom0_disk)
{
#define H_HDA OUT_DIR "disk-hv-a.img"
#define H_HDB OUT_DIR "disk-hv-b.img"
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "512",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4", DRIVES(H_HDA, H_HDB),
		"-kernel", HV, "-append", "",
		"-initrd", GUEST_ELF " disk disk2," GUEST_INITRD, NULL,
	};
	int status = -1;

	make_images(H_HDA, H_HDB);
	run(argv, OUT_DIR "disk-hv.log", &status);
	scenario_check_boot("pvops-guest: booting in Xen PV mode");
	ck_assert_msg(strstr(scenario_output, "hv: domain 0 shut down (poweroff)"),
		      "hv did not see a clean power-off; see %s", scenario_log);
	ck_assert_msg(strstr(scenario_output, "free now: balanced"), "frame accounting; see %s",
		      scenario_log);
	ck_assert_int_eq(status, 0);            /* ACPI power-off */
	check_dma_disks();
	check_disk_section();
	check_disk2_section();
	check_images(H_HDA, H_HDB);
}
END_TEST

START_TEST(test_hv_dom0_without_disk)
{
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "512",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4",
		"-kernel", HV, "-append", "", "-initrd", GUEST_ELF " disk," GUEST_INITRD, NULL,
	};
	int status = -1;
	char *got;

	run(argv, OUT_DIR "disk-none.log", &status);
	scenario_check_boot("pvops-guest: booting in Xen PV mode");
	ck_assert_int_eq(status, 0);
	ck_assert_msg(strstr(scenario_output, "ata: no disk on the primary channel\n"),
		      "no boot line about the missing disk; see %s", scenario_log);
	got = section("disk");
	ck_assert_msg(got != NULL, "no disk section; see %s", scenario_log);
	ck_assert_str_eq(got, "no /dev/sda\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_disk");
	TCase *tc = tcase_create("qemu");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_native_disk);
	tcase_add_test(tc, test_hv_dom0_disk);
	tcase_add_test(tc, test_hv_dom0_without_disk);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
