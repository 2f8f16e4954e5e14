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
 *            (test_hvm_sched): four VMCSs and VPIDs on one CPU;
 *   ioreq    the device model in dom0 (tests/hvm-guests/dm/) serves the
 *            guest's port and MMIO accesses and takes COM1 over
 *            (test_hvm_ioreq): instructions completed after an ioreq;
 *   noept    the fallback rule on a Core 2 (VMX without EPT): hv says
 *            so, refuses the HVM domain with that reason, and a PV domU
 *            runs as before.
 *
 * The ISOs are built by hv/build.mk (VMX_ISO_*) with tests/harness/grub-iso;
 * tests/harness/bochs-run boots them.  The serial log of each run is
 * kept as <test dir>/hvm_vmx_<name>.serial.log, Bochs' own log next to
 * it as .bochs.log (VM-entry failures show there).
 */
#include "test_hvm_vmx_lib.h"
#include "run_suite.h"

#define EXPECT_SHELL    "tests/guest/expected/shell.out"

START_TEST(platform_devices_under_vmx)
{
    boot("devices");
    expect("hvm: domain 1: 16 MiB RAM, kernel [0x100000-");
    expect("(d1) hvm test kernel: mode devices");
    expect("(d1) hvm test: PASS");
    absent("(d1) FAIL");
    expect("(d1) hvm hypercall console ok");
    expect("hvm: domain 1 entered ACPI S5: powering it off");
    /* MMIO through EPT violations, VMCALL from the hypercall page and
     * AMD's VMMCALL through #UD, CR4 writes. */
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
    /*
     * No count of d4's external-interrupt exits: its serial output exits
     * often enough that hv reschedules there (timer_raise_if_due), so
     * whether hv's timer also fires inside d4 is luck.  The pvops case
     * asserts such exits.
     */
    expect("hv: domain 4 died (poweroff)");
    expect_vmx_and_balance();
}
END_TEST

START_TEST(device_model_under_vmx)
{
    boot("ioreq");
    expect("(d1) ioreq: waiting for the device model");
    expect("serving domain 1");
    expect("com1: ioreq test: PASS");
    absent("com1: FAIL");
    /* After the takeover nothing of the guest's reaches hv's UART. */
    absent("(d1) ok ");
    absent("(d1) ioreq test");
    expect("hvm: domain 1 entered ACPI S5: powering it off");
    expect("hv: domain 1: its last frames came back");
    ck_assert_int_gt(value_after("device model served "), 3);
    ck_assert_int_gt(exit_count(1, "mmio"), 0);
    expect("Test result: PASS (hvm_dm)");
    absent("crashed");
    expect("hvm: VMX enabled: HVM domains available");
    expect("free now: balanced");
    absent("FATAL");
}
END_TEST

START_TEST(vmx_without_ept_refuses_hvm_domains)
{
    boot_model("noept", "core2_penryn_t9600");
    expect("hvm: VMX without EPT available");
    expect("\nhvm: VMX without EPT: HVM domains unavailable\r\n");
    expect("boot: domain 2 (module 2): hvm: VMX without EPT: HVM domains "
           "unavailable; not created");
    absent("hvm: VMX enabled");
    absent("(d2)");
    expect("(d1) Test result: PASS (busy)");
    expect("hv: domain 1 died (poweroff)");
    expect("Test result: PASS (pv_dom0)");
    expect("free now: balanced");
    absent("FATAL");
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
    tcase_add_test(tc, device_model_under_vmx);
    tcase_add_test(tc, vmx_without_ept_refuses_hvm_domains);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
