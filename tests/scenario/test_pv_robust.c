/*
 * Hostile guests (docs/robustness.md).  One hv boot: a canary domU
 * (tests/guests/test_canary.c) hashes a region continuously while six
 * fuzzing domUs (test_pv_fuzz, each its own seed) fire random and aimed
 * hypercalls at hv and at the canary's grants, ports and frames; dom0
 * (test_pv_dom0) must see every domU die and power off.  hv must stay up
 * through it, the canary must see no change, the fuzzers' refusals must
 * all hold, and every frame must come back.  Another boot: the isolation
 * attacks of tests/guests/test_isolation.c, an owner, a user of its grants
 * and ports, and an intruder; each attack refused, each refusal asserted.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

#define NR_FUZZERS 6
#define FUZZ_ARGS  "calls=200000 canary=1 peer=2 peers=6 pages=24"

/* The fuzzers take seeds first..first + 5: ROBUST_SEED=<first> (default
 * 11) runs other seeds; the same seed makes the same calls. */
static long first_seed(void)
{
    const char *s = getenv("ROBUST_SEED");

    return s && *s ? strtol(s, NULL, 10) : 11;
}

START_TEST(fuzzers_next_to_a_canary)
{
    const long seed = first_seed();
    char args[NR_FUZZERS][96];
    struct qemu_module mods[2 + NR_FUZZERS] = {
        { GUEST("test_pv_dom0"), "domus=7 timeout=240" },
        { GUEST("test_canary"), "peer=2 peers=6 pages=24 seconds=200" },
    };
    struct qemu_config cfg = {
        .name = "pv_robust_fuzz", .modules = mods, .nr_modules = 8, .mem_mb = 256,
        .timeout_s = 270,
        .cmdline = "dom0_mem=16M domu=1:16M domu=2:16M domu=3:16M domu=4:16M domu=5:16M "
                   "domu=6:16M domu=7:16M",
    };
    char line[160];
    const char *out, *last_fuzz, *canary_end;
    long long made = 0, aimed = 0, maps, all_maps = 0, checks;

    for (unsigned int i = 0; i < NR_FUZZERS; i++) {
        snprintf(args[i], sizeof(args[i]), "seed=%ld " FUZZ_ARGS, seed + i);
        mods[2 + i] = (struct qemu_module){ GUEST("test_pv_fuzz"), args[i] };
    }
    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 8 domains started", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 260), EXIT_POWEROFF);
    out = qemu_output(q);

    expect_output(q, "(d1) canary: region of 24 pages, xxh64 ");
    canary_end = strstr(out, "(d1) canary: checks ");
    ck_assert_msg(canary_end != NULL, "no canary summary");
    checks = value_after(q, "(d1) canary: checks ");
    ck_assert_int_gt(checks, 0);
    ck_assert_msg(strstr(canary_end, ", changes 0, peers gone"), "the canary saw a change");
    expect_output(q, "(d1) ok: ports left for the peers are ours still");
    expect_output(q, "(d1) Test result: PASS (canary)");
    last_fuzz = out;
    for (unsigned int d = 2; d < 2 + NR_FUZZERS; d++) {
        const char *p;

        snprintf(line, sizeof(line), "(d%u) fuzz: ", d);
        made += value_after(q, line);
        snprintf(line, sizeof(line), "(d%u) fuzz: seed %ld: ", d, seed + d - 2);
        aimed += value_after(q, line);
        snprintf(line, sizeof(line), "(d%u) fuzz: ", d);
        for (p = strstr(out, line); p; p = strstr(p + 1, line))
            if (p > last_fuzz)
                last_fuzz = p;
        /* Maps of live grants: the aliasing attacks ran on real mappings. */
        snprintf(line, sizeof(line), "(d%u) fuzz: read-only maps of the canary's grants: ", d);
        maps = value_after(q, line);
        ck_assert_msg(maps > 0, "d%u mapped none of the canary's grants", d);
        all_maps += maps;
        snprintf(line, sizeof(line), "(d%u) Test result: PASS (pv_fuzz)", d);
        expect_output(q, line);
    }
    /* The canary kept checking until every fuzzer had finished. */
    ck_assert_msg(canary_end > last_fuzz, "the canary stopped before the fuzzers did");
    ck_assert_int_gt(made, NR_FUZZERS * 100000);
    ck_assert_int_gt(aimed, NR_FUZZERS * 50000);
    printf("pv_robust: %lld random and %lld aimed hypercalls from %u fuzzers "
           "(seeds %ld-%ld) next to the canary, %lld read-only maps of its grants, "
           "%lld canary checks\n", made, aimed, NR_FUZZERS, seed, seed + NR_FUZZERS - 1,
           all_maps, checks);
    for (unsigned int d = 1; d <= 1 + NR_FUZZERS; d++) {
        snprintf(line, sizeof(line), "hv: domain %u died (poweroff)", d);
        expect_output(q, line);
    }
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
    qemu_expect_absent(q, "FATAL");
}
END_TEST

START_TEST(isolation_attacks_refused)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=3 timeout=120" },
        { GUEST("test_isolation"), "role=owner owner=1 user=2 intruder=3" },
        { GUEST("test_isolation"), "role=user owner=1 user=2 intruder=3" },
        { GUEST("test_isolation"), "role=intruder owner=1 user=2 intruder=3" },
    };
    struct qemu_config cfg = {
        .name = "pv_robust_isolation", .modules = mods, .nr_modules = 4, .mem_mb = 128,
        .timeout_s = 150,
        .cmdline = "dom0_mem=16M domu=1:16M domu=2:16M domu=3:16M",
    };
    static const char *const cases[] = {
        "(d1) ok: grants: revoke while mapped, unmap of the user's mapping",
        "(d1) ok: the intruder bound its own port only, and its flood left ours alone",
        "(d1) ok: the user's mapping survived; revoke once it is unmapped",
        "(d2) ok: map the owner's grants",
        "(d2) ok: refused: writable R, aliases of R, copy into R, the stale ref",
        "(d2) ok: double unmap",
        "(d2) ok: after the intruder: the mapping is ours still",
        "(d3) ok: refused: grants made for another domain, its handles",
        "(d3) ok: refused: other domains' ports and event tables",
        "(d3) ok: refused: memory_op and domctl on the owner",
    };

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 4 domains started", 60);
    ck_assert_int_eq(qemu_wait_exit(q, 140), EXIT_POWEROFF);
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_output(q, cases[i]);
    qemu_expect_absent(q, "FAIL");
    expect_output(q, "(d1) Test result: PASS (isolation)");
    expect_output(q, "(d2) Test result: PASS (isolation)");
    expect_output(q, "(d3) Test result: PASS (isolation)");
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_robust");
    TCase *tc = tcase_create("robust");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, fuzzers_next_to_a_canary);
    tcase_add_test(tc, isolation_attacks_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
