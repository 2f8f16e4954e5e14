/*
 * Scenario test: boots build/pvops-guest.elf natively under QEMU (TCG, no
 * hypervisor) with the test initrd, once, running the "shell", "abi" and
 * "input" scripts (a line is typed at the console for the last), then checks
 * each script's output section.
 *
 * The guest's serial output is kept in build/tests/guest/native-serial.log.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define LOG "build/tests/guest/native-serial.log"

static char *serial;          /* whole console log, CRs removed */
static int qemu_status = -1;

static void boot_guest(void)
{
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "256M",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4",
		"-kernel", GUEST_ELF, "-initrd", GUEST_INITRD, "-append", GUEST_ARGS, NULL,
	};
	const struct scenario_run run = {
		.argv = argv, .log = LOG, .send_after = INPUT_AFTER, .send = INPUT_LINE "\r",
		.timeout_s = 300,
	};

	serial = scenario_run(&run, &qemu_status);
}

START_TEST(test_boot_completes_and_powers_off)
{
	ck_assert_msg(serial != NULL, "no serial log at " LOG);
	ck_assert_msg(strstr(serial, "pvops-guest: booting in native mode"), "no boot banner");
	ck_assert_msg(strstr(serial, "=== ALL DONE ==="), "end marker missing; see " LOG);
	ck_assert_msg(strstr(serial, "pvops-guest: power off"), "guest did not power off");
	/* isa-debug-exit: QEMU exits with (0 << 1) | 1 when the guest powers off. */
	ck_assert_int_eq(qemu_status, 1);
	ck_assert_msg(!strstr(serial, "KERNEL PANIC") && !strstr(serial, "KERNEL FAULT"),
		      "kernel crashed; see " LOG);
}
END_TEST

START_TEST(test_busybox_shell_script)
{
	char *got = scenario_section(serial, "shell");
	char *want = scenario_slurp(EXPECTED_DIR "shell.out");

	ck_assert_msg(want != NULL, "missing " EXPECTED_DIR "shell.out");
	ck_assert_msg(got != NULL, "no shell section; see " LOG);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(serial, "shell"), 0);
}
END_TEST

START_TEST(test_segfault_is_contained)
{
	char *got = scenario_section(serial, "shell");

	ck_assert_msg(got != NULL, "no shell section; see " LOG);
	ck_assert_msg(strstr(got, "segv: about to fault\n"), "segv did not run");
	ck_assert_msg(!strstr(got, "segv: survived"), "segv survived its fault");
	ck_assert_msg(strstr(got, "segv -> 139\n"), "segv not killed by SIGSEGV");
	ck_assert_msg(strstr(got, "shell still alive\n"), "shell died with its child");
}
END_TEST

START_TEST(test_console_input)
{
	char *got = scenario_section(serial, "input");
	char *want = scenario_slurp(EXPECTED_DIR "input.out");

	ck_assert_msg(want != NULL, "missing " EXPECTED_DIR "input.out");
	ck_assert_msg(got != NULL, "no input section; see " LOG);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(serial, "input"), 0);
}
END_TEST

START_TEST(test_musl_program_matches_host)
{
	char *guest = scenario_section(serial, "abi");
	char *host = scenario_host_abi();

	ck_assert_msg(host && strstr(host, "== done\n"), "host run of abi_test failed");
	ck_assert_msg(guest != NULL, "no abi section; see " LOG);
	ck_assert_str_eq(guest, host);
	ck_assert_int_eq(scenario_section_status(serial, "abi"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_native");
	TCase *tc = tcase_create("qemu");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 360);
	tcase_add_unchecked_fixture(tc, boot_guest, NULL);
	tcase_add_test(tc, test_boot_completes_and_powers_off);
	tcase_add_test(tc, test_busybox_shell_script);
	tcase_add_test(tc, test_segfault_is_contained);
	tcase_add_test(tc, test_musl_program_matches_host);
	tcase_add_test(tc, test_console_input);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
