/*
 * Scenario test of the harness end to end (seconds): bench/run -q on the
 * host configuration, then one quick boot of pvops-guest natively in both
 * modes, then pvops-guest as hv's PV dom0 with the PV kernel benchmarks
 * (bench/kernels/: the null hypercall, the event channel with a domU)
 * booted after it, then pvops-guest as a PV domU created by heron in
 * dom0 (with the block figures over blkfront and the domain lifecycle
 * timed from dom0), then Debian's Linux as hv's HVM domU
 * (its ratios are to the Linux native row, not selected here, so it has
 * none), then pvops-guest as an HVM domain of heron create (the disk
 * figures on heron-dm's IDE disk, the HVM lifecycle from dom0); the
 * checker must accept the reports.
 * A benchmark that does not apply is recorded as such, not run.  A broken
 * program turns into a recorded failure, not a missing row; bad options
 * are refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "checker.h"

#define OUT   BENCH_BUILD "/tests/bench/run-host"
#define FAKE  BENCH_BUILD "/tests/bench/fake-build"
#define NATIVE BENCH_BUILD "/tests/bench/run-native"
#define PV    BENCH_BUILD "/tests/bench/run-pv-dom0"
#define DOMU  BENCH_BUILD "/tests/bench/run-pv-domu"
#define LINUX BENCH_BUILD "/tests/bench/run-linux-hvm"
#define HVMDM BENCH_BUILD "/tests/bench/run-hvm-dm"

static const char *const programs[] = {
	"syscall", "pagefault", "fork", "ctxsw", "mmap", "cpuid", "timer", "cpu", "mixed",
};

/* The disk figures: natively, as dom0 and as a domU; n/a elsewhere. */
static const char *const blk_programs[] = {
	"blk_seq_read_4k", "blk_seq_read_64k", "blk_seq_write_4k", "blk_seq_write_64k",
	"blk_rand_read_4k", "blk_rand_read_64k", "blk_rand_write_4k", "blk_rand_write_64k",
};

/* The network clients: over loopback on the host, against a peer domU in
 * the PV domU configuration's network boot. */
static const char *const net_programs[] = { "net_rtt", "net_stream" };

/* Timed by dom0 in the PV domU configuration only. */
static const char *const dom_figures[] = { "domcreate", "domoutput", "domboot", "domdestroy" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* One result of config in mode for each of names[0..n). */
static void assert_results(const char *raw, const char *config, const char *mode,
			   const char *const *names, size_t n)
{
	char needle[160];

	for (size_t i = 0; i < n; i++) {
		snprintf(needle, sizeof(needle), "RESULT config=%s mode=%s run=1 name=%s ",
			 config, mode, names[i]);
		ck_assert_msg(count(raw, needle) == 1, "no single %s %s result for %s", config,
			      mode, names[i]);
	}
}

START_TEST(test_quick_host_run)
{
	char needle[128], *raw, *md;

	ck_assert_int_eq(run("bench/run -q -r 1 -c host -b " BENCH_BUILD " -o " OUT
			     " > " OUT ".log 2>&1"), 0);
	ck_assert_int_eq(check_results(OUT, stderr), 0);
	raw = slurp(OUT "/raw.txt");
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		snprintf(needle, sizeof(needle), "RESULT config=host mode=time run=1 name=%s ",
			 programs[i]);
		ck_assert_msg(count(raw, needle) == 1, "no single result for %s", programs[i]);
	}
	ck_assert_int_eq(count(raw, "RESULT config=native"), 0);
	ck_assert_int_eq(count(raw, "FAIL "), 0);
	ck_assert_int_eq(count(raw, "name=hypercall unit="), 0);
	ck_assert_int_eq(count(raw, "name=evtchn unit="), 0);
	ck_assert_msg(strstr(raw, "NA config=host name=hypercall note=\"no hypervisor"), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=host name=evtchn note=\"no hypervisor"), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=host name=blk_rand_write_64k note=\"no disk"), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=host name=domboot note=\"no hypervisor"), "%s", raw);
	ck_assert_int_eq(count(raw, "RESULT config=host mode=time run=1 name=blk_"), 0);
	ck_assert_int_eq(count(raw, "RESULT config=host mode=time run=1 name=dom"), 0);
	md = slurp(OUT "/results.md");
	ck_assert_msg(strstr(md, "not selected for this run"), "native not marked unselected");
	ck_assert_msg(strstr(raw, "CONFIG name=linux-pv role=measured modes=time,icount title="
			     "\"stock Linux PV domU on hv (ratios to stock Linux native)\" "
			     "ratio_to=linux-native pending=\""), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=linux-pv name=domboot note=\"the pvops-guest"), "%s", raw);
	/* Linux on real Xen: the reference, over Linux native, next to the quoted ratios. */
	ck_assert_msg(strstr(raw, "CONFIG name=linux-xen-dom0 role=measured modes=time,icount "
			     "title=\"stock Linux PV dom0 on Xen 4.17 (informative; ratios to "
			     "stock Linux native)\" ratio_to=linux-native pending=\""), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=linux-xen-dom0 name=evtchn note=\"cannot run here"),
		      "%s", raw);
	ck_assert_msg(strstr(raw, "CHECK series=xen-pv config=linux-xen-dom0\n"), "%s", raw);
	assert_results(raw, "host", "time", net_programs, N(net_programs));
	ck_assert_msg(strstr(raw, "NA config=native name=net_rtt note=\"natively pvops-guest "
			     "has no network"), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=pv-dom0 name=net_stream note=\"dom0 is not on "
			     "the network"), "%s", raw);
	/* Goals of unselected rows have no figures, and say so. */
	ck_assert_msg(strstr(md, "| 1.50x | no figure | no figure |"), "%s", md);
	ck_assert_msg(strstr(md, "| n/a |"), "no n/a cell");
	free(raw);
	free(md);
}
END_TEST

/* The guest path: initrd, /init, QEMU in both modes, the serial log read back. */
START_TEST(test_quick_native_boot)
{
	char needle[128], *raw;

	ck_assert_int_eq(run("bench/run -q -r 1 -c native -b " BENCH_BUILD " -o " NATIVE
			     " > " NATIVE ".log 2>&1"), 0);
	ck_assert_int_eq(check_results(NATIVE, stderr), 0);
	raw = slurp(NATIVE "/raw.txt");
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		snprintf(needle, sizeof(needle), "RESULT config=native mode=time run=1 name=%s ",
			 programs[i]);
		ck_assert_msg(count(raw, needle) == 1, "no time result for %s", programs[i]);
		snprintf(needle, sizeof(needle), "RESULT config=native mode=icount run=1 name=%s ",
			 programs[i]);
		ck_assert_msg(count(raw, needle) == 1, "no icount result for %s", programs[i]);
	}
	assert_results(raw, "native", "time", blk_programs, N(blk_programs));
	assert_results(raw, "native", "icount", blk_programs, N(blk_programs));
	ck_assert_int_eq(count(raw, "RESULT config=native mode=time run=1 name=dom"), 0);
	/* Each configuration is read on its own: nothing leaks between them. */
	ck_assert_msg(strstr(raw, "CONFIG name=host role=reference modes=time title=\"host: "
			     "Linux on 1 CPU, no emulation (reference)\" pending=\"not selected"), "%s", raw);
	ck_assert_msg(strstr(raw, "CONFIG name=native role=baseline modes=time,icount title="
			     "\"pvops-guest native, QEMU TCG (baseline)\"\n"), "%s", raw);
	free(raw);
}
END_TEST

/* hv's PV dom0: the programs in one boot, the PV kernel in a second one. */
START_TEST(test_quick_pv_dom0_boot)
{
	char needle[128], *raw;
	static const char *const modes[] = { "time", "icount" };

	ck_assert_int_eq(run("bench/run -q -r 1 -c pv-dom0 -b " BENCH_BUILD " -o " PV
			     " > " PV ".log 2>&1"), 0);
	ck_assert_int_eq(check_results(PV, stderr), 0);
	raw = slurp(PV "/raw.txt");
	for (size_t m = 0; m < 2; m++) {
		for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
			snprintf(needle, sizeof(needle), "RESULT config=pv-dom0 mode=%s run=1 name=%s ",
				 modes[m], programs[i]);
			ck_assert_msg(count(raw, needle) == 1, "no %s result for %s", modes[m],
				      programs[i]);
		}
		snprintf(needle, sizeof(needle),
			 "RESULT config=pv-dom0 mode=%s run=1 name=hypercall unit=ns/op ", modes[m]);
		ck_assert_msg(count(raw, needle) == 1, "no %s result for the hypercall", modes[m]);
		snprintf(needle, sizeof(needle),
			 "RESULT config=pv-dom0 mode=%s run=1 name=evtchn unit=ns/op ", modes[m]);
		ck_assert_msg(count(raw, needle) == 1, "no %s result for the event channel",
			      modes[m]);
	}
	assert_results(raw, "pv-dom0", "time", blk_programs, N(blk_programs));
	assert_results(raw, "pv-dom0", "icount", blk_programs, N(blk_programs));
	ck_assert_int_eq(count(raw, "FAIL "), 0);
	ck_assert_msg(strstr(raw, "NA config=native name=hypercall"), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=native name=evtchn"), "%s", raw);
	free(raw);
}
END_TEST

/*
 * pvops-guest as a domU of heron create: the programs and disk figures in
 * the domU, the lifecycle from dom0, the PV kernels as boot-time domUs.
 */
START_TEST(test_quick_pv_domu_boot)
{
	static const char *const kernels[] = { "hypercall", "evtchn" };
	static const char *const modes[] = { "time", "icount" };
	char *raw, *md;

	ck_assert_int_eq(run("bench/run -q -r 1 -c pv-domu -b " BENCH_BUILD " -o " DOMU
			     " > " DOMU ".log 2>&1"), 0);
	ck_assert_int_eq(check_results(DOMU, stderr), 0);
	raw = slurp(DOMU "/raw.txt");
	for (size_t m = 0; m < 2; m++) {
		assert_results(raw, "pv-domu", modes[m], programs, N(programs));
		assert_results(raw, "pv-domu", modes[m], blk_programs, N(blk_programs));
		assert_results(raw, "pv-domu", modes[m], dom_figures, N(dom_figures));
		assert_results(raw, "pv-domu", modes[m], kernels, N(kernels));
		assert_results(raw, "pv-domu", modes[m], net_programs, N(net_programs));
	}
	ck_assert_int_eq(count(raw, "FAIL "), 0);
	ck_assert_int_eq(count(raw, "NA config=pv-domu "), 0);
	ck_assert_msg(strstr(raw, "CHECK series=heron-pv-block-goal config=pv-domu "
			     "against=pv-dom0\n"), "%s", raw);
	md = slurp(DOMU "/results.md");
	/* The block goal is over PV dom0, not selected here: no figure, no verdict. */
	ck_assert_msg(strstr(md, "| pvops-guest PV domU on hv | pv-dom0 | disk: random write, "
			     "64 KiB | 1.20x | no figure | no figure |"), "%s", md);
	free(raw);
	free(md);
}
END_TEST

/*
 * pvops-guest as an HVM domain of heron create: the disk figures on
 * heron-dm's IDE disk, the lifecycle of an HVM domain timed from dom0;
 * every other figure is n/a with a reason.
 */
START_TEST(test_quick_hvm_dm_boot)
{
	static const char *const modes[] = { "time", "icount" };
	char needle[128], *raw;

	ck_assert_int_eq(run("bench/run -q -r 1 -c hvm-dm -b " BENCH_BUILD " -o " HVMDM
			     " > " HVMDM ".log 2>&1"), 0);
	ck_assert_int_eq(check_results(HVMDM, stderr), 0);
	raw = slurp(HVMDM "/raw.txt");
	for (size_t m = 0; m < 2; m++) {
		assert_results(raw, "hvm-dm", modes[m], blk_programs, N(blk_programs));
		assert_results(raw, "hvm-dm", modes[m], dom_figures, N(dom_figures));
	}
	for (size_t i = 0; i < N(programs); i++) {
		snprintf(needle, sizeof(needle), "NA config=hvm-dm name=%s note=", programs[i]);
		ck_assert_msg(strstr(raw, needle), "%s", raw);
	}
	ck_assert_msg(strstr(raw, "NA config=hvm-dm name=net_rtt note=\"pvops-guest has no "
			     "driver for an emulated NIC"), "%s", raw);
	ck_assert_int_eq(count(raw, "FAIL "), 0);
	free(raw);
}
END_TEST

/* Debian's kernel as hv's HVM domU runs the same initrd's programs. */
START_TEST(test_quick_linux_hvm_boot)
{
	char needle[128], *raw, *md;
	static const char *const modes[] = { "time", "icount" };

	ck_assert_int_eq(run("bench/run -q -r 1 -c linux-hvm -b " BENCH_BUILD " -o " LINUX
			     " > " LINUX ".log 2>&1"), 0);
	ck_assert_int_eq(check_results(LINUX, stderr), 0);
	raw = slurp(LINUX "/raw.txt");
	ck_assert_msg(strstr(raw, "CONFIG name=linux-hvm role=measured modes=time,icount title="
			     "\"stock Linux HVM domU on hv (ratios to stock Linux native)\" "
			     "ratio_to=linux-native\n"), "not runnable here: %s", raw);
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
			snprintf(needle, sizeof(needle), "RESULT config=linux-hvm mode=%s run=1 name=%s ",
				 modes[m], programs[i]);
			ck_assert_msg(count(raw, needle) == 1, "no %s result for %s", modes[m],
				      programs[i]);
		}
	ck_assert_int_eq(count(raw, "FAIL "), 0);
	ck_assert_int_eq(count(raw, "name=hypercall unit="), 0);
	ck_assert_int_eq(count(raw, "name=evtchn unit="), 0);
	ck_assert_msg(strstr(raw, "NA config=linux-hvm name=hypercall"), "%s", raw);
	ck_assert_msg(strstr(raw, "NA config=linux-hvm name=evtchn"), "%s", raw);
	md = slurp(LINUX "/results.md");
	ck_assert_msg(strstr(md, "for linux-hvm, to linux-native"), "%s", md);
	free(raw);
	free(md);
}
END_TEST

/* A program that fails must show up as a failure, and the run must fail. */
START_TEST(test_failing_program_is_recorded)
{
	char *raw, *md;

	ck_assert_int_eq(run("rm -rf " FAKE " && mkdir -p " FAKE "/bench && "
			     "cp -r " BENCH_BUILD "/bench/host " FAKE "/bench/ && "
			     "cp " BENCH_BUILD "/bench/bench-report " BENCH_BUILD "/bench/bench-check "
			     FAKE "/bench/ && "
			     "printf '#!/bin/sh\\necho broken on purpose >&2\\nexit 3\\n' > "
			     FAKE "/bench/host/fork"), 0);
	ck_assert_int_eq(run("bench/run -q -r 1 -c host -b " FAKE " -o " FAKE "/out"
			     " > " FAKE "/out.log 2>&1"), 1);
	ck_assert_int_eq(check_results(FAKE "/out", stderr), 0);
	raw = slurp(FAKE "/out/raw.txt");
	ck_assert_msg(strstr(raw, "FAIL config=host mode=time run=1 name=fork note=\"exited "
			     "with status 3 and no result line: broken on purpose"), "%s", raw);
	ck_assert_int_eq(count(raw, "RESULT config=host"), 10);
	md = slurp(FAKE "/out/results.md");
	ck_assert_msg(strstr(md, "| failed |"), "no failed cell");
	free(raw);
	free(md);
}
END_TEST

START_TEST(test_bad_options_refused)
{
	ck_assert_int_eq(run("bench/run -c nosuch -b " BENCH_BUILD " -o " FAKE "/x 2>/dev/null"), 2);
	ck_assert_int_eq(run("bench/run -r 0 -b " BENCH_BUILD " -o " FAKE "/x 2>/dev/null"), 2);
	ck_assert_int_eq(run("bench/run extra 2>/dev/null"), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bench_run");
	TCase *tc = tcase_create("host");
	/* Every data-port word of its disk is an ioreq: minutes, not seconds. */
	TCase *tc_hvm_dm = tcase_create("hvm-dm");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_host_run);
	tcase_add_test(tc, test_quick_native_boot);
	tcase_add_test(tc, test_quick_pv_dom0_boot);
	tcase_add_test(tc, test_quick_pv_domu_boot);
	tcase_add_test(tc, test_quick_linux_hvm_boot);
	tcase_add_test(tc, test_failing_program_is_recorded);
	tcase_add_test(tc_hvm_dm, test_quick_hvm_dm_boot);
	tcase_add_test(tc, test_bad_options_refused);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tc_hvm_dm, 600);
	suite_add_tcase(s, tc_hvm_dm);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
