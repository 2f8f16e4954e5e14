/*
 * Scenario test: boots build/pvops-guest.elf as dom0 of heron's own
 * hypervisor (build/hv.elf) under QEMU (TCG) with the same initrd, command
 * line and typed input as the native test, and checks the same output
 * (scenario.c), a clean power-off and hv's frame accounting.  dom0's
 * console output reaches the serial line unchanged, as on Xen.
 *
 * The console log is kept in build/tests/guest/hv-dom0.log.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define HV  "build/hv.elf"
#define LOG "build/tests/guest/hv-dom0.log"

static int qemu_status = -1;

static void boot_hv(void)
{
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "512",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4",
		"-kernel", HV, "-append", "",
		"-initrd", GUEST_ELF " " GUEST_ARGS "," GUEST_INITRD, NULL,
	};
	const struct scenario_run run = {
		.argv = argv, .log = LOG, .send_after = INPUT_AFTER, .send = INPUT_LINE "\r",
		.timeout_s = 300,
	};
	char *out;

	scenario_log = LOG;
	out = scenario_run(&run, &qemu_status);
	scenario_output = out;
}

START_TEST(test_dom0_boots_runs_and_powers_off)
{
	const char *out = scenario_output;

	ck_assert_msg(out != NULL, "QEMU did not run; see " LOG);
	ck_assert_msg(strstr(out, "pvops-guest: booting in Xen PV mode"), "no boot banner");
	ck_assert_msg(strstr(out, "=== ALL DONE ==="), "end marker missing; see " LOG);
	ck_assert_msg(strstr(out, "pvops-guest: power off"), "guest did not power off");
	ck_assert_msg(strstr(out, "hv: domain 0 shut down (poweroff)"),
		      "hv did not see a clean power-off; see " LOG);
	ck_assert_msg(strstr(out, "free now: balanced"), "frame accounting; see " LOG);
	ck_assert_int_eq(qemu_status, 0);              /* ACPI power-off */
	ck_assert_msg(!strstr(out, "KERNEL PANIC") && !strstr(out, "KERNEL FAULT"),
		      "kernel crashed; see " LOG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_hv");
	TCase *tc = tcase_create("hv");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 360);
	tcase_add_unchecked_fixture(tc, boot_hv, NULL);
	tcase_add_test(tc, test_dom0_boots_runs_and_powers_off);
	scenario_add_output_tests(tc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
