/*
 * Helpers shared by the pvops-guest scenario tests (native and Xen PV):
 * the test scripts' output sections in a console log, and the host run
 * of the ABI test program their output is compared with.
 */
#ifndef GUEST_TEST_SCENARIO_H
#define GUEST_TEST_SCENARIO_H

#define GUEST_ELF    "build/pvops-guest.elf"
#define GUEST_INITRD "build/guest/initrd.cpio.gz"
#define GUEST_ARGS   "shell abi input unix xenstore inet inetdev"  /* the guest command line of every run */
#define EXPECTED_DIR "tests/guest/expected/"
/* The "input" script reads this line from the console. */
#define INPUT_AFTER  "=== BEGIN input ==="
#define INPUT_LINE   "typed at the console"

struct scenario_run {
	const char *const *argv;      /* QEMU, with -serial stdio */
	const char *log;              /* file that gets the console output */
	const char *send_after;       /* once this is in the output... */
	const char *send;             /* ...this goes to the console */
	const char *const *stop_on;   /* NULL-terminated: kill QEMU once one appears */
	unsigned int timeout_s;
};

/*
 * Runs QEMU with the guest's console on its stdin/stdout until it exits, a
 * stop_on text appears or the timeout passes (QEMU is then killed).
 * Returns the output with CRs removed; *status is QEMU's exit status, or
 * -1 if it was killed or died of a signal.
 */
char *scenario_run(const struct scenario_run *r, int *status);

#include <check.h>

/*
 * The run under test, set by each test's boot fixture: the console output
 * (CRs removed, the hypervisor's per-line domain prefix removed) and the
 * log file it is kept in, for messages.
 */
extern char *scenario_output;
extern const char *scenario_log;

/*
 * The checks every mode shares: the shell script's output is the expected
 * one (and its deliberate segfault kills only itself), the ABI program's
 * is the host's, the line typed at the console came through, and the
 * AF_UNIX socket test and xenstored-in-the-guest give their expected output.
 */
void scenario_add_output_tests(TCase *tc);

/*
 * What every boot must show, whatever hosts the kernel: QEMU ran, the
 * kernel's banner for its mode, the end marker, the kernel's power-off,
 * and no kernel crash.
 */
void scenario_check_boot(const char *banner);

/*
 * main() of a mode's test binary: boot() runs once (as an unchecked
 * fixture, without forking, so its output is shared), then `test` (the
 * mode's own checks) and the shared output tests.
 */
int scenario_main(const char *name, unsigned int timeout_s, void (*boot)(void),
		  const TTest *test);

/* The whole file, NUL-terminated, or NULL. */
char *scenario_slurp(const char *path);
/* Removes every CR, in place. */
char *scenario_strip_cr(char *s);
/*
 * The lines between "=== BEGIN name ===" and "=== END name (", without
 * the kernel's ("pvops-guest: ") and the hypervisor's ("(XEN) ") log
 * lines; NULL if the markers are missing.
 */
char *scenario_section(const char *log, const char *name);
/* The status in "=== END name (status N) ===", or -1. */
int scenario_section_status(const char *log, const char *name);
/* Output of the host build of the ABI test program, or NULL. */
char *scenario_host_abi(void);

#endif
