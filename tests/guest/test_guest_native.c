/*
 * Scenario test: boots build/pvops-guest.elf natively under QEMU (TCG, no
 * hypervisor) with the test initrd, once, running the "shell", "abi",
 * "input" (a line is typed at the console) and "xendev" scripts, then checks
 * each script's output (scenario.c; xendev: no /dev/xen without a hypervisor).
 *
 * The console log is kept in build/tests/guest/native-serial.log.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define LOG "build/tests/guest/native-serial.log"

static int qemu_status = -1;

static void boot_guest(void)
{
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "256M",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4",
		"-kernel", GUEST_ELF, "-initrd", GUEST_INITRD, "-append", GUEST_ARGS " xendev",
		NULL,
	};
	const struct scenario_run run = {
		.argv = argv, .log = LOG, .send_after = INPUT_AFTER, .send = INPUT_LINE "\r",
		.timeout_s = 300,
	};

	scenario_log = LOG;
	scenario_output = scenario_run(&run, &qemu_status);
}

START_TEST(test_boot_completes_and_powers_off)
{
	scenario_check_boot("pvops-guest: booting in native mode");
	/* No hypervisor, no /dev/xen (tests/guest/scripts/xendev.sh). */
	ck_assert_msg(scenario_section(scenario_output, "xendev") &&
		      !strcmp(scenario_section(scenario_output, "xendev"), "no /dev/xen\n"),
		      "/dev/xen natively; see " LOG);
	/* isa-debug-exit: QEMU exits with (0 << 1) | 1 when the guest powers off. */
	ck_assert_int_eq(qemu_status, 1);
}
END_TEST

int main(void)
{
	return scenario_main("guest_native", 360, boot_guest, test_boot_completes_and_powers_off);
}
