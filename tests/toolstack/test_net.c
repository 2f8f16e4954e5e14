/*
 * Scenario test of the PV network path (issue 6) on the real hv:
 * tests/toolstack/scripts/net.sh runs pvops-guest domUs whose vifs
 * heron-netback bridges on xenbr0: ping both ways, 100000 UDP datagrams
 * checked one by one, a hostile tx ring answered with errors and then
 * cut off while the others still talk, dom0's grant copy ioctl checked
 * on that domU's page, and a domU destroyed while it
 * sends, after which free memory, the xenstore tree and dom0's hold on
 * the dead domains' frames (its grant mappings) are as before.  The
 * second case (scripts/net_blk_destroy.sh) destroys a domU in the middle
 * of heavy block and network I/O at once (a UDP flood to a peer and
 * random disk I/O), three times over; each time hv's free memory, the
 * xenstore tree, the backend daemons and the grant mappings dom0 holds
 * are as before the first, and the peers still talk and use their disk.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0_script.h"

#define LOG "build/tests/toolstack/net.log"
#define RUN "HV_CMDLINE=dom0_mem=128M toolstack/dom0/run-script tests/toolstack/scripts/net.sh" \
            " build/tests/toolstack/dom0-root build/hv.elf build/pvops-guest.elf " LOG \
            " 600 qemu-system-x86_64 -cpu max -m 512 2>&1"
#define KILL_LOG "build/tests/toolstack/net-blk-destroy.log"
#define KILL_RUN "HV_CMDLINE=dom0_mem=128M toolstack/dom0/run-script " \
                 "tests/toolstack/scripts/net_blk_destroy.sh build/tests/toolstack/dom0-root " \
                 "build/hv.elf build/pvops-guest.elf " KILL_LOG \
                 " 900 qemu-system-x86_64 -cpu max -m 512 2>&1"
#define CYCLES 3u
#define DATAGRAMS 100000u


/* net-probe's datagram sizes (tests/toolstack/progs/net_probe.c). */
static unsigned long long datagram_bytes(unsigned int count)
{
    unsigned long long n = 0;

    for (unsigned int i = 0; i < count; i++)
        n += 64 + (i * 37u) % 961;
    return n;
}

START_TEST(pv_network)
{
    char *out, *log, want[256];

    out = dom0_script_run(RUN, LOG ".txt", &log);

    HAS(out, "a: netfront: eth0: 00:16:3e:0a:00:01, backend /local/domain/0/backend/vif/1/0\n");
    HAS(out, "b: netfront: eth0: 00:16:3e:0b:00:01, backend /local/domain/0/backend/vif/2/0\n");
    HAS(out, "c: netfront: eth0: 00:16:3e:00:03:00, backend /local/domain/0/backend/vif/3/0\n");
    HAS(out, "b ping 1: ping 10.0.1.1: 3 packets transmitted, 3 packets received, "
             "0% packet loss\n");
    /* a pings b at the start, after c is cut off and after d is destroyed. */
    for (unsigned int i = 1; i <= 3; i++) {
        snprintf(want, sizeof(want), "a ping %u: ping 10.0.1.2: 3 packets transmitted, "
                 "3 packets received, 0%% packet loss\n", i);
        HAS(out, want);
    }

    snprintf(want, sizeof(want), "a: net send: %u datagrams, %u acknowledged\n", DATAGRAMS,
             DATAGRAMS);
    HAS(out, want);
    snprintf(want, sizeof(want), "b: net recv: %u datagrams, %llu bytes, 0 lost, 0 gaps, "
             "0 bad, 0 out of order\n", DATAGRAMS, datagram_bytes(DATAGRAMS));
    HAS(out, want);

    /* IOCTL_GNTDEV_GRANT_COPY as heron-netback uses it, and its refusals. */
    HAS(out, "copy across pages: 0 status 0, matches the mapping\n");
    HAS(out, "copy bad ref: 0 status -3\n");                /* GNTST_bad_gntref */
    HAS(out, "copy past the foreign page: -22\n");
    HAS(out, "copy with two local sides: -22\n");
    HAS(out, "copy into an unmapped buffer: -14\n");
    HAS(out, "hostile: 6 of 6 requests answered NETIF_RSP_ERROR\n");
    HAS(out, "c backend state: 4\n");
    HAS(out, "c backend state after garbage indices: 5\n");
    HAS(out, "heron-netback: /local/domain/0/backend/vif/3/0: frontend ring indices out of range\n");
    HAS(out, "heron-netback: /local/domain/0/backend/vif/3/0: disconnected (protocol error): "
             "from guest 0 frames, 6 errors;");
    HAS(out, "destroy c: 0\n");

    HAS(out, "d: sending\n");
    HAS(out, "destroy d: 0\n");
    HAS(out, "heron-netback: /local/domain/0/backend/vif/4/0: disconnected (backend node removed)");
    HAS(out, "heron-netback: /local/domain/0/backend/vif/4/0: released (backend node removed)\n");
    HAS(out, "xenstore and free memory: back\n");
    ck_assert_msg(!strstr(out, "no '"), "%s", out);

    /* No frame of a dead domain stays mapped in dom0, and hv's books balance. */
    for (unsigned int d = 1; d <= 4; d++)
        ck_assert_msg(frames_released(log, d), "domain %u's frames are still held: " LOG ".txt",
                      d);
    ck_assert_msg(line_has(log, "hv: frame accounting:", ": balanced"),
                  "hv's frame accounting did not balance: " LOG ".txt");
    free(out);
    free(log);
}
END_TEST

/*
 * The mappings dom0 holds in hv, from hv's dumps of its grant table
 * ("d0 grant table: F of M frames, N mappings held"): how many dumps,
 * and whether every one reads the same as the first.
 */
static unsigned int d0_dumps(const char *log, bool *same)
{
    const char *key = "d0 grant table: ", *first = strstr(log, key);
    unsigned int n = 0;

    *same = true;
    for (const char *l = first; l; l = strstr(l + 1, key), n++)
        if (strcspn(l, "\n") != strcspn(first, "\n") || strncmp(l, first, strcspn(l, "\n")))
            *same = false;
    return n;
}

/* The script's output is long: a failure names the log instead. */
#define KHAS(out, s) ck_assert_msg(strstr(out, s), "no '%s' in " KILL_LOG ".txt", s)

START_TEST(destroy_mid_io)
{
    char *out, *log, want[256];
    unsigned long requests = 0;
    bool same;

    out = dom0_script_run(KILL_RUN, KILL_LOG ".txt", &log);

    KHAS(out, "baseline taken\n");
    KHAS(out, "a ping 1: ping 10.0.1.2: 3 packets transmitted, 3 packets received, "
             "0% packet loss\n");
    /* v is domain 2 + c in cycle c (a and b are 1 and 2). */
    for (unsigned int c = 1; c <= CYCLES; c++) {
        unsigned int d = 2 + c;
        const char *line;

        snprintf(want, sizeof(want), "cycle %u: v (domain %u) busy: disk and network both "
                 "moving\n", c, d);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: destroy: 0\n", c);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: free memory, xenstore, daemons: back\n", c);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: heron-blkback: /local/domain/0/backend/vbd/%u/"
                 "51712: /tmp/v.img, 32768 sectors, read-write\n", c, d);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: heron-blkback: /local/domain/0/backend/vbd/%u/"
                 "51712: disconnected (backend node removed), ", c, d);
        KHAS(out, want);
        line = strstr(out, want);
        ck_assert_int_eq(sscanf(line + strlen(want), "%lu requests", &requests), 1);
        ck_assert_msg(requests > 0, "cycle %u: blkback served nothing", c);
        snprintf(want, sizeof(want), "cycle %u: heron-blkback: /local/domain/0/backend/vbd/%u/"
                 "51712: released (backend node removed)\n", c, d);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: heron-netback: /local/domain/0/backend/vif/%u/0: "
                 "disconnected (backend node removed)", c, d);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: heron-netback: /local/domain/0/backend/vif/%u/0: "
                 "released (backend node removed)\n", c, d);
        KHAS(out, want);
        snprintf(want, sizeof(want), "a ping %u: ping 10.0.1.2: 3 packets transmitted, "
                 "3 packets received, 0%% packet loss\n", c + 1);
        KHAS(out, want);
        snprintf(want, sizeof(want), "cycle %u: a: blk fill: 256 blocks written, flushed and "
                 "read back\n", c);
        KHAS(out, want);
    }
    ck_assert_msg(!strstr(out, "state differs") && !strstr(out, "no '"),
                  "a wait failed or a state differs: " KILL_LOG ".txt");

    /* dom0 holds as many grant mappings after each cycle as before the first. */
    ck_assert_uint_eq(d0_dumps(log, &same), 1 + CYCLES);
    ck_assert_msg(same, "dom0's grant mappings changed: " KILL_LOG ".txt");
    for (unsigned int d = 1; d <= 2 + CYCLES; d++)
        ck_assert_msg(frames_released(log, d), "domain %u's frames are still held: " KILL_LOG
                      ".txt", d);
    ck_assert_msg(line_has(log, "hv: frame accounting:", ": balanced"),
                  "hv's frame accounting did not balance: " KILL_LOG ".txt");
    free(out);
    free(log);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_net");
    TCase *tc = tcase_create("net");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, pv_network);
    tcase_add_test(tc, destroy_mid_io);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
