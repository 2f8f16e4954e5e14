/*
 * Two PV domains exchange an interdomain event channel and a granted page
 * (tests/guests/test_interdomain.c): what the server writes the client
 * reads (both print the checksum they computed), the client's checksum
 * comes back to the server through the page, and the grant cannot be
 * revoked while mapped, only after the unmap.
 *
 * Two pairs in one boot, started in both orders (server first: d1/d2;
 * client first: d3/d4, on another grant reference), so that neither side
 * relies on the other being up first.  dom0 (test_pv_dom0) waits for the
 * four of them and for a CPU-bound domain (test_busy, 1 s): the pairs
 * wake each other with events, which the scheduler favours, so they may
 * all be gone before dom0 first runs; test_pv_dom0 needs at least one
 * death after it has bound VIRQ_DOM_EXC.
 */
#include "test_pv_lib.h"
#include "run_suite.h"

static struct qemu *q;

static void teardown(void)
{
    qemu_stop(q);
    q = NULL;
}

/* What the server writes: test_interdomain's pattern and checksum. */
static unsigned int pattern_checksum(void)
{
    unsigned int sum = 0;

    for (unsigned int i = 0; i < 2048; i++)
        sum = sum * 31 + (unsigned char)(i * 13 + 7);
    return sum;
}

/* The hex value after `key` in the output. */
static unsigned long hex_after(const char *key)
{
    const char *p = strstr(qemu_output(q), key);

    ck_assert_msg(p != NULL, "missing from the output: \"%s\"", key);
    return strtoul(p + strlen(key), NULL, 16);
}

static void expect_pair(unsigned int server, unsigned int client, unsigned int gref)
{
    static const char *const server_ok[] = {
        "client mapped the page and checked it",
        "revoke while the client maps it",
        "revoke after the client unmapped",
    };
    static const char *const client_ok[] = {
        "map the server's grant",
        "check the data, reply, find the server's port",
        "unmap when told, then the grant is gone",
    };
    char key[96];

    snprintf(key, sizeof(key), "(d%u) ok: granted ref %u, port ", server, gref);
    expect_output(q, key);
    snprintf(key, sizeof(key), "(d%u) checksum: wrote ", server);
    ck_assert_uint_eq(hex_after(key), pattern_checksum());
    snprintf(key, sizeof(key), "(d%u) checksum: read ", client);
    ck_assert_uint_eq(hex_after(key), pattern_checksum());

    for (unsigned int i = 0; i < 3; i++) {
        snprintf(key, sizeof(key), "(d%u) ok: %s", server, server_ok[i]);
        expect_output(q, key);
        snprintf(key, sizeof(key), "(d%u) ok: %s", client, client_ok[i]);
        expect_output(q, key);
    }
    snprintf(key, sizeof(key), "(d%u) Test result: PASS (interdomain)", server);
    expect_output(q, key);
    snprintf(key, sizeof(key), "(d%u) Test result: PASS (interdomain)", client);
    expect_output(q, key);
}

START_TEST(two_domains_share_a_page_and_a_channel)
{
    const struct qemu_module mods[] = {
        { GUEST("test_pv_dom0"), "domus=5" },
        { GUEST("test_interdomain"), "role=server peer=2" },
        { GUEST("test_interdomain"), "role=client peer=1" },
        { GUEST("test_interdomain"), "role=client peer=4 gref=300" },
        { GUEST("test_interdomain"), "role=server peer=3 gref=300" },
        { GUEST("test_busy"), "seconds=1" },
    };
    struct qemu_config cfg = {
        .name = "pv_interdomain", .modules = mods, .nr_modules = 6,
        .timeout_s = 90,
        .cmdline = "dom0_mem=16M domu=1:8M domu=2:8M domu=3:8M domu=4:8M domu=5:8M",
    };
    char line[64];

    q = qemu_start(&cfg);
    qemu_expect(q, "boot: 6 domains started", 30);
    ck_assert_int_eq(qemu_wait_exit(q, 80), EXIT_POWEROFF);

    expect_pair(1, 2, 8);
    expect_pair(4, 3, 300);
    qemu_expect_absent(q, "FAIL");
    expect_output(q, "(d5) Test result: PASS (busy)");
    for (unsigned int d = 1; d <= 5; d++) {
        snprintf(line, sizeof(line), "hv: domain %u died (poweroff)", d);
        expect_output(q, line);
    }
    expect_output(q, "Test result: PASS (pv_dom0)");
    expect_frames_balanced(q);
    qemu_expect_absent(q, "crashed");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pv_interdomain");
    TCase *tc = tcase_create("interdomain");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_domains_share_a_page_and_a_channel);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
