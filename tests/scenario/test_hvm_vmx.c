/*
 * HVM domains on Intel VT-x: hv booted by GRUB in Bochs (QEMU's TCG has
 * no VMX) on a Haswell CPU model with VMX, EPT, VPID and unrestricted
 * guest, so hv picks its VMX backend.  The same guests as the SVM
 * scenario tests, with the same verdicts:
 *
 *   devices  the HVM test kernel's platform checks (test_hvm_devices);
 *   pvops    pvops-guest's busybox script and ABI program as an HVM
 *            domain, the script's output identical to the native run
 *            (test_hvm_pvops);
 *   sched    a triple fault and an access to nothing crash only their
 *            domains while a PV and an HVM domain compute side by side
 *            (test_hvm_sched): four VMCSs and VPIDs on one CPU.
 *
 * The ISOs are built by hv/build.mk (VMX_ISO_*) with tests/harness/grub-iso;
 * tests/harness/bochs-run boots them.  The serial log of each run is
 * kept as <test dir>/hvm_vmx_<name>.serial.log, Bochs' own log next to
 * it as .bochs.log (VM-entry failures show there).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run_suite.h"

#define SCENARIO_DIR    HERON_BUILD_DIR "/tests/scenario"
#define EXPECT_SHELL    "tests/guest/expected/shell.out"
#define BOCHS_SECONDS   "300"

static char *out;

static char *slurp(const char *path)
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
    if (buf && fread(buf, 1, n, f) != (size_t)n)
        buf[0] = 0;
    fclose(f);
    return buf;
}

/* Boots the ISO of run `name` in Bochs; out is the serial log. */
static void boot(const char *name)
{
    char cmd[1024], serial[512];
    int rc;

    snprintf(serial, sizeof(serial), SCENARIO_DIR "/hvm_vmx_%s.serial.log", name);
    snprintf(cmd, sizeof(cmd), "tests/harness/bochs-run " SCENARIO_DIR
             "/hvm-vmx-%s.iso %s " SCENARIO_DIR "/hvm_vmx_%s.bochs.log "
             BOCHS_SECONDS, name, serial, name);
    rc = system(cmd);
    ck_assert_msg(rc == 0, "bochs-run failed (%d): %s", rc, cmd);
    free(out);
    out = slurp(serial);
    ck_assert_msg(out != NULL, "no serial log %s", serial);
}

static void teardown(void)
{
    free(out);
    out = NULL;
}

static unsigned int count(const char *text)
{
    unsigned int n = 0;

    for (const char *p = out; (p = strstr(p, text)); p++)
        n++;
    return n;
}

static void expect(const char *text)
{
    ck_assert_msg(strstr(out, text), "missing from the output: \"%s\"", text);
}

static void absent(const char *text)
{
    ck_assert_msg(!strstr(out, text), "unexpected in the output: \"%s\"", text);
}

/* The number after `key` in the first line containing it. */
static long long value_after(const char *key)
{
    const char *p = strstr(out, key);

    ck_assert_msg(p != NULL, "missing from the output: \"%s\"", key);
    return strtoll(p + strlen(key), NULL, 10);
}

/* The count of exit `name` in "hvm: domain N exits: ..." (0 if absent). */
static long long exit_count(unsigned int dom, const char *name)
{
    char key[48], item[48];
    const char *line, *end, *p;

    snprintf(key, sizeof(key), "hvm: domain %u exits: ", dom);
    line = strstr(out, key);
    ck_assert_msg(line != NULL, "no exit counts for domain %u", dom);
    end = strchr(line, '\n');
    snprintf(item, sizeof(item), " %s ", name);
    p = strstr(line, item);
    if (!p || (end && p > end))
        return 0;
    return strtoll(p + strlen(item), NULL, 10);
}

static void expect_vmx_and_balance(void)
{
    expect("hvm: VMX with EPT available");
    expect("ept unrestricted-guest");
    expect("hvm: VMX enabled: HVM domains available");
    expect("Test result: PASS (pv_dom0)");
    expect("hv: frame accounting: ");
    expect("free now: balanced");
    absent("FATAL");
    absent("PANIC");
    absent("VMLAUNCH failed");
    absent("VMRESUME failed");
    absent("refused the guest state");
}

/* What domain dom printed between "(dN) === BEGIN name ===" and its end,
 * without the prefixes and the kernel's own "pvops-guest: " lines. */
static char *section(unsigned int dom, const char *name)
{
    char prefix[16], begin[64], end[64];
    const char *p, *stop;
    char *s = calloc(1, strlen(out) + 1), *o = s;
    size_t plen = snprintf(prefix, sizeof(prefix), "(d%u) ", dom);

    snprintf(begin, sizeof(begin), "%s=== BEGIN %s ===", prefix, name);
    snprintf(end, sizeof(end), "%s=== END %s (", prefix, name);
    p = strstr(out, begin);
    ck_assert_msg(p != NULL && strchr(p, '\n'), "no %s section", name);
    p = strchr(p, '\n') + 1;
    stop = strstr(p, end);
    ck_assert_msg(stop != NULL, "%s section does not end", name);
    while (p < stop) {
        const char *nl = memchr(p, '\n', stop - p);
        size_t len = nl ? (size_t)(nl - p + 1) : (size_t)(stop - p);

        if (len > plen && !strncmp(p, prefix, plen) &&
            strncmp(p + plen, "pvops-guest: ", 13)) {
            for (size_t i = plen; i < len; i++)
                if (p[i] != '\r')
                    *o++ = p[i];
        }
        p += len;
    }
    return s;
}

START_TEST(platform_devices_under_vmx)
{
    boot("devices");
    expect("hvm: domain 1: 16 MiB RAM, kernel [0x100000-");
    expect("(d1) hvm test kernel: mode devices");
    expect("(d1) hvm test: PASS");
    absent("(d1) FAIL");
    expect("hvm: domain 1 entered ACPI S5: powering it off");
    /* MMIO through EPT violations, AMD's VMMCALL through #UD, CR4 writes. */
    ck_assert_int_gt(exit_count(1, "mmio"), 0);
    ck_assert_int_gt(exit_count(1, "vmmcall"), 0);
    ck_assert_int_gt(exit_count(1, "cr"), 0);
    ck_assert_int_gt(exit_count(1, "io"), 0);
    expect("hv: domain 1 died (poweroff)");
    absent("crashed");
    expect_vmx_and_balance();
}
END_TEST

START_TEST(pvops_guest_busybox_under_vmx)
{
    char *want = slurp(EXPECT_SHELL);

    boot("pvops");
    expect("(d1) pvops-guest: booting in native mode, 128 MiB");
    expect("(d1) === ALL DONE ===");
    expect("hvm: domain 1 wrote 0 to isa-debug-exit: powering it off");
    ck_assert_msg(want != NULL, "missing " EXPECT_SHELL);
    /* Long mode, user mode, SYSCALL (the MSRs VMX does not switch):
     * the same output as the native boot. */
    ck_assert_str_eq(section(1, "shell"), want);
    expect("(d1) === END shell (status 0) ===");
    expect("(d1) == done");
    expect("(d1) === END abi (status 0) ===");
    ck_assert_int_gt(exit_count(1, "hlt"), 0);
    ck_assert_int_gt(exit_count(1, "intr"), 0);
    ck_assert_int_eq(exit_count(1, "shutdown"), 0);
    expect("hv: domain 1 died (poweroff)");
    absent("crashed");
    absent("KERNEL PANIC");
    expect_vmx_and_balance();
}
END_TEST

START_TEST(crashes_are_contained_under_vmx)
{
    boot("sched");
    expect("boot: 5 domains started");
    expect("hv: domain 1 crashed: triple fault (shutdown)");
    expect("hv: domain 2 crashed: read of guest-physical 0xd0000000, "
           "outside RAM and devices");
    ck_assert_int_eq(exit_count(1, "shutdown"), 1);
    ck_assert_int_eq(exit_count(2, "npf"), 1);
    ck_assert_int_ge(value_after("hv: domain 1 died (crash): "), 2048);
    ck_assert_int_ge(value_after("hv: domain 2 died (crash): "), 2048);
    absent("(d1) FAIL");
    absent("(d2) FAIL");
    expect("(d3) Test result: PASS (busy)");
    expect("hvm: domain 4 wrote 0 to isa-debug-exit");
    ck_assert_int_ge(count("(d3) progress pv"), 2);
    ck_assert_int_ge(count("(d4) progress hvm"), 2);
    ck_assert_msg(strstr(out, "(d3) progress pv") < strstr(out, "(d4) done hvm") &&
                  strstr(out, "(d4) progress hvm") < strstr(out, "(d3) done pv"),
                  "the PV and HVM domains did not run side by side");
    ck_assert_int_gt(value_after("(d4) done hvm "), 0);
    ck_assert_int_gt(exit_count(4, "intr"), 0);
    expect("hv: domain 4 died (poweroff)");
    expect_vmx_and_balance();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_vmx");
    TCase *tc = tcase_create("vmx");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 360);
    tcase_add_test(tc, platform_devices_under_vmx);
    tcase_add_test(tc, pvops_guest_busybox_under_vmx);
    tcase_add_test(tc, crashes_are_contained_under_vmx);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
