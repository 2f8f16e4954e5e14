/*
 * Scenario test of `make run SCRIPT=FILE` (toolstack/dom0/run-script):
 * hv boots pvops-guest as dom0 under QEMU, dom0 runs the script, the
 * script's output and status come back; a script that never finishes is
 * reported (status 125).  One run goes through make itself.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define RUN "toolstack/dom0/run-script"
#define ARGS " build/dom0/root build/hv.elf build/pvops-guest.elf "
#define QEMU " 300 qemu-system-x86_64 -cpu max -m 512"

/* Runs cmd; its stdout (and stderr if both) in *out, its exit status returned. */
static int run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    size_t len = 0, cap = 1 << 16;
    int st;

    *out = calloc(1, cap);
    ck_assert_ptr_nonnull(p);
    while (len + 1 < cap && fgets(*out + len, (int)(cap - len), p))
        len += strlen(*out + len);
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(script_output_and_status)
{
    char *out;
    int st = run(RUN " tests/toolstack/scripts/hello.sh" ARGS
                 "build/tests/toolstack/run-hello.log" QEMU, &out);

    ck_assert_str_eq(out, "hello\n");
    ck_assert_int_eq(st, 3);
    free(out);
}
END_TEST

START_TEST(dom0_has_the_toolstack)
{
    char *out;
    int st = run(RUN " tests/toolstack/scripts/dom0.sh" ARGS
                 "build/tests/toolstack/run-dom0.log" QEMU " 2>&1", &out);

    ck_assert_int_eq(st, 0);
    ck_assert_msg(strstr(out, "usage: heron create [-c] [-n] CONFIG\n"), "%s", out);
    ck_assert_msg(strstr(out, "\nDomain-0                             0 "), "%s", out);
    ck_assert_msg(strstr(out, "list: 0\n"), "%s", out);
    ck_assert_msg(strstr(out, "heron: unknown command 'frob' (try 'heron help')\nfrob: 2\n"),
                  "%s", out);
    ck_assert_msg(strstr(out, "/etc/heron/small.cfg"), "%s", out);
    ck_assert_msg(strstr(out, "pvops-guest.elf"), "%s", out);
    ck_assert_msg(strstr(out, "consoled installed"), "%s", out);
    ck_assert_msg(strstr(out, "heron-xs installed"), "%s", out);
    free(out);
}
END_TEST

START_TEST(unfinished_script_is_reported)
{
    char *out;
    int st = run(RUN " tests/toolstack/scripts/poweroff.sh" ARGS
                 "build/tests/toolstack/run-poweroff.log" QEMU " 2>&1", &out);

    ck_assert_int_eq(st, 125);
    ck_assert_msg(strstr(out, "before\n"), "%s", out);
    ck_assert_msg(!strstr(out, "after"), "%s", out);
    ck_assert_msg(strstr(out, "run-script: the script did not finish (no end marker)"),
                  "%s", out);
    free(out);
}
END_TEST

/* Through make: the output, and make's own failure carrying the status. */
START_TEST(make_run_script)
{
    char *out;
    int st = run("env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s "
                 "run SCRIPT=tests/toolstack/scripts/hello.sh "
                 "RUN_LOG=build/tests/toolstack/run-make.log 2>&1", &out);

    ck_assert_msg(strstr(out, "hello\n"), "%s", out);
    ck_assert_msg(strstr(out, "Error 3"), "%s", out);
    ck_assert_int_eq(st, 2);
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_run_script");
    TCase *tc = tcase_create("run");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 400);
    tcase_add_test(tc, script_output_and_status);
    tcase_add_test(tc, dom0_has_the_toolstack);
    tcase_add_test(tc, unfinished_script_is_reported);
    tcase_add_test(tc, make_run_script);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
