/*
 * hv booted by GRUB 2 through multiboot2, as on real machines: the BIOS
 * boots a GRUB ISO (tests/harness/grub-iso, built by hv/build.mk) from
 * the CD, GRUB's menu runs on the serial console and boots hv at once
 * with two PV test guests as modules.  hv must report the GRUB loader,
 * take its memory map and modules (with their command lines) from the
 * multiboot2 tags, and run both guests to a pass.
 *
 * The ISO holds (hv/build.mk, GRUB_ISO_*):
 *   multiboot2 /boot/hv.elf dom0_mem=16M domu=1:16M
 *   module2 test_pv_dom0.elf domus=1
 *   module2 test_busy.elf seconds=1 id=grub
 * (test_busy: CPU-bound for a second, so that dom0 has certainly bound
 * VIRQ_DOM_EXC before the domU dies, as test_pv_dom0 requires.)
 */
#include <sys/stat.h>

#include "test_pv_lib.h"
#include "run_suite.h"

#define GRUB_ISO HERON_BUILD_DIR "/tests/scenario/hv-grub.iso"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

static uint64_t file_size(const char *path)
{
    struct stat st;

    ck_assert_msg(stat(path, &st) == 0, "no %s", path);
    return (uint64_t)st.st_size;
}

/* Module idx's line: where GRUB put it, its size and its command line. */
static void expect_module(unsigned int idx, const char *path, const char *cmdline)
{
    char key[64], want[128];
    uint64_t start, end, len;
    const char *line;

    snprintf(key, sizeof(key), "boot: module %u: [", idx);
    line = qemu_expect(q, key, 10);
    ck_assert_int_eq(sscanf(line + strlen(key), "%" SCNx64 "-%" SCNx64 ") %" SCNu64,
                            &start, &end, &len), 3);
    ck_assert_uint_eq(len, file_size(path));
    ck_assert_uint_eq(end - start, len);
    ck_assert_uint_eq(start % 4096, 0);     /* the header asks for page alignment */
    snprintf(want, sizeof(want), "bytes, cmdline \"%s\"", cmdline);
    ck_assert_msg(strstr(line, want), "module %u: %s", idx, line);
}

START_TEST(grub_boots_hv_with_two_guests)
{
    struct qemu_config cfg = {
        .name = "hv_grub", .cdrom = GRUB_ISO, .mem_mb = 256, .timeout_s = 90,
    };
    const char *line;

    q = qemu_start(&cfg);
    qemu_expect(q, "Booting `heron hv'", 60);
    line = qemu_expect(q, "boot: loader \"", 30);
    ck_assert_msg(!strncmp(line, "boot: loader \"GRUB 2.", 21) &&
                  strstr(line, "\", multiboot2"), "loader: %s", line);
    qemu_expect(q, "boot: command line \"dom0_mem=16M domu=1:16M\"", 10);
    /* The BIOS's E820 map, as GRUB hands it on: -m 256 is RAM from 1 MiB
     * to just below 256 MiB, after the low RAM below the EBDA. */
    qemu_expect(q, "e820: memory map from the loader:", 10);
    qemu_expect(q, "e820: [0000000000000000-000000000009fbff] RAM", 10);
    qemu_expect(q, "e820: [0000000000100000-000000000ffdffff] RAM", 10);
    expect_module(0, GUEST("test_pv_dom0"), "domus=1");
    expect_module(1, GUEST("test_busy"), "seconds=1 id=grub");
    qemu_expect(q, "hv: boot complete", 30);
    qemu_expect(q, "boot: 2 domains started", 30);
    /* The guests' command lines reached them through start_info. */
    qemu_expect(q, "waiting for 1 domUs", 30);
    qemu_expect(q, "(d1) progress grub ", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);

    expect_output(q, "(d1) Test result: PASS (busy)");
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "not used by any domain");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hv_grub");
    TCase *tc = tcase_create("grub");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, grub_boots_hv_with_two_guests);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
