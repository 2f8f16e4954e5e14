/*
 * Boot-time PV domains: test_basics as dom0 and as domUs, the module and
 * command-line conventions (bad ones refused, hv carries on), and what
 * dom0's shutdown does to the machine (power off, reboot, crash follows
 * on_panic).  Every run ends with the frame accounting balanced.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

#define MOD_NOT_ELF HERON_BUILD_DIR "/tests/scenario/mod1.bin"
#define HV_ELF      HERON_BUILD_DIR "/hv.elf"

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

/* Frames a domain returns: its memory, shared_info, one grant-table frame. */
START_TEST(basics_as_dom0)
{
    const struct qemu_module mods[] = { { GUEST("test_basics"), NULL } };

    q = boot("pv_dom0_basics", "dom0_mem=32M", mods, 1);
    qemu_expect(q, "hv: boot complete", 60);
    qemu_expect(q, "pv: d0: 32 MiB", 30);
    qemu_expect(q, "boot: 1 domain started", 30);
    qemu_expect(q, "Test result: PASS (basics)", 60);
    qemu_expect(q, "hv: domain 0 shut down (poweroff)", 10);
    qemu_expect(q, "hv: domain 0 died (poweroff): 8194 frames returned, 0 held elsewhere", 10);
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_POWEROFF);
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

START_TEST(dom0_and_two_domus)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=2" },
        { GUEST("test_basics"), NULL },
        { GUEST("test_basics"), NULL },
    };

    /* Paused until dom0 has bound VIRQ_DOM_EXC: both deaths are seen. */
    q = boot("pv_three_domains", "dom0_mem=16M domu=1:16M:paused domu=2:8M:paused",
             mods, 3);
    qemu_expect(q, "pv: d0: 16 MiB", 60);
    qemu_expect(q, "pv: d1: 16 MiB", 10);
    qemu_expect(q, "pv: d2: 8 MiB", 10);
    qemu_expect(q, "boot: domain 1 paused until its controller unpauses it", 10);
    qemu_expect(q, "boot: domain 2 paused until its controller unpauses it", 10);
    qemu_expect(q, "boot: 3 domains started", 10);
    qemu_expect(q, "unpaused 2 domUs", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 90), EXIT_POWEROFF);
    expect_output(q, "(d1) Test result: PASS (basics)");
    expect_output(q, "(d2) Test result: PASS (basics)");
    expect_output(q, "hv: domain 1 died (poweroff): 4098 frames returned");
    expect_output(q, "hv: domain 2 died (poweroff): 2050 frames returned");
    expect_output(q, "VIRQ_DOM_EXC: 0 of 2 domUs left");
    /* hv's PCI configuration space for dom0; its write to 0xcf9 reset nothing. */
    expect_output(q, "PCI config: 00:00.0 is 8086:1237");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_output(q, "hv: domain 0 died (poweroff)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

/* Module 1 is named by domu=1, so it is no initrd for dom0; modules 2 and
 * 3 are no PV kernels; the other options are malformed. */
START_TEST(bad_modules_and_options_are_refused)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { GUEST("test_basics"), NULL },
        { MOD_NOT_ELF, NULL },
        { HV_ELF, NULL },
        { GUEST("test_basics"), NULL },
    };

    q = boot("pv_bad_modules",
             "dom0_mem=16M domu=1:8M domu=2:8M domu=3:8M domu=4:1K domu=9:8M "
             "domu=4:8M:color=red domu=x domu=1:8M domu=4:8M:vcpus=33 "
             "domu=4:8M:pausedly", mods, 5);
    ck_assert_int_eq(qemu_wait_exit(q, 90), EXIT_POWEROFF);
    expect_output(q, "boot: domain 2 (module 2): bad kernel image: not an ELF image");
    expect_output(q, "boot: domain 3 (module 3): bad kernel image: no Xen ELF notes");
    expect_output(q, "boot: domu=4:1K: memory below 1 MiB; domain 4 not created");
    expect_output(q, "boot: domu=9:8M: no such module for the kernel");
    expect_output(q, "boot: domu=4:8M:color=red: unknown key (initrd=, weight=, vcpus=, paused); "
                     "domain 6 not created");
    expect_output(q, "boot: domu=4:8M:vcpus=33: vcpus must be 1-32 (1 for HVM); "
                     "domain 9 not created");
    expect_output(q, "boot: domu=4:8M:pausedly: unknown key (initrd=, weight=, vcpus=, paused); "
                     "domain 10 not created");
    expect_output(q, "boot: domu=x: expected IDX:MEM; domain 7 not created");
    expect_output(q, "boot: domu=1:8M: module already used by another domu; "
                     "domain 8 not created");
    expect_output(q, "boot: module 4 is not used by any domain");
    expect_output(q, "boot: 2 domains started");
    expect_output(q, "(d1) Test result: PASS (basics)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    ck_assert_int_eq(qemu_count(q, "(d2)") + qemu_count(q, "(d3)"), 0);
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

START_TEST(dom0_reboot_restarts_the_machine)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1 then=reboot" },
        { GUEST("test_basics"), NULL },
    };

    q = boot("pv_dom0_reboot", "dom0_mem=16M domu=1:8M", mods, 2);
    qemu_expect(q, "(d1) Test result: PASS (basics)", 90);
    qemu_expect(q, "rebooting", 30);
    qemu_expect(q, "hv: domain 0 shut down (reboot): stopping the machine", 10);
    qemu_expect(q, "hv: frame accounting:", 10);
    qemu_expect(q, "hv: restarting", 10);
    /* -no-reboot: QEMU exits when the machine resets. */
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_POWEROFF);
    expect_frames_balanced(q);
    qemu_expect_absent(q, "hv: powering off");
}
END_TEST

START_TEST(dom0_crash_follows_on_panic)
{
    const struct qemu_module mods[] = { { GUEST("test_crash_no_handler"), NULL } };

    q = boot("pv_dom0_crash", "dom0_mem=16M on_panic=poweroff", mods, 1);
    qemu_expect(q, "hv: domain 0 crashed: unhandled #PF", 90);
    qemu_expect(q, "hv: domain 0 shut down (crash): stopping the machine", 10);
    qemu_expect(q, "hv: domain 0 crash: following on_panic", 10);
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_PANIC);
    expect_frames_balanced(q);
    qemu_expect_absent(q, "Test result: PASS");
}
END_TEST

/* Guest accessors and bounce frames must work with and without SMAP/SMEP. */
START_TEST(traps_without_smap_and_smep)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=2" },
        { GUEST("test_traps"), NULL },
        { GUEST("test_pv_traps"), NULL },
    };
    struct qemu_config cfg = {
        .name = "pv_no_smap", .cpu = "max,-smap,-smep", .modules = mods,
        .nr_modules = 3, .mem_mb = 256, .timeout_s = 120,
        .cmdline = "dom0_mem=16M domu=1:16M domu=2:16M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "SMEP absent, SMAP absent", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 90), EXIT_POWEROFF);
    expect_output(q, "(d1) Test result: PASS (traps)");
    expect_output(q, "(d2) Test result: PASS (pv_traps)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_domains");
    TCase *tc = tcase_create("boot");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, basics_as_dom0);
    tcase_add_test(tc, dom0_and_two_domus);
    tcase_add_test(tc, bad_modules_and_options_are_refused);
    tcase_add_test(tc, dom0_reboot_restarts_the_machine);
    tcase_add_test(tc, dom0_crash_follows_on_panic);
    tcase_add_test(tc, traps_without_smap_and_smep);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
