/* Scenario-test helpers (see scenario.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

#define HOST_ABI "build/guest/host/abi_test"

char *scenario_output;
const char *scenario_log;

char *scenario_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (fread(buf, 1, n, f) != (size_t)n)
		n = 0;
	buf[n] = 0;
	fclose(f);
	return buf;
}

char *scenario_strip_cr(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++)
		if (*r != '\r')
			*w++ = *r;
	*w = 0;
	return s;
}

static int is_log_line(const char *line)
{
	return !strncmp(line, "pvops-guest: ", 13) || !strncmp(line, "(XEN) ", 6);
}

char *scenario_section(const char *log, const char *name)
{
	char begin[64], end[64];
	const char *b, *e;
	char *out, *o;

	snprintf(begin, sizeof(begin), "=== BEGIN %s ===\n", name);
	snprintf(end, sizeof(end), "=== END %s (", name);
	if (!log || !(b = strstr(log, begin)) || !(e = strstr(b, end)))
		return NULL;
	b += strlen(begin);
	out = o = calloc(1, e - b + 1);
	while (b < e) {
		const char *nl = memchr(b, '\n', e - b);
		size_t len = nl ? (size_t)(nl - b + 1) : (size_t)(e - b);

		if (!is_log_line(b)) {
			memcpy(o, b, len);
			o += len;
		}
		b += len;
	}
	return out;
}

int scenario_section_status(const char *log, const char *name)
{
	char end[64];
	const char *e;
	int st = -1;

	snprintf(end, sizeof(end), "=== END %s (status ", name);
	if (log && (e = strstr(log, end)))
		sscanf(e + strlen(end), "%d", &st);
	return st;
}

char *scenario_host_abi(void)
{
	char dir[] = "/tmp/guest-abi-XXXXXX", tmp[] = "/tmp/guest-host-XXXXXX", cmd[512];
	char *out = NULL;
	int fd;

	if (!mkdtemp(dir))
		return NULL;
	fd = mkstemp(tmp);
	if (fd >= 0) {
		close(fd);
		snprintf(cmd, sizeof(cmd), HOST_ABI " %s > %s 2>&1", dir, tmp);
		if (system(cmd) == 0)
			out = scenario_slurp(tmp);
		unlink(tmp);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static bool stop_seen(const struct scenario_run *r, const char *out)
{
	for (int i = 0; r->stop_on && r->stop_on[i]; i++)
		if (strstr(out, r->stop_on[i]))
			return true;
	return false;
}

char *scenario_run(const struct scenario_run *r, int *status)
{
	int in[2], out[2], st;
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	bool sent = !r->send, killed = false;
	time_t deadline = time(NULL) + r->timeout_s;
	FILE *log = fopen(r->log, "w");
	pid_t pid;

	*status = -1;
	if (!buf || pipe(in) || pipe(out))
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		execvp(r->argv[0], (char *const *)r->argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	buf[0] = 0;
	for (;;) {
		struct pollfd pfd = { .fd = out[0], .events = POLLIN };
		ssize_t n;

		if (time(NULL) >= deadline || (!killed && stop_seen(r, buf))) {
			kill(pid, SIGKILL);
			killed = true;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (len + 4096 + 1 > cap && !(buf = realloc(buf, cap *= 2)))
			return NULL;
		n = read(out[0], buf + len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (log)
			fwrite(buf + len, 1, n, log);
		len += n;
		buf[len] = 0;
		if (!sent && strstr(buf, r->send_after)) {
			sent = write(in[1], r->send, strlen(r->send)) == (ssize_t)strlen(r->send);
		}
	}
	close(out[0]);
	close(in[1]);
	if (log)
		fclose(log);
	waitpid(pid, &st, 0);
	if (!killed && WIFEXITED(st))
		*status = WEXITSTATUS(st);
	return scenario_strip_cr(buf);
}

START_TEST(test_busybox_shell_script)
{
	char *got = scenario_section(scenario_output, "shell");
	char *want = scenario_slurp(EXPECTED_DIR "shell.out");

	ck_assert_msg(want != NULL, "missing " EXPECTED_DIR "shell.out");
	ck_assert_msg(got != NULL, "no shell section; see %s", scenario_log);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(scenario_output, "shell"), 0);
}
END_TEST

START_TEST(test_segfault_is_contained)
{
	char *got = scenario_section(scenario_output, "shell");

	ck_assert_msg(got != NULL, "no shell section; see %s", scenario_log);
	ck_assert_msg(strstr(got, "segv: about to fault\n"), "segv did not run");
	ck_assert_msg(!strstr(got, "segv: survived"), "segv survived its fault");
	ck_assert_msg(strstr(got, "segv -> 139\n"), "segv not killed by SIGSEGV");
	ck_assert_msg(strstr(got, "shell still alive\n"), "shell died with its child");
}
END_TEST

START_TEST(test_musl_program_matches_host)
{
	char *guest = scenario_section(scenario_output, "abi");
	char *host = scenario_host_abi();

	ck_assert_msg(host && strstr(host, "== done\n"), "host run of abi_test failed");
	ck_assert_msg(guest != NULL, "no abi section; see %s", scenario_log);
	ck_assert_str_eq(guest, host);
	ck_assert_int_eq(scenario_section_status(scenario_output, "abi"), 0);
}
END_TEST

START_TEST(test_console_input)
{
	char *got = scenario_section(scenario_output, "input");
	char *want = scenario_slurp(EXPECTED_DIR "input.out");

	ck_assert_msg(want != NULL, "missing " EXPECTED_DIR "input.out");
	ck_assert_msg(got != NULL, "no input section; see %s", scenario_log);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(scenario_output, "input"), 0);
}
END_TEST

/* A script's section is its expected file, and the script exited 0. */
static void check_expected(const char *name)
{
	char file[256];
	char *got = scenario_section(scenario_output, name), *want;

	snprintf(file, sizeof(file), EXPECTED_DIR "%s.out", name);
	want = scenario_slurp(file);
	ck_assert_msg(want != NULL, "missing %s", file);
	ck_assert_msg(got != NULL, "no %s section; see %s", name, scenario_log);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(scenario_section_status(scenario_output, name), 0);
}

/* AF_UNIX sockets: unix_test's output is what a Linux host prints. */
START_TEST(test_unix_sockets)
{
	check_expected("unix");
}
END_TEST

/* heron-xenstored serving heron-xs over a UNIX socket inside the guest. */
START_TEST(test_xenstored_in_guest)
{
	check_expected("xenstore");
}
END_TEST

/* UDP over lo: inet_test's output is what a Linux host prints. */
START_TEST(test_inet_sockets)
{
	check_expected("inet");
}
END_TEST

/* ifconfig, ARP, ping and UDP over the veth test pair. */
START_TEST(test_inet_devices)
{
	check_expected("inetdev");
}
END_TEST

void scenario_add_output_tests(TCase *tc)
{
	tcase_add_test(tc, test_busybox_shell_script);
	tcase_add_test(tc, test_segfault_is_contained);
	tcase_add_test(tc, test_musl_program_matches_host);
	tcase_add_test(tc, test_console_input);
	tcase_add_test(tc, test_unix_sockets);
	tcase_add_test(tc, test_xenstored_in_guest);
	tcase_add_test(tc, test_inet_sockets);
	tcase_add_test(tc, test_inet_devices);
}

void scenario_check_boot(const char *banner)
{
	const char *out = scenario_output;

	ck_assert_msg(out != NULL, "QEMU did not run; see %s", scenario_log);
	ck_assert_msg(strstr(out, banner), "no boot banner");
	ck_assert_msg(strstr(out, "=== ALL DONE ==="), "end marker missing; see %s",
		      scenario_log);
	ck_assert_msg(strstr(out, "pvops-guest: power off"), "guest did not power off");
	ck_assert_msg(!strstr(out, "KERNEL PANIC") && !strstr(out, "KERNEL FAULT"),
		      "kernel crashed; see %s", scenario_log);
}

int scenario_main(const char *name, unsigned int timeout_s, void (*boot)(void),
		  const TTest *test)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("qemu");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, timeout_s);
	tcase_add_unchecked_fixture(tc, boot, NULL);
	tcase_add_test(tc, test);
	scenario_add_output_tests(tc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
