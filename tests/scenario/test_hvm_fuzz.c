/*
 * An HVM guest as a fuzzer, next to a canary (docs/robustness.md): two
 * HVM domains run the test kernel's mode=fuzz (tests/hvm-guests/fuzz.c),
 * each its own seed, firing random port I/O, APIC MMIO, MSRs, CPUID,
 * VMMCALL and string I/O at hv, then touching guest-physical space where
 * nothing is; the PV canary (tests/guests/test_canary.c) hashes its
 * region until both are gone; dom0 (test_pv_dom0) powers off after.  hv
 * must stay up, each fuzzer must finish its rounds with every check
 * holding and then be crashed by hv for its last touch, alone; the
 * canary must see no change; every frame must come back.
 * HVM_FUZZ_SEED=<first> runs other seeds (default 1).
 */
#include "test_pv_lib.h"
#include "test_hvm_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

#define NR_FUZZERS 2
#define ROUNDS     "200000"

static long first_seed(void)
{
    const char *s = getenv("HVM_FUZZ_SEED");

    return s && *s ? strtol(s, NULL, 10) : 1;
}

START_TEST(hvm_fuzzers_next_to_a_canary)
{
    const long seed = first_seed();
    char args[NR_FUZZERS][64], key[96];
    struct qemu_module mods[2 + NR_FUZZERS] = {
        { GUEST("test_pv_dom0"), "domus=3 timeout=280" },
        { GUEST("test_canary"), "peer=2 peers=2 pages=24 seconds=260" },
    };
    struct qemu_config cfg = {
        .name = "hvm_fuzz", .modules = mods, .nr_modules = 2 + NR_FUZZERS, .mem_mb = 256,
        .timeout_s = 310,
        .cmdline = "dom0_mem=16M domu=1:16M hvm=2:16M hvm=3:16M",
    };
    const char *out, *canary_end, *p;
    long long checks;

    for (unsigned int i = 0; i < NR_FUZZERS; i++) {
        snprintf(args[i], sizeof(args[i]), "mode=fuzz seed=%ld rounds=" ROUNDS, seed + i);
        mods[2 + i] = (struct qemu_module){ HVM_TEST_KERNEL, args[i] };
    }
    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 4 domains started", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 300), EXIT_POWEROFF);
    out = qemu_output(q);

    for (unsigned int d = 2; d < 2 + NR_FUZZERS; d++) {
        snprintf(key, sizeof(key), "(d%u) hvm fuzz: seed %ld: " ROUNDS " rounds: ", d,
                 seed + d - 2);
        p = strstr(out, key);
        ck_assert_msg(p != NULL, "d%u did not finish its rounds", d);
        ck_assert_msg(!strncmp(p + strlen(key), "0 failed", 8), "d%u: a check failed", d);
        snprintf(key, sizeof(key), "(d%u) hvm fuzz: seed %ld: ", d, seed + d - 2);
        for (p = strstr(out, key); p; p = strstr(p + 1, key))
            printf("%.*s\n", (int)(strchr(p, '\n') - p), p);
        /* Crashed by hv for the touch of nothing, and for nothing else. */
        snprintf(key, sizeof(key), "hv: domain %u crashed: ", d);
        ck_assert_int_eq(qemu_count(q, key), 1);
        p = strstr(out, key);
        ck_assert_msg(strstr(p, "of guest-physical 0x") &&
                      strstr(p, "of guest-physical 0x") < strchr(p, '\n'),
                      "d%u crashed for another reason", d);
        snprintf(key, sizeof(key), "hv: domain %u died (crash): ", d);
        expect_output(q, key);
    }
    qemu_expect_absent(q, "FAIL");

    canary_end = strstr(out, "(d1) canary: checks ");
    ck_assert_msg(canary_end != NULL, "no canary summary");
    checks = value_after(q, "(d1) canary: checks ");
    ck_assert_int_gt(checks, 0);
    ck_assert_msg(strstr(canary_end, ", changes 0, peers gone"), "the canary saw a change");
    expect_output(q, "(d1) Test result: PASS (canary)");
    ck_assert_msg(canary_end > strstr(out, "hv: domain 3 crashed: ") &&
                  canary_end > strstr(out, "hv: domain 2 crashed: "),
                  "the canary stopped before the fuzzers did");
    expect_output(q, "hv: domain 1 died (poweroff)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "FATAL");
    printf("hvm_fuzz: seeds %ld-%ld, %lld canary checks\n", seed, seed + NR_FUZZERS - 1,
           checks);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hvm_fuzz");
    TCase *tc = tcase_create("fuzz");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 330);
    tcase_add_test(tc, hvm_fuzzers_next_to_a_canary);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
