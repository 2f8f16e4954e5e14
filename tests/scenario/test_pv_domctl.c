/*
 * The toolstack's hypercalls (docs/domctl.md): tests/guests/test_domctl
 * as dom0 builds two PV domUs by hand through domctl, memory_op,
 * mmu_update/mmuext_op with a foreign domain, gnttab_op and evtchn_op,
 * runs them, watches them shut down and destroys them; as a boot-time
 * domU it finds all of that refused.  The domUs' console lines come
 * through hv's console; every frame comes back.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

static struct qemu *boot(const char *name, const char *cmdline,
                         const struct qemu_module *mods, unsigned int n)
{
    struct qemu_config cfg = {
        .name = name, .cmdline = cmdline, .modules = mods, .nr_modules = n,
        .mem_mb = 256, .timeout_s = 120,
    };

    return qemu_start(&cfg);
}

START_TEST(dom0_builds_runs_and_destroys_domus)
{
    const struct qemu_module mods[] = { { GUEST("test_domctl"), NULL } };

    q = boot("pv_domctl_dom0", "dom0_mem=32M", mods, 1);
    ck_assert_int_eq(qemu_wait_exit(q, 110), EXIT_POWEROFF);
    expect_output(q, "ok: physinfo, getdomaininfolist, getdomaininfo, getvcpuinfo");
    expect_output(q, "ok: bad versions, commands, domains and flags");
    /* The five refused createdomains moved Xen's id rover: the domUs are
     * 6 and 7.  Frames returned: 8 of memory and 1 grant-table frame
     * (shared_info goes first).  domU 6 printed its line, shut down with reason reboot, stayed until
     * destroyed. */
    expect_output(q, "hv: domain 6 created by domain 0 (1 vCPUs)");
    expect_output(q, "(d6) domU 6 built by dom0 says hello");
    expect_output(q, "d6 shut down (reason 1)");
    expect_output(q, "hv: domain 6 died (reboot): 9 frames returned, 0 held elsewhere");
    expect_output(q, "ok: build a domU that shuts down, then destroy it");
    /* domU 7's two vCPUs printed and spun until dom0 shut it down
     * (poweroff) and destroyed it. */
    expect_output(q, "hv: domain 7 created by domain 0 (2 vCPUs)");
    ck_assert_int_eq(qemu_count(q, "(d7) domU 7 built by dom0 says hello"), 2);
    expect_output(q, "hv: domain 7 died (poweroff): 9 frames returned, 0 held elsewhere");
    expect_output(q, "ok: build a spinning domU, pause it, shut it down remotely");
    /* domU 8, never run, was destroyed while dom0 mapped one of its
     * frames: released when dom0 unmapped it. */
    expect_output(q, "hv: domain 8 died (destroyed): 8 frames returned, 1 held elsewhere");
    expect_output(q, "hv: domain 8: its last frames came back");
    expect_output(q, "ok: a destroyed domU is released when dom0 unmaps its last frame");
    expect_output(q, "Test result: PASS (domctl)");
    ck_assert_int_eq(qemu_count(q, "FAIL"), 0);
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

START_TEST(domu_is_refused)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { GUEST("test_domctl"), NULL },
    };

    q = boot("pv_domctl_domu", "dom0_mem=16M domu=1:8M", mods, 2);
    ck_assert_int_eq(qemu_wait_exit(q, 110), EXIT_POWEROFF);
    expect_output(q, "(d1) ok: domctl, sysctl and foreign operations are refused");
    expect_output(q, "(d1) Test result: PASS (domctl)");
    /* A boot-time domU is still reaped when it shuts down. */
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pv_domctl");
    TCase *tc = tcase_create("domctl");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, dom0_builds_runs_and_destroys_domus);
    tcase_add_test(tc, domu_is_refused);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
