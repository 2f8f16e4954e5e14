/*
 * Where HVM domains cannot be made: on a CPU without SVM (-cpu max,-svm),
 * and on one with SVM but no nested paging (qemu64), an hvm= domain is
 * refused with the documented message while the PV domains boot and run.
 * Bad hvm= options and a module that is no multiboot kernel are refused
 * the same way, and the domains after them are still built.
 */
#include "test_hvm_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

static void boot_refused(const char *name, const char *cpu, const char *why)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=2" },
        { HVM_TEST_KERNEL, "mode=devices" },
        { GUEST("test_busy"), "id=pv seconds=1" },
    };
    struct qemu_config cfg = {
        .name = name, .cpu = cpu, .modules = mods, .nr_modules = 3, .mem_mb = 128,
        .timeout_s = 60, .cmdline = "dom0_mem=16M hvm=1:16M domu=2:8M",
    };
    char line[160];

    q = qemu_start(&cfg);
    qemu_expect(q, why, 30);
    snprintf(line, sizeof(line), "boot: domain 1 (module 1): %s; not created", why);
    qemu_expect(q, line, 30);
    qemu_expect(q, "boot: 2 domains started", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "(d2) Test result: PASS (busy)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "(d1)");
    qemu_expect_absent(q, "FATAL");
}

START_TEST(no_svm)
{
    boot_refused("hvm_no_svm", "max,-svm",
                 "hvm: no SVM/VMX on this CPU: HVM domains unavailable");
}
END_TEST

START_TEST(svm_without_npt)
{
    boot_refused("hvm_qemu64", "qemu64",
                 "hvm: SVM without nested paging: HVM domains unavailable");
}
END_TEST

START_TEST(bad_options_and_images)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=5" },
        { HERON_BUILD_DIR "/tests/scenario/mod1.bin", NULL },
        { HVM_TEST_KERNEL, "mode=busy id=ok seconds=1" },
        { GUEST("test_basics"), NULL },
    };
    struct qemu_config cfg = {
        .name = "hvm_bad", .modules = mods, .nr_modules = 4, .mem_mb = 128,
        .timeout_s = 60,
        .cmdline = "dom0_mem=16M hvm=1:8M hvm=2:1M hvm=2:8M:bogus=1 hvm=3:8M "
                   "hvm=2:8M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: domain 1 (module 1): bad kernel image: no multiboot "
                   "header in the first 8 KiB; not created", 30);
    qemu_expect(q, "boot: domain 4 (module 3): bad kernel image: no multiboot "
                   "header in the first 8 KiB; not created", 30);
    qemu_expect(q, "boot: 2 domains started", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "boot: hvm=2:1M: memory below 2 MiB; domain 2 not created");
    expect_output(q, "boot: hvm=2:8M:bogus=1: unknown key (initrd=, weight=, vcpus=, paused); "
                     "domain 3 not created");
    expect_output(q, "(d5) done ok ");
    expect_output(q, "hv: domain 5 died (poweroff)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_refused");
    TCase *tc = tcase_create("refused");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, no_svm);
    tcase_add_test(tc, svm_without_npt);
    tcase_add_test(tc, bad_options_and_images);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
