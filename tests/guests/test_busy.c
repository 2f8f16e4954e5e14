/*
 * A CPU-bound domain for scheduler tests: it never blocks, does a fixed
 * amount of arithmetic per round, and prints a progress line about every
 * half second of system time, so a harness running several of them can
 * see that each one makes progress.  Command line (both optional):
 *     id=<name printed on each line> seconds=<run time, default 10>
 * Output: "progress <id> <rounds>" lines, then the test result.
 * Meant for hv's multi-domain boots; alone, it also runs as Xen's dom0
 * (a liveness check with a generous window, not a timing target).
 *
 * xen-ref: pass seconds=2 id=busy
 */
#include "lib/guest.h"
#include "lib/time.h"

const char test_title[] = "busy";

#define REPORT_NS (500 * NS_PER_MS)

static uint64_t work(uint64_t x)
{
    for (unsigned int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

void test_main(void)
{
    char id[32] = "";
    long seconds = cmdline_long("seconds", 10);
    uint64_t rounds = 0, x = 88172645463325252UL;

    if (!cmdline_get("id", id, sizeof(id)))
        memcpy(id, "busy", 5);
    if (seconds <= 0)
        panic("seconds=%ld", seconds);

    uint64_t start = now_ns(), end = start + (uint64_t)seconds * 1000 * NS_PER_MS;
    uint64_t next_report = start + REPORT_NS, reports = 0;
    for (uint64_t now = start; now < end; now = now_ns()) {
        x = work(x);
        rounds++;
        if (now >= next_report) {
            printk("progress %s %lu\n", id, rounds);
            next_report += REPORT_NS;
            reports++;
        }
    }
    printk("done %s %lu rounds (%#lx)\n", id, rounds, x);
    CHECK(rounds > 0, "no rounds completed");
    CHECK(reports > 0, "no progress reported");
}
