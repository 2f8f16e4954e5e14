/*
 * Scheduling and time with several domains in one boot: a domain that
 * faults with no handler and one whose kernel stack is unusable are
 * crashed while the others run on; a domain sleeping on one-shot timers
 * gets every wake (one timer event per arming, never early, in order)
 * and finishes all of them while three CPU-bound domains still compete;
 * the three busy domains, weighted 1:2:4, all make progress and their
 * CPU shares follow the weights (loose bounds).  How late the wakes are
 * is printed but not judged: that is a timing target for bench/, and a
 * loaded host makes any wall-clock bound flaky.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

#define WAKES "20"

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
        { GUEST("test_timer_wake"), "count=" WAKES " period_us=5000" },
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
    long long r256, r512, r1024;
    const char *out, *sleeper_done, *latency;
    char last_wake[32];

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
    /* Every wake happened, and all of them while the busy domains were
     * still running (each busies itself for 4 s; the sleeper needs about
     * 0.1 s): a woken vCPU is not left waiting until the CPU hogs quit. */
    expect_output(q, "(d2) Test result: PASS (timer_wake)");
    snprintf(last_wake, sizeof(last_wake), "(d2) wake %d ", atoi(WAKES) - 1);
    expect_output(q, last_wake);
    out = qemu_output(q);
    sleeper_done = strstr(out, "(d2) Test result: PASS (timer_wake)");
    for (unsigned int i = 0; i < 3; i++) {
        static const char *const busy_done[] = {
            "(d3) done w256", "(d4) done w512", "(d5) done w1024",
        };
        const char *p = strstr(out, busy_done[i]);

        ck_assert_msg(p != NULL, "missing from the output: \"%s\"", busy_done[i]);
        ck_assert_msg(sleeper_done < p, "the sleeper finished after \"%s\"",
                      busy_done[i]);
    }
    latency = strstr(out, "(d2) latency_ns");
    if (latency)
        printf("timer wakes: %.*s\n", (int)strcspn(latency, "\r\n"), latency);

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
