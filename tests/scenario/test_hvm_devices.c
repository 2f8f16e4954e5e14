/*
 * The HVM test kernel (tests/hvm-guests/) checks the platform it runs on:
 * multiboot information and e820 map, CPUID and MSRs, ACPI tables, RTC,
 * PM timer, interrupts through the 8259, the IOAPIC and the local APIC
 * (timer, self-IPI, level-triggered EOI), MMIO emulated from several
 * instruction forms and through guest paging, refused instructions,
 * hypercalls (the page, both register ABIs, ring 3, bad buffers); then
 * it powers off through ACPI S5.  Every check must pass, and only that
 * domain goes.
 *
 * Second case: hv never arms its LAPIC timer (apic_lose_timer_irqs, as
 * if QEMU lost every one of its interrupts) while the HVM guest
 * spins without exits waiting for PIT ticks: only hv's watchdog interrupt
 * (PIT channel 0 through the 8259) gets hv back to run its timers, the
 * guest's PIT and dom0's included.  Without it the guest spins forever.
 *
 * Third case, under -icount: timer interrupt handlers outlast the timer's
 * period; none may arrive inside another (QEMU's doubled EVENTINJ
 * interrupt, docs/hvm.md).
 *
 * Fourth and fifth: an interdomain event channel between a PV dom0
 * (bench's evtchn kernel, measuring) and the HVM test kernel echoing
 * through its mapped shared_info, waiting in SCHEDOP_poll or halted until
 * its callback vector arrives.  In the fifth dom0 sleeps before each
 * send, so the guest is halted when the event comes: only the callback
 * vector (vcpu_kick waking a halted HVM vCPU) lets it go on.
 */
#include "test_hvm_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

START_TEST(platform_devices_as_the_guest_sees_them)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { HVM_TEST_KERNEL, "mode=devices" },
    };
    struct qemu_config cfg = {
        .name = "hvm_devices", .modules = mods, .nr_modules = 2, .mem_mb = 128,
        .timeout_s = 90, .cmdline = "dom0_mem=16M hvm=1:16M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "hvm: domain 1: 16 MiB RAM, kernel [0x100000-", 30);
    qemu_expect(q, "(d1) hvm test kernel: mode devices", 30);
    qemu_expect(q, "(d1) hvm test: ", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 30), EXIT_POWEROFF);
    qemu_expect_absent(q, "(d1) FAIL");
    expect_output(q, "(d1) hvm test: PASS");
    expect_output(q, "(d1) string io: rep outsb to COM1");
    expect_output(q, "(d1) hvm hypercall console ok");
    expect_output(q, "(d1) read-only alias");
    expect_output(q, "hv: d1 hypercalls (number xcount [sub-ops]): 17 x");
    expect_output(q, "hvm: domain 1 entered ACPI S5: powering it off");
    ck_assert_int_gt(exit_count(q, 1, "mmio"), 0);
    ck_assert_int_gt(exit_count(q, 1, "vmmcall"), 0);
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

START_TEST(lost_timer_interrupts_while_a_guest_spins)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { HVM_TEST_KERNEL, "mode=spin ticks=20" },
    };
    struct qemu_config cfg = {
        .name = "hvm_lost_timer", .modules = mods, .nr_modules = 2, .mem_mb = 128,
        .timeout_s = 90,
        .cmdline = "dom0_mem=16M hvm=1:16M apic_lose_timer_irqs",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "apic: timer watchdog on PIT channel 0 at 18 Hz (8259, LINT0 ExtINT); "
                "the timer itself stays disarmed (apic_lose_timer_irqs)", 30);
    qemu_expect(q, "(d1) spin: waiting for 20 ticks without exits", 60);
    qemu_expect(q, "(d1) spin: 20 ticks", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "hvm: domain 1 wrote 0 to isa-debug-exit");
    /* The guest made no exit of its own between ticks: every tick came
     * after one of hv's interrupts (the watchdog's). */
    ck_assert_int_ge(exit_count(q, 1, "intr"), 20);
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

/*
 * Interrupt handlers longer than the timer's period, under -icount: QEMU's
 * TCG delivered an EVENTINJ interrupt a second time, nested in its own
 * handler with IF clear, when its instruction budget ran out there (the
 * stall of Linux HVM domains in the benchmarks).  hv presents interrupts
 * through V_IRQ, and every one must wait for the handler's IRET.
 */
START_TEST(no_interrupt_nests_in_a_handler_under_icount)
{
    static const char *const icount[] = { "-icount", "shift=0", NULL };
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=1" },
        { HVM_TEST_KERNEL, "mode=nest count=100" },
    };
    struct qemu_config cfg = {
        .name = "hvm_nest", .modules = mods, .nr_modules = 2, .mem_mb = 128,
        .timeout_s = 90, .extra_args = icount,
        .cmdline = "dom0_mem=16M hvm=1:16M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "(d1) nest: 100 timer interrupts", 60);
    qemu_expect(q, "(d1) nest: 100 interrupts or more: 0 nested, 0 with IF clear", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "hvm: domain 1 wrote 0 to isa-debug-exit");
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

static void evtchn_round_trips(const char *name, const char *server_args,
                               const char *client_args, const char *waiting)
{
    const struct qemu_module mods[] = {
        { HERON_BUILD_DIR "/bench/kernels/evtchn.elf", server_args },
        { HVM_TEST_KERNEL, client_args },
    };
    struct qemu_config cfg = {
        .name = name, .modules = mods, .nr_modules = 2, .mem_mb = 128,
        .timeout_s = 90, .cmdline = "dom0_mem=16M hvm=1:16M",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, waiting, 60);
    qemu_expect(q, "BENCH name=evtchn unit=ns/op value=", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 60), EXIT_POWEROFF);
    expect_output(q, "=== END evtchn (status 0) ===");
    /* Every round trip is at least one VMMCALL (the echo's send); t=50
     * makes dozens at the least on a slow machine. */
    ck_assert_int_gt(exit_count(q, 1, "vmmcall"), 10);
    expect_output(q, "hv: domain 1 died");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "(d1) FAIL");
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}

START_TEST(event_channel_round_trips_between_pv_dom0_and_an_hvm_guest)
{
    evtchn_round_trips("hvm_evtchn", "role=server peer=1 t=50", "mode=evtchn peer=0",
                       "(d1) evtchn client: bound port 1 of d0, waiting by SCHEDOP_poll");
}
END_TEST

/* The same, the HVM guest taking upcalls on its callback vector (and
 * halted while nothing is pending). */
START_TEST(event_channel_upcalls_wake_a_halted_hvm_guest)
{
    /* t=200: bench_measure sizes its batch to t, and a loaded host can
     * stretch each round trip to several ms; ten halts need ten. */
    evtchn_round_trips("hvm_evtchn_irq", "role=server peer=1 t=200 gap=500",
                       "mode=evtchn peer=0 wait=irq",
                       "(d1) evtchn client: bound port 1 of d0, waiting by halting for "
                       "the callback vector");
    expect_output(q, "(d1) evtchn client: 10 upcalls taken");
    /* dom0's 0.5 ms before each send: the guest halts every time. */
    expect_output(q, "(d1) evtchn client: 10 halts ended by the callback vector");
    ck_assert_int_ge(exit_count(q, 1, "hlt"), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_devices");
    TCase *tc = tcase_create("devices");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, platform_devices_as_the_guest_sees_them);
    tcase_add_test(tc, lost_timer_interrupts_while_a_guest_spins);
    tcase_add_test(tc, no_interrupt_nests_in_a_handler_under_icount);
    tcase_add_test(tc, event_channel_round_trips_between_pv_dom0_and_an_hvm_guest);
    tcase_add_test(tc, event_channel_upcalls_wake_a_halted_hvm_guest);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
