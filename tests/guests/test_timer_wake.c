/*
 * Timer wake-up latency: block on a one-shot timer `count` times and
 * print how late each wake was, in ns of pvclock time.  The acceptable
 * window comes from the command line, so the harness (not this file)
 * owns the numbers:
 *     count=<wakes, default 20> period_us=<sleep, default 1000>
 *     max_late_us=<latest acceptable wake after the deadline, required>
 * A wake before the deadline fails always.  Meant for hv's multi-domain
 * boots; alone, it also runs as Xen's dom0 (with a generous window: a
 * liveness check, not a timing target).
 *
 * xen-ref: pass count=5 max_late_us=1000000
 */
#include "lib/guest.h"
#include "lib/evtchn.h"
#include "lib/time.h"

const char test_title[] = "timer_wake";

/* pvclock and the hypervisor's clock may round differently. */
#define EARLY_NS 50000L

void test_main(void)
{
    long count = cmdline_long("count", 20);
    long period_ns = cmdline_long("period_us", 1000) * 1000;
    long max_late_ns = cmdline_long("max_late_us", -1) * 1000;
    evtchn_port_t timer;
    long min = 0, max = 0, sum = 0;

    if (count <= 0 || period_ns <= 0 || max_late_ns < 0)
        panic("usage: max_late_us=<n> [count=<n>] [period_us=<n>]");

    events_init();
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, &timer), 0, "bind VIRQ_TIMER");
    CHECK_EQ(stop_periodic_timer(), 0, "stop the periodic timer");

    for (long i = 0; i < count; i++) {
        unsigned int hits = evtchn_hits(timer);
        uint64_t deadline = now_ns() + (uint64_t)period_ns;

        CHECK_EQ(set_singleshot_timer(deadline, 0), 0, "arm the one-shot timer");
        while (evtchn_hits(timer) == hits)
            sched_block();          /* unmasks events; the upcall counts the wake */
        events_disable();
        long late = (long)(now_ns() - deadline);

        printk("wake %ld latency_ns=%ld\n", i, late);
        CHECK(late >= -EARLY_NS, "wake %ld was %ld ns early", i, -late);
        CHECK(late <= max_late_ns, "wake %ld was %ld ns late (window %ld)", i, late,
              max_late_ns);
        min = i == 0 || late < min ? late : min;
        max = i == 0 || late > max ? late : max;
        sum += late;
    }
    printk("latency_ns min %ld avg %ld max %ld over %ld wakes\n", min, sum / count, max,
           count);
}
