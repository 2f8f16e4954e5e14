/*
 * Scenario test (make test-guest-xen; not part of make test, it needs Xen):
 * boots build/pvops-guest.elf as dom0 of real Xen 4.17 under QEMU (TCG)
 * with the same initrd, command line and typed input as the native test,
 * and checks the same output (scenario.c): the busybox script's identical
 * to the expected one, the musl ABI program's to the host's.  Xen powers
 * dom0's machine off by halting it; QEMU then keeps running, so the runner
 * stops it once Xen says so.
 *
 * The console log is kept in build/tests/guest/xen-dom0.log.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define XEN "build/xen-ref/xen-4.17"
#define LOG "build/tests/guest/xen-dom0.log"

static void boot_xen(void)
{
	/* -smap: Xen 4.17's PV bounce-frame path trips over SMAP under QEMU 7.2 TCG. */
	static const char *const argv[] = {
		"qemu-system-x86_64", "-accel", "tcg", "-cpu", "max,-smap", "-m", "512",
		"-display", "none", "-no-reboot", "-monitor", "none", "-serial", "stdio",
		"-kernel", XEN,
		"-append", "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all "
			   "dom0_mem=128M noreboot",
		"-initrd", GUEST_ELF " " GUEST_ARGS "," GUEST_INITRD, NULL,
	};
	static const char *const stop_on[] = {
		"Hardware Dom0 halted", "Hardware Dom0 crashed", "Hardware Dom0 shutdown",
		"Panic on CPU", NULL,
	};
	const struct scenario_run run = {
		.argv = argv, .log = LOG, .send_after = INPUT_AFTER, .send = INPUT_LINE "\r",
		.stop_on = stop_on, .timeout_s = 600,
	};
	int status;

	scenario_log = LOG;
	scenario_output = scenario_run(&run, &status);
}

START_TEST(test_dom0_boots_runs_and_powers_off)
{
	const char *out = scenario_output;

	scenario_check_boot("pvops-guest: booting in Xen PV mode");
	ck_assert_msg(strstr(out, "Hardware Dom0 halted"),
		      "Xen did not see a clean power-off; see " LOG);
}
END_TEST

int main(void)
{
	return scenario_main("guest_xen", 700, boot_xen, test_dom0_boots_runs_and_powers_off);
}
