/*
 * Debian's stock kernel (linux-image-amd64, fetched by the build into
 * build/linux-ref) boots unmodified as an HVM domain of hv next to a PV
 * dom0, by the Linux boot protocol: its /init (tests/hvm-guests/linux/
 * init) prints what the kernel saw of hv's platform and powers off
 * through ACPI S5.  And bzImages hv must refuse (truncated, too old a
 * protocol, too little RAM for the kernel or for its initrd) are refused
 * before the domain exists.
 */
#include <sys/stat.h>
#include "test_hvm_lib.h"
#include "run_suite.h"

#define LINUX_REF      HERON_BUILD_DIR "/linux-ref"
#define LINUX_KERNEL   LINUX_REF "/vmlinuz"
#define LINUX_INITRD   HERON_BUILD_DIR "/tests/hvm-guests/linux/initrd.cpio.gz"
#define TRUNCATED_LEN  (4u << 20)
#define HDR_VERSION    0x206

static struct qemu *q;
static char tmpdir[64];

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
    if (tmpdir[0]) {
        char cmd[96];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        ck_assert_int_ne(system(cmd), -1);
        tmpdir[0] = 0;
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, n + 1);
    ck_assert(buf != NULL);
    ck_assert_int_eq(fread(buf, 1, n, f), n);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

/* The kernel's `uname -r`; fails the test, saying why, without a kernel. */
static char *kernel_version(void)
{
    char *why = slurp(LINUX_REF "/unavailable", NULL), *v;

    ck_assert_msg(why == NULL, "Debian's kernel is not available: %s", why);
    v = slurp(LINUX_REF "/version", NULL);
    ck_assert_msg(v != NULL && access(LINUX_KERNEL, R_OK) == 0,
                  "no " LINUX_KERNEL ": the build did not fetch Debian's kernel "
                  "(tests/hvm-guests/linux/fetch-kernel)");
    v[strcspn(v, "\n")] = 0;
    return v;
}

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");

    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_int_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* The value after "name: " in domain output out, up to the line's end. */
static char *marker(const char *out, const char *name)
{
    char key[64];
    const char *p;

    snprintf(key, sizeof(key), "\n%s: ", name);
    p = strstr(out, key);
    ck_assert_msg(p != NULL, "Linux's /init printed no %s line", name);
    p += strlen(key);
    return strndup(p, strcspn(p, "\n"));
}

START_TEST(debian_kernel_boots_to_busybox)
{
    char *version = kernel_version(), *out;
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { LINUX_KERNEL, "console=ttyS0 quiet" },
        { LINUX_INITRD, NULL },
    };
    struct qemu_config cfg = {
        .name = "hvm_linux", .modules = mods, .nr_modules = 3, .mem_mb = 256,
        .timeout_s = 120, .cmdline = "dom0_mem=16M hvm=1:128M:initrd=2",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "hvm: SVM enabled: HVM domains available", 30);
    qemu_expect(q, "Linux bzImage (protocol 2.", 30);
    qemu_expect(q, "boot: 2 domains started", 30);
    qemu_expect(q, "(d1) === LINUX INIT ===", 90);
    qemu_expect(q, "(d1) === LINUX DONE ===", 30);
    qemu_expect(q, "hvm: domain 1 entered ACPI S5: powering it off", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_POWEROFF);

    out = domain_output(q, 1);
    ck_assert_str_eq(marker(out, "uname-r"), version);
    ck_assert_str_eq(marker(out, "processors"), "1");
    ck_assert_str_eq(marker(out, "hypervisor-flag"), "1");
    ck_assert_str_eq(marker(out, "clocksource"), "acpi_pm");
    ck_assert_msg(atoi(marker(out, "lapic-timer-irqs")) > 0,
                  "no local APIC timer interrupts");
    /* The command line and initrd came through the zero page, the ACPI
     * tables and interrupt controllers were found and used, COM1 is a
     * 16550A. */
    ck_assert_msg(strstr(out, "Command line: console=ttyS0 quiet\n"), "command line");
    ck_assert_msg(strstr(out, "ACPI: RSDP 0x00000000000F0000"), "no RSDP");
    ck_assert_msg(strstr(out, "ACPI: APIC 0x"), "no MADT");
    ck_assert_msg(strstr(out, "IOAPIC[0]: apic_id 1, version 17, address 0xfec00000"),
                  "no IOAPIC");
    ck_assert_msg(strstr(out, "APIC: Switch to symmetric I/O mode setup"),
                  "Linux did not use the IOAPIC");
    ck_assert_msg(strstr(out, "Freeing initrd memory"), "the initrd was not used");
    ck_assert_msg(strstr(out, "ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) "
                              "is a 16550A"), "no 16550A on COM1");
    ck_assert_msg(!strstr(out, "unchecked MSR access"), "Linux hit an unknown MSR");
    ck_assert_msg(!strstr(out, "Call Trace"), "Linux printed a stack trace");

    ck_assert_int_gt(exit_count(q, 1, "io"), 0);
    ck_assert_int_gt(exit_count(q, 1, "mmio"), 0);
    ck_assert_int_gt(exit_count(q, 1, "intr"), 0);
    ck_assert_int_eq(exit_count(q, 1, "shutdown"), 0);
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

START_TEST(bad_bzimages_refused)
{
    char truncated[96], old[96];
    size_t len;
    char *image;
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=4" },
        { truncated, "console=ttyS0" },
        { old, "console=ttyS0" },
        { LINUX_KERNEL, "console=ttyS0" },
        { LINUX_KERNEL, "console=ttyS0" },
        { LINUX_KERNEL, NULL },
    };
    struct qemu_config cfg = {
        .name = "hvm_linux_bad", .modules = mods, .nr_modules = 6, .mem_mb = 128,
        .timeout_s = 60,
        .cmdline = "dom0_mem=16M hvm=1:128M hvm=2:128M hvm=3:64M "
                   "hvm=4:82M:initrd=5",
    };

    free(kernel_version());
    image = slurp(LINUX_KERNEL, &len);
    ck_assert(image != NULL && len > TRUNCATED_LEN);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hvm-linux-XXXXXX");
    ck_assert(mkdtemp(tmpdir) != NULL);
    snprintf(truncated, sizeof(truncated), "%s/truncated", tmpdir);
    snprintf(old, sizeof(old), "%s/protocol-2.04", tmpdir);
    write_file(truncated, image, TRUNCATED_LEN);
    image[HDR_VERSION] = 0x04;
    image[HDR_VERSION + 1] = 0x02;
    write_file(old, image, len);

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 1 domain started", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "boot: domain 1 (module 1): bad bzImage: the file is "
                     "truncated: 4194304 bytes, the header says ");
    expect_output(q, "boot: domain 2 (module 2): bad bzImage: boot protocol 2.04 "
                     "is too old (hv needs 2.10 or later); not created");
    expect_output(q, "boot: domain 3 (module 3): the kernel needs RAM up to ");
    expect_output(q, "but the domain has 64 MiB; not created");
    expect_output(q, "boot: domain 4 (module 4): the initrd (");
    expect_output(q, "does not fit between the kernel's end");
    ck_assert_int_eq(qemu_count(q, "; not created"), 4);
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "(d1)");
    qemu_expect_absent(q, "hvm: domain ");
    qemu_expect_absent(q, "FATAL");
    free(image);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_linux");
    TCase *tc = tcase_create("linux");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, debian_kernel_boots_to_busybox);
    tcase_add_test(tc, bad_bzimages_refused);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
