/*
 * The ioreq interface end to end: dom0 (tests/hvm-guests/dm/) registers
 * an ioreq server for HVM domain 1 with dm_op, maps its ioreq page,
 * binds its event channel and emulates a register port, an MMIO page and
 * COM1, which it takes over from hv's UART.  The HVM test kernel
 * (mode=ioreq) uses all three, REP strings included (one data_is_ptr
 * request per page, which dom0 serves in the guest's mapped memory); its console lines reach dom0 instead of
 * hv once the server is up.  dm_op's refusals are checked by dom0 first.
 * The ioreq page stays mapped by dom0 after domain 1 dies, so domain 1
 * is a zombie until dom0 unmaps it; then every frame is back.
 */
#include "test_hvm_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

START_TEST(device_model_in_dom0)
{
    const struct qemu_module mods[] = {
        { HERON_BUILD_DIR "/tests/hvm-guests/test_hvm_dm.elf", "delay_ms=500" },
        { HVM_TEST_KERNEL, "mode=ioreq" },
    };
    struct qemu_config cfg = {
        .name = "hvm_ioreq", .modules = mods, .nr_modules = 2, .mem_mb = 128,
        .timeout_s = 90, .cmdline = "dom0_mem=16M hvm=1:16M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "(d1) ioreq: waiting for the device model", 30);
    qemu_expect(q, "serving domain 1", 30);
    qemu_expect(q, "com1: ioreq: device model up", 30);
    qemu_expect(q, "com1: ioreq test: ", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "com1: ioreq test: PASS");
    expect_output(q, "com1: ioreq: rep outsb through the device model");
    /* REP strings came as data_is_ptr requests, a page at a time. */
    expect_output(q, "string: out, 42 x 1 bytes, port 0x3f8\r\n");
    expect_output(q, "string: in, 3 x 1 bytes, port 0x511\r\n");
    expect_output(q, "string: in, 2 x 2 bytes, port 0x510\r\n");
    expect_output(q, "string: in, 3 x 1 bytes, port 0x511, downwards\r\n");
    qemu_expect_absent(q, "com1: FAIL");
    /* After the takeover nothing of the guest's reaches hv's UART. */
    qemu_expect_absent(q, "(d1) ok ");
    qemu_expect_absent(q, "(d1) ioreq test");
    expect_output(q, "hvm: domain 1 entered ACPI S5: powering it off");
    expect_output(q, ", 1 held elsewhere");
    expect_output(q, "hv: domain 1: its last frames came back");
    ck_assert_int_gt(value_after(q, "device model served "), 3);
    expect_output(q, "Test result: PASS (hvm_dm)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
    qemu_expect_absent(q, "crashed");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_ioreq");
    TCase *tc = tcase_create("ioreq");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, device_model_in_dom0);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
