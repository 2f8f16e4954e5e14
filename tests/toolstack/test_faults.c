/*
 * Scenario test of dom0's daemons dying part-way (docs/robustness.md,
 * "Faults"), on the real hv: tests/toolstack/scripts/faults.sh finds
 * heron-blkback, heron-netback and heron-xenstored by their pid files,
 * kills the backends (SIGKILL) in the middle of a domU's disk I/O and
 * sends, restarts them (the rings are taken over: the I/O finishes,
 * every read verified; the vifs talk again), kills them again and
 * destroys the domUs with them dead (free pages, xenstore nodes and
 * dom0's event channels come back, so their grant mappings went with
 * them), then kills heron-xenstored while a domU does disk I/O (dom0, hv
 * and the domU keep running; blkback keeps serving).  hv's log must show
 * every destroyed domU's frames back and balanced books at power-off.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0_script.h"

#define LOG "build/tests/toolstack/faults.log"
#define RUN "HV_CMDLINE=dom0_mem=128M toolstack/dom0/run-script tests/toolstack/scripts/faults.sh" \
            " build/tests/toolstack/dom0-root build/hv.elf build/pvops-guest.elf " LOG \
            " 900 qemu-system-x86_64 -cpu max -m 512 2>&1"

/* How many times s occurs in text. */
static unsigned int count(const char *text, const char *s)
{
    unsigned int n = 0;

    for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
        n++;
    return n;
}

/* "NAME: STATE" with STATE running or blocked (alive, not shut down). */
static void alive(const char *out, const char *name)
{
    char run[64], blk[64];

    snprintf(run, sizeof(run), "%s: running\n", name);
    snprintf(blk, sizeof(blk), "%s: blocked\n", name);
    ck_assert_msg(strstr(out, run) || strstr(out, blk), "%s not alive in:\n%s", name,
                  TAIL(out));
}

START_TEST(daemons_killed)
{
    const char *end;
    char *out, *log;

    out = dom0_script_run(RUN, LOG ".txt", &log);
    HASNT(out, "missing: ");

    /* Pid files, and a clean stop removing its own. */
    HAS(out, "heron-xenstored: pid file\n");
    HAS(out, "heron-blkback: pid file\n");
    HAS(out, "heron-netback: pid file\n");
    HAS(out, "netback SIGTERM: pid file removed\n");
    HAS(out, "netback: started again\n");
    HAS(out, "x: blk fill: 512 blocks written, flushed and read back\n");

    /* 2: blkback killed mid-I/O and restarted; x's I/O finishes intact. */
    HASNT(out, "blkback: x's I/O ended");
    HAS(out, "blkback killed: its port closed\n");
    alive(out, "x after the kill");
    HAS(out, "blkback: restarted, new pid\n");
    HAS(out, "blkback restarted: port bound again\n");
    HAS(out, " writes over 2 MiB; ");
    HAS(out, " blocks written, all read back\n");
    ck_assert_msg(strstr(out, "x: blk random: ") &&
                  strstr(strstr(out, "x: blk random: "), " reads verified, "),
                  "x's I/O did not finish after blkback's restart:\n%s", TAIL(out));

    /* 3: netback killed mid-send and restarted; nothing damaged, y pings x. */
    HASNT(out, "netback: x's sending ended");
    HAS(out, "netback killed: its ports closed\n");
    HAS(out, "netback: restarted, new pid\n");
    HAS(out, "netback restarted: ports bound again\n");
    HAS(out, "x: net send: ");
    HAS(out, "y: net recv: ");
    HAS(out, " 0 bad, ");
    HAS(out, "y ping after restart: ping 10.0.2.1: 3 packets transmitted, "
             "3 packets received, 0% packet loss\n");

    /* 4: both killed and left dead: x's disk fails, nothing stays behind. */
    HAS(out, "netback killed again: its ports closed\n");
    HAS(out, "both killed: their ports closed\n");
    HAS(out, "x's I/O: failed\n");
    HAS(out, "x: blkfront: xvda: backend did not answer\n");
    alive(out, "x");
    HAS(out, "destroy x: 0\n");
    HAS(out, "destroy y: 0\n");
    HAS(out, "free pages, xenstore nodes, ports, domains: back\n");
    HAS(out, "both started again\n");
    HAS(out, "after the restarts: still back\n");
    /* Started three times each (boot, restart, after 4). */
    ck_assert_uint_eq(count(out, "heron-blkback: watching /local/domain/0/backend/vbd\n"), 3);
    ck_assert_uint_eq(count(out, "heron-netback: watching /local/domain/0/backend/vif\n"), 4);

    /* 5: xenstored killed; dom0, hv, z and blkback carry on. */
    HAS(out, "xenstored killed: heron-xs cannot reach it\n");
    HAS(out, "heron list: fails\n");
    alive(out, "z");
    HAS(out, "z: still running\n");
    HAS(out, "z's disk: still written\n");
    HAS(out, "heron-blkback: alive\n");
    HAS(out, "heron-netback: alive\n");
    HAS(out, "heron-blkback: xenstored went away (");
    HAS(out, "heron-netback: xenstored went away (");
    /* consoled keeps the consoles attached instead of spinning on the socket. */
    HAS(out, "heron-consoled: xenstored went away (");

    /* hv: the destroyed domUs' frames all came back, z died only at power-off. */
    for (unsigned int d = 1; d <= 4; d++)
        ck_assert_msg(frames_released(log, d), "domain %u's frames are still held: " LOG ".txt",
                      d);
    end = strstr(log, "=== HERON RUN END");
    ck_assert_ptr_nonnull(end);
    ck_assert_msg(!strstr(log, "hv: domain 5 died") || strstr(log, "hv: domain 5 died") > end,
                  "z died before the script ended: " LOG ".txt");
    ck_assert_msg(!strstr(log, "gntdev: unmapping grant"), "dom0 failed to unmap a grant: "
                  LOG ".txt");
    ck_assert_msg(strstr(log, "hv: frame accounting:") &&
                  strstr(strstr(log, "hv: frame accounting:"), ": balanced"),
                  "hv's frame accounting did not balance: " LOG ".txt");
    free(out);
    free(log);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toolstack_faults");
    TCase *tc = tcase_create("faults");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, daemons_killed);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
