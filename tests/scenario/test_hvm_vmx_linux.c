/*
 * Debian's stock kernel as an HVM domain on Intel VT-x: hv in Bochs
 * (corei7_haswell_4770: VMX, EPT, VPID, unrestricted guest) boots the
 * bzImage of test_hvm_linux with its busybox /init, which prints what the
 * kernel saw and powers off through ACPI S5.  Linux's Intel start-up
 * paths run here (QEMU's CPU is an AMD one): IA32_MISC_ENABLE and the
 * microcode revision MSR.  About two minutes, so only `make test-vmx`
 * runs it.
 */
#include <unistd.h>
#include "test_hvm_vmx_lib.h"
#include "run_suite.h"

#define LINUX_REF      HERON_BUILD_DIR "/linux-ref"

/* The value after "(d1) name: " up to the line's end. */
static char *marker(const char *name)
{
    char key[64];
    const char *p;

    snprintf(key, sizeof(key), "(d1) %s: ", name);
    p = strstr(out, key);
    ck_assert_msg(p != NULL, "Linux's /init printed no %s line", name);
    p += strlen(key);
    return strndup(p, strcspn(p, "\r\n"));
}

START_TEST(debian_kernel_boots_under_vmx)
{
    char *why = slurp(LINUX_REF "/unavailable"), *version;

    ck_assert_msg(why == NULL, "Debian's kernel is not available: %s", why);
    version = slurp(LINUX_REF "/version");
    ck_assert_msg(version != NULL, "no " LINUX_REF "/version: the build did not "
                  "fetch Debian's kernel (tests/hvm-guests/linux/fetch-kernel)");
    version[strcspn(version, "\n")] = 0;

    boot("linux");
    expect("Linux bzImage (protocol 2.");
    expect("(d1) === LINUX INIT ===");
    expect("(d1) === LINUX DONE ===");
    expect("hvm: domain 1 entered ACPI S5: powering it off");
    ck_assert_str_eq(marker("uname-r"), version);
    ck_assert_str_eq(marker("processors"), "1");
    ck_assert_str_eq(marker("hypervisor-flag"), "1");
    ck_assert_msg(atoi(marker("lapic-timer-irqs")) > 0, "no local APIC timer interrupts");
    ck_assert_msg(*marker("clocksource"), "no clocksource");
    expect("(d1) [    0.000000] Command line: console=ttyS0 quiet");
    expect("ACPI: RSDP 0x00000000000F0000");
    expect("IOAPIC[0]: apic_id 1, version 17, address 0xfec00000");
    expect("APIC: Switch to symmetric I/O mode setup");
    expect("Freeing initrd memory");
    expect("ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A");
    absent("unchecked MSR access");
    absent("Call Trace");
    ck_assert_int_gt(exit_count(1, "io"), 0);
    ck_assert_int_gt(exit_count(1, "mmio"), 0);
    ck_assert_int_gt(exit_count(1, "intr"), 0);
    ck_assert_int_eq(exit_count(1, "shutdown"), 0);
    expect("hv: domain 1 died (poweroff)");
    absent("crashed");
    expect_vmx_and_balance();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_vmx_linux");
    TCase *tc = tcase_create("linux");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 480);
    tcase_add_test(tc, debian_kernel_boots_under_vmx);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
