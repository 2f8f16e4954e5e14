/*
 * HVM and PV domains in one boot.  An HVM domain that triple-faults and
 * one that reads guest-physical memory that is nothing are crashed alone:
 * the others carry on and every frame of theirs comes back.  A CPU-bound
 * HVM domain and a CPU-bound PV domain of equal weight run side by side
 * and both make progress while the other runs.
 */
#include "test_hvm_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

/* Position of the first / last occurrence of text in the output. */
static const char *first(const char *text)
{
    const char *p = strstr(qemu_output(q), text);

    ck_assert_msg(p != NULL, "missing from the output: \"%s\"", text);
    return p;
}

static const char *last(const char *text)
{
    const char *p = first(text), *n;

    while ((n = strstr(p + 1, text)))
        p = n;
    return p;
}

/* Domain dom's death line says no frame of it is held elsewhere. */
static void expect_returned_all(unsigned int dom)
{
    char key[48];
    const char *line;

    snprintf(key, sizeof(key), "hv: domain %u died (", dom);
    line = first(key);
    ck_assert_msg(strstr(line, " 0 held elsewhere") &&
                  strstr(line, " 0 held elsewhere") < strchr(line, '\n'),
                  "domain %u left frames behind", dom);
}

START_TEST(crashes_are_contained_and_both_kinds_progress)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=4" },
        { HVM_TEST_KERNEL, "mode=triple" },
        { HVM_TEST_KERNEL, "mode=badmmio" },
        { GUEST("test_busy"), "id=pv seconds=3" },
        { HVM_TEST_KERNEL, "mode=busy id=hvm seconds=3" },
    };
    struct qemu_config cfg = {
        .name = "hvm_sched", .modules = mods, .nr_modules = 5, .mem_mb = 128,
        .timeout_s = 120,
        .cmdline = "dom0_mem=16M hvm=1:8M hvm=2:8M domu=3:8M hvm=4:8M",
    };
    long long pv, hvm;

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 5 domains started", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 90), EXIT_POWEROFF);
    /* In whichever order the two crashes come. */
    expect_output(q, "hv: domain 1 crashed: triple fault (shutdown)");
    expect_output(q, "hv: domain 2 crashed: read of guest-physical 0xd0000000, "
                     "outside RAM and devices");

    /* The crashed ones gave back everything; the exit that killed them is
     * counted. */
    ck_assert_int_ge(value_after(q, "hv: domain 1 died (crash): "), 2048);
    ck_assert_int_ge(value_after(q, "hv: domain 2 died (crash): "), 2048);
    expect_returned_all(1);
    expect_returned_all(2);
    ck_assert_int_eq(exit_count(q, 1, "shutdown"), 1);
    ck_assert_int_eq(exit_count(q, 2, "npf"), 1);
    qemu_expect_absent(q, "(d1) FAIL");
    qemu_expect_absent(q, "(d2) FAIL");

    /* Both busy domains finished, each printing progress while the other
     * was still printing. */
    expect_output(q, "(d3) Test result: PASS (busy)");
    expect_output(q, "hvm: domain 4 wrote 0 to isa-debug-exit");
    ck_assert_int_ge(qemu_count(q, "(d3) progress pv"), 3);
    ck_assert_int_ge(qemu_count(q, "(d4) progress hvm"), 3);
    ck_assert_msg(first("(d3) progress pv") < last("(d4) progress hvm") &&
                  first("(d4) progress hvm") < last("(d3) progress pv"),
                  "the PV and HVM domains did not run side by side");
    pv = value_after(q, "(d3) done pv ");
    hvm = value_after(q, "(d4) done hvm ");
    printf("busy rounds: pv %lld, hvm %lld\n", pv, hvm);
    ck_assert_int_gt(pv, 0);
    ck_assert_int_gt(hvm, 0);
    ck_assert_int_gt(exit_count(q, 4, "intr"), 0);
    expect_output(q, "hv: domain 4 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_sched");
    TCase *tc = tcase_create("sched");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, crashes_are_contained_and_both_kinds_progress);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
