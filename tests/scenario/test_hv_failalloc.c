/*
 * hv under allocation failures (docs/robustness.md): tests/guests/
 * test_failalloc as dom0 of an hv booted with `fail_alloc` walks a PV
 * and an HVM domain's life failing each allocation in turn, then with
 * random failures; each failure must be a clean error and leave hv's
 * heap as it was.  Without `fail_alloc` the injector is refused.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

START_TEST(every_allocation_fails_in_turn)
{
    const struct qemu_module mods[] = { { GUEST("test_failalloc"), "seeds=1000" } };
    struct qemu_config cfg = {
        .name = "hv_failalloc", .cmdline = "dom0_mem=32M fail_alloc", .modules = mods,
        .nr_modules = 1, .mem_mb = 256, .timeout_s = 600,
    };

    q = qemu_start(&cfg);
    ck_assert_int_eq(qemu_wait_exit(q, 590), EXIT_POWEROFF);
    expect_output(q, "ok: bad arguments refused");
    expect_output(q, "ok: PV life: every allocation failed in turn");
    expect_output(q, "ok: HVM life: every allocation failed in turn");
    expect_output(q, "ok: HVM bzImage life: every allocation failed in turn");
    expect_output(q, "ok: PV and HVM lives with random failures");
    /* Each walk got far enough to fail allocations in every step. */
    ck_assert_int_gt(value_after(q, "PV walk: "), 20);
    ck_assert_int_gt(value_after(q, "HVM walk: "), 10);
    ck_assert_int_gt(value_after(q, "HVM-bz walk: "), 10);
    expect_output(q, "PV n=1: createdomain: -12");
    expect_output(q, "HVM n=1: createdomain: -12");
    expect_output(q, "Test result: PASS (failalloc)");
    ck_assert_int_eq(qemu_count(q, "FAIL"), 0);
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
    qemu_expect_absent(q, "panic");
}
END_TEST

START_TEST(refused_unless_booted_with_fail_alloc)
{
    const struct qemu_module mods[] = { { GUEST("test_failalloc"), "offered=0" } };
    struct qemu_config cfg = {
        .name = "hv_failalloc_off", .cmdline = "dom0_mem=16M", .modules = mods,
        .nr_modules = 1, .mem_mb = 128, .timeout_s = 60,
    };

    q = qemu_start(&cfg);
    ck_assert_int_eq(qemu_wait_exit(q, 55), EXIT_POWEROFF);
    expect_output(q, "ok: HERON_SYSCTL_fail_alloc is refused without fail_alloc");
    expect_output(q, "Test result: PASS (failalloc)");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_failalloc");
    TCase *tc = tcase_create("failalloc");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 620);
    tcase_add_test(tc, every_allocation_fails_in_turn);
    tcase_add_test(tc, refused_unless_booted_with_fail_alloc);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
