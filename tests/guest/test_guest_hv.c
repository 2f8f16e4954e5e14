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
		"-initrd", GUEST_ELF " " GUEST_ARGS " xendev," GUEST_INITRD, NULL,
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

/*
 * dom0 only: /dev/xen/{privcmd,evtchn,gntdev} (tests/guest/progs/xendev_test.c)
 * give the expected outcome for every call.  Its mappings of our own
 * frames and grants, some left in place at exit, must not upset the
 * frame accounting checked below.
 */
static void check_xen_devices(void)
{
	char *want = scenario_slurp(EXPECTED_DIR "xendev.out");
	char *got = scenario_section(scenario_output, "xendev");

	ck_assert_msg(want != NULL, "missing " EXPECTED_DIR "xendev.out");
	ck_assert_msg(got != NULL, "no xendev section; see " LOG);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(scenario_output, "xendev"), 0);
}

START_TEST(test_dom0_boots_runs_and_powers_off)
{
	const char *out = scenario_output;

	scenario_check_boot("pvops-guest: booting in Xen PV mode");
	ck_assert_msg(strstr(out, "hv: domain 0 shut down (poweroff)"),
		      "hv did not see a clean power-off; see " LOG);
	check_xen_devices();
	ck_assert_msg(strstr(out, "free now: balanced"), "frame accounting; see " LOG);
	ck_assert_int_eq(qemu_status, 0);              /* ACPI power-off */
}
END_TEST

int main(void)
{
	return scenario_main("guest_hv", 360, boot_hv, test_dom0_boots_runs_and_powers_off);
}
