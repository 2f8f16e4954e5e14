/*
 * Scenario test: boots build/pvops-guest.elf natively under QEMU (TCG, no
 * hypervisor) with the test initrd, once, running the "shell" and "abi"
 * scripts, then checks each script's output section.
 *
 * The guest's serial output is kept in build/tests/guest/native-serial.log.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ELF     "build/pvops-guest.elf"
#define INITRD  "build/guest/initrd.cpio.gz"
#define LOG     "build/tests/guest/native-serial.log"
#define HOSTABI "build/guest/host/abi_test"
#define EXPECT  "tests/guest/expected/"

static char *serial;          /* whole serial log, CRs removed */
static int qemu_status = -1;

static char *slurp(const char *path)
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

static char *run_capture(const char *cmd)
{
	char tmp[] = "/tmp/guest-host-XXXXXX", full[512];
	int fd = mkstemp(tmp);
	char *out;

	close(fd);
	snprintf(full, sizeof(full), "%s > %s 2>&1", cmd, tmp);
	if (system(full) == -1)
		return NULL;
	out = slurp(tmp);
	unlink(tmp);
	return out;
}

static void boot_guest(void)
{
	const char *cmd =
		"timeout 300 qemu-system-x86_64 -accel tcg -cpu max -m 256M -display none "
		"-no-reboot -monitor none -serial file:" LOG " "
		"-device isa-debug-exit,iobase=0xf4,iosize=4 "
		"-kernel " ELF " -initrd " INITRD " -append 'shell abi' </dev/null";
	int st = system(cmd);
	char *raw, *w;

	qemu_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	raw = slurp(LOG);
	if (!raw)
		return;
	serial = w = raw;
	for (char *r = raw; *r; r++)
		if (*r != '\r')
			*w++ = *r;
	*w = 0;
}

/* The lines between "=== BEGIN name ===" and "=== END name", without kernel log lines. */
static char *section(const char *name)
{
	char begin[64], end[64];
	const char *b, *e;
	char *out, *o;

	snprintf(begin, sizeof(begin), "=== BEGIN %s ===\n", name);
	snprintf(end, sizeof(end), "=== END %s (", name);
	if (!serial || !(b = strstr(serial, begin)) || !(e = strstr(b, end)))
		return NULL;
	b += strlen(begin);
	out = o = calloc(1, e - b + 1);
	while (b < e) {
		const char *nl = memchr(b, '\n', e - b);
		size_t len = nl ? (size_t)(nl - b + 1) : (size_t)(e - b);

		if (strncmp(b, "pvops-guest: ", 13) != 0) {
			memcpy(o, b, len);
			o += len;
		}
		b += len;
	}
	return out;
}

static int section_status(const char *name)
{
	char end[64];
	const char *e;
	int st = -1;

	snprintf(end, sizeof(end), "=== END %s (status ", name);
	if (serial && (e = strstr(serial, end)))
		sscanf(e + strlen(end), "%d", &st);
	return st;
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
	char *got = section("shell"), *want = slurp(EXPECT "shell.out");

	ck_assert_msg(want != NULL, "missing " EXPECT "shell.out");
	ck_assert_msg(got != NULL, "no shell section; see " LOG);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(section_status("shell"), 0);
}
END_TEST

START_TEST(test_segfault_is_contained)
{
	char *got = section("shell");

	ck_assert_msg(got != NULL, "no shell section; see " LOG);
	ck_assert_msg(strstr(got, "segv: about to fault\n"), "segv did not run");
	ck_assert_msg(!strstr(got, "segv: survived"), "segv survived its fault");
	ck_assert_msg(strstr(got, "segv -> 139\n"), "segv not killed by SIGSEGV");
	ck_assert_msg(strstr(got, "shell still alive\n"), "shell died with its child");
}
END_TEST

START_TEST(test_musl_program_matches_host)
{
	char *guest = section("abi");
	char dir[] = "/tmp/guest-abi-XXXXXX", cmd[256];
	char *host;

	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(cmd, sizeof(cmd), HOSTABI " %s", dir);
	host = run_capture(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(host && strstr(host, "== done\n"), "host run of abi_test failed");
	ck_assert_msg(guest != NULL, "no abi section; see " LOG);
	ck_assert_str_eq(guest, host);
	ck_assert_int_eq(section_status("abi"), 0);
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
