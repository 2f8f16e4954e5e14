/*
 * Scheduling and time with several domains in one boot: a domain that
 * faults with no handler and one whose kernel stack is unusable are
 * crashed while the others run on; a domain
 * sleeping on one-shot timers wakes within its window although three
 * CPU-bound domains compete; the three busy domains, weighted 1:2:4, all
 * make progress and their CPU shares follow the weights (loose bounds).
 */
#include "test_pv_lib.h"
#include "run_suite.h"

/* The wake window handed to test_timer_wake (not a performance target:
 * it only catches lost or grossly late wake-ups). */
#define MAX_LATE_US "50000"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

static long long rounds_of(const char *id)
{
    char key[64];

    snprintf(key, sizeof(key), ") done %s ", id);
    return value_after(q, key);
}

START_TEST(crash_isolation_timer_wake_and_weighted_shares)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=6" },
        { GUEST("test_crash_no_handler"), NULL },
        { GUEST("test_timer_wake"), "max_late_us=" MAX_LATE_US " count=20 period_us=5000" },
        { GUEST("test_busy"), "id=w256 seconds=4" },
        { GUEST("test_busy"), "id=w512 seconds=4" },
        { GUEST("test_busy"), "id=w1024 seconds=4" },
        { GUEST("test_pv_badstack"), NULL },
    };
    struct qemu_config cfg = {
        .name = "pv_sched", .modules = mods, .nr_modules = 7, .mem_mb = 256,
        .timeout_s = 150,
        .cmdline = "dom0_mem=16M domu=1:8M domu=2:8M domu=3:8M:weight=256 "
                   "domu=4:8M:weight=512 domu=5:8M:weight=1024 domu=6:8M",
    };
    long long r256, r512, r1024, max_late;

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 7 domains started", 60);
    /* Only domain 1 dies of its fault; the busy ones go on after it. */
    qemu_expect(q, "hv: domain 1 crashed: unhandled #PF", 60);
    qemu_expect(q, "hv: domain 1 died (crash)", 10);
    qemu_expect(q, "(d3) progress w256", 60);
    qemu_expect(q, "(d4) progress w512", 60);
    qemu_expect(q, "(d5) progress w1024", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 120), EXIT_POWEROFF);

    expect_output(q, "hv: domain 6 crashed: bounce frame does not fit on the guest "
                     "kernel stack");
    expect_output(q, "hv: domain 6 died (crash)");
    qemu_expect_absent(q, "(d6) FAIL");
    expect_output(q, "(d2) Test result: PASS (timer_wake)");
    max_late = value_after(q, "(d2) latency_ns min ") >= 0 ?
               value_after(q, " max ") : -1;
    ck_assert_msg(max_late >= 0 && max_late <= 1000LL * atoi(MAX_LATE_US),
                  "latest timer wake %lld ns", max_late);

    expect_output(q, "(d3) Test result: PASS (busy)");
    expect_output(q, "(d4) Test result: PASS (busy)");
    expect_output(q, "(d5) Test result: PASS (busy)");
    ck_assert_int_ge(qemu_count(q, "(d3) progress w256"), 2);
    ck_assert_int_ge(qemu_count(q, "(d4) progress w512"), 2);
    ck_assert_int_ge(qemu_count(q, "(d5) progress w1024"), 2);
    r256 = rounds_of("w256");
    r512 = rounds_of("w512");
    r1024 = rounds_of("w1024");
    printf("busy rounds: w256 %lld, w512 %lld, w1024 %lld (shares %.2f : %.2f : %.2f)\n",
           r256, r512, r1024, 1.0, (double)r512 / r256, (double)r1024 / r256);
    ck_assert_int_gt(r256, 0);
    /* Weights 1:2:4; a coarse tolerance, this is no benchmark. */
    ck_assert_msg(r512 > 1.3 * r256 && r512 < 3.0 * r256, "w512/w256 = %.2f",
                  (double)r512 / r256);
    ck_assert_msg(r1024 > 2.5 * r256 && r1024 < 6.0 * r256, "w1024/w256 = %.2f",
                  (double)r1024 / r256);

    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_sched");
    TCase *tc = tcase_create("sched");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 200);
    tcase_add_test(tc, crash_isolation_timer_wake_and_weighted_shares);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
