/*
 * The PV test guests (checked against Xen 4.17, tests/guests/) as domUs
 * of one hv boot, next to each other: every hypercall with hostile
 * arguments, the PV MMU's refusals, traps and user mode, event channels,
 * memory_op, multicall, plus hv's own checks (failsafe, CPUID, FPU state
 * across context switches, pvclock, runstate, IOPL, privilege,
 * vcpu_info, shutdown code), an interdomain event channel between two
 * domUs, two guests firing thousands of random hypercalls and grant
 * tables within one domain (test_grants).  Each guest must pass, hv must
 * stay up, and every frame must come back.  (Two domains sharing a
 * granted page: test_pv_interdomain.)  hv takes at most 16 modules.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

START_TEST(test_guests_as_domus)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=14" },
        { GUEST("test_hypercall_args"), NULL },
        { GUEST("test_mmu"), NULL },
        { GUEST("test_traps"), NULL },
        { GUEST("test_events"), NULL },
        { GUEST("test_memory"), NULL },
        { GUEST("test_multicall"), NULL },
        { GUEST("test_pv_traps"), "seed=2" },
        { GUEST("test_pv_traps"), "seed=3" },
        { GUEST("test_pv_evtchn"), "role=server peer=10" },
        { GUEST("test_pv_evtchn"), "role=client peer=9" },
        { GUEST("test_pv_misc"), "code=reboot" },
        { GUEST("test_pv_fuzz"), "seed=1" },
        { GUEST("test_pv_fuzz"), "seed=2" },
        { GUEST("test_grants"), NULL },
    };
    struct qemu_config cfg = {
        .name = "pv_guests", .modules = mods, .nr_modules = 15, .mem_mb = 384,
        .timeout_s = 150,
        .cmdline = "dom0_mem=16M domu=1:16M domu=2:16M domu=3:16M domu=4:16M "
                   "domu=5:16M domu=6:16M domu=7:8M domu=8:8M domu=9:8M domu=10:8M "
                   "domu=11:8M domu=12:8M domu=13:8M domu=14:8M",
    };
    char line[160];

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 15 domains started", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 140), EXIT_POWEROFF);

    expect_output(q, "(d1) Test result: PASS (hypercall_args)");
    expect_output(q, "(d2) Test result: PASS (mmu)");
    expect_output(q, "(d3) Test result: PASS (traps)");
    expect_output(q, "(d4) Test result: PASS (events)");
    expect_output(q, "(d5) Test result: PASS (memory)");
    expect_output(q, "(d6) Test result: PASS (multicall)");
    expect_output(q, "(d7) Test result: PASS (pv_traps)");
    expect_output(q, "(d8) Test result: PASS (pv_traps)");
    expect_output(q, "(d9) server: 100 rounds");
    expect_output(q, "(d9) Test result: PASS (pv_evtchn)");
    expect_output(q, "(d10) client: 100 round trips");
    expect_output(q, "(d10) Test result: PASS (pv_evtchn)");
    expect_output(q, "(d11) Test result: PASS (pv_misc)");
    /* It set SHUTDOWN_reboot as its code: that is why it died. */
    expect_output(q, "hv: domain 11 died (reboot)");
    /* Thousands of random hypercalls each, and they are still standing. */
    expect_output(q, "(d12) Test result: PASS (pv_fuzz)");
    expect_output(q, "(d13) Test result: PASS (pv_fuzz)");
    /* Grant tables behave as on Xen 4.17, where test_grants was checked. */
    expect_output(q, "(d14) ok: setup_table and query_size");
    expect_output(q, "(d14) ok: grant copy");
    expect_output(q, "(d14) ok: hostile: refs, handles, domains, addresses");
    expect_output(q, "(d14) Test result: PASS (grants)");
    for (unsigned int d = 1; d <= 14; d++) {
        if (d == 11)        /* died of its reboot code, above */
            continue;
        snprintf(line, sizeof(line), "hv: domain %u died (poweroff)", d);
        expect_output(q, line);
    }
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_guests");
    TCase *tc = tcase_create("guests");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 200);
    tcase_add_test(tc, test_guests_as_domus);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
