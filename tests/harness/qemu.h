/*
 * Scenario-test harness: boots hv in QEMU (TCG), captures the serial
 * console and lets a Check test wait for output.  Failures abort the test
 * with ck_abort_msg() and show the last lines of output.  QEMU never
 * outlives the test: qemu_stop() kills it, an atexit handler kills any
 * left running, and the child dies with its parent (PR_SET_PDEATHSIG).
 *
 * The serial output is also written to <test binary dir>/<name>.serial.log.
 */
#ifndef HERON_TEST_QEMU_H
#define HERON_TEST_QEMU_H

struct qemu_module {
    const char *path;
    const char *args;           /* may be NULL */
};

struct qemu_config {
    const char *name;           /* names the log file; required */
    const char *hv;             /* default: HERON_BUILD_DIR "/hv.elf" */
    const struct qemu_module *modules;
    unsigned int nr_modules;
    const char *cmdline;        /* hv command line */
    const char *cpu;            /* -cpu, default "max" */
    unsigned int mem_mb;        /* default 256 */
    const char *const *extra_args;  /* NULL-terminated extra QEMU args */
    unsigned int timeout_s;     /* whole run; default 60 */
    /*
     * Boot this ISO from the CD through the BIOS (e.g. GRUB: made by
     * tests/harness/grub-iso) instead of QEMU's multiboot loader; hv,
     * its modules and command lines are then the ISO's, so hv, modules
     * and cmdline must be left unset.
     */
    const char *cdrom;
};

struct qemu;

struct qemu *qemu_start(const struct qemu_config *cfg);

/*
 * Waits up to timeout_s for `text` in the output after the previous match
 * and returns the whole line containing it (valid until the next call).
 * Fails the test on timeout or if QEMU exits first.
 */
const char *qemu_expect(struct qemu *q, const char *text, unsigned int timeout_s);

/* Fails the test if `text` appears anywhere in the output so far. */
void qemu_expect_absent(struct qemu *q, const char *text);

/* Number of times `text` appears in the output so far. */
unsigned int qemu_count(struct qemu *q, const char *text);

/* Waits for QEMU to exit and returns its exit status; fails the test on
 * timeout or death by signal.  Reads all remaining output. */
int qemu_wait_exit(struct qemu *q, unsigned int timeout_s);

/* Everything captured so far (NUL-terminated). */
const char *qemu_output(struct qemu *q);

/* Kills QEMU if still running, reaps it and frees q.  NULL is fine. */
void qemu_stop(struct qemu *q);

#endif
