/*
 * PV domains with several vCPUs (boot option domu=...:vcpus=N) on hv's one
 * physical CPU: tests/guests/test_pv_smp.c checks VCPUOP_initialise, up,
 * down and is_up with hostile arguments first (each refused with Xen's
 * error and nothing changed), then brings vCPU 1 up, sends it IPIs,
 * lets it sleep on its own one-shot timer, has it take itself down and
 * brings it back, and takes it down from vCPU 0 while it waits.  A
 * second domain takes its only online vCPU down: the domain powers off
 * (Xen's rule for the last vCPU).  dom0 (test_pv_dom0) waits for them
 * and a CPU-bound domain (test_busy), as in test_pv_interdomain.  Every
 * frame must come back: vCPU 1's GDT frame and page-table references go
 * with the domain.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

START_TEST(vcpus_up_and_down)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=3" },
        { GUEST("test_pv_smp"), NULL },
        { GUEST("test_pv_smp"), "mode=lastdown" },
        { GUEST("test_busy"), "seconds=1" },
    };
    struct qemu_config cfg = {
        .name = "pv_smp", .modules = mods, .nr_modules = 4,
        .timeout_s = 90,
        .cmdline = "dom0_mem=16M domu=1:8M:vcpus=3 domu=2:8M:vcpus=2 domu=3:8M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 4 domains started", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 80), EXIT_POWEROFF);

    expect_output(q, "(d1) ok: hostile VCPUOP_initialise/up/down");
    expect_output(q, "(d1) ok: vCPU 1 up, IPI, timer, down");
    expect_output(q, "(d1) ok: down and up again");
    expect_output(q, "(d1) ok: TLB flushes for a vCPU mask");
    expect_output(q, "(d1) Test result: PASS (pv_smp)");
    expect_output(q, "hv: domain 1 died (poweroff)");
    /* d2's vCPU 0 went down as the last one: it never ran again. */
    expect_output(q, "(d2) --- heron test guest: pv_smp ---");
    expect_output(q, "hv: domain 2 died (poweroff)");
    qemu_expect_absent(q, "(d2) lastdown:");
    qemu_expect_absent(q, "(d2) Test result");
    expect_output(q, "hv: domain 3 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    qemu_expect_absent(q, "FAIL");
    qemu_expect_absent(q, "crashed");
    expect_frames_balanced(q);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_smp");
    TCase *tc = tcase_create("smp");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, vcpus_up_and_down);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
