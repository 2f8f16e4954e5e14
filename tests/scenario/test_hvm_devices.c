/*
 * The HVM test kernel (tests/hvm-guests/) checks the platform it runs on:
 * multiboot information and e820 map, CPUID and MSRs, ACPI tables, RTC,
 * PM timer, interrupts through the 8259, the IOAPIC and the local APIC
 * (timer, self-IPI, level-triggered EOI), MMIO emulated from several
 * instruction forms and through guest paging, refused instructions; then
 * it powers off through ACPI S5.  Every check must pass, and only that
 * domain goes.
 */
#include "test_hvm_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

START_TEST(platform_devices_as_the_guest_sees_them)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { HVM_TEST_KERNEL, "mode=devices" },
    };
    struct qemu_config cfg = {
        .name = "hvm_devices", .modules = mods, .nr_modules = 2, .mem_mb = 128,
        .timeout_s = 90, .cmdline = "dom0_mem=16M hvm=1:16M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "hvm: domain 1: 16 MiB RAM, kernel [0x100000-", 30);
    qemu_expect(q, "(d1) hvm test kernel: mode devices", 30);
    qemu_expect(q, "(d1) hvm test: ", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_POWEROFF);
    qemu_expect_absent(q, "(d1) FAIL");
    expect_output(q, "(d1) hvm test: PASS");
    expect_output(q, "hvm: domain 1 entered ACPI S5: powering it off");
    ck_assert_int_gt(exit_count(q, 1, "mmio"), 0);
    ck_assert_int_gt(exit_count(q, 1, "vmmcall"), 0);
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_devices");
    TCase *tc = tcase_create("devices");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, platform_devices_as_the_guest_sees_them);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
